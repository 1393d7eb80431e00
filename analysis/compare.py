"""Distinctive vocabulary of two periods: Monroe, Colaresi and Quinn's log-odds with a Dirichlet prior.

Adds what a reader needs beside the paper's z-scores: multiple-testing adjustment, an effect size, keyword-in-context lines.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import stats

DEFAULT_PRIOR_SCALE = 0.5  # informative prior: pooled counts scaled so α_0 is half the words observed
DEFAULT_ALPHA = 0.05  # false discovery rate for the Benjamini–Hochberg threshold


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
    n_a, n_b, alpha_0 = y_a.sum(), y_b.sum(), alpha.sum()
    delta = (np.log((y_a + alpha) / (n_a + alpha_0 - y_a - alpha))
             - np.log((y_b + alpha) / (n_b + alpha_0 - y_b - alpha)))
    variance = 1 / (y_a + alpha) + 1 / (y_b + alpha)
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


def leave_one_out_terms(doc_counts: pd.DataFrame, doc_periods: pd.Series, terms: list[str], labels: tuple[str, str],
                        *, prior_scale: float = DEFAULT_PRIOR_SCALE) -> pd.DataFrame:
    """z of each of ``terms`` when each document is left out in turn.

    ``doc_counts`` holds term counts with one row per document (index doc_id, columns terms; sparse-backed or
    dense); ``doc_periods`` maps doc_id to period. Returns rows (left_out, term, z) sorted by term, left_out.
    """
    rows = []
    for left_out in sorted(doc_counts.index):
        kept = doc_counts.drop(index=left_out)
        periods = doc_periods.reindex(kept.index)
        counts_a = kept[periods == labels[0]].sum()
        counts_b = kept[periods == labels[1]].sum()
        if counts_a.sum() == 0 or counts_b.sum() == 0:
            continue
        z = log_odds_dirichlet(counts_a, counts_b, informative_prior(counts_a, counts_b, prior_scale))["z"]
        rows.extend({"left_out": left_out, "term": term, "z": float(z.get(term, 0.0))} for term in terms)
    return pd.DataFrame(rows, columns=["left_out", "term", "z"]).sort_values(["term", "left_out"], ignore_index=True)


def keyword_in_context(sentences: pd.DataFrame, pattern: re.Pattern, *, per_period: int = 2, width: int = 70,
                       order_by: str = "sent_id") -> pd.DataFrame:
    """Up to ``per_period`` sentences per period that contain ``pattern``: left context, keyword, right context.

    ``sentences`` needs columns period, doc_id, outlet, sent_id and text. Sentences from different documents are
    preferred (one per document before a second from the same one), in ``order_by`` order.
    """
    columns = ["period", "doc_id", "outlet", "sent_id", "left", "keyword", "right"]
    hits = sentences[sentences["text"].str.contains(pattern, regex=True)]
    if hits.empty:
        return pd.DataFrame(columns=columns)
    hits = hits.sort_values(order_by, kind="mergesort")
    hits = hits.assign(_nth=hits.groupby("doc_id").cumcount())
    chosen = hits.sort_values(["_nth", order_by], kind="mergesort").groupby("period", sort=False).head(per_period)
    rows = []
    for row in chosen.itertuples(index=False):
        match = pattern.search(row.text)
        left = row.text[:match.start()]
        right = row.text[match.end():]
        rows.append({"period": row.period, "doc_id": row.doc_id, "outlet": row.outlet, "sent_id": row.sent_id,
                     "left": ("…" + left[-width:]) if len(left) > width else left, "keyword": match.group(0),
                     "right": (right[:width] + "…") if len(right) > width else right})
    return pd.DataFrame(rows, columns=columns).sort_values(["period", "sent_id"], ignore_index=True)
