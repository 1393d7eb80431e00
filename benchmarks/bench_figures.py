"""Benchmark the figure extractor against quantulum3 on the hand-annotated seeds: quality per kind and throughput.

Prints two markdown tables: precision, recall and F1 per kind for both extractors on tests/data/figures_gold.csv, and
figures per second on about 10 MB of text (the seed articles repeated).
Usage: python benchmarks/bench_figures.py [megabytes]   (default 10)

quantulum3's bundled classifier (for ambiguous units) does not load with current scikit-learn, so it runs with
its classifier switched off (``quantulum3.classifier.USE_CLF = False``): units are resolved by its rules alone. The output says so.
"""

from __future__ import annotations

import math
import sys
import time
import warnings

import pandas as pd

from analysis.corpus import read_text
from analysis.figures import extract_figures, read_gold, score_figures
from analysis.paths import PROJECT_ROOT, SEEDS_DIR

GOLD = PROJECT_ROOT / "tests" / "data" / "figures_gold.csv"
DEFAULT_MEGABYTES = 10.0
QUANTULUM_TIME_LIMIT = 120.0  # seconds; quantulum3 is timed on a prefix of the text when the whole would take longer

# quantulum3 entity names -> this project's kinds and units
CURRENCY_CODES = {"dollar": "USD", "United States dollar": "USD", "euro": "EUR", "renminbi": "CNY", "yuan": "CNY",
                  "Russian ruble": "RUB", "ruble": "RUB", "pound sterling": "GBP"}
UNITS = {"cubic metre": ("quantity", "m3", 1.0), "tonne": ("quantity", "t", 1.0), "kilometre": ("quantity", "km", 1.0),
         "barrel": ("quantity", "bbl", 1.0), "percentage": ("percent", "%", 1.0), "year": ("duration", "year", 1.0),
         "month": ("duration", "month", 1.0), "week": ("duration", "week", 1.0), "day": ("duration", "day", 1.0),
         "hour": ("duration", "hour", 1.0), "decade": ("duration", "year", 10.0)}


def quantulum_rows(text: str) -> list[dict]:
    """quantulum3's quantities in ``text`` mapped onto this project's kinds (classifier off)."""
    from quantulum3 import classifier, parser

    classifier.USE_CLF = False  # the classifier off: quantulum3's own switch (its model does not load with this scikit-learn)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantities = parser.parse(text)
    for quantity in quantities:
        start, end = quantity.span
        unit_name, entity = quantity.unit.name, quantity.unit.entity.name
        if entity == "currency":
            kind, unit, factor = "money", CURRENCY_CODES.get(unit_name, ""), 1.0
        elif unit_name in UNITS:
            kind, unit, factor = UNITS[unit_name]
        elif unit_name == "dimensionless":
            kind, unit, factor = "count", "", 1.0
        else:
            kind, unit, factor = "quantity", unit_name, 1.0
        rows.append({"start": start, "end": end, "surface": text[start:end], "kind": kind,
                     "value": float(quantity.value) * factor, "unit": unit})
    return rows


def predictions(extractor: str) -> pd.DataFrame:
    """Predicted figures of one extractor over each seed file's whole text, with a ``file`` column."""
    tables = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        text = read_text(path)[0]
        table = extract_figures(text) if extractor == "grammar" else pd.DataFrame(
            quantulum_rows(text), columns=["start", "end", "surface", "kind", "value", "unit"])
        tables.append(table.assign(file=path.name))
    return pd.concat(tables, ignore_index=True)


def throughput(extractor: str, text: str, limit: float) -> dict:
    """Figures per second on ``text`` (articles separated by form feeds), one article per call; quantulum3 runs on as
    many articles as fit in ``limit`` seconds."""
    paragraphs = text.split("\f")
    started = time.perf_counter()
    found = characters = 0
    for paragraph in paragraphs:
        found += len(extract_figures(paragraph)) if extractor == "grammar" else len(quantulum_rows(paragraph))
        characters += len(paragraph) + 2
        if time.perf_counter() - started > limit:
            break
    seconds = time.perf_counter() - started
    return {"extractor": extractor, "megabytes": characters / 1e6, "seconds": seconds, "figures": found,
            "figures_per_second": found / seconds if seconds else math.nan, "megabytes_per_second": characters / 1e6 / seconds}


def markdown(table: pd.DataFrame, floats: str = "{:.3f}") -> str:
    """A pandas table as a GitHub markdown table."""
    header = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns)
    lines = ["| " + " | ".join(floats.format(v) if isinstance(v, float) else str(v) for v in row) + " |"
             for row in table.itertuples(index=False)]
    return "\n".join([header, *lines])


def main(arguments: list[str] | None = None) -> None:
    """Run the quality comparison and the throughput test; print markdown tables."""
    arguments = sys.argv[1:] if arguments is None else arguments
    megabytes = float(arguments[0]) if arguments else DEFAULT_MEGABYTES
    gold = read_gold(GOLD)
    print("quantulum3 runs with its classifier off (quantulum3.classifier.USE_CLF = False): its bundled scikit-learn classifier does not load with the installed "
          "scikit-learn, so ambiguous units are resolved by its rules only.\n")
    rows = []
    for extractor in ("grammar", "quantulum3"):
        scores = score_figures(predictions(extractor), gold)
        rows.append(scores.assign(extractor=extractor))
    quality = pd.concat(rows, ignore_index=True)[["kind", "extractor", "gold", "predicted", "correct", "precision", "recall", "f1"]]
    quality = quality.sort_values(["kind", "extractor"], key=lambda c: c.map({"all": "zz"}).fillna(c) if c.name == "kind" else c,
                                  kind="mergesort", ignore_index=True)
    print(f"### Quality on {GOLD.relative_to(PROJECT_ROOT)} ({len(gold)} figures; a match needs an overlapping span, "
          "the same kind, value within 1e-6 relative and the same unit)\n")
    print(markdown(quality))
    seed_text = "\n\n".join(read_text(path)[0] for path in sorted(SEEDS_DIR.glob("*.txt")))
    articles = [read_text(path)[0] for path in sorted(SEEDS_DIR.glob("*.txt"))]
    text = "\f".join(articles * max(1, int(megabytes * 1e6 / len(seed_text))))
    speed = pd.DataFrame([throughput("grammar", text, math.inf), throughput("quantulum3", text, QUANTULUM_TIME_LIMIT)])
    print(f"\n### Throughput (seed articles repeated to {len(text) / 1e6:.1f} MB, one article per call; quantulum3 "
          f"stops after {QUANTULUM_TIME_LIMIT:.0f} s)\n")
    print(markdown(speed, "{:,.2f}"))


if __name__ == "__main__":
    main()
