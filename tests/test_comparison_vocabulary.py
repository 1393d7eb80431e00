"""Log-odds with Dirichlet prior against hand-worked values; multiple testing; keyword in context."""

import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis.comparison.vocabulary import (
    distinctive_vocabulary,
    informative_prior,
    keyword_in_context,
    leave_one_out_terms,
    log_odds_dirichlet,
    period_term_counts,
    term_robustness,
    top_terms,
    vocabulary_comparison,
)

A = pd.Series({"gas": 10, "war": 0})
B = pd.Series({"gas": 2, "war": 8})


def test_scalar_prior_matches_hand_computation():
    table = log_odds_dirichlet(A, B, 1.0)
    # n_a = n_b = 10, alpha_w = 1, alpha_0 = 2
    delta_gas = math.log(11 / (10 + 2 - 10 - 1)) - math.log(3 / (10 + 2 - 2 - 1))
    delta_war = math.log(1 / (10 + 2 - 0 - 1)) - math.log(9 / (10 + 2 - 8 - 1))
    assert table.loc["gas", "delta"] == pytest.approx(delta_gas)
    assert table.loc["gas", "delta"] == pytest.approx(math.log(33))
    assert table.loc["war", "delta"] == pytest.approx(delta_war)
    assert table.loc["gas", "variance"] == pytest.approx(1 / 11 + 1 / 3)
    assert table.loc["war", "variance"] == pytest.approx(1 / 1 + 1 / 9)
    assert table.loc["war", "z"] == pytest.approx(delta_war / math.sqrt(1 + 1 / 9))
    assert list(table.columns) == ["delta", "variance", "z"]


def test_per_term_prior_matches_hand_computation():
    prior = pd.Series({"gas": 2.0, "war": 0.5})  # alpha_0 = 2.5
    table = log_odds_dirichlet(A, B, prior)
    delta_gas = math.log(12 / (10 + 2.5 - 10 - 2)) - math.log(4 / (10 + 2.5 - 2 - 2))
    delta_war = math.log(0.5 / (10 + 2.5 - 0 - 0.5)) - math.log(8.5 / (10 + 2.5 - 8 - 0.5))
    assert table.loc["gas", "delta"] == pytest.approx(delta_gas)
    assert table.loc["war", "delta"] == pytest.approx(delta_war)
    assert table.loc["war", "variance"] == pytest.approx(1 / 0.5 + 1 / 8.5)
    assert table.loc["gas", "z"] > 0 > table.loc["war", "z"]


def test_terms_on_one_side_only_are_counted_as_zero_on_the_other():
    a = pd.Series({"crimea": 4, "gas": 6})
    b = pd.Series({"harbin": 3, "gas": 7})
    table = log_odds_dirichlet(a, b, 0.5)
    assert sorted(table.index) == ["crimea", "gas", "harbin"]
    # crimea: y_a = 4, y_b = 0; n_a = n_b = 10; alpha_0 = 1.5
    expected = math.log(4.5 / (10 + 1.5 - 4.5)) - math.log(0.5 / (10 + 1.5 - 0.5))
    assert table.loc["crimea", "delta"] == pytest.approx(expected)
    assert table.loc["crimea", "z"] > 0 > table.loc["harbin", "z"]


def test_zero_prior_for_an_unseen_term_is_an_error_naming_it():
    with pytest.raises(ValueError, match="harbin"):
        log_odds_dirichlet(pd.Series({"gas": 3}), pd.Series({"gas": 1, "harbin": 2}), pd.Series({"gas": 1.0}))


def test_informative_prior_is_scaled_pooled_counts():
    prior = informative_prior(A, B, scale=0.5)
    assert prior.to_dict() == {"gas": 6.0, "war": 4.0}
    with pytest.raises(ValueError, match="prior_scale"):
        informative_prior(A, B, scale=0)


