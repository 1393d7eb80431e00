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


def first_sentences(corpus, per_article: int = 2, rows: int = 20) -> pd.DataFrame:
    """The first ``per_article`` sentences of the first articles in corpus order, ``rows`` at most: a look at the
    segmentation that reads only those articles' sentences (on the Dask engine too)."""
    chosen = corpus.sentences_of(corpus.documents["doc_id"].head(rows).tolist())
    return chosen.groupby("doc_id", sort=False).head(per_article).head(rows).reset_index(drop=True)


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
    docs = source_documents(documents)
    found = passages(docs, sentences, lambda texts: sentence_codes(texts)[:, None])
    by_passage = found.groupby(["period", "first_0", "second_0"], sort=False)
    linked = found.assign(first_doc=by_passage["doc"].transform("min").to_numpy(),
                          crosses=by_passage["outlet"].transform("nunique").to_numpy() > 1)
    return source_units(docs, linked["doc"].to_numpy(), linked["first_doc"].to_numpy(),
                        linked.loc[linked["crosses"], "doc"].to_numpy())


def source_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents :func:`independent_units` links, by doc_id: an article is its row number here."""
    return documents[["doc_id", "period", "outlet"]].sort_values("doc_id", kind="mergesort", ignore_index=True)


def passages(docs: pd.DataFrame, sentences: pd.DataFrame, keys) -> pd.DataFrame:
    """Every passage (a sentence and the next one of its article) of at least ``MIN_PASSAGE_WORDS`` words, once per
    article: its article's row in ``docs`` (``doc``), period, outlet and the keys of its two sentences (``keys``:
    texts -> one row of integer keys per text, equal exactly when the normalised texts are; columns first_0, … and
    second_0, …). The passages' texts are never built."""
    where = pd.Index(docs["doc_id"]).get_indexer(sentences["doc_id"])  # each sentence's document's row, -1: none
    inside = where >= 0
    texts = sentences["text"] if inside.all() else sentences.loc[inside, "text"]
    codes = np.asarray(keys(texts))
    words = count_words(texts)
    doc = where[inside]  # the articles as row numbers: grouped and compared as integers, not as texts
    following = pd.Series(np.arange(len(doc))).groupby(doc, sort=False).shift(-1)  # the article's next sentence
    kept = np.flatnonzero(following.notna().to_numpy())
    after = following.to_numpy()[kept].astype(np.int64)
    kept_words = words[kept] + words[after]
    kept, after = kept[kept_words >= MIN_PASSAGE_WORDS], after[kept_words >= MIN_PASSAGE_WORDS]
    table = pd.DataFrame({"doc": doc[kept], **{f"first_{k}": codes[kept, k] for k in range(codes.shape[1])},
                          **{f"second_{k}": codes[after, k] for k in range(codes.shape[1])}})
    key = [c for c in table.columns if c.startswith(("first_", "second_"))]
    return (table.assign(period=docs["period"].to_numpy()[table["doc"]], outlet=docs["outlet"].to_numpy()[table["doc"]])
            .drop_duplicates(["doc", *key])[["doc", "period", "outlet", *key]].reset_index(drop=True))


def source_units(docs: pd.DataFrame, linked: np.ndarray, first: np.ndarray, crossing: np.ndarray) -> pd.DataFrame:
    """:func:`independent_units`' table from the passage links: article ``linked[i]`` shares a passage whose first
    article (by doc_id) is ``first[i]``; the articles in ``crossing`` share one with another outlet's article.
    Articles of one outlet in one period are linked too; sources are the connected groups."""
    same_outlet = docs.groupby(["period", "outlet"], sort=False).ngroup()
    outlet_first = pd.Series(np.arange(len(docs))).groupby(same_outlet.to_numpy()).transform("min").to_numpy()
    sources = np.concatenate([linked, np.arange(len(docs))])
    targets = np.concatenate([first, outlet_first])
    graph = sparse.coo_matrix((np.ones(len(sources)), (sources, targets)), shape=(len(docs), len(docs)))
    _, labels = connected_components(graph, directed=False)
    unit = pd.Series(docs["doc_id"].to_numpy()).groupby(labels).transform("first").to_numpy()
    shares = np.zeros(len(docs), dtype=bool)
    shares[crossing] = True
    return docs.assign(unit=unit, shares_sentences=shares)


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


def normalised_sentences(texts: pd.Series) -> pd.Series:
    """Each text lower-cased (by Arrow, as pandas' ``str.lower``) with runs of white space as one space, as Arrow
    strings. Normalised in slices, so the corpus's sentences never exist at once as Python strings or lists of words."""
    slices = []
    for start in range(0, len(texts), CODE_SLICE):
        lowered = pc.utf8_lower(pa.array(texts.iloc[start:start + CODE_SLICE], type=pa.large_string())).to_pylist()
        slices.append(pa.array([" ".join(text.split()) for text in lowered], type=pa.large_string()))
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(slices, type=pa.large_string())))


def sentence_codes(texts: pd.Series) -> np.ndarray:
    """An integer per sentence, the same for two sentences exactly when their normalised texts are equal
    (:func:`normalised_sentences`: case and white space aside).

    >>> sentence_codes(pd.Series(["Xi met Putin.", "xi  MET putin.", "Putin met Xi."])).tolist()
    [0, 0, 1]
    """
    return pd.factorize(normalised_sentences(texts))[0]


HASH_KEYS = ("passage sources1", "passage sources2")  # two independent 64-bit hashes (each key 16 characters)


def sentence_hashes(texts: pd.Series) -> np.ndarray:
    """Two 64-bit hashes per sentence of its normalised text (:func:`normalised_sentences`): keys that mean the same
    in every partition of a corpus, where :func:`sentence_codes` numbers one table's texts. Two different texts get
    the same pair with probability 2⁻¹²⁸ (for a million articles' 25 million sentences, about 10⁻²⁴ that any pair
    does).

    >>> keys = sentence_hashes(pd.Series(["Xi met Putin.", "xi  MET putin.", "Putin met Xi."]))
    >>> keys.shape, bool((keys[0] == keys[1]).all()), bool((keys[0] == keys[2]).any())
    ((3, 2), True, False)
    """
    normalised = normalised_sentences(texts).to_numpy(dtype=object)
    return np.column_stack([pd.util.hash_array(normalised, hash_key=key, categorize=False) for key in HASH_KEYS])


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
