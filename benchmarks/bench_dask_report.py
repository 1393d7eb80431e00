"""Benchmark the whole report on the Dask engine, or some of its notebooks alone.

Writes a synthetic corpus as partitioned Parquet, then builds the report as `make report` does (the runner, with
engine "dask" and a local cluster of two workers: every notebook and the rendered pages), or with ``--notebooks``
runs just those notebooks with papermill, one after the other in one reports folder. Prints each notebook's wall time
and the peak resident memory of the largest single process (a notebook's kernel, a worker or the runner) and of all
together, beside what gathering the corpus into one process would need.
Usage: python -m benchmarks.bench_dask_report [--notebooks 01,03] [sizes...]   (default 100,000; above 20,000
articles wrap it in flock, see README)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import papermill

from analysis.core.paths import PROJECT_ROOT
from benchmarks.bench_dask import bench_sizes, print_rows
from benchmarks.bench_pipeline import MemorySampler
from benchmarks.synthetic import write_parquet_corpus

SIZES = [100_000]
SEED = 20240516


def bench_report(n_articles: int, workdir: Path) -> list[dict]:
    """The whole report on ``n_articles`` synthetic articles (analysis.report.runner.build_report, engine "dask"): a
    row per notebook, one for rendering, and the total."""
    from analysis.report.runner import build_report

    corpus_dir = write_parquet_corpus(n_articles, workdir / f"corpus_{n_articles}", random_state=SEED)
    runs: list = []
    with MemorySampler() as peaks:
        began = time.perf_counter()
        build_report(str(corpus_dir), workdir / "reports", workdir / "figures", extra={"engine": "dask"}, progress=False,
                     staging=workdir / "staging", runs=runs)
        ended = time.perf_counter()
    rows = [{"articles": n_articles, "notebook": run.source.stem, "seconds": run.seconds,
             "largest_mb": peaks.peak(run.started, run.started + run.seconds, largest=True) / 2**20,
             "all_mb": peaks.peak(run.started, run.started + run.seconds) / 2**20} for run in runs]
    rows.append({"articles": n_articles, "notebook": "**whole report**", "seconds": ended - began,
                 "largest_mb": peaks.peak(began, ended, largest=True) / 2**20, "all_mb": peaks.peak(began, ended) / 2**20})
    print(f"  largest process at the peak: a {peaks.largest_at_peak(began, ended)}", file=sys.stderr, flush=True)
    return rows


def bench_size(n_articles: int, workdir: Path, notebooks: list[str]) -> list[dict]:
    """Run ``notebooks`` (file name prefixes) on ``n_articles`` synthetic articles; one row per notebook."""
    from analysis.core.cache import CACHE_FOLDER, _load

    corpus_dir = write_parquet_corpus(n_articles, workdir / f"corpus_{n_articles}", random_state=SEED)
    reports, figures = workdir / "reports", workdir / "figures"
    parameters = {"corpus_dir": str(corpus_dir), "engine": "dask", "reports_dir": str(reports), "figures_dir": str(figures)}
    rows = []
    for prefix in notebooks:
        source = next((PROJECT_ROOT / "notebooks").glob(f"{prefix}_*.ipynb"))
        with MemorySampler() as peaks:
            began = time.perf_counter()
            papermill.execute_notebook(source, workdir / source.name, parameters=parameters, progress_bar=False,
                                       cwd=str(PROJECT_ROOT / "notebooks"))
            ended = time.perf_counter()
        rows.append({"articles": n_articles, "notebook": source.stem, "seconds": ended - began,
                     "largest_mb": peaks.peak(began, ended, largest=True) / 2**20, "all_mb": peaks.peak(began, ended) / 2**20})
        print(f"  {source.stem}: {rows[-1]['seconds']:,.0f} s, {rows[-1]['largest_mb']:,.0f} MB largest process "
              f"(a {peaks.largest_at_peak(began, ended)}), {rows[-1]['all_mb']:,.0f} MB all", file=sys.stderr, flush=True)
    stored = next(path for path in (reports / CACHE_FOLDER).glob("corpus-dask-*") if path.is_dir())  # not its lock
    corpus = _load(stored)
    print(f"  gathering this corpus into one process would need about {corpus.gathered_bytes() / 2**30:,.1f} GB "
          f"({corpus.characters():,} characters; partitioned.check_gather)", file=sys.stderr, flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    argv = list(argv or [])
    notebooks = None
    if "--notebooks" in argv:
        at = argv.index("--notebooks")
        notebooks, argv = argv[at + 1].split(","), argv[:at] + argv[at + 2:]
    sizes = [int(value) for value in argv] or SIZES
    print_rows(bench_sizes(sizes, lambda size, folder: bench_report(size, folder) if notebooks is None
                           else bench_size(size, folder, notebooks)), "notebook")


if __name__ == "__main__":
    main(sys.argv[1:])
