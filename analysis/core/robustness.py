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
    runs = runs.sort_values([key, "left_out"], kind="mergesort")
    grouped = dict(tuple(runs.groupby(key, sort=False)))
    rows = []
    for name, estimate in zip(full[key], full[value]):
        part = grouped.get(name, runs.iloc[:0])
        values = part[value].to_numpy(float)
        kept = np.isfinite(values)
        if "found" in part:
            kept &= part["found"].to_numpy(bool)
        lost = part["left_out"].to_numpy()[~kept]
        names, values = part["left_out"].to_numpy()[kept], values[kept]
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
            row.update(reversed_by=names[furthest], reversed_to=float(values[furthest]))
        if len(values) and moved.max() > 0:
            mover = int(np.argmax(moved))
            row.update(largest_mover=names[mover], largest_mover_to=float(values[mover]))
        rows.append(row)
    return pd.DataFrame(rows, columns=[key] + LOO_COLUMNS)
