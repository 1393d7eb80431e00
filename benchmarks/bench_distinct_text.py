"""What the synthetic corpus's repetition is worth to the figure stage, the one stage that remembers results per
distinct sentence text (for wire copy, which repeats sentences across outlets).

The synthetic corpora resample the seeds' paragraphs, so only about one sentence in twenty-five is distinct, and the
figure stage's memos (``extract.MEMO_TEXTS``, ``scope.MEMO_DECISIONS``, ``measures.MEMO_CLAUSES`` and the
``lru_cache`` of ``scope._found``, ``_breaks`` and ``who_of``) answer the rest. Real news repeats far less. This
prints the stage's CPU on the same articles with the memos and with them off (every sentence scanned and decided as
if it were distinct; the figures of one sentence still share its decision), so the pipeline benchmark's figure row
can be read for a corpus of distinct text.

Usage: python -m benchmarks.bench_distinct_text [articles]   (default 5,000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from analysis.corpus.load import load_corpus
from analysis.figures import extract, measures, scope
from benchmarks.synthetic import synthetic_articles, write_corpus

SEED = 20240516
MEMOIZED = ("_found", "_breaks", "who_of")  # scope's functions cached per text


def stage_cpu(corpus) -> tuple[float, int]:
    """CPU seconds of one figure stage on ``corpus`` (the per-text caches emptied first) and the figures found."""
    for name in MEMOIZED:
        cache_clear = getattr(getattr(scope, name), "cache_clear", None)
        if cache_clear:
            cache_clear()
    started = time.process_time()
    result = measures.figure_stage(corpus)
    return time.process_time() - started, len(result.figures)


def main(arguments: list[str] | None = None) -> None:
    n_articles = int((arguments or ["5000"])[0])
    with tempfile.TemporaryDirectory() as tmp:
        corpus = load_corpus(write_corpus(synthetic_articles(n_articles, random_state=SEED), Path(tmp) / "corpus"))
    sentences = len(corpus.sentences)
    distinct = corpus.sentences["text"].nunique()
    with_memos, found = stage_cpu(corpus)
    saved = (extract.MEMO_TEXTS, scope.MEMO_DECISIONS, measures.MEMO_CLAUSES, {n: getattr(scope, n) for n in MEMOIZED})
    try:
        extract.MEMO_TEXTS, scope.MEMO_DECISIONS, measures.MEMO_CLAUSES = 0, 1, 1  # one entry: the current sentence's
        for name in MEMOIZED:
            setattr(scope, name, getattr(scope, name).__wrapped__)
        without_memos, found_again = stage_cpu(corpus)
    finally:
        extract.MEMO_TEXTS, scope.MEMO_DECISIONS, measures.MEMO_CLAUSES, functions = saved
        for name, function in functions.items():
            setattr(scope, name, function)
    assert found_again == found, "the memos changed what was found"
    print(f"\n### Figure stage on {n_articles:,} synthetic articles ({sentences:,} sentences, {distinct:,} distinct)\n")
    print("| memos | CPU (s) | µs per sentence | figures |\n|---|---:|---:|---:|")
    for label, seconds in (("on (as run)", with_memos), ("off (as on distinct text)", without_memos)):
        print(f"| {label} | {seconds:.2f} | {seconds / sentences * 1e6:.1f} | {found:,} |")
    print(f"\nWith every sentence distinct the stage would take {without_memos / with_memos:.1f} times the CPU measured "
          "on the synthetic corpus.")


if __name__ == "__main__":
    main(sys.argv[1:])
