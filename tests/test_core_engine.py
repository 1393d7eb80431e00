"""The Dask engine against the local one: the same tables where the method is exact, on a local cluster of threads."""

import pandas as pd
import pytest

from analysis.comparison import actors
from analysis.comparison import frames as framing
from analysis.comparison.vocabulary import vocabulary_comparison
from analysis.core.engine import EngineError, dask_client, read_table
from analysis.corpus.load import CorpusError, load_corpus
from analysis.corpus.partitioned import corpus_partitions, load_partitioned, write_parquet_parts
from analysis.figures.measures import figure_stage
from analysis.run import ParameterError, check_parameter
from analysis.stages_dask import actor_comparison, frame_comparison, frame_shares, run_stages
from benchmarks.synthetic import synthetic_articles, write_corpus

TABLES = ["documents", "paragraphs", "sentences", "removed", "warnings", "excluded"]


def _same(left: pd.DataFrame, right: pd.DataFrame, name: str) -> None:
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False, obj=name)


@pytest.fixture(scope="module")
def client():
    with dask_client("", processes=False) as client:
        yield client


@pytest.fixture(scope="module")
def articles():
    """120 synthetic articles (one with its outlet's name in capitals) plus two exact copies, a near copy (one
    paragraph fewer), one outside the periods and one empty: every path of the loader's corpus-wide steps."""
    table = synthetic_articles(120, random_state=3)
    table.loc[5, "outlet"] = table.loc[5, "outlet"].upper()  # one outlet spelled two ways: a warning
    extra = []
    for number, source in enumerate([4, 40]):
        extra.append(table.iloc[source].to_dict() | {"file": f"copy_{number}.txt", "doc_id": f"copy-{number}"})
    near = table.iloc[7].to_dict()
    extra.append(near | {"file": "near.txt", "doc_id": "near", "text": "\n\n".join(near["text"].split("\n\n")[:-1]) + "\n"})
    extra.append(table.iloc[1].to_dict() | {"file": "old.txt", "doc_id": "old", "published": "2019-05-01"})
    extra.append(table.iloc[2].to_dict() | {"file": "empty.txt", "doc_id": "empty", "text": ""})
    return pd.concat([table, pd.DataFrame(extra)], ignore_index=True)


