"""Topic models of the coverage (NMF on TF-IDF, LDA on counts) with k chosen by coherence and stability.

Beside the model: topic labels, FREX terms, representative paragraphs, prevalence per period with document-resampling
intervals, and leave-one-document-out refits that show when one article makes a topic.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer

from analysis.bootstrap import DEFAULT_RESAMPLES, compare_periods
from analysis.preprocess import document_term_matrix
from analysis.progress import progress
from analysis.robustness import LOO_COLUMNS, leave_one_out_summary

MODELS = ("nmf", "lda")
UNITS = ("paragraph", "document")
TOP_TERMS = 10  # terms per topic for labels, coherence and stability
LABEL_TERMS = 3
EXAMPLES = 3  # representative units per topic (stm's findThoughts)
MAX_DF_SHARE = 0.5  # terms found in more than half the units ("china", "russia" here) say nothing about themes
MIN_DF = 2  # a term in one unit only cannot co-occur with anything
LDA_MAX_ITER = 15  # passes of batch variational Bayes; LDA is far slower than NMF, so it gets fewer
SEARCH_MAX_UNITS = {"nmf": 2000, "lda": 500}  # the k search fits on at most this many units (a seeded sample)
REFIT_MAX_UNITS = {"nmf": 5000, "lda": 1000}  # leave-one-out refits use at most this many units (a seeded sample)
LOO_MAX_GROUPS = 30  # above this many documents, leave-one-out drops one of 10 seeded groups of documents instead
LOO_GROUPS = 10
MATCH_THRESHOLD = 0.5  # a refit topic whose term profile has cosine below this with the original is "not found"
FREX_WEIGHT = 0.5  # weight of exclusivity against frequency in FREX (stm's default)


class TopicModelError(ValueError):
    """A topic-model parameter or input the stage cannot work with; the message says which and what to do."""


@dataclass
class TopicResult:
    """Everything stage 02 shows and later stages reuse; topic ids (1, 2, …) mean the same topic in every table."""

    model: str
    unit: str
    k: int
    k_search: pd.DataFrame  # k, coherence, stability, score, chosen
    topics: pd.DataFrame  # topic, label, rank, term, weight, exclusivity
    frex: pd.DataFrame  # topic, label, rank, term, frex, exclusivity, weight
    labels: dict  # topic -> label
    unit_topics: pd.DataFrame  # unit_id, doc_id, period, outlet, topic_1 … topic_k
    examples: pd.DataFrame  # topic, label, rank, unit_id, doc_id, outlet, period, start, end, share, text
    prevalence: pd.DataFrame  # topic, label, period, share, ci_low, ci_high, n_docs, n_units
    differences: pd.DataFrame  # topic, label, period_a, period_b, difference, ci_low, ci_high, excludes_zero, loo_*
    leave_one_out: pd.DataFrame  # left_out, topic, label, similarity, found, difference
    loo_mode: str  # what was left out in turn
    n_units: int
    n_terms: int
    notes: list = field(default_factory=list)  # reduced-fidelity choices, stated in the report

    @property
    def topic_columns(self) -> list[str]:
        """Share columns of ``unit_topics`` in topic order."""
        return [f"topic_{topic}" for topic in sorted(self.labels)]


def topic_units(corpus, unit: str = "paragraph") -> pd.DataFrame:
    """The units to model: unit_id, doc_id, period, outlet, start, end (offsets into the article) and text."""
    if unit == "paragraph":
        table = corpus.paragraphs.rename(columns={"para_id": "unit_id"})
        return table[["unit_id", "doc_id", "period", "outlet", "start", "end", "text"]].reset_index(drop=True)
    if unit == "document":
        table = corpus.document_texts().assign(unit_id=lambda t: t["doc_id"], start=0)
        table["end"] = table["doc_id"].map(corpus.documents.set_index("doc_id")["raw"].str.len())
        return table[["unit_id", "doc_id", "period", "outlet", "start", "end", "text"]].reset_index(drop=True)
    raise TopicModelError(f"Parameter 'unit' must be one of {UNITS}, not {unit!r}.")


def model_matrix(texts: list[str], model: str, *, stem: bool = False):
    """Counts (for LDA) or TF-IDF (for NMF), sparse, after dropping terms in one unit or in over half the units."""
    if model not in MODELS:
        raise TopicModelError(f"Parameter 'model' must be one of {MODELS}, not {model!r}.")
    try:
        counts, terms = document_term_matrix(texts, stem=stem, weighting="count")
    except ValueError as error:
        raise TopicModelError(f"Empty vocabulary: {error}") from None
    document_frequency = np.asarray((counts > 0).sum(axis=0)).ravel()
    min_df = MIN_DF if len(texts) >= 10 else 1
    keep = np.flatnonzero((document_frequency >= min_df) & (document_frequency <= max(1, MAX_DF_SHARE * len(texts))))
    if keep.size < 2:
        raise TopicModelError(f"Empty vocabulary: fewer than two terms occur in at least {min_df} and at most half of the "
                              f"{len(texts):,} units. Use more or longer texts, or the 'document' unit.")
    counts, terms = counts[:, keep].tocsr(), terms[keep]
    matrix = TfidfTransformer().fit_transform(counts).tocsr() if model == "nmf" else counts.astype(float)
    return matrix, counts, terms


def fit(matrix, model: str, k: int, random_state: int, *, init: str = "nndsvda"):
    """Fit one model; return (unit × topic shares with rows summing to 1, topic × term weights with rows summing to 1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the k search fits many small models; shares are still used
        if model == "nmf":
            estimator = NMF(n_components=k, init=init, random_state=random_state, max_iter=400, tol=1e-4)
            unit_topic = estimator.fit_transform(matrix)
        else:
            method = "batch" if matrix.shape[0] <= 5000 else "online"
            estimator = LatentDirichletAllocation(n_components=k, learning_method=method, random_state=random_state,
                                                  max_iter=LDA_MAX_ITER if method == "batch" else 5, batch_size=1024)
            unit_topic = estimator.fit_transform(matrix)
    topic_term = estimator.components_
    row_sums = unit_topic.sum(axis=1, keepdims=True)
    shares = np.divide(unit_topic, row_sums, out=np.full_like(unit_topic, 1.0 / k), where=row_sums > 0)
    weights = topic_term / np.maximum(topic_term.sum(axis=1, keepdims=True), 1e-300)
    return shares, weights


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


def best_match_jaccard(tops_a: np.ndarray, tops_b: np.ndarray) -> float:
    """Mean over topics of run a of the best Jaccard overlap of its top terms with any topic of run b."""
    sets_b = [set(row) for row in tops_b]
    return float(np.mean([max(len(set(row) & other) / len(set(row) | other) for other in sets_b) for row in tops_a]))


def search_k(matrix, presence, model: str, k_values: list[int], *, n_restarts: int, random_state: int) -> pd.DataFrame:
    """For each k: mean NPMI coherence and stability (mean best-match Jaccard of top-10 terms over restart pairs).

    The rule: rescale coherence and stability each to 0–1 over the k range and pick the k with the largest sum
    (ties: the smaller k). Restart 0 uses the deterministic NNDSVDa start (NMF); the others start at random,
    each with its own seed derived from ``random_state``.
    """
    rows = []
    for k in progress(k_values, "k search"):
        runs = []
        for restart in range(n_restarts):
            init = "nndsvda" if restart == 0 else "random"
            _, weights = fit(matrix, model, k, random_state + restart, init=init)
            runs.append(top_term_indices(weights))
        coherence = float(np.mean([npmi_coherence(top, presence).mean() for top in runs]))
        stability = float(np.mean([best_match_jaccard(a, b) for a, b in combinations(runs, 2)])) if len(runs) > 1 else 1.0
        rows.append({"k": k, "coherence": coherence, "stability": stability})
    table = pd.DataFrame(rows)
    scaled = [(table[c] - table[c].min()) / (table[c].max() - table[c].min()) if table[c].max() > table[c].min()
              else pd.Series(0.0, index=table.index) for c in ("coherence", "stability")]
    table["score"] = scaled[0] + scaled[1]
    best = table.sort_values(["score", "k"], ascending=[False, True]).iloc[0]["k"]
    table["chosen"] = table["k"] == best
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


def _order_topics(shares: np.ndarray, weights: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """Topic order: most prevalent first, ties broken by the topic's top terms alphabetically."""
    prevalence = shares.mean(axis=0)
    keys = [" ".join(terms[top_term_indices(weights[[t]], LABEL_TERMS)[0]]) for t in range(weights.shape[0])]
    return np.array(sorted(range(weights.shape[0]), key=lambda t: (-round(float(prevalence[t]), 12), keys[t])))


def _sample(n: int, limit: int, random_state: int) -> np.ndarray:
    """All indices when ``n <= limit``, else a sorted seeded sample of ``limit`` of them."""
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(random_state).choice(n, size=limit, replace=False))


def fit_topic_stage(corpus, *, unit: str = "paragraph", model: str = "nmf", n_topics: int | str = "auto",
                    k_min: int = 2, k_max: int = 8, n_restarts: int = 10, stem: bool = False,
                    random_seed: int, n_resamples: int = DEFAULT_RESAMPLES) -> TopicResult:
    """Choose k (unless given), fit the model, and compute labels, FREX, examples, prevalence and leave-one-out."""
    if model not in MODELS:
        raise TopicModelError(f"Parameter 'model' must be one of {MODELS}, not {model!r}.")
    units = topic_units(corpus, unit)
    n_units = len(units)
    if n_restarts < 2:
        raise TopicModelError(f"Parameter 'n_restarts' must be at least 2 to measure stability (got {n_restarts}).")
    matrix, counts, terms = model_matrix(units["text"].tolist(), model, stem=stem)
    presence = (counts > 0).astype(float)
    notes: list[str] = []
    if n_topics in (0, "auto"):  # 0 (the notebook parameter's value) and "auto" both choose k
        k_values = [k for k in range(max(2, k_min), k_max + 1) if k < n_units]
        if not k_values:
            raise TopicModelError(f"Parameter 'n_topics' is 'auto' but the {n_units:,} {unit} units allow no k in "
                                  f"{k_min}–{k_max}; lower k_min or use more text.")
        sample = _sample(n_units, SEARCH_MAX_UNITS[model], random_seed)
        if len(sample) < n_units:
            notes.append(f"The k search fitted each candidate on a seeded sample of {len(sample):,} of {n_units:,} units "
                         f"({n_restarts} restarts each); the final model uses every unit.")
        k_search = search_k(matrix[sample], presence[sample], model, k_values, n_restarts=n_restarts,
                            random_state=random_seed)
        k = int(k_search.loc[k_search["chosen"], "k"].iloc[0])
    else:
        if not isinstance(n_topics, (int, np.integer)) or isinstance(n_topics, bool) or n_topics < 1:
            raise TopicModelError(f"Parameter 'n_topics' must be a positive whole number or \"auto\", not {n_topics!r}.")
        if n_topics >= n_units:
            raise TopicModelError(f"Parameter 'n_topics' = {n_topics} is not smaller than the number of {unit} units "
                                  f"({n_units:,}); choose fewer topics or the 'paragraph' unit.")
        k = int(n_topics)
        k_search = pd.DataFrame(columns=["k", "coherence", "stability", "score", "chosen"])
    shares, weights = fit(matrix, model, k, random_seed)
    order = _order_topics(shares, weights, terms)
    shares, weights = shares[:, order], weights[order]
    topic_ids = list(range(1, k + 1))
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

    columns = [f"topic_{t}" for t in topic_ids]
    unit_topics = pd.concat([units[["unit_id", "doc_id", "period", "outlet"]],
                             pd.DataFrame(shares, columns=columns)], axis=1)
    examples = []
    for t in topic_ids:
        best = unit_topics.assign(share=shares[:, t - 1]).sort_values(["share", "unit_id"], ascending=[False, True]).head(EXAMPLES)
        for rank, row in enumerate(best.itertuples(index=False), start=1):
            source = units.iloc[best.index[rank - 1]]
            examples.append({"topic": t, "label": labels[t], "rank": rank, "unit_id": row.unit_id, "doc_id": row.doc_id,
                             "outlet": row.outlet, "period": row.period, "start": int(source["start"]),
                             "end": int(source["end"]), "share": float(row.share), "text": source["text"]})

    periods = corpus.period_names[:2]
    comparison = compare_periods(unit_topics, columns, periods[0], periods[1], random_state=random_seed,
                                 n_resamples=n_resamples)
    prevalence = comparison.estimates.rename(columns={"estimate": "share"})
    prevalence.insert(0, "topic", prevalence["measure"].str.removeprefix("topic_").astype(int))
    prevalence.insert(1, "label", prevalence["topic"].map(labels))
    differences = comparison.differences.drop(columns=LOO_COLUMNS)
    differences.insert(0, "topic", differences["measure"].str.removeprefix("topic_").astype(int))
    differences.insert(1, "label", differences["topic"].map(labels))
    differences.insert(2, "period_a", periods[0])
    differences.insert(3, "period_b", periods[1])

    loo, loo_mode = leave_one_out_refits(units, matrix, model, k, weights, periods, random_state=random_seed)
    loo["label"] = loo["topic"].map(labels)
    differences = differences.merge(_loo_summary(differences, loo), on="topic", how="left")
    if loo_mode != "article":
        notes.append(f"Leave-one-out drops one of {LOO_GROUPS} seeded groups of articles in turn (not each of the "
                     f"{units['doc_id'].nunique():,} articles), refitting on at most {REFIT_MAX_UNITS[model]:,} units.")
    return TopicResult(
        model=model, unit=unit, k=k, k_search=k_search,
        topics=pd.DataFrame(term_rows), frex=pd.DataFrame(frex_rows), labels=labels, unit_topics=unit_topics,
        examples=pd.DataFrame(examples),
        prevalence=prevalence.drop(columns="measure")[["topic", "label", "period", "share", "ci_low", "ci_high", "n_docs", "n_units"]],
        differences=differences.drop(columns="measure"), leave_one_out=loo, loo_mode=loo_mode,
        n_units=n_units, n_terms=len(terms), notes=notes,
    )


def leave_one_out_refits(units: pd.DataFrame, matrix, model: str, k: int, weights: np.ndarray, periods: list[str], *,
                         random_state: int) -> tuple[pd.DataFrame, str]:
    """Refit without each article (or group of articles) in turn; match each original topic to its most similar
    refit topic (cosine of term weights, one-to-one) and recompute its period shift among the remaining units.

    Returns rows (left_out, topic, similarity, found, difference) and what was left out ("article" or "group").
    ``found`` is False when no refit topic reaches cosine 0.5: without that article the topic does not exist.
    """
    doc_ids = np.array(sorted(units["doc_id"].unique()))
    if len(doc_ids) <= LOO_MAX_GROUPS:
        groups = {doc: [doc] for doc in doc_ids}
        mode = "article"
    else:
        assignment = np.random.default_rng(random_state).permutation(len(doc_ids)) % LOO_GROUPS
        groups = {f"group {g + 1}": list(doc_ids[assignment == g]) for g in range(LOO_GROUPS)}
        mode = "group"
    reference = weights / np.maximum(np.linalg.norm(weights, axis=1, keepdims=True), 1e-300)
    rows = []
    for name, dropped in progress(groups.items(), f"leave-one-{mode}-out refits", total=len(groups)):
        keep = np.flatnonzero(~units["doc_id"].isin(dropped).to_numpy())
        kept_units = units.iloc[keep]
        if kept_units["period"].isin(periods[:1]).sum() == 0 or kept_units["period"].isin(periods[1:2]).sum() == 0 or len(keep) <= k:
            continue
        chosen = keep[_sample(len(keep), REFIT_MAX_UNITS[model], random_state)]
        shares, refit_weights = fit(matrix[chosen], model, k, random_state)
        refit = refit_weights / np.maximum(np.linalg.norm(refit_weights, axis=1, keepdims=True), 1e-300)
        similarity = reference @ refit.T
        original, matched = linear_sum_assignment(-similarity)
        period = units["period"].to_numpy()[chosen]
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
    measure: :func:`analysis.robustness.leave_one_out_summary`)."""
    summary = leave_one_out_summary(differences[["topic", "difference"]], loo, key="topic")
    return summary.rename(columns={"lost_without": "topic_lost_without"})
