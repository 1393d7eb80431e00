"""Document-resampling intervals (exact when few articles allow few resamples) and leave-one-document-out differences."""

from itertools import product

import numpy as np
import pandas as pd
import pytest

from analysis.core.bootstrap import (
    _point_estimates,
    bootstrap_draws,
    bootstrap_period_difference,
    bootstrap_period_means,
    compare_periods,
    distinct_resamples,
    leave_one_document_out,
    robustness_summary,
)

UNITS = pd.DataFrame({
    "doc_id": ["a", "a", "b", "c", "d", "d"],
    "period": ["P", "P", "P", "Q", "Q", "Q"],
    "x": [1.0, 0.0, 1.0, 0.0, 1.0, 1.0],
    "words": [10, 30, 20, 5, 5, 10],
})


def _many(n_docs: int, seed: int = 3) -> pd.DataFrame:
    """``n_docs`` articles per period with two units each and random 0/1 values."""
    rng = np.random.default_rng(seed)
    rows = [{"doc_id": f"{period}{i}", "period": period, "x": float(rng.integers(0, 2))}
            for period in ("P", "Q") for i in range(n_docs) for _ in range(2)]
    return pd.DataFrame(rows)


def _brute_force(units: pd.DataFrame, statistic) -> list[float]:
    """Every equally likely ordered draw of articles (n^n per period, all periods together): ``statistic(means)``."""
    periods = sorted(units["period"].unique())
    docs = {p: sorted(units.loc[units["period"] == p, "doc_id"].unique()) for p in periods}
    values = []
    for draws in product(*[product(docs[p], repeat=len(docs[p])) for p in periods]):
        means = {}
        for period, drawn in zip(periods, draws):
            part = pd.concat([units[units["doc_id"] == doc] for doc in drawn])
            means[period] = part["x"].mean()
        values.append(statistic(means))
    return values


def _inverse_cdf(values: list[float], q: float) -> float:
    ordered = np.sort(values)
    return float(ordered[int(np.ceil(q * len(ordered) - 1e-9)) - 1])


def test_few_articles_give_the_exact_bootstrap_distribution():
    # P has 2 articles (3 distinct resamples), Q has 2: 9 for the difference, fewer than the 2,000 asked for.
    means = bootstrap_period_means(UNITS, ["x"], random_state=7, n_resamples=2000).set_index("period")
    assert means["distinct_resamples"].tolist() == [3, 3] and means["exact"].all()
    for period in ("P", "Q"):
        brute = _brute_force(UNITS[UNITS["period"] == period], lambda m, p=period: m[p])
        assert means.loc[period, "ci_low"] == pytest.approx(_inverse_cdf(brute, 0.025))
        assert means.loc[period, "ci_high"] == pytest.approx(_inverse_cdf(brute, 0.975))
    diff = bootstrap_period_difference(UNITS, ["x"], "P", "Q", random_state=7).iloc[0]
    brute = _brute_force(UNITS, lambda m: m["Q"] - m["P"])
    assert (diff["ci_low"], diff["ci_high"]) == pytest.approx((_inverse_cdf(brute, 0.025), _inverse_cdf(brute, 0.975)))
    assert (diff["distinct_resamples"], diff["exact"]) == (9, True)
    # seeds do not matter when every resample is enumerated
    pd.testing.assert_frame_equal(bootstrap_period_means(UNITS, ["x"], random_state=8).set_index("period"), means)


def test_three_articles_exact_weights_match_brute_force():
    units = _many(3, seed=2)
    diff = bootstrap_period_difference(units, ["x"], "P", "Q", random_state=1).iloc[0]
    brute = _brute_force(units, lambda m: m["Q"] - m["P"])  # 27 × 27 ordered draws
    assert diff["distinct_resamples"] == 100
    assert (diff["ci_low"], diff["ci_high"]) == pytest.approx((_inverse_cdf(brute, 0.025), _inverse_cdf(brute, 0.975)))
    assert diff["difference"] != 0
    assert diff["share_same_sign"] == pytest.approx(np.mean(np.sign(brute) == np.sign(diff["difference"])))


