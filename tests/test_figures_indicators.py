"""Indicators: which figures they hold, when two periods' figures are comparable, and the sentences that say so."""

import math

import pandas as pd
import pytest

from analysis.figures import indicators as fi

PERIODS = ["2014–2015", "2023–2024"]


def row(indicator="china_russia_trade", period="2014–2015", year=2014, value=95e9, unit="USD", kind="money",
        span="year", status="actual", shown="$95 bn", published="2015-05-07", per=""):
    return {"indicator": indicator, "period": period, "year": year, "value": value, "unit": unit, "kind": kind,
            "span": span, "status": status, "shown": shown, "published": published, "per": per, "doc_id": "d",
            "start": 0, "surface": shown}


def table(*rows) -> pd.DataFrame:
    return fi.indicator_table(pd.DataFrame(list(rows)))


def test_change_is_stated_between_annual_actuals_in_the_same_unit():
    indicators = table(row(), row(period="2023–2024", year=2023, value=240.1e9, shown="$240.1 bn", published="2024-05-17"))
    side = fi.side_by_side(indicators, PERIODS).set_index("indicator")
    assert side.loc["china_russia_trade", "comparable"]
    assert side.loc["china_russia_trade", "change"] == (
        "China–Russia trade (annual, actual, US dollars): $95 bn (2014) in 2014–2015 coverage against $240.1 bn (2023) "
        "in 2023–2024 coverage, ×2.5.")


def test_a_year_to_date_figure_a_target_or_a_yuan_amount_is_not_compared():
    indicators = table(row(span="year to date", shown="$30 bn", value=30e9), row(status="target", year=2020, value=200e9, shown="$200 bn"),
                       row(period="2023–2024", year=2023, value=1.6e12, unit="CNY", shown="¥1.6 tn", published="2024-01-01"))
    side = fi.side_by_side(indicators, PERIODS).set_index("indicator")
    assert not side.loc["china_russia_trade", "comparable"]
    assert side.loc["china_russia_trade", "change"] == (
        "China–Russia trade: not comparable across the periods, because 2014–2015 coverage reports only year-to-date "
        "figures and targets, no annual actual figure in US dollars; 2023–2024 coverage reports only amounts in yuan, "
        "no annual actual figure in US dollars.")
    assert side.loc["china_russia_trade", "2014–2015"] == "year-to-date $30 bn (2014); target $200 bn (2020)"
    assert sorted(set(indicators["series"])) == ["China–Russia trade, annual, US dollars", "China–Russia trade, annual, yuan",
                                                 "China–Russia trade, year-to-date, US dollars"]


def test_a_period_without_figures_says_so():
    indicators = table(row(indicator="national_currency_share", kind="percent", unit="%", value=80.0, shown="80%",
                           period="2023–2024", year=2023, published="2023-09-01"))
    side = fi.side_by_side(indicators, PERIODS).set_index("indicator")
    assert side.loc["national_currency_share", "change"] == (
        "share of China–Russia trade settled in national currencies: not comparable across the periods, because "
        "2014–2015 coverage reports no figure for it.")


def test_percent_changes_are_in_points_and_deals_are_listed_not_compared():
    share = {"indicator": "national_currency_share", "kind": "percent", "unit": "%"}
    indicators = table(row(**share, value=10.0, shown="10%"),
                       row(**share, value=90.0, shown="90%", period="2023–2024", year=2023, published="2024-01-01"),
                       row(indicator="deal_value", value=4e11, shown="$400 bn"),
                       row(indicator="deal_value", value=2e9, shown="$2 bn", period="2023–2024", year=2023))
    side = fi.side_by_side(indicators, PERIODS).set_index("indicator")
    assert side.loc["national_currency_share", "change"].endswith("2023–2024 coverage, +80 percentage points.")
    assert side.loc["deal_value", "change"] == (
        "value of China–Russia deals, loans and investments: not comparable across the periods, because each figure "
        "measures a different deal, good or direction, so the figures are listed, not compared.")


def test_a_figure_about_a_later_year_than_publication_is_a_forecast():
    indicators = table(row(year=2030, published="2024-03-01", period="2023–2024"))
    assert indicators["status"].tolist() == ["forecast"]


def test_an_indicator_takes_only_its_kind():
    indicators = table(row(kind="percent", unit="%", value=26.0, shown="26%"))
    assert indicators.empty


def test_titles_state_only_comparable_changes():
    indicators = table(row(), row(period="2023–2024", year=2023, value=240.1e9, shown="$240.1 bn", published="2024-05-17"),
                       row(status="target", year=2020, value=200e9, shown="$200 bn"))
    assert fi.indicator_title(indicators, "china_russia_trade", PERIODS) == \
        "Reported China–Russia trade rose from $95 bn (2014) to $240.1 bn (2023)"
    only_target = table(row(status="target", year=2020, value=200e9, shown="$200 bn"))
    assert fi.indicator_title(only_target, "china_russia_trade", PERIODS) == \
        "Coverage quotes China–Russia trade only as a plan, target or forecast: $200 bn for 2020"
    assert fi.chart_indicators(indicators) == ["china_russia_trade"]
    assert fi.chart_indicators(only_target) == []


def test_change_sentence_needs_two_figures():
    with pytest.raises(ValueError, match="not_comparable_sentence"):
        fi.change_sentence("x", PERIODS, None, None)


def test_the_saved_quality_table_reads_and_its_sentence_is_computed(tmp_path):
    quality = fi.read_quality()
    assert set(quality["corpus"]) == {"development corpus", "seeds"}
    head = quality[(quality["corpus"] == "development corpus") & (quality["measure"] == "headline")].iloc[0]
    assert fi.quality_sentence(quality).startswith(
        f"Development scores: on the development corpus, money, percent and quantity figures are extracted with F1 "
        f"{head['f1']:.2f}")
    bad = tmp_path / "q.csv"
    bad.write_text("corpus,measure\n", encoding="utf-8")
    with pytest.raises(ValueError, match="benchmarks.bench_figures"):
        fi.read_quality(bad)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="span"):
        fi.indicator_table(pd.DataFrame({"indicator": [], "kind": [], "unit": [], "year": [], "published": [],
                                         "status": [], "shown": []}))
    assert math.isfinite(fi.MIN_CHART_FIGURES)
