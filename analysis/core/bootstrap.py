"""Bootstrap intervals for per-period means that resample whole documents, not paragraphs or sentences.

Units inside one article are not independent, so every interval in the report comes from here.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from itertools import combinations_with_replacement

import numpy as np
import pandas as pd
from scipy.special import gammaln

from analysis.core.robustness import leave_one_out_summary

DEFAULT_RESAMPLES = 2000


def _period_order(periods: list[str] | None, values: pd.Series) -> list[str]:
    return list(periods) if periods is not None else sorted(values.unique())


def distinct_resamples(n_docs: int) -> int:
    """How many different resamples ``n_docs`` articles allow: multisets of size n from n, C(2n − 1, n).

    >>> [distinct_resamples(n) for n in (2, 3, 5)]
    [3, 10, 126]
    """
    return math.comb(2 * n_docs - 1, n_docs) if n_docs > 0 else 0


def _as_float(count: int) -> float:
    """A count of resamples for a table column (they grow past any integer type: C(19999, 10000) for 10,000 articles)."""
    return float(count) if count < 10**300 else math.inf


def _weights(part: pd.DataFrame, weight_column: str | None, summed: str | None) -> np.ndarray:
    """Each row's weight: ``weight_column``, else the number of units the row sums (``summed``), else 1."""
    column = weight_column or summed
    return part[column].to_numpy(float) if column else np.ones(len(part))


def _weighted(part: pd.DataFrame, measure: str, weights: np.ndarray, summed: str | None) -> np.ndarray:
    """Each row's value times its weight; a row that sums its units (``summed``) holds that sum already."""
    values = part[measure].to_numpy(float)
    return values if summed else weights * values


@dataclass
class _Resamples:
    """One period's resampled means: ``means[measure]`` (one per resample), the resamples' probabilities, and
    whether they are every distinct resample (``exact``) or a random draw of ``n_resamples``."""

    means: dict
    weights: np.ndarray
    exact: bool
    distinct: int


# Random resamples are held as resamples × documents multiplicities. Up to RESAMPLE_BLOCK_CELLS of them (256 MB as
# floats; 2,000 resamples of 16,000 articles) are drawn and multiplied at once; above that, in blocks of a multiple of
# RESAMPLE_BLOCK_ROWS resamples. The draws are the same; the matrix products may round differently in the last
# bits (about 1e-16 relative), as BLAS sums a block of rows in another order than the whole matrix.
RESAMPLE_BLOCK_ROWS = 256
RESAMPLE_BLOCK_CELLS = 2**25
DRAW_ROWS = 32  # resamples drawn at once while filling a block


