"""The topic and comparison stages are computed once per run and their parameters key the stored result."""

from analysis import stages
from analysis.corpus.load import load_corpus


def test_the_topic_stage_is_computed_once_and_auto_is_the_same_run_as_zero(mini_corpus, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(stages, "fit_topic_stage", lambda corpus, **parameters: calls.append(parameters) or len(calls))
    corpus = load_corpus(mini_corpus)
    first = stages.topic_results(corpus, tmp_path, n_topics=0, random_seed=1, n_resamples=10)
    assert stages.topic_results(corpus, tmp_path, n_topics="auto", random_seed=1, n_resamples=10) == first == 1
    assert stages.topic_results(corpus, tmp_path, n_topics=0, random_seed=2, n_resamples=10) == 2  # a new seed: a new fit
    assert [call["n_topics"] for call in calls] == [0, 0] and [call["random_seed"] for call in calls] == [1, 2]


def test_the_comparison_stage_is_stored_and_read_back_for_the_same_parameters(mini_corpus, tmp_path, monkeypatch):
    corpus = load_corpus(mini_corpus)
    parameters = {"random_seed": 3, "prior_scale": 0.5, "fdr": 0.05, "top_n": 5, "n_resamples": 50}
    first = stages.comparison_results(corpus, tmp_path, **parameters)
    assert set(first.vocabulary.top["favours"]) <= set(corpus.period_names[:2])
    assert list(first.frames.differences["measure"]) == list(first.frames.estimates["measure"].unique())
    monkeypatch.setattr(stages, "vocabulary_comparison", lambda *args, **kwargs: 1 / 0)  # a recomputation would fail
    again = stages.comparison_results(corpus, tmp_path, **parameters)
    assert again.vocabulary.table.equals(first.vocabulary.table) and again.actors.differences.equals(first.actors.differences)
    assert again.frame_spans.equals(first.frame_spans) and again.actor_spans.equals(first.actor_spans)
