"""Benchmark the report's notebooks that run out of core on the Dask engine (01 load and 03 figures by default).

Writes a synthetic corpus as partitioned Parquet, then runs each notebook with papermill (engine "dask", a local
cluster of two workers), one after the other in one reports folder, as the report runner does: the first loads the
corpus into Parquet partitions, the next reads them. Prints each notebook's wall time and the peak resident memory
of the largest single process (the notebook's kernel or a worker) and of all together, beside what gathering the
corpus into one process would need.
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
NOTEBOOKS = ["01", "03"]
SEED = 20240516


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
    notebooks = NOTEBOOKS
    if "--notebooks" in argv:
        at = argv.index("--notebooks")
        notebooks, argv = argv[at + 1].split(","), argv[:at] + argv[at + 2:]
    sizes = [int(value) for value in argv] or SIZES
    print_rows(bench_sizes(sizes, lambda size, folder: bench_size(size, folder, notebooks)), "notebook")


if __name__ == "__main__":
    main(sys.argv[1:])