def _enumerated(n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Every distinct resample of ``n_docs`` documents as multiplicities (resamples × documents), with its
    multinomial probability n! / (c_1! … c_n! · nⁿ)."""
    picks = np.array(list(combinations_with_replacement(range(n_docs), n_docs)))
    counts = np.zeros((len(picks), n_docs))
    np.add.at(counts, (np.repeat(np.arange(len(picks)), n_docs), picks.ravel()), 1)
    log_weights = gammaln(n_docs + 1) - gammaln(counts + 1).sum(axis=1) - n_docs * math.log(n_docs)
    return counts, np.exp(log_weights)


def _scratch_block(scratch: list | None, rows: int, columns: int) -> np.ndarray:
    """An uninitialised rows × columns float array: a fresh one without ``scratch``; else the start of the buffer
    ``scratch`` holds (made, or made larger, when it is too small), so blocks drawn one after another write into
    memory the operating system has already handed over (a fresh block of 200 MB costs a quarter of a second of
    page faults, its every page touched for the first time)."""
    if scratch is None:
        return np.empty((rows, columns))
    cells = rows * columns
    if not scratch or scratch[0].size < cells:
        scratch[:] = [np.empty(cells)]
    return scratch[0][:cells].reshape(rows, columns)


def _random_blocks(n_docs: int, n_resamples: int, rng, scratch: list | None = None):
    """``n_resamples`` random resamples as blocks of multiplicities (rows × documents), drawn in order from ``rng``.

    One block when there are at most ``RESAMPLE_BLOCK_CELLS`` multiplicities; else blocks of a multiple of
    ``RESAMPLE_BLOCK_ROWS`` resamples, drawn in the same order, so the draws are those of one block and memory stays
    bounded (2,000 resamples × 50,000 articles would be 800 MB at once, three times over while drawing). With
    ``scratch`` (a list, see :func:`_scratch_block`) every block is written into one buffer: a block then holds
    until the next one is drawn, so use it before asking for the next.
    """
    if n_resamples * n_docs <= RESAMPLE_BLOCK_CELLS:
        rows = n_resamples
    else:
        rows = RESAMPLE_BLOCK_ROWS * max(1, RESAMPLE_BLOCK_CELLS // (RESAMPLE_BLOCK_ROWS * max(n_docs, 1)))
    for begin in range(0, n_resamples, rows):
        size = min(rows, n_resamples - begin)
        counts = _scratch_block(scratch, size, n_docs)  # float: the products use BLAS; every row is filled below
        for first in range(0, size, DRAW_ROWS):  # small draws stay in cache; same numbers as one draw of the block
            drawn = min(DRAW_ROWS, size - first)
            picks = rng.integers(0, n_docs, size=(drawn, n_docs))
            picks += (np.arange(drawn) * n_docs)[:, None]
            counts[first:first + drawn] = np.bincount(picks.ravel(), minlength=drawn * n_docs).reshape(drawn, n_docs)
        yield counts


def _period_sums(part: pd.DataFrame, value_columns: list[str], *, doc_column: str, weight_column: str | None,
                 summed: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One period's per-document sums: of the weights (a vector) and of each measure, weighted (documents × measures),
    documents in sorted order."""
    weights = _weights(part, weight_column, summed)
    doc_codes, doc_index = pd.factorize(part[doc_column], sort=True)
    n_docs = len(doc_index)
    weight_sums = np.bincount(doc_codes, weights=weights, minlength=n_docs)
    sums = np.column_stack([np.bincount(doc_codes, weights=_weighted(part, measure, weights, summed), minlength=n_docs)
                            for measure in value_columns]) if value_columns else np.zeros((n_docs, 0))
    return weight_sums, sums


def _resample_sums(tables: list[tuple[np.ndarray, np.ndarray, list[str]]], *, n_resamples: int,
                   rng, scratch: list | None = None) -> list[_Resamples]:
    """Resampled means of one period for each of ``tables`` ((weight sums, measure sums, measure names), all over the
    same number of documents): one draw of resamples, then per block one matrix product per table and sum.

    When the articles allow no more distinct resamples than were asked for, every one is enumerated with its
    probability; otherwise ``n_resamples`` are drawn with replacement. The draws depend only on the number of
    documents, so each table gets exactly the resamples a draw for it alone would give.
    """
    n_docs = len(tables[0][0])
    distinct = distinct_resamples(n_docs)  # once: C(2n − 1, n) for 50,000 articles takes a tenth of a second
    exact = distinct <= n_resamples
    if exact:
        counts, probabilities = _enumerated(n_docs)
        blocks = [counts]
    else:
        probabilities = np.full(n_resamples, 1.0 / n_resamples)
        blocks = _random_blocks(n_docs, n_resamples, rng, scratch)  # each block's products made before the next
    products: list[list] = [[] for _ in tables]
    for block in blocks:
        for table_products, (weight_sums, sums, _) in zip(products, tables):
            table_products.append((block @ weight_sums, block @ sums))
    out = []
    for table_products, (_, _, value_columns) in zip(products, tables):
        denominators = np.concatenate([denominator for denominator, _ in table_products])
        totals = np.vstack([total for _, total in table_products])
        means = {}
        for index, measure in enumerate(value_columns):
            with np.errstate(invalid="ignore", divide="ignore"):
                means[measure] = np.where(denominators > 0, totals[:, index] / denominators, np.nan)
        out.append(_Resamples(means, probabilities, exact, distinct))
    return out


def _resample_period(part: pd.DataFrame, value_columns: list[str], *, n_resamples: int, rng, doc_column: str,
                     weight_column: str | None, summed: str | None = None) -> _Resamples:
    """Resampled means of one period's units: per-document sums once, then one matrix product per block of resamples
    (:func:`_resample_sums`)."""
    weight_sums, sums = _period_sums(part, value_columns, doc_column=doc_column, weight_column=weight_column,
                                     summed=summed)
    return _resample_sums([(weight_sums, sums, value_columns)], n_resamples=n_resamples, rng=rng)[0]


def _period_part(units: pd.DataFrame, period: str, period_column: str) -> pd.DataFrame:
    part = units[units[period_column] == period]
    if part.empty:
        raise ValueError(f"Period {period!r} has no units to resample; check the periods parameter and the corpus.")
    return part


def _resample_periods(units, value_columns, periods, *, rng, n_resamples, doc_column, period_column,
                      weight_column, summed=None) -> dict[str, _Resamples]:
    """Every period's resamples, drawn once from one seeded generator (periods in order)."""
    return {period: _resample_period(_period_part(units, period, period_column), value_columns,
                                     n_resamples=n_resamples, rng=rng, doc_column=doc_column,
                                     weight_column=weight_column, summed=summed)
            for period in periods}


def _quantiles(values: np.ndarray, weights: np.ndarray, exact: bool, level: float) -> tuple[float, float]:
    """The interval's ends: for a random draw, numpy's percentiles; for the enumerated distribution, its exact
    quantiles (the smallest value whose cumulative probability reaches the tail)."""
    tail = (1 - level) / 2
    if not exact or np.isnan(values).any():
        return float(np.quantile(values, tail)), float(np.quantile(values, 1 - tail))
    order = np.argsort(values, kind="mergesort")
    cumulative = np.cumsum(weights[order]) / weights.sum()
    ends = [np.searchsorted(cumulative, q - 1e-12, side="left") for q in (tail, 1 - tail)]
    return tuple(float(values[order][min(end, len(order) - 1)]) for end in ends)


def _mean_rows(units, value_columns, periods, resamples, point, doc_column, period_column, level,
               summed=None) -> pd.DataFrame:
    rows = []
    for period in periods:
        drawn = resamples[period]
        in_period = units[period_column] == period  # counted once per period, not once per measure
        n_docs = int(units.loc[in_period, doc_column].nunique())
        n_units = int(units.loc[in_period, summed].sum() if summed else in_period.sum())
        for measure in value_columns:
            low, high = _quantiles(drawn.means[measure], drawn.weights, drawn.exact, level)
            rows.append({
                "measure": measure, "period": period, "estimate": point[(measure, period)], "ci_low": low, "ci_high": high,
                "n_docs": n_docs, "n_units": n_units, "distinct_resamples": _as_float(drawn.distinct), "exact": drawn.exact,
            })
    return pd.DataFrame(rows)


def _joint(first: _Resamples, second: _Resamples, n_resamples: int, rng):
    """Pairs of resamples of two periods for a difference: every pair when their product is at most ``n_resamples``
    (both enumerated), else ``n_resamples`` pairs, each period's random draws paired in order (an enumerated
    period is drawn from by its probabilities)."""
    distinct = first.distinct * second.distinct
    if first.exact and second.exact and distinct <= n_resamples:
        index_a, index_b = np.meshgrid(np.arange(len(first.weights)), np.arange(len(second.weights)), indexing="ij")
        index_a, index_b = index_a.ravel(), index_b.ravel()
        return index_a, index_b, first.weights[index_a] * second.weights[index_b], True, distinct
    picked = [rng.choice(len(side.weights), size=n_resamples, p=side.weights) if side.exact else np.arange(n_resamples)
              for side in (first, second)]
    return picked[0], picked[1], np.full(n_resamples, 1.0 / n_resamples), False, distinct


def _difference_rows(value_columns, period_a, period_b, resamples, point, n_resamples, rng, level) -> pd.DataFrame:
    index_a, index_b, weights, exact, distinct = _joint(resamples[period_a], resamples[period_b], n_resamples, rng)
    rows = []
    for measure in value_columns:
        difference = point[(measure, period_b)] - point[(measure, period_a)]
        sample = resamples[period_b].means[measure][index_b] - resamples[period_a].means[measure][index_a]
        low, high = _quantiles(sample, weights, exact, level)
        same_sign = float(np.sum(weights * (np.sign(sample) == np.sign(difference))) / weights.sum()) if difference != 0 else 0.0
        rows.append({"measure": measure, "difference": difference, "ci_low": low, "ci_high": high,
                     "excludes_zero": bool(low > 0 or high < 0), "share_same_sign": same_sign,
                     "distinct_resamples": _as_float(distinct), "exact": exact})
    return pd.DataFrame(rows)


def bootstrap_period_means(
    units: pd.DataFrame,
    value_columns: list[str],
    *,
    random_state: int,
    n_resamples: int = DEFAULT_RESAMPLES,
    periods: list[str] | None = None,
    doc_column: str = "doc_id",
    period_column: str = "period",
    weight_column: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Mean of each value column per period, with a percentile interval from resampling documents.

    Within each period, documents are drawn with replacement (as many as the period has); the
    statistic is the mean over all units of the drawn documents (weighted by ``weight_column`` when
    given, for example words per unit). When a period's articles allow at most ``n_resamples`` distinct
    resamples (:func:`distinct_resamples`: 3 for 2 articles, 126 for 5), every one is enumerated with its
    probability and the interval is the exact bootstrap interval. Returns one row per (measure, period):
    ``measure``, ``period``, ``estimate``, ``ci_low``, ``ci_high``, ``n_docs``, ``n_units``,
    ``distinct_resamples``, ``exact``.

    >>> units = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "period": ["p", "p", "p", "q"],
    ...                       "x": [1.0, 0.0, 1.0, 0.0]})
    >>> bootstrap_period_means(units, ["x"], random_state=1, n_resamples=200)[["period", "estimate", "ci_low", "distinct_resamples"]]
      period  estimate  ci_low  distinct_resamples
    0      p  0.666667     0.5                 3.0
    1      q  0.000000     0.0                 1.0
    """
    periods = _period_order(periods, units[period_column])
    resamples = _resample_periods(units, value_columns, periods, rng=np.random.default_rng(random_state), n_resamples=n_resamples,
                                  doc_column=doc_column, period_column=period_column, weight_column=weight_column)
    point = _point_estimates(units, value_columns, periods, doc_column, period_column, weight_column)
    return _mean_rows(units, value_columns, periods, resamples, point, doc_column, period_column, level)


def bootstrap_period_difference(
    units: pd.DataFrame,
    value_columns: list[str],
    period_a: str,
    period_b: str,
    *,
    random_state: int,
    n_resamples: int = DEFAULT_RESAMPLES,
    doc_column: str = "doc_id",
    period_column: str = "period",
    weight_column: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Difference of means ``period_b − period_a`` per value column, with a document-resampling interval.

    Returns ``measure``, ``difference``, ``ci_low``, ``ci_high``, ``excludes_zero`` (the interval lies
    entirely on one side of zero), ``share_same_sign`` (share of resamples with the sign of the
    point estimate), ``distinct_resamples`` (pairs of distinct per-period resamples) and ``exact`` (all of them
    enumerated with their probabilities, because there are no more than ``n_resamples``).
    """
    periods = [period_a, period_b]
    rng = np.random.default_rng(random_state)
    resamples = _resample_periods(units, value_columns, periods, rng=rng, n_resamples=n_resamples, doc_column=doc_column,
                                  period_column=period_column, weight_column=weight_column)
    point = _point_estimates(units, value_columns, periods, doc_column, period_column, weight_column)
    return _difference_rows(value_columns, period_a, period_b, resamples, point, n_resamples, rng, level)


