"""Benchmark the topic stage: fit time and peak memory on the seeds and on about 10,000 resampled paragraphs.

Usage: python benchmarks/bench_topics.py   (prints a markdown table; `make bench` runs it with the others)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline import MemorySampler  # noqa: E402

from analysis.corpus import load_corpus  # noqa: E402
from analysis.progress import ENVIRONMENT_SWITCH  # noqa: E402
from analysis.synthetic import synthetic_articles, write_corpus  # noqa: E402
from analysis.topics import fit_topic_stage  # noqa: E402

SEED = 20240516
SYNTHETIC_ARTICLES = 900  # about 10,000 paragraphs (6–14 resampled seed paragraphs per article)


def bench(corpus, label: str, model: str) -> dict:
    """Fit the whole topic stage (k search, model, bootstrap, leave-one-out) once; time and peak memory."""
    with MemorySampler() as sampler:
        started = time.perf_counter()
        result = fit_topic_stage(corpus, model=model, random_seed=SEED)
        seconds = time.perf_counter() - started
    return {"corpus": label, "model": model, "units": result.n_units, "terms": result.n_terms, "k": result.k,
            "seconds": seconds, "peak_mb": sampler.peak(started, started + seconds) / 2**20,
            "notes": " ".join(result.notes) or "full fidelity"}


def main(argv: list[str] | None = None) -> None:
    os.environ[ENVIRONMENT_SWITCH] = "1"  # no progress bars between the table rows
    rows = []
    seeds = load_corpus()
    with tempfile.TemporaryDirectory() as tmp:
        print("… building a synthetic corpus", file=sys.stderr, flush=True)
        large = load_corpus(write_corpus(synthetic_articles(SYNTHETIC_ARTICLES, random_state=SEED), Path(tmp) / "synthetic"))
        for model in ("nmf", "lda"):
            for corpus, label in ((seeds, "seeds"), (large, f"synthetic, {SYNTHETIC_ARTICLES:,} articles")):
                print(f"… {label}, {model}", file=sys.stderr, flush=True)
                rows.append(bench(corpus, label, model))
    print("\n| corpus | model | paragraphs | terms | k | fit time (s) | peak memory (MB) | notes |\n|---|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['corpus']} | {row['model']} | {row['units']:,} | {row['terms']:,} | {row['k']} | {row['seconds']:.1f} | "
              f"{row['peak_mb']:,.0f} | {row['notes']} |")
    print("\nSparse matrices throughout (scipy CSR); the whole stage is timed, including the k search "
          "(10 restarts per k) and leave-one-out refits.")


if __name__ == "__main__":
    main(sys.argv[1:])
