"""Charts of the topic stage: the k search diagnostics (like stm's searchK) and topic shares per period.

Each function takes tables from analysis.topics and returns a matplotlib Figure styled by analysis.plots.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from analysis.compare_plots import plot_period_estimates
from analysis.plots import NEUTRAL_COLOR, PERIOD_STYLES, finish_figure, new_figure


def plot_k_search(k_search: pd.DataFrame, *, title: str, source: str) -> Figure:
    """Coherence (mean NPMI of top terms) and stability (best-match Jaccard over restarts) against k; chosen k marked."""
    fig, axes = new_figure(8.5, 3.8, ncols=2)
    chosen = k_search[k_search["chosen"]]
    for ax, column, label in ((axes[0], "coherence", "Coherence: mean NPMI of top-10 terms"),
                              (axes[1], "stability", "Stability: best-match Jaccard of top-10 terms")):
        ax.plot(k_search["k"], k_search[column], color=NEUTRAL_COLOR, marker="o", linewidth=1.5)
        ax.scatter(chosen["k"], chosen[column], s=110, facecolors="none", edgecolors=PERIOD_STYLES[0]["color"],
                   linewidths=2, zorder=3, label="chosen k")
        ax.set_xlabel("Number of topics k")
        ax.set_ylabel(label)
        ax.set_xticks(k_search["k"].tolist())
    axes[1].legend(loc="best", frameon=False)
    return finish_figure(fig, title, source)


def plot_topic_shares(prevalence: pd.DataFrame, periods: list[str], *, title: str, source: str) -> Figure:
    """Mean topic share per period with 95% intervals, one row per topic labelled 'id · label'."""
    table = prevalence.rename(columns={"share": "estimate"})
    table = table.assign(measure=table["topic"].astype(str) + " · " + table["label"])
    order = list(dict.fromkeys(table.sort_values("topic")["measure"]))
    fig = plot_period_estimates(table, periods, title=title, source=source, order=order,
                                xlabel="Mean share of a unit's words in the topic")
    fig.axes[0].xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    return fig
