"""Topic stage: planted topics recovered, the k rule, units, headlines, per-article view, front page, dev-corpus floor."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis.corpus.load import load_corpus
from analysis.topics.findings import development_score_sentence
from analysis.topics.model import (
    ARTICLES_PER_TOPIC,
    TopicModelError,
    _join_paragraphs,
    article_topics,
    choose_k,
    choose_unit,
    development_score,
    fit_topic_stage,
    fragile_topics,
    frex_scores,
    front_page_topics,
    headline_units,
    matched_overlap,
    model_matrix,
    npmi_coherence,
    topic_names,
)
from benchmarks.topic_scoring import DEV_CORPUS, load_themes, score, stage_clusters

PLANTED = {
    "energy": "pipeline turbine compressor reservoir gasfield refinery tanker drilling".split(),
    "military": "tank artillery drone brigade radar frigate howitzer infantry".split(),
    "trade": "tariff customs container freight invoice warehouse shipment retailer".split(),
}
FILLER = "today officials noted people city region plan".split()
# Each article is about one theme, as news articles mostly are: 2014–2015 about energy and trade, 2023–2024 mostly
# military. Every article also names the subject of the corpus, which must not become a topic word.
THEMES_BY_PERIOD = {"2014-06-01": ["energy"] * 7 + ["trade"] * 6 + ["military"] * 2,
                    "2024-03-01": ["energy"] * 3 + ["trade"] * 3 + ["military"] * 9}
DEV_NMI_FLOOR = 0.70  # the goal; the stage measured 0.726 when this floor was set


def planted_article(rng, theme: str, headline: str, n_paragraphs: int = 4) -> str:
    paragraphs = []
    for _ in range(n_paragraphs):
        words = list(rng.choice(PLANTED[theme], size=14)) + list(rng.choice(FILLER, size=3)) + ["arctic", "partnership"]
        rng.shuffle(words)
        paragraphs.append(" ".join(words).capitalize() + ".")
    return headline + "\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def planted_corpus(tmp_path_factory):
    """30 one-theme articles of a headline and 4 paragraphs; every article also says 'arctic partnership'."""
    rng = np.random.default_rng(7)
    folder = tmp_path_factory.mktemp("planted")
    rows = ["file,doc_id,title,outlet,published,url,notes"]
    number = 0
    for date, themes in THEMES_BY_PERIOD.items():
        for theme in themes:
            headline = f"Planted Headline {number} Without A Full Stop"  # each article its own, as in real news
            (folder / f"a{number:02d}.txt").write_text(planted_article(rng, theme, headline), encoding="utf-8")
            rows.append(f"a{number:02d}.txt,doc{number:02d},{headline},Outlet {number % 4},{date},,synthetic")
            number += 1
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return load_corpus(folder)


def topic_for(result, words):
    """The topic whose top-5 terms are all planted words of one set, or None."""
    top5 = result.topics[result.topics["rank"] <= 5].groupby("topic")["term"].apply(set)
    matches = [topic for topic, terms in top5.items() if terms <= set(words)]
    return matches[0] if len(matches) == 1 else None


@pytest.mark.parametrize("model", ["nmf", "lda"])
def test_planted_topics_are_recovered(planted_corpus, model):
    result = fit_topic_stage(planted_corpus, model=model, n_topics=3, random_seed=1, n_resamples=200, n_restarts=2)
    found = {name: topic_for(result, words) for name, words in PLANTED.items()}
    assert None not in found.values(), result.topics
    assert len(set(found.values())) == 3


@pytest.mark.parametrize("unit", ["paragraph", "document"])
def test_planted_topics_are_recovered_with_either_unit(planted_corpus, unit):
    result = fit_topic_stage(planted_corpus, unit=unit, n_topics=3, random_seed=1, n_resamples=100, n_restarts=2)
    assert result.unit == unit
    assert {topic_for(result, words) for words in PLANTED.values()} == {1, 2, 3}


@pytest.mark.parametrize("n_topics", [0, "auto"])
def test_chosen_k_finds_three_topics_and_the_planted_shift(planted_corpus, n_topics):
    result = fit_topic_stage(planted_corpus, n_topics=n_topics, k_min=2, k_max=5, n_restarts=4, random_seed=1,
                             n_resamples=500)
    assert result.unit == "document"  # 30 short articles: modelled whole
    assert result.k_search["k"].tolist() == [2, 3, 4, 5]
    assert result.k == 3, result.k_search
    military = topic_for(result, PLANTED["military"])
    shift = result.differences.set_index("topic").loc[military]
    assert shift["difference"] > 0.3 and shift["excludes_zero"]
    assert np.allclose(result.unit_topics[result.topic_columns].sum(axis=1), 1.0)
    assert result.leave_one_out["left_out"].nunique() == 30 and result.loo_mode == "article"
    assert result.leave_one_out["found"].all()
    assert front_page_topics(result) == [1, 2, 3] and fragile_topics(result) == []
    assert sorted(result.labels) == [1, 2, 3]


def test_words_of_every_article_are_not_topic_words(planted_corpus):
    result = fit_topic_stage(planted_corpus, n_topics=3, random_seed=1, n_resamples=100, n_restarts=2)
    common = result.common_terms.set_index("term")
    assert common.loc["arctic partnership" if "arctic partnership" in common.index else "arctic", "share"] == 1.0
    assert not set(result.topics["term"]) & set(common.index)
    assert not result.topics["term"].str.contains("arctic|partnership").any()


def test_k_is_capped_by_the_number_of_articles(planted_corpus):
    result = fit_topic_stage(planted_corpus, n_topics=0, k_max=12, n_restarts=2, random_seed=1, n_resamples=100)
    assert result.k_cap == 30 // ARTICLES_PER_TOPIC
    assert result.k_search["k"].max() == result.k_cap


def test_examples_are_passages_of_different_articles_and_never_headlines(planted_corpus):
    for unit in ("paragraph", "document"):
        result = fit_topic_stage(planted_corpus, unit=unit, n_topics=3, random_seed=1, n_resamples=100, n_restarts=2)
        raw = planted_corpus.documents.set_index("doc_id")["raw"]
        for row in result.examples.itertuples():
            assert raw[row.doc_id][row.start:row.end] == row.text
            assert "Headline" not in row.text
        assert result.examples.groupby("topic").size().tolist() == [3, 3, 3]
        assert (result.examples.groupby("topic")["doc_id"].nunique() == 3).all()
        assert set(result.excluded_units["text"]) == {f"Planted Headline {n} Without A Full Stop" for n in range(30)}


def test_headline_rule_and_the_cleaning_column():
    table = pd.DataFrame({"text": ["Moscow and Beijing sign a grain deal",  # a headline: short, no full stop
                                   "Pulling together",  # a subhead
                                   "Officials met in Harbin on Tuesday.",  # a short sentence is text
                                   "Did the talks succeed?",
                                   "\u201cWe will build it,\u201d the minister said.\u201d",
                                   " ".join(["word"] * 25)]})  # long units are text even without a full stop
    assert headline_units(table).tolist() == [True, True, False, False, False, False]
    marked = table.assign(headline=[False, False, True, False, False, False])
    assert headline_units(marked).tolist() == [False, False, True, False, False, False]


def test_unit_rule_short_articles_whole_long_or_few_by_paragraph():
    def paragraphs(n_articles, words_per_paragraph, n_paragraphs=4):
        text = " ".join(["word"] * words_per_paragraph) + "."
        return pd.DataFrame({"doc_id": np.repeat([f"d{i}" for i in range(n_articles)], n_paragraphs), "text": text})

    assert choose_unit(paragraphs(40, 50))[0] == "document"  # 200-word articles
    assert choose_unit(paragraphs(40, 200))[0] == "paragraph"  # 800-word articles
    unit, reason = choose_unit(paragraphs(5, 50))
    assert unit == "paragraph" and reason.endswith("only 5 articles (whole articles need at least 20).")


def test_k_rule_on_a_flat_curve_takes_the_largest_stable_k_not_the_smallest():
    flat = pd.DataFrame({"k": [2, 3, 4, 5, 6], "coherence": [0.30, 0.31, 0.30, 0.29, 0.20],
                         "coherence_sd": [0.02] * 5, "exclusivity": 0.8,
                         "stability_restarts": [1.0, 0.9, 0.8, 0.7, 0.9], "stability_articles": [0.3, 0.6, 0.7, 0.6, 0.9]})
    chosen = choose_k(flat)
    assert chosen["admissible"].tolist() == [False, True, True, True, True]  # k = 2 comes back from restarts only
    assert chosen.loc[chosen["chosen"], "k"].tolist() == [5]  # within one sd of the best coherence (0.31 − 0.02)
    unstable = choose_k(flat.assign(stability_articles=0.1))
    assert unstable["admissible"].all() and unstable.loc[unstable["chosen"], "k"].tolist() == [5]


def test_matched_overlap_is_one_to_one():
    same = np.array([[0, 1], [2, 3]])
    assert matched_overlap(same, same[::-1]) == 1.0
    assert matched_overlap(same, np.array([[0, 1], [0, 1]])) == pytest.approx(0.5)  # one topic cannot match twice


def test_article_view_weights_units_by_length():
    units = pd.DataFrame({"doc_id": ["a", "a", "b"], "period": "p", "outlet": "o", "weight": [30.0, 10.0, 5.0],
                          "topic_1": [1.0, 0.0, 0.4], "topic_2": [0.0, 1.0, 0.6]})
    table = article_topics(units, ["topic_1", "topic_2"])
    assert table["topic_1"].tolist() == pytest.approx([0.75, 0.4])
    assert np.allclose(table[["topic_1", "topic_2"]].sum(axis=1), 1.0)
    assert table["dominant_topic"].tolist() == [1, 2] and table["n_units"].tolist() == [2, 1]


def test_topics_lost_without_one_article_never_reach_the_front_page(planted_corpus):
    result = fit_topic_stage(planted_corpus, n_topics=3, random_seed=1, n_resamples=100, n_restarts=2)
    loo = result.leave_one_out.copy()
    loo.loc[(loo["topic"] == 2) & (loo["left_out"] == "doc05"), "found"] = False
    marked = dataclasses.replace(result, leave_one_out=loo)
    assert front_page_topics(marked) == [1, 3] and fragile_topics(marked) == [2]
    assert topic_names(marked)[2].endswith(" †") and not topic_names(marked)[1].endswith("†")
    assert front_page_topics(dataclasses.replace(result, leave_one_out=loo.iloc[0:0])) == []


def test_same_seed_same_tables(planted_corpus):
    first = fit_topic_stage(planted_corpus, n_topics=0, k_max=4, n_restarts=3, random_seed=5, n_resamples=200)
    again = fit_topic_stage(planted_corpus, n_topics=0, k_max=4, n_restarts=3, random_seed=5, n_resamples=200)
    for name in ("k_search", "topics", "frex", "unit_topics", "article_topics", "examples", "prevalence", "differences",
                 "leave_one_out", "common_terms"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))


def test_clear_errors(planted_corpus):
    with pytest.raises(TopicModelError, match="'n_topics' = 100 is not smaller than the number of document units"):
        fit_topic_stage(planted_corpus, n_topics=100, random_seed=1)
    with pytest.raises(TopicModelError, match="'model' must be one of"):
        fit_topic_stage(planted_corpus, model="lsa", random_seed=1)
    with pytest.raises(TopicModelError, match="'unit' must be one of"):
        fit_topic_stage(planted_corpus, unit="sentence", random_seed=1)
    for bad in ("five", -1, 2.5, True):
        with pytest.raises(TopicModelError, match="'n_topics' must be a positive whole number, or 0 to choose"):
            fit_topic_stage(planted_corpus, n_topics=bad, random_seed=1)


def test_no_k_to_choose_and_only_headlines_are_clear_errors(planted_corpus, make_corpus):
    with pytest.raises(TopicModelError, match=r"allow no k in 7–12 \(at most 6: one topic per 5 articles\); lower k_min"):
        fit_topic_stage(planted_corpus, n_topics=0, k_min=7, random_seed=1)
    folder = make_corpus({"a.txt": "Gas deal signed\n\nPipeline news\n", "b.txt": "Tank parade\n\nDrone show\n"},
                         [("a.txt", "a", "X", "2014-05-01"), ("b.txt", "b", "Y", "2024-05-01")])
    with pytest.raises(TopicModelError, match="Every paragraph of the corpus looks like a headline"):
        fit_topic_stage(load_corpus(folder), n_topics=1, random_seed=1)


def test_empty_vocabulary_is_a_clear_error(make_corpus):
    folder = make_corpus({"a.txt": "The and of it is here.\n\nIt is what we are.\n",
                          "b.txt": "Of the and we are.\n\nWe are here.\n"},
                         [("a.txt", "a", "X", "2014-05-01"), ("b.txt", "b", "Y", "2024-05-01")])
    with pytest.raises(TopicModelError, match="Empty vocabulary"):
        fit_topic_stage(load_corpus(folder), n_topics=1, random_seed=1)


def test_npmi_and_frex_by_hand():
    presence = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]], dtype=float)
    # terms 0 and 1 always together: p = 0.5 each and jointly -> NPMI 1; terms 0 and 2 never together -> -1
    assert npmi_coherence(np.array([[0, 1]]), presence)[0] == pytest.approx(1.0)
    assert npmi_coherence(np.array([[0, 2]]), presence)[0] == pytest.approx(-1.0)
    weights = np.array([[0.6, 0.3, 0.1], [0.1, 0.3, 0.6]])
    frex, exclusivity = frex_scores(weights)
    assert exclusivity[0].tolist() == pytest.approx([6 / 7, 0.5, 1 / 7])
    assert frex[0].argmax() == 0 and frex[1].argmax() == 2


@pytest.fixture(scope="module")
def development_result():
    return fit_topic_stage(load_corpus(DEV_CORPUS), random_seed=20240516, n_resamples=200)


def test_development_corpus_themes_are_recovered(development_result):
    """Quality floor on real news: each article's dominant topic against its hand-labelled primary theme."""
    measured = score(load_themes(), stage_clusters(development_result))
    assert measured["nmi"] >= DEV_NMI_FLOOR, measured
    committed = development_score().iloc[0]
    # the topic page states the committed score: it must be today's (rerun benchmarks/bench_topics.py --quick)
    assert (committed["k"], round(committed["nmi"], 2)) == (development_result.k, round(measured["nmi"], 2))
    assert committed["nmi"] > committed["best_baseline_nmi"]


