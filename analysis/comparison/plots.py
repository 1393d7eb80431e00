"""Charts of the comparison stage: distinctive words, per-period estimates with intervals, leave-one-out shifts.

Each function takes tables and returns a matplotlib Figure styled by analysis.core.plots; the notebook saves it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from analysis.core.plots import NEUTRAL_COLOR, finish_figure, new_figure, period_style
from analysis.core.robustness import groups_in_order

Z_THRESHOLD = 1.96


def plot_log_odds(table: pd.DataFrame, labels: tuple[str, str], *, title: str, source: str,
                  n_labels: int = 8) -> Figure:
    """Monroe et al.'s plot: each term's total frequency (log scale) against its z-score, top terms labelled.

    ``table`` is ``compare.distinctive_vocabulary`` output; positive z is distinctive of ``labels[0]``.
    Dashed lines mark |z| = 1.96, the unadjusted 5% level (the adjusted threshold is in the table).
    """
    fig, ax = new_figure(8.5, 5.5)
    total = table["count_a"] + table["count_b"]
    ax.scatter(total, table["z"], s=8, color=NEUTRAL_COLOR, alpha=0.5, linewidths=0, label="_all terms")
    ordered = table.sort_values(["z", "term"], ascending=[False, True], kind="mergesort")
    sides = [(labels[0], ordered[ordered["z"] > 0].head(n_labels)),
             (labels[1], ordered[ordered["z"] < 0].iloc[::-1].head(n_labels))]
    for label, top in sides:
        style = period_style(label, list(labels))
        top_total = top["count_a"] + top["count_b"]
        ax.scatter(top_total, top["z"], s=26, color=style["color"], marker=style["marker"],
                   label=f"most distinctive of {label}")
        points = top.assign(total=top_total, z_key=top["z"].round(6))
        for (x, _), group in points.groupby(["total", "z_key"], sort=True):  # terms on one point share one label
            ax.annotate(", ".join(group["term"]), (x, group["z"].iloc[0]), xytext=(5, 0), textcoords="offset points",
                        fontsize=8, va="center", color=style["color"])
    for level in (Z_THRESHOLD, -Z_THRESHOLD):
        ax.axhline(level, color="#999999", linestyle="--", linewidth=0.8)
    ax.axhline(0, color="#555555", linewidth=0.6)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")  # plain numbers (mathtext is off report-wide)
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("Term frequency in both periods (count, log scale)")
    ax.set_ylabel(f"z-score (positive: {labels[0]}; negative: {labels[1]})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return finish_figure(fig, title, source)


def plot_period_estimates(estimates: pd.DataFrame, periods: list[str], *, title: str, source: str, xlabel: str,
                          order: list[str] | None = None) -> Figure:
    """Dot-and-whisker chart: one row per measure, one marker per period with its 95% interval.

    ``estimates`` has columns measure, period, estimate, ci_low, ci_high (``bootstrap_period_means`` output).
    """
    measures = order or list(dict.fromkeys(estimates["measure"]))
    fig, ax = new_figure(8.5, 0.42 * len(measures) + 1.8)
    offsets = np.linspace(-0.17, 0.17, len(periods)) if len(periods) > 1 else [0.0]
    positions = {measure: index for index, measure in enumerate(measures)}
    for period, offset in zip(periods, offsets):
        style = period_style(period, periods)
        part = estimates[(estimates["period"] == period) & estimates["measure"].isin(measures)]
        y = part["measure"].map(positions).to_numpy(float) + offset
        # A period with one article has a degenerate interval whose bounds can differ from the estimate by a rounding
        # error (1e-17) on the wrong side: whisker lengths are clipped at zero, which matplotlib requires.
        whiskers = np.clip([part["estimate"] - part["ci_low"], part["ci_high"] - part["estimate"]], 0, None)
        ax.errorbar(part["estimate"], y, xerr=whiskers,
                    fmt=style["marker"], color=style["color"], ecolor=style["color"], elinewidth=1.4,
                    capsize=2.5, markersize=5.5, linestyle="none", label=period)
    ax.set_yticks(range(len(measures)), measures)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.legend(title="Period (95% interval)", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return finish_figure(fig, title, source)


TICK_RESOLUTION = 2000  # above this many leave-one-out runs, ticks closer than 1/2,000 of the range are drawn once


def distinct_ticks(values: np.ndarray, low: float, step: float) -> np.ndarray:
    """The values to draw as ticks: when there are more than TICK_RESOLUTION, the first of the values that fall into
    each interval of width ``step`` from ``low`` (the others would be drawn on top of it), in their order; else all.

    >>> distinct_ticks(np.array([0.5, 0.10001, 0.1, 0.3] * 600), 0.0, 0.01).tolist()
    [0.5, 0.10001, 0.3]
    """
    if len(values) <= TICK_RESOLUTION:  # a small corpus's chart is drawn as it always was
        return values
    _, first = np.unique(np.floor((values - low) / step), return_index=True)
    return values[np.sort(first)]


def runs_by_measure(loo: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each measure's leave-one-out differences that are not NaN, in table order (a measure with none may be
    missing). A table already sorted by measure and document (six million rows at 100,000 articles) is split where
    the measure changes, without grouping it again."""
    groups = groups_in_order(loo, "measure")
    if groups is None:
        return {measure: part.to_numpy(float) for measure, part
                in loo.loc[loo["difference"].notna(), "difference"].groupby(loo["measure"], sort=False)}
    runs = {measure: part["difference"].to_numpy(float) for measure, part in groups.items()}
    return {measure: values[~np.isnan(values)] for measure, values in runs.items()}


def plot_leave_one_out(summary: pd.DataFrame, loo: pd.DataFrame, *, title: str, source: str, xlabel: str) -> Figure:
    """Per measure, the full-corpus difference (large marker) and the difference with each document left out (ticks).

    A measure whose ticks cross zero has a conclusion that one article can reverse; it is drawn hollow. With
    thousands of articles most ticks fall on one another: above TICK_RESOLUTION runs, ticks within
    1/TICK_RESOLUTION of the range of all values (a fraction of a pixel) of one already drawn are left out, so a chart of 100,000 articles draws a few
    thousand ticks per measure instead of 100,000 (the SVG of 20,000 articles' actor chart was 50 MB).
    """
    measures = list(summary["measure"])
    runs_of = runs_by_measure(loo)
    values = np.concatenate([*runs_of.values(), summary["difference"].to_numpy(float), [0.0]])
    values = values[np.isfinite(values)]
    low, step = values.min(), ((values.max() - values.min()) or 1.0) / TICK_RESOLUTION
    fig, ax = new_figure(8.5, 0.42 * len(measures) + 1.8)
    for index, row in enumerate(summary.itertuples(index=False)):
        runs = distinct_ticks(runs_of.get(row.measure, np.zeros(0)), low, step)
        ax.scatter(runs, np.full(len(runs), index), marker="|", s=120, color=NEUTRAL_COLOR,
                   label="one article left out" if index == 0 else None)
        ax.scatter([row.difference], [index], s=48, color="#333333" if row.sign_survives else "white",
                   edgecolors="#333333", zorder=3,
                   label=None if index else "all articles (filled: sign survives every drop)")
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(range(len(measures)), measures)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return finish_figure(fig, title, source)
