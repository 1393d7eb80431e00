"""The topic stage on a partitioned corpus (Dask engine) against the local stage, on partitions out of corpus order."""

import pandas as pd
import pytest

from analysis.core.engine import dask_client
from analysis.corpus.load import load_corpus
from analysis.corpus.partitioned import load_partitioned, write_parquet_parts
from analysis.topics.model import fit_topic_stage, write_unit_topics
from analysis.topics.partitioned import partitioned_topic_stage
from benchmarks.synthetic import synthetic_articles

TABLES = ["k_search", "topics", "frex", "examples", "prevalence", "differences", "leave_one_out", "article_topics",
          "common_terms"]


@pytest.fixture(scope="module")
def client():
    with dask_client("", processes=False) as client:
        yield client


def _corpora(client, folder, n_articles: int, per_partition: int):
    """The same synthetic articles as one Parquet file (local engine) and as Parquet partitions holding them latest
    first (Dask engine), so that no partition, nor the partitions one after the other, is in corpus order."""
    rows = synthetic_articles(n_articles, random_state=3).drop(columns=["file"]).sort_values("published", ascending=False)
    rows.to_parquet(folder / "stories.parquet", index=False)
    parts = write_parquet_parts([rows.iloc[start:start + per_partition] for start in range(0, len(rows), per_partition)],
                                folder / "parts")
    return load_corpus(folder / "stories.parquet"), load_partitioned(client, parts, None, folder / "work")


def _assert_same_result(local, partitioned, folder):
    assert (partitioned.unit, partitioned.k, partitioned.n_units, partitioned.n_terms, partitioned.loo_mode) == \
        (local.unit, local.k, local.n_units, local.n_terms, local.loo_mode)
    assert partitioned.labels == local.labels and partitioned.unit_rule == local.unit_rule
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(partitioned, name), getattr(local, name), obj=name, check_exact=True)
    pd.testing.assert_frame_equal(partitioned.excluded_units,
                                  local.excluded_units.sort_values(["doc_id", "unit_id"], ignore_index=True))
    assert partitioned.unit_topics is None and partitioned.partitions.is_dir()
    written = [write_unit_topics(result, folder / name) for name, result in (("local", local), ("dask", partitioned))]
    assert written[1].read_bytes() == written[0].read_bytes()


@pytest.mark.parametrize("parameters", [
    pytest.param({}, id="documents"),
    pytest.param({"unit": "paragraph"}, id="paragraphs"),
    pytest.param({"stem": True, "model": "lda", "n_topics": 4}, id="stems-lda", marks=pytest.mark.slow),
])
def test_the_topic_stage_on_partitions_gives_the_local_tables(client, tmp_path, parameters, monkeypatch):
    """Units numbered as the local stage numbers them (paragraphs in corpus order, whole articles by doc_id), the
    vocabulary and idf summed over partitions, the k search's sample drawn from the same numbers: every table is
    the local one exactly (the 240 articles hold more tokens than the k search fits on, so its sample depends on
    the numbering). The phrases come from the first paragraphs in corpus order, read from the partitions."""
    from analysis.corpus import partitioned as partitioned_corpus

    local_corpus, dask_corpus = _corpora(client, tmp_path, 240, 50)
    monkeypatch.setattr(partitioned_corpus.PartitionedCorpus, "gathered",
                        property(lambda self: pytest.fail("the partitioned topic stage gathered the corpus")))
    local = fit_topic_stage(local_corpus, random_seed=5, n_resamples=200, **parameters)
    result = partitioned_topic_stage(client, dask_corpus, tmp_path / "stage", random_seed=5, n_resamples=200, **parameters)
    if "n_topics" not in parameters:
        assert any("seeded sample" in note for note in local.notes), "the k search did not sample: the test shows little"
    _assert_same_result(local, result, tmp_path)


def test_the_leading_paragraphs_are_the_local_stage_s_units_in_corpus_order(client, tmp_path):
    """The collocations are found in the first 300,000 tokens of the modelled paragraphs in corpus order: read from
    partitions out of corpus order, a few articles at a time, they come in the local stage's order."""
    from analysis.topics.model import topic_units
    from analysis.topics.partitioned import leading_paragraphs

    local_corpus, dask_corpus = _corpora(client, tmp_path, 60, 25)
    expected = topic_units(local_corpus, "paragraph")[0]["text"].tolist()
    assert list(leading_paragraphs(dask_corpus.work, dask_corpus.documents, batch=7)) == expected


@pytest.mark.slow
def test_a_large_corpus_s_units_are_scored_partition_by_partition(client, tmp_path):
    """Above FINAL_MAX_UNITS units the final model is fitted on a sample and every unit is scored on the workers:
    the tables still match the local stage's (NMF's per-partition tolerance moved no share here), and the report's
    notes say that the scoring was per partition."""
    local_corpus, dask_corpus = _corpora(client, tmp_path, 2500, 500)
    local = fit_topic_stage(local_corpus, unit="paragraph", n_topics=6, random_seed=5, n_resamples=200)
    result = partitioned_topic_stage(client, dask_corpus, tmp_path / "stage", unit="paragraph", n_topics=6, random_seed=5,
                                     n_resamples=200)
    assert local.n_units > 20_000, "the corpus is too small for the sampled final fit"
    assert result.notes[:-1] == local.notes and "partitions' units were scored" in result.notes[-1]
    _assert_same_result(local, result, tmp_path)


@pytest.mark.parametrize("parameters, named", [({"model": "lsa"}, "'model'"), ({"unit": "sentence"}, "'unit'"),
                                               ({"n_restarts": 1}, "'n_restarts'"), ({"n_topics": -2}, "'n_topics'")])
def test_bad_parameters_are_named_before_the_cluster_is_asked_anything(parameters, named):
    """The Dask stage checks its parameters with the local stage's own check (model.checked_parameters)."""
    from analysis.topics.model import TopicModelError

    with pytest.raises(TopicModelError, match=named):
        partitioned_topic_stage(None, None, None, random_seed=1, n_resamples=10, **parameters)