def test_development_score_sentence_states_the_committed_table():
    score_table = pd.DataFrame([{"corpus": "development corpus", "n_articles": 60, "n_themes": 9, "unit": "document",
                                 "k": 10, "nmi": 0.7261, "purity": 0.7667, "best_baseline": "NMF on TF-IDF at k = 9",
                                 "best_baseline_nmi": 0.657}])
    assert development_score_sentence(score_table) == (
        "On the development corpus (60 hand-labelled news articles, 9 themes), the stage with its default "
        "settings (document units, k = 10 chosen by the rule) puts articles of one theme under one dominant topic with NMI "
        "**0.73** and purity 0.77; the best plain baseline (NMF on TF-IDF at k = 9) reaches NMI 0.66.")


def test_model_matrix_names_a_bad_model_and_a_vocabulary_with_no_shared_terms():
    words = ["gas", "tank", "yuan", "grain", "drone", "arctic", "bank", "rail", "wheat", "nuclear"]
    units = pd.DataFrame({"doc_id": [f"d{i}" for i in range(10)], "text": [f"{word} {word}" for word in words]})
    with pytest.raises(TopicModelError, match=r"Parameter 'model' must be one of \('nmf', 'lda'\), not 'lsa'"):
        model_matrix(units, "lsa")
    with pytest.raises(TopicModelError, match=r"fewer than two terms occur in at least two and at most 50% of the 10 articles"):
        model_matrix(units, "nmf")


