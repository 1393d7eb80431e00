"""One leave-one-out summary: the article that reverses a change, the one it is lost without, and the largest mover."""

import numpy as np
import pandas as pd
import pytest

from analysis.core.robustness import LOO_COLUMNS, leave_one_out_summary

FULL = pd.DataFrame({"measure": ["shift"], "difference": [0.122]})


def test_the_largest_mover_is_not_called_the_reverser():
    # Like topic 2 of the seed report: dropping dw moves the shift most (to +26.8 points) but reverses nothing;
    # dropping ap reverses it; without fw it cannot be found at all.
    runs = pd.DataFrame({"measure": ["shift"] * 4, "left_out": ["ap", "dw", "fw", "vk"],
                         "difference": [-0.021, 0.268, np.nan, 0.10], "found": [True, True, False, True]})
    row = leave_one_out_summary(FULL, runs).iloc[0]
    assert list(leave_one_out_summary(FULL, runs).columns) == ["measure"] + LOO_COLUMNS
    assert not row["sign_survives"]
    assert (row["reversed_by"], row["reversed_to"], row["n_reversing"]) == ("ap", -0.021, 1)
    assert row["lost_without"] == "fw"
    assert (row["largest_mover"], row["largest_mover_to"]) == ("dw", 0.268)
    assert (row["loo_min"], row["loo_max"]) == (-0.021, 0.268)


def test_a_run_that_cannot_be_measured_counts_as_lost():
    # A term that vanishes without one article has z = NaN: it does not survive, it is lost without that article.
    full = pd.DataFrame({"term": ["harbin"], "z": [2.4]})
    runs = pd.DataFrame({"term": ["harbin"] * 3, "left_out": ["a", "b", "c"], "z": [2.5, np.nan, 2.2]})
    row = leave_one_out_summary(full, runs, key="term", value="z").iloc[0]
    assert not row["sign_survives"]
    assert row["lost_without"] == "b" and row["reversed_by"] == ""
    assert row["largest_mover"] == "c" and row["largest_mover_to"] == pytest.approx(2.2)


def test_strongest_reversal_is_named_and_all_reversals_counted():
    runs = pd.DataFrame({"measure": ["shift"] * 3, "left_out": ["a", "b", "c"], "difference": [0.0, -0.2, -0.05]})
    row = leave_one_out_summary(FULL, runs).iloc[0]
    assert (row["reversed_by"], row["reversed_to"], row["n_reversing"]) == ("b", -0.2, 3)


def test_a_change_no_article_reverses_survives_and_names_its_largest_mover():
    runs = pd.DataFrame({"measure": ["shift"] * 2, "left_out": ["a", "b"], "difference": [0.122, 0.05]})
    row = leave_one_out_summary(FULL, runs).iloc[0]
    assert row["sign_survives"] and row["reversed_by"] == "" and row["lost_without"] == ""
    assert (row["largest_mover"], row["largest_mover_to"]) == ("b", 0.05)
    unmoved = leave_one_out_summary(FULL, runs.assign(difference=0.122)).iloc[0]
    assert unmoved["sign_survives"] and unmoved["largest_mover"] == ""


def test_no_runs_or_a_zero_change_never_survive():
    empty = pd.DataFrame(columns=["measure", "left_out", "difference"])
    assert not leave_one_out_summary(FULL, empty).iloc[0]["sign_survives"]
    zero = pd.DataFrame({"measure": ["shift"], "difference": [0.0]})
    runs = pd.DataFrame({"measure": ["shift"], "left_out": ["a"], "difference": [0.0]})
    assert not leave_one_out_summary(zero, runs).iloc[0]["sign_survives"]


def _summary_by_sorting(full, runs, key="measure", value="difference"):
    """The summary with the runs always sorted and grouped by pandas (what every call did before the in-order path)."""
    from analysis.core import robustness

    original = robustness.groups_in_order
    robustness.groups_in_order = lambda runs, key: None
    try:
        return leave_one_out_summary(full, runs, key=key, value=value)
    finally:
        robustness.groups_in_order = original


@pytest.mark.parametrize("seed", range(12))
def test_runs_already_in_order_give_the_summary_sorting_gives(seed):
    """Runs that arrive sorted are split where the key changes instead of sorted and grouped: the same summary on
    random tables in order, shuffled, with ties, NaN, lost runs, missing keys, string, object and integer columns."""
    rng = np.random.default_rng(seed)
    n_keys, n_docs = int(rng.integers(1, 6)), int(rng.integers(1, 7))
    key_values = ([f"m{k}" for k in range(n_keys)] if seed % 3 else list(range(n_keys)))
    docs = sorted(rng.choice(["a", "b", "c", "dé", "e e", "z", "Ä"], size=n_docs, replace=False).tolist())
    runs = pd.DataFrame({"measure": np.repeat(key_values, n_docs).tolist(), "left_out": docs * n_keys,
                         "difference": rng.choice([-0.2, -0.1, 0.0, 0.1, 0.1, 0.3, np.nan], size=n_keys * n_docs)})
    if seed % 4 == 1:
        runs["found"] = rng.random(len(runs)) > 0.2
    if seed % 2:
        runs = runs.astype({"left_out": "object", "measure": "object"})
    full = pd.DataFrame({"measure": key_values[::-1] + (["absent"] if seed % 3 else [99]),
                         "difference": rng.choice([-0.15, 0.0, 0.05, np.nan], size=n_keys + 1)})
    for table in (runs, runs.sample(frac=1, random_state=seed), runs.iloc[::-1]):
        pd.testing.assert_frame_equal(leave_one_out_summary(full, table), _summary_by_sorting(full, table))


def test_groups_in_order_decline_what_they_cannot_split():
    from analysis.core.robustness import groups_in_order

    runs = pd.DataFrame({"measure": ["x", "x", "y"], "left_out": ["a", "b", "a"], "difference": [0.1, 0.2, 0.3]})
    assert list(groups_in_order(runs, "measure")) == ["x", "y"]
    assert groups_in_order(runs.iloc[[1, 0, 2]], "measure") is None  # documents out of order
    assert groups_in_order(runs.assign(left_out=["a", None, "b"]), "measure") is None  # a missing document
    assert groups_in_order(runs.assign(measure=pd.Series(["x", 1, "y"], dtype=object)), "measure") is None
    assert groups_in_order(runs.iloc[:1], "measure") is None
