"""The one leave-one-out summary behind every change the report judges: shares, rates, topic shifts, term z-scores.

It keeps apart three different articles: the one whose removal reverses a change, the one without which it cannot
be found, and the one whose removal moves it most.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LOO_COLUMNS = ["loo_min", "loo_max", "sign_survives", "reversed_by", "reversed_to", "n_reversing", "lost_without",
               "largest_mover", "largest_mover_to"]


def leave_one_out_summary(full: pd.DataFrame, runs: pd.DataFrame, *, key: str = "measure",
                          value: str = "difference") -> pd.DataFrame:
    """Per ``key`` of ``full``: how its ``value`` behaves when each article (``runs.left_out``) is left out in turn.

    ``runs`` has one row per (key, left_out) with the recomputed ``value``, and optionally a boolean ``found`` (a
    refitted topic that matches no original one is not found). A run is *lost* when it is not found or its value
    cannot be computed (NaN: a term that no longer occurs, a period left empty). Columns, after ``key``:

    - ``loo_min``, ``loo_max``: range of the value over the runs that were not lost;
    - ``sign_survives``: the value is not zero, there is at least one run, none is lost and none has the opposite
      sign or zero;
    - ``reversed_by``, ``reversed_to``, ``n_reversing``: the article whose removal reverses (or zeroes) the value
      furthest, the value without it, and how many removals reverse or zero it ("" / NaN / 0 when none does);
    - ``lost_without``: the articles without which it is lost, joined by "; ";
    - ``largest_mover``, ``largest_mover_to``: the article whose removal moves the value most among the runs that
      were not lost, and the value without it ("" / NaN when no removal moves it).
    Ties go to the first article in ``left_out`` order.

    >>> full = pd.DataFrame({"measure": ["x"], "difference": [0.1]})
    >>> runs = pd.DataFrame({"measure": ["x"] * 3, "left_out": ["a", "b", "c"], "difference": [0.3, -0.02, 0.09]})
    >>> leave_one_out_summary(full, runs)[["sign_survives", "reversed_by", "reversed_to", "largest_mover", "largest_mover_to"]]
       sign_survives reversed_by  reversed_to largest_mover  largest_mover_to
    0          False           b        -0.02             a               0.3
    """
    grouped = groups_in_order(runs, key)
    if grouped is None:
        runs = runs.sort_values([key, "left_out"], kind="mergesort")
        grouped = dict(tuple(runs.groupby(key, sort=False)))
    rows = []
    for name, estimate in zip(full[key], full[value]):
        part = grouped.get(name, runs.iloc[:0])
        values = part[value].to_numpy(float)
        kept = np.isfinite(values)
        if "found" in part:
            kept &= part["found"].to_numpy(bool)
        lost = _values_at(part["left_out"], np.flatnonzero(~kept))
        kept_rows, values = np.flatnonzero(kept), values[kept]
        sign = np.sign(estimate) if np.isfinite(estimate) else 0.0
        reversing = np.flatnonzero(np.sign(values) != sign) if sign else np.arange(len(values))
        moved = np.abs(values - estimate)
        row = {key: name,
               "loo_min": float(values.min()) if len(values) else np.nan,
               "loo_max": float(values.max()) if len(values) else np.nan,
               "sign_survives": bool(sign != 0 and len(part) and not len(lost) and not len(reversing)),
               "reversed_by": "", "reversed_to": np.nan, "n_reversing": int(len(reversing)) if sign else 0,
               "lost_without": "; ".join(map(str, lost)), "largest_mover": "", "largest_mover_to": np.nan}
        if sign and len(reversing):
            furthest = reversing[np.argmax(-sign * values[reversing])]
            row.update(reversed_by=_values_at(part["left_out"], kept_rows[[furthest]])[0], reversed_to=float(values[furthest]))
        if len(values) and moved.max() > 0:
            mover = int(np.argmax(moved))
            row.update(largest_mover=_values_at(part["left_out"], kept_rows[[mover]])[0], largest_mover_to=float(values[mover]))
        rows.append(row)
    return pd.DataFrame(rows, columns=[key] + LOO_COLUMNS)


def groups_in_order(runs: pd.DataFrame, key: str) -> dict | None:
    """``runs`` split by ``key`` without sorting or copying them, when they are already sorted by ``key`` and
    ``left_out`` (as the leave-one-out tables are built, six million rows at 100,000 articles): what sorting them
    (stably) and grouping would give. None when they are not in that order, hold a missing key or document, or
    their values cannot be compared as a whole column (the caller then sorts)."""
    if len(runs) < 2:
        return None
    keys, left_out = runs[key].reset_index(drop=True), runs["left_out"].reset_index(drop=True)
    try:
        if keys.isna().any() or left_out.isna().any():
            return None
        before, after = keys.iloc[:-1].reset_index(drop=True), keys.iloc[1:].reset_index(drop=True)
        same = (before == after).to_numpy(dtype=bool)
        in_order = (before < after).to_numpy(dtype=bool) | (
            same & (left_out.iloc[:-1].reset_index(drop=True) <= left_out.iloc[1:].reset_index(drop=True)).to_numpy(dtype=bool))
    except TypeError:  # values of kinds that do not compare
        return None
    if not in_order.all():
        return None
    bounds = np.concatenate([[0], np.flatnonzero(~same) + 1, [len(runs)]])
    return {keys.iloc[begin]: runs.iloc[begin:end] for begin, end in zip(bounds[:-1], bounds[1:])}


def _values_at(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``column.to_numpy()[rows]``, converting only those rows: a leave-one-out table's document names are read at
    a few rows per measure, and converting the whole column costs a Python string per run (millions)."""
    return column.iloc[rows].to_numpy()