def test_fewer_than_two_restarts_is_named(planted_corpus):
    with pytest.raises(TopicModelError, match=r"Parameter 'n_restarts' must be at least 2 to measure stability \(got 1\)"):
        fit_topic_stage(planted_corpus, n_restarts=1, random_seed=1)


def test_whole_article_units_join_paragraphs_as_a_groupby_would():
    """The vectorised join gives groupby's table: articles sorted, first period and outlet, texts in table order."""
    paragraphs = pd.DataFrame({"doc_id": ["b", "a", "b", "c", "a"], "period": ["p2", "p1", "p2", "p1", "p1"],
                               "outlet": ["Y", "X", "Y", "Z", "X"], "text": ["b1", "a1", "b2", "c1", "a2"]})
    expected = (paragraphs.groupby("doc_id", sort=True).agg(period=("period", "first"), outlet=("outlet", "first"),
                                                            text=("text", "\n\n".join)).reset_index())
    joined = _join_paragraphs(paragraphs)
    assert joined["text"].tolist() == ["a1\n\na2", "b1\n\nb2", "c1"]
    pd.testing.assert_frame_equal(joined, expected)


def test_passage_scores_in_batches_equal_one_product(monkeypatch):
    """Passages are scored a batch of rows at a time: bit for bit the scores of one TF-IDF product."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    from analysis.topics import model

    counts = sparse.random(400, 50, density=0.2, format="csr", random_state=1)
    counts.data = np.ceil(counts.data * 5)
    passages = sparse.random(1000, 50, density=0.1, format="csr", random_state=2)
    passages.data = np.ceil(passages.data * 3)
    weights = np.random.default_rng(3).random((4, 50))
    expected = np.asarray(TfidfTransformer().fit(counts).transform(passages)
                          @ (weights / np.linalg.norm(weights, axis=1, keepdims=True)).T)
    monkeypatch.setattr(model, "PASSAGE_BATCH", 64)
    scores = model.passage_scores(passages, counts, weights)
    assert scores.shape == (1000, 4) and np.array_equal(scores, expected)


@pytest.mark.parametrize("model", ["nmf", "lda"])
def test_above_the_final_sample_size_the_model_is_fitted_on_a_sample_and_scores_every_unit(planted_corpus, model,
                                                                                          monkeypatch):
    """A large corpus (here: a planted one with the limits lowered) is fitted on a seeded sample of units, every unit
    is scored with the fitted topics, the planted topics still come back, and the page says so."""
    from analysis.topics import model as topic_model

    monkeypatch.setattr(topic_model, "SEARCH_MAX_TOKENS", {"nmf": 100, "lda": 100})  # not small: one final fit
    monkeypatch.setattr(topic_model, "FINAL_MAX_UNITS", 60)
    result = fit_topic_stage(planted_corpus, unit="paragraph", model=model, n_topics=3, random_seed=1,
                             n_resamples=100, n_restarts=2)
    assert result.n_units == 120 and len(result.unit_topics) == 120
    assert np.allclose(result.unit_topics[result.topic_columns].sum(axis=1), 1)
    assert {topic_for(result, words) for words in PLANTED.values()} == {1, 2, 3}
    assert any("on a seeded sample of 60 of the 120 units; every unit's topic shares were then estimated" in note
               for note in result.notes), result.notes


def test_word_counts_of_arrow_text_are_pythons_split():
    """An Arrow text column is counted in its UTF-8 bytes: the same counts as len(text.split()), for every character
    Python splits on (the one-byte information separators and the multi-byte spaces included), in several chunks,
    sliced, as pandas' str and string[pyarrow] columns, and without Arrow (object column)."""
    import random

    import pyarrow as pa

    from analysis.topics import model

    separators = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    alphabet = list("ab c") + separators + ["é", "“", "—", "数", "😀", "\x00", "\u200b", "\ufeff", "\u0085x", "\u00a0"]
    generator = random.Random(21)
    texts = ["".join(generator.choice(alphabet) for _ in range(generator.randint(0, 12))) for _ in range(3000)]
    texts += ["", " ", "\u3000word\u3000", "a\u2028b\u2029c", "x\x1cy\x1fz", "\u1680", "Gas flows  east."]
    expected = [len(text.split()) for text in texts]
    chunked = pa.chunked_array([pa.array(texts[:1000], pa.large_string()), pa.array(texts[1000:], pa.large_string())])
    columns = [pd.Series(texts, dtype="str"), pd.Series(texts, dtype="string[pyarrow]"), pd.Series(texts, dtype=object),
               pd.Series(pd.arrays.ArrowStringArray(chunked)),
               pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(texts, pa.string())])))]
    for column in columns:
        assert model.word_counts(column).tolist() == expected
        part = column.iloc[997:2500:3]
        counted = model.word_counts(part)
        assert counted.tolist() == expected[997:2500:3] and counted.index.equals(part.index)
    assert model._arrow_word_counts(columns[0]) is not None and model._arrow_word_counts(columns[2]) is None


