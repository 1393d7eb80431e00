"""Benchmark the Dask engine on synthetic corpora written as partitioned Parquet tables (default 10,000 and 100,000).

Prints, per stage, wall time and peak resident memory of the largest single process (the driver or one worker) and
of all of them together, on a local cluster of two single-threaded worker processes.
Usage: python -m benchmarks.bench_dask [--load-only] [sizes...]   (runs above 20,000 articles: wrap them in flock, see README)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from analysis.core.engine import dask_client
from analysis.corpus.partitioned import load_partitioned
from analysis.stages_dask import run_stages, vocabulary_comparison
from benchmarks.bench_pipeline import MemorySampler
from benchmarks.synthetic import write_parquet_corpus

SIZES = [10_000, 100_000]
SAMPLE_SECONDS = 0.2
SEED = 20240516


def bench_size(n_articles: int, workdir: Path, load_only: bool = False) -> list[dict]:
    """Load and run the per-article stages on ``n_articles`` synthetic articles; one row per stage and a total.

    Every minute it prints how many partitions each step has written and the peak memory so far, so a run stopped
    early still says what it measured."""
    started = time.perf_counter()
    corpus_dir = write_parquet_corpus(n_articles, workdir / f"corpus_{n_articles}", random_state=SEED)
    print(f"  wrote {n_articles:,} articles as {len(list(corpus_dir.glob('*.parquet')))} Parquet files "
          f"in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    rows, marks, work = [], [], workdir / f"work_{n_articles}"

    def progress() -> str:
        steps = sorted(path.name for path in work.iterdir()) if work.exists() else []
        return ", ".join(f"{step} {len(list((work / step).glob('*.parquet')))}" for step in steps)

    with MemorySampler(60, progress) as peaks, dask_client("") as client:
        began = time.perf_counter()
        corpus = load_partitioned(client, corpus_dir, None, work)
        marks.append(("load, clean, segment, de-duplicate", began, time.perf_counter()))
        one, total = peaks.peak(began, marks[-1][2], largest=True), peaks.peak(began, marks[-1][2])
        print(f"  loaded in {marks[-1][2] - began:,.0f} s; peak {one / 2**20:,.0f} MB (largest process), {total / 2**20:,.0f} MB (all)",
              file=sys.stderr, flush=True)
        if not load_only:
            began = time.perf_counter()
            result = run_stages(client, corpus)
            marks.append(("figures, frames, actors, log-odds", began, time.perf_counter()))
            began = time.perf_counter()
            vocabulary_comparison(client, corpus, result)
            marks.append(("top terms' leave-one-out and contexts", began, time.perf_counter()))
        marks.append(("total", marks[0][1], time.perf_counter()))
    for stage, start, end in marks:
        one, total = peaks.peak(start, end, largest=True), peaks.peak(start, end)
        rows.append({"articles": n_articles, "stage": stage, "seconds": end - start, "largest_mb": one / 2**20,
                     "all_mb": total / 2**20})
    kept = len(corpus.partition_numbers())
    found = "" if load_only else f"; {result.figures.n_figures:,} figures; {len(result.vocabulary):,} terms"
    print(f"  {n_articles:,} articles: {corpus.warnings['kind'].value_counts().to_dict()} warnings; {kept} partitions kept"
          + found + f"; gathering it for the report would need about {corpus.gathered_bytes() / 2**30:,.1f} GB "
          "(partitioned.check_gather)", file=sys.stderr, flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    argv = list(argv or [])
    load_only = "--load-only" in argv
    sizes = [int(value) for value in argv if value != "--load-only"] or SIZES
    print_rows(bench_sizes(sizes, lambda size, folder: bench_size(size, folder, load_only)), "stage")


def bench_sizes(sizes: list[int], bench) -> list[dict]:
    """``bench(size, folder)``'s rows for each size, each in its own temporary folder under /var/tmp."""
    rows = []
    for size in sizes:
        print(f"… {size:,} articles", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
            rows += bench(size, Path(tmp))
    return rows


def print_rows(rows: list[dict], what: str) -> None:
    """The rows as the README's table: articles, ``what`` (stage or notebook), wall time and peak memories."""
    print(f"\n| articles | {what} (Dask engine, local cluster of 2 workers) | wall time (s) | peak memory, largest process (MB) "
          "| peak memory, all processes (MB) |\n|---:|---|---:|---:|---:|")
    for row in rows:
        print(f"| {row['articles']:,} | {row[what]} | {row['seconds']:.0f} | {row['largest_mb']:,.0f} | {row['all_mb']:,.0f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
