"""Independent sources: articles of one outlet, or sharing a passage, count once in the verdicts."""

import pandas as pd

from analysis.corpus.composition import independence_sentence, independent_units, independent_units_for_run, sources_per_period

LONG = {
    "quote": "The two leaders signed a joint statement on deepening their strategic partnership today.",
    "deal": "Gazprom and CNPC agreed the price of gas for the eastern route after a decade of talks.",
    "other": "Officials in Beijing said the visit would last three days and include a state banquet.",
}


def _tables():
    documents = pd.DataFrame({
        "doc_id": ["a1", "a2", "a3", "a4", "a5", "b1", "b2"],
        "period": ["A"] * 5 + ["B"] * 2,
        "outlet": ["Wire", "Wire", "Site X", "Site Y", "Site Z", "Wire", "Site X"],
    })
    texts = {
        "a1": ["Short line.", "A unique first sentence that has more than eight words in it."],
        "a2": ["Another sentence of the wire with well over eight words in it."],
        "a3": [LONG["quote"], LONG["deal"], "Site X adds its own closing sentence with many words here."],
        "a4": [LONG["quote"].upper(), LONG["deal"], "Site Y writes its own ending sentence with many words too."],
        "a5": [LONG["quote"], "Site Z writes one story of its own with many words in it.", LONG["deal"]],
        "b1": [LONG["quote"], LONG["deal"]],
        "b2": [LONG["other"]],
    }
    sentences = pd.DataFrame([{"doc_id": doc, "text": text} for doc, lines in texts.items() for text in lines])
    return documents, sentences


def test_one_outlet_and_shared_sentences_make_one_source():
    documents, sentences = _tables()
    units = independent_units(documents, sentences).set_index("doc_id")
    assert units.loc["a1", "unit"] == units.loc["a2", "unit"] == "a1"  # same outlet
    assert units.loc["a3", "unit"] == units.loc["a4", "unit"] == "a3"  # a shared passage (case ignored)
    assert units.loc["a5", "unit"] == "a5"  # the same two sentences, not consecutive: no shared passage
    assert units.loc["b1", "unit"] == "b1"  # the same sentences in another period do not link
    assert sources_per_period(units.reset_index(), ["A", "B"]) == {"A": 3, "B": 2}


def test_independence_sentence_states_the_counts():
    documents, sentences = _tables()
    units = independent_units(documents, sentences)
    assert independence_sentence(units, ["A", "B"]) == (
        "Verdicts count independent sources, not articles: articles of one outlet, or sharing a passage of two "
        "consecutive sentences (16 or more words: a rewrite of one story), count once. A: 5 articles from 4 outlets "
        "make 3 independent sources (2 articles share a passage with another outlet's); B: 2 articles from 2 outlets "
        "make 2 independent sources.")


def test_independent_units_for_run_reuses_the_first_result(tmp_path):
    from types import SimpleNamespace

    documents, sentences = _tables()
    corpus = SimpleNamespace(documents=documents, sentences=sentences, fingerprint="abc", period_names=["A", "B"])
    first = independent_units_for_run(corpus, tmp_path)
    corpus.sentences = sentences.iloc[:0]  # a second call of the same run must not recompute
    pd.testing.assert_frame_equal(independent_units_for_run(corpus, tmp_path), first)
