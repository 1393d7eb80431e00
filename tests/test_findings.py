"""Finding sentences are built from the values and say how far each can be trusted."""

import pandas as pd

from analysis.findings import (count_phrase, difference_sentence, point_change, ranked_changes, rate, rate_change,
                               share_points, support, support_counts, verdict_phrase)

DIFFS = pd.DataFrame({
    "measure": ["energy", "trade", "war", "flat"],
    "difference": [-0.05, 0.09, 0.20, 0.0],
    "ci_low": [-0.1, 0.01, -0.02, 0.0], "ci_high": [0.02, 0.2, 0.3, 0.0],
    "excludes_zero": [False, True, False, False], "sign_survives": [False, True, True, False],
    "decisive_document": ["d1", "d2", "d3", ""],
})


def test_support_levels():
    assert [support(True, True), support(True, False), support(False, True), support(False, False)] == [
        "supported", "fragile", "fragile", "not supported"]
    assert support(True, True, n_documents=2) == "tentative"
    assert support_counts(DIFFS) == {"supported": 1, "tentative": 0, "fragile": 1, "not supported": 2}
    assert verdict_phrase(support_counts(DIFFS, n_documents=3)) == "1 tentative, 1 fragile and 2 not supported"


def test_ranked_changes_puts_supported_first_and_skips_zero():
    assert ranked_changes(DIFFS, n=3)["measure"].tolist() == ["trade", "war", "energy"]


def test_sentence_numbers_come_from_the_values():
    estimates = pd.DataFrame({"measure": ["war", "war"], "period": ["A", "B"], "estimate": [0.05, 0.25]})
    text = difference_sentence("war", estimates, DIFFS.set_index("measure").loc["war"], ["A", "B"],
                               subject=str.title, level=share_points, change=point_change)
    assert text.startswith("War: 5% in A, 25% in B (+20 points; 95% interval -2 points to +30 points).")
    assert text.endswith("interval includes zero: **fragile**.")


def test_number_helpers():
    assert (share_points(0.273), point_change(-0.019), point_change(0.01), rate(6.81), rate_change(6.81)) == (
        "27%", "-2 points", "+1 point", "6.8", "+6.8")
    assert (count_phrase(0, "term"), count_phrase(1, "article"), count_phrase(3, "article")) == ("no terms", "1 article", "3 articles")
