"""Sentences that state findings, built from result tables so every number in the report's prose is computed.

Each function takes a table row or table and returns Markdown text; the notebooks only display it.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from analysis.display import code_span, md_text

SUPPORTED = "supported"
FEW_ARTICLES = "tentative"
FRAGILE = "fragile"
NOT_SUPPORTED = "not supported"
VERDICTS = (SUPPORTED, FEW_ARTICLES, FRAGILE, NOT_SUPPORTED)
MIN_DOCUMENTS = 5  # fewer articles in a period: its bootstrap has under 126 distinct resamples, too few to trust


def support(excludes_zero: bool, sign_survives: bool, n_documents: int = MIN_DOCUMENTS) -> str:
    """How far a period difference can be trusted, from the two checks and the articles behind them.

    ``supported``: the 95% interval excludes zero, no single article reverses the sign, and the smaller period
    has at least ``MIN_DOCUMENTS`` articles; ``tentative``: both checks pass, but with fewer articles;
    ``fragile``: only one check passes; ``not supported``: neither.
    """
    if excludes_zero and sign_survives:
        return SUPPORTED if n_documents >= MIN_DOCUMENTS else FEW_ARTICLES
    if excludes_zero or sign_survives:
        return FRAGILE
    return NOT_SUPPORTED


def share_points(value: float) -> str:
    """A share as percent: 0.273 -> '27%'."""
    return f"{value:.0%}"


def point_change(value: float) -> str:
    """A difference of shares in percentage points with its sign: 0.089 -> '+9 points', 0.01 -> '+1 point'."""
    points = f"{round(value * 100) + 0:+d}"
    return f"{points} point" if points in ("+1", "-1") else f"{points} points"


def rate(value: float) -> str:
    """A rate per 1,000 words: 6.8 -> '6.8'."""
    return f"{value:,.1f}"


def rate_change(value: float) -> str:
    """A difference of rates with its sign: 6.8 -> '+6.8'."""
    return f"{value:+,.1f}"


def difference_sentence(measure: str, estimates: pd.DataFrame, difference: pd.Series, periods: list[str], *,
                        subject: Callable[[str], str], level: Callable[[float], str],
                        change: Callable[[float], str], n_documents: int = MIN_DOCUMENTS) -> str:
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
    text = (f"{subject(measure)}: {level(values[a])} in {md_text(a)}, {level(values[b])} in {md_text(b)} "
            f"({change(difference['difference'])}; 95% interval {change(difference['ci_low'])} to "
            f"{change(difference['ci_high'])}).")
    verdict = support(bool(difference["excludes_zero"]), bool(difference["sign_survives"]), n_documents)
    decisive = code_span(difference.get("decisive_document", "") or "")
    if verdict == SUPPORTED:
        text += f" The interval excludes zero and no single article reverses it: **{verdict}**."
    elif verdict == FEW_ARTICLES:
        text += (f" The interval excludes zero and no single article reverses it, but with {count_phrase(n_documents, 'article')}"
                 f" in a period both checks are weak: **{verdict}**.")
    elif difference["excludes_zero"]:
        text += f" The interval excludes zero, but leaving out {decisive} reverses or erases the change: **{verdict}**."
    elif difference["sign_survives"]:
        text += f" No single article reverses its direction, but the interval includes zero: **{verdict}**."
    else:
        text += f" The interval includes zero and leaving out {decisive} reverses it: **{verdict}**."
    return text


def ranked_changes(differences: pd.DataFrame, n: int = 3, n_documents: int = MIN_DOCUMENTS) -> pd.DataFrame:
    """The ``n`` measures with the largest changes, the most trustworthy verdicts first, then by size."""
    table = differences.assign(support=[support(e, s, n_documents) for e, s in zip(differences["excludes_zero"],
                                                                                     differences["sign_survives"])])
    table = table[table["difference"] != 0]
    order = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    table = table.assign(_order=table["support"].map(order), _size=-table["difference"].abs())
    return table.sort_values(["_order", "_size", "measure"]).head(n).drop(columns=["_order", "_size"])


def count_phrase(n: int, singular: str, plural: str | None = None) -> str:
    """'1 article', '3 articles', 'no terms'."""
    if n == 0:
        return f"no {plural or singular + 's'}"
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def support_counts(differences: pd.DataFrame, n_documents: int = MIN_DOCUMENTS) -> dict[str, int]:
    """How many measures get each verdict (see :func:`support`)."""
    verdicts = [support(e, s, n_documents) for e, s in zip(differences["excludes_zero"], differences["sign_survives"])]
    return {verdict: verdicts.count(verdict) for verdict in VERDICTS}


def verdict_phrase(counts: dict[str, int]) -> str:
    """'2 supported, 1 fragile and 6 not supported' (verdicts with a zero count left out)."""
    parts = [f"{count:,} {verdict}" for verdict, count in counts.items() if count]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else "none"


def with_verdicts(differences: pd.DataFrame, n_documents: int = MIN_DOCUMENTS) -> pd.DataFrame:
    """``differences`` with a ``verdict`` column (see :func:`support`), for the tables a reader downloads."""
    return differences.assign(verdict=[support(e, s, n_documents) for e, s in
                                       zip(differences["excludes_zero"], differences["sign_survives"])])
