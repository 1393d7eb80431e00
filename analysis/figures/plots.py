"""Charts of the figure stage: an indicator by the year it refers to, and figures per measure in each period.

Each function takes tables from analysis.figures.measures and returns a matplotlib Figure styled by analysis.core.plots.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.core.display import SCALES
from analysis.core.plots import finish_figure, new_figure, period_style
from analysis.figures.indicators import INDICATORS, main_series

TITLE_WIDTH = 75  # characters per title line: longer computed titles wrap instead of running off the chart


def _axis_scale(values: pd.Series) -> tuple[float, str]:
    """Divide values by this factor and name it on the axis: (1e9, ' (bn)') for billions."""
    top = float(values.abs().max()) if len(values) else 0.0
    for factor, word in SCALES:
        if top >= factor:
            return factor, f" ({word})"
    return 1.0, ""


MAX_LISTED = 12  # values listed under a chart; beyond this the list says how many more the table holds
LINE_INCHES = 0.19  # height of one listed line


LEGEND_COLUMNS = 4  # entries per row of the indicator chart's legend (four fit its width)


def plot_indicator(indicators: pd.DataFrame, indicator: str, periods: list[str], *, title: str, source: str,
                   ylabel: str = "") -> Figure:
    """One indicator's main series (one unit on the axis: its main unit, annual figures, no rates) by the year the
    figures refer to, coloured by the period whose coverage reports them; actual values filled, targets and forecasts
    hollow. The values are listed under the chart, one line each, so no label can overlap another."""
    spec = INDICATORS.get(indicator)
    part = main_series(indicators, indicator) if spec else indicators[indicators["indicator"] == indicator]
    distinct = (part.assign(planned=part["status"] != "actual")
                .groupby(["period", "planned", "year", "value"], sort=True)
                .agg(shown=("shown", "first"), outlet=("outlet", "first"), articles=("doc_id", "nunique"),
                     status=("status", "first"))
                .reset_index())
    listed = distinct.sort_values(["year", "value", "period"], ignore_index=True)
    legend_rows = -(-(len(periods) + 2) // LEGEND_COLUMNS)  # the periods, "actual" and "target or forecast"
    first_line = legend_rows + 1  # the listed values start a line below the legend
    n_lines = min(len(listed), MAX_LISTED) + (1 if len(listed) > MAX_LISTED else 0) + first_line
    fig, (ax, key) = new_figure(8.5, 4.2 + LINE_INCHES * n_lines, nrows=2,
                                gridspec_kw={"height_ratios": [4.2, LINE_INCHES * n_lines]})
    factor, suffix = _axis_scale(part["value"])
    for period in periods:
        style = period_style(period, periods)
        for planned, filled in ((False, True), (True, False)):
            points = distinct[(distinct["period"] == period) & (distinct["planned"] == planned)]
            if len(points):
                ax.scatter(points["year"], points["value"] / factor, s=80, marker=style["marker"],
                           facecolors=style["color"] if filled else "white", edgecolors=style["color"], linewidths=2,
                           zorder=3)
    handles = [Line2D([], [], marker=period_style(p, periods)["marker"], color=period_style(p, periods)["color"],
                      linestyle="none", markersize=8, label=f"reported in {p} coverage") for p in periods]
    handles += [Line2D([], [], marker="o", markerfacecolor="#555555", markeredgecolor="#555555", linestyle="none",
                       label="actual"),
                Line2D([], [], marker="o", markerfacecolor="white", markeredgecolor="#555555", linestyle="none",
                       label="target or forecast")]
    key.axis("off")
    key.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=LEGEND_COLUMNS, frameon=False,
               fontsize=8)
    step = 1.0 / n_lines
    for index, row in enumerate(listed.head(MAX_LISTED).itertuples()):
        reported = row.outlet if row.articles == 1 else f"{row.articles:,} articles"
        status = "" if row.status == "actual" else f"{row.status} "
        key.text(0.0, 1.0 - (index + first_line) * step, f"{int(row.year)}: {status}{row.shown}, {reported} ({row.period} coverage)",
                 fontsize=8, va="top", ha="left", transform=key.transAxes, color=period_style(row.period, periods)["color"])
    if len(listed) > MAX_LISTED:
        key.text(0.0, 1.0 - (MAX_LISTED + first_line) * step, f"… and {len(listed) - MAX_LISTED:,} more values in the indicator table",
                 fontsize=8, va="top", ha="left", transform=key.transAxes, color="#555555")
    if len(part):
        low, high = int(part["year"].min()), int(part["year"].max())
        ax.set_xlim(low - 1, high + 1)
        ax.set_xticks(range(low - 1, high + 2, max(1, (high - low + 3) // 8)))
        ax.set_ylim(0, float(part["value"].max() / factor) * 1.2)
    else:
        ax.text(0.5, 0.5, "no article reports this indicator", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("Year the figure refers to")
    ax.set_ylabel((ylabel or (spec.axis if spec else "")) + suffix)
    return finish_figure(fig, textwrap.fill(title, TITLE_WIDTH), source)


def plot_measure_counts(counts: pd.DataFrame, periods: list[str], *, title: str, source: str) -> Figure:
    """Horizontal bars: figures (mentions) per measure in each period, with the period's colour and hatch."""
    measures = sorted(set(counts["measure"]), key=lambda m: (-int(counts.loc[counts["measure"] == m, "mentions"].sum()), m))
    fig, ax = new_figure(8.0, 0.5 * len(measures) + 1.8)
    height = 0.8 / max(len(periods), 1)
    positions = np.arange(len(measures))
    for index, period in enumerate(periods):
        style = period_style(period, periods)
        values = [int(counts[(counts["period"] == period) & (counts["measure"] == m)]["mentions"].sum()) for m in measures]
        ax.barh(positions + index * height, values, height=height, color=style["color"], hatch=style["hatch"],
                edgecolor="white", label=period)
    ax.set_yticks(positions + height * (len(periods) - 1) / 2, measures)
    ax.invert_yaxis()
    ax.set_xlabel("Figures quoted (mentions)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, fontsize=8)
    return finish_figure(fig, textwrap.fill(title, TITLE_WIDTH), source)
