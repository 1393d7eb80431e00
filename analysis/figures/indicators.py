"""The report's indicators: which figures each holds, which pairs of figures are comparable, and the sentences that say so.

An indicator holds only figures whose clause says they measure exactly it (analysis/figures/scope.py); a change is
stated only between comparable figures (same indicator, same span, actual against actual, same unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.paths import data_file, read_data_table


@dataclass(frozen=True)
class Indicator:
    """One indicator of the report: its label in the figure table, its name, the kind and unit of its main series."""

    label: str
    name: str
    kind: str
    unit: str
    axis: str  # the y-axis label of its chart (one unit per axis)
    over_time: bool = True  # one quantity followed over time; False when each figure is a different deal or good


INDICATORS = {
    "china_russia_trade": Indicator("china_russia_trade", "China–Russia trade", "money", "USD", "US dollars"),
    "china_russia_flow": Indicator("china_russia_flow", "one direction of China–Russia trade", "money", "USD", "US dollars",
                                   over_time=False),
    "national_currency_share": Indicator("national_currency_share", "share of China–Russia trade settled in national currencies",
                                         "percent", "%", "Percent of settlements"),
    "gas_volume": Indicator("gas_volume", "Russian gas to China", "quantity", "m3", "Cubic metres of gas"),
    "deal_value": Indicator("deal_value", "value of China–Russia deals, loans and investments", "money", "USD", "US dollars",
                            over_time=False),
}
INDICATOR_COLUMNS = ["indicator", "name", "series", "period", "doc_id", "outlet", "published", "sent_id", "year", "year_source", "span",
                     "status", "kind", "value", "unit", "per", "shown", "qualifier", "who_words", "what_words",
                     "span_words", "surface", "sentence"]
MIN_CHART_FIGURES = 2  # an indicator gets a chart when its main series has at least this many distinct values
QUALITY_FILE = "figure_quality.csv"
SPAN_WORDS = {"year": "annual", "year to date": "year-to-date", "month": "monthly"}
UNIT_WORDS = {"USD": "US dollars", "%": "percent", "m3": "cubic metres", "t": "tonnes", "CNY": "yuan", "RUB": "roubles",
              "EUR": "euros", "bbl": "barrels"}


INDICATOR_NEEDS = ["indicator", "kind", "unit", "year", "published", "status", "span", "shown"]


def indicator_candidates(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures that measure one of ``INDICATORS`` in its kind, with only the columns :func:`indicator_table`
    reads (so a part of the figure table can be reduced to these before the parts are joined)."""
    missing = [c for c in INDICATOR_NEEDS if c not in figures.columns]
    if missing:
        raise ValueError(f"indicator_table: the figures table lacks column(s) {', '.join(missing)}; pass the output of "
                         "analysis.figures.measures.figure_stage(...).figures.")
    kept = [c for c in figures.columns if c in INDICATOR_COLUMNS or c in INDICATOR_NEEDS or c in ("start", "per")]
    chosen = figures.loc[figures["indicator"].isin(list(INDICATORS)), kept]  # only the columns it needs are copied
    # a boolean array, not a list: an empty list would select no columns rather than no rows
    return chosen[np.array([INDICATORS[label].kind == kind for label, kind in zip(chosen["indicator"], chosen["kind"])],
                           dtype=bool)]


