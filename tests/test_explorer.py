"""The explorer's data: terms placed by rank with the sentences that use them, highlights at the right offsets,
articles read as the pipeline read them, and pages that carry untrusted text only as escaped data."""

import json
import re

import pandas as pd
import pytest
from explorer_fixtures import HOSTILE_TITLE, PARAGRAPHS_EARLY, PARAGRAPHS_LATE, PAYLOAD, write_hostile_corpus, write_plain_corpus

from analysis.comparison import actors
from analysis.comparison import frames as framing
from analysis.comparison.vocabulary import vocabulary_comparison
from analysis.corpus.load import load_corpus
from analysis.explorer import pages as pages_module
from analysis.explorer import tables as explorer
from analysis.explorer.pages import ASSETS, safe_json, write_pages
from analysis.run import open_run

PERIODS = {"early": ["2015-01-01", "2015-12-31"], "late": ["2024-01-01", "2024-12-31"]}


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return load_corpus(write_plain_corpus(tmp_path_factory.mktemp("plain") / "corpus"), PERIODS)


def vocabulary(corpus):
    return vocabulary_comparison(corpus.document_texts(), corpus.sentences, corpus.period_names).table


def test_rank_position_places_terms_by_dense_rank():
    assert explorer.rank_position(pd.Series([5, 0, 2, 5, 9])).tolist() == [2 / 3, 0.0, 1 / 3, 2 / 3, 1.0]
    assert explorer.rank_position(pd.Series([0, 0])).tolist() == [0.0, 0.0]


def test_every_sentence_of_a_term_is_listed_with_its_counts(plain):
    terms = explorer.term_explorer(plain, vocabulary(plain), plain.period_names)
    moscow = terms.terms.set_index("term").loc["moscow"]
    # Each early article uses "moscow" once in its first paragraph and twice in its third ("Moscow declared" and
    # "Washington pushed" are phrases of this corpus); each late article once, in its fourth.
    counts = moscow[["count_a", "count_b", "sentences_a", "docs_a", "sentences_b", "docs_b"]].astype(int).tolist()
    assert counts == [9, 3, 6, 3, 3, 3]
    lines = terms.contexts[terms.contexts["term"] == "moscow"]
    assert sorted(lines["text"].unique()) == sorted([PARAGRAPHS_EARLY[0], PARAGRAPHS_EARLY[2], PARAGRAPHS_LATE[3]])
    assert (lines["period"] == "early").sum() == 6 and (lines["period"] == "late").sum() == 3
    groups = terms.terms.set_index("term")["dictionary"]
    assert groups["xi jinping"] == "actor: Xi Jinping" and groups["sanctions"] == "frame: sanctions and the West"
    assert groups["thirty"] == ""
    raw = plain.documents.set_index("doc_id")["raw"]
    for row in lines.itertuples(index=False):  # offsets point into the article's raw text
        doc_id = plain.documents["doc_id"].iloc[row.article]
        assert raw[doc_id][row.start:row.end] == row.text


def test_sentences_are_capped_one_per_article_first(plain):
    terms = explorer.term_explorer(plain, vocabulary(plain), plain.period_names, max_per_period=3)
    early = terms.contexts[(terms.contexts["term"] == "moscow") & (terms.contexts["period"] == "early")]
    assert len(early) == 3 and early["article"].nunique() == 3  # one from each of the three early articles
    assert terms.terms.set_index("term").loc["moscow", "sentences_a"] == 6  # the total is still stated


def test_marks_sit_on_the_words_they_name(plain):
    raw = plain.documents.set_index("doc_id")["raw"]
    actors = explorer.actor_marks(plain.paragraphs)
    frames = explorer.frame_marks(plain.sentences)
    for marks in (actors, frames):
        assert len(marks)
        for row in marks.itertuples(index=False):
            assert re.fullmatch(r"[\w' -]+", raw[row.doc_id][row.start:row.end])
    late = actors[actors["doc_id"] == "late-0"]
    surfaces = {raw["late-0"][r.start:r.end]: r.label for r in late.itertuples(index=False)}
    assert surfaces["Xi Jinping"] == "actor: Xi Jinping" and surfaces["Vladimir Putin"] == "actor: Vladimir Putin"


def test_figure_marks_read_optional_columns():
    figures = pd.DataFrame({"doc_id": ["d"], "start": [3], "end": [9], "kind": ["money"], "measure": ["trade"],
                            "shown": ["$5 bn"], "warning": [""]})
    assert explorer.figure_marks(figures)["label"].tolist() == ["figure: money · measures trade · value $5 bn"]
    with_indicator = figures.assign(indicator="bilateral trade")
    assert explorer.figure_marks(with_indicator)["label"].tolist() == [
        "figure: money · measures trade · value $5 bn · indicator bilateral trade"]


