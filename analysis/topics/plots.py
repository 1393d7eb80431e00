"""Charts of the topic stage: the k search diagnostics side by side (like stm's searchK), topic shares per period,
and the articles × topics view. Each function takes tables from analysis.topics.model and returns a styled Figure.

Topics that vanish when one article is left out carry a dagger (†) in every chart that names topics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.comparison.plots import plot_period_estimates
from analysis.core.plots import NEUTRAL_COLOR, PERIOD_STYLES, finish_figure, new_figure, period_style

K_SEARCH_PANELS = (
    ("coherence", "Coherence (mean NPMI of top-10 terms)"),
    ("exclusivity", "Exclusivity of top-10 terms"),
    ("stability_restarts", "Stability across restarts"),
    ("stability_articles", "Stability across resampled articles"),
)
ARTICLE_TICKS_MAX = 80  # above this many articles the chart names none of them (the table does)


def plot_k_search(k_search: pd.DataFrame, *, title: str, source: str, min_stability: float | None = None) -> Figure:
    """Four diagnostics against k, side by side, on their own scales; the chosen k ringed, inadmissible k hollow.

    Coherence carries ± one standard deviation across restarts; the stability panels show ``min_stability``, the level
    a k must reach to be admissible.
    """
    fig, axes = new_figure(9.0, 6.2, nrows=2, ncols=2)
    chosen = k_search[k_search["chosen"].astype(bool)]
    admissible = k_search["admissible"].astype(bool)
    for ax, (column, label) in zip(axes.ravel(), K_SEARCH_PANELS):
        ax.plot(k_search["k"], k_search[column], color=NEUTRAL_COLOR, linewidth=1.2, zorder=1)
        if column == "coherence" and "coherence_sd" in k_search:
            ax.errorbar(k_search["k"], k_search[column], yerr=k_search["coherence_sd"], fmt="none",
                        ecolor=NEUTRAL_COLOR, elinewidth=0.8, capsize=2)
        ax.scatter(k_search.loc[admissible, "k"], k_search.loc[admissible, column], color="#333333", s=22, zorder=2,
                   label="admissible k (stable)")
        ax.scatter(k_search.loc[~admissible, "k"], k_search.loc[~admissible, column], facecolors="white",
                   edgecolors="#333333", s=22, zorder=2, label="not admissible (unstable)")
        ax.scatter(chosen["k"], chosen[column], s=130, facecolors="none", edgecolors=PERIOD_STYLES[0]["color"],
                   linewidths=2, zorder=3, label="chosen k")
        if min_stability is not None and column.startswith("stability"):
            ax.axhline(min_stability, color="#555555", linewidth=0.8, linestyle=":")
        ax.set_xlabel("Number of topics k")
        ax.set_ylabel(label)
        ax.set_xticks(k_search["k"].tolist())
    axes[0, 0].legend(loc="best", frameon=False, fontsize=8)
    return finish_figure(fig, title, source)


def plot_topic_shares(prevalence: pd.DataFrame, periods: list[str], *, title: str, source: str,
                      fragile: list[int] | tuple = ()) -> Figure:
    """Mean topic share per period with 95% intervals, one row per topic labelled 'id · label' (†: fragile)."""
    table = prevalence.rename(columns={"share": "estimate"})
    marks = table["topic"].isin(list(fragile)).map({True: " †", False: ""})
    table = table.assign(measure=table["topic"].astype(str) + " · " + table["label"] + marks)
    order = list(dict.fromkeys(table.sort_values("topic")["measure"]))
    fig = plot_period_estimates(table, periods, title=title, source=source, order=order,
                                xlabel="Mean share of a unit's words in the topic")
    fig.axes[0].xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    return fig


def plot_article_topics(article_topics: pd.DataFrame, names: dict[int, str], periods: list[str], *, title: str,
                        source: str) -> Figure:
    """Articles × topics: each article's topic shares as shades, articles grouped by period and dominant topic.

    ``names`` maps topic id to its display name (:func:`analysis.topics.model.topic_names`, with † on fragile topics).
    """
    topics = sorted(names)
    columns = [f"topic_{t}" for t in topics]
    period_rank = {period: index for index, period in enumerate(periods)}
    table = article_topics.assign(_period=article_topics["period"].map(period_rank).fillna(len(periods)))
    table = table.sort_values(["_period", "dominant_topic", "doc_id"]).reset_index(drop=True)
    n = len(table)
    fig, ax = new_figure(1.6 + 0.55 * len(topics) + 2.2, min(2.0 + 0.16 * n, 14.0))
    image = ax.imshow(table[columns].to_numpy(float), aspect="auto", cmap="Greys", vmin=0, vmax=1,
                      interpolation="nearest")
    ax.set_xticks(range(len(topics)), [names[t] for t in topics], rotation=40, ha="right", fontsize=8)
    if n <= ARTICLE_TICKS_MAX:
        ax.set_yticks(range(n), table["doc_id"].tolist(), fontsize=6 if n > 30 else 8)
    else:
        ax.set_yticks([])
        ax.set_ylabel(f"{n:,} articles")
    for boundary in np.flatnonzero(np.diff(table["_period"].to_numpy())):  # a line between the periods
        ax.axhline(boundary + 0.5, color=PERIOD_STYLES[1]["color"], linewidth=1.5)
    for period in periods:
        rows = np.flatnonzero(table["period"].to_numpy() == period)
        if len(rows):
            ax.annotate(period, xy=(1.01, 1 - (rows.mean() + 0.5) / n), xycoords="axes fraction", fontsize=8,
                        color=period_style(period, periods)["color"], va="center")
    colorbar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.12)
    colorbar.set_label("Share of the article in the topic")
    colorbar.ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    return finish_figure(fig, title, source)