def test_distinct_resamples_counts_multisets():
    assert [distinct_resamples(n) for n in (1, 2, 3, 5, 8)] == [1, 3, 10, 126, 6435]


def test_many_articles_draw_at_random_deterministically_for_a_seed():
    units = _many(8)  # 6,435 distinct resamples per period: more than the 500 asked for
    first = bootstrap_period_means(units, ["x"], random_state=7, n_resamples=500)
    pd.testing.assert_frame_equal(first, bootstrap_period_means(units, ["x"], random_state=7, n_resamples=500))
    assert not first["exact"].any() and first["distinct_resamples"].tolist() == [6435, 6435]
    draws = bootstrap_draws(units, ["x"], random_state=7, n_resamples=500)
    assert len(draws[("x", "P")]) == 500
    assert not np.array_equal(draws[("x", "P")], bootstrap_draws(units, ["x"], random_state=8, n_resamples=500)[("x", "P")])
    # a resample draws whole documents: every mean is a multiple of 1/16 (8 articles of 2 units)
    assert np.allclose(draws[("x", "P")] * 16, np.round(draws[("x", "P")] * 16))


def test_one_draw_serves_the_period_intervals_and_the_difference():
    units = _many(8)
    comparison = compare_periods(units, ["x"], "P", "Q", random_state=5, n_resamples=400)
    pd.testing.assert_frame_equal(comparison.estimates,
                                  bootstrap_period_means(units, ["x"], random_state=5, n_resamples=400, periods=["P", "Q"]))
    alone = bootstrap_period_difference(units, ["x"], "P", "Q", random_state=5, n_resamples=400)
    pd.testing.assert_frame_equal(comparison.differences[alone.columns], alone)
    draws = bootstrap_draws(units, ["x"], random_state=5, n_resamples=400, periods=["P", "Q"])
    sample = draws[("x", "Q")] - draws[("x", "P")]
    assert alone["ci_low"].iloc[0] == pytest.approx(np.quantile(sample, 0.025))


def test_difference_interval_contains_the_estimate():
    diff = bootstrap_period_difference(_many(8), ["x"], "P", "Q", random_state=1, n_resamples=500).iloc[0]
    assert diff["ci_low"] <= diff["difference"] <= diff["ci_high"]


def test_leave_one_document_out_matches_recomputation():
    loo = leave_one_document_out(UNITS, ["x"], "P", "Q", weight_column="words")
    assert loo["left_out"].tolist() == ["a", "b", "c", "d"]
    row = loo.set_index("left_out").loc["c"]
    # without c: P = (10*1 + 30*0 + 20*1) / 60, Q = (5*1 + 10*1) / 15
    assert row["estimate_a"] == pytest.approx(30 / 60)
    assert row["estimate_b"] == pytest.approx(1.0)
    assert row["difference"] == pytest.approx(0.5)
    single = leave_one_document_out(UNITS[UNITS["doc_id"] != "b"], ["x"], "P", "Q")
    assert np.isnan(single.set_index("left_out").loc["a", "difference"])  # P is empty without a


def test_robustness_summary_names_the_reverser_not_the_largest_mover():
    full = pd.DataFrame({"measure": ["x"], "difference": [0.1]})
    loo = pd.DataFrame({"left_out": ["a", "b"], "measure": ["x", "x"], "difference": [0.3, -0.05]})
    summary = robustness_summary(full, loo).iloc[0]
    assert not summary["sign_survives"]
    assert (summary["reversed_by"], summary["largest_mover"]) == ("b", "a")
    assert (summary["loo_min"], summary["loo_max"]) == (-0.05, 0.3)