def _point_estimates(units, value_columns, periods, doc_column, period_column, weight_column, summed=None):
    result = {}
    for period in _period_order(periods, units[period_column]):
        part = units[units[period_column] == period]
        if part.empty:
            raise ValueError(f"Period {period!r} has no units to average; check the periods parameter and the corpus.")
        weights = _weights(part, weight_column, summed)
        for measure in value_columns:
            if summed:  # sums of whole numbers (sentences carrying a frame): the same as averaging the units
                result[(measure, period)] = float(part[measure].to_numpy(float).sum() / weights.sum())
            else:
                result[(measure, period)] = float(np.average(part[measure].to_numpy(float), weights=weights))
    return result


def bootstrap_draws(
    units: pd.DataFrame,
    value_columns: list[str],
    *,
    random_state: int,
    n_resamples: int = DEFAULT_RESAMPLES,
    periods: list[str] | None = None,
    doc_column: str = "doc_id",
    period_column: str = "period",
    weight_column: str | None = None,
) -> dict[tuple[str, str], np.ndarray]:
    """Resampled per-period means: ``{(measure, period): array of means}``, one per resample.

    Vectorized: per-document sums are computed once, and each resample is a vector of document
    multiplicities, drawn with one seeded generator, so cost grows with documents, not units. A period whose
    articles allow at most ``n_resamples`` distinct resamples gets each of them once (see
    :func:`bootstrap_period_means`); their probabilities are not equal, so use the interval functions for those.
    """
    periods = _period_order(periods, units[period_column])
    resamples = _resample_periods(units, value_columns, periods, rng=np.random.default_rng(random_state), n_resamples=n_resamples,
                                  doc_column=doc_column, period_column=period_column, weight_column=weight_column)
    return {(measure, period): resamples[period].means[measure] for period in periods for measure in value_columns}


