"""Topic models of the coverage (NMF on TF-IDF, LDA on counts) with k chosen from diagnostics shown side by side.

Beside the model: units that fit the corpus, a corpus-aware vocabulary, top and FREX terms, typical passages, an
articles × topics view, prevalence per period with article-resampling intervals, and leave-one-article-out refits.
scikit-learn, threadpoolctl and scipy.optimize are imported inside the functions that fit, so the notebooks that
only read a stored topic result do not pay for them.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.core.bootstrap import DEFAULT_RESAMPLES, compare_periods
from analysis.core.paths import read_data_table
from analysis.core.preprocess import MAX_ARTICLE_SHARE, TextRows, byte_mask, corpus_vocabulary, document_term_matrix
from analysis.core.progress import progress
from analysis.core.robustness import LOO_COLUMNS, leave_one_out_summary
from analysis.topics.nmf import nmf_fit, nmf_transform

MODELS = ("nmf", "lda")
UNITS = ("auto", "paragraph", "document")
TOP_TERMS = 10  # terms per topic for labels, coherence, exclusivity and stability
LABEL_TERMS = 3
EXAMPLES = 3  # typical passages per topic (stm's findThoughts), each from a different article
LDA_MAX_ITER = 15  # passes of batch variational Bayes; LDA is far slower than NMF, so it gets fewer
# The k search fits on a seeded sample of units holding at most this many topic-word tokens (LDA's cost grows with
# tokens, NMF's far more slowly), but never fewer units than ARTICLES_PER_TOPIC times the largest candidate k.
SEARCH_MAX_TOKENS = {"nmf": 30_000, "lda": 10_000}
# Above this many units the final model is fitted on a seeded sample of them and every unit is then scored with its
# topics: at 100,000 articles one NMF fit on every unit took 41 s of CPU, on 20,000 of them 3 s, scoring the rest 0.4 s.
FINAL_MAX_UNITS = 20_000
REFIT_MAX_UNITS = {"nmf": 5000, "lda": 1000}  # leave-one-out refits use at most this many units (a seeded sample)
LOO_MAX_GROUPS = 30  # above this many documents, leave-one-out drops one of 10 seeded groups of documents instead
LOO_GROUPS = 10
MATCH_THRESHOLD = 0.5  # a refit topic whose term profile has cosine below this with the original is "not found"
FREX_WEIGHT = 0.5  # weight of exclusivity against frequency in FREX (stm's default)
WORD_COUNT_BATCH = 10_000
PASSAGE_BATCH = 50_000  # passages scored at once: a float copy of only this many rows' counts

# Units. A headline, subhead or one-line caption is not a paragraph of argument: it is kept out of the model (it stays in
# the corpus text and tables). The cleaning stage marks such lines in a boolean `headline` column; until a corpus has
# that column, a unit counts as headline-like when it is short and does not end a sentence.
HEADLINE_MAX_WORDS = 20  # fewer words than this, and no sentence-ending mark at the end: a headline or subhead
SENTENCE_END = re.compile(r"""
    [.!?…]              # a full stop, question or exclamation mark, or an ellipsis
    ["'”’»)\]]*         # then any closing quotes or brackets
    \s*$                # at the very end of the unit
""", re.VERBOSE)
# unit="auto": short articles are modelled whole (their paragraphs are too short to carry a theme each); long articles
# by paragraph, each weighted by its length. Whole articles also need enough of them for k to be chosen.
DOCUMENT_MAX_MEDIAN_WORDS = 600  # whole articles when the median article has fewer words than this (headlines excluded)
DOCUMENT_MIN_ARTICLES = 20  # ... and the corpus has at least this many articles

# The k search. Each candidate k is fitted from `n_restarts` starts (the first deterministic, the others random) and on
# SUBSAMPLES seeded draws of SUBSAMPLE_SHARE of the articles. k never exceeds one topic per ARTICLES_PER_TOPIC articles.
K_MAX = 12
ARTICLES_PER_TOPIC = 5
SUBSAMPLES = 5
SUBSAMPLE_SHARE = 0.8
MIN_STABILITY = 0.5  # matched Jaccard of top-10 terms: 0.5 means on average about 7 of 10 top terms come back
DEVELOPMENT_SCORE_FILE = "topic_development_score.csv"


class TopicModelError(ValueError):
    """A topic-model parameter or input the stage cannot work with; the message says which and what to do."""


@dataclass
class TopicResult:
    """Everything stage 02 shows and later stages reuse; topic ids (1, 2, …) mean the same topic in every table."""

    model: str
    unit: str
    k: int
    k_search: pd.DataFrame  # k, coherence, exclusivity, stability_restarts, stability_articles, admissible, chosen
    topics: pd.DataFrame  # topic, label, rank, term, weight, exclusivity
    frex: pd.DataFrame  # topic, label, rank, term, frex, exclusivity, weight
    labels: dict  # topic -> label
    unit_topics: pd.DataFrame | None  # unit_id, doc_id, period, outlet, weight, topic_1 … topic_k
    examples: pd.DataFrame  # topic, label, rank, unit_id, doc_id, outlet, period, start, end, share, text
    prevalence: pd.DataFrame  # topic, label, period, share, ci_low, ci_high, n_docs, n_units
    differences: pd.DataFrame  # topic, label, period_a, period_b, difference, ci_low, ci_high, excludes_zero, loo_*
    leave_one_out: pd.DataFrame  # left_out, topic, label, similarity, found, difference
    loo_mode: str  # what was left out in turn
    n_units: int
    n_terms: int
    notes: list = field(default_factory=list)  # reduced-fidelity choices, stated in the report
    article_topics: pd.DataFrame = field(default_factory=pd.DataFrame)  # doc_id, period, outlet, topic_1 … , dominant_topic
    common_terms: pd.DataFrame = field(default_factory=pd.DataFrame)  # term, n_articles, share: not topic words
    excluded_units: pd.DataFrame = field(default_factory=pd.DataFrame)  # unit_id, doc_id, text: headline-like units
    unit_rule: str = ""  # why these units, in one sentence
    k_cap: int = 0  # the largest k the articles can carry
    partitions: Path | None = None  # Dask engine: unit_topics (then None) stays in these Parquet partitions
    scheduler: str = ""  # Dask engine: the cluster that writes unit_topics from its partitions

    @property
    def topic_columns(self) -> list[str]:
        """Share columns of ``unit_topics`` in topic order."""
        return [f"topic_{topic}" for topic in sorted(self.labels)]


def word_counts(texts: pd.Series) -> pd.Series:
    """Words (runs of non-space characters, as ``str.split`` finds them) in each text, with the texts' index.

    A column of Arrow text (the corpus's) is counted in its UTF-8 bytes (:func:`_utf8_word_counts`), others by
    Python.

    >>> word_counts(pd.Series(["Gas flows  east.", ""])).tolist()
    [3, 0]
    """
    counts = _arrow_word_counts(texts)
    if counts is None:
        counts = np.empty(len(texts), dtype=np.int64)
        for begin in range(0, len(texts), WORD_COUNT_BATCH):  # Python strings of one batch at a time
            counts[begin:begin + WORD_COUNT_BATCH] = [len(text.split()) for text in texts.iloc[begin:begin + WORD_COUNT_BATCH].tolist()]
    return pd.Series(counts, index=texts.index)


def _arrow_word_counts(texts: pd.Series) -> np.ndarray | None:
    """:func:`word_counts` of a column of Arrow text without missing values, read from its UTF-8 buffers a batch of
    rows at a time (no Python string per text); None for any other column."""
    import pyarrow as pa

    if not isinstance(texts.dtype, pd.StringDtype) or texts.dtype.storage != "pyarrow" or texts.isna().any():
        return None
    column = texts.array.__arrow_array__()  # the column's own chunks, not a copy
    counts, done = np.empty(len(texts), dtype=np.int64), 0
    for chunk in column.chunks:
        offset_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        for begin in range(0, len(chunk), WORD_COUNT_BATCH):
            part = chunk.slice(begin, WORD_COUNT_BATCH)
            _, offsets_buffer, data_buffer = part.buffers()
            offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[part.offset:part.offset + len(part) + 1]
            offsets = offsets.astype(np.int64)
            data = (np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None
                    else np.zeros(0, dtype=np.uint8))[offsets[0]:offsets[-1]]
            counts[done:done + len(part)] = _utf8_word_counts(data, offsets - offsets[0])
            done += len(part)
    return counts


@lru_cache(maxsize=1)
def _separators() -> tuple[bytes, bytes, tuple[bytes, ...]]:
    """What ``str.split()`` splits on (every character Python calls whitespace), in UTF-8: the one-byte separators,
    the first bytes of the longer ones, and the longer ones' bytes."""
    separators = [chr(code).encode("utf-8") for code in range(0x110000) if chr(code).isspace()]
    longer = tuple(encoded for encoded in separators if len(encoded) > 1)
    return (bytes(encoded[0] for encoded in separators if len(encoded) == 1),
            bytes(sorted({encoded[0] for encoded in longer})), longer)


def _utf8_word_counts(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """``len(text.split())`` for each text ``data[offsets[i]:offsets[i + 1]]`` of valid UTF-8 bytes: every byte of a
    separator is marked, and a word starts at each other byte that starts a text or follows a separator's byte (a
    byte inside a multi-byte character follows that character's first byte, which is no separator's)."""
    single, leads, longer = _separators()
    space = byte_mask(data, single)
    candidates = np.flatnonzero(byte_mask(data, leads))  # a longer separator starts only where its first byte is
    for sequence in longer:
        at = candidates[candidates + len(sequence) <= len(data)]
        for number, value in enumerate(sequence):
            at = at[data[at + number] == value]
        for number in range(len(sequence)):
            space[at + number] = True
    starts = ~space
    starts[1:] &= space[:-1]
    firsts = offsets[:-1][offsets[:-1] < offsets[1:]]
    starts[firsts] = ~space[firsts]  # a text's first byte starts a word unless it is a separator's
    return np.diff(np.searchsorted(np.flatnonzero(starts), offsets))


def headline_units(paragraphs: pd.DataFrame) -> pd.Series:
    """True for paragraphs that are headlines, subheads or other one-line labels, which the model leaves out.

    Uses the cleaning stage's ``headline`` column when the table has one; otherwise a unit counts as headline-like
    when it has fewer than ``HEADLINE_MAX_WORDS`` words and does not end with a sentence-ending mark.

    >>> headline_units(pd.DataFrame({"text": ["Pulling together", "Gas flows east.", "Xi meets Putin in Moscow"]})).tolist()
    [True, False, True]
    """
    if "headline" in paragraphs.columns:
        return paragraphs["headline"].astype(bool)
    words = word_counts(paragraphs["text"])
    return (words < HEADLINE_MAX_WORDS) & ~paragraphs["text"].str.contains(SENTENCE_END)


def choose_unit(paragraphs: pd.DataFrame) -> tuple[str, str]:
    """The unit for ``unit="auto"`` and the rule's reason in one sentence (:func:`unit_choice` of the paragraphs'
    articles)."""
    kept = ~headline_units(paragraphs).to_numpy()
    return unit_choice(word_counts(paragraphs["text"])[kept].groupby(paragraphs["doc_id"].to_numpy()[kept]).sum())


def unit_choice(words: pd.Series) -> tuple[str, str]:
    """The unit for ``unit="auto"`` and the rule's reason, from each article's words outside headline-like
    paragraphs (one entry per article that has such paragraphs): whole articles when there are at least
    ``DOCUMENT_MIN_ARTICLES`` articles and the median article is shorter than ``DOCUMENT_MAX_MEDIAN_WORDS`` words;
    paragraphs weighted by their length otherwise.

    >>> unit_choice(pd.Series([120] * 30))[0], unit_choice(pd.Series([900] * 30))[0]
    ('document', 'paragraph')
    """
    n_articles, median = len(words), float(words.median()) if len(words) else 0.0
    if n_articles >= DOCUMENT_MIN_ARTICLES and median < DOCUMENT_MAX_MEDIAN_WORDS:
        return "document", (f"Whole articles are the units: the median article has {median:,.0f} words (under "
                            f"{DOCUMENT_MAX_MEDIAN_WORDS:,}), too few to split into paragraphs that each carry a theme, "
                            f"and the {n_articles:,} articles are enough to model (at least {DOCUMENT_MIN_ARTICLES}).")
    reason = (f"only {n_articles:,} articles (whole articles need at least {DOCUMENT_MIN_ARTICLES})"
              if n_articles < DOCUMENT_MIN_ARTICLES else
              f"the median article has {median:,.0f} words (whole articles are used under {DOCUMENT_MAX_MEDIAN_WORDS:,})")
    return "paragraph", f"Paragraphs are the units, each weighted by its length in words: {reason}."


def topic_units(corpus, unit: str = "auto") -> tuple[pd.DataFrame, pd.DataFrame, str, str]:
    """The units to model, the headline-like paragraphs left out, the unit chosen and the reason.

    Units have unit_id, doc_id, period, outlet, start, end (offsets into the article), text and weight (words, for
    paragraphs; 1 for whole articles). An article's text is its paragraphs without headline-like ones.
    """
    return _topic_units(corpus, unit)[:4]


def _join_paragraphs(paragraphs: pd.DataFrame, *, text: bool = True) -> pd.DataFrame:
    """One row per article (sorted by doc_id): its first paragraph's doc_id, period and outlet, and (with ``text``)
    its paragraphs' texts joined by blank lines in table order: ``groupby(...).agg("\n\n".join)`` without a Python
    call per group."""
    codes, _ = pd.factorize(paragraphs["doc_id"], sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(codes.max() + 2))
    table = paragraphs.iloc[order[bounds[:-1]]][["doc_id", "period", "outlet"]].reset_index(drop=True)
    if not text:
        return table
    texts = paragraphs["text"].to_numpy(dtype=object)[order].tolist()
    return table.assign(text=["\n\n".join(texts[begin:end]) for begin, end in zip(bounds[:-1], bounds[1:])])


PASSAGE_COLUMNS = ["unit_id", "doc_id", "period", "outlet", "start", "end", "text"]


def _topic_units(corpus, unit: str, *, article_text: bool = True):
    """:func:`topic_units`, the kept (not headline-like) paragraphs (``PASSAGE_COLUMNS``) that whole-article units
    are made of, and those paragraphs' texts. Without ``article_text``, whole-article units and the kept paragraphs
    have no text column and the texts are a :class:`~analysis.core.preprocess.TextRows` of the corpus's column: the
    stage counts terms paragraph by paragraph and needs no second copy of the corpus text."""
    if unit not in UNITS:
        raise TopicModelError(f"Parameter 'unit' must be one of {UNITS}, not {unit!r}.")
    paragraphs = corpus.paragraphs.rename(columns={"para_id": "unit_id"})
    headline = headline_units(paragraphs).to_numpy()
    excluded = paragraphs.loc[headline, ["unit_id", "doc_id", "start", "end", "text"]].reset_index(drop=True)
    if headline.all():
        raise TopicModelError("Every paragraph of the corpus looks like a headline (short, with no sentence-ending "
                              "mark), so there is no text to model. Check the corpus files.")
    if unit == "auto":
        unit, reason = choose_unit(paragraphs)
    else:
        reason = f"The units are {unit}s, as the `unit` parameter asks."
    with_text = unit == "paragraph" or article_text
    kept = paragraphs.loc[~headline, PASSAGE_COLUMNS if with_text else PASSAGE_COLUMNS[:-1]].reset_index(drop=True)
    texts = kept["text"] if with_text else TextRows(paragraphs["text"], np.flatnonzero(~headline))
    if unit == "paragraph":
        return kept.assign(weight=word_counts(kept["text"]).astype(float)), excluded, unit, reason, kept, texts
    documents = corpus.documents.set_index("doc_id")
    table = _join_paragraphs(kept, text=article_text)
    table = table.assign(unit_id=table["doc_id"], start=0, end=table["doc_id"].map(documents["n_chars"]), weight=1.0)
    columns = [column for column in PASSAGE_COLUMNS + ["weight"] if column in table.columns]
    return table[columns], excluded, unit, reason, kept, texts


def model_matrix(units: pd.DataFrame, model: str, *, stem: bool = False, max_share: float = MAX_ARTICLE_SHARE,
                 weight_by_length: bool = False, passages: pd.DataFrame | None = None, passage_texts=None):
    """The matrix the model fits, the counts, the terms, the common terms set aside, and the passage counts.

    Terms in fewer than two articles or in more than ``max_share`` of the articles are dropped
    (:func:`analysis.core.preprocess.corpus_vocabulary`). NMF gets TF-IDF rows of unit length, scaled by
    √(words / mean words) when ``weight_by_length`` (so in NMF's squared error a unit counts in proportion to its
    length); LDA gets counts, where a longer unit already counts for more. For whole-article units, pass the
    paragraphs they are made of as ``passages`` (doc_id, text): terms are counted per paragraph and summed per
    article, and the paragraphs' counts come back as the last value (None otherwise); ``passage_texts`` gives their
    texts when ``passages`` has no text column.
    """
    if model not in MODELS:
        raise TopicModelError(f"Parameter 'model' must be one of {MODELS}, not {model!r}.")
    source = units if passages is None else passages
    try:
        counts, terms = document_term_matrix(source["text"] if passage_texts is None else passage_texts, stem=stem,
                                             weighting="count")
    except ValueError as error:
        raise TopicModelError(f"Empty vocabulary: {error}") from None
    keep, common = corpus_vocabulary(counts, terms, source["doc_id"].to_numpy(), max_share=max_share)
    if keep.size < 2:
        raise TopicModelError(f"Empty vocabulary: fewer than two terms occur in at least two and at most "
                              f"{max_share:.0%} of the {units['doc_id'].nunique():,} articles. Use more or longer texts.")
    counts, terms = counts[:, keep].tocsr(), terms[keep]
    passage_counts = None
    if passages is not None:
        row = pd.Index(units["doc_id"]).get_indexer(passages["doc_id"])
        grouping = sparse.csr_matrix((np.ones(len(row)), (row, np.arange(len(row)))), shape=(len(units), len(row)))
        passage_counts, counts = counts, (grouping @ counts).tocsr()
    words = units["weight"].to_numpy(float) if weight_by_length else None
    transformer = idf_transformer(unit_frequency(counts), counts.shape[0]) if model == "nmf" else None
    matrix = model_rows(counts, model, transformer, words, words.mean() if weight_by_length else None)
    return matrix, counts, terms, common, passage_counts


def unit_frequency(counts) -> np.ndarray:
    """Units each term (column of a canonical CSR count matrix) occurs in."""
    return np.bincount(counts.indices, minlength=counts.shape[1])


def idf_transformer(frequency: np.ndarray, n_units: int):
    """scikit-learn's ``TfidfTransformer().fit(counts)`` for counts of ``n_units`` units in which the terms occur
    ``frequency`` times: the same idf to the bit (smoothed: log((1 + n) / (1 + df)) + 1), so a partitioned corpus's
    units are weighted as one count matrix would weigh them."""
    from sklearn.feature_extraction.text import TfidfTransformer

    transformer = TfidfTransformer()
    df = frequency.astype(np.float64) + 1.0
    idf = np.full_like(df, fill_value=n_units + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    transformer.idf_, transformer.n_features_in_ = idf, len(idf)
    return transformer


def model_rows(counts, model: str, transformer=None, words: np.ndarray | None = None, mean_words: float | None = None):
    """The rows of the matrix the model fits for these units' counts: the counts (LDA), or TF-IDF rows of unit length
    (NMF, with ``transformer`` from :func:`idf_transformer`) scaled by √(words / mean words) when ``words`` are given.
    Row by row arithmetic: the rows of some units are those of the whole matrix. The rows come in canonical form
    (sorted column indices), which the fits would otherwise impose on the matrix in place, changing later slices."""
    if model == "lda":
        matrix = counts.astype(float)
    else:
        matrix = transformer.transform(counts).tocsr()
        if words is not None:
            matrix = (sparse.diags(np.sqrt(words / max(mean_words, 1e-12))) @ matrix).tocsr()
    matrix.sum_duplicates()
    return matrix


def passage_scores(passage_counts, counts, weights: np.ndarray, transformer=None) -> np.ndarray:
    """Passages × topics: cosine of each passage's TF-IDF profile (IDF from the modelled units' ``counts``, or
    ``transformer`` from :func:`idf_transformer`) with each topic's term weights, so the passage of an article
    closest to a topic can be quoted for it."""
    transformer = transformer or idf_transformer(unit_frequency(counts), counts.shape[0])
    topics = weights / np.maximum(np.linalg.norm(weights, axis=1, keepdims=True), 1e-300)
    scores = np.empty((passage_counts.shape[0], len(topics)))
    for begin in range(0, passage_counts.shape[0], PASSAGE_BATCH):  # row by row arithmetic: batches change nothing
        rows = slice(begin, begin + PASSAGE_BATCH)
        scores[rows] = transformer.transform(passage_counts[rows]) @ topics.T
    return scores


@dataclass
class Fit:
    """One fitted model: unit × topic shares (rows sum to 1), topic × term weights (rows sum to 1), its objective."""

    shares: np.ndarray
    weights: np.ndarray
    objective: float  # NMF: reconstruction error; LDA: perplexity (lower is better for both)
    start: int = 0  # which start of restart_fits produced it (0: NNDSVDa for NMF)
    components: np.ndarray | None = None  # NMF: the fitted topic × term matrix, which scores further units
    estimator: object = None  # LDA: the fitted scikit-learn model, which scores further units


def present_terms(matrix) -> np.ndarray | None:
    """The columns of ``matrix`` (a sample's rows) that hold any count, or None when every column does."""
    columns = np.flatnonzero(matrix.getnnz(axis=0))
    return None if columns.size == matrix.shape[1] else columns


def fit_model(matrix, model: str, k: int, random_state: int, *, init: str = "nndsvda", fit_rows=None,
              sample: bool = False) -> Fit:
    """Fit one model from one start; with ``fit_rows`` (row indices), fit on those rows and then estimate every
    row's topic shares with the fitted topics (:func:`score_units`).

    A fit on a sample of units (``fit_rows``, or ``sample`` when ``matrix`` is one) uses NMF only on the terms that
    occur in it. A term absent from every fitted unit weighs nothing at NMF's optimum, but scikit-learn still updates
    its weights at every iteration: with a corpus's rare words (94,836 terms at 20,000 distinct-sentence articles, of
    which the k search's sample of 152 units held 4,027) that was nearly all of the k search's time. Its weight is 0.
    """
    if fit_rows is None:
        return _fit(matrix, model, k, random_state, init=init, sample=sample)
    fitted = _fit(matrix[fit_rows], model, k, random_state, init=init, sample=True)
    return dataclasses.replace(fitted, shares=score_units(matrix, model, fitted))


def _fit(train, model: str, k: int, random_state: int, *, init: str, sample: bool) -> Fit:
    """:func:`fit_model` on the rows ``train``: the fit and its units' shares."""
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.exceptions import ConvergenceWarning

    columns = present_terms(train) if model == "nmf" and sample else None
    estimator = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the k search fits many small models; shares are still used
        if model == "nmf":  # scikit-learn's NMF(init=init, max_iter=400, tol=1e-4) to the bit, in less time
            unit_topic, topic_term, objective = nmf_fit(train if columns is None else train[:, columns], k, init=init,
                                                        random_state=random_state)
            if columns is not None:
                topic_term = _widen(topic_term, columns, train.shape[1])
        else:
            method = "batch" if train.shape[0] <= 5000 else "online"
            estimator = LatentDirichletAllocation(n_components=k, learning_method=method, random_state=random_state,
                                                  max_iter=LDA_MAX_ITER if method == "batch" else 5, batch_size=1024)
            unit_topic = estimator.fit_transform(train)
            objective = float(estimator.perplexity(train))
            topic_term = estimator.components_
    weights = topic_term / np.maximum(topic_term.sum(axis=1, keepdims=True), 1e-300)
    return Fit(unit_shares(unit_topic), weights, objective, components=topic_term if model == "nmf" else None,
               estimator=estimator)


def unit_shares(unit_topic: np.ndarray) -> np.ndarray:
    """Units' topic weights as shares that sum to 1 (an even split for a unit with no weight at all)."""
    row_sums = unit_topic.sum(axis=1, keepdims=True)
    return np.divide(unit_topic, row_sums, out=np.full_like(unit_topic, 1.0 / unit_topic.shape[1]), where=row_sums > 0)


def score_units(matrix, model: str, fitted: Fit) -> np.ndarray:
    """The topic shares of the units whose model-matrix rows are ``matrix``, given a fitted model (scikit-learn's
    ``transform``). LDA scores each unit on its own; NMF's scoring stops when all of ``matrix``'s rows together are
    within its tolerance, so a unit's shares depend slightly (within that tolerance) on the rows scored with it."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if model == "nmf":
            return unit_shares(nmf_transform(matrix, fitted.components))
        return unit_shares(fitted.estimator.transform(matrix))


def _widen(topic_term: np.ndarray, columns: np.ndarray, n_terms: int) -> np.ndarray:
    """Topic × term weights of a fit on some ``columns``, as weights over all ``n_terms`` (0 elsewhere)."""
    wide = np.zeros((topic_term.shape[0], n_terms), dtype=topic_term.dtype)
    wide[:, columns] = topic_term
    return wide


def fit(matrix, model: str, k: int, random_state: int, *, init: str = "nndsvda", sample: bool = False):
    """Fit one model; return (unit × topic shares with rows summing to 1, topic × term weights with rows summing to 1)."""
    result = fit_model(matrix, model, k, random_state, init=init, sample=sample)
    return result.shares, result.weights


def restart_fits(matrix, model: str, k: int, random_state: int, n_restarts: int, *, sample: bool = False) -> list[Fit]:
    """``n_restarts`` fits: the first from NNDSVDa (NMF's deterministic start), the others from random starts, each
    with its own seed derived from ``random_state`` (``sample``: see :func:`fit_model`)."""
    return [dataclasses.replace(fit_model(matrix, model, k, random_state + restart, sample=sample,
                                          init="nndsvda" if restart == 0 else "random"), start=restart)
            for restart in range(n_restarts)]


def best_fit(fits: list[Fit]) -> Fit:
    """The fit with the lowest objective (the first on a tie): the model the stage reports."""
    return min(enumerate(fits), key=lambda item: (round(item[1].objective, 9), item[0]))[1]


def top_term_indices(weights: np.ndarray, n: int = TOP_TERMS) -> np.ndarray:
    """Indices of each topic's ``n`` heaviest terms, heaviest first (ties by term index)."""
    order = np.lexsort((np.tile(np.arange(weights.shape[1]), (weights.shape[0], 1)), -weights), axis=1)
    return order[:, :n]


def npmi_coherence(top: np.ndarray, presence) -> np.ndarray:
    """Mean normalised PMI over pairs of each topic's top terms, from co-occurrence in the units (−1 … 1).

    ``presence`` is the units × terms 0/1 matrix. A pair never seen together scores −1.
    """
    n_units = presence.shape[0]
    presence = sparse.csc_matrix(presence)
    scores = []
    for terms in top:
        block = presence[:, terms]
        together = (block.T @ block).toarray() / n_units
        single = np.diag(together)
        values = []
        for i, j in combinations(range(len(terms)), 2):
            p_ij = together[i, j]
            if p_ij <= 0:
                values.append(-1.0)
            elif p_ij >= 1:
                values.append(1.0)
            else:
                values.append(np.log(p_ij / (single[i] * single[j])) / -np.log(p_ij))
        scores.append(float(np.mean(values)) if values else 0.0)
    return np.array(scores)


def matched_overlap(tops_a: np.ndarray, tops_b: np.ndarray) -> float:
    """Mean Jaccard overlap of top terms after matching the topics of two runs one to one (Hungarian algorithm).

    One to one, so two topics of one run cannot both claim the same topic of the other: 1 means the same topics.
    """
    sets_a, sets_b = [set(row) for row in tops_a], [set(row) for row in tops_b]
    overlap = np.array([[len(a & b) / len(a | b) for b in sets_b] for a in sets_a])
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-overlap)
    return float(overlap[rows, cols].sum() / len(sets_a))


def mean_exclusivity(weights: np.ndarray, n: int = TOP_TERMS) -> float:
    """Mean over topics and their top ``n`` terms of the term's exclusivity: its weight in the topic over its weight
    summed over all topics (1: the term belongs to this topic alone)."""
    exclusivity = weights / np.maximum(weights.sum(axis=0, keepdims=True), 1e-300)
    top = top_term_indices(weights, n)
    return float(np.take_along_axis(exclusivity, top, axis=1).mean())


def k_cap(n_articles: int) -> int:
    """The largest k the articles can carry: one topic per ``ARTICLES_PER_TOPIC`` articles, and at least 2."""
    return max(2, n_articles // ARTICLES_PER_TOPIC)


def search_k(matrix, presence, doc_ids, model: str, k_values: list[int], *, n_restarts: int,
             random_state: int, sample: bool = False) -> tuple[pd.DataFrame, dict[int, Fit]]:
    """Diagnostics for each candidate k side by side (as stm's searchK shows them) and the chosen k.

    For each k the model is fitted from ``n_restarts`` starts; the fit with the lowest objective is the candidate.
    Columns: ``coherence`` (mean NPMI of its topics' top-10 terms over the units), ``exclusivity``
    (:func:`mean_exclusivity`), ``stability_restarts`` (mean one-to-one matched Jaccard overlap of top-10 terms
    between the candidate and each other restart) and ``stability_articles`` (the same between the deterministic
    fit on all articles and fits on ``SUBSAMPLES`` seeded draws of ``SUBSAMPLE_SHARE`` of the articles).
    :func:`choose_k` marks ``admissible`` and ``chosen``. Returns the table and the candidate fit per k. ``sample``:
    the rows are a sample of the corpus's units, so NMF fits only the terms that occur in them (:func:`fit_model`).
    """
    doc_ids = np.asarray(doc_ids)
    articles = np.unique(doc_ids)
    n_draw = max(2, round(SUBSAMPLE_SHARE * len(articles)))
    draws = [np.flatnonzero(np.isin(doc_ids, np.random.default_rng(random_state + 1 + draw).choice(
        articles, size=n_draw, replace=False))) for draw in range(SUBSAMPLES)]
    rows, fits = [], {}
    for k in progress(k_values, "k search"):
        runs = restart_fits(matrix, model, k, random_state, n_restarts, sample=sample)
        best = best_fit(runs)
        top = top_term_indices(best.weights)
        reference = top_term_indices(runs[0].weights)
        resampled = [matched_overlap(reference, top_term_indices(
                         fit_model(matrix[rows_kept], model, k, random_state, sample=sample).weights))
                     for rows_kept in draws if len(rows_kept) > k]
        restart_coherence = [float(npmi_coherence(top_term_indices(run.weights), presence).mean()) for run in runs]
        rows.append({
            "k": k,
            "coherence": float(npmi_coherence(top, presence).mean()),
            "coherence_sd": float(np.std(restart_coherence, ddof=1)),
            "exclusivity": mean_exclusivity(best.weights),
            "stability_restarts": float(np.mean([matched_overlap(top, top_term_indices(run.weights))
                                                 for run in runs if run is not best])),
            "stability_articles": float(np.mean(resampled)) if resampled else np.nan,
        })
        fits[k] = best
    return choose_k(pd.DataFrame(rows)), fits


def choose_k(table: pd.DataFrame) -> pd.DataFrame:
    """Mark the ``admissible`` candidates and the ``chosen`` k in a :func:`search_k` table.

    The rule, on the raw diagnostics (nothing is rescaled, so a flat curve stays flat):

    1. *admissible*: topics that come back, with both stabilities at least ``MIN_STABILITY`` (matched top-10
       overlap: on average two thirds of a topic's top terms reappear). When no k qualifies, every k is admissible
       and the page says the topics are unstable at every k.
    2. *coherent enough*: coherence no lower than the best admissible coherence minus its spread across restarts
       (one standard deviation), so differences smaller than the noise of the fit decide nothing.
    3. *chosen*: the largest such k. Among equally coherent and stable solutions the finer one shows more of the
       corpus's themes; k itself is capped before the search by :func:`k_cap`.
    """
    table = table.copy()
    stable = (table["stability_restarts"] >= MIN_STABILITY) & (table["stability_articles"].fillna(0) >= MIN_STABILITY)
    table["admissible"] = stable if stable.any() else True
    candidates = table[table["admissible"]]
    best = candidates.sort_values(["coherence", "k"], ascending=[False, True]).iloc[0]
    floor = best["coherence"] - (best["coherence_sd"] if np.isfinite(best["coherence_sd"]) else 0.0)
    chosen = candidates.loc[candidates["coherence"] >= floor - 1e-12, "k"].max()
    table["chosen"] = table["k"] == chosen
    return table


def frex_scores(weights: np.ndarray, w: float = FREX_WEIGHT) -> tuple[np.ndarray, np.ndarray]:
    """(FREX, exclusivity) per topic and term: the harmonic mean of a term's within-topic rank of exclusivity
    (its weight in the topic over its weight in all topics) and of frequency, as in stm's ``labelTopics``."""
    exclusivity = weights / np.maximum(weights.sum(axis=0, keepdims=True), 1e-300)

    def ecdf(values):
        ranks = values.argsort(axis=1, kind="mergesort").argsort(axis=1, kind="mergesort") + 1
        return ranks / values.shape[1]

    frex = 1 / (w / ecdf(exclusivity) + (1 - w) / ecdf(weights))
    return frex, exclusivity


def order_topics(prevalence: np.ndarray, weights: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """Topic order: most prevalent first (``prevalence``: each topic's mean share over the units), ties broken by the
    topic's top terms alphabetically."""
    keys = [" ".join(terms[top_term_indices(weights[[t]], LABEL_TERMS)[0]]) for t in range(weights.shape[0])]
    return np.array(sorted(range(weights.shape[0]), key=lambda t: (-round(float(prevalence[t]), 12), keys[t])))


def _sample(n: int, limit: int, random_state: int) -> np.ndarray:
    """All indices when ``n <= limit``, else a sorted seeded sample of ``limit`` of them."""
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(random_state).choice(n, size=limit, replace=False))


def _sample_tokens(tokens: np.ndarray, budget: int, min_units: int, random_state: int) -> np.ndarray:
    """All unit indices when their ``tokens`` fit the ``budget``; else a sorted seeded sample of units in random order
    until the budget is spent, but at least ``min_units`` of them."""
    if tokens.sum() <= budget:
        return np.arange(len(tokens))
    order = np.random.default_rng(random_state).permutation(len(tokens))
    n = max(int(np.searchsorted(np.cumsum(tokens[order]), budget, side="right")), min(min_units, len(tokens)))
    return np.sort(order[:n])


def article_topics(unit_topics: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Articles × topics: each article's topic shares (the mean of its units' shares, weighted by unit length) and
    its dominant topic (the largest share; the lower topic id on a tie), sorted by article.

    >>> units = pd.DataFrame({"doc_id": ["a", "a", "b"], "period": "p", "outlet": "o", "weight": [3.0, 1.0, 1.0],
    ...                       "topic_1": [1.0, 0.0, 0.2], "topic_2": [0.0, 1.0, 0.8]})
    >>> article_topics(units, ["topic_1", "topic_2"])[["doc_id", "topic_1", "dominant_topic"]]
      doc_id  topic_1  dominant_topic
    0      a     0.75               1
    1      b     0.20               2
    """
    weights = unit_topics["weight"].to_numpy(float)
    weighted = pd.DataFrame(unit_topics[columns].to_numpy(float) * weights[:, None], columns=columns)
    weighted["doc_id"] = unit_topics["doc_id"].to_numpy()
    sums = weighted.groupby("doc_id", sort=True)[columns].sum()
    totals = pd.Series(weights, index=unit_topics["doc_id"].to_numpy()).groupby(level=0, sort=True).sum()
    shares = sums.div(totals.where(totals > 0), axis=0).fillna(1.0 / len(columns))
    info = unit_topics.groupby("doc_id", sort=True).agg(period=("period", "first"), outlet=("outlet", "first"),
                                                        n_units=("doc_id", "size"))
    table = info.join(shares).reset_index()
    table["dominant_topic"] = table[columns].to_numpy().argmax(axis=1) + 1
    return table


def article_sums(unit_topics: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Per article (sorted by doc_id): its period, its units' total weight (``weight``) and number (``n_units``), and
    each topic's shares times the units' weights, summed: the rows the prevalence bootstrap resamples
    (:func:`analysis.core.bootstrap.compare_periods` with ``summed``), which a partitioned corpus sums per partition.

    >>> units = pd.DataFrame({"doc_id": ["a", "a", "b"], "period": "p", "weight": [3.0, 1.0, 2.0], "topic_1": [1.0, 0.0, 0.5]})
    >>> article_sums(units, ["topic_1"])[["doc_id", "topic_1", "weight", "n_units"]].values.tolist()
    [['a', 3.0, 4.0, 2], ['b', 1.0, 2.0, 1]]
    """
    weights = unit_topics["weight"].to_numpy(float)
    table = pd.DataFrame(unit_topics[columns].to_numpy(float) * weights[:, None], columns=columns)
    table = table.assign(doc_id=unit_topics["doc_id"].to_numpy(), period=unit_topics["period"].to_numpy(), weight=weights,
                         n_units=1)
    return table.groupby(["doc_id", "period"], sort=True, as_index=False).sum()


def write_unit_topics(result: TopicResult, tables_dir: str | Path, name: str = "unit_topics") -> Path:
    """Write every unit's topic shares as ``tables_dir/<name>.csv`` sorted by article and unit, as
    :func:`analysis.core.display.write_table` writes a table; on the Dask engine from the table's partitions, a
    range of rows at a time (:func:`analysis.core.sorted_csv.write_partitioned_table`), never whole."""
    if result.unit_topics is not None:
        from analysis.core.display import write_table

        return write_table(result.unit_topics, tables_dir, name, ["doc_id", "unit_id"])
    from analysis.core.engine import dask_client
    from analysis.core.sorted_csv import write_partitioned_table

    with dask_client(result.scheduler) as client:
        return write_partitioned_table(client, result.partitions.parent, result.partitions.name, tables_dir, name,
                                       ["doc_id", "unit_id"], ["unit_id", "doc_id", "period", "outlet", "weight",
                                                               *result.topic_columns])


def typical_passages(units: pd.DataFrame, unit: str, paragraph_shares: np.ndarray, paragraphs: pd.DataFrame,
                     articles: pd.DataFrame, labels: dict, paragraph_texts=None) -> pd.DataFrame:
    """The ``EXAMPLES`` most typical passages of each topic, none a headline, each from a different article.

    Paragraph units: the paragraphs with the highest share of the topic (the longer on a tie), at most one per
    article. Whole-article units: the articles with the highest share of the topic, each shown by its paragraph
    whose words are closest to the topic (:func:`passage_scores`); ``paragraph_texts`` gives the paragraphs' texts
    when ``paragraphs`` has no text column.
    """
    rows = []
    doc_codes = pd.factorize(units["doc_id"])[0] if unit == "paragraph" else None
    for t in sorted(labels):
        column = f"topic_{t}"
        if unit == "paragraph":
            share = paragraph_shares[:, t - 1]
            # Only units as good as the EXAMPLES-th best article's best unit can be picked: rank just those.
            best_per_article = np.sort(pd.Series(share).groupby(doc_codes).max().to_numpy())[::-1]
            candidates = share >= best_per_article[min(EXAMPLES, len(best_per_article)) - 1]
            if units.loc[candidates, "doc_id"].nunique() < min(EXAMPLES, len(best_per_article)):
                candidates = np.ones(len(units), dtype=bool)  # NaN shares: rank every unit
            ranked = units[candidates].assign(share=share[candidates]).sort_values(
                ["share", "weight", "unit_id"], ascending=[False, False, True])
            picked = ranked.drop_duplicates("doc_id").head(EXAMPLES)
        else:
            top_articles = articles.sort_values([column, "doc_id"], ascending=[False, True]).head(EXAMPLES)
            inside = paragraphs["doc_id"].isin(top_articles["doc_id"]).to_numpy()  # only these articles' passages
            passages = paragraphs[inside]
            if "text" not in passages.columns:
                passages = passages.assign(text=[paragraph_texts[row] for row in np.flatnonzero(inside)])
            best_passage = (passages.assign(passage_share=paragraph_shares[inside, t - 1],
                                            words=word_counts(passages["text"]))
                            .sort_values(["passage_share", "words", "unit_id"], ascending=[False, False, True])
                            .drop_duplicates("doc_id").set_index("doc_id"))
            picked = (best_passage.loc[top_articles["doc_id"]].reset_index()
                      .assign(share=top_articles[column].to_numpy()))
        for rank, row in enumerate(picked.itertuples(index=False), start=1):
            rows.append({"topic": t, "label": labels[t], "rank": rank, "unit_id": row.unit_id, "doc_id": row.doc_id,
                         "outlet": row.outlet, "period": row.period, "start": int(row.start), "end": int(row.end),
                         "share": float(row.share), "text": row.text})
    return pd.DataFrame(rows, columns=["topic", "label", "rank", "unit_id", "doc_id", "outlet", "period", "start",
                                       "end", "share", "text"])


def front_page_topics(result: TopicResult) -> list[int]:
    """Topics allowed on the front page: found again in every leave-one-out refit (none when no refit could run)."""
    if result.leave_one_out.empty:
        return []
    lost = set(result.leave_one_out.loc[~result.leave_one_out["found"], "topic"])
    return [topic for topic in sorted(result.labels) if topic not in lost]


def fragile_topics(result: TopicResult) -> list[int]:
    """Topics that vanish in at least one leave-one-out refit: marked on every chart, kept off the front page."""
    return [topic for topic in sorted(result.labels) if topic not in front_page_topics(result)] \
        if not result.leave_one_out.empty else []


def topic_names(result: TopicResult) -> dict[int, str]:
    """'id · label' for each topic, with a dagger on topics that vanish when one article is left out."""
    fragile = set(fragile_topics(result))
    return {t: f"{t} · {label}" + (" †" if t in fragile else "") for t, label in sorted(result.labels.items())}


def development_score(path=None) -> pd.DataFrame:
    """The topic stage's score on the development corpus, as ``benchmarks/bench_topics.py`` last wrote it.

    Columns: corpus, n_articles, n_themes, unit, k, nmi, purity, best_baseline, best_baseline_nmi.
    """
    return read_data_table(Path(path) if path else DEVELOPMENT_SCORE_FILE, dtype=None)


def requested_k(n_topics) -> int | None:
    """None when ``n_topics`` asks the stage to choose (0 or "auto"), else the positive whole number given."""
    if isinstance(n_topics, str) and n_topics.strip().lower() == "auto":
        return None
    if isinstance(n_topics, (bool, np.bool_)) or not isinstance(n_topics, (int, np.integer)) or n_topics < 0:
        raise TopicModelError(f"Parameter 'n_topics' must be a positive whole number, or 0 to choose k from the "
                              f"diagnostics, not {n_topics!r}.")
    return None if n_topics == 0 else int(n_topics)


def fit_topic_stage(corpus, *, unit: str = "auto", model: str = "nmf", n_topics: int | str = 0,
                    k_min: int = 2, k_max: int = K_MAX, n_restarts: int = 10, stem: bool = False,
                    random_seed: int, n_resamples: int = DEFAULT_RESAMPLES,
                    max_share: float = MAX_ARTICLE_SHARE) -> TopicResult:
    """Choose the units and k (unless given), fit the model, and compute labels, FREX, typical passages, the
    articles × topics view, prevalence per period and leave-one-out refits.

    ``n_topics`` 0 (or "auto") chooses k among ``k_min`` … ``k_max``, capped by :func:`k_cap`. Linear algebra runs
    on one thread: the stage fits hundreds of small models, and multi-threaded BLAS on small matrices is slower
    (far slower when the machine is busy) and gains nothing.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _fit_topic_stage(corpus, unit=unit, model=model, n_topics=n_topics, k_min=k_min, k_max=k_max,
                                n_restarts=n_restarts, stem=stem, random_seed=random_seed, n_resamples=n_resamples,
                                max_share=max_share)


@dataclass
class ModelUnits:
    """The modelled units as fitting reads them, on either engine: each unit's article, period and topic-word tokens
    (in unit order), the number of terms, and a function giving some units' rows (sorted unit indices -> their
    model-matrix rows and count rows), so a partitioned corpus's units are read only where a sample needs them."""

    doc_ids: np.ndarray
    periods: np.ndarray
    tokens: np.ndarray
    n_terms: int
    rows: Callable

    @property
    def n_units(self) -> int:
        return len(self.tokens)


def in_memory_units(matrix, counts, doc_ids: np.ndarray, periods: np.ndarray) -> ModelUnits:
    """:class:`ModelUnits` of a model matrix and its counts held in this process."""
    return ModelUnits(np.asarray(doc_ids), np.asarray(periods), np.asarray(counts.sum(axis=1)).ravel(), counts.shape[1],
                      lambda rows: (matrix[rows], counts[rows]))


@dataclass
class ChosenModel:
    """The k search's outcome and the final fit: ``fit.shares`` are every unit's when ``fit_rows`` is None, else
    those of the units in ``fit_rows`` only (every unit is then scored with :func:`score_units`)."""

    k: int
    k_search: pd.DataFrame
    fit: Fit
    fit_rows: np.ndarray | None
    cap: int


def choose_model(units: ModelUnits, *, unit: str, model: str, requested: int | None, k_min: int, k_max: int,
                 n_restarts: int, random_seed: int, notes: list[str]) -> ChosenModel:
    """Choose k among ``k_min`` … ``k_max`` (unless ``requested``) on a seeded sample of units, then fit the final
    model (from every restart on a small corpus; once, on a seeded sample of at most ``FINAL_MAX_UNITS`` units, on
    a large one). Reduced-fidelity choices are appended to ``notes``."""
    n_units = units.n_units
    n_articles = len(np.unique(units.doc_ids))
    cap = k_cap(n_articles)
    fits: dict[int, Fit] = {}
    small = units.tokens.sum() <= SEARCH_MAX_TOKENS[model]  # small enough to fit from every start, on every unit
    if requested is None:
        k_values = [k for k in range(max(2, k_min), min(k_max, cap) + 1) if k < n_units]
        if not k_values:
            raise TopicModelError(f"Parameter 'n_topics' asks to choose k, but {n_articles:,} articles in {n_units:,} "
                                  f"{unit} units allow no k in {k_min}–{k_max} (at most {cap}: one topic per "
                                  f"{ARTICLES_PER_TOPIC} articles); lower k_min or use more articles.")
        sample = _sample_tokens(units.tokens, SEARCH_MAX_TOKENS[model], ARTICLES_PER_TOPIC * max(k_values), random_seed)
        matrix, counts = units.rows(sample)
        if len(sample) < n_units:
            in_sample = int(np.count_nonzero(counts.getnnz(axis=0)))
            notes.append(f"The k search fitted each candidate on a seeded sample of {len(sample):,} of {n_units:,} units "
                         f"and the {in_sample:,} of {units.n_terms:,} terms that occur in them ({n_restarts} restarts "
                         "each); the final model uses "
                         + ("every unit." if n_units <= FINAL_MAX_UNITS else "a larger sample and scores every unit."))
        presence = (counts > 0).astype(float)  # the sampled units only: no 0/1 float copy of all counts
        k_search, fits = search_k(matrix, presence, units.doc_ids[sample], model, k_values, n_restarts=n_restarts,
                                  random_state=random_seed, sample=len(sample) < n_units)  # fits on the sample when sampled
        k = int(k_search.loc[k_search["chosen"], "k"].iloc[0])
    else:
        if requested >= n_units:
            raise TopicModelError(f"Parameter 'n_topics' = {requested} is not smaller than the number of {unit} units "
                                  f"({n_units:,}); choose fewer topics or the 'paragraph' unit.")
        k = requested
        k_search = pd.DataFrame(columns=["k", "coherence", "coherence_sd", "exclusivity", "stability_restarts",
                                         "stability_articles", "admissible", "chosen"])
    if small:
        final = fits.get(k) or best_fit(restart_fits(units.rows(np.arange(n_units))[0], model, k, random_seed, n_restarts))
        return ChosenModel(k, k_search, final, None, cap)
    # large corpus: one fit, from the start that did best in the search (NNDSVDa when k was given)
    start = fits[k].start if k in fits else 0
    init = "nndsvda" if start == 0 else "random"
    if n_units <= FINAL_MAX_UNITS:
        notes.append(f"The final model was fitted once on all {n_units:,} units, from the start that did best in "
                     "the search, not from every restart.")
        return ChosenModel(k, k_search, fit_model(units.rows(np.arange(n_units))[0], model, k, random_seed + start,
                                                  init=init), None, cap)
    fit_rows = _sample(n_units, FINAL_MAX_UNITS, random_seed)
    notes.append(f"The final model was fitted once, from the start that did best in the search, on a seeded "
                 f"sample of {FINAL_MAX_UNITS:,} of the {n_units:,} units; every unit's topic shares were then "
                 "estimated with its topics.")
    final = fit_model(units.rows(fit_rows)[0], model, k, random_seed + start, init=init, sample=True)
    return ChosenModel(k, k_search, final, fit_rows, cap)


def term_tables(weights: np.ndarray, terms: np.ndarray) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """Each topic's label (its top ``LABEL_TERMS`` terms), its top terms and its FREX terms, topics in the order of
    ``weights``' rows (topic 1 first)."""
    topic_ids = list(range(1, len(weights) + 1))
    top = top_term_indices(weights)
    labels = {t: " · ".join(terms[top[t - 1, :LABEL_TERMS]]) for t in topic_ids}
    frex, exclusivity = frex_scores(weights)
    term_rows, frex_rows = [], []
    for t in topic_ids:
        for rank, index in enumerate(top[t - 1], start=1):
            term_rows.append({"topic": t, "label": labels[t], "rank": rank, "term": terms[index],
                              "weight": float(weights[t - 1, index]), "exclusivity": float(exclusivity[t - 1, index])})
        frex_top = np.lexsort((np.arange(len(terms)), -frex[t - 1]))[:TOP_TERMS]
        for rank, index in enumerate(frex_top, start=1):
            frex_rows.append({"topic": t, "label": labels[t], "rank": rank, "term": terms[index],
                              "frex": float(frex[t - 1, index]), "exclusivity": float(exclusivity[t - 1, index]),
                              "weight": float(weights[t - 1, index])})
    return labels, pd.DataFrame(term_rows), pd.DataFrame(frex_rows)


def period_tables(comparison, labels: dict, periods: list[str], loo: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prevalence per period and the period shifts (with the leave-one-out refits' summary) from the bootstrap of
    the topic-share columns (:func:`analysis.core.bootstrap.compare_periods`)."""
    prevalence = comparison.estimates.rename(columns={"estimate": "share"})
    prevalence.insert(0, "topic", prevalence["measure"].str.removeprefix("topic_").astype(int))
    prevalence.insert(1, "label", prevalence["topic"].map(labels))
    differences = comparison.differences.drop(columns=LOO_COLUMNS)
    differences.insert(0, "topic", differences["measure"].str.removeprefix("topic_").astype(int))
    differences.insert(1, "label", differences["topic"].map(labels))
    differences.insert(2, "period_a", periods[0])
    differences.insert(3, "period_b", periods[1])
    differences = differences.merge(_loo_summary(differences, loo), on="topic", how="left")
    return (prevalence.drop(columns="measure")[["topic", "label", "period", "share", "ci_low", "ci_high", "n_docs", "n_units"]],
            differences.drop(columns="measure"))


def refit_note(loo_mode: str, model: str, n_articles: int) -> list[str]:
    """The note the report shows when leave-one-out left out groups of articles rather than each article."""
    if loo_mode == "article":
        return []
    return [f"Leave-one-out drops one of {LOO_GROUPS} seeded groups of articles in turn (not each of the "
            f"{n_articles:,} articles), refitting on at most {REFIT_MAX_UNITS[model]:,} units."]


def checked_parameters(unit: str, model: str, n_topics, n_restarts: int) -> int | None:
    """Check the stage's parameters (either engine) and return the k asked for (None: choose it); a bad value raises
    :class:`TopicModelError` naming the parameter and what it may be."""
    if unit not in UNITS:
        raise TopicModelError(f"Parameter 'unit' must be one of {UNITS}, not {unit!r}.")
    if model not in MODELS:
        raise TopicModelError(f"Parameter 'model' must be one of {MODELS}, not {model!r}.")
    if n_restarts < 2:
        raise TopicModelError(f"Parameter 'n_restarts' must be at least 2 to measure stability (got {n_restarts}).")
    return requested_k(n_topics)


def _fit_topic_stage(corpus, *, unit, model, n_topics, k_min, k_max, n_restarts, stem, random_seed, n_resamples,
                     max_share) -> TopicResult:
    requested = checked_parameters(unit, model, n_topics, n_restarts)
    units, excluded, unit, unit_rule, kept, texts = _topic_units(corpus, unit, article_text=False)
    passages = kept if unit == "document" else None
    matrix, counts, terms, common, passage_counts = model_matrix(
        units, model, stem=stem, max_share=max_share, weight_by_length=unit == "paragraph", passages=passages,
        passage_texts=texts if unit == "document" else None)
    modelled = in_memory_units(matrix, counts, units["doc_id"].to_numpy(), units["period"].to_numpy())
    notes: list[str] = []
    chosen = choose_model(modelled, unit=unit, model=model, requested=requested, k_min=k_min, k_max=k_max,
                          n_restarts=n_restarts, random_seed=random_seed, notes=notes)
    k, final = chosen.k, chosen.fit
    all_shares = final.shares if chosen.fit_rows is None else score_units(matrix, model, final)
    order = order_topics(all_shares.mean(axis=0), final.weights, terms)
    shares, weights = all_shares[:, order], final.weights[order]
    labels, term_table, frex_table = term_tables(weights, terms)

    columns = [f"topic_{t}" for t in sorted(labels)]
    unit_topics = pd.concat([units[["unit_id", "doc_id", "period", "outlet", "weight"]],
                             pd.DataFrame(shares, columns=columns)], axis=1)
    articles = article_topics(unit_topics, columns)
    if unit == "paragraph":
        examples = typical_passages(units, unit, shares, units, articles, labels)
    else:
        examples = typical_passages(units, unit, passage_scores(passage_counts, counts, weights), passages, articles, labels,
                                    paragraph_texts=texts)

    periods = corpus.period_names[:2]
    comparison = compare_periods(article_sums(unit_topics, columns), columns, periods[0], periods[1],
                                 random_state=random_seed, n_resamples=n_resamples, weight_column="weight", summed="n_units")
    loo, loo_mode = leave_one_out_refits(modelled, model, k, weights, periods, random_state=random_seed)
    loo["label"] = loo["topic"].map(labels)
    prevalence, differences = period_tables(comparison, labels, periods, loo)
    notes += refit_note(loo_mode, model, units["doc_id"].nunique())
    return TopicResult(
        model=model, unit=unit, k=k, k_search=chosen.k_search, topics=term_table, frex=frex_table, labels=labels,
        unit_topics=unit_topics, examples=examples, prevalence=prevalence, differences=differences,
        leave_one_out=loo, loo_mode=loo_mode, n_units=len(units), n_terms=len(terms), notes=notes,
        article_topics=articles, common_terms=common, excluded_units=excluded, unit_rule=unit_rule, k_cap=chosen.cap,
    )


def leave_one_out_refits(units: ModelUnits, model: str, k: int, weights: np.ndarray, periods: list[str], *,
                         random_state: int) -> tuple[pd.DataFrame, str]:
    """Refit without each article (or group of articles) in turn; match each original topic to its most similar
    refit topic (cosine of term weights, one-to-one) and recompute its period shift among the remaining units.

    Returns rows (left_out, topic, similarity, found, difference) and what was left out ("article" or "group").
    ``found`` is False when no refit topic reaches cosine 0.5: without that article the topic does not exist.
    """
    from scipy.optimize import linear_sum_assignment

    doc_ids = np.unique(units.doc_ids)
    if len(doc_ids) <= LOO_MAX_GROUPS:
        groups = {doc: [doc] for doc in doc_ids}
        mode = "article"
    else:
        assignment = np.random.default_rng(random_state).permutation(len(doc_ids)) % LOO_GROUPS
        groups = {f"group {g + 1}": list(doc_ids[assignment == g]) for g in range(LOO_GROUPS)}
        mode = "group"
    reference = weights / np.maximum(np.linalg.norm(weights, axis=1, keepdims=True), 1e-300)
    unit_docs = pd.Series(units.doc_ids)
    unit_periods = units.periods
    rows = []
    for name, dropped in progress(groups.items(), f"leave-one-{mode}-out refits", total=len(groups)):
        keep = np.flatnonzero(~unit_docs.isin(dropped).to_numpy())
        kept_periods = unit_periods[keep]
        if not (kept_periods == periods[0]).any() or not (kept_periods == periods[1]).any() or len(keep) <= k:
            continue
        chosen = keep[_sample(len(keep), REFIT_MAX_UNITS[model], random_state)]
        shares, refit_weights = fit(units.rows(chosen)[0], model, k, random_state, sample=len(chosen) < len(keep))
        refit = refit_weights / np.maximum(np.linalg.norm(refit_weights, axis=1, keepdims=True), 1e-300)
        similarity = reference @ refit.T
        original, matched = linear_sum_assignment(-similarity)
        period = unit_periods[chosen]
        for t, m in zip(original, matched):
            in_a, in_b = period == periods[0], period == periods[1]
            difference = float(shares[in_b, m].mean() - shares[in_a, m].mean()) if in_a.any() and in_b.any() else np.nan
            rows.append({"left_out": name, "topic": int(t) + 1, "similarity": float(similarity[t, m]),
                         "found": bool(similarity[t, m] >= MATCH_THRESHOLD), "difference": difference})
    table = pd.DataFrame(rows, columns=["left_out", "topic", "similarity", "found", "difference"])
    return table.sort_values(["topic", "left_out"], ignore_index=True), mode


def _loo_summary(differences: pd.DataFrame, loo: pd.DataFrame) -> pd.DataFrame:
    """Per topic: range of its shift over refits, whether its sign survives, the article that reverses it, the ones
    it is not found without (``topic_lost_without``) and the one that moves it most (one implementation for every
    measure: :func:`analysis.core.robustness.leave_one_out_summary`)."""
    summary = leave_one_out_summary(differences[["topic", "difference"]], loo, key="topic")
    return summary.rename(columns={"lost_without": "topic_lost_without"})
