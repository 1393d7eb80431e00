"""The explorer's data: terms placed by rank with the sentences that use them, highlights at the right offsets,
articles read as the pipeline read them."""

import re

import pandas as pd
import pytest
from explorer_fixtures import PARAGRAPHS_EARLY, PARAGRAPHS_LATE, write_plain_corpus

from analysis.comparison import actors
from analysis.comparison import frames as framing
from analysis.comparison.vocabulary import vocabulary_comparison
from analysis.core import keywords
from analysis.core.preprocess import corpus_phrases
from analysis.corpus.load import load_corpus
from analysis.explorer import tables as explorer

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


def reference_term_explorer(corpus, table, periods, max_per_period):
    """The simple form of the term explorer's counts and sentences: one sentences × terms matrix of the whole corpus,
    each term's rows read from it (what the batched version replaced)."""
    import numpy as np

    from analysis.core.preprocess import corpus_phrases, document_term_matrix

    sentences = corpus.sentences.reset_index(drop=True)
    codes = sentences["doc_id"].map(explorer.article_numbers(corpus.documents)).to_numpy()
    phrases = corpus_phrases(corpus.document_texts()["text"].tolist())
    matrix, words = document_term_matrix(sentences["text"].tolist(), phrases=phrases)
    matrix, column_of = matrix.tocsc(), {word: index for index, word in enumerate(words)}
    stats, picked = [], []
    for term in sorted(table["term"]):
        column = column_of.get(term)
        rows = np.sort(matrix.indices[matrix.indptr[column]:matrix.indptr[column + 1]]) if column is not None else []
        row_stats = [term]
        for period in periods:
            chosen = np.asarray([row for row in rows if sentences["period"][row] == period], dtype=int)
            _, first = np.unique(codes[chosen], return_index=True)
            firsts = np.isin(np.arange(len(chosen)), first)
            row_stats += [len(np.unique(codes[chosen])), len(chosen)]
            ordered = np.concatenate([chosen[firsts], chosen[~firsts]])[:max_per_period]
            picked += [(term, int(codes[row]), int(sentences["start"][row]), sentences["sent_id"][row]) for row in ordered]
        stats.append(tuple(row_stats))
    return stats, sorted(picked)


@pytest.mark.parametrize("batch", [3, 10**6])
@pytest.mark.parametrize("cap", [1, 2, 100])
def test_batched_term_explorer_matches_one_whole_matrix(plain, monkeypatch, batch, cap):
    # Batches of a few sentences (whole articles) and caps that cut firsts and repeats give what one matrix gives.
    monkeypatch.setattr(explorer, "TERM_BATCH", batch)
    monkeypatch.setattr(explorer, "DOCUMENT_BLOCK", 2)
    table = vocabulary(plain)
    found = explorer.term_explorer(plain, table, plain.period_names, max_per_period=cap)
    stats, picked = reference_term_explorer(plain, table, plain.period_names, cap)
    columns = ["term", "docs_a", "sentences_a", "docs_b", "sentences_b"]
    assert list(found.terms[columns].itertuples(index=False, name=None)) == stats
    contexts = found.contexts
    assert sorted(zip(contexts["term"], contexts["article"], contexts["start"], contexts["sent_id"])) == picked
    assert contexts[["term", "article", "start"]].equals(
        contexts[["term", "article", "start"]].sort_values(["term", "article", "start"], ignore_index=True))


def test_document_text_stream_gives_the_document_texts(plain, monkeypatch):
    monkeypatch.setattr(explorer, "DOCUMENT_BLOCK", 4)
    assert list(explorer.document_text_stream(plain)) == plain.document_texts()["text"].tolist()
    some = plain.documents.iloc[[4, 1]]
    assert list(explorer.document_text_stream(plain, some)) == plain.document_texts()["text"].iloc[[4, 1]].tolist()


def reference_spans(texts, offsets, index):
    """Each text scanned alone (what the batched scan replaced), after the NUL every scanned text starts with (a
    case-insensitive pattern may match the character before a term: the term group says where the term starts)."""
    from analysis.core.keywords import _normal

    rows = []
    for position, (text, offset) in enumerate(zip(texts, offsets)):
        for case, pattern in index.patterns:
            for match in pattern.finditer("\0" + text):
                for group, kind in index.lookup.get((case, _normal(match.group("term"), case)), ()):
                    if not (kind == "word" and match.group("tail")):
                        rows.append((position, group, offset + match.start("term") - 1, offset + match.end() - 1))
    return rows