def test_distinctive_vocabulary_adds_rates_and_benjamini_hochberg():
    a = pd.Series({"gas": 40, "war": 1, "trade": 20, "visit": 10})
    b = pd.Series({"gas": 5, "war": 30, "trade": 22, "visit": 9})
    table = distinctive_vocabulary(a, b, prior_scale=0.5, alpha=0.05).set_index("term")
    assert table.loc["gas", "per_1000_a"] == pytest.approx(1000 * 40 / 71)
    assert table.loc["gas", "odds_ratio"] == pytest.approx(math.exp(table.loc["gas", "delta"]))
    # Benjamini–Hochberg by hand: p sorted ascending, p_(i) * m / i, then a running minimum from the top.
    p = table["p_value"].sort_values()
    raw = p * len(p) / np.arange(1, len(p) + 1)
    expected = raw[::-1].cummin()[::-1].clip(upper=1)
    assert table.loc[expected.index, "p_adjusted"].tolist() == pytest.approx(expected.tolist())
    assert table.loc["gas", "significant"] and table.loc["war", "significant"]
    assert not table.loc["visit", "significant"]


def test_top_terms_takes_each_side():
    table = distinctive_vocabulary(pd.Series({"gas": 40, "war": 1, "trade": 20}), pd.Series({"gas": 5, "war": 30, "trade": 22}))
    top = top_terms(table, 1, ("first", "second"))
    assert top[["term", "favours"]].values.tolist() == [["gas", "first"], ["war", "second"]]


def test_leave_one_out_terms_equals_refitting_without_each_document():
    counts = pd.DataFrame({"gas": [5, 4, 0, 1], "war": [0, 1, 6, 5], "talks": [2, 0, 1, 3]},
                          index=["a1", "a2", "b1", "b2"])
    periods = pd.Series({"a1": "A", "a2": "A", "b1": "B", "b2": "B"})
    matrix = sparse.csr_matrix(counts.to_numpy())
    loo = leave_one_out_terms(matrix, counts.columns, counts.index, periods.to_numpy(), ["gas", "war"], ("A", "B"))
    assert loo["left_out"].tolist() == ["a1", "a2", "b1", "b2"] * 2
    for left_out in counts.index:
        kept = counts.drop(index=left_out)
        kept_periods = periods.drop(index=left_out)
        a, b = kept[kept_periods == "A"].sum(), kept[kept_periods == "B"].sum()
        expected = log_odds_dirichlet(a, b, informative_prior(a, b))["z"]
        got = loo[loo["left_out"] == left_out].set_index("term")["z"]
        assert got["gas"] == pytest.approx(expected["gas"])
        assert got["war"] == pytest.approx(expected["war"])
    assert period_term_counts(matrix, counts.columns, periods.to_numpy(), "A").to_dict() == {"gas": 9, "war": 1, "talks": 2}


def test_term_robustness_flags_a_term_one_document_carries():
    top = pd.DataFrame({"term": ["gas"], "favours": ["A"], "z": [2.5]})
    loo = pd.DataFrame({"left_out": ["a1", "a2"], "term": ["gas", "gas"], "z": [2.4, 0.3]})
    row = term_robustness(top, loo).iloc[0]
    assert row["side_survives"] and not row["stays_beyond_threshold"]
    assert row["largest_mover"] == "a2" and row["reversed_by"] == ""


def test_a_term_that_vanishes_without_one_article_does_not_survive():
    # Without a1 the term occurs nowhere: z cannot be computed, and the term is not robust.
    top = pd.DataFrame({"term": ["harbin", "gas"], "favours": ["A", "A"], "z": [2.1, 2.5]})
    loo = pd.DataFrame({"left_out": ["a1", "a2", "a1", "a2"], "term": ["harbin", "harbin", "gas", "gas"],
                        "z": [np.nan, 2.3, 2.4, -0.3]})
    table = term_robustness(top, loo).set_index("term")
    assert not table.loc["harbin", "side_survives"] and not table.loc["harbin", "stays_beyond_threshold"]
    assert table.loc["harbin", "lost_without"] == "a1"
    assert not table.loc["gas", "side_survives"] and table.loc["gas", "reversed_by"] == "a2"


