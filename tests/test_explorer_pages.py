"""The explorer's static pages: they carry untrusted text only as escaped data, are deterministic, and say what they hold."""

import json
from pathlib import Path

import pytest
from explorer_fixtures import HOSTILE_TITLE, PAYLOAD, write_hostile_corpus

from analysis.explorer import pages as pages_module
from analysis.explorer.pages import ASSETS, safe_json, write_pages
from analysis.run import open_run

PERIODS = {"early": ["2015-01-01", "2015-12-31"], "late": ["2024-01-01", "2024-12-31"]}


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


def test_pages_built_in_small_parts_are_the_pages_built_at_once(hostile_pages, tmp_path, monkeypatch):
    # Articles two at a time, sentences in batches of a few, documents joined two at a time: the same bytes.
    from analysis.explorer import tables

    run, pages = hostile_pages
    monkeypatch.setattr(tables, "ARTICLE_PART", 2)
    monkeypatch.setattr(tables, "TERM_BATCH", 4)
    monkeypatch.setattr(tables, "DOCUMENT_BLOCK", 2)
    parts = write_pages(run.corpus, run.comparison().vocabulary.table, run.topics(), run.figures().figures,
                        tmp_path / "parts", tables_dir=run.paths.tables)
    whole = {p.relative_to(pages.folder).as_posix(): p.read_bytes() for p in pages.folder.rglob("*") if p.is_file()}
    small = {p.relative_to(parts.folder).as_posix(): p.read_bytes() for p in parts.folder.rglob("*") if p.is_file()}
    assert len(run.corpus.documents) > 2 and small == whole


def test_pages_written_by_two_processes_are_the_pages_written_by_one(hostile_pages, tmp_path, monkeypatch):
    # The term explorer in a second process beside the article views: the same bytes and the same returned counts.
    run, pages = hostile_pages
    monkeypatch.delenv("ANALYSIS_WORKERS", raising=False)
    monkeypatch.setattr(pages_module, "SPLIT_MIN_SENTENCES", 0)
    monkeypatch.setattr(pages_module.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    assert pages_module.explorer_processes(len(run.corpus.sentences)) == 2
    split = write_pages(run.corpus, run.comparison().vocabulary.table, run.topics(), run.figures().figures,
                        tmp_path / "split", tables_dir=run.paths.tables)
    whole = {p.relative_to(pages.folder).as_posix(): p.read_bytes() for p in pages.folder.rglob("*") if p.is_file()}
    parts = {p.relative_to(split.folder).as_posix(): p.read_bytes() for p in split.folder.rglob("*") if p.is_file()}
    assert parts == whole
    assert split.terms.equals(pages.terms)
    assert (split.n_contexts, split.n_files, split.n_bytes) == (pages.n_contexts, pages.n_files, pages.n_bytes)


def test_explorer_processes_follow_the_corpus_size_and_the_workers_setting(monkeypatch):
    monkeypatch.delenv("ANALYSIS_WORKERS", raising=False)
    monkeypatch.setattr(pages_module.os, "sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    assert pages_module.explorer_processes(pages_module.SPLIT_MIN_SENTENCES - 1) == 1
    assert pages_module.explorer_processes(pages_module.SPLIT_MIN_SENTENCES) == 2
    monkeypatch.setattr(pages_module.os, "sched_getaffinity", lambda _: {0}, raising=False)
    assert pages_module.explorer_processes(pages_module.SPLIT_MIN_SENTENCES) == 1
    monkeypatch.setattr(pages_module.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    monkeypatch.setenv("ANALYSIS_WORKERS", "1")
    assert pages_module.explorer_processes(pages_module.SPLIT_MIN_SENTENCES) == 1


def test_an_error_in_the_term_process_is_raised_here(hostile_pages, tmp_path):
    run, _ = hostile_pages
    corpus = pages_module.SentenceCorpus(run.corpus.sentences, run.corpus.documents[["doc_id"]])
    (tmp_path / "terms").mkdir()
    with pytest.raises(KeyError, match="count_a"), pages_module.TermProcess(
            tmp_path, corpus, run.comparison().vocabulary.table.drop(columns=["count_a"]),
            {"periods": run.corpus.period_names[:2]}, ()) as job:
        job.result()


def test_the_term_process_hands_its_sentences_over_beside_the_explorer_and_removes_them(hostile_pages, tmp_path):
    """The hand-over file holds the text of every sentence: it goes in the run's output, not the system's temporary
    folder (which may be small or held in memory), and it is gone once the term explorer is written."""
    run, _ = hostile_pages
    corpus = pages_module.SentenceCorpus(run.corpus.sentences, run.corpus.documents[["doc_id"]])
    folder = tmp_path / "explore"
    (folder / "terms").mkdir(parents=True)
    with pages_module.TermProcess(folder, corpus, run.comparison().vocabulary.table,
                                  {"periods": run.corpus.period_names[:2]}, ()) as job:
        assert [path.name for path in (Path(job.scratch.name)).iterdir()] == ["sentences.arrow"]
        assert Path(job.scratch.name).parent == tmp_path
        terms, _ = job.result()
    assert len(terms) and not list(tmp_path.glob(".explorer-terms-*"))