@pytest.fixture(scope="module")
def folder(articles, tmp_path_factory):
    return write_corpus(articles, tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def both(folder, client, tmp_path_factory):
    """The corpus loaded by each engine; the Dask one in partitions of 25 articles."""
    partitioned = load_partitioned(client, folder, None, tmp_path_factory.mktemp("work"), rows_per_partition=25)
    return load_corpus(folder), partitioned


def test_dask_engine_loads_the_same_tables_as_the_local_engine(both):
    local, partitioned = both
    assert partitioned.n_partitions == 5
    corpus = partitioned.to_corpus()
    for name in TABLES:
        _same(getattr(local, name), getattr(corpus, name), name)
    assert corpus.fingerprint == local.fingerprint
    kinds = corpus.warnings["kind"].value_counts()
    assert kinds["exact duplicate"] == 2 and kinds["near duplicate"] == 1 and kinds["outside periods"] == 1
    assert kinds["outlet spelling"] == 1
    assert len(corpus.removed) > 0, "the corpus-wide furniture rule removed nothing: the shuffle lost the counts"


def test_dask_engine_stages_match_the_local_stages_exactly(both, client):
    local, partitioned = both
    periods = local.period_names
    result = run_stages(client, partitioned)
    _same(vocabulary_comparison(local.document_texts(), local.sentences, periods).table, result.vocabulary, "log-odds")
    key = ["doc_id", "start", "end"]
    _same(figure_stage(local).figures.sort_values(key), read_table(partitioned.work, "figures").sort_values(key), "figures")
    assert result.figures.n_figures == len(figure_stage(local).figures)
    _same(framing.frame_words(local.sentences), result.frame_words, "frame words")
    shares = framing.sentence_frames(local.sentences).groupby("period")[framing.frame_names()].mean()
    _same(shares, frame_shares(result.frame_articles), "frame shares")
    _same(actors.document_mentions(local.paragraphs, local.documents), result.actor_articles, "actor rates")
    _same(actors.mention_counts(local.paragraphs), result.actor_mentions, "actor mentions")
    for kind, local_result, dask_result in [
            ("frames", framing.frame_comparison(local.sentences, periods, random_state=5, n_resamples=300),
             frame_comparison(result.frame_articles, periods, random_state=5, n_resamples=300)),
            ("actors", actors.actor_comparison(local.paragraphs, local.documents, periods, random_state=5, n_resamples=300),
             actor_comparison(result.actor_articles, periods, random_state=5, n_resamples=300))]:
        for table in ("estimates", "differences", "leave_one_out"):
            _same(getattr(local_result, table), getattr(dask_result, table), f"{kind} {table}")


@pytest.fixture
def threads(monkeypatch):
    """Stages that start their own cluster get one of threads in this process, as the tests' client."""
    from contextlib import contextmanager

    from analysis.core import engine

    @contextmanager
    def cluster(scheduler=""):
        with dask_client(scheduler, processes=False) as client:
            yield client

    monkeypatch.setattr(engine, "dask_client", cluster)


def test_the_figure_stage_on_partitions_gives_the_local_tables_without_gathering_the_figures(articles, client, tmp_path,
                                                                                           threads):
    """Claims (with their first sentence), claim counts, indicators, warnings, counts per period and kind, and the
    preview are reductions of each partition's part: equal to the local engine's tables, in the same order. The
    partitions are Parquet files (kept as they are) holding the articles latest first, so that the partitions one
    after the other are not in corpus order."""
    from analysis.stages_dask import figure_stage as dask_figure_stage

    rows = articles[articles["text"] != ""].drop(columns=["file"]).sort_values("published", ascending=False)
    # one claim in the latest and the earliest article, each in its own words: the example is the earliest one's
    added = ["The ministry said bilateral trade hit $147.3 billion last year.",
             "Bilateral trade reached $147.3 billion last year, according to the ministry."]
    for position, sentence in zip((0, -1), added):
        rows.iloc[position, rows.columns.get_loc("text")] = rows["text"].iloc[position].rstrip("\n") + "\n\n" + sentence + "\n"
    rows.to_parquet(tmp_path / "stories.parquet", index=False)
    parts = write_parquet_parts([rows.iloc[start:start + 25] for start in range(0, len(rows), 25)], tmp_path / "parts")
    local, partitioned = load_corpus(tmp_path / "stories.parquet"), load_partitioned(client, parts, None, tmp_path / "work")
    expected = figure_stage(local)
    result = dask_figure_stage(client, partitioned, stage="figures-test")
    assert result.figures is None and result.partitions == partitioned.work / "figures-test"
    assert expected.claims["articles"].max() >= 2, "no claim is repeated across articles: the test shows little"
    assert added[1] in set(expected.claims["example"]), "the claim added to two articles was not found"
    assert len(expected.indicators) and expected.counts["articles"].min() > 0
    for name in ("claims", "claim_counts", "indicators", "side_by_side", "warnings", "counts", "kinds", "preview"):
        pd.testing.assert_frame_equal(getattr(result, name), getattr(expected, name), obj=name)
    pd.testing.assert_frame_equal(result.all_figures(), expected.figures, obj="figures")
    assert result.n_figures == len(expected.figures)
    from analysis.figures.measures import write_figure_table

    local_csv, dask_csv = (write_figure_table(figures, tmp_path / engine, "figures")
                           for engine, figures in (("local", expected), ("dask", result)))
    assert dask_csv.read_bytes() == local_csv.read_bytes()


def test_a_partitioned_parquet_table_reads_like_the_same_rows_in_one_table(articles, client, tmp_path):
    rows = articles[articles["text"] != ""].drop(columns=["file"])  # a table row without text stops both engines
    one = tmp_path / "stories.parquet"
    rows.to_parquet(one, index=False)
    parts = write_parquet_parts([rows.iloc[start:start + 40] for start in range(0, len(rows), 40)], tmp_path / "parts")
    assert len(corpus_partitions(parts).specs) == 4
    local = load_corpus(one)
    corpus = load_partitioned(client, parts, None, tmp_path / "work").to_corpus()
    for name in ("documents", "paragraphs", "sentences"):  # the same articles; only `file` (part#row) differs
        _same(local.__dict__[name].drop(columns=["file"], errors="ignore"),
              corpus.__dict__[name].drop(columns=["file"], errors="ignore"), name)


def test_a_doc_id_repeated_across_partitions_is_named(articles, client, tmp_path):
    rows = articles.drop(columns=["file"]).head(20)
    parts = write_parquet_parts([rows.head(10), rows.head(10).assign(text="Other text.")], tmp_path / "parts")
    with pytest.raises(CorpusError, match=r"doc_id 'syn-00000' appears more than once \(part-00000.parquet#1 and part-00001.parquet#1\)"):
        load_partitioned(client, parts, None, tmp_path / "work")


def test_bad_engine_settings_are_named():
    with pytest.raises(ParameterError, match=r"Parameter 'engine' must be one of \"local\", \"dask\"; got 'spark'"):
        check_parameter("engine", "spark")
    with pytest.raises(ParameterError, match=r"Parameter 'dask_scheduler' must be \"\" .*got 'localhost:8786'"):
        check_parameter("dask_scheduler", "localhost:8786")
    with pytest.raises(EngineError, match=r"Parameter 'dask_scheduler' .*got 'cluster'"):
        with dask_client("cluster"):
            pass


@pytest.mark.slow
def test_the_report_on_the_dask_engine_has_the_same_tables_as_on_the_local_engine(tmp_path):
    from analysis.report.runner import build_report

    for engine in ("local", "dask"):
        build_report("", tmp_path / engine / "reports", tmp_path / engine / "figures", extra={"engine": engine},
                     progress=False, staging=tmp_path / engine / "staging")
    local, dask = (tmp_path / engine / "reports" / "tables" for engine in ("local", "dask"))
    names = sorted(path.name for path in local.glob("*.csv"))
    assert len(names) > 30 and names == sorted(path.name for path in dask.glob("*.csv"))
    for name in names:
        assert (local / name).read_bytes() == (dask / name).read_bytes(), f"{name} differs between the engines"
    assert not (tmp_path / "dask" / "reports" / "cache").exists(), "the run's partitions were left behind"


def test_band_reduce_finds_every_pair_sharing_a_band_key_once(client, tmp_path, monkeypatch):
    """Near copies of one article (each without a different paragraph, each from its own outlet, so that the
    outlet-wide furniture rule leaves their lines alone) share band keys with each other and
    the original: keys held by many articles, pairs sharing several bands, formed a few at a time. The reduce over
    every bucket must give exactly the pairs that share any band key and overlap at least 0.8, each once."""
    import itertools

    from analysis.corpus import load, partitioned

    table = synthetic_articles(40, random_state=7, paragraphs_per_article=(10, 14))
    source = table.iloc[table["text"].str.count("\n\n").idxmax()]
    paragraphs = list(dict.fromkeys(source["text"].rstrip("\n").split("\n\n")))  # distinct: no copy is exact
    copies = [source.to_dict() | {"file": f"near_{k}.txt", "doc_id": f"near-{k:02d}", "outlet": f"Outlet {k}",
                                  "text": "\n\n".join(paragraphs[:k] + paragraphs[k + 1:]) + "\n"}
              for k in range(len(paragraphs))]
    folder = write_corpus(pd.concat([table, pd.DataFrame(copies)], ignore_index=True), tmp_path / "corpus")
    work = tmp_path / "work"
    load_partitioned(client, folder, None, work, rows_per_partition=10)
    monkeypatch.setattr(load, "PAIR_SLICE", 3)  # pairs formed and checked three at a time
    found = pd.concat([partitioned.band_candidates(bucket, work) for bucket in range(partitioned.N_BUCKETS)])
    assert not found.duplicated(["a", "b"]).any()
    banded = set(read_table(work, "bands")["doc"])  # exact copies are left out of the band shuffle
    signatures = read_table(work, "signatures")
    doc_ids = dict(zip(signatures["doc"], signatures["doc_id"]))
    signatures = signatures[signatures["doc"].isin(banded)].drop(columns="doc").set_index("doc_id").sort_index()
    assert signatures.index.str.startswith("near").sum() == len(paragraphs), "a near copy was dropped as exact"
    keys = read_table(work, "sentence_keys").assign(doc_id=lambda t: t["doc"].map(doc_ids)).groupby("doc_id")["key"].agg(set)
    expected = {}
    for a, b in itertools.combinations(signatures.index, 2):
        if (signatures.loc[a].to_numpy() == signatures.loc[b].to_numpy()).any():
            jaccard = len(keys[a] & keys[b]) / len(keys[a] | keys[b])
            if jaccard >= load.NEAR_DUPLICATE_JACCARD:
                expected[(a, b)] = jaccard
    assert len(expected) >= len(paragraphs)  # the near copies pair with each other, not only with the original
    found = {tuple(sorted((a, b))): jaccard for a, b, jaccard in zip(found["a"], found["b"], found["jaccard"])}
    assert found == pytest.approx(expected)


def test_gathering_a_corpus_too_large_for_this_machine_stops_with_what_to_do(both):
    from analysis.core.memory import MEMORY_PER_CHARACTER
    from analysis.corpus.load import without_raw_text
    from analysis.corpus.partitioned import check_gather

    local, partitioned = both
    need = partitioned.gathered_bytes()
    assert need == MEMORY_PER_CHARACTER * local.documents["raw"].str.len().sum()
    check_gather(partitioned, need)  # fits exactly: no error
    check_gather(partitioned, None)  # no /proc/meminfo: no check
    with pytest.raises(CorpusError, match=rf"loaded {len(local.documents)} articles, but this notebook's stages gather "
                                          r"the corpus's text into one process.*on a machine with more memory"):
        check_gather(partitioned, need - 1)
    lean, full = partitioned.to_corpus(raw=False), without_raw_text(partitioned.to_corpus())
    for name in TABLES:
        _same(getattr(full, name), getattr(lean, name), name)


def test_a_partitioned_corpus_gives_its_documents_without_gathering_its_text(both, monkeypatch, threads, tmp_path):
    """As a run's corpus: the documents and removed lines come from the partitions, in the local loader's order and
    columns, on a machine too small for the text; the paragraphs and sentences are gathered only when asked for,
    and only when they fit."""
    import copy

    from analysis.corpus import partitioned as module
    from analysis.corpus.composition import first_sentences
    from analysis.corpus.load import without_raw_text

    local, loaded = both
    corpus = copy.copy(loaded)  # the module's fixture stays as it was
    monkeypatch.setattr(module, "available_memory", lambda: loaded.gathered_bytes() - 1)
    expected = without_raw_text(local)
    pd.testing.assert_frame_equal(corpus.documents, expected.documents, obj="documents")
    pd.testing.assert_frame_equal(corpus.removed, expected.removed, obj="removed")
    assert corpus.docs_per_period() == local.docs_per_period()
    chosen = local.documents["doc_id"].iloc[[40, 3, 77]].tolist()  # from three partitions, not in corpus order
    _same(local.sentences_of(chosen), corpus.sentences_of(chosen), "some articles' sentences")
    assert list(corpus.sentences_of(chosen)["doc_id"].unique()) == sorted(chosen, key=local.documents["doc_id"].tolist().index)
    _same(first_sentences(local), first_sentences(corpus), "first sentences")
    for name, order in (("paragraphs", ["doc_id", "para_no"]), ("sentences", ["doc_id", "sent_no"])):
        assert corpus.write_table(name, tmp_path / "dask", order).read_bytes() == \
            local.write_table(name, tmp_path / "local", order).read_bytes(), name
    with pytest.raises(CorpusError, match="this notebook's stages gather the corpus's text"):
        _ = corpus.sentences
    monkeypatch.setattr(module, "available_memory", lambda: loaded.gathered_bytes())
    for name in ("paragraphs", "sentences"):
        _same(getattr(expected, name), getattr(corpus, name), name)
    _same(local.document_texts(), corpus.document_texts(), "document texts")


def test_the_run_keeps_its_partitions_and_loads_again_when_they_are_gone(folder, tmp_path, threads):
    """The run's later notebooks read the stored corpus's partitions: they stay under the run's cache, and a stored
    corpus whose partitions were removed is loaded again rather than pointing at nothing."""
    import shutil

    from analysis.corpus.partitioned import load_partitioned_for_run

    first = load_partitioned_for_run(folder, None, tmp_path / "reports")
    assert first.is_complete() and (first.work / "sentences").is_dir()
    assert first.work.is_relative_to(tmp_path / "reports" / "cache")
    again = load_partitioned_for_run(folder, None, tmp_path / "reports")
    assert again.work == first.work and len(again.documents) == len(first.documents)
    shutil.rmtree(first.work)
    reloaded = load_partitioned_for_run(folder, None, tmp_path / "reports")
    assert reloaded.is_complete()
    pd.testing.assert_frame_equal(reloaded.documents, first.documents)


def test_independent_sources_on_partitions_equal_the_local_engine_s(articles, client, tmp_path):
    """Articles sharing a passage across partitions and outlets, partitions not in corpus order: the units and the
    shared-passage flags are the local engine's, and passages shared across outlets join some units."""
    from analysis.corpus.composition import independent_units
    from analysis.stages_dask import independent_units as dask_independent_units

    rows = articles[articles["text"] != ""].drop(columns=["file"]).sort_values("published", ascending=False)
    rows = rows.assign(outlet=[f"Outlet {k % 30}" for k in range(len(rows))])  # passages shared within and across outlets
    rows.to_parquet(tmp_path / "stories.parquet", index=False)
    parts = write_parquet_parts([rows.iloc[start:start + 25] for start in range(0, len(rows), 25)], tmp_path / "parts")
    local, partitioned = load_corpus(tmp_path / "stories.parquet"), load_partitioned(client, parts, None, tmp_path / "work")
    expected = independent_units(local.documents, local.sentences)
    assert expected["shares_sentences"].any()
    outlets_only = expected.groupby(["period", "outlet"]).ngroups
    assert expected["unit"].nunique() < outlets_only, "no passage joins two outlets' articles: the test shows little"
    pd.testing.assert_frame_equal(dask_independent_units(client, partitioned), expected)


def test_the_comparison_stage_on_partitions_gives_the_local_tables(articles, client, tmp_path, threads):
    """Distinctive terms with their leave-one-article-out checks and contexts, frames and actors with their intervals:
    the local engine's tables, from per-partition sums, per-article rows and each partition's context candidates
    (partitions holding the articles latest first, so that none is in corpus order)."""
    from analysis.stages import comparison_results as local_results
    from analysis.stages_dask import comparison_results as dask_results

    rows = articles[articles["text"] != ""].drop(columns=["file"]).sort_values("published", ascending=False)
    rows.to_parquet(tmp_path / "stories.parquet", index=False)
    parts = write_parquet_parts([rows.iloc[start:start + 25] for start in range(0, len(rows), 25)], tmp_path / "parts")
    local, partitioned = load_corpus(tmp_path / "stories.parquet"), load_partitioned(client, parts, None, tmp_path / "work")
    settings = {"random_seed": 5, "prior_scale": 0.5, "fdr": 0.05, "top_n": 4, "n_resamples": 200}
    expected = local_results(local, tmp_path / "local", **settings)
    result = dask_results(partitioned, tmp_path / "dask", **settings)
    assert len(expected.vocabulary.kwic) and expected.vocabulary.leave_one_out["z"].notna().any()
    assert expected.vocabulary.kwic.groupby(["term", "period"]).size().max() == 2
    for name in ("table", "top", "robustness", "leave_one_out", "kwic"):
        pd.testing.assert_frame_equal(getattr(result.vocabulary, name), getattr(expected.vocabulary, name), obj=name)
    assert result.vocabulary.words == expected.vocabulary.words and result.phrases == expected.phrases
    for kind in ("frames", "actors"):
        for table in ("estimates", "differences", "leave_one_out"):
            _same(getattr(getattr(expected, kind), table), getattr(getattr(result, kind), table), f"{kind} {table}")
    _same(expected.frame_words, result.frame_words, "frame words")
    _same(expected.actor_mentions, result.actor_mentions, "actor mentions")


@pytest.mark.slow
def test_the_report_on_parquet_partitions_out_of_corpus_order_has_the_local_tables(tmp_path):
    """The same rows as one Parquet file (local engine) and as partitions holding them latest first (Dask engine):
    every table the notebooks write from partitions or reductions is the local one, byte for byte. Only the tables
    naming each article's file differ (``file`` is ``<part>#<row>`` in partitions), and are compared without it."""
    from analysis.report.runner import build_report

    rows = synthetic_articles(160, random_state=11, distinct=True).drop(columns=["file"])
    rows = rows.sort_values("published", ascending=False, ignore_index=True)
    rows.to_parquet(tmp_path / "stories.parquet", index=False)
    parts = write_parquet_parts([rows.iloc[start:start + 40] for start in range(0, len(rows), 40)], tmp_path / "parts")
    for engine, corpus in (("local", tmp_path / "stories.parquet"), ("dask", parts)):
        build_report(str(corpus), tmp_path / engine / "reports", tmp_path / engine / "figures", extra={"engine": engine},
                     progress=False, staging=tmp_path / engine / "staging")
    local, dask = (tmp_path / engine / "reports" / "tables" for engine in ("local", "dask"))
    names = sorted(path.name for path in local.glob("*.csv"))
    assert len(names) > 30 and names == sorted(path.name for path in dask.glob("*.csv"))
    named_files = set()
    for name in names:
        if "file" in (local / name).read_text(encoding="utf-8").split("\n", 1)[0].split(","):
            left, right = (pd.read_csv(folder / name, keep_default_na=False) for folder in (local, dask))
            _same(left.drop(columns=["file"]), right.drop(columns=["file"]), name)
            named_files.add(name)
        else:
            assert (local / name).read_bytes() == (dask / name).read_bytes(), f"{name} differs between the engines"
    assert named_files == {"documents.csv", "front_page_corpus.csv", "corpus_warnings.csv", "removed_lines.csv"}