def test_a_figure_wins_over_an_overlapping_frame_word():
    marks = pd.DataFrame({"doc_id": ["d", "d", "d"], "start": [10, 12, 30], "end": [20, 15, 34],
                          "kind": ["frame", "figure", "frame"], "label": ["f1", "g", "f2"]})
    assert explorer.resolve_overlaps(marks)["label"].tolist() == ["g", "f2"]


def test_article_records_keep_removed_lines_and_optional_flags(plain):
    corpus = load_corpus(plain.directory, PERIODS)
    corpus.paragraphs = corpus.paragraphs.assign(headline=corpus.paragraphs["para_no"] == 1)
    corpus.removed = pd.DataFrame([{"doc_id": "early-1", "file": "early_1.txt", "line_no": 9, "start": 500, "end": 510,
                                    "rule": "byline", "text": "By someone", "reason": "an author line"}])
    records = dict(explorer.article_records(corpus, pd.DataFrame(columns=["doc_id", "start", "end", "kind", "label"]),
                                            pd.DataFrame(), {}, rules={}))
    second = records[1]
    assert second["meta"]["doc_id"] == "early-1" and second["blocks"][0].get("headline") is True
    assert "headline" not in second["blocks"][1]
    assert second["blocks"][-1] == {"kind": "removed", "start": 500, "end": 510, "text": "By someone", "rule": "byline",
                                    "why": "an author line"}


def test_safe_json_cannot_close_a_script_or_break_a_line():
    value = {"title": "</script><script>alert(1)</script>", "notes": "a\u2028b\u2029c & <b>"}
    text = safe_json(value)
    assert "<" not in text and ">" not in text and "\u2028" not in text and "\u2029" not in text and "&" not in text
    assert json.loads(text) == value
    assert safe_json({"z": float("nan")}) == '{"z":null}'


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    corpus_dir = write_hostile_corpus(root / "corpus")
    run = open_run({"corpus_dir": str(corpus_dir), "periods": PERIODS, "reports_dir": str(root / "reports"),
                    "figures_dir": str(root / "figures")})
    return run, write_pages(run.corpus, run.comparison().vocabulary.table, run.topics(), run.figures().figures,
                            root / "reports" / "explore", tables_dir=run.paths.tables)


def test_pages_carry_hostile_text_only_as_escaped_data(hostile_pages):
    _, pages = hostile_pages
    expected_tags = {"terms.html": 3, "topics.html": 4, "index.html": 4, "article.html": 3}
    for name, tags in expected_tags.items():
        page = (pages.folder / name).read_text(encoding="utf-8")
        assert page.count("<script") == tags, name  # the data element and the page's own scripts, nothing else
        assert "<img" not in page and "<b " not in page, name
    data_files = [pages.folder / "articles.js", *sorted((pages.folder / "articles").glob("*.js")),
                  *sorted((pages.folder / "terms").glob("*.js"))]
    written = "".join(path.read_text(encoding="utf-8") for path in data_files)
    assert "<script" not in written and "</script" not in written and "\u2028" not in written
    record = article_shards(pages.folder)[0][0]
    assert record["meta"]["title"] == HOSTILE_TITLE and PAYLOAD in record["blocks"][0]["text"]


def article_shards(folder) -> list[list[dict]]:
    """The article records of each shard under articles/, in shard order."""
    shards = []
    for number, path in enumerate(sorted((folder / "articles").glob("*.js"))):
        assert path.name == f"{number:05d}.js"
        prefix = f'explorerShard("articles/{number:05d}",'
        shards.append(json.loads(path.read_text(encoding="utf-8").removeprefix(prefix).removesuffix(");\n")))
    return shards


