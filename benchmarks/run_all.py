"""Run every benchmark and print its table: the whole pipeline at 100, 1,000, 10,000 and 100,000 articles (the size issue 15
sets its goal at: 5 minutes and 4 GB), again at 100,000 with every sentence told apart (nearer to real news than the
resampled seeds), topics, figures (and what the synthetic corpus's repeated sentences are worth to the figure stage),
cleaning, explorer, the Dask engine at 10,000 and 100,000 (its million-article row is a separate run of about half
an hour: `python -m benchmarks.bench_dask 1000000`, see README), and notebooks 01 and 03 on the Dask engine at 100,000.

Usage: python -m benchmarks.run_all   (what `make bench` calls; takes about 35 minutes: run it alone on the machine)
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [("bench_pipeline", ["--large"]), ("bench_pipeline", ["--distinct", "100000"]), ("bench_topics", []),
              ("bench_figures", []), ("bench_distinct_text", []),
              ("bench_cleaning", []), ("bench_explorer", []), ("bench_dask", ["10000", "100000"]),
              ("bench_dask_report", ["100000"])]


def load(name: str):
    """Import ``benchmarks/<name>.py`` as a module."""
    return importlib.import_module(f"benchmarks.{name}")


def main() -> None:
    for name, arguments in BENCHMARKS:
        print(f"\n## {name}\n", flush=True)
        load(name).main(arguments)


if __name__ == "__main__":
    main()
    sys.exit(0)