def leave_one_document_out(
    units: pd.DataFrame,
    value_columns: list[str],
    period_a: str,
    period_b: str,
    *,
    doc_column: str = "doc_id",
    period_column: str = "period",
    weight_column: str | None = None,
    summed: str | None = None,
) -> pd.DataFrame:
    """Each measure's per-period means and difference ``b − a`` with each document left out in turn.

    Returns rows ``left_out``, ``left_out_period``, ``measure``, ``estimate_a``, ``estimate_b``, ``difference``
    (NaN when leaving the document out empties its period), sorted by measure and document. Vectorized: one pass
    of per-document sums, then each document's sums are subtracted from its period's.
    """
    part = units[units[period_column].isin([period_a, period_b])]
    weights = _weights(part, weight_column, summed)
    doc_codes, doc_index = pd.factorize(part[doc_column], sort=True)
    doc_period = part.groupby(doc_column, sort=True)[period_column].first().reindex(doc_index).to_numpy()
    in_a = doc_period == period_a
    weight_sums = np.bincount(doc_codes, weights=weights, minlength=len(doc_index))
    total_a, total_b = weight_sums[in_a].sum(), weight_sums[~in_a].sum()
    denominator_a = total_a - np.where(in_a, weight_sums, 0)
    denominator_b = total_b - np.where(in_a, 0, weight_sums)
    estimates = []
    # measures in sorted order, each with its documents in sorted order (doc_index): the table sorted by measure and
    # document without sorting its rows (six million at 100,000 articles and 60 actors)
    ordered = [value_columns[number]
               for number in pd.DataFrame({"measure": value_columns}).sort_values("measure", kind="mergesort").index]
    for measure in ordered:
        sums = np.bincount(doc_codes, weights=_weighted(part, measure, weights, summed), minlength=len(doc_index))
        numerator_a = sums[in_a].sum() - np.where(in_a, sums, 0)
        numerator_b = sums[~in_a].sum() - np.where(in_a, 0, sums)
        with np.errstate(invalid="ignore", divide="ignore"):
            estimate_a = np.where(denominator_a > 0, numerator_a / denominator_a, np.nan)
            estimate_b = np.where(denominator_b > 0, numerator_b / denominator_b, np.nan)
        estimates.append((estimate_a, estimate_b))
    columns = ["left_out", "left_out_period", "measure", "estimate_a", "estimate_b", "difference"]
    if not estimates:
        return pd.DataFrame(columns=columns)
    if not len(doc_index):  # no document to leave out: one empty table per measure, as they always were joined
        return pd.concat([pd.DataFrame({"left_out": doc_index, "left_out_period": doc_period, "measure": measure,
                                        "estimate_a": a, "estimate_b": b, "difference": b - a})
                          for measure, (a, b) in zip(ordered, estimates)], ignore_index=True)[columns]
    # the document columns made once, as a table of one measure holds them, then joined once per measure: their
    # values are not made again from Python strings for each measure (6 million rows at 100,000 articles)
    documents = pd.DataFrame({"left_out": doc_index, "left_out_period": doc_period})
    table = pd.concat([documents] * len(ordered), ignore_index=True)
    table["measure"] = pd.concat([pd.DataFrame({"measure": measure}, index=documents.index) for measure in ordered],
                                 ignore_index=True)["measure"]
    table["estimate_a"] = np.concatenate([a for a, _ in estimates])
    table["estimate_b"] = np.concatenate([b for _, b in estimates])
    table["difference"] = np.concatenate([b - a for a, b in estimates])
    return table[columns]