def test_a_period_emptied_by_leaving_out_its_only_article_does_not_survive():
    units = UNITS[UNITS["doc_id"] != "b"]
    comparison = compare_periods(units, ["x"], "P", "Q", random_state=1)
    row = comparison.differences.iloc[0]
    assert not row["sign_survives"] and row["lost_without"] == "a"


def test_a_period_without_units_is_named():
    with pytest.raises(ValueError, match=r"Period 'R' has no units to resample; check the periods parameter"):
        bootstrap_period_means(UNITS, ["x"], random_state=1, periods=["P", "R"])
    with pytest.raises(ValueError, match=r"Period 'R' has no units to resample"):
        bootstrap_period_difference(UNITS, ["x"], "R", "Q", random_state=1)
    with pytest.raises(ValueError, match=r"Period 'R' has no units to average; check the periods parameter"):
        _point_estimates(UNITS, ["x"], ["P", "R"], "doc_id", "period", None)


def test_resamples_drawn_in_blocks_draw_the_same_resamples_as_one_block(monkeypatch):
    """Blocks bound the memory of large corpora: same draws, so intervals agree up to float rounding; small corpora
    (here 2,000 documents a period) are drawn in one block, exactly as before blocks existed."""
    from analysis.core import bootstrap

    rng = np.random.default_rng(7)
    units = pd.DataFrame({"doc_id": [f"d{i // 3:04d}" for i in range(12000)], "period": ["a"] * 6000 + ["b"] * 6000,
                          "x": rng.random(12000), "y": rng.integers(0, 2, 12000).astype(float), "w": rng.integers(1, 9, 12000)})
    blocks_seen = []
    original = bootstrap._random_blocks

    def counting(*args):
        for block in original(*args):
            blocks_seen.append(len(block))
            yield block

    monkeypatch.setattr(bootstrap, "_random_blocks", counting)
    one = compare_periods(units, ["x", "y"], "a", "b", random_state=3, n_resamples=1000, weight_column="w")
    assert blocks_seen == [1000, 1000]
    monkeypatch.setattr(bootstrap, "RESAMPLE_BLOCK_CELLS", 1)  # one block of RESAMPLE_BLOCK_ROWS resamples at a time
    blocks = compare_periods(units, ["x", "y"], "a", "b", random_state=3, n_resamples=1000, weight_column="w")
    assert blocks_seen[2:] == [256, 256, 256, 232] * 2
    assert not one.estimates["exact"].any()
    pd.testing.assert_frame_equal(one.estimates, blocks.estimates, rtol=1e-12)
    pd.testing.assert_frame_equal(one.differences, blocks.differences, rtol=1e-12)
    other_seed = compare_periods(units, ["x", "y"], "a", "b", random_state=4, n_resamples=1000, weight_column="w")
    assert not np.allclose(one.estimates["ci_low"], other_seed.estimates["ci_low"], rtol=1e-12)  # the check can fail


