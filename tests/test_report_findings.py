"""Finding sentences are built from the values and say how far each can be trusted."""

import numpy as np
import pandas as pd
import pytest

from analysis.core.bootstrap import compare_periods
from analysis.core.display import point_change, rate_change, share_points
from analysis.report.findings import (
    MIN_UNITS,
    difference_sentence,
    leave_one_out_clause,
    ranked_changes,
    resample_caveat,
    support,
    support_counts,
    verdict_count_sentence,
    verdict_phrase,
    verdict_rule_paragraph,
    with_verdicts,
)

DIFFS = pd.DataFrame({
    "measure": ["energy", "trade", "war", "flat"],
    "difference": [-0.05, 0.09, 0.20, 0.0],
    "ci_low": [-0.1, 0.01, -0.02, 0.0], "ci_high": [0.02, 0.2, 0.3, 0.0],
    "excludes_zero": [False, True, False, False], "sign_survives": [False, True, True, False],
    "reversed_by": ["d1", "", "", ""], "reversed_to": [0.01, np.nan, np.nan, np.nan],
    "lost_without": ["", "", "", ""],
    "largest_mover": ["d1", "d2", "d3", ""], "largest_mover_to": [0.01, 0.12, 0.12, np.nan],
    "distinct_resamples": [30.0, 30.0, 30.0, 30.0], "exact": [True] * 4,
})


def test_support_levels():
    assert [support(True, True), support(True, False), support(False, True), support(False, False)] == [
        "supported", "fragile", "fragile", "not supported"]
    assert support(True, True, n_units=2) == "tentative"
    assert support_counts(DIFFS) == {"supported": 1, "tentative": 0, "fragile": 1, "not supported": 2}
    assert verdict_phrase(support_counts(DIFFS, n_units=3)) == "1 tentative, 1 fragile and 2 not supported"


def test_ranked_changes_puts_supported_first_and_skips_zero():
    assert ranked_changes(DIFFS, n=3)["measure"].tolist() == ["trade", "war", "energy"]


def test_sentence_numbers_come_from_the_values():
    estimates = pd.DataFrame({"measure": ["war", "war"], "period": ["A", "B"], "estimate": [0.05, 0.25]})
    text = difference_sentence("war", estimates, DIFFS.set_index("measure").loc["war"], ["A", "B"],
                               subject=str.title, level=share_points, change=point_change)
    assert text == ("War: 5% in A, 25% in B (+20 points; 95% interval -2 points to +30 points; only 30 distinct "
                    "resamples of the articles exist, all enumerated). No single article reverses it (without `d3` it "
                    "is +12 points), but the interval includes zero: **fragile**.")


def test_the_article_named_as_reversing_a_change_reverses_it():
    # The seed report's topic 2: dw moves the shift most but keeps its sign; ap reverses it; fw is needed to find it.
    row = pd.Series({"difference": 0.122, "ci_low": 0.02, "ci_high": 0.2, "excludes_zero": True, "sign_survives": False,
                     "reversed_by": "ap", "reversed_to": -0.031, "lost_without": "fw", "largest_mover": "dw",
                     "largest_mover_to": 0.268, "distinct_resamples": 5000.0, "exact": False})
    estimates = pd.DataFrame({"measure": ["2", "2"], "period": ["A", "B"], "estimate": [0.10, 0.222]})
    text = difference_sentence("2", estimates, row, ["A", "B"], subject=lambda m: f"Topic {m}", level=share_points,
                               change=point_change)
    assert text == ("Topic 2: 10% in A, 22% in B (+12 points; 95% interval +2 points to +20 points). The interval excludes "
                    "zero, but leaving out `ap` reverses it to -3 points and it is not found without `fw`: **fragile**.")
    assert "dw" not in text
    assert leave_one_out_clause(row.drop(["reversed_by"]).to_dict() | {"reversed_by": ""}, point_change) == (
        "it is not found without `fw`")
    survives = {"sign_survives": True, "reversed_by": "", "lost_without": "", "largest_mover": "dw",
                "largest_mover_to": 0.268}
    assert leave_one_out_clause(survives, point_change) == "no single article reverses it (without `dw` it is +27 points)"
    assert leave_one_out_clause(survives, point_change, "group").startswith("no single group reverses it (without `dw`")
    assert leave_one_out_clause({"sign_survives": False, "reversed_by": "", "lost_without": "group 2; group 8"},
                                point_change, "group") == "it is not found without `group 2` (nor without 1 other group)"
    from_csv = {"sign_survives": False, "reversed_by": float("nan"), "lost_without": "fw"}
    assert leave_one_out_clause(from_csv, point_change) == "it is not found without `fw`"
    tiny = {"sign_survives": True, "largest_mover": "in", "largest_mover_to": 0.0004}
    assert leave_one_out_clause(tiny, rate_change) == "no single article reverses it (without `in` it is just above zero)"


def test_interval_bounds_that_print_as_zero_say_which_side_they_are_on():
    from analysis.report.findings import interval_phrase
    row = {"difference": -0.01, "ci_low": -0.03, "ci_high": -0.001, "distinct_resamples": 5000.0, "exact": False}
    assert interval_phrase(row, point_change) == "-1 point; 95% interval -3 points to just below zero"
    assert interval_phrase(row | {"ci_high": 0.0}, point_change) == "-1 point; 95% interval -3 points to +0 points"
    erased = {"sign_survives": False, "reversed_by": "<b>x</b>", "reversed_to": 0.0, "lost_without": ""}
    assert leave_one_out_clause(erased, point_change) == "leaving out `<b>x</b>` erases it (+0 points)"  # code spans show text as written
    barely = {"sign_survives": False, "reversed_by": "ap", "reversed_to": -0.0026, "lost_without": "a; b; c"}
    assert leave_one_out_clause(barely, point_change) == (
        "leaving out `ap` reverses it to just below zero and it is not found without `a` (nor without 2 other articles)")


