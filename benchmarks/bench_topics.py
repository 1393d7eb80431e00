"""Benchmark the topic stage: agreement with hand-labelled themes on the development corpus, then time and memory.

Usage: python -m benchmarks.bench_topics [--quick]   (prints markdown tables; `make bench` runs it with the others).
Writes the stage's development score to analysis/data/topic_development_score.csv, which the topic page states.
--quick skips the timing on the seeds and the synthetic corpus.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from analysis.core.paths import DATA_DIR
from analysis.core.progress import ENVIRONMENT_SWITCH
from analysis.corpus.load import load_corpus
from analysis.topics.model import DEVELOPMENT_SCORE_FILE, fit_topic_stage
from benchmarks.bench_pipeline import MemorySampler
from benchmarks.synthetic import synthetic_articles, write_corpus
from benchmarks.topic_scoring import DEV_CORPUS, baselines, load_themes, score, stage_clusters

SEED = 20240516
SYNTHETIC_ARTICLES = 900  # about 10,000 paragraphs (6–14 resampled seed paragraphs per article)
SCORE_HEADER = ("# Topic stage on the development corpus (tests/data/dev_corpus/, primary themes in themes.csv):\n"
                "# NMI and purity of each article's dominant topic, k chosen by the stage's rule. Written by\n"
                "# benchmarks/bench_topics.py; do not edit by hand, rerun `python -m benchmarks.bench_topics --quick`.\n")


def bench(corpus, label: str, model: str) -> tuple[dict, object]:
    """Fit the whole topic stage (k search, model, bootstrap, leave-one-out) once; time and peak memory."""
    with MemorySampler() as sampler:
        started = time.perf_counter()
        result = fit_topic_stage(corpus, model=model, random_seed=SEED)
        seconds = time.perf_counter() - started
    return {"corpus": label, "model": model, "unit": result.unit, "units": result.n_units, "terms": result.n_terms,
            "k": result.k, "seconds": seconds, "peak_mb": sampler.peak(started, started + seconds) / 2**20,
            "notes": " ".join(result.notes) or "full fidelity"}, result


def development(write: bool = True) -> None:
    """Score the stage and the baselines on the development corpus; print both; write the stage's score."""
    corpus = load_corpus(DEV_CORPUS)
    themes = load_themes()
    timing, result = bench(corpus, "development", "nmf")
    stage = score(themes, stage_clusters(result))
    table = baselines(corpus, themes)
    best = table.sort_values(["nmi", "method", "k"], ascending=[False, True, True]).iloc[0]
    print(f"\nDevelopment corpus: {len(themes)} articles, {themes.nunique()} primary themes.\n")
    print("| method | units | k | NMI | purity |\n|---|---|---:|---:|---:|")
    print(f"| **this project** (NMF, k chosen) | {result.unit} | {result.k} | **{stage['nmi']:.3f}** | {stage['purity']:.3f} |")
    for row in table.itertuples(index=False):
        print(f"| {row.method} | whole articles | {row.k} | {row.nmi:.3f} | {row.purity:.3f} |")
    print(f"\nStage time on the development corpus: {timing['seconds']:.1f} s (k search, final fit, bootstrap, "
          f"leave-one-out), peak memory {timing['peak_mb']:,.0f} MB.")
    if write:
        path = DATA_DIR / DEVELOPMENT_SCORE_FILE
        line = (f"development corpus,{len(themes)},{themes.nunique()},{result.unit},{result.k},{stage['nmi']:.3f},"
                f"{stage['purity']:.3f},{best['method']} at k = {best['k']},{best['nmi']:.3f}\n")
        path.write_text(SCORE_HEADER + "corpus,n_articles,n_themes,unit,k,nmi,purity,best_baseline,best_baseline_nmi\n"
                        + line, encoding="utf-8")
        print(f"\nWrote {path}.")


def main(argv: list[str] | None = None) -> None:
    argv = list(argv or [])
    os.environ[ENVIRONMENT_SWITCH] = "1"  # no progress bars between the table rows
    development()
    if "--quick" in argv:
        return
    rows = []
    seeds = load_corpus()
    with tempfile.TemporaryDirectory() as tmp:
        print("… building a synthetic corpus", file=sys.stderr, flush=True)
        large = load_corpus(write_corpus(synthetic_articles(SYNTHETIC_ARTICLES, random_state=SEED), Path(tmp) / "synthetic"))
        for model in ("nmf", "lda"):
            for corpus, label in ((seeds, "seeds"), (large, f"synthetic, {SYNTHETIC_ARTICLES:,} articles")):
                print(f"… {label}, {model}", file=sys.stderr, flush=True)
                rows.append(bench(corpus, label, model)[0])
    print("\n| corpus | model | units | count | terms | k | fit time (s) | peak memory (MB) | notes |\n"
          "|---|---|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['corpus']} | {row['model']} | {row['unit']} | {row['units']:,} | {row['terms']:,} | {row['k']} | "
              f"{row['seconds']:.1f} | {row['peak_mb']:,.0f} | {row['notes']} |")
    print("\nSparse matrices throughout (scipy CSR); the whole stage is timed, including the k search "
          "(10 restarts and 5 article resamples per k) and leave-one-out refits.")


if __name__ == "__main__":
    main(sys.argv[1:])