def test_vocabulary_lists_in_how_many_articles_each_term_occurs():
    documents = pd.DataFrame({"doc_id": ["a1", "a2", "b1", "b2"], "period": ["A", "A", "B", "B"],
                              "text": ["Pipeline gas talks in Harbin.", "Pipeline gas deal signed.",
                                       "Drones and tanks at the front.", "Tanks and pipeline sanctions."]})
    sentences = documents.assign(outlet="o", sent_id=documents["doc_id"] + ":s1")
    result = vocabulary_comparison(documents, sentences, ["A", "B"], top_n=3)
    table = result.table.set_index("term")
    assert table.loc["pipeline", ["articles_a", "articles_b", "n_articles"]].tolist() == [2, 1, 3]
    assert table.loc["harbin", ["articles_a", "articles_b", "n_articles"]].tolist() == [1, 0, 1]
    assert {"articles_a", "articles_b", "n_articles"} <= set(result.top.columns)
    robust = result.robustness.set_index("term")
    assert robust.loc["harbin", "n_articles"] == 1 and not robust.loc["harbin", "side_survives"]


def test_keyword_in_context_prefers_different_documents():
    sentences = pd.DataFrame({
        "period": ["A", "A", "A", "B"], "doc_id": ["d1", "d1", "d2", "d3"], "outlet": ["X", "X", "Y", "Z"],
        "sent_id": ["d1-1", "d1-2", "d2-1", "d3-1"],
        "text": ["Gas flows east.", "More gas soon.", "The gas deal.", "No gas <script>here</script>."],
    })
    kwic = keyword_in_context(sentences, re.compile(r"\bgas\b", re.I), per_period=2)
    assert kwic["doc_id"].tolist() == ["d1", "d2", "d3"]
    assert kwic.loc[0, "keyword"] == "Gas" and kwic.loc[0, "right"] == " flows east."
    assert kwic.loc[2, "right"] == " <script>here</script>."  # escaping is the display layer's job


def test_bad_counts_prior_and_top_n_name_what_to_fix():
    with pytest.raises(ValueError, match="log_odds_dirichlet: counts must not be negative; pass raw term counts"):
        log_odds_dirichlet(pd.Series({"gas": -1}), B, 1.0)
    with pytest.raises(ValueError, match="log_odds_dirichlet: the prior must be non-negative for every term"):
        log_odds_dirichlet(A, B, pd.Series({"gas": 1.0, "war": -0.5}))
    documents = pd.DataFrame({"doc_id": ["a", "b"], "period": ["P", "Q"], "text": ["gas deal", "war talks"]})
    with pytest.raises(ValueError, match=r"Parameter 'top_n' must be at least 1 \(got 0\)"):
        vocabulary_comparison(documents, pd.DataFrame(), ["P", "Q"], top_n=0)


def test_articles_joined_a_batch_at_a_time_give_the_same_comparison(monkeypatch):
    """The stage reads each article's text as its paragraphs joined a batch at a time (JoinedTexts), not the
    corpus's document_texts table: the same texts, and every table of the comparison the same, on the dev corpus."""
    from analysis.core import preprocess
    from analysis.core.paths import PROJECT_ROOT
    from analysis.corpus.load import load_corpus

    corpus = load_corpus(PROJECT_ROOT / "tests/data/dev_corpus")
    whole = corpus.document_texts()
    monkeypatch.setattr(preprocess, "COUNT_BATCH", 7)  # several batches
    texts = preprocess.JoinedTexts(corpus.paragraphs["text"], corpus.paragraphs["doc_id"], whole["doc_id"])
    assert list(texts) == whole["text"].tolist() and texts[3:11] == whole["text"].tolist()[3:11]
    periods = corpus.period_names[:2]
    joined = vocabulary_comparison(whole.drop(columns="text"), corpus.sentences, periods, texts=texts)
    plain = vocabulary_comparison(whole, corpus.sentences, periods)
    for part in ("table", "top", "robustness", "leave_one_out", "kwic"):
        pd.testing.assert_frame_equal(getattr(joined, part), getattr(plain, part), check_exact=True)
    assert joined.words == plain.words and len(joined.table) > 1000