def test_resample_caveat_from_the_counts():
    assert resample_caveat(3, exact=True) == "only 3 distinct resamples of the articles exist, all enumerated"
    assert resample_caveat(700, exact=False) == "only 700 distinct resamples of the articles exist"
    assert resample_caveat(1000, exact=True) == resample_caveat(1.5e30, exact=False) == ""


def _planted(n_docs: int) -> pd.DataFrame:
    """``n_docs`` articles per period, each from its own outlet; every B sentence carries x, no A sentence does."""
    rows = [{"doc_id": f"{period}{i:03d}", "period": period, "x": float(period == "B")}
            for period in ("A", "B") for i in range(n_docs) for _ in range(2)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("n_docs", [2, 5, 20, 200])
def test_front_page_sentences_agree_with_the_verdict_table(n_docs):
    comparison = compare_periods(_planted(n_docs), ["x"], "A", "B", random_state=1, n_resamples=2000)
    units = {"A": n_docs, "B": n_docs}
    table = with_verdicts(comparison.differences, min(units.values()))
    verdict = table["verdict"].iloc[0]
    assert verdict == ("supported" if n_docs >= MIN_UNITS else "tentative")
    paragraph = verdict_rule_paragraph(units, units, comparison.differences)
    counts = verdict_count_sentence("frame change", comparison.differences, min(units.values()))
    assert counts == f"Of 1 frame change: 1 {verdict}."
    assert ("no change can be called supported" in paragraph) == (verdict != "supported")
    assert ("a change that passes both checks is **supported**" in paragraph) == (verdict == "supported")
    assert ("distinct resamples" in paragraph) == (comparison.differences["distinct_resamples"].iloc[0] < 1000)


def test_verdict_rule_paragraph_exact_text():
    two = compare_periods(_planted(2), ["x"], "A", "B", random_state=1).differences
    assert verdict_rule_paragraph({"A": 2, "B": 2}, {"A": 3, "B": 2}, two) == (
        "Two checks stand behind every change reported here: a 95% interval from resampling whole articles within each "
        "period, and a leave-one-out run that drops each article in turn. A change is called **supported** only when the "
        "interval excludes zero, no single article reverses it or is needed to find it, and each period has at least 5 "
        "independent sources. With 2 independent sources in A (3 articles) and 2 in B (2 articles), no change can be "
        "called supported; the strongest are **tentative**: they hold in these particular articles and outlets and are "
        "leads for a larger corpus, not findings about English-language news at large. Each change's interval comes "
        "from few articles: only 9 distinct resamples of the articles exist, all enumerated; the interval is coarse and "
        "repeats much of what leaving one article out shows.")
    twenty = compare_periods(_planted(20), ["x"], "A", "B", random_state=1).differences
    assert verdict_rule_paragraph({"A": 20, "B": 20}, {"A": 20, "B": 20}, twenty).endswith(
        "With 20 independent sources in A (20 articles) and 20 in B (20 articles), a change that passes both checks "
        "is **supported**. A supported change holds in these articles and outlets; check the outlet mix before reading "
        "it as a change in English-language news at large.")


def test_period_interval_caveat_names_each_period_with_few_resamples():
    from analysis.report.findings import period_interval_caveat
    estimates = pd.DataFrame({"measure": ["x"] * 2 + ["y"] * 2, "period": ["A", "B"] * 2,
                              "distinct_resamples": [10.0, 3.0] * 2, "exact": [True] * 4})
    assert period_interval_caveat(estimates, ["A", "B"]) == (
        "Intervals from few articles: in A only 10 distinct resamples of the articles exist, all enumerated; in B only 3 "
        "distinct resamples of the articles exist, all enumerated.")
    many = estimates.assign(distinct_resamples=[126.0, 1e30] * 2)
    assert period_interval_caveat(many, ["A", "B"]) == (
        "Intervals from few articles: in A only 126 distinct resamples of the articles exist, all enumerated.")
    assert period_interval_caveat(estimates.assign(distinct_resamples=5000.0), ["A", "B"]) == ""


def test_term_robustness_sentence_counts_vanishing_terms_as_lost():
    from analysis.report.findings import term_robustness_sentence
    robustness = pd.DataFrame({"term": ["harbin", "gas", "war", "kremlin"], "n_articles": [1, 3, 2, 1],
                               "side_survives": [False, True, False, False],
                               "stays_beyond_threshold": [False, True, False, False],
                               "lost_without": ["a1", "", "", "b<2>"], "reversed_by": ["", "", "b1", ""]})
    assert term_robustness_sentence(robustness) == (
        "Of the 4 top distinctive terms, **1** stays on its period's side whichever article is left out, and **1** "
        "keeps |z| above 1.96 in every run. 1 is reversed by leaving out one article; 2 occur in a single article and "
        "vanish without it (*harbin*, *kremlin*).")


def test_terms_listed_with_the_articles_they_occur_in():
    from analysis.report.findings import terms_with_articles
    assert terms_with_articles(["putin", "<b>harbin</b>"], [2, 1], 2) == (
        "*putin* (2 of 2 articles), *&lt;b&gt;harbin&lt;/b&gt;* (1 of 2 articles)")
    assert terms_with_articles(["gas"], [1], 1) == "*gas* (1 of 1 article)"
