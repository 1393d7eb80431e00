"""Charts of the figure stage: an indicator by the year it refers to, and figures per measure in each period.

Each function takes tables from analysis.figure_measures and returns a matplotlib Figure styled by analysis.plots.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.display import SCALES
from analysis.plots import finish_figure, new_figure, period_style

TITLE_WIDTH = 75  # characters per title line: longer computed titles wrap instead of running off the chart


def _axis_scale(values: pd.Series) -> tuple[float, str]:
    """Divide values by this factor and name it on the axis: (1e9, ' (bn)') for billions."""
    top = float(values.abs().max()) if len(values) else 0.0
    for factor, word in SCALES:
        if top >= factor:
            return factor, f" ({word})"
    return 1.0, ""


MAX_LABELS = 8  # per period and status: beyond this only the most reported values are labelled


def plot_indicator(indicators: pd.DataFrame, indicator: str, periods: list[str], *, title: str, source: str,
                   ylabel: str) -> Figure:
    """One indicator's values by the year they refer to, coloured by the period whose coverage reports them;
    actual values filled, targets and plans hollow, each point labelled with its value and outlet."""
    part = indicators[indicators["indicator"] == indicator]
    factor, suffix = _axis_scale(part["value"])
    fig, ax = new_figure(8.5, 4.6)
    for period in periods:
        style = period_style(period, periods)
        mine = part[part["period"] == period]
        for status, filled in (("actual", True), ("target", False)):
            points = mine[mine["status"] == status]
            if points.empty:
                continue
            # One marker per distinct (year, value): a claim repeated by many articles is drawn once, labelled with
            # how many articles report it, so the chart stays readable (and fast) with thousands of articles.
            distinct = (points.groupby(["year", "value"], sort=True)
                        .agg(shown=("shown", "first"), outlet=("outlet", "first"), articles=("doc_id", "nunique"))
                        .reset_index())
            ax.scatter(distinct["year"], distinct["value"] / factor, s=80, marker=style["marker"],
                       facecolors=style["color"] if filled else "white", edgecolors=style["color"], linewidths=2, zorder=3)
            if len(distinct) > MAX_LABELS:
                distinct = distinct.sort_values(["articles", "year", "value"], ascending=[False, True, True]).head(MAX_LABELS)
            for row in distinct.itertuples():
                source_text = row.outlet if row.articles == 1 else f"{row.articles:,} articles"
                label = ("target " if status == "target" else "") + f"{row.shown}\n{source_text}"
                ax.annotate(label, (row.year, row.value / factor), xytext=(8, -6), textcoords="offset points",
                            fontsize=8, color=style["color"])
    handles = [Line2D([], [], marker=period_style(p, periods)["marker"], color=period_style(p, periods)["color"],
                      linestyle="none", markersize=8, label=f"reported in {p} coverage") for p in periods]
    handles += [Line2D([], [], marker="o", markerfacecolor="#555555", markeredgecolor="#555555", linestyle="none",
                       label="actual"),
                Line2D([], [], marker="o", markerfacecolor="white", markeredgecolor="#555555", linestyle="none",
                       label="target or plan")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4, frameon=False, fontsize=8)
    if len(part):
        low, high = int(part["year"].min()), int(part["year"].max())
        ax.set_xlim(low - 1, high + 2)
        ax.set_xticks(range(low - 1, high + 2, max(1, (high - low + 3) // 8)))
        ax.set_ylim(0, float(part["value"].max() / factor) * 1.3)
    else:
        ax.text(0.5, 0.5, "no article reports this indicator", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("Year the figure refers to")
    ax.set_ylabel(ylabel + suffix)
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