def _tables(n_docs: tuple[int, int], seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A rates table (weighted by words) and a sums table (``summed``) over the same articles, measures not sorted."""
    rng = np.random.default_rng(seed)
    total = sum(n_docs)
    docs = pd.DataFrame({"doc_id": [f"d{i:05d}" for i in rng.permutation(total)],
                         "period": ["a"] * n_docs[0] + ["b"] * n_docs[1], "words": rng.integers(50, 900, total)})
    rates = docs.assign(zeta=rng.random(total), alpha=rng.random(total) * 3, mid=rng.poisson(1.0, total) * 1.0)
    sums = docs.assign(sentences=rng.integers(1, 30, total))
    sums = sums.assign(y=rng.integers(0, 5, total).clip(max=sums["sentences"]), x=rng.integers(0, 2, total))
    return rates, sums


@pytest.mark.parametrize("n_docs, n_resamples", [((3, 2), 2000), ((40, 35), 300), ((900, 1100), 1000)])
def test_tables_compared_together_are_identical_to_each_compared_alone(n_docs, n_resamples):
    """One draw serves the frames and the actors of a corpus (same articles, same seed): each result is the one
    compare_periods gives for that table alone, to the last bit, whether enumerated (few articles) or drawn."""
    from analysis.core.bootstrap import Measures, compare_periods_together

    rates, sums = _tables(n_docs, seed=n_docs[0])
    together = compare_periods_together([Measures(rates, ["zeta", "alpha", "mid"], weight_column="words"),
                                         Measures(sums, ["y", "x"], summed="sentences")], "a", "b", random_state=11,
                                        n_resamples=n_resamples)
    alone = [compare_periods(rates, ["zeta", "alpha", "mid"], "a", "b", random_state=11, n_resamples=n_resamples,
                             weight_column="words"),
             compare_periods(sums, ["y", "x"], "a", "b", random_state=11, n_resamples=n_resamples, summed="sentences")]
    for mine, theirs in zip(together, alone):
        for part in ("estimates", "differences", "leave_one_out"):
            pd.testing.assert_frame_equal(getattr(mine, part), getattr(theirs, part), check_exact=True)


def test_tables_with_different_articles_are_drawn_for_each_alone():
    from analysis.core.bootstrap import Measures, compare_periods_together

    rates, _ = _tables((60, 50), seed=1)
    fewer = rates.iloc[5:]  # five articles of period a missing: other resamples
    together = compare_periods_together([Measures(rates, ["zeta"], weight_column="words"),
                                         Measures(fewer, ["zeta"], weight_column="words")], "a", "b", random_state=2,
                                        n_resamples=200)
    for mine, units in zip(together, (rates, fewer)):
        theirs = compare_periods(units, ["zeta"], "a", "b", random_state=2, n_resamples=200, weight_column="words")
        pd.testing.assert_frame_equal(mine.estimates, theirs.estimates, check_exact=True)
        pd.testing.assert_frame_equal(mine.differences, theirs.differences, check_exact=True)


def test_leave_one_document_out_comes_sorted_by_measure_and_document():
    rates, _ = _tables((30, 20), seed=4)
    loo = leave_one_document_out(rates, ["zeta", "alpha", "mid"], "a", "b", weight_column="words")
    assert loo["measure"].unique().tolist() == ["alpha", "mid", "zeta"]
    pd.testing.assert_frame_equal(loo, loo.sort_values(["measure", "left_out"], ignore_index=True), check_exact=True)


def _leave_one_out_frame_by_frame(units, value_columns, period_a, period_b, weight_column=None, summed=None):
    """leave_one_document_out as it was written before: a table per measure, joined (the reference for the faster
    build, which makes the document columns once)."""
    part = units[units["period"].isin([period_a, period_b])]
    weights = part[weight_column or summed].to_numpy(float) if (weight_column or summed) else np.ones(len(part))
    doc_codes, doc_index = pd.factorize(part["doc_id"], sort=True)
    doc_period = part.groupby("doc_id", sort=True)["period"].first().reindex(doc_index).to_numpy()
    in_a = doc_period == period_a
    weight_sums = np.bincount(doc_codes, weights=weights, minlength=len(doc_index))
    denominator_a = weight_sums[in_a].sum() - np.where(in_a, weight_sums, 0)
    denominator_b = weight_sums[~in_a].sum() - np.where(in_a, 0, weight_sums)
    frames = []
    for number in pd.DataFrame({"measure": value_columns}).sort_values("measure", kind="mergesort").index:
        measure = value_columns[number]
        values = part[measure].to_numpy(float)
        sums = np.bincount(doc_codes, weights=values if summed else weights * values, minlength=len(doc_index))
        numerator_a = sums[in_a].sum() - np.where(in_a, sums, 0)
        numerator_b = sums[~in_a].sum() - np.where(in_a, 0, sums)
        with np.errstate(invalid="ignore", divide="ignore"):
            estimate_a = np.where(denominator_a > 0, numerator_a / denominator_a, np.nan)
            estimate_b = np.where(denominator_b > 0, numerator_b / denominator_b, np.nan)
        frames.append(pd.DataFrame({"left_out": doc_index, "left_out_period": doc_period, "measure": measure,
                                    "estimate_a": estimate_a, "estimate_b": estimate_b,
                                    "difference": estimate_b - estimate_a}))
    columns = ["left_out", "left_out_period", "measure", "estimate_a", "estimate_b", "difference"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


@pytest.mark.parametrize("seed", range(10))
def test_leave_one_out_table_is_the_one_built_measure_by_measure(seed):
    """The leave-one-out table, its document columns made once for all measures, equals (values and column types)
    the one joined from a table per measure: string, object and integer document ids, weights, summed rows, a
    period of one document, measures named out of order, none, and a period without documents."""
    from analysis.core.bootstrap import leave_one_document_out

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    ids = [f"d{i:02d}" for i in rng.integers(0, 12, n)]
    if seed % 3 == 1:
        ids = pd.Series(ids, dtype=object)
    elif seed % 3 == 2:
        ids = rng.integers(0, 12, n)
    units = pd.DataFrame({"doc_id": ids, "period": rng.choice(["p", "q", "r"], n), "words": rng.integers(1, 50, n),
                          "zeta": rng.random(n), "alpha": rng.integers(0, 3, n).astype(float), "Mid": rng.random(n)})
    units["period"] = units.groupby("doc_id")["period"].transform("first")  # a document belongs to one period
    measures = [["zeta", "alpha", "Mid"], ["alpha"], []][seed % 3]
    for options in ({}, {"weight_column": "words"}, {"summed": "words"}):
        for periods in (("p", "q"), ("q", "p"), ("p", "none"), ("none", "other")):
            got = leave_one_document_out(units, measures, *periods, **options)
            pd.testing.assert_frame_equal(got, _leave_one_out_frame_by_frame(units, measures, *periods, **options))


def test_blocks_written_into_one_buffer_are_the_blocks_drawn_fresh():
    """Blocks of resamples written one after another into one buffer (the memory reused, not handed over again) are
    the fresh blocks, block for block, and the comparison of two tables is the same to the last bit."""
    from analysis.core import bootstrap
    from analysis.core.bootstrap import Measures, compare_periods_together

    for n_docs, n_resamples in ((700, 300), (70000, 1000), (5, 40)):
        fresh = [block.copy() for block in bootstrap._random_blocks(n_docs, n_resamples, np.random.default_rng(5))]
        scratch: list = [np.full(3, np.nan)]  # too small: replaced
        reused = [block.copy() for block in bootstrap._random_blocks(n_docs, n_resamples, np.random.default_rng(5),
                                                                    scratch)]
        assert len(fresh) == len(reused) and all(np.array_equal(a, b) for a, b in zip(fresh, reused))
        assert scratch[0].size >= fresh[0].size
    rates, sums = _tables((900, 1100), seed=2)
    tables = [Measures(rates, ["zeta", "alpha", "mid"], weight_column="words"), Measures(sums, ["y", "x"], summed="sentences")]
    with_buffer = compare_periods_together(tables, "a", "b", random_state=11, n_resamples=1000)
    original = bootstrap._scratch_block
    try:
        bootstrap._scratch_block = lambda scratch, rows, columns: np.empty((rows, columns))
        fresh_blocks = compare_periods_together(tables, "a", "b", random_state=11, n_resamples=1000)
    finally:
        bootstrap._scratch_block = original
    for mine, theirs in zip(with_buffer, fresh_blocks):
        pd.testing.assert_frame_equal(mine.estimates, theirs.estimates, check_exact=True)
        pd.testing.assert_frame_equal(mine.differences, theirs.differences, check_exact=True)
