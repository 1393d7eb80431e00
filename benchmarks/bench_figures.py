"""Benchmark the figure stage: extraction next to quantulum3 on the seeds and the development corpus, indicators, speed.

Prints markdown tables: precision, recall and F1 per kind for both extractors on tests/data/figures_gold.csv (seeds,
spans exact) and on tests/data/dev_corpus/figures_gold.csv (60 real passages, the corpus README's rules); precision
and recall per indicator with the confusion table against the development corpus's `indicator` labels; figures per
second on about 10 MB of text (the seed articles repeated). Writes the project's own scores to
analysis/data/figure_quality.csv (development scores), which the figures page shows.
Usage: python -m benchmarks.bench_figures [megabytes]   (default 10)

quantulum3's bundled classifier (for ambiguous units) does not load with current scikit-learn, so it runs with
its classifier switched off (``quantulum3.classifier.USE_CLF = False``): units are resolved by its rules alone. The output says so.
"""

from __future__ import annotations

import math
import sys
import time
import warnings

import pandas as pd

from analysis.core.paths import DATA_DIR, PROJECT_ROOT, SEEDS_DIR
from analysis.corpus.load import read_text
from analysis.figures.extract import extract_figures
from analysis.figures.measures import figure_stage
from benchmarks import figure_scoring as scoring

GOLD = PROJECT_ROOT / "tests" / "data" / "figures_gold.csv"
QUALITY_HEADER = """# Development scores of the figure stage, written by benchmarks/bench_figures.py (do not edit by hand: rerun it).
# corpus: the development corpus (tests/data/dev_corpus/, 60 real passages, scored by its README's rules) or the seeds
# (tests/data/figures_gold.csv, spans exact). scope: extraction (per kind; "headline" is money+percent+quantity,
# counts and durations by recall only) or indicator (per label of the development corpus). These are scores on the
# texts the rules were developed with, not on unseen text.
"""
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


def dev_quantulum(corpus) -> pd.DataFrame:
    """quantulum3's figures in the development corpus's cleaned sentences, with doc_id (for the dev gold)."""
    rows = []
    for doc_id, text in zip(corpus.sentences["doc_id"], corpus.sentences["text"]):
        rows.extend(dict(row, doc_id=doc_id) for row in quantulum_rows(text))
    return pd.DataFrame(rows, columns=["doc_id", "start", "end", "surface", "kind", "value", "unit"])


def quality_rows(seed: pd.DataFrame, dev: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The project's scores in one tidy table (the saved figure_quality.csv)."""
    parts = [dev.assign(corpus="development corpus", scope="extraction"),
             seed.assign(corpus="seeds", scope="extraction"),
             indicators.rename(columns={"indicator": "kind"}).assign(corpus="development corpus", scope="indicator", f1=math.nan)]
    table = pd.concat(parts, ignore_index=True).rename(columns={"kind": "measure"})
    table["f1"] = [2 * p * r / (p + r) if scope == "indicator" and p + r > 0 else f
                   for scope, p, r, f in zip(table["scope"], table["precision"], table["recall"], table["f1"])]
    columns = ["corpus", "measure", "scope", "gold", "predicted", "correct", "precision", "recall", "f1"]
    return table[columns].round(4)


def main(arguments: list[str] | None = None) -> None:
    """Run the quality comparisons and the throughput test; print markdown tables; save the project's scores."""
    arguments = sys.argv[1:] if arguments is None else arguments
    megabytes = float(arguments[0]) if arguments else DEFAULT_MEGABYTES
    gold = scoring.read_gold(GOLD)
    print("quantulum3 runs with its classifier off (quantulum3.classifier.USE_CLF = False): its bundled scikit-learn "
          "classifier does not load with the installed "
          "scikit-learn, so ambiguous units are resolved by its rules only.\n")
    rows = []
    for extractor in ("grammar", "quantulum3"):
        scores = scoring.score_figures(predictions(extractor), gold)
        rows.append(scores.assign(extractor=extractor))
    quality = pd.concat(rows, ignore_index=True)[["kind", "extractor", "gold", "predicted", "correct", "precision", "recall", "f1"]]
    quality = quality.sort_values(["kind", "extractor"], key=lambda c: c.map({"all": "zz"}).fillna(c) if c.name == "kind" else c,
                                  kind="mergesort", ignore_index=True)
    print(f"### Seeds: quality on {GOLD.relative_to(PROJECT_ROOT)} ({len(gold)} figures; a match needs an overlapping span, "
          "the same kind, value within 1e-6 relative and the same unit)\n")
    print(markdown(quality))

    corpus = scoring.load_dev_corpus()
    dev_gold = scoring.read_dev_gold()
    stage = figure_stage(corpus)
    dev_rows = []
    for extractor, predicted in (("grammar", stage.figures), ("quantulum3", dev_quantulum(corpus))):
        dev_rows.append(scoring.extraction_scores(predicted, dev_gold).assign(extractor=extractor))
    dev_quality = pd.concat(dev_rows, ignore_index=True)[["kind", "extractor", "gold", "predicted", "correct", "precision",
                                                          "recall", "f1"]]
    order = {kind: index for index, kind in enumerate(dev_rows[0]["kind"])}
    dev_quality = dev_quality.sort_values(["kind", "extractor"], key=lambda c: c.map(order) if c.name == "kind" else c,
                                          kind="mergesort", ignore_index=True)
    print(f"\n### Development corpus: extraction on {scoring.DEV_GOLD.relative_to(PROJECT_ROOT)} ({len(dev_gold)} figures in "
          f"{dev_gold['doc'].nunique()} passages; a match needs the same article, kind and unit and a value within 0.5 %; "
          "counts and durations are scored by recall only)\n")
    print(markdown(dev_quality))
    pairs = scoring.indicator_pairs(stage.figures, dev_gold)
    indicators = scoring.indicator_scores(pairs)
    print("\n### Development corpus: what each figure measures (precision and recall per `indicator` label; "
          "quantulum3 has no equivalent)\n")
    print(markdown(indicators))
    print("\nConfusion table (rows: gold label; columns: the stage's label):\n")
    print(markdown(scoring.confusion(pairs).reset_index().rename(columns={"gold": "gold \\ predicted"}), "{:,.0f}"))

    own = quality_rows(scoring.seed_scores(), dev_rows[0].drop(columns="extractor"), indicators)
    target = DATA_DIR / scoring.QUALITY_FILE
    target.write_text(QUALITY_HEADER + own.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    print(f"\nSaved the development scores to {target.relative_to(PROJECT_ROOT)}.")

    seed_text = "\n\n".join(read_text(path)[0] for path in sorted(SEEDS_DIR.glob("*.txt")))
    articles = [read_text(path)[0] for path in sorted(SEEDS_DIR.glob("*.txt"))]
    text = "\f".join(articles * max(1, int(megabytes * 1e6 / len(seed_text))))
    speed = pd.DataFrame([throughput("grammar", text, math.inf), throughput("quantulum3", text, QUANTULUM_TIME_LIMIT)])
    print(f"\n### Throughput (seed articles repeated to {len(text) / 1e6:.1f} MB, one article per call; quantulum3 "
          f"stops after {QUANTULUM_TIME_LIMIT:.0f} s)\n")
    print(markdown(speed, "{:,.2f}"))


if __name__ == "__main__":
    main()
