"""Measure a figure extractor against hand-annotated gold figures: precision, recall and F1 per kind.

Used by the quality test and by the benchmark that compares the project's extractor with quantulum3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.figures import KINDS

GOLD_COLUMNS = ["file", "start", "end", "surface", "kind", "value", "unit", "date", "qualifier"]
RELATIVE_TOLERANCE = 1e-6


def read_gold(path) -> pd.DataFrame:
    """A gold file (CSV with ``#`` comment lines): one row per figure with file, offsets, kind, value and unit."""
    gold = pd.read_csv(path, comment="#", dtype={"unit": str, "date": str, "qualifier": str}, keep_default_na=False,
                       na_values={"value": [""]})
    missing = set(GOLD_COLUMNS) - set(gold.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}.")
    return gold


def _same_value(a: float, b: float) -> bool:
    if np.isnan(a) and np.isnan(b):
        return True
    return bool(np.isclose(a, b, rtol=RELATIVE_TOLERANCE, atol=0))


def match_figures(predicted: pd.DataFrame, gold: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """For each predicted and each gold row: is it correctly matched (overlapping span in the same file, same kind,
    value within 1e-6 relative, same unit)? Each gold figure matches at most one prediction."""
    predicted = predicted.reset_index(drop=True)
    gold = gold.reset_index(drop=True)
    predicted_ok = pd.Series(False, index=predicted.index)
    gold_ok = pd.Series(False, index=gold.index)
    for file, expected in gold.groupby("file"):
        found = predicted[predicted["file"] == file]
        for g in expected.itertuples():
            overlapping = found[(found["start"] < g.end) & (found["end"] > g.start) & ~predicted_ok.loc[found.index]]
            for p in overlapping.itertuples():
                if p.kind == g.kind and _same_value(float(p.value), float(g.value)) and str(p.unit) == str(g.unit):
                    predicted_ok.loc[p.Index] = True
                    gold_ok.loc[g.Index] = True
                    break
    return predicted_ok, gold_ok


def score(predicted: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 per kind and over all kinds (``kind`` = "all"); a figure counts as right only
    when its span overlaps the gold span and kind, value and unit all agree."""
    predicted, gold = predicted.reset_index(drop=True), gold.reset_index(drop=True)
    predicted_ok, gold_ok = match_figures(predicted, gold)
    rows = []
    for kind in [*KINDS, "all"]:
        p_mask = predicted["kind"] == kind if kind != "all" else pd.Series(True, index=predicted.index)
        g_mask = gold["kind"] == kind if kind != "all" else pd.Series(True, index=gold.index)
        n_pred, n_gold = int(p_mask.sum()), int(g_mask.sum())
        if n_pred == 0 and n_gold == 0:
            continue
        precision = float(predicted_ok[p_mask].mean()) if n_pred else np.nan
        recall = float(gold_ok[g_mask].mean()) if n_gold else np.nan
        f1 = 2 * precision * recall / (precision + recall) if precision and recall and precision + recall else 0.0
        rows.append({"kind": kind, "gold": n_gold, "predicted": n_pred, "precision": precision, "recall": recall, "f1": f1})
    return pd.DataFrame(rows)
