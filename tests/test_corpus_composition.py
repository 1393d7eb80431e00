"""Independent sources: articles of one outlet, or sharing a passage, count once in the verdicts."""

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from analysis.corpus import composition
from analysis.corpus.composition import independence_sentence, independent_units, independent_units_for_run, sources_per_period
from analysis.corpus.load import WORD_PATTERN

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


def _reference_units(documents, sentences):
    """independent_units as first written: each passage kept as its normalised text and grouped by it."""
    docs = documents[["doc_id", "period", "outlet"]].sort_values("doc_id", kind="mergesort", ignore_index=True)
    position = pd.Series(np.arange(len(docs)), index=docs["doc_id"])
    text = sentences.loc[sentences["doc_id"].isin(position.index), ["doc_id", "text"]]
    normalized = text["text"].str.lower().str.split().str.join(" ")
    words = text["text"].str.count(WORD_PATTERN.pattern)
    following = normalized.groupby(text["doc_id"], sort=False).shift(-1)
    passage_words = words + words.groupby(text["doc_id"], sort=False).shift(-1)
    passages = pd.DataFrame({"doc": text["doc_id"].map(position).to_numpy(),
                             "passage": (normalized + "\n" + following).to_numpy(), "words": passage_words.to_numpy()})
    passages = passages[passages["passage"].notna() & (passages["words"] >= composition.MIN_PASSAGE_WORDS)]
    passages = passages.assign(period=docs["period"].to_numpy()[passages["doc"]],
                               outlet=docs["outlet"].to_numpy()[passages["doc"]]).drop_duplicates(["doc", "passage"])
    by_passage = passages.groupby(["period", "passage"], sort=False)
    passage_first = by_passage["doc"].transform("min").to_numpy()
    crosses_outlets = by_passage["outlet"].transform("nunique").to_numpy() > 1
    same_outlet = docs.groupby(["period", "outlet"], sort=False).ngroup()
    outlet_first = pd.Series(np.arange(len(docs))).groupby(same_outlet.to_numpy()).transform("min").to_numpy()
    graph = sparse.coo_matrix((np.ones(len(passages) + len(docs)),
                               (np.concatenate([passages["doc"].to_numpy(), np.arange(len(docs))]),
                                np.concatenate([passage_first, outlet_first]))), shape=(len(docs), len(docs)))
    _, labels = connected_components(graph, directed=False)
    shares = np.zeros(len(docs), dtype=bool)
    shares[passages["doc"].to_numpy()[crosses_outlets]] = True
    return docs.assign(unit=pd.Series(docs["doc_id"].to_numpy()).groupby(labels).transform("first").to_numpy(),
                       shares_sentences=shares)


def _planted_tables(n_docs=80, seed=3):
    """Articles drawn from a dozen long sentences and two short ones, each copy in a random case and spacing, across
    two periods and twenty outlets: some passages shared inside and across outlets, some only in the other period."""
    rng = np.random.default_rng(seed)
    words = "trade gas pipeline summit sanctions yuan oil visit leaders deal talks border bank ports".split()
    pool = [" ".join(rng.choice(words, 9)).capitalize() + "." for _ in range(12)] + ["Short one.", "A second short line."]
    rows, docs = [], []
    for n in range(n_docs):
        doc_id = f"d{rng.integers(10**6):06d}-{n}"
        docs.append({"doc_id": doc_id, "period": "AB"[n % 2], "outlet": f"Outlet {rng.integers(20)}"})
        for index in rng.choice(len(pool), size=rng.integers(1, 5)):
            text = pool[index]
            text = {0: text, 1: text.upper(), 2: text.replace(" ", "  \t", 2)}[int(rng.integers(3))]
            rows.append({"doc_id": doc_id, "text": text})
    return pd.DataFrame(docs), pd.DataFrame(rows)


