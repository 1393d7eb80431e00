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
