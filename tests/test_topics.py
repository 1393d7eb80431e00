"""Topic stage on a synthetic corpus with planted topics: recovery, a planted shift, determinism, clear errors."""

import numpy as np
import pandas as pd
import pytest

from analysis.corpus import load_corpus
from analysis.topics import TopicModelError, fit_topic_stage, frex_scores, npmi_coherence

PLANTED = {
    "energy": "pipeline turbine compressor reservoir gasfield refinery tanker drilling".split(),
    "military": "tank artillery drone brigade radar frigate howitzer infantry".split(),
    "trade": "tariff customs container freight invoice warehouse shipment retailer".split(),
}
FILLER = "today officials noted people city region plan".split()


@pytest.fixture(scope="module")
def planted_corpus(tmp_path_factory):
    """20 articles of 5 paragraphs; 2014–2015 writes about energy and trade, 2023–2024 mostly about military."""
    rng = np.random.default_rng(7)
    folder = tmp_path_factory.mktemp("planted")
    rows = ["file,doc_id,title,outlet,published,url,notes"]
    for number in range(20):
        late = number >= 10
        weights = [0.15, 0.7, 0.15] if late else [0.45, 0.1, 0.45]
        paragraphs = []
        for _ in range(5):
            topic = list(PLANTED)[rng.choice(3, p=weights)]
            words = list(rng.choice(PLANTED[topic], size=14)) + list(rng.choice(FILLER, size=3))
            rng.shuffle(words)
            paragraphs.append(" ".join(words).capitalize() + ".")
        (folder / f"a{number:02d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        date = "2024-03-01" if late else "2014-06-01"
        rows.append(f"a{number:02d}.txt,doc{number:02d},Title {number},Outlet {number % 4},{date},,synthetic")
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


def test_auto_k_finds_three_topics_and_the_planted_shift(planted_corpus):
    result = fit_topic_stage(planted_corpus, n_topics="auto", k_min=2, k_max=5, n_restarts=4, random_seed=1,
                             n_resamples=500)
    assert result.k_search["k"].tolist() == [2, 3, 4, 5]
    assert result.k == 3
    military = topic_for(result, PLANTED["military"])
    shift = result.differences.set_index("topic").loc[military]
    assert shift["difference"] > 0.3 and shift["excludes_zero"]
    shares = result.unit_topics[result.topic_columns].sum(axis=1)
    assert np.allclose(shares, 1.0)
    assert result.leave_one_out["left_out"].nunique() == 20 and result.loo_mode == "article"
    assert result.leave_one_out["found"].all()
    assert sorted(result.labels) == [1, 2, 3]
    prevalence = result.prevalence.groupby("topic")["share"].mean()
    assert prevalence.is_monotonic_decreasing or prevalence.iloc[0] >= prevalence.iloc[-1]


def test_examples_point_back_to_the_text(planted_corpus):
    result = fit_topic_stage(planted_corpus, n_topics=3, random_seed=1, n_resamples=100, n_restarts=2)
    raw = planted_corpus.documents.set_index("doc_id")["raw"]
    for row in result.examples.itertuples():
        assert raw[row.doc_id][row.start:row.end] == row.text
    assert result.examples.groupby("topic").size().tolist() == [3, 3, 3]


def test_same_seed_same_tables(planted_corpus):
    first = fit_topic_stage(planted_corpus, n_topics="auto", k_max=4, n_restarts=3, random_seed=5, n_resamples=200)
    again = fit_topic_stage(planted_corpus, n_topics="auto", k_max=4, n_restarts=3, random_seed=5, n_resamples=200)
    for name in ("k_search", "topics", "frex", "unit_topics", "prevalence", "differences", "leave_one_out"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))


def test_clear_errors(planted_corpus):
    with pytest.raises(TopicModelError, match="'n_topics' = 100 is not smaller than the number of paragraph units"):
        fit_topic_stage(planted_corpus, n_topics=100, random_seed=1)
    with pytest.raises(TopicModelError, match="'model' must be one of"):
        fit_topic_stage(planted_corpus, model="lsa", random_seed=1)
    with pytest.raises(TopicModelError, match="'unit' must be one of"):
        fit_topic_stage(planted_corpus, unit="sentence", random_seed=1)
    with pytest.raises(TopicModelError, match="'n_topics' must be a positive whole number"):
        fit_topic_stage(planted_corpus, n_topics="five", random_seed=1)


def test_empty_vocabulary_is_a_clear_error(make_corpus):
    folder = make_corpus({"a.txt": "The and of.\n\nIt is.\n", "b.txt": "Of the and.\n\nWe are.\n"},
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