def test_independent_units_groups_passages_as_their_texts_would(monkeypatch):
    monkeypatch.setattr(composition, "CODE_SLICE", 7)  # codes must agree across the slices they are built in
    for documents, sentences in [_tables(), _planted_tables(), _planted_tables(200, seed=11)]:
        expected = _reference_units(documents, sentences)
        assert 2 < expected["unit"].nunique() < len(documents) - 1, expected["unit"].nunique()
        assert expected["shares_sentences"].any()
        pd.testing.assert_frame_equal(independent_units(documents, sentences), expected)
    documents, sentences = _planted_tables()
    kept = documents.iloc[5:]  # sentences of articles not in the documents table are left out, as before
    pd.testing.assert_frame_equal(independent_units(kept, sentences), _reference_units(kept, sentences))


def test_independent_units_of_the_development_corpus_match_the_reference():
    from analysis.core.paths import PROJECT_ROOT
    from analysis.corpus.load import load_corpus

    corpus = load_corpus(PROJECT_ROOT / "tests" / "data" / "dev_corpus")
    expected = _reference_units(corpus.documents, corpus.sentences)
    pd.testing.assert_frame_equal(independent_units(corpus.documents, corpus.sentences), expected)


def test_sentence_codes_ignore_case_and_spacing_only(monkeypatch):
    monkeypatch.setattr(composition, "CODE_SLICE", 2)
    texts = pd.Series(["Xi met Putin.", "XI  met\nPutin.", "Xi met Putin!", " xi met putin. ", "Putin met Xi."])
    assert composition.sentence_codes(texts).tolist() == [0, 0, 1, 0, 2]


def test_word_counts_are_pythons_whatever_the_script(monkeypatch):
    """Arrow counts the texts without word characters beyond ASCII (curly quotes and dashes are none) and Python the
    rest; every count is that of Python's regular expression."""
    from analysis.corpus.load import load_corpus

    tricky = ["", "   ", "a", "U.S.-China", "Xi's  'quote' -- dash-", "don't-stop_now 3.5%", "__init__ x_y", "--'--",
              "Xi’s visit", "café au lait", "Москва и Пекин", "数字 2024 年", "İstanbul", "naïve-ish co-op’s",
              "“Xi’s — visit…”", "x² and ٣ rows", "a\u00a0b’c’", "’’ –", "Putin’s “deal”: 10 km²", "ſo it’s"]
    texts = pd.Series(tricky * 3 + load_corpus("tests/data/dev_corpus").sentences["text"].tolist(), dtype="str")
    expected = [len(WORD_PATTERN.findall(text)) for text in texts]
    for slice_size in (7, 100_000):
        monkeypatch.setattr(composition, "CODE_SLICE", slice_size)
        assert composition.count_words(texts).tolist() == expected


def test_the_articles_sentence_counts_every_period_and_adds_up_to_the_table():
    """A corpus with a third period (allowed by the periods parameter; the comparisons use the first two): the front
    page's count names every period, and its numbers add up to the table's rows."""
    import re

    rng = np.random.default_rng(4)
    periods = ["2014–2015", "2023–2024", "2018–2019", "2020–2021"]
    docs = pd.DataFrame({"period": rng.choice(periods, size=1234, p=[0.4, 0.3, 0.2, 0.1]),
                         "outlet": rng.choice([f"Outlet {k}" for k in range(30)], size=1234)})
    for names in (periods[:2], periods[:3], periods):
        used = docs[docs["period"].isin(names)]
        sentence = composition.articles_sentence(used, names)
        number = lambda text: int(text.replace(",", ""))  # noqa: E731
        total = number(re.match(r"\*\*([\d,]+) articles\*\*", sentence).group(1))
        per_period = [number(n) for n in re.findall(r"(?<![\d–])([\d,]*\d) from \d", sentence)]
        outlets = number(re.search(r"from ([\d,]+) outlets\.$", sentence).group(1))
        assert total == len(used) == sum(per_period)
        assert per_period == [int((used["period"] == name).sum()) for name in names]
        assert outlets == used["outlet"].nunique()
        assert ("which no comparison uses" in sentence) == (len(names) > 2)
