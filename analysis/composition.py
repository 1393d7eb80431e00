"""Describe what each period's coverage is made of: the corpus table, outlet mix and article lengths.

Used by the corpus notebook and beside every comparison, so a change of sources is not mistaken for a change of coverage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots import finish_figure, new_figure, period_style, source_line


def corpus_table(corpus) -> pd.DataFrame:
    """One row per document: doc_id, outlet, published, period, words, paragraphs, sentences, file."""
    columns = ["doc_id", "outlet", "published", "period", "n_words", "n_paragraphs", "n_sentences", "file"]
    table = corpus.documents[columns].rename(columns={"n_words": "words", "n_paragraphs": "paragraphs",
                                                      "n_sentences": "sentences"})
    return table.reset_index(drop=True)


def period_composition(corpus) -> pd.DataFrame:
    """Per period: documents, outlets (distinct and listed), and article length in words (total, median, min, max)."""
    rows = []
    for period in corpus.period_names:
        docs = corpus.documents[corpus.documents["period"] == period]
        rows.append({
            "period": period,
            "documents": len(docs),
            "outlets": docs["outlet"].nunique(),
            "outlet_list": "; ".join(sorted(docs["outlet"].unique())),
            "words_total": int(docs["n_words"].sum()),
            "words_median": float(docs["n_words"].median()),
            "words_min": int(docs["n_words"].min()),
            "words_max": int(docs["n_words"].max()),
            "first_published": docs["published"].min(),
            "last_published": docs["published"].max(),
        })
    return pd.DataFrame(rows)


def outlet_mix(corpus) -> pd.DataFrame:
    """Documents and words per outlet and period, with each outlet's share of its period's words."""
    docs = corpus.documents
    mix = docs.groupby(["period", "outlet"], as_index=False).agg(documents=("doc_id", "size"), words=("n_words", "sum"))
    mix["word_share"] = mix["words"] / mix.groupby("period")["words"].transform("sum")
    order = {name: index for index, name in enumerate(corpus.period_names)}
    return mix.sort_values(["period", "outlet"], key=lambda s: s.map(order) if s.name == "period" else s, ignore_index=True)


BAR_CHART_MAX_ARTICLES = 40  # above this, lengths are shown as a distribution per period


def plot_article_lengths(corpus):
    """Article lengths by period: one bar per article for small corpora, a histogram per period beyond 40 articles."""
    docs = corpus.documents
    source = source_line(corpus.name, corpus.docs_per_period())
    if len(docs) > BAR_CHART_MAX_ARTICLES:
        return _plot_length_distribution(corpus, source)
    fig, ax = new_figure(8, 0.5 * len(docs) + 1.8)
    labels = [f"{row.outlet} ({row.published})" for row in docs.itertuples()]
    for position, row in enumerate(docs.itertuples()):
        style = period_style(row.period, corpus.period_names)
        ax.barh(position, row.n_words, color=style["color"], hatch=style["hatch"], edgecolor="white",
                label=row.period if row.period not in ax.get_legend_handles_labels()[1] else None)
    ax.set_yticks(range(len(docs)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("Article length after cleaning (words)")
    ax.legend(title="Period", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    medians = docs.groupby("period")["n_words"].median()
    title = "Median article length: " + ", ".join(f"{medians[p]:,.0f} words in {p}" for p in corpus.period_names)
    return finish_figure(fig, title, source)


def _plot_length_distribution(corpus, source: str):
    docs = corpus.documents
    fig, ax = new_figure(8, 4.5)
    bins = np.histogram_bin_edges(docs["n_words"], bins=30)
    for period in corpus.period_names:
        style = period_style(period, corpus.period_names)
        lengths = docs.loc[docs["period"] == period, "n_words"]
        ax.hist(lengths, bins=bins, histtype="step", linewidth=2, color=style["color"],
                linestyle=style["linestyle"], label=f"{period} (median {lengths.median():,.0f})")
    ax.set_xlabel("Article length after cleaning (words)")
    ax.set_ylabel("Articles")
    ax.legend(title="Period")
    medians = docs.groupby("period")["n_words"].median()
    title = "Median article length: " + ", ".join(f"{medians[p]:,.0f} words in {p}" for p in corpus.period_names)
    return finish_figure(fig, title, source)
