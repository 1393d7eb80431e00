"""Document-resampling intervals and leave-one-document-out differences."""

import numpy as np
import pandas as pd
import pytest

from analysis.bootstrap import (bootstrap_draws, bootstrap_period_difference, bootstrap_period_means, leave_one_document_out,
                                robustness_summary)

UNITS = pd.DataFrame({
    "doc_id": ["a", "a", "b", "c", "d", "d"],
    "period": ["P", "P", "P", "Q", "Q", "Q"],
    "x": [1.0, 0.0, 1.0, 0.0, 1.0, 1.0],
    "words": [10, 30, 20, 5, 5, 10],
})


def test_bootstrap_is_deterministic_for_a_seed_and_resamples_documents():
    first = bootstrap_period_means(UNITS, ["x"], random_state=7, n_resamples=500)
    again = bootstrap_period_means(UNITS, ["x"], random_state=7, n_resamples=500)
    pd.testing.assert_frame_equal(first, again)
    draws = bootstrap_draws(UNITS, ["x"], random_state=7, n_resamples=500)
    assert not np.array_equal(draws[("x", "P")], bootstrap_draws(UNITS, ["x"], random_state=8, n_resamples=500)[("x", "P")])
    # a resample draws whole documents: with a (mean 1/2) and b (mean 1), P's mean is 1/2, 2/3 or 1, never 0
    assert set(np.round(draws[("x", "P")], 6)) <= {0.5, round(2 / 3, 6), 1.0}
    assert first["estimate"].tolist() == pytest.approx([2 / 3, 2 / 3])
    assert first["n_docs"].tolist() == [2, 2]


def test_difference_interval_contains_the_estimate():
    diff = bootstrap_period_difference(UNITS, ["x"], "P", "Q", random_state=1, n_resamples=500).iloc[0]
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


def test_robustness_summary_flags_a_sign_one_document_reverses():
    full = pd.DataFrame({"measure": ["x"], "difference": [0.1]})
    loo = pd.DataFrame({"left_out": ["a", "b"], "measure": ["x", "x"], "difference": [0.2, -0.05]})
    summary = robustness_summary(full, loo).iloc[0]
    assert not summary["sign_survives"]
    assert summary["decisive_document"] == "b"
    assert (summary["loo_min"], summary["loo_max"]) == (-0.05, 0.2)