def _contexts_reference(sentences, pattern, per_period, width=70):
    """The plain rule: every sentence of a period in sent_id order until per_period documents are found."""
    rows = []
    for period, part in sentences.sort_values("sent_id", kind="mergesort").groupby("period", sort=True):
        first_per_doc, repeats, seen = [], [], set()
        for row in part.itertuples(index=False):
            match = pattern.search(row.text)
            if match is None:
                continue
            (repeats if row.doc_id in seen else first_per_doc).append((row, match))
            seen.add(row.doc_id)
            if len(first_per_doc) >= per_period:
                break
        for row, match in (first_per_doc + repeats)[:per_period]:
            left, right = row.text[:match.start()], row.text[match.end():]
            rows.append({"period": period, "doc_id": row.doc_id, "outlet": row.outlet, "sent_id": row.sent_id,
                         "left": ("…" + left[-width:]) if len(left) > width else left, "keyword": match.group(0),
                         "right": (right[:width] + "…") if len(right) > width else right})
    columns = ["period", "doc_id", "outlet", "sent_id", "left", "keyword", "right"]
    return pd.DataFrame(rows, columns=columns).sort_values(["period", "sent_id"], ignore_index=True)


def test_contexts_read_in_chunks_are_those_of_the_plain_rule(monkeypatch):
    """Sentences are read a chunk at a time for all terms together: the lines are the plain rule's, for frequent and
    rare terms, one to three per period, on the development corpus shuffled (so sent_id order is not row order)."""
    from analysis.comparison import vocabulary
    from analysis.core.paths import PROJECT_ROOT
    from analysis.core.preprocess import term_regex
    from analysis.corpus.load import load_corpus

    sentences = load_corpus(PROJECT_ROOT / "tests/data/dev_corpus").sentences.sample(frac=1, random_state=5)
    monkeypatch.setattr(vocabulary, "KWIC_CHUNK", 37)
    terms = ["china", "gas", "power of siberia", "sanctions", "yamal", "xi jinping", "not a word here"]
    top = pd.DataFrame({"term": terms, "favours": ["a"] * len(terms)})
    for per_period in (1, 2, 3):
        lines = vocabulary.terms_in_context(sentences, top, per_period=per_period)
        for term in terms:
            expected = _contexts_reference(sentences, term_regex(term), per_period)
            found = lines[lines["term"] == term].drop(columns=["term", "favours"]).reset_index(drop=True)
            assert len(found) == len(expected)
            if len(expected):
                pd.testing.assert_frame_equal(found, expected, check_dtype=False)  # a term without lines makes object columns
    assert len(vocabulary.terms_in_context(sentences, top, per_period=2)) > 20


def _leave_one_out_terms_sorted_at_the_end(matrix, terms, doc_ids, doc_periods, chosen, labels, prior_scale=0.5):
    """leave_one_out_terms as it was written before (a column read per term, the rows sorted at the end): the
    reference for the build in sorted order."""
    from analysis.comparison.vocabulary import _log_odds

    doc_ids, periods = np.asarray(doc_ids), np.asarray(doc_periods)
    keep = np.isin(periods, labels)
    matrix, doc_ids, periods = matrix[keep], doc_ids[keep], periods[keep]
    in_a = periods == labels[0]
    lengths = np.asarray(matrix.sum(axis=1)).ravel().astype(float)
    n_a, n_b = lengths[in_a].sum(), lengths[~in_a].sum()
    n_a_loo, n_b_loo = n_a - np.where(in_a, lengths, 0), n_b - np.where(in_a, 0, lengths)
    alpha_0 = prior_scale * (n_a_loo + n_b_loo)
    position = {term: index for index, term in enumerate(terms)}
    frames = []
    for term in chosen:
        column = np.asarray(matrix[:, position[term]].todense()).ravel().astype(float)
        y_a = column[in_a].sum() - np.where(in_a, column, 0)
        y_b = column[~in_a].sum() - np.where(in_a, 0, column)
        with np.errstate(divide="ignore", invalid="ignore"):
            delta, variance = _log_odds(y_a, y_b, prior_scale * (y_a + y_b), n_a_loo, n_b_loo, alpha_0)
            z = delta / np.sqrt(variance)
        empties = (n_a_loo == 0) | (n_b_loo == 0) | (y_a + y_b == 0)
        frames.append(pd.DataFrame({"left_out": doc_ids, "term": term, "z": np.where(empties, np.nan, z)}))
    if not frames:
        return pd.DataFrame(columns=["left_out", "term", "z"])
    return pd.concat(frames, ignore_index=True).sort_values(["term", "left_out"], ignore_index=True)