def robustness_summary(full: pd.DataFrame, loo: pd.DataFrame) -> pd.DataFrame:
    """Per measure: the full-corpus difference, its range over leave-one-out runs, and whether its sign survives.

    ``full`` has columns ``measure`` and ``difference``; ``loo`` is ``leave_one_document_out`` output. The columns
    are :func:`analysis.core.robustness.leave_one_out_summary`'s: the article that reverses the change (if any), the one
    it cannot be measured without (a period left empty), and the one whose removal moves it most.
    """
    summary = leave_one_out_summary(full[["measure", "difference"]], loo)
    return full[["measure", "difference"]].merge(summary, on="measure", how="left")


@dataclass
class PeriodComparison:
    """Per-period estimates with intervals, the between-period difference, and its leave-one-document-out check."""

    estimates: pd.DataFrame  # measure, period, estimate, ci_low, ci_high, n_docs, n_units, distinct_resamples, exact
    differences: pd.DataFrame  # measure, difference, ci_low, ci_high, excludes_zero, share_same_sign, distinct_resamples, exact, then LOO_COLUMNS
    leave_one_out: pd.DataFrame  # left_out, left_out_period, measure, estimate_a, estimate_b, difference


def compare_periods(units: pd.DataFrame, measures: list[str], period_a: str, period_b: str, *, random_state: int,
                    n_resamples: int = DEFAULT_RESAMPLES, weight_column: str | None = None,
                    level: float = 0.95, summed: str | None = None) -> PeriodComparison:
    """Bootstrap each measure's per-period mean and difference ``b − a`` (documents resampled, one draw for both),
    then leave each document out in turn; the difference table says whether its interval excludes zero and which
    single article, if any, reverses the change (see :func:`analysis.core.robustness.leave_one_out_summary`).

    ``summed`` names a column counting the units each row stands for: ``units`` then has a row per document whose
    measure columns are sums over its units (and ``weight_column``, if any, their weights' sum), so a corpus of
    millions of sentences is resampled from a table of its articles. With whole-number values and weights (the
    sentences carrying a frame) every result is identical to the one from a row per unit."""
    table = Measures(units, measures, weight_column=weight_column, summed=summed)
    return compare_periods_together([table], period_a, period_b, random_state=random_state, n_resamples=n_resamples,
                                    level=level)[0]


