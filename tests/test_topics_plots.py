"""Charts of the topic stage: the chosen k is marked, fragile topics carry a dagger, every article is a row."""

import numpy as np
import pandas as pd

from analysis.topics.plots import plot_article_topics, plot_k_search, plot_topic_shares

SOURCE = "Source: test corpus"


def test_k_search_chart_has_four_panels_and_rings_the_chosen_k():
    table = pd.DataFrame({"k": [2, 3, 4], "coherence": [0.2, 0.3, 0.28], "coherence_sd": [0.01, 0.02, 0.01],
                          "exclusivity": [0.9, 0.8, 0.7], "stability_restarts": [1.0, 0.8, 0.7],
                          "stability_articles": [0.4, 0.6, 0.6], "admissible": [False, True, True],
                          "chosen": [False, False, True]})
    fig = plot_k_search(table, title="k = 4", source=SOURCE, min_stability=0.5)
    axes = fig.axes
    assert len(axes) == 4
    assert [ax.get_ylabel() for ax in axes][2:] == ["Stability across restarts", "Stability across resampled articles"]
    ringed = [collection for collection in axes[0].collections if collection.get_label() == "chosen k"]
    assert ringed[0].get_offsets().tolist() == [[4.0, 0.28]]
    assert [line.get_ydata()[0] for line in axes[3].lines if line.get_linestyle() == ":"] == [0.5]


def test_article_chart_has_a_row_per_article_and_daggers_on_fragile_topics():
    articles = pd.DataFrame({"doc_id": ["b", "a", "c"], "period": ["2023–2024", "2014–2015", "2023–2024"], "outlet": "o",
                             "n_units": 1, "topic_1": [0.2, 0.9, 0.6], "topic_2": [0.8, 0.1, 0.4],
                             "dominant_topic": [2, 1, 1]})
    fig = plot_article_topics(articles, {1: "1 · gas · oil", 2: "2 · tank · drone †"}, ["2014–2015", "2023–2024"],
                              title="Articles", source=SOURCE)
    ax = fig.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["a", "c", "b"]  # by period, then dominant topic
    assert [label.get_text() for label in ax.get_xticklabels()] == ["1 · gas · oil", "2 · tank · drone †"]
    assert np.allclose(ax.images[0].get_array(), [[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])


def test_share_chart_marks_fragile_topics():
    prevalence = pd.DataFrame({"topic": [1, 1, 2, 2], "label": ["gas", "gas", "tank", "tank"],
                               "period": ["p", "q", "p", "q"], "share": [0.6, 0.5, 0.4, 0.5],
                               "ci_low": [0.5, 0.4, 0.3, 0.4], "ci_high": [0.7, 0.6, 0.5, 0.6]})
    fig = plot_topic_shares(prevalence, ["p", "q"], title="Shares", source=SOURCE, fragile=[2])
    assert [label.get_text() for label in fig.axes[0].get_yticklabels()] == ["1 · gas", "2 · tank †"]
