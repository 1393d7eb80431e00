"""The explorer on the Dask engine: the local engine's files, byte for byte, from partitions out of corpus order,
without gathering the corpus's text; the topic units whole or in partitions."""

import copy

import pandas as pd
import pytest

from analysis.core.engine import dask_client, partition_path, write_table
from analysis.corpus.partitioned import write_parquet_parts
from analysis.explorer import pages as pages_module
from analysis.explorer import partitioned
from analysis.explorer.pages import write_explorer, write_partitioned_pages
from analysis.run import open_run
from benchmarks.synthetic import synthetic_articles


def files(folder) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def threads():
    """Stages that start their own cluster get one of threads in this process."""
    from contextlib import contextmanager

    from analysis.core import engine

    original = engine.dask_client

    @contextmanager
    def cluster(scheduler=""):
        with original(scheduler, processes=False) as client:
            yield client

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "dask_client", cluster)
        yield


@pytest.fixture(scope="module")
def runs(tmp_path_factory, threads):
    """Articles in Parquet partitions holding them latest first, so that no partition is in corpus order: a run on
    the Dask engine, and a run on the local engine whose corpus is the same rows gathered (the local loader reads
    no folder of Parquet files, and one file would name each article's file differently), each run's stages
    computed as the earlier notebooks leave them."""
    root = tmp_path_factory.mktemp("engines")
    rows = synthetic_articles(48, random_state=11, distinct=True).drop(columns=["file"])
    rows = rows.sort_values("published", ascending=False, ignore_index=True)
    parts = write_parquet_parts([rows.iloc[start:start + 12] for start in range(0, len(rows), 12)], root / "parts")
    result = {}
    for engine in ("dask", "local"):
        run = open_run({"corpus_dir": str(parts), "engine": engine, "n_topics": 3, "reports_dir": str(root / engine / "reports"),
                        "figures_dir": str(root / engine / "figures")})
        if engine == "local":
            run.__dict__["corpus"] = result["dask"].corpus.to_corpus(raw=False)  # as load_corpus_for_run keeps it
        run.topics(), run.figures(), run.comparison()
        result[engine] = run
    assert result["dask"].corpus.partition_numbers() == [0, 1, 2, 3]
    return result


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(pages_module, "SHARD_BYTES", 20_000)
    monkeypatch.setattr(partitioned, "TERMS_PER_BUCKET", 300)
    monkeypatch.setattr(partitioned, "ARTICLES_PER_BUCKET", 5)


@pytest.fixture
def no_gathering(runs, monkeypatch):
    """The Dask run's corpus as a fresh copy that cannot gather its text (this machine 'has no memory')."""
    from analysis.corpus import partitioned as corpus_module

    corpus = copy.copy(runs["dask"].corpus)
    corpus.__dict__.pop("gathered", None)
    monkeypatch.setattr(corpus_module, "available_memory", lambda: 1)
    monkeypatch.setitem(runs["dask"].__dict__, "corpus", corpus)  # the run reads this copy
    return corpus


def test_the_explorer_on_partitions_out_of_corpus_order_writes_the_local_files(runs, tmp_path, small_parts, no_gathering):
    local = write_explorer(runs["local"], tmp_path / "local")
    dask = write_explorer(runs["dask"], tmp_path / "dask")
    expected, found = files(local.folder), files(dask.folder)
    shards = [name for name in expected if name.startswith(("articles/", "terms/"))]
    assert len([name for name in shards if name.startswith("articles/")]) > 3 and len(shards) > 8
    assert local.terms["sentences_a"].max() > 100, "no term is listed in part: the cap on sentences is not tested"
    assert sorted(found) == sorted(expected)
    for name in expected:
        assert found[name] == expected[name], f"{name} differs between the engines"
    pd.testing.assert_frame_equal(dask.terms, local.terms)
    assert (dask.n_contexts, dask.n_topics, dask.n_articles) == (local.n_contexts, local.n_topics, local.n_articles)
    assert not (no_gathering.work / "explorer").exists(), "the explorer's intermediate tables were left behind"


def test_topic_units_and_figures_whole_or_in_partitions_give_the_same_pages(runs, tmp_path, small_parts, no_gathering):
    """The topic stage's units whole (as the local stage keeps them) or written into partitions here (one per corpus
    partition, as the Dask topic stage keeps them), the figure table whole or in partitions: the topic explorer and
    the articles' topic shares and highlights are the local engine's either way."""
    topics = runs["local"].topics()  # its units whole (the Dask run's may be in partitions already)
    folder = tmp_path / "topics"
    for number, numbers in partitioned.partition_articles(no_gathering):
        write_table(topics.unit_topics[topics.unit_topics["doc_id"].isin(numbers.index)],
                    partition_path(folder.parent, folder.name, number))
    split = copy.copy(topics)
    split.unit_topics, split.partitions = None, folder
    run = runs["dask"]
    whole_figures = copy.copy(run.figures())
    whole_figures.figures, whole_figures.partitions = whole_figures.all_figures(), None
    comparison = run.comparison()
    expected = files(write_explorer(runs["local"], tmp_path / "local").folder)
    for name, chosen, figures in (("whole", topics, whole_figures), ("split", split, run.figures())):
        with dask_client("", processes=False) as client:
            written = write_partitioned_pages(client, no_gathering, comparison.vocabulary.table, chosen, figures,
                                              tmp_path / name, fdr=run.comparison_parameters.fdr,
                                              tables_dir=run.paths.tables, phrases=comparison.phrases)
        assert files(written.folder) == expected, name
