"""Run every benchmark and print its table: the whole pipeline at 100, 1,000 and 10,000 articles, topics, figures, cleaning,
explorer, and the Dask engine at 10,000.

Usage: python -m benchmarks.run_all   (what `make bench` calls; takes several minutes)
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [("bench_pipeline", []), ("bench_topics", []), ("bench_figures", []), ("bench_cleaning", []), ("bench_explorer", []),
              ("bench_dask", ["10000"])]


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