def test_batched_keyword_spans_match_a_scan_of_each_text(monkeypatch):
    from analysis.core.keywords import keyword_index

    corpus = load_corpus()  # the seed articles
    monkeypatch.setattr(keywords, "SCAN_BATCH", 7)  # batches end inside the corpus
    texts = pd.concat([corpus.sentences["text"], pd.Series(["", "US-Chinese ties; ıs İstanbul SANCTIONS", "Xi"])],
                      ignore_index=True)
    offsets = list(range(0, 10 * len(texts), 10))
    for table, column in ((framing.load_frames(), "frame"), (actors.load_actors(), "actor")):
        index = keyword_index(table, column)
        found = explorer.keyword_spans(texts, offsets, index)
        assert list(found.itertuples(index=False, name=None)) == reference_spans(texts.tolist(), offsets, index)


def reference_overlaps(marks):
    """The greedy rule applied to every mark in turn (what the fast path must reproduce)."""
    ranked = marks.assign(priority=marks["kind"].map(explorer.MARK_PRIORITY), length=marks["end"] - marks["start"])
    ranked = ranked.sort_values(["doc_id", "priority", "length", "start"], ascending=[True, True, False, True],
                                kind="mergesort")
    taken, kept = {}, []
    for index, doc_id, start, end in zip(ranked.index, ranked["doc_id"], ranked["start"], ranked["end"]):
        occupied = taken.setdefault(doc_id, set())
        if not occupied & set(range(start, end)):
            occupied |= set(range(start, end))
            kept.append(index)
    return marks.loc[kept].sort_values(["doc_id", "start", "end"], kind="mergesort", ignore_index=True)


def test_overlaps_resolve_as_the_greedy_rule_on_random_marks():
    import numpy as np

    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(1, 25))
        start = rng.integers(0, 40, n)
        marks = pd.DataFrame({"doc_id": rng.choice(["a", "b", "c"], n), "start": start,
                              "end": start + rng.integers(0, 8, n),  # zero-length marks too
                              "kind": rng.choice(["figure", "actor", "frame"], n), "label": [f"m{i}" for i in range(n)]})
        assert explorer.resolve_overlaps(marks).equals(reference_overlaps(marks))


def test_highlights_from_the_comparison_stage_spans_are_the_scanned_ones(tmp_path):
    from analysis.stages import comparison_results

    corpus = load_corpus()  # the seed articles
    stage = comparison_results(corpus, tmp_path, random_seed=1, prior_scale=0.5, fdr=0.05, top_n=5, n_resamples=20)
    assert len(stage.frame_spans) and len(stage.actor_spans)
    figures = pd.DataFrame(columns=["doc_id", "start", "end", "kind"])
    shares = pd.DataFrame(columns=["doc_id"])
    stored = list(explorer.corpus_parts(corpus, figures, shares, size=3, frame_spans=stage.frame_spans,
                                        actor_spans=stage.actor_spans))
    scanned = list(explorer.corpus_parts(corpus, figures, shares, size=3))
    assert len(stored) == len(scanned) > 1 and scanned[0].frame_spans is None
    for with_spans, without in zip(stored, scanned):
        assert with_spans.frame_spans["row"].max() < len(with_spans.sentences)
        pd.testing.assert_frame_equal(explorer.frame_marks(with_spans.sentences, with_spans.frame_spans),
                                      explorer.frame_marks(without.sentences))
        pd.testing.assert_frame_equal(explorer.actor_marks(with_spans.paragraphs, with_spans.actor_spans),
                                      explorer.actor_marks(without.paragraphs))
        pd.testing.assert_frame_equal(explorer.part_marks(with_spans), explorer.part_marks(without))


def test_terms_counted_with_the_comparison_stage_phrases_are_the_ones_found_again(tmp_path):
    from analysis.core.preprocess import corpus_phrases
    from analysis.stages import comparison_results

    corpus = load_corpus()  # the seed articles
    stage = comparison_results(corpus, tmp_path, random_seed=1, prior_scale=0.5, fdr=0.05, top_n=5, n_resamples=20)
    assert stage.phrases == corpus_phrases(explorer.document_text_stream(corpus))
    periods = corpus.period_names[:2]
    given = explorer.term_explorer(corpus, stage.vocabulary.table, periods, phrases=stage.phrases)
    found = explorer.term_explorer(corpus, stage.vocabulary.table, periods)
    pd.testing.assert_frame_equal(given.terms, found.terms)
    pd.testing.assert_frame_equal(given.contexts, found.contexts)


