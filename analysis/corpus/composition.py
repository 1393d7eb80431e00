"""Describe what each period's coverage is made of: the corpus table, outlet mix and article lengths.

Used by the corpus notebook and beside every comparison, so a change of sources is not mistaken for a change of coverage.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from analysis.core.cache import cached
from analysis.core.display import count_phrase, md_text
from analysis.core.plots import finish_figure, new_figure, period_style, source_line
from analysis.corpus.load import WORD_PATTERN

CODE_SLICE = 100_000  # sentences normalised at once by sentence_codes
WORD_BEYOND_ASCII = re.compile(r"[^\W\x00-\x7f]")  # a character beyond ASCII that Python's \w matches and RE2's does not
MIN_PASSAGE_WORDS = 16  # two articles sharing two consecutive sentences this long together rest on one source text


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


def independent_units(documents: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Which articles count as one independent source in the verdicts: one row per document (doc_id, period,
    outlet, unit, shares_sentences).

    Within a period, two articles are one source when they come from the same outlet or share a passage of two
    consecutive sentences with at least ``MIN_PASSAGE_WORDS`` words together (compared lower-cased, white space
    collapsed): a story rewritten or republished by several sites is one report, not several, while one quoted
    sentence is not enough. Sources are the connected groups of such links; ``unit`` names each by its first doc_id
    (sorted), and ``shares_sentences`` marks articles that share a passage with an article of another outlet.
    ``documents`` needs doc_id, period and outlet; ``sentences`` doc_id and text, in reading order. Linear in the
    corpus: passages are grouped by their text, never compared pair by pair.
    """
    docs = documents[["doc_id", "period", "outlet"]].sort_values("doc_id", kind="mergesort", ignore_index=True)
    where = pd.Index(docs["doc_id"]).get_indexer(sentences["doc_id"])  # each sentence's document's row, -1: none
    inside = where >= 0
    doc_ids, texts = (sentences["doc_id"], sentences["text"]) if inside.all() else (
        sentences.loc[inside, "doc_id"], sentences.loc[inside, "text"])
    # A passage is a sentence and the next one of its article, as the pair of their normalised texts' codes (two
    # sentences get one code exactly when their normalised texts are equal): the passages' texts are never built.
    codes = pd.Series(sentence_codes(texts), index=doc_ids.index)
    words = pd.Series(count_words(texts), index=doc_ids.index)
    doc = where[inside]  # the articles as row numbers: grouped and compared as integers, not as texts
    following = codes.groupby(doc, sort=False).shift(-1)
    passage_words = words + words.groupby(doc, sort=False).shift(-1)
    passages = pd.DataFrame({"doc": doc, "first": codes.to_numpy(),
                             "second": following.to_numpy(), "words": passage_words.to_numpy()})
    passages = passages[passages["second"].notna() & (passages["words"] >= MIN_PASSAGE_WORDS)]
    passages = passages.assign(period=docs["period"].to_numpy()[passages["doc"]],
                               outlet=docs["outlet"].to_numpy()[passages["doc"]]).drop_duplicates(["doc", "first", "second"])
    by_passage = passages.groupby(["period", "first", "second"], sort=False)
    passage_first = by_passage["doc"].transform("min").to_numpy()
    crosses_outlets = by_passage["outlet"].transform("nunique").to_numpy() > 1
    same_outlet = docs.groupby(["period", "outlet"], sort=False).ngroup()
    outlet_first = pd.Series(np.arange(len(docs))).groupby(same_outlet.to_numpy()).transform("min").to_numpy()
    sources = np.concatenate([passages["doc"].to_numpy(), np.arange(len(docs))])
    targets = np.concatenate([passage_first, outlet_first])
    graph = sparse.coo_matrix((np.ones(len(sources)), (sources, targets)), shape=(len(docs), len(docs)))
    _, labels = connected_components(graph, directed=False)
    first = pd.Series(docs["doc_id"].to_numpy()).groupby(labels).transform("first").to_numpy()
    shares = np.zeros(len(docs), dtype=bool)
    shares[passages["doc"].to_numpy()[crosses_outlets]] = True
    return docs.assign(unit=first, shares_sentences=shares)


def count_words(texts: pd.Series) -> np.ndarray:
    """How many words (``WORD_PATTERN`` matches, as ``str.count`` finds them) each text has.

    Arrow counts, several times faster, the texts where its regular expressions (RE2) and Python's agree: those
    without a word character beyond ASCII (``\\w`` is ``[A-Za-z0-9_]`` for RE2; curly quotes and dashes are no word
    characters for either). Python counts the others, whose letters beyond ASCII only Python's ``\\w`` knows.

    >>> count_words(pd.Series(["Xi's U.S.-China visit", "Déjà vu, café"])).tolist()
    [5, 3]
    """
    counts = np.empty(len(texts), dtype=np.int64)
    for start in range(0, len(texts), CODE_SLICE):
        piece = pa.array(texts.iloc[start:start + CODE_SLICE], type=pa.large_string())
        counts[start:start + len(piece)] = pc.count_substring_regex(piece, WORD_PATTERN.pattern).to_numpy(zero_copy_only=False)
        beyond = np.flatnonzero(~pc.string_is_ascii(piece).to_numpy(zero_copy_only=False))
        letters = [(position, text) for position, text in zip(beyond, piece.take(pa.array(beyond)).to_pylist())
                   if WORD_BEYOND_ASCII.search(text)]
        counts[start + np.array([position for position, _ in letters], dtype=np.int64)] = [
            len(WORD_PATTERN.findall(text)) for _, text in letters]
    return counts


