"""Benchmark furniture removal on the labelled development corpus: recall, precision, and what each rule removed.

Prints two markdown tables: the scores against tests/data/dev_corpus/furniture.csv (the seeds' rules scored recall 0.067
and precision 0.727 there before issue 13), and the labelled lines each rule removed, right or wrong.
Usage: python -m benchmarks.bench_cleaning   (`make bench` runs it with the others)
"""

from __future__ import annotations

import sys
import time

from analysis.corpus.load import load_corpus  # noqa: E402
from tests.furniture_scoring import DEV_CORPUS, labelled_lines, score_furniture


def main(argv: list[str] | None = None) -> None:
    started = time.perf_counter()
    corpus = load_corpus(DEV_CORPUS)
    seconds = time.perf_counter() - started
    lines = labelled_lines(corpus)
    scores = score_furniture(lines)
    print("| furniture lines | article lines | removed lines | recall | precision | article lines kept | load time (s) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {scores['furniture_lines']} | {scores['article_lines']} | {scores['removed_lines']} | {scores['recall']:.3f} | "
          f"{scores['precision']:.3f} | {scores['article_kept']:.3f} | {seconds:.1f} |")
    rules = corpus.removed[["doc_id", "line_no", "rule"]].drop_duplicates(["doc_id", "line_no"])
    judged = lines.merge(rules, on=["doc_id", "line_no"], how="left")
    judged = judged[judged["removed"]]
    table = judged.groupby("rule").agg(removed=("furniture", "size"), furniture=("furniture", "sum")).sort_index()
    print("\n| rule | lines removed | of which furniture |\n|---|---:|---:|")
    for rule, row in table.iterrows():
        print(f"| {rule} | {row['removed']} | {row['furniture']} |")
    missed = lines[lines["furniture"] & ~lines["removed"]]
    wrong = lines[~lines["furniture"] & lines["removed"]]
    print(f"\nMissed furniture lines: {len(missed)}; article lines removed: {len(wrong)}.")
    for label, rows in (("missed", missed), ("removed article line", wrong)):
        for row in rows.itertuples(index=False):
            print(f"- {label}: {row.doc_id}, line {row.line_no}: {row.text[:80]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
