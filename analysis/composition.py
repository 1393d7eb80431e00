"""Describe what each period's coverage is made of: the corpus table, outlet mix and article lengths.

Used by the corpus notebook and beside every comparison, so a change of sources is not mistaken for a change of coverage.
"""

from __future__ import annotations

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


def plot_article_lengths(corpus):
    """Horizontal bars of words per article, coloured by period; returns the Figure."""
    docs = corpus.documents
    fig, ax = new_figure(8, 0.5 * len(docs) + 1.8)
    labels = [f"{row.outlet} ({row.published})" for row in docs.itertuples()]
    for position, row in enumerate(docs.itertuples()):
        style = period_style(row.period, corpus.period_names)
        ax.barh(position, row.n_words, color=style["color"], hatch=style["hatch"], edgecolor="white",
                label=row.period if row.period not in ax.get_legend_handles_labels()[1] else None)
    ax.set_yticks(range(len(docs)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("Article length after cleaning (words)")
    ax.legend(title="Period", loc="lower right")
    longest = docs.loc[docs["n_words"].idxmax()]
    title = f"Longest article: {longest['outlet']} with {longest['n_words']:,} words"
    return finish_figure(fig, title, source_line(corpus.name, corpus.docs_per_period()))
