"""Bootstrap intervals for per-period means that resample whole documents, not paragraphs or sentences.

Units inside one article are not independent, so every interval in the report comes from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_RESAMPLES = 2000


def _period_order(periods: list[str] | None, values: pd.Series) -> list[str]:
    return list(periods) if periods is not None else sorted(values.unique())


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
    given, for example words per unit). Returns one row per (measure, period): ``measure``,
    ``period``, ``estimate``, ``ci_low``, ``ci_high``, ``n_docs``, ``n_units``.

    >>> units = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "period": ["p", "p", "p", "q"],
    ...                       "x": [1.0, 0.0, 1.0, 0.0]})
    >>> bootstrap_period_means(units, ["x"], random_state=1, n_resamples=200)[["period", "estimate"]]
      period  estimate
    0      p  0.666667
    1      q  0.000000
    """
    draws = bootstrap_draws(units, value_columns, random_state=random_state, n_resamples=n_resamples,
                            periods=periods, doc_column=doc_column, period_column=period_column,
                            weight_column=weight_column)
    point = _point_estimates(units, value_columns, periods, doc_column, period_column, weight_column)
    tail = (1 - level) / 2
    rows = []
    for (measure, period), estimate in point.items():
        sample = draws[(measure, period)]
        rows.append({
            "measure": measure, "period": period, "estimate": estimate,
            "ci_low": float(np.quantile(sample, tail)), "ci_high": float(np.quantile(sample, 1 - tail)),
            "n_docs": int(units.loc[units[period_column] == period, doc_column].nunique()),
            "n_units": int((units[period_column] == period).sum()),
        })
    return pd.DataFrame(rows)


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
    entirely on one side of zero) and ``share_same_sign`` (fraction of resamples with the sign of the
    point estimate).
    """
    periods = [period_a, period_b]
    draws = bootstrap_draws(units, value_columns, random_state=random_state, n_resamples=n_resamples,
                            periods=periods, doc_column=doc_column, period_column=period_column,
                            weight_column=weight_column)
    point = _point_estimates(units, value_columns, periods, doc_column, period_column, weight_column)
    tail = (1 - level) / 2
    rows = []
    for measure in value_columns:
        difference = point[(measure, period_b)] - point[(measure, period_a)]
        sample = draws[(measure, period_b)] - draws[(measure, period_a)]
        low, high = float(np.quantile(sample, tail)), float(np.quantile(sample, 1 - tail))
        same_sign = float(np.mean(np.sign(sample) == np.sign(difference))) if difference != 0 else 0.0
        rows.append({"measure": measure, "difference": difference, "ci_low": low, "ci_high": high,
                     "excludes_zero": bool(low > 0 or high < 0), "share_same_sign": same_sign})
    return pd.DataFrame(rows)


def _point_estimates(units, value_columns, periods, doc_column, period_column, weight_column):
    result = {}
    for period in _period_order(periods, units[period_column]):
        part = units[units[period_column] == period]
        if part.empty:
            raise ValueError(f"Period {period!r} has no units to average; check the periods parameter and the corpus.")
        weights = part[weight_column].to_numpy(float) if weight_column else np.ones(len(part))
        for measure in value_columns:
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
    """Resampled per-period means: ``{(measure, period): array of n_resamples means}``.

    Vectorized: per-document sums are computed once, and each resample is a vector of document
    multiplicities drawn with one seeded generator, so cost grows with documents, not units.
    """
    rng = np.random.default_rng(random_state)
    out = {}
    for period in _period_order(periods, units[period_column]):
        part = units[units[period_column] == period]
        if part.empty:
            raise ValueError(f"Period {period!r} has no units to resample; check the periods parameter and the corpus.")
        weights = part[weight_column].to_numpy(float) if weight_column else np.ones(len(part))
        doc_codes, doc_index = pd.factorize(part[doc_column], sort=True)
        n_docs = len(doc_index)
        weight_sums = np.bincount(doc_codes, weights=weights, minlength=n_docs)
        picks = rng.integers(0, n_docs, size=(n_resamples, n_docs))
        offsets = (np.arange(n_resamples) * n_docs)[:, None]
        counts = np.bincount((picks + offsets).ravel(), minlength=n_resamples * n_docs).reshape(n_resamples, n_docs)
        counts = counts.astype(float)  # float matrix products use BLAS
        denominators = counts @ weight_sums
        sums = np.column_stack([np.bincount(doc_codes, weights=weights * part[measure].to_numpy(float), minlength=n_docs)
                                for measure in value_columns]) if value_columns else np.zeros((n_docs, 0))
        totals = counts @ sums
        for index, measure in enumerate(value_columns):
            with np.errstate(invalid="ignore", divide="ignore"):
                out[(measure, period)] = np.where(denominators > 0, totals[:, index] / denominators, np.nan)
    return out


def leave_one_document_out(
    units: pd.DataFrame,
    value_columns: list[str],
    period_a: str,
    period_b: str,
    *,
    doc_column: str = "doc_id",
    period_column: str = "period",
    weight_column: str | None = None,
) -> pd.DataFrame:
    """Each measure's per-period means and difference ``b − a`` with each document left out in turn.

    Returns rows ``left_out``, ``left_out_period``, ``measure``, ``estimate_a``, ``estimate_b``, ``difference``
    (NaN when leaving the document out empties its period), sorted by measure and document. Vectorized: one pass
    of per-document sums, then each document's sums are subtracted from its period's.
    """
    part = units[units[period_column].isin([period_a, period_b])]
    weights = part[weight_column].to_numpy(float) if weight_column else np.ones(len(part))
    doc_codes, doc_index = pd.factorize(part[doc_column], sort=True)
    doc_period = part.groupby(doc_column, sort=True)[period_column].first().reindex(doc_index).to_numpy()
    in_a = doc_period == period_a
    weight_sums = np.bincount(doc_codes, weights=weights, minlength=len(doc_index))
    total_a, total_b = weight_sums[in_a].sum(), weight_sums[~in_a].sum()
    denominator_a = total_a - np.where(in_a, weight_sums, 0)
    denominator_b = total_b - np.where(in_a, 0, weight_sums)
    frames = []
    for measure in value_columns:
        sums = np.bincount(doc_codes, weights=weights * part[measure].to_numpy(float), minlength=len(doc_index))
        numerator_a = sums[in_a].sum() - np.where(in_a, sums, 0)
        numerator_b = sums[~in_a].sum() - np.where(in_a, 0, sums)
        with np.errstate(invalid="ignore", divide="ignore"):
            estimate_a = np.where(denominator_a > 0, numerator_a / denominator_a, np.nan)
            estimate_b = np.where(denominator_b > 0, numerator_b / denominator_b, np.nan)
        frames.append(pd.DataFrame({"left_out": doc_index, "left_out_period": doc_period, "measure": measure,
                                    "estimate_a": estimate_a, "estimate_b": estimate_b,
                                    "difference": estimate_b - estimate_a}))
    columns = ["left_out", "left_out_period", "measure", "estimate_a", "estimate_b", "difference"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True).sort_values(["measure", "left_out"], ignore_index=True)[columns]


def robustness_summary(full: pd.DataFrame, loo: pd.DataFrame) -> pd.DataFrame:
    """Per measure: the full-corpus difference, its range over leave-one-out runs, and whether its sign survives.

    ``full`` has columns ``measure`` and ``difference``; ``loo`` is ``leave_one_document_out`` output. A sign
    survives when no single left-out document makes the difference zero or reverses it. ``decisive_document``
    names the document whose removal moves the difference most (empty when no removal moves it).
    """
    rows = []
    for measure, difference in full.set_index("measure")["difference"].items():
        runs = loo[(loo["measure"] == measure) & loo["difference"].notna()]
        if runs.empty:
            rows.append({"measure": measure, "difference": difference, "loo_min": np.nan, "loo_max": np.nan,
                         "sign_survives": False, "decisive_document": ""})
            continue
        moved = (runs["difference"] - difference).abs()
        decisive = runs.loc[moved.idxmax(), "left_out"] if moved.max() > 0 else ""
        same_sign = bool(difference != 0 and (np.sign(runs["difference"]) == np.sign(difference)).all())
        rows.append({"measure": measure, "difference": difference, "loo_min": float(runs["difference"].min()),
                     "loo_max": float(runs["difference"].max()), "sign_survives": same_sign,
                     "decisive_document": decisive})
    return pd.DataFrame(rows)


@dataclass
class PeriodComparison:
    """Per-period estimates with intervals, the between-period difference, and its leave-one-document-out check."""

    estimates: pd.DataFrame  # measure, period, estimate, ci_low, ci_high, n_docs, n_units
    differences: pd.DataFrame  # measure, difference, ci_low, ci_high, excludes_zero, share_same_sign, loo_*, sign_survives
    leave_one_out: pd.DataFrame  # left_out, left_out_period, measure, estimate_a, estimate_b, difference


def compare_periods(units: pd.DataFrame, measures: list[str], period_a: str, period_b: str, *, random_state: int,
                    n_resamples: int = DEFAULT_RESAMPLES, weight_column: str | None = None) -> PeriodComparison:
    """Bootstrap each measure's per-period mean and difference ``b − a`` (documents resampled), then leave each
    document out in turn; the difference table says whether its interval excludes zero and its sign survives."""
    estimates = bootstrap_period_means(units, measures, random_state=random_state, n_resamples=n_resamples,
                                       periods=[period_a, period_b], weight_column=weight_column)
    differences = bootstrap_period_difference(units, measures, period_a, period_b, random_state=random_state,
                                              n_resamples=n_resamples, weight_column=weight_column)
    loo = leave_one_document_out(units, measures, period_a, period_b, weight_column=weight_column)
    summary = robustness_summary(differences, loo).drop(columns="difference")
    return PeriodComparison(estimates, differences.merge(summary, on="measure", how="left"), loo)