@pytest.mark.parametrize("seed", range(10))
def test_leave_one_out_terms_built_in_order_equal_the_sorted_table(seed):
    """The leave-one-out z table, read in one pass and built in (term, document) order, equals the one built term
    by term and sorted: shuffled string, object and integer ids, repeated ids and terms (sorted as before), ids
    outside the periods, no chosen term, no document."""
    from scipy import sparse

    from analysis.comparison.vocabulary import leave_one_out_terms

    rng = np.random.default_rng(seed)
    n_docs, terms = int(rng.integers(0, 25)) if seed != 9 else 0, np.array(["gas", "war", "belt and road", "Ärger", "zeta", "alpha"])
    matrix = sparse.csr_matrix(rng.poisson(0.7, size=(n_docs, len(terms))))
    ids = rng.permutation([f"doc {i}" for i in range(n_docs)]).astype(object)
    if seed % 3 == 1:
        ids = rng.permutation(n_docs) * 7
    elif seed % 3 == 2 and n_docs > 2:
        ids[1] = ids[0]  # a repeated id: no order without ties
    periods = rng.choice(["a", "b", "c"], size=n_docs)
    chosen = [["war", "gas", "Ärger", "belt and road"], ["zeta", "alpha", "zeta"], []][seed % 3] if seed < 9 else ["gas"]
    got = leave_one_out_terms(matrix, terms, ids, periods, chosen, ("a", "b"))
    pd.testing.assert_frame_equal(got, _leave_one_out_terms_sorted_at_the_end(matrix, terms, ids, periods, chosen, ("a", "b")))


def test_contexts_found_through_the_joined_text_are_those_of_the_plain_rule(monkeypatch):
    """A chunk's sentences are joined and case-folded once, each term's strings are found in that text, and the
    pattern runs only on the sentences holding them: the lines are the plain rule's, with case-insensitive matches
    the folding must keep (ſ for s, Kelvin K for k, Σ, dotless ı), a sentence whose lower case is longer ('İ'), line
    breaks inside sentences, empty sentences, and a phrase that only the joined text would run across."""
    from analysis.comparison import vocabulary
    from analysis.core.preprocess import term_regex

    pieces = ["power", "of", "siberia", "Power-of-Siberia", "GAS", "degas", "ſanctions", "SANCTIONS", "\u212aremlin",
              "kremlin", "ΣΟΧΙ", "sochi", "İstanbul", "istanbul", "chına", "china", "\n", "", "—", "’s", "belt", "and",
              "road"]
    rng = np.random.default_rng(3)
    texts = [" ".join(rng.choice(pieces, size=rng.integers(0, 7)).tolist()) for _ in range(400)]
    # terms found only through case-insensitive equivalences, each in one sentence (so no other line can stand in)
    rare = {"bisk": "From Bİsk by rail.", "sevastopol": "The port of ſevastopol\nagain.", "krasnodar": "\u212aRASNODAR",
            "αθηνας": "ΤΗΣ ΑΘΗΝΑΣ.", "chita": "Near chıta, she said.", "kazan": "KAZAN’s plant"}
    for number, text in zip(range(7, 400, 60), rare.values()):
        texts[number] = text
    sentences = pd.DataFrame({"period": rng.choice(["A", "B"], size=len(texts)),
                              "doc_id": [f"d{number // 3}" for number in range(len(texts))], "outlet": "X",
                              "sent_id": [f"s{number:04d}" for number in range(len(texts))], "text": texts})
    monkeypatch.setattr(vocabulary, "KWIC_CHUNK", 50)
    terms = ["power of siberia", "gas", "sanctions", "kremlin", "σοχι", "istanbul", "china", "belt and road", "road",
             *rare]
    top = pd.DataFrame({"term": terms, "favours": ["a"] * len(terms)})
    for per_period in (1, 3):
        lines = vocabulary.terms_in_context(sentences, top, per_period=per_period)
        for term in terms:
            expected = _contexts_reference(sentences, term_regex(term), per_period)
            got = lines[lines["term"] == term].drop(columns=["term", "favours"]).reset_index(drop=True)
            assert len(got) == len(expected), term
            if len(expected):
                pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    lines = vocabulary.terms_in_context(sentences, top, per_period=3)
    assert len(lines) > 40 and set(lines["term"]) >= set(rare)