def test_article_shards_hold_every_article_in_order_and_the_page_finds_them(hostile_pages, tmp_path, monkeypatch):
    run, _ = hostile_pages
    monkeypatch.setattr(pages_module, "SHARD_BYTES", 1)  # one article per shard: the smallest limit still packs them all
    one_each = article_shards(write_pages(run.corpus, run.comparison().vocabulary.table, run.topics(), run.figures().figures,
                                          tmp_path / "one", tables_dir=run.paths.tables).folder)
    monkeypatch.setattr(pages_module, "SHARD_BYTES", 10**9)
    together = write_pages(run.corpus, run.comparison().vocabulary.table, run.topics(), run.figures().figures,
                           tmp_path / "all", tables_dir=run.paths.tables)
    assert [len(shard) for shard in one_each] == [1] * len(run.corpus.documents)
    assert [len(shard) for shard in article_shards(together.folder)] == [len(run.corpus.documents)]
    assert [record for shard in one_each for record in shard] == article_shards(together.folder)[0]
    assert [record["n"] for record in article_shards(together.folder)[0]] == list(range(len(run.corpus.documents)))
    page = (tmp_path / "one" / "article.html").read_text(encoding="utf-8")
    data = json.loads(page.split('type="application/json">')[1].split("</script>")[0])
    assert data["article_shards"] == list(range(len(run.corpus.documents)))


def test_pages_are_deterministic_and_complete(hostile_pages, tmp_path):
    run, pages = hostile_pages
    again = write_pages(run.corpus, run.comparison().vocabulary.table, run.topics(), run.figures().figures,
                        tmp_path / "explore", tables_dir=run.paths.tables)
    first = {p.relative_to(pages.folder).as_posix(): p.read_bytes() for p in pages.folder.rglob("*") if p.is_file()}
    second = {p.relative_to(again.folder).as_posix(): p.read_bytes() for p in again.folder.rglob("*") if p.is_file()}
    assert first == second
    assert set(ASSETS) <= set(first) and {"terms.html", "topics.html", "index.html", "article.html", "articles.js"} <= set(first)
    assert sum(len(shard) for shard in article_shards(pages.folder)) == len(run.corpus.documents) == pages.n_articles
    assert pages.n_files == len(first) and pages.n_bytes == sum(len(data) for data in first.values())


def test_links_sentence_counts_what_was_written(hostile_pages):
    run, pages = hostile_pages
    text = pages.links_markdown(run.paths.reports)
    assert f"all {len(pages.terms):,} counted terms" in text and f"the {len(run.corpus.documents):,} articles" in text
    assert f"each of the {run.topics().k} topics" in text and "(explore/terms.html)" in text
    assert f"The explorer is {pages.n_files:,} files ({pages.n_bytes / 1e6:,.1f} MB)" in text


def test_marks_are_the_matches_the_comparison_counts():
    corpus = load_corpus()  # the seed articles
    frames = explorer.frame_marks(corpus.sentences)
    found = framing.frame_matches(corpus.sentences)
    assert len(frames) == len(found) and sorted(frames["label"]) == sorted("frame: " + found["group"])
    mentions = actors.count_mentions(corpus.paragraphs["text"])
    assert len(explorer.actor_marks(corpus.paragraphs)) == int(mentions.to_numpy().sum())


def test_a_third_period_is_left_out_of_the_term_sentences(tmp_path):
    periods = {**PERIODS, "later": ["2025-01-01", "2025-12-31"]}
    folder = write_plain_corpus(tmp_path / "three")
    (folder / "extra.txt").write_text("Moscow hosted a summit on trade.\n", encoding="utf-8")
    with open(folder / "metadata.csv", "a", encoding="utf-8") as metadata:
        metadata.write("extra.txt,extra,Extra,Outlet 9,2025-03-01,,test fixture\n")
    corpus = load_corpus(folder, periods)
    documents = corpus.document_texts()
    two = documents[documents["period"] != "later"]  # the comparison of the first two periods, as the stage makes it
    table = vocabulary_comparison(two, corpus.sentences, corpus.period_names[:2]).table
    terms = explorer.term_explorer(corpus, table, corpus.period_names[:2])
    assert set(terms.contexts["period"]) == {"early", "late"}
    assert terms.terms.set_index("term").loc["moscow", ["sentences_a", "sentences_b"]].astype(int).tolist() == [6, 3]


def test_overlaps_resolve_when_one_kind_of_mark_is_missing():
    from analysis.explorer.tables import actor_marks, resolve_overlaps

    figures = pd.DataFrame({"doc_id": ["d"], "start": [3], "end": [8], "kind": ["figure"], "label": ["$5 bn"]})
    paragraphs = pd.DataFrame({"doc_id": ["d"], "start": [0], "text": ["The ferry carried 5 bn worth of timber."]})
    no_actors = actor_marks(paragraphs)  # a corpus that names no listed actor
    assert no_actors.empty
    marks = resolve_overlaps(pd.concat([figures, no_actors], ignore_index=True))
    assert marks[["start", "end", "kind"]].values.tolist() == [[3, 8, "figure"]]
