"""Charts of the comparison stage: the log-odds plot labels the top terms, intervals are drawn as given, and a change
one article can reverse is drawn hollow."""

import pandas as pd

from analysis.comparison.plots import plot_leave_one_out, plot_log_odds, plot_period_estimates
from analysis.core.plots import PERIOD_STYLES

SOURCE = "Source: test corpus"


def test_an_interval_whose_bounds_cross_the_estimate_by_rounding_still_draws():
    estimate = 0.1 + 0.2  # 0.30000000000000004: bounds computed another way land a rounding error on the wrong side
    estimates = pd.DataFrame({"measure": ["energy", "energy"], "period": ["early", "late"],
                              "estimate": [estimate, 0.5], "ci_low": [0.3 + 1e-16, 0.4], "ci_high": [0.3, 0.6]})
    fig = plot_period_estimates(estimates, ["early", "late"], title="t", source="s", xlabel="x")
    segments = [collection.get_segments() for collection in fig.axes[0].collections if hasattr(collection, "get_segments")]
    widths = sorted(round(abs(segment[1][0] - segment[0][0]), 6) for group in segments for segment in group)
    assert widths == [0.0, 0.2]  # the degenerate interval is a zero-length whisker, the other one is drawn as given


def test_log_odds_plot_labels_the_most_distinctive_terms_of_each_side_in_its_colour():
    table = pd.DataFrame({"term": ["gas", "oil", "war", "drone", "talks"], "count_a": [30, 12, 1, 0, 5],
                          "count_b": [2, 3, 25, 9, 5], "z": [4.1, 2.2, -3.9, -2.5, 0.0]})
    fig = plot_log_odds(table, ("early", "late"), title="Words", source=SOURCE, n_labels=1)
    ax = fig.axes[0]
    labels = {text.get_text(): text.get_color() for text in ax.texts}
    assert labels == {"gas": PERIOD_STYLES[0]["color"], "war": PERIOD_STYLES[1]["color"]}
    assert ax.get_xscale() == "log" and [line.get_ydata()[0] for line in ax.lines] == [1.96, -1.96, 0]
    assert fig._suptitle.get_text() == "Words" and fig.texts[-1].get_text() == SOURCE


def test_leave_one_out_chart_draws_a_reversible_change_hollow():
    summary = pd.DataFrame({"measure": ["energy", "war"], "difference": [0.2, -0.1], "sign_survives": [True, False]})
    loo = pd.DataFrame({"measure": ["energy", "energy", "war", "war"], "left_out": ["a", "b", "a", "b"],
                        "difference": [0.15, 0.25, 0.05, float("nan")]})
    fig = plot_leave_one_out(summary, loo, title="Robustness", source=SOURCE, xlabel="points")
    ax = fig.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["energy", "war"]
    ticks, full = ax.collections[0::2], ax.collections[1::2]
    assert [len(collection.get_offsets()) for collection in ticks] == [2, 1]  # a run that cannot be computed is not drawn
    assert [tuple(collection.get_facecolor()[0]) for collection in full] == [(0.2, 0.2, 0.2, 1.0), (1.0, 1.0, 1.0, 1.0)]


def test_leave_one_out_ticks_on_top_of_one_another_are_drawn_once():
    """Thousands of articles: a tick within 1/TICK_RESOLUTION of the range of one already drawn is not drawn again;
    every drawn tick is an actual run, and every run is that close to a drawn one."""
    import numpy as np

    from analysis.comparison.plots import TICK_RESOLUTION

    rng = np.random.default_rng(0)
    runs = np.concatenate([rng.normal(0.1, 0.03, 50_000), [-0.2, 0.4, 0.1, 0.1]])
    summary = pd.DataFrame({"measure": ["energy"], "difference": [0.1], "sign_survives": [False]})
    loo = pd.DataFrame({"measure": "energy", "left_out": [f"d{i}" for i in range(len(runs))], "difference": runs})
    drawn = plot_leave_one_out(summary, loo, title="t", source=SOURCE, xlabel="x").axes[0].collections[0].get_offsets()[:, 0]
    step = (runs.max() - runs.min()) / TICK_RESOLUTION
    assert 500 < len(drawn) <= TICK_RESOLUTION + 1 and set(drawn) <= set(runs) and {runs.min(), runs.max()} <= set(drawn)
    assert np.abs(runs[:, None] - np.sort(drawn)[None, :]).min(axis=1).max() < step


def test_runs_by_measure_split_in_order_equal_the_grouped_runs():
    """A leave-one-out table in measure and document order is split, not grouped: the same runs per measure (NaN
    left out, a measure with no value left empty or missing) as grouping gives, on sorted and shuffled tables."""
    import numpy as np

    from analysis.comparison.plots import runs_by_measure

    loo = pd.DataFrame({"left_out": ["a", "b", "c"] * 4, "measure": np.repeat(["m1", "m2", "m3", "m4"], 3),
                        "difference": [0.1, np.nan, -0.2, np.nan, np.nan, np.nan, 0.3, 0.0, np.inf, 1, 2, 3]})
    for table in (loo, loo.sample(frac=1, random_state=1), loo.iloc[::-1]):
        grouped = {measure: part.to_numpy(float) for measure, part in
                   table.loc[table["difference"].notna(), "difference"].groupby(table["measure"], sort=False)}
        found = runs_by_measure(table)
        assert set(grouped) <= set(found)
        for measure in found:
            np.testing.assert_array_equal(found[measure], grouped.get(measure, np.zeros(0)))
