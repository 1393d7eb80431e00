"""Charts of the figure stage: an indicator's values by year, coloured by period and listed under the chart; figures
counted per measure."""

import pandas as pd

from analysis.core.plots import PERIOD_STYLES
from analysis.figures import indicators as fi
from analysis.figures.plots import plot_indicator, plot_measure_counts

PERIODS = ["2014–2015", "2023–2024"]
SOURCE = "Source: test corpus"


def figure(period, year, value, shown, status="actual", published="2015-05-07"):
    return {"indicator": "china_russia_trade", "period": period, "year": year, "value": value, "unit": "USD",
            "kind": "money", "span": "year", "status": status, "shown": shown, "published": published, "per": "",
            "doc_id": f"d{year}", "start": 0, "surface": shown, "outlet": "Outlet"}


def test_an_indicator_chart_fills_actual_values_and_lists_every_value_under_it():
    indicators = fi.indicator_table(pd.DataFrame([
        figure("2014–2015", 2014, 95e9, "$95 bn"), figure("2014–2015", 2020, 200e9, "$200 bn", status="target"),
        figure("2023–2024", 2023, 240.1e9, "$240.1 bn", published="2024-05-17")]))
    fig = plot_indicator(indicators, "china_russia_trade", PERIODS, title="Trade rose", source=SOURCE)
    chart, key = fig.axes
    points = {tuple(c.get_offsets()[0]): c.get_facecolor()[0][:3] for c in chart.collections}
    assert set(points) == {(2014.0, 95.0), (2020.0, 200.0), (2023.0, 240.1)}  # in billions, as the axis says
    assert chart.get_ylabel().endswith(" (bn)")
    assert tuple(points[(2020.0, 200.0)]) == (1.0, 1.0, 1.0)  # a target is hollow
    assert [text.get_text() for text in key.texts] == [
        "2014: $95 bn, Outlet (2014–2015 coverage)", "2020: target $200 bn, Outlet (2014–2015 coverage)",
        "2023: $240.1 bn, Outlet (2023–2024 coverage)"]
    assert fig._suptitle.get_text() == "Trade rose"


def test_measure_counts_are_bars_per_period_in_its_style():
    counts = pd.DataFrame({"measure": ["trade", "trade", "gas"], "period": PERIODS + ["2023–2024"], "mentions": [3, 5, 1]})
    fig = plot_measure_counts(counts, PERIODS, title="Counts", source=SOURCE)
    ax = fig.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["trade", "gas"]  # most quoted first
    widths = {(bar.get_hatch() or "", bar.get_width()) for bar in ax.patches}
    assert widths == {("", 3), ("", 0), (PERIOD_STYLES[1]["hatch"], 5), (PERIOD_STYLES[1]["hatch"], 1)}
