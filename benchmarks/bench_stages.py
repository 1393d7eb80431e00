"""Benchmark the topic and comparison computations (stages 02 and 04) alone, on a synthetic corpus loaded once.

Prints, per stage, wall and CPU seconds of this process (CPU seconds stay comparable on a busy machine; worker
processes, used above 20,000 texts when ANALYSIS_WORKERS asks for them, are in the wall time only) and the peak resident memory
of this process, which includes the loaded corpus.
Usage: python -m benchmarks.bench_stages [articles]   (default 10000; above 20,000, run it under the big-run lock)
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from analysis.core.parallel import worker_count
from analysis.corpus.load import load_corpus
from analysis.stages import comparison_results, topic_results
from benchmarks.synthetic import synthetic_articles, write_corpus

SEED = 20240516


def main(argv: list[str] | None = None) -> None:
    n_articles = int((argv or ["10000"])[0])
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_corpus(synthetic_articles(n_articles, random_state=SEED), Path(tmp) / "corpus")
        corpus = load_corpus(str(folder), None)
        stages = {
            "02 topic model": lambda: topic_results(corpus, Path(tmp) / "reports", random_seed=SEED, n_resamples=2000),
            "04 comparison": lambda: comparison_results(corpus, Path(tmp) / "reports", random_seed=SEED, prior_scale=0.5,
                                                        fdr=0.05, top_n=10, n_resamples=2000),
        }
        print(f"\n{n_articles:,} synthetic articles, {worker_count()} worker(s)\n")
        print("| stage | wall time (s) | CPU time of this process (s) | peak memory so far (MB) |\n|---|---:|---:|---:|")
        for name, compute in stages.items():
            wall, cpu = time.perf_counter(), time.process_time()
            compute()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"| {name} | {time.perf_counter() - wall:.1f} | {time.process_time() - cpu:.1f} | {peak:,.0f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
