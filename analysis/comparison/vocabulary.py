"""Distinctive vocabulary of two periods: Monroe, Colaresi and Quinn's log-odds with a Dirichlet prior.

Adds what a reader needs beside the paper's z-scores: multiple-testing adjustment, an effect size, keyword-in-context lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.pattern_screen import Screen, fold_case, screen
from analysis.core.preprocess import document_term_matrix, term_regex
from analysis.core.robustness import leave_one_out_summary

DEFAULT_PRIOR_SCALE = 0.5  # informative prior: pooled counts scaled so α_0 is half the words observed
DEFAULT_ALPHA = 0.05  # false discovery rate for the Benjamini–Hochberg threshold
ARTICLE_COLUMNS = ["articles_a", "articles_b", "n_articles"]  # in how many articles of each period a term occurs


def _log_odds(y_a, y_b, alpha, n_a, n_b, alpha_0):
    """The one log-odds kernel (Monroe, Colaresi and Quinn 2008, eq. 16 and 18): δ and its variance from the counts
    ``y`` of a term in each group, its prior α, the groups' sizes ``n`` and the prior's total α_0 (numbers, arrays
    or Series, element by element)."""
    delta = (np.log((y_a + alpha) / (n_a + alpha_0 - y_a - alpha))
             - np.log((y_b + alpha) / (n_b + alpha_0 - y_b - alpha)))
    return delta, 1 / (y_a + alpha) + 1 / (y_b + alpha)


def log_odds_dirichlet(counts_a: pd.Series, counts_b: pd.Series, prior: pd.Series | float) -> pd.DataFrame:
    """Log-odds ratio with informative Dirichlet prior (Monroe, Colaresi and Quinn 2008, eq. 16–22).

    Indexed by term (the union of both indexes, missing counts 0), columns ``delta``, ``variance`` and ``z``;
    positive ``z`` means the term is distinctive of ``a``. ``prior`` is α_w per term (a Series; terms it lacks get
    0 and must then be observed on both sides) or one number used for every term.

    >>> a = pd.Series({"gas": 10, "war": 0}); b = pd.Series({"gas": 2, "war": 8})
    >>> log_odds_dirichlet(a, b, 1.0).round(3).reset_index()
      term  delta  variance      z
    0  gas  3.497     0.424  5.368
    1  war -3.497     1.111 -3.317
    """
    terms = counts_a.index.union(counts_b.index)
    y_a = counts_a.reindex(terms, fill_value=0).astype(float)
    y_b = counts_b.reindex(terms, fill_value=0).astype(float)
    if (y_a < 0).any() or (y_b < 0).any():
        raise ValueError("log_odds_dirichlet: counts must not be negative; pass raw term counts per group.")
    if isinstance(prior, pd.Series):
        alpha = prior.reindex(terms, fill_value=0).astype(float)
    else:
        alpha = pd.Series(float(prior), index=terms)
    if (alpha < 0).any():
        raise ValueError("log_odds_dirichlet: the prior must be non-negative for every term.")
    empty = ((y_a + alpha) == 0) | ((y_b + alpha) == 0)
    if empty.any():
        missing = ", ".join(map(str, terms[empty.to_numpy()][:5]))
        raise ValueError(f"log_odds_dirichlet: terms with zero count and zero prior on one side ({missing}); "
                         "give every term a positive prior (for example a scalar such as 0.01).")
    delta, variance = _log_odds(y_a, y_b, alpha, y_a.sum(), y_b.sum(), alpha.sum())
    table = pd.DataFrame({"delta": delta, "variance": variance, "z": delta / np.sqrt(variance)})
    table.index.name = "term"
    return table


def informative_prior(counts_a: pd.Series, counts_b: pd.Series, scale: float = DEFAULT_PRIOR_SCALE) -> pd.Series:
    """α_w proportional to the pooled count of w, with α_0 = ``scale`` × all words of both groups.

    This is the paper's informative prior with the two periods themselves as the background corpus: it shrinks
    rare terms towards no difference, so a word seen twice cannot look as distinctive as one seen twenty times.
    """
    if scale <= 0:
        raise ValueError(f"prior_scale must be positive (got {scale}); 0.5 means the prior weighs half the observed words.")
    pooled = counts_a.add(counts_b, fill_value=0).astype(float)
    return pooled * scale


def distinctive_vocabulary(counts_a: pd.Series, counts_b: pd.Series, *, prior_scale: float = DEFAULT_PRIOR_SCALE,
                           alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """One row per term: counts and rates per 1,000 words in each group, the paper's δ, σ² and z, p-values.

    ``p_adjusted`` is Benjamini–Hochberg over all terms (scipy's ``false_discovery_control``);
    ``significant`` means ``p_adjusted < alpha``.
    The effect size is ``delta`` (a log-odds ratio; ``odds_ratio`` is its exponential), the change in how
    often the term is used, independent of how many words a period has. Sorted by z, most distinctive of ``a`` first.
    """
    table = log_odds_dirichlet(counts_a, counts_b, informative_prior(counts_a, counts_b, prior_scale))
    y_a = counts_a.reindex(table.index, fill_value=0)
    y_b = counts_b.reindex(table.index, fill_value=0)
    table.insert(0, "count_a", y_a.astype(int))
    table.insert(1, "count_b", y_b.astype(int))
    table.insert(2, "per_1000_a", 1000 * y_a / max(counts_a.sum(), 1))
    table.insert(3, "per_1000_b", 1000 * y_b / max(counts_b.sum(), 1))
    table["odds_ratio"] = np.exp(table["delta"])
    from scipy import stats  # heavy: imported when used, so reading a stored comparison does not pay for it

    table["p_value"] = 2 * stats.norm.sf(table["z"].abs())
    table["p_adjusted"] = stats.false_discovery_control(table["p_value"].to_numpy(), method="bh")
    table["significant"] = table["p_adjusted"] < alpha
    table = table.reset_index()
    return table.sort_values(["z", "term"], ascending=[False, True], kind="mergesort", ignore_index=True)


def top_terms(table: pd.DataFrame, n: int, labels: tuple[str, str]) -> pd.DataFrame:
    """The ``n`` terms most distinctive of each side (largest z for ``a``, smallest for ``b``), with a ``favours`` column."""
    ordered = table.sort_values(["z", "term"], ascending=[False, True], kind="mergesort")
    top_a = ordered[ordered["z"] > 0].head(n).assign(favours=labels[0])
    top_b = ordered[ordered["z"] < 0].iloc[::-1].head(n).assign(favours=labels[1])
    return pd.concat([top_a, top_b], ignore_index=True)


def period_term_counts(matrix, terms, doc_periods, period: str) -> pd.Series:
    """Total count of each term over the documents of ``period`` (``matrix``: documents × terms, sparse)."""
    mask = np.asarray(doc_periods) == period
    return pd.Series(np.asarray(matrix[mask].sum(axis=0)).ravel(), index=pd.Index(terms, name="term"))


def leave_one_out_terms(matrix, terms, doc_ids, doc_periods, chosen: list[str], labels: tuple[str, str], *,
                        prior_scale: float = DEFAULT_PRIOR_SCALE) -> pd.DataFrame:
    """z of each ``chosen`` term when each document is left out in turn, the prior recomputed without it.

    ``matrix`` is documents × terms (sparse counts) in the order of ``doc_ids`` and ``doc_periods``. Vectorized
    over documents: one column per chosen term, so 10,000 documents cost as little as five. Rows (left_out,
    term, z), sorted by term and document; documents outside the two periods are ignored.
    """
    position = {term: index for index, term in enumerate(terms)}
    # every chosen term's column in one pass over the matrix, not one pass per term
    columns = matrix[:, [position[term] for term in chosen]].toarray() if chosen else np.zeros((matrix.shape[0], 0))
    return leave_one_out_columns(columns, np.asarray(matrix.sum(axis=1)).ravel(), doc_ids, doc_periods, chosen, labels,
                                 prior_scale=prior_scale)


def leave_one_out_columns(columns: np.ndarray, lengths: np.ndarray, doc_ids, doc_periods, chosen: list[str],
                          labels: tuple[str, str], *, prior_scale: float = DEFAULT_PRIOR_SCALE) -> pd.DataFrame:
    """:func:`leave_one_out_terms` from each document's count of each ``chosen`` term (``columns``: documents ×
    chosen terms) and its count of all terms (``lengths``): all it reads of the document-term matrix, so a corpus in
    partitions (the Dask engine) sends these instead."""
    doc_ids = np.asarray(doc_ids)
    periods = np.asarray(doc_periods)
    keep = np.isin(periods, labels)
    columns, doc_ids, periods = columns[keep], doc_ids[keep], periods[keep]
    in_a = periods == labels[0]
    lengths = np.asarray(lengths)[keep].astype(float)
    n_a, n_b = lengths[in_a].sum(), lengths[~in_a].sum()
    n_a_loo = n_a - np.where(in_a, lengths, 0)
    n_b_loo = n_b - np.where(in_a, 0, lengths)
    alpha_0 = prior_scale * (n_a_loo + n_b_loo)
    # the rows are built in (term, document) order when terms and documents sort without ties, so the table needs
    # no sort (two million rows at 100,000 articles); otherwise they are sorted at the end as before
    order = _sorted_positions(doc_ids) if len(set(chosen)) == len(chosen) else None
    frames = []
    for number in (sorted(range(len(chosen)), key=chosen.__getitem__) if order is not None else range(len(chosen))):
        term = chosen[number]
        column = columns[:, number].astype(float)
        y_a = column[in_a].sum() - np.where(in_a, column, 0)
        y_b = column[~in_a].sum() - np.where(in_a, 0, column)
        alpha = prior_scale * (y_a + y_b)
        with np.errstate(divide="ignore", invalid="ignore"):
            delta, variance = _log_odds(y_a, y_b, alpha, n_a_loo, n_b_loo, alpha_0)
            z = delta / np.sqrt(variance)
        empties = (n_a_loo == 0) | (n_b_loo == 0) | (y_a + y_b == 0)
        z = np.where(empties, np.nan, z)
        frames.append((term, z) if order is not None else pd.DataFrame({"left_out": doc_ids, "term": term, "z": z}))
    if not frames:
        return pd.DataFrame(columns=["left_out", "term", "z"])
    if order is None:
        return pd.concat(frames, ignore_index=True).sort_values(["term", "left_out"], ignore_index=True)
    # the document column made once, as a table of one term holds it, then joined once per term
    documents = pd.DataFrame({"left_out": doc_ids[order]})
    table = pd.concat([documents] * len(frames), ignore_index=True)
    table["term"] = pd.concat([pd.DataFrame({"term": term}, index=documents.index) for term, _ in frames],
                              ignore_index=True)["term"]
    table["z"] = np.concatenate([z[order] for _, z in frames])
    return table


def _sorted_positions(values: np.ndarray) -> np.ndarray | None:
    """The positions that put ``values`` in ascending order, when they are distinct and comparable (document ids);
    else None."""
    if len(pd.unique(values)) != len(values) or pd.isna(values).any():
        return None
    try:
        return np.argsort(values, kind="stable")
    except TypeError:  # values of kinds that do not compare
        return None


def term_robustness(top: pd.DataFrame, loo: pd.DataFrame, threshold: float = 1.96) -> pd.DataFrame:
    """Per top term: its z and what leaving out each article does to it (see
    :func:`analysis.core.robustness.leave_one_out_summary`).

    ``side_survives``: no removal moves z to the other side or to zero, and none makes the term vanish (z cannot
    be computed when the term no longer occurs: it is then lost, named in ``lost_without``, and does not survive);
    ``stays_beyond_threshold``: besides, |z| stays above ``threshold`` in every run. ``reversed_by``/``reversed_to_z``
    name the article that moves z furthest to the other side, ``largest_mover``/``largest_mover_z`` the one that moves
    it most. Columns of ``top`` that count articles (``articles_a``, ``articles_b``, ``n_articles``) are kept.
    """
    summary = leave_one_out_summary(top[["term", "z"]], loo, key="term", value="z")
    table = top[["term", "favours", "z"] + [c for c in ARTICLE_COLUMNS if c in top]].merge(summary, on="term", how="left")
    runs = loo.groupby("term")["z"]
    beyond = runs.apply(lambda z: bool(len(z) and z.notna().all() and (z.abs() > threshold).all()))
    table["stays_beyond_threshold"] = table["term"].map(beyond).fillna(False).astype(bool)
    table = table.rename(columns={"loo_min": "loo_min_z", "loo_max": "loo_max_z", "sign_survives": "side_survives",
                                  "reversed_to": "reversed_to_z", "largest_mover_to": "largest_mover_z"})
    columns = (["term", "favours", "z"] + [c for c in ARTICLE_COLUMNS if c in top]
               + ["loo_min_z", "loo_max_z", "side_survives", "stays_beyond_threshold", "reversed_by", "reversed_to_z",
                  "n_reversing", "lost_without", "largest_mover", "largest_mover_z"])
    return table[columns]


def article_counts(matrix, terms, doc_periods, labels: tuple[str, str]) -> pd.DataFrame:
    """In how many articles of each period each term occurs: term, ``articles_a``, ``articles_b``, ``n_articles``."""
    presence = (matrix > 0).astype(int)
    in_a = period_term_counts(presence, terms, doc_periods, labels[0])
    in_b = period_term_counts(presence, terms, doc_periods, labels[1])
    return pd.DataFrame({"term": np.asarray(terms), "articles_a": in_a.to_numpy().astype(int),
                         "articles_b": in_b.to_numpy().astype(int), "n_articles": (in_a + in_b).to_numpy().astype(int)})


KWIC_COLUMNS = ["period", "doc_id", "outlet", "sent_id", "left", "keyword", "right"]


KWIC_WIDTH = 70  # characters of context on each side of a keyword
KWIC_CHUNK = 20_000  # sentences turned into Python strings at a time while looking for a term's contexts


def _period_positions(sentences: pd.DataFrame, order_by: str) -> list[tuple[str, np.ndarray]]:
    """Per period (sorted), the positions of its sentences in ``order_by`` order (stable): only the sort key is copied."""
    ordered = sentences[order_by].reset_index(drop=True).sort_values(kind="mergesort").index.to_numpy()
    codes, periods = pd.factorize(sentences["period"], sort=True)
    codes = codes[ordered]
    return [(period, ordered[codes == number]) for number, period in enumerate(periods)]


def _folded_texts(texts: list[str], joined: str) -> tuple[str, list[int]]:
    """``joined`` (the texts joined by line breaks) case-folded as case-insensitive patterns compare
    (:func:`analysis.core.pattern_screen.fold_case`), one character for one; a text whose folding changes its length
    ('İ') is left out as blanks, and its number is returned so it is searched whatever the screen says."""
    folded = fold_case(joined)
    if folded is not None:
        return folded, []
    parts = [fold_case(text) for text in texts]
    return "\n".join(" " * len(text) if part is None else part for part, text in zip(parts, texts)), [
        number for number, part in enumerate(parts) if part is None]


def _texts_to_search(found: Screen, joined: str, folded: str, unfolded: list[int], starts: list[int]) -> list[int] | None:
    """The numbers of the joined texts (text ``i`` begins at ``starts[i]``) that may contain a match of the pattern
    whose :class:`analysis.core.pattern_screen.Screen` is ``found`` (a match has every string of one of its alternatives,
    so it has that alternative's longest), in order; None when the screen requires nothing.

    A rare term has to be looked for in every sentence of a period; finding its strings in the chunk's joined text
    takes a fraction of the time of running the pattern on each sentence, which then runs only where they occur.
    """
    if not found.contains:
        return None
    numbers = set(unfolded)
    for alternative in found.contains:
        string, is_folded = max(alternative, key=lambda item: len(item[0]))
        text = folded if is_folded else joined
        position = text.find(string)
        while position >= 0:
            numbers.add(bisect_right(starts, position) - 1)
            position = text.find(string, position + 1)
    return sorted(numbers)


def context_candidates(sentences: pd.DataFrame, patterns: list[re.Pattern], per_period: int, width: int,
                       order_by: str) -> pd.DataFrame:
    """The sentences that may be shown as each pattern's keyword in context (see :func:`keyword_in_context`): per
    pattern and period, the first match of each of the first ``per_period`` documents, and up to ``per_period``
    later matches in documents already seen (``first`` False), each as a formatted row with its ``order`` value.

    The sentences are read KWIC_CHUNK at a time, in order, for all patterns together; a pattern stops reading a
    period once it has ``per_period`` sentences from different documents, and a period stops being read once every
    pattern has. :func:`choose_contexts` picks the rows shown, from one table's candidates or from several tables'
    (the partitions of a corpus: an article is in one of them, so its first match is found there).
    """
    rows: list[dict] = []
    screens = [screen(pattern, whole_line=False) for pattern in patterns]
    for period, positions in _period_positions(sentences, order_by):
        states = [([], [], set()) for _ in patterns]  # per pattern: first match per document, repeats, documents seen
        reading = list(range(len(patterns)))
        for begin in range(0, len(positions), KWIC_CHUNK):
            if not reading:
                break
            chunk = positions[begin:begin + KWIC_CHUNK]
            texts, doc_ids = sentences["text"].iloc[chunk].tolist(), sentences["doc_id"].iloc[chunk].tolist()
            joined = "\n".join(texts)
            folded, unfolded = _folded_texts(texts, joined)
            starts = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]]).tolist()
            still = []
            for number in reading:
                first_per_doc, repeats, seen = states[number]
                candidates = _texts_to_search(screens[number], joined, folded, unfolded, starts)
                for index in range(len(texts)) if candidates is None else candidates:
                    text = texts[index]
                    match = patterns[number].search(text)
                    if match is None:
                        continue
                    if doc_ids[index] not in seen:
                        first_per_doc.append((chunk[index], match, text))
                    elif len(repeats) < per_period:  # later repeats are never shown
                        repeats.append((chunk[index], match, text))
                    seen.add(doc_ids[index])
                    if len(first_per_doc) >= per_period:
                        break
                else:
                    still.append(number)
            reading = still
        for number, (first_per_doc, repeats, _) in enumerate(states):
            for first, found in ((True, first_per_doc), (False, repeats)):
                for position, match, text in found:
                    row = sentences.iloc[position]
                    left, right = text[:match.start()], text[match.end():]
                    rows.append({"pattern": number, "first": first, "order": row[order_by], "period": period,
                                 "doc_id": row["doc_id"], "outlet": row["outlet"], "sent_id": row["sent_id"],
                                 "left": ("…" + left[-width:]) if len(left) > width else left, "keyword": match.group(0),
                                 "right": (right[:width] + "…") if len(right) > width else right})
    return pd.DataFrame(rows, columns=["pattern", "first", "order", *KWIC_COLUMNS])


def choose_contexts(candidates: pd.DataFrame, n_patterns: int, per_period: int) -> list[pd.DataFrame]:
    """Each pattern's rows shown, from :func:`context_candidates` (of one table, or of several joined): per period,
    the first matches of different documents in order, then repeats, ``per_period`` in all."""
    shown = []
    for (_, _), part in candidates.groupby(["pattern", "period"], sort=True):
        firsts, repeats = (part[part["first"] == flag].sort_values("order", kind="mergesort") for flag in (True, False))
        shown.append(pd.concat([firsts, repeats]).head(per_period))
    chosen = pd.concat(shown, ignore_index=True) if shown else candidates.iloc[:0]
    return [chosen.loc[chosen["pattern"] == number, KWIC_COLUMNS].sort_values(["period", "sent_id"], ignore_index=True)
            for number in range(n_patterns)]


def _context_rows(sentences: pd.DataFrame, patterns: list[re.Pattern], per_period: int, width: int,
                  order_by: str) -> list[pd.DataFrame]:
    """Each pattern's keyword-in-context rows (see :func:`keyword_in_context`)."""
    return choose_contexts(context_candidates(sentences, patterns, per_period, width, order_by), len(patterns), per_period)


def keyword_in_context(sentences: pd.DataFrame, pattern: re.Pattern, *, per_period: int = 2, width: int = 70,
                       order_by: str = "sent_id") -> pd.DataFrame:
    """Up to ``per_period`` sentences per period that contain ``pattern``: left context, keyword, right context.

    ``sentences`` needs columns period, doc_id, outlet, sent_id and text. Sentences from different documents are
    preferred (one per document before a second from the same one), in ``order_by`` order. The scan of a period
    stops as soon as it has ``per_period`` sentences from different documents, so frequent terms cost little.
    """
    return _context_rows(sentences, [pattern], per_period, width, order_by)[0]


def terms_in_context(sentences: pd.DataFrame, top: pd.DataFrame, *, per_period: int = 2) -> pd.DataFrame:
    """Keyword-in-context lines for every term of ``top`` (columns term, favours), from both periods; the
    sentences are read once for all terms, a chunk at a time."""
    if top.empty:
        return context_table([], top)
    return context_table(_context_rows(sentences, [term_regex(term) for term in top["term"]], per_period, KWIC_WIDTH,
                                       "sent_id"), top)


def context_table(rows: list[pd.DataFrame], top: pd.DataFrame) -> pd.DataFrame:
    """The keyword-in-context table of the terms of ``top``: each term's rows (in ``top``'s order) with its term and
    the period it favours."""
    columns = ["term", "favours", "period", "doc_id", "outlet", "sent_id", "left", "keyword", "right"]
    if top.empty:
        return pd.DataFrame(columns=columns)
    found = [part.assign(term=row.term, favours=row.favours) for part, row in zip(rows, top.itertuples(index=False))]
    return pd.concat(found, ignore_index=True)[columns]


@dataclass
class VocabularyComparison:
    """Everything the report shows about distinctive vocabulary."""

    table: pd.DataFrame  # every term: counts, articles per period, rates, delta, variance, z, p-values, significant
    top: pd.DataFrame  # the top terms of each side, with ``favours``
    robustness: pd.DataFrame  # per top term: articles, z range over leave-one-out runs, survives or not, and why
    leave_one_out: pd.DataFrame  # left_out, term, z
    kwic: pd.DataFrame  # term, favours, period, doc_id, outlet, sent_id, left, keyword, right
    words: dict  # period -> number of counted terms (after stopwords)


def vocabulary_table(counts_a: pd.Series, counts_b: pd.Series, occurs: pd.DataFrame, *,
                     prior_scale: float = DEFAULT_PRIOR_SCALE, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """Every term's log-odds row (:func:`distinctive_vocabulary`) with the articles it occurs in (``occurs``, from
    :func:`article_counts`): what the comparison needs from the corpus is these per-period sums, nothing more."""
    table = distinctive_vocabulary(counts_a, counts_b, prior_scale=prior_scale, alpha=alpha)
    table = table.merge(occurs, on="term", how="left")
    return table[["term", "count_a", "count_b"] + ARTICLE_COLUMNS
                 + [c for c in table.columns if c not in ["term", "count_a", "count_b"] + ARTICLE_COLUMNS]]


def vocabulary_comparison(documents: pd.DataFrame, sentences: pd.DataFrame, periods: list[str], *,
                          prior_scale: float = DEFAULT_PRIOR_SCALE, alpha: float = DEFAULT_ALPHA, top_n: int = 10,
                          kwic_per_period: int = 2, texts=None, phrases: tuple[str, ...] | None = None
                          ) -> VocabularyComparison:
    """Distinctive vocabulary of the first two periods from each document's cleaned text (``documents``: doc_id,
    period, text), with leave-one-document-out z for the top terms and keyword-in-context lines from ``sentences``.
    ``texts``, when given, replaces ``documents["text"]``: the same texts in the same order, read a slice at a time
    (:class:`analysis.core.preprocess.JoinedTexts` of the paragraphs), so a large corpus's articles are never joined
    all at once.

    Terms come from the shared preprocessing (analysis.core.preprocess: stopwords removed, phrases kept as one term);
    ``phrases`` defaults to :func:`analysis.core.preprocess.corpus_phrases` of the texts.
    """
    if top_n < 1:
        raise ValueError(f"Parameter 'top_n' must be at least 1 (got {top_n}).")
    labels = (periods[0], periods[1])
    matrix, terms = document_term_matrix(documents["text"].tolist() if texts is None else texts, weighting="count",
                                         phrases=phrases)
    doc_periods = documents["period"].to_numpy()
    counts_a = period_term_counts(matrix, terms, doc_periods, labels[0])
    counts_b = period_term_counts(matrix, terms, doc_periods, labels[1])
    table = vocabulary_table(counts_a, counts_b, article_counts(matrix, terms, doc_periods, labels),
                             prior_scale=prior_scale, alpha=alpha)
    top = top_terms(table, top_n, labels)
    loo = leave_one_out_terms(matrix, terms, documents["doc_id"].to_numpy(), doc_periods, top["term"].tolist(),
                              labels, prior_scale=prior_scale)
    kwic_table = terms_in_context(sentences, top, per_period=kwic_per_period)
    return VocabularyComparison(table, top, term_robustness(top, loo), loo, kwic_table,
                                {labels[0]: int(counts_a.sum()), labels[1]: int(counts_b.sum())})
