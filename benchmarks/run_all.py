"""Run every benchmark and print its table: the whole pipeline at 100, 1,000 and 10,000 articles, topics, figures, cleaning, explorer.

Usage: python benchmarks/run_all.py   (what `make bench` calls; takes several minutes)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [("bench_pipeline", []), ("bench_topics", []), ("bench_figures", []), ("bench_cleaning", []), ("bench_explorer", [])]


def load(name: str):
    """Import ``benchmarks/<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    for name, arguments in BENCHMARKS:
        print(f"\n## {name}\n", flush=True)
        load(name).main(arguments)


if __name__ == "__main__":
    main()
    sys.exit(0)