def test_a_fit_on_a_sample_uses_only_the_terms_in_it():
    """NMF on a sample of units fits the terms that occur in the sample and gives the others weight 0: the same
    fit as on those columns alone. A fit on every unit (``sample`` False, no ``fit_rows``) is left as it was."""
    from analysis.topics import model as topic_model

    rng = np.random.default_rng(4)
    matrix = sparse.random(40, 30, density=0.3, format="csr", random_state=5)
    matrix.data = rng.random(matrix.nnz) + 0.1
    matrix = matrix.tolil()
    matrix[:, [3, 17, 29]] = 0  # terms found only in units outside the sample
    matrix = matrix.tocsr()
    present = topic_model.present_terms(matrix)
    assert present.tolist() == [c for c in range(30) if c not in (3, 17, 29)]
    for init, seed in (("nndsvda", 1), ("random", 7)):
        sampled = topic_model.fit_model(matrix.copy(), "nmf", 3, seed, init=init, sample=True)
        alone = topic_model.fit_model(matrix[:, present], "nmf", 3, seed, init=init)
        # the same weights: only their normalisation sums the zeros too (pairwise summation: last bits)
        assert np.allclose(sampled.weights[:, present], alone.weights, rtol=1e-13, atol=0)
        assert not sampled.weights[:, [3, 17, 29]].any()
        assert np.array_equal(sampled.shares, alone.shares) and sampled.objective == alone.objective
        whole = topic_model.fit_model(matrix.copy(), "nmf", 3, seed, init=init)
        assert whole.weights.shape == (3, 30) and not np.array_equal(whole.weights[:, present], alone.weights)
    rows = np.arange(0, 40, 2)
    scored = topic_model.fit_model(matrix.copy(), "nmf", 3, 1, fit_rows=rows)
    alone = topic_model.fit_model(matrix[rows][:, topic_model.present_terms(matrix[rows])], "nmf", 3, 1)
    assert scored.shares.shape == (40, 3) and np.allclose(
        scored.weights[:, topic_model.present_terms(matrix[rows])], alone.weights, rtol=1e-13, atol=0)
    lda = topic_model.fit_model(matrix.copy(), "lda", 3, 1, sample=True)  # LDA keeps every term: its prior weighs them
    assert lda.weights.shape == (3, 30) and lda.weights[:, [3, 17, 29]].all()
    assert topic_model.present_terms(matrix[:, present]) is None


def test_idf_from_document_frequencies_is_scikit_learn_s_to_the_bit():
    """The partitioned topic stage weighs units with an idf made from summed document frequencies: it must be the
    one TfidfTransformer fits on the whole count matrix, and transform the same rows to the same values."""
    from sklearn.feature_extraction.text import TfidfTransformer

    from analysis.topics import model

    counts = sparse.random(300, 40, density=0.1, format="csr", random_state=3)
    counts.data = np.ceil(counts.data * 5)
    fitted = TfidfTransformer().fit(counts)
    made = model.idf_transformer(model.unit_frequency(counts), counts.shape[0])
    assert np.array_equal(made.idf_, fitted.idf_)
    assert (made.transform(counts[50:90]) != fitted.transform(counts)[50:90]).nnz == 0