def sentence_codes(texts: pd.Series) -> np.ndarray:
    """An integer per sentence, the same for two sentences exactly when their texts are equal once lower-cased (by
    Arrow, as pandas' ``str.lower``) with runs of white space as one space. Normalised in slices into Arrow strings,
    so the corpus's sentences never exist at once as Python strings or lists of words.

    >>> sentence_codes(pd.Series(["Xi met Putin.", "xi  MET putin.", "Putin met Xi."])).tolist()
    [0, 0, 1]
    """
    slices = []
    for start in range(0, len(texts), CODE_SLICE):
        lowered = pc.utf8_lower(pa.array(texts.iloc[start:start + CODE_SLICE], type=pa.large_string())).to_pylist()
        slices.append(pa.array([" ".join(text.split()) for text in lowered], type=pa.large_string()))
    normalised = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(slices, type=pa.large_string())))
    return pd.factorize(normalised)[0]


def independent_units_for_run(corpus, reports_dir) -> pd.DataFrame:
    """:func:`independent_units` of the corpus, computed once per run and reused by the later notebook."""
    return cached(reports_dir, "independent_sources", corpus.fingerprint, {"periods": corpus.period_names},
                  lambda: independent_units(corpus.documents, corpus.sentences))


def sources_per_period(units: pd.DataFrame, period_names: list[str]) -> dict[str, int]:
    """Independent sources per period (see :func:`independent_units`), in period order."""
    counts = units.groupby("period")["unit"].nunique()
    return {name: int(counts.get(name, 0)) for name in period_names}


def independence_sentence(units: pd.DataFrame, period_names: list[str]) -> str:
    """What the verdicts rest on, per period: articles, outlets and the independent sources they make."""
    sources = sources_per_period(units, period_names)
    parts = []
    for name in period_names:
        part = units[units["period"] == name]
        text = (f"{md_text(name)}: {count_phrase(len(part), 'article')} from {count_phrase(part['outlet'].nunique(), 'outlet')} "
                f"make {count_phrase(sources[name], 'independent source')}")
        rewritten = int(part["shares_sentences"].sum())
        if rewritten:
            text += f" ({count_phrase(rewritten, 'article')} share{'s' if rewritten == 1 else ''} a passage with another outlet's)"
        parts.append(text)
    return (f"Verdicts count independent sources, not articles: articles of one outlet, or sharing a passage of two "
            f"consecutive sentences ({MIN_PASSAGE_WORDS} or more words: a rewrite of one story), count once. "
            + "; ".join(parts) + ".")


BAR_CHART_MAX_ARTICLES = 40  # above this, lengths are shown as a distribution per period


def articles_sentence(documents: pd.DataFrame, period_names: list[str]) -> str:
    """How many articles the corpus holds, per period and from how many outlets: every period is counted, and a period
    beyond the first two is said to be left out of the comparisons (which are between the first two), so the counts
    add up to the total.

    >>> docs = pd.DataFrame({"period": ["P", "P", "Q", "R"], "outlet": ["X", "Y", "X", "Z"]})
    >>> articles_sentence(docs, ["P", "Q"])
    '**4 articles**: 2 from P and 1 from Q, from 3 outlets.'
    >>> articles_sentence(docs, ["P", "Q", "R"])
    '**4 articles**: 2 from P and 1 from Q, and 1 from R, which no comparison uses (they are between the first two periods), from 3 outlets.'
    """
    counts = documents["period"].value_counts()
    per_period = [f"{int(counts.get(name, 0)):,} from {md_text(name)}" for name in period_names]
    text = f"**{count_phrase(len(documents), 'article')}**: {per_period[0]} and {per_period[1]}"
    if len(per_period) > 2:
        later = per_period[2:]
        text += (", and " + (later[0] if len(later) == 1 else ", ".join(later[:-1]) + " and " + later[-1])
                 + ", which no comparison uses (they are between the first two periods)")
    return text + f", from {count_phrase(int(documents['outlet'].nunique()), 'outlet')}."


def sources_paragraph(documents: pd.DataFrame, units: pd.DataFrame, period_names: list[str]) -> str:
    """Who wrote each period's coverage: articles and outlets per period, outlets shared by both, independent sources.

    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "period": ["P", "P", "Q"], "outlet": ["X", "Y", "X"]})
    >>> units = docs.assign(unit=[1, 2, 3], shares_sentences=False)  # as independent_units gives them
    >>> sources_paragraph(docs, units, ["P", "Q"]).split(". ")[:2]
    ['P rests on **2 articles** from 2 outlets, Q on **1 article** from 1 outlet', '1 outlet appears in both periods']
    """
    a, b = period_names[0], period_names[1]
    counts = documents["period"].value_counts()
    outlets = documents.groupby("period")["outlet"].nunique()
    shared = set(documents.loc[documents["period"] == a, "outlet"]) & set(documents.loc[documents["period"] == b, "outlet"])
    text = (f"{md_text(a)} rests on **{count_phrase(int(counts.get(a, 0)), 'article')}** from "
            f"{count_phrase(int(outlets.get(a, 0)), 'outlet')}, {md_text(b)} on **{count_phrase(int(counts.get(b, 0)), 'article')}** "
            f"from {count_phrase(int(outlets.get(b, 0)), 'outlet')}. ")
    text += ("Every comparison below is between these sets of articles; no outlet appears in both periods. " if not shared
             else f"{count_phrase(len(shared), 'outlet')} appear{'s' if len(shared) == 1 else ''} in both periods. ")
    return text + independence_sentence(units, period_names)


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