@dataclass(frozen=True)
class Measures:
    """One table for :func:`compare_periods_together`: its units (doc_id, period, the measures), the measure columns,
    and how units are weighted (``weight_column``) or what a row sums (``summed``), as :func:`compare_periods` takes them."""

    units: pd.DataFrame
    measures: list[str]
    weight_column: str | None = None
    summed: str | None = None


def compare_periods_together(tables: list[Measures], period_a: str, period_b: str, *, random_state: int,
                             n_resamples: int = DEFAULT_RESAMPLES, level: float = 0.95) -> list[PeriodComparison]:
    """:func:`compare_periods` of each table with the same ``random_state``, each result identical to its own call.

    Tables with the same number of documents in each period (the frames and the actors of one corpus) get the same
    resamples from that call, so they are drawn once and each block of them serves every table: at 100,000 articles
    the draw is a few seconds per table. Otherwise each table is drawn for on its own.
    """
    periods = [period_a, period_b]
    sums = [{period: _period_sums(_period_part(table.units, period, "period"), table.measures, doc_column="doc_id",
                                  weight_column=table.weight_column, summed=table.summed)
             for period in periods} for table in tables]
    shared = all(len(each[period][0]) == len(sums[0][period][0]) for each in sums for period in periods)
    groups = [list(range(len(tables)))] if shared else [[number] for number in range(len(tables))]
    results: list = [None] * len(tables)
    for group in groups:
        rng = np.random.default_rng(random_state)
        scratch: list = []  # one buffer for every block of resamples of both periods
        resamples: dict[int, dict[str, _Resamples]] = {number: {} for number in group}
        for period in periods:  # periods in order, as compare_periods of one table draws them
            drawn = _resample_sums([(*sums[number][period], tables[number].measures) for number in group],
                                   n_resamples=n_resamples, rng=rng, scratch=scratch)
            for number, period_resamples in zip(group, drawn):
                resamples[number][period] = period_resamples
        scratch.clear()  # the buffer is not held while the leave-one-out tables are built
        for number in group:  # each table's difference continues from the generator's state after the draws
            results[number] = _comparison(tables[number], period_a, period_b, resamples[number], n_resamples,
                                          copy.deepcopy(rng), level)
    return results


def _comparison(table: Measures, period_a: str, period_b: str, resamples: dict[str, _Resamples], n_resamples: int,
                rng, level: float) -> PeriodComparison:
    """The estimates, differences and leave-one-out runs of one table from its resamples."""
    units, measures, weight_column, summed = table.units, table.measures, table.weight_column, table.summed
    periods = [period_a, period_b]
    point = _point_estimates(units, measures, periods, "doc_id", "period", weight_column, summed)
    estimates = _mean_rows(units, measures, periods, resamples, point, "doc_id", "period", level, summed)
    differences = _difference_rows(measures, period_a, period_b, resamples, point, n_resamples, rng, level)
    loo = leave_one_document_out(units, measures, period_a, period_b, weight_column=weight_column, summed=summed)
    summary = leave_one_out_summary(differences[["measure", "difference"]], loo)
    return PeriodComparison(estimates, differences.merge(summary, on="measure", how="left"), loo)
