"""Sentences that state findings, built from result tables so every number in the report's prose is computed.

Each function takes a table row or table and returns Markdown text; the notebooks only display it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.core.display import and_list, code_span, count_phrase, md_text

SUPPORTED = "supported"
FEW_ARTICLES = "tentative"
FRAGILE = "fragile"
NOT_SUPPORTED = "not supported"
VERDICTS = (SUPPORTED, FEW_ARTICLES, FRAGILE, NOT_SUPPORTED)
MIN_UNITS = 5  # fewer independent sources in a period: its bootstrap has under 126 distinct resamples, too few to trust
MIN_DOCUMENTS = MIN_UNITS  # the former name, kept for callers that still use it
FEW_RESAMPLES = 1000  # below this many distinct resamples an interval is printed with a caveat saying how many


def support(excludes_zero: bool, sign_survives: bool, n_units: int = MIN_UNITS) -> str:
    """How far a period difference can be trusted, from the two checks and the independent sources behind them.

    ``supported``: the 95% interval excludes zero, no single article reverses the change or is needed to find it,
    and the smaller period has at least ``MIN_UNITS`` independent sources (see
    :func:`analysis.corpus.composition.independent_units`); ``tentative``: both checks pass, but with fewer sources;
    ``fragile``: only one check passes; ``not supported``: neither.
    """
    if excludes_zero and sign_survives:
        return SUPPORTED if n_units >= MIN_UNITS else FEW_ARTICLES
    if excludes_zero or sign_survives:
        return FRAGILE
    return NOT_SUPPORTED


def resample_caveat(n_distinct: float, exact: bool) -> str:
    """What to print beside an interval drawn from few articles: how many distinct resamples exist ("" when at
    least ``FEW_RESAMPLES``).

    >>> resample_caveat(30, exact=True)
    'only 30 distinct resamples of the articles exist, all enumerated'
    """
    if not n_distinct == n_distinct or n_distinct >= FEW_RESAMPLES:  # NaN: no interval to qualify
        return ""
    return f"only {int(n_distinct):,} distinct resamples of the articles exist" + (", all enumerated" if exact else "")


def largest_change(differences: pd.DataFrame, measures: list[str] | None = None) -> pd.Series | None:
    """The row of ``differences`` with the largest absolute change among ``measures`` (all when None), or None when
    there is none to show (no listed actor named in the corpus, say).

    >>> table = pd.DataFrame({"measure": ["a", "b", "c"], "difference": [0.1, -0.4, 0.2]})
    >>> largest_change(table)["measure"], largest_change(table, ["a", "c"])["measure"], largest_change(table, [])
    ('b', 'c', None)
    """
    rows = differences if measures is None else differences[differences["measure"].isin(measures)]
    rows = rows.dropna(subset=["difference"])
    if rows.empty:
        return None
    return rows.loc[rows["difference"].abs().idxmax()]


def near_zero(value: float, change: Callable[[float], str]) -> str:
    """``change(value)``, unless a value that is not zero would print as zero: then the side of zero it is on.

    >>> from analysis.core.display import point_change
    >>> near_zero(-0.002, point_change), near_zero(0.0, point_change), near_zero(-0.03, point_change)
    ('just below zero', '+0 points', '-3 points')
    """
    if value != 0 and change(value) in (change(0.0), change(-0.0)):
        return f"just {'below' if value < 0 else 'above'} zero"
    return change(value)


def interval_phrase(difference, change: Callable[[float], str]) -> str:
    """The change with its interval and, when few articles allow few resamples, the caveat that says so:
    '+20 points; 95% interval +5 points to +33 points; only 30 distinct resamples of the articles exist, all enumerated'.
    """
    text = (f"{change(difference['difference'])}; 95% interval {near_zero(difference['ci_low'], change)} to "
            f"{near_zero(difference['ci_high'], change)}")
    caveat = resample_caveat(difference.get("distinct_resamples", float("nan")), bool(difference.get("exact", False)))
    return text + (f"; {caveat}" if caveat else "")


def _code(name: str) -> str:
    """An article name as inline code, escaped once (the one place to change how names are quoted in sentences)."""
    return code_span(name)


def _name(value) -> str:
    """An article name from a table cell; empty for a missing one ("", None or NaN, as a CSV round trip gives)."""
    return "" if value is None or value != value else str(value)


def leave_one_out_clause(row, change: Callable[[float], str], unit: str = "article") -> str:
    """What leaving one article out does to a change, in words that are true of the leave-one-out table
    (columns of :func:`analysis.core.robustness.leave_one_out_summary`): the article that reverses it, the one it is not
    found without, or, when neither exists, the one that moves it most. ``unit`` is what was left out in turn
    ("article", or "group" when a large corpus's topic refits drop groups of articles).

    >>> from analysis.core.display import point_change
    >>> leave_one_out_clause({"sign_survives": False, "reversed_by": "ap", "reversed_to": -0.031, "lost_without": ""}, point_change)
    'leaving out `ap` reverses it to -3 points'
    """
    if row.get("sign_survives"):
        mover = _name(row.get("largest_mover"))
        return f"no single {unit} reverses it" + (
            f" (without {_code(mover)} it is {near_zero(row['largest_mover_to'], change)})" if mover else "")
    parts = []
    reverser = _name(row.get("reversed_by"))
    if reverser:
        value = row["reversed_to"]
        parts.append(f"leaving out {_code(reverser)} erases it ({change(0.0)})" if value == 0 else
                     f"leaving out {_code(reverser)} reverses it to {near_zero(value, change)}")
    lost = [name for name in (_name(row.get("lost_without")) or _name(row.get("topic_lost_without"))).split("; ") if name]
    if lost:
        others = len(lost) - 1
        parts.append(f"it is not found without {_code(lost[0])}"
                     + (f" (nor without {count_phrase(others, 'other ' + unit)})" if others else ""))
    return " and ".join(parts) if parts else "leaving articles out could not check it"


def difference_sentence(measure: str, estimates: pd.DataFrame, difference: pd.Series, periods: list[str], *,
                        subject: Callable[[str], str], level: Callable[[float], str],
                        change: Callable[[float], str], n_units: int = MIN_UNITS, n_documents: int | None = None,
                        loo_unit: str = "article") -> str:
    """One sentence: the measure in each period, the change with its interval, and what the robustness checks say.

    ``n_units`` is the number of independent sources in the smaller period (``n_documents`` is its former name);
    ``loo_unit`` what the leave-one-out runs left out in turn (see :func:`leave_one_out_clause`).

    >>> from analysis.core.display import point_change, share_points
    >>> est = pd.DataFrame({"measure": ["energy", "energy"], "period": ["A", "B"], "estimate": [0.1, 0.3]})
    >>> diff = pd.Series({"difference": 0.2, "ci_low": 0.05, "ci_high": 0.33, "excludes_zero": True,
    ...                   "sign_survives": False, "reversed_by": "doc-7", "reversed_to": -0.01, "lost_without": ""})
    >>> difference_sentence("energy", est, diff, ["A", "B"], subject=lambda m: f"*{m}* sentences",
    ...                     level=share_points, change=point_change)
    '*energy* sentences: 10% in A, 30% in B (+20 points; 95% interval +5 points to +33 points). The interval excludes zero, but leaving out `doc-7` reverses it to -1 point: **fragile**.'
    """
    n_units = n_documents if n_documents is not None else n_units
    values = estimates[estimates["measure"] == measure].set_index("period")["estimate"]
    a, b = periods[0], periods[1]
    text = (f"{subject(measure)}: {level(values[a])} in {md_text(a)}, {level(values[b])} in {md_text(b)} "
            f"({interval_phrase(difference, change)}).")
    verdict = support(bool(difference["excludes_zero"]), bool(difference["sign_survives"]), n_units)
    loo = leave_one_out_clause(difference, change, loo_unit)
    if verdict == SUPPORTED:
        text += f" The interval excludes zero and {loo}: **{verdict}**."
    elif verdict == FEW_ARTICLES:
        text += (f" The interval excludes zero and {loo}, but with {count_phrase(n_units, 'independent source')}"
                 f" in a period both checks are weak: **{verdict}**.")
    elif difference["excludes_zero"]:
        text += f" The interval excludes zero, but {loo}: **{verdict}**."
    elif difference["sign_survives"]:
        text += f" {loo[0].upper() + loo[1:]}, but the interval includes zero: **{verdict}**."
    else:
        text += f" The interval includes zero and {loo}: **{verdict}**."
    return text


def _verdicts(differences: pd.DataFrame, n_units: int) -> list[str]:
    return [support(e, s, n_units) for e, s in zip(differences["excludes_zero"], differences["sign_survives"])]


def ranked_changes(differences: pd.DataFrame, n: int = 3, n_units: int = MIN_UNITS) -> pd.DataFrame:
    """The ``n`` measures with the largest changes, the most trustworthy verdicts first, then by size."""
    table = differences.assign(support=_verdicts(differences, n_units))
    table = table[table["difference"] != 0]
    order = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    table = table.assign(_order=table["support"].map(order), _size=-table["difference"].abs())
    return table.sort_values(["_order", "_size", "measure"]).head(n).drop(columns=["_order", "_size"])


def support_counts(differences: pd.DataFrame, n_units: int = MIN_UNITS) -> dict[str, int]:
    """How many measures get each verdict (see :func:`support`)."""
    verdicts = _verdicts(differences, n_units)
    return {verdict: verdicts.count(verdict) for verdict in VERDICTS}


def verdict_phrase(counts: dict[str, int]) -> str:
    """'2 supported, 1 fragile and 6 not supported' (verdicts with a zero count left out)."""
    parts = [f"{count:,} {verdict}" for verdict, count in counts.items() if count]
    return and_list(parts, "none")


def with_verdicts(differences: pd.DataFrame, n_units: int = MIN_UNITS) -> pd.DataFrame:
    """``differences`` with a ``verdict`` column (see :func:`support`), for the tables a reader downloads."""
    return differences.assign(verdict=_verdicts(differences, n_units))


def verdict_count_sentence(noun: str, differences: pd.DataFrame, n_units: int) -> str:
    """'Of 9 frame changes: 1 supported, 2 fragile and 6 not supported.' — the same rule as the verdict tables."""
    return f"Of {count_phrase(len(differences), noun)}: {verdict_phrase(support_counts(differences, n_units))}."


def verdict_rule_paragraph(units: dict[str, int], articles: dict[str, int], differences: pd.DataFrame) -> str:
    """The report's "how sure" paragraph: the verdict rule, what the corpus's independent sources allow under it,
    and, when few articles allow few resamples, the caveat on every interval.

    ``units`` and ``articles`` map the two compared periods (in order) to their independent sources
    (:func:`analysis.corpus.composition.independent_units`) and articles; ``differences`` is a comparison's difference
    table (for its ``distinct_resamples`` and ``exact`` columns). The branch uses :func:`support`'s own minimum,
    so the paragraph never contradicts a verdict table.
    """
    (a, units_a), (b, units_b) = list(units.items())[:2]
    articles = {md_text(name): count for name, count in articles.items()}
    a, b = md_text(a), md_text(b)
    text = ("Two checks stand behind every change reported here: a 95% interval from resampling whole articles within "
            "each period, and a leave-one-out run that drops each article in turn. A change is called **supported** only "
            "when the interval excludes zero, no single article reverses it or is needed to find it, and each period has "
            f"at least {MIN_UNITS} independent sources. "
            f"With {count_phrase(units_a, 'independent source')} in {a} ({count_phrase(articles[a], 'article')}) and "
            f"{units_b:,} in {b} ({count_phrase(articles[b], 'article')}), ")
    if min(units_a, units_b) < MIN_UNITS:
        text += ("no change can be called supported; the strongest are **tentative**: they hold in these particular "
                 "articles and outlets and are leads for a larger corpus, not findings about English-language news at large.")
    else:
        text += ("a change that passes both checks is **supported**. A supported change holds in these articles and "
                 "outlets; check the outlet mix before reading it as a change in English-language news at large.")
    if len(differences):
        caveat = resample_caveat(float(differences["distinct_resamples"].min()), bool(differences["exact"].all()))
        if caveat:
            text += (f" Each change's interval comes from few articles: {caveat}; the interval is coarse and repeats "
                     "much of what leaving one article out shows.")
    return text


def period_interval_caveat(estimates: pd.DataFrame, periods: list[str]) -> str:
    """The caveat for per-period intervals (an estimates table with ``distinct_resamples`` and ``exact``), naming each
    period whose articles allow fewer than ``FEW_RESAMPLES`` distinct resamples ("" when none does)."""
    parts = []
    for period in periods:
        rows = estimates[estimates["period"] == period]
        if len(rows):
            caveat = resample_caveat(float(rows["distinct_resamples"].min()), bool(rows["exact"].all()))
            if caveat:
                parts.append(f"in {md_text(period)} {caveat}")
    return f"Intervals from few articles: {'; '.join(parts)}." if parts else ""


def term_robustness_sentence(robustness: pd.DataFrame) -> str:
    """How many top distinctive terms survive leaving out each article (``compare.term_robustness`` output), and
    how many are reversed by one article or occur in one article only (they vanish without it, so do not survive)."""
    n = len(robustness)
    kept = int(robustness["side_survives"].sum())
    beyond = int(robustness["stays_beyond_threshold"].sum())
    text = (f"Of the {count_phrase(n, 'top distinctive term')}, **{kept:,}** {'stays' if kept == 1 else 'stay'} on "
            f"{'its' if kept == 1 else 'their'} period's side whichever article is left out, and **{beyond:,}** "
            f"{'keeps' if beyond == 1 else 'keep'} |z| above 1.96 in every run.")
    reversed_ = int((robustness["reversed_by"] != "").sum())
    lost = robustness["lost_without"] != ""
    vanished = robustness[lost & (robustness["n_articles"] == 1)]["term"].tolist()
    unmeasured = int((lost & (robustness["n_articles"] != 1)).sum())
    parts = []
    if reversed_:
        parts.append(f"{reversed_:,} {'is' if reversed_ == 1 else 'are'} reversed by leaving out one article")
    if vanished:
        parts.append(f"{len(vanished):,} {'occurs' if len(vanished) == 1 else 'occur'} in a single article and "
                     f"{'vanishes' if len(vanished) == 1 else 'vanish'} without it ("
                     + ", ".join(f"*{md_text(term)}*" for term in vanished) + ")")
    if unmeasured:
        parts.append(f"{unmeasured:,} cannot be measured without one article (it leaves a period empty)")
    return text + (" " + "; ".join(parts)[0].upper() + "; ".join(parts)[1:] + "." if parts else "")


def terms_with_articles(terms: list[str], articles: list[int], total: int) -> str:
    """Terms with the number of their period's articles they occur in: '*putin* (2 of 2 articles), *harbin* (1 of 2
    articles)', so a word that one article carries is visibly one article's word."""
    return ", ".join(f"*{md_text(term)}* ({count:,} of {count_phrase(total, 'article')})" for term, count in zip(terms, articles))
