"""Sentences that state findings, built from result tables so every number in the report's prose is computed.

Each function takes a table row or table and returns Markdown text; the notebooks only display it.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from analysis.display import escape

SUPPORTED = "supported"
FRAGILE = "fragile"
NOT_SUPPORTED = "not supported"


def support(excludes_zero: bool, sign_survives: bool) -> str:
    """How far a period difference can be trusted: both checks pass, one passes, or neither.

    ``supported``: the 95% interval excludes zero and no single article reverses the sign; ``fragile``: only one
    of the two holds; ``not supported``: neither.
    """
    if excludes_zero and sign_survives:
        return SUPPORTED
    if excludes_zero or sign_survives:
        return FRAGILE
    return NOT_SUPPORTED


def share_points(value: float) -> str:
    """A share as percent: 0.273 -> '27%'."""
    return f"{value:.0%}"


def point_change(value: float) -> str:
    """A difference of shares in percentage points with its sign: 0.089 -> '+9 points'."""
    return f"{value * 100:+.0f} points"


def rate(value: float) -> str:
    """A rate per 1,000 words: 6.8 -> '6.8'."""
    return f"{value:,.1f}"


def rate_change(value: float) -> str:
    """A difference of rates with its sign: 6.8 -> '+6.8'."""
    return f"{value:+,.1f}"


def difference_sentence(measure: str, estimates: pd.DataFrame, difference: pd.Series, periods: list[str], *,
                        subject: Callable[[str], str], level: Callable[[float], str],
                        change: Callable[[float], str]) -> str:
    """One sentence: the measure in each period, the change with its interval, and what the robustness checks say.

    >>> est = pd.DataFrame({"measure": ["energy", "energy"], "period": ["A", "B"], "estimate": [0.1, 0.3]})
    >>> diff = pd.Series({"difference": 0.2, "ci_low": 0.05, "ci_high": 0.33, "excludes_zero": True,
    ...                   "sign_survives": False, "decisive_document": "doc-7"})
    >>> difference_sentence("energy", est, diff, ["A", "B"], subject=lambda m: f"*{m}* sentences",
    ...                     level=share_points, change=point_change)
    '*energy* sentences: 10% in A, 30% in B (+20 points; 95% interval +5 points to +33 points). The interval excludes zero, but leaving out `doc-7` reverses or erases the change: **fragile**.'
    """
    values = estimates[estimates["measure"] == measure].set_index("period")["estimate"]
    a, b = periods[0], periods[1]
    text = (f"{subject(measure)}: {level(values[a])} in {a}, {level(values[b])} in {b} "
            f"({change(difference['difference'])}; 95% interval {change(difference['ci_low'])} to "
            f"{change(difference['ci_high'])}).")
    verdict = support(bool(difference["excludes_zero"]), bool(difference["sign_survives"]))
    decisive = escape(difference.get("decisive_document", "") or "")
    if verdict == SUPPORTED:
        text += f" The interval excludes zero and no single article reverses it: **{verdict}**."
    elif difference["excludes_zero"]:
        text += f" The interval excludes zero, but leaving out `{decisive}` reverses or erases the change: **{verdict}**."
    elif difference["sign_survives"]:
        text += f" No single article reverses its direction, but the interval includes zero: **{verdict}**."
    else:
        text += f" The interval includes zero and leaving out `{decisive}` reverses it: **{verdict}**."
    return text


def ranked_changes(differences: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` measures with the largest changes in each direction, supported ones first, then by size."""
    table = differences.assign(support=[support(e, s) for e, s in zip(differences["excludes_zero"],
                                                                        differences["sign_survives"])])
    table = table[table["difference"] != 0]
    order = {SUPPORTED: 0, FRAGILE: 1, NOT_SUPPORTED: 2}
    table = table.assign(_order=table["support"].map(order), _size=-table["difference"].abs())
    return table.sort_values(["_order", "_size", "measure"]).head(n).drop(columns=["_order", "_size"])


def count_phrase(n: int, singular: str, plural: str | None = None) -> str:
    """'1 article', '3 articles', 'no terms'."""
    if n == 0:
        return f"no {plural or singular + 's'}"
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def support_counts(differences: pd.DataFrame) -> dict[str, int]:
    """How many measures are supported, fragile and not supported."""
    verdicts = [support(e, s) for e, s in zip(differences["excludes_zero"], differences["sign_survives"])]
    return {verdict: verdicts.count(verdict) for verdict in (SUPPORTED, FRAGILE, NOT_SUPPORTED)}