def indicator_table(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per figure that measures one of ``INDICATORS`` (column ``indicator`` from analysis.figures.scope), with
    its span and status; a figure about a year after the article was published is a target or forecast, never actual.
    """
    chosen = indicator_candidates(figures)
    if chosen.empty:
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    article_year = chosen["published"].astype(str).str.slice(0, 4).astype(int)
    status = np.where((chosen["status"] == "actual") & (chosen["year"] > article_year), "forecast", chosen["status"])
    per = chosen["per"].fillna("") if "per" in chosen.columns else pd.Series("", index=chosen.index)
    # A series is what can share an axis: one indicator, one span, one unit (amounts in yuan or roubles are their own
    # series, never converted or drawn on a dollar axis).
    series = [f"{INDICATORS[label].name}, {SPAN_WORDS.get(span, span)}, {UNIT_WORDS.get(unit, unit)}"
              + (f" per {p}" if p else "") for label, span, unit, p in zip(chosen["indicator"], chosen["span"], chosen["unit"], per)]
    table = chosen.assign(status=status, series=series, name=chosen["indicator"].map(lambda label: INDICATORS[label].name))
    for column in INDICATOR_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    order = {label: index for index, label in enumerate(INDICATORS)}
    table = table.assign(_order=table["indicator"].map(order))
    table = table.sort_values(["_order", "year", "period", "doc_id", "start"], kind="mergesort", ignore_index=True)
    return table[INDICATOR_COLUMNS]


def main_series(indicators: pd.DataFrame, label: str) -> pd.DataFrame:
    """The figures of one indicator that can share an axis: its main unit, annual span, no rate (``per`` empty)."""
    spec = INDICATORS[label]
    part = indicators[(indicators["indicator"] == label) & (indicators["unit"] == spec.unit)
                      & (indicators["span"] == "year") & (indicators["per"].fillna("") == "")]
    return part


def latest_actual(indicators: pd.DataFrame, label: str, period: str):
    """The latest annual actual figure of the main series that ``period``'s coverage reports (a row), or None."""
    part = main_series(indicators, label)
    part = part[(part["period"] == period) & (part["status"] == "actual")].sort_values(["year", "value"])
    return part.iloc[-1] if len(part) else None


def _what_it_reports(indicators: pd.DataFrame, label: str, period: str) -> str:
    """In words, why ``period``'s coverage has no comparable figure for an indicator."""
    spec = INDICATORS[label]
    part = indicators[(indicators["indicator"] == label) & (indicators["period"] == period)]
    if part.empty:
        return f"{period} coverage reports no figure for it"
    kinds = []
    spans = sorted(set(part["span"]) - {"year"})
    if spans:
        kinds.append(" and ".join(SPAN_WORDS.get(s, s) for s in spans) + " figures")
    statuses = sorted(set(part["status"]) - {"actual"})
    if statuses:
        kinds.append(" and ".join(f"{s}s" for s in statuses))
    units = sorted(set(part["unit"]) - {spec.unit})
    if units:
        kinds.append("amounts in " + " and ".join(UNIT_WORDS.get(u, u) for u in units))
    listed = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else (kinds[0] if kinds else "rates")
    return (f"{period} coverage reports only {listed}, no annual actual figure in "
            f"{UNIT_WORDS.get(spec.unit, spec.unit)}")


def change_sentence(name: str, periods: list[str], first, second, unit: str = "") -> str:
    """One sentence on an indicator's change between two periods' latest comparable figures, or why there is none.

    ``first`` and ``second`` are rows with shown, year, value (or None); ``unit`` names the series' unit in words.

    >>> a = pd.Series({"shown": "$95 bn", "year": 2014, "value": 95e9})
    >>> b = pd.Series({"shown": "$240.1 bn", "year": 2023, "value": 240.1e9})
    >>> change_sentence("China–Russia trade", ["2014–2015", "2023–2024"], a, b, "US dollars")
    'China–Russia trade (annual, actual, US dollars): $95 bn (2014) in 2014–2015 coverage against $240.1 bn (2023) in 2023–2024 coverage, ×2.5.'
    """
    if first is None or second is None:
        raise ValueError("change_sentence needs two figures; use not_comparable_sentence when a period has none.")
    head = f"{name} (annual, actual{', ' + unit if unit else ''})"
    if unit == "percent":
        change = f"{second['value'] - first['value']:+.0f} percentage points"
    elif first["value"] > 0:
        change = f"×{second['value'] / first['value']:.1f}"
    else:
        change = "no ratio (the first value is zero)"
    return (f"{head}: {first['shown']} ({int(first['year'])}) in {periods[0]} coverage against {second['shown']} "
            f"({int(second['year'])}) in {periods[1]} coverage, {change}.")


def not_comparable_sentence(name: str, reasons: list[str]) -> str:
    """One sentence saying why an indicator's figures cannot be compared across the periods.

    >>> not_comparable_sentence("Russian gas to China", ["2014–2015 coverage reports only targets"])
    'Russian gas to China: not comparable across the periods, because 2014–2015 coverage reports only targets.'
    """
    return f"{name}: not comparable across the periods, because {'; '.join(reasons)}."


def side_by_side(indicators: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Per indicator: what each period reports, whether the two are comparable, and the sentence that says so.

    Columns: indicator, name, <period 1>, <period 2>, comparable (bool), change (the sentence).
    """
    first, second = periods[:2]
    rows = []
    for label, spec in INDICATORS.items():
        part = indicators[indicators["indicator"] == label]
        if part.empty:
            continue
        row = {"indicator": label, "name": spec.name}
        for period in (first, second):
            mine = part[part["period"] == period].drop_duplicates(["status", "span", "value", "unit", "year"])
            row[period] = "; ".join(("" if r.status == "actual" else f"{r.status} ")
                                    + ("" if r.span == "year" else f"{SPAN_WORDS.get(r.span, r.span)} ")
                                    + f"{r.shown} ({r.year})" for r in mine.itertuples()) or "not reported"
        a, b = latest_actual(indicators, label, first), latest_actual(indicators, label, second)
        unit_words = UNIT_WORDS.get(spec.unit, spec.unit)
        if not spec.over_time:
            row["comparable"], row["change"] = False, not_comparable_sentence(
                spec.name, ["each figure measures a different deal, good or direction, so the figures are listed, not compared"])
        elif a is not None and b is not None:
            row["comparable"], row["change"] = True, change_sentence(spec.name, [first, second], a, b, unit_words)
        else:
            reasons = [_what_it_reports(indicators, label, p) for p, r in ((first, a), (second, b)) if r is None]
            row["comparable"], row["change"] = False, not_comparable_sentence(spec.name, reasons)
        rows.append(row)
    return pd.DataFrame(rows, columns=["indicator", "name", first, second, "comparable", "change"])


def indicator_title(indicators: pd.DataFrame, label: str, periods: list[str]) -> str:
    """A chart title stating what the main series shows, computed from the table (only comparable values compared)."""
    spec = INDICATORS[label]
    part = main_series(indicators, label)
    actual = part[part["status"] == "actual"].sort_values(["year", "value"])
    if part.empty:
        return f"No article reports an annual figure for {spec.name} in {UNIT_WORDS.get(spec.unit, spec.unit)}"
    if not spec.over_time:
        largest = part.sort_values(["value", "year"]).iloc[-1]
        return (f"{len(part):,} annual figures in {UNIT_WORDS.get(spec.unit, spec.unit)} for {spec.name}, each about a "
                f"different deal, good or direction; the largest is {largest['shown']} ({int(largest['year'])})")
    a, b = latest_actual(indicators, label, periods[0]), latest_actual(indicators, label, periods[1])
    if a is not None and b is not None:
        verb = "rose" if b["value"] > a["value"] else "fell" if b["value"] < a["value"] else "stayed"
        return (f"Reported {spec.name} {verb} from {a['shown']} ({int(a['year'])}) to {b['shown']} ({int(b['year'])})"
                if verb != "stayed" else f"Reported {spec.name} stayed at {a['shown']}")
    if len(actual):
        last = actual.iloc[-1]
        reporting = sorted(set(actual["period"]), key=periods.index) if set(actual["period"]) <= set(periods) else []
        return (f"Only {' and '.join(reporting)} coverage reports an annual actual {spec.name}: "
                f"{last['shown']} ({int(last['year'])})")
    last = part.sort_values(["year", "value"]).iloc[-1]
    return f"Coverage quotes {spec.name} only as a plan, target or forecast: {last['shown']} for {int(last['year'])}"


def chart_indicators(indicators: pd.DataFrame) -> list[str]:
    """The indicators whose main series has enough distinct values for a chart (``MIN_CHART_FIGURES``)."""
    return [label for label in INDICATORS
            if main_series(indicators, label).drop_duplicates(["year", "value"]).shape[0] >= MIN_CHART_FIGURES]


def read_quality(path=None) -> pd.DataFrame:
    """The figure stage's measured quality, as saved by benchmarks/bench_figures.py (``analysis/data/figure_quality.csv``).

    Columns: corpus, measure (extraction kind or indicator), scope, gold, predicted, correct, precision, recall, f1.
    """
    path = data_file(QUALITY_FILE) if path is None else path
    table = read_data_table(Path(path), dtype=None)
    expected = ["corpus", "measure", "scope", "gold", "predicted", "correct", "precision", "recall", "f1"]
    if list(table.columns) != expected:
        raise ValueError(f"{path}: columns must be {', '.join(expected)}; rerun python -m benchmarks.bench_figures to rewrite it.")
    return table


def quality_sentence(quality: pd.DataFrame) -> str:
    """The headline of the quality table in words, computed from it.

    >>> q = pd.DataFrame({"corpus": ["development corpus", "development corpus"], "measure": ["headline", "china_russia_trade"],
    ...                   "scope": ["extraction", "indicator"], "gold": [10, 5], "predicted": [10, 4], "correct": [9, 4],
    ...                   "precision": [0.9, 1.0], "recall": [0.9, 0.8], "f1": [0.9, float("nan")]})
    >>> quality_sentence(q)
    'Development scores: on the development corpus, money, percent and quantity figures are extracted with F1 0.90 (precision 0.90, recall 0.90); the lowest indicator precision is 1.00 (china_russia_trade).'
    """
    parts = []
    for corpus in sorted(set(quality["corpus"])):
        mine = quality[quality["corpus"] == corpus]
        head = mine[(mine["scope"] == "extraction") & (mine["measure"] == "headline")]
        text = f"on the {corpus}"
        if len(head):
            h = head.iloc[0]
            text += (f", money, percent and quantity figures are extracted with F1 {h['f1']:.2f} "
                     f"(precision {h['precision']:.2f}, recall {h['recall']:.2f})")
        indicators = mine[(mine["scope"] == "indicator") & mine["precision"].notna()]
        if len(indicators):
            worst = indicators.sort_values(["precision", "measure"]).iloc[0]
            text += f"; the lowest indicator precision is {worst['precision']:.2f} ({worst['measure']})"
        parts.append(text)
    return "Development scores: " + "; ".join(parts) + "." if parts else "No quality scores were saved."


def front_page_summary(side: pd.DataFrame) -> str:
    """The front page's sentences on the indicators followed over time: a change where the periods' figures are
    comparable, and in words why not where they are not (deal and flow lists are left to the figures page).

    >>> side = pd.DataFrame({"indicator": ["china_russia_trade", "deal_value"], "comparable": [False, False],
    ...                      "change": ["China–Russia trade: not comparable across the periods, because x.", "deals ..."]})
    >>> front_page_summary(side)
    'China–Russia trade: not comparable across the periods, because x.'
    """
    followed = side[side["indicator"].map(lambda label: label in INDICATORS and INDICATORS[label].over_time)]
    if followed.empty:
        return "No article reports an indicator followed over time (China–Russia trade, national-currency share, gas volume)."
    return " ".join(followed["change"])
