"""Benchmark the whole report on synthetic corpora of 100, 1,000 and 10,000 articles.

Prints wall time and peak memory (resident set of the runner and its kernels) per stage and in total.
Usage: python benchmarks/bench_pipeline.py [sizes...]   (default 100 1000 10000)
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from analysis.runner import build_report
from analysis.synthetic import synthetic_articles, write_corpus

SIZES = [100, 1000, 10000]
SAMPLE_SECONDS = 0.05
SEED = 20240516


class MemorySampler:
    """Samples the summed resident memory of this process and all its descendants in a thread."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            self.samples.append((time.perf_counter(), total))
            time.sleep(SAMPLE_SECONDS)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def peak(self, start: float, end: float) -> int:
        """Highest sample between two perf_counter times (bytes)."""
        inside = [rss for when, rss in self.samples if start <= when <= end]
        return max(inside, default=0)


def bench_size(n_articles: int, workdir: Path) -> list[dict]:
    """Run the full report on a synthetic corpus of ``n_articles``; one row per stage plus a total."""
    corpus = write_corpus(synthetic_articles(n_articles, random_state=SEED), workdir / f"corpus_{n_articles}")
    runs: list = []
    with MemorySampler() as sampler:
        started = time.perf_counter()
        build_report(str(corpus), workdir / f"reports_{n_articles}", workdir / f"figures_{n_articles}",
                     progress=False, staging=workdir / f"staging_{n_articles}", runs=runs)
        total = time.perf_counter() - started
    rows = [{"articles": n_articles, "stage": run.source.stem, "seconds": run.seconds,
             "peak_mb": sampler.peak(run.started, run.started + run.seconds) / 2**20} for run in runs]
    rows.append({"articles": n_articles, "stage": "total", "seconds": total, "peak_mb": max(r["peak_mb"] for r in rows)})
    return rows


def main(argv: list[str] | None = None) -> None:
    sizes = [int(value) for value in (argv or [])] or SIZES
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            print(f"… {size:,} articles", file=sys.stderr, flush=True)
            rows += bench_size(size, Path(tmp))
    print("\n| articles | stage | wall time (s) | peak memory (MB) |\n|---:|---|---:|---:|")
    for row in rows:
        print(f"| {row['articles']:,} | {row['stage']} | {row['seconds']:.1f} | {row['peak_mb']:,.0f} |")
    totals = {row["articles"]: row["seconds"] for row in rows if row["stage"] == "total"}
    if 1000 in totals and 10000 in totals:
        print(f"\nTime ratio 10,000 / 1,000 articles: {totals[10000] / totals[1000]:.1f} (10.0 would be linear)")


if __name__ == "__main__":
    main(sys.argv[1:])