def test_figure_labels_are_the_row_by_row_labels_with_missing_values():
    # Each label as the row-by-row rule writes it: "figure: kind", then " · " and each part that has a value.
    figures = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "start": [0, 5, 1, 2], "end": [3, 9, 4, 6],
                            "kind": pd.Series(["money", None, "share", "count"], dtype="str"),
                            "measure": pd.Series(["trade", "gdp", None, ""], dtype="string"),  # pd.NA is written <NA>
                            "shown": [1.5, float("nan"), 7.0, 2.0],  # not text: each value written as str() writes it
                            "warning": pd.Series(["", "odd unit", None, "x"], dtype=object)})
    prefixes = {"measure": "measures ", "shown": "value ", "warning": "warning: "}
    expected = [" · ".join([f"figure: {explorer._value(row['kind'])}",
                            *(prefix + explorer._value(row[name]) for name, prefix in prefixes.items()
                              if explorer._value(row[name]))]) for _, row in figures.iterrows()]
    assert explorer.figure_marks(figures)["label"].tolist() == expected
    assert expected[1:3] == ["figure:  · measures gdp · warning: odd unit", "figure: share · measures <NA> · value 7.0"]


def test_marks_of_an_unknown_or_missing_kind_rank_after_the_known_kinds():
    marks = pd.DataFrame({"doc_id": ["d"] * 4, "start": [0, 0, 0, 20], "end": [9, 9, 9, 25],
                          "kind": pd.Series([None, "other", "frame", "figure"], dtype=object), "label": ["n", "o", "f", "g"]})
    assert explorer.resolve_overlaps(marks)["label"].tolist() == ["f", "g"]
    assert explorer.resolve_overlaps(marks.iloc[:2])["label"].tolist() == ["n"]  # a tie between the two: the earlier


@pytest.mark.parametrize("cap", [1, 2, 100])
def test_term_candidates_of_parts_merge_into_the_whole_corpus_s_contexts(plain, cap):
    """Articles split into two tables not in corpus order (as a corpus's partitions may be): each table's candidates,
    capped per term and period, merged by choose_term_contexts list what term_explorer lists for the whole corpus."""
    table = vocabulary(plain)
    whole = explorer.term_explorer(plain, table, plain.period_names, max_per_period=cap)
    terms = explorer.explorer_terms(table)
    numbers = explorer.article_numbers(plain.documents)
    phrases = tuple(corpus_phrases(explorer.document_text_stream(plain)))
    found = []
    for part in (numbers.iloc[[5, 0, 3]], numbers.iloc[[4, 1, 2]]):  # each article in one part, late ones first
        sentences = pd.concat([plain.sentences[plain.sentences["doc_id"] == doc_id] for doc_id in part.index])  # late first
        found.append(explorer.term_candidates(sentences, part, plain.period_names, terms["term"].tolist(), phrases, cap))
        per_key = found[-1].candidates.groupby(["key", "first"]).size()
        assert per_key.max() <= cap
    docs = found[0].docs + found[1].docs
    joined = pd.concat([part.candidates for part in found], ignore_index=True)
    capped = explorer.cap_term_candidates(pd.concat([explorer.cap_term_candidates(found[1].candidates, cap),
                                                     found[0].candidates], ignore_index=True), cap)  # a part at a time
    assert len(capped) < len(joined) or cap == 100
    for candidates in (joined, capped):
        pd.testing.assert_frame_equal(explorer.choose_term_contexts(candidates, terms["term"], docs, cap), whole.contexts)
    pd.testing.assert_frame_equal(explorer.term_table(terms, found[0].sentences + found[1].sentences, docs), whole.terms)


def test_topic_leaders_of_parts_merge_into_the_whole_table_s():
    """The leading articles and units of each topic, from tables each holding whole articles, are those of all units;
    shares of zero never lead."""
    units = pd.DataFrame({"unit_id": [f"u{n}" for n in range(8)], "doc_id": list("aabbccdd"),
                          "topic_1": [0.9, 0.1, 0.5, 0.5, 0.0, 0.0, 0.2, 0.95], "topic_2": [0.1, 0.9, 0.5, 0.5, 1.0, 1.0, 0.8, 0.05]})
    labels = {1: "one", 2: "two"}
    whole = explorer.topic_leaders(units, labels)
    merged = explorer.merge_leaders([explorer.topic_leaders(units[units["doc_id"].isin(part)], labels)
                                     for part in (["c", "b"], ["d", "a"])])
    for topic in labels:
        for kind in (0, 1):
            pd.testing.assert_frame_equal(merged[topic][kind].reset_index(drop=True), whole[topic][kind].reset_index(drop=True))
    assert whole[1][0]["doc_id"].tolist() == ["d", "a", "b"] and whole[1][1]["unit_id"].tolist()[:2] == ["u7", "u0"]
