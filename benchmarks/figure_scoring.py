"""Score the figure stage against hand labels: extraction on the development corpus and the seeds, and indicators.

Used by benchmarks/bench_figures.py (which prints the scores and saves them) and by tests/test_quality_figures_dev.py
(which holds them to floors). The rules are the development corpus README's: headline kinds (money, percent, quantity)
by precision and recall, a prediction matching a gold row of the same article when kind and unit agree and the value
is within 0.5 %; counts and durations by recall.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.core.paths import PROJECT_ROOT, SEEDS_DIR
from analysis.corpus.load import load_corpus, read_text
from analysis.figures.extract import KINDS, extract_figures

DEV_DIR = PROJECT_ROOT / "tests" / "data" / "dev_corpus"
DEV_GOLD = DEV_DIR / "figures_gold.csv"
SEED_GOLD = PROJECT_ROOT / "tests" / "data" / "figures_gold.csv"
QUALITY_FILE = "figure_quality.csv"  # under analysis/data/: the scores the figures page shows
DEV_PERIODS = {"2014–2015": ["2014-01-01", "2015-12-31"], "2023–2024": ["2023-01-01", "2024-12-31"]}
HEADLINE_KINDS = ("money", "percent", "quantity")
RECALL_KINDS = ("count", "duration")
VALUE_TOLERANCE = 0.005  # relative: the README's "value within 0.5 %"
# Gold units written in another unit of the same dimension than the extractor's, and the factor into the extractor's.
UNIT_EQUIVALENTS = {"kg": ("t", 0.001), "mi": ("km", 1.609344), "nmi": ("km", 1.852)}
INDICATOR_LABELS = ("china_russia_trade", "china_russia_flow", "national_currency_share", "gas_volume", "deal_value",
                    "military", "other")
NOT_EXTRACTED = "(not extracted)"  # a gold figure no prediction matched
NOT_IN_GOLD = "(not in gold)"  # a prediction that matches no gold figure


# The seeds' gold file: exact spans, kinds, values and units (tests/data/figures_gold.csv).
GOLD_COLUMNS = ["file", "start", "end", "surface", "kind", "value", "unit", "date"]
RELATIVE_TOLERANCE = 1e-6  # a value is right when within this relative distance of the gold value


def read_gold(path) -> pd.DataFrame:
    """A gold file of hand-annotated figures (CSV, ``#`` comment lines): file, start, end, surface, kind, value, unit, date."""
    gold = pd.read_csv(path, comment="#", dtype={"unit": str, "date": str, "qualifier": str, "surface": str},
                       keep_default_na=False, na_values={"value": [""]})
    missing = [column for column in GOLD_COLUMNS if column not in gold.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}. The header must include {', '.join(GOLD_COLUMNS)}.")
    unknown = sorted(set(gold["kind"]) - set(KINDS))
    if unknown:
        raise ValueError(f"{path}: unknown kind(s) {unknown}; use one of {', '.join(KINDS)}.")
    return gold


def _same_value(a: float, b: float) -> bool:
    """Equal within RELATIVE_TOLERANCE, or both missing (a date without a year)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=0.0)


def match_gold(predicted: pd.DataFrame, gold: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which predicted and which gold figures are matched: same file, overlapping spans, same kind, value (1e-6 relative)
    and unit. Each figure matches at most one on the other side (greedy, in span order)."""
    predicted_ok = np.zeros(len(predicted), dtype=bool)
    gold_ok = np.zeros(len(gold), dtype=bool)
    p_file, p_start, p_end = (predicted[c].to_numpy() for c in ("file", "start", "end"))
    p_kind, p_value, p_unit = predicted["kind"].to_numpy(), predicted["value"].to_numpy(float), predicted["unit"].astype(str).to_numpy()
    for g_index, row in enumerate(gold.itertuples(index=False)):
        candidates = np.flatnonzero((p_file == row.file) & (p_start < row.end) & (p_end > row.start) & ~predicted_ok)
        for p_index in candidates:
            if p_kind[p_index] == row.kind and _same_value(p_value[p_index], float(row.value)) and p_unit[p_index] == str(row.unit):
                predicted_ok[p_index] = gold_ok[g_index] = True
                break
    return predicted_ok, gold_ok


def score_figures(predicted: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 per kind and over all kinds ("all"): a prediction is right when its span overlaps a gold
    figure of the same file with the same kind, value and unit. Columns: kind, gold, predicted, correct, precision, recall, f1."""
    predicted, gold = predicted.reset_index(drop=True), gold.reset_index(drop=True)
    predicted_ok, gold_ok = match_gold(predicted, gold)
    rows = []
    for kind in [*KINDS, "all"]:
        p_mask = np.ones(len(predicted), bool) if kind == "all" else (predicted["kind"] == kind).to_numpy()
        g_mask = np.ones(len(gold), bool) if kind == "all" else (gold["kind"] == kind).to_numpy()
        if not p_mask.any() and not g_mask.any():
            continue
        precision = float(predicted_ok[p_mask].mean()) if p_mask.any() else math.nan
        recall = float(gold_ok[g_mask].mean()) if g_mask.any() else math.nan
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        rows.append({"kind": kind, "gold": int(g_mask.sum()), "predicted": int(p_mask.sum()),
                     "correct": int(gold_ok[g_mask].sum()), "precision": precision, "recall": recall, "f1": f1})
    return pd.DataFrame(rows)


def read_dev_gold(path=DEV_GOLD) -> pd.DataFrame:
    """The development corpus's figure labels, one row per gold figure, with its readings as lists.

    ``readings`` holds (kind, unit, value) triples: "1860|2993.38" with "mi|km" is two readings of one figure.
    """
    gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"doc", "surface", "kind", "value", "unit", "indicator"} - set(gold.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}.")
    readings = []
    for row in gold.itertuples(index=False):
        values, units = row.value.split("|"), row.unit.split("|")
        units = units if len(units) == len(values) else units * len(values)
        mine = []
        for value, unit in zip(values, units):
            unit, factor = UNIT_EQUIVALENTS.get(unit, (unit, 1.0))
            mine.append((row.kind, unit, float(value) * factor))
        readings.append(mine)
    return gold.assign(readings=readings)


def _agrees(reading: tuple, kind: str, unit: str, value: float) -> bool:
    """True when a prediction's kind and unit agree with a gold reading and its value is within VALUE_TOLERANCE."""
    g_kind, g_unit, g_value = reading
    if kind != g_kind or not math.isfinite(value):
        return False
    if kind != "count" and unit != g_unit:  # a count's unit is its counted noun; the gold leaves it empty
        return False
    return abs(value - g_value) <= VALUE_TOLERANCE * abs(g_value)


def align(predicted: pd.DataFrame, gold: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Pair predictions with gold rows of the same document, one to one, in document order.

    Returns (gold_match, predicted_match): for each gold row the index of its prediction or -1, and for each prediction
    the index of its gold row or -1. A gold row prefers a prediction whose surface lies inside the gold surface (or the
    reverse), then the first free agreeing prediction in text order.
    """
    predicted = predicted.reset_index(drop=True)
    gold_match = np.full(len(gold), -1)
    predicted_match = np.full(len(predicted), -1)
    by_doc = {doc: rows.index.to_numpy() for doc, rows in predicted.groupby("doc_id", sort=False)}
    kinds, units = predicted["kind"].to_numpy(), predicted["unit"].astype(str).to_numpy()
    values, surfaces = predicted["value"].to_numpy(float), predicted["surface"].astype(str).to_numpy()
    for g_index, row in enumerate(gold.itertuples(index=False)):
        candidates = [p for p in by_doc.get(row.doc, []) if predicted_match[p] < 0
                      and any(_agrees(r, kinds[p], units[p], values[p]) for r in row.readings)]
        if not candidates:
            continue
        close = [p for p in candidates if surfaces[p] in row.surface or row.surface in surfaces[p]]
        chosen = (close or candidates)[0]
        gold_match[g_index], predicted_match[chosen] = chosen, g_index
    return gold_match, predicted_match


def extraction_scores(predicted: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 per headline kind and over the three ("headline"); recall for counts and durations.

    ``predicted`` needs doc_id, kind, value, unit, surface; ``gold`` comes from :func:`read_dev_gold`.
    Columns: kind, gold, predicted, correct, precision, recall, f1 (precision and F1 empty for recall-only kinds).
    """
    predicted = predicted.reset_index(drop=True)
    gold_match, predicted_match = align(predicted, gold)
    rows = []
    groups = [(kind, (kind,)) for kind in HEADLINE_KINDS] + [("headline", HEADLINE_KINDS)] \
        + [(kind, (kind,)) for kind in RECALL_KINDS] + [("count+duration", RECALL_KINDS)]
    for name, kinds in groups:
        g_mask = gold["kind"].isin(kinds).to_numpy()
        p_mask = predicted["kind"].isin(kinds).to_numpy()
        recall = float((gold_match[g_mask] >= 0).mean()) if g_mask.any() else math.nan
        if set(kinds) <= set(HEADLINE_KINDS):
            correct_predictions = int((predicted_match[p_mask] >= 0).sum())
            precision = correct_predictions / p_mask.sum() if p_mask.any() else math.nan
            f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        else:
            precision = f1 = math.nan
        rows.append({"kind": name, "gold": int(g_mask.sum()), "predicted": int(p_mask.sum()),
                     "correct": int((gold_match[g_mask] >= 0).sum()), "precision": precision, "recall": recall, "f1": f1})
    return pd.DataFrame(rows)


def indicator_pairs(predicted: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """One row per gold figure and per unmatched claim prediction: ``gold`` and ``predicted`` indicator labels.

    A gold figure nobody extracted is predicted NOT_EXTRACTED; a prediction (money, percent, quantity, count or
    duration) that matches no gold figure has gold NOT_IN_GOLD, so an indicator that takes invented figures loses
    precision. ``predicted`` needs an ``indicator`` column.
    """
    predicted = predicted.reset_index(drop=True)
    gold_match, predicted_match = align(predicted, gold)
    labels = predicted["indicator"].astype(str).to_numpy()
    rows = [{"doc": row.doc, "surface": row.surface, "gold": row.indicator,
             "predicted": labels[gold_match[i]] if gold_match[i] >= 0 else NOT_EXTRACTED}
            for i, row in enumerate(gold.itertuples(index=False))]
    claims = predicted["kind"].isin(HEADLINE_KINDS + RECALL_KINDS).to_numpy()
    for p in np.flatnonzero((predicted_match < 0) & claims):
        rows.append({"doc": predicted.at[p, "doc_id"], "surface": predicted.at[p, "surface"], "gold": NOT_IN_GOLD,
                     "predicted": labels[p]})
    return pd.DataFrame(rows, columns=["doc", "surface", "gold", "predicted"])


def indicator_scores(pairs: pd.DataFrame) -> pd.DataFrame:
    """Precision and recall per indicator label from :func:`indicator_pairs`.

    Precision: of the figures the stage put in an indicator, the share the gold puts there. Recall: of the gold
    figures of an indicator, the share the stage extracted and put there.
    """
    rows = []
    for label in INDICATOR_LABELS:
        predicted = pairs["predicted"] == label
        gold = pairs["gold"] == label
        both = int((predicted & gold).sum())
        rows.append({"indicator": label, "gold": int(gold.sum()), "predicted": int(predicted.sum()), "correct": both,
                     "precision": both / predicted.sum() if predicted.any() else math.nan,
                     "recall": both / gold.sum() if gold.any() else math.nan})
    return pd.DataFrame(rows)


def confusion(pairs: pd.DataFrame) -> pd.DataFrame:
    """Gold indicator (rows) against predicted indicator (columns), counts of figures."""
    order = [*INDICATOR_LABELS, NOT_IN_GOLD, NOT_EXTRACTED]
    table = pd.crosstab(pairs["gold"], pairs["predicted"])
    return table.reindex(index=[o for o in order if o in table.index], columns=[o for o in order if o in table.columns],
                         fill_value=0)


def load_dev_corpus():
    """The development corpus through the project's loader (cleaned sentences, metadata dates), as the report sees it."""
    return load_corpus(DEV_DIR, DEV_PERIODS)


def seed_predictions() -> pd.DataFrame:
    """extract_figures over each seed file's whole text, with a ``file`` column (the seed gold's key)."""
    return pd.concat([extract_figures(read_text(path)[0]).assign(file=path.name) for path in sorted(SEEDS_DIR.glob("*.txt"))],
                     ignore_index=True)


def seed_scores(predicted: pd.DataFrame | None = None) -> pd.DataFrame:
    """Precision, recall and F1 per kind on the seed gold (spans, kinds, values and units exact)."""
    return score_figures(seed_predictions() if predicted is None else predicted, read_gold(SEED_GOLD))
