"""The classes of expressions real news adds to the figure grammar (issue 11), one sentence each, written for these tests."""

import pytest

from analysis.figures.extract import extract_figures


def rows(text: str) -> list[list]:
    """[surface, kind, value, unit, per, qualifier] of every money, percent, quantity, count and duration figure."""
    table = extract_figures(text)
    table = table[table["kind"].isin(["money", "percent", "quantity", "count", "duration"])]
    return table[["surface", "kind", "value", "unit", "per", "qualifier"]].values.tolist()


@pytest.mark.parametrize("text, surface, value, unit", [
    ("The fund holds EUR 3 bn in bonds.", "EUR 3 bn", 3e9, "EUR"),
    ("Sales reached 2.5 bln roubles.", "2.5 bln roubles", 2.5e9, "RUB"),
    ("The credit line is US$ 1.2 billion.", "US$ 1.2 billion", 1.2e9, "USD"),
    ("Exports earned 5 billion U.S. dollars.", "5 billion U.S. dollars", 5e9, "USD"),
    ("The plant cost RMB 10 billion.", "RMB 10 billion", 1e10, "CNY"),
    ("The mill was built for Rs 400 crore.", "Rs 400 crore", 4e9, "INR"),
    ("Orders rose to $176.4 Bln.", "$176.4 Bln", 1.764e11, "USD"),
    ("Seoul booked 4.2 billion won.", "4.2 billion won", 4.2e9, "KRW"),
    ("The port got 12 lakh rupees.", "12 lakh rupees", 1.2e6, "INR"),
])
def test_currency_codes_and_names_either_side_with_abbreviated_scales(text, surface, value, unit):
    assert rows(text) == [[surface, "money", pytest.approx(value), unit, "", ""]]


@pytest.mark.parametrize("text, surface, value, unit", [
    ("The field yields 12 700 000 tonnes.", "12 700 000 tonnes", 12_700_000, "t"),
    ("The field yields 12\u2009700 tonnes.", "12\u2009700 tonnes", 12_700, "t"),
    ("The field yields 1.250.000 tonnes.", "1.250.000 tonnes", 1_250_000, "t"),
    ("The field yields 12,7 million tonnes.", "12,7 million tonnes", 12_700_000, "t"),
    ("The field yields 1 000,000 tonnes.", "1 000,000 tonnes", 1_000_000, "t"),
])
def test_space_thin_space_and_dot_thousands_and_decimal_commas(text, surface, value, unit):
    assert rows(text) == [[surface, "quantity", pytest.approx(value), unit, "", ""]]


def test_a_decimal_comma_needs_a_word_after_it_so_a_list_of_years_is_not_read_as_one():
    table = extract_figures("Talks were held in 2014,15 and 16.")
    assert table[["surface", "kind"]].values.tolist()[0] == ["2014", "date"]
    assert 2014.15 not in table["value"].tolist()


def test_a_scale_or_unit_written_once_reaches_every_number_of_a_range_or_list():
    assert rows("The bridge will cost between $2 and $3 billion.") == [
        ["$2", "money", 2e9, "USD", "", "range_low"], ["$3 billion", "money", 3e9, "USD", "", "range_high"]]
    assert rows("Building it takes 6 to 9 years.") == [
        ["6", "duration", 6.0, "year", "", "range_low"], ["9 years", "duration", 9.0, "year", "", "range_high"]]
    assert rows("The line carries 20,000-25,000 tonnes.") == [
        ["20,000", "quantity", 20000.0, "t", "", "range_low"], ["25,000 tonnes", "quantity", 25000.0, "t", "", "range_high"]]
    assert [r[2] for r in rows("Shares of 2, 4 and 6 percent were sold.")] == [2.0, 4.0, 6.0]
    assert [r[1] for r in rows("The ferry sailed 5, 610 miles.")] == ["count", "quantity"]  # a comma alone shares nothing


def test_a_figure_broken_across_a_line_break():
    assert rows("Investment reached $4.5\nbillion and grew 12\npercent.") == [
        ["$4.5\nbillion", "money", 4.5e9, "USD", "", ""], ["12\npercent", "percent", 12.0, "%", "", ""]]


@pytest.mark.parametrize("text, surface, kind, value, unit, per", [
    ("Urals crude sold at $70 per barrel.", "$70 per barrel", "money", 70.0, "USD", "bbl"),
    ("Gas costs 280 dollars per 1,000 cubic metres.", "280 dollars per 1,000 cubic metres", "money", 280.0, "USD", "1000 m3"),
    ("The field pumps 1.1 million barrels a day.", "1.1 million barrels a day", "quantity", 1.1e6, "bbl", "day"),
    ("It pumps 900,000 bpd.", "900,000 bpd", "quantity", 900_000.0, "bbl", "day"),
    ("Trains run at 300 km/h.", "300 km/h", "quantity", 300.0, "km", "hour"),
    ("Wheat is $250/tonne.", "$250/tonne", "money", 250.0, "USD", "t"),
])
def test_rates_and_prices_keep_their_denominator_and_are_not_totals(text, surface, kind, value, unit, per):
    assert rows(text) == [[surface, kind, pytest.approx(value), unit, per, ""]]


def test_a_year_ago_after_a_figure_is_no_rate():
    assert rows("Exports were 1.8 million barrels a year ago.") == [["1.8 million barrels", "quantity", 1.8e6, "bbl", "", ""]]


def test_exchange_rate_notes_are_recognised_as_rates_not_amounts():
    assert rows("Reserves fell (US$1 = 90.2 roubles).") == [
        ["US$1", "money", 1.0, "USD", "RUB", "exchange_rate"], ["90.2 roubles", "money", 90.2, "RUB", "USD", "exchange_rate"]]
    assert rows("The rouble traded at 74 roubles per dollar.") == [
        ["74 roubles per dollar", "money", 74.0, "RUB", "USD", "exchange_rate"]]


@pytest.mark.parametrize("text, surface, kind, value, unit", [
    ("They laid a 1,500-km pipeline.", "1,500-km", "quantity", 1500.0, "km"),
    ("They signed a 20-year contract.", "20-year", "duration", 20.0, "year"),
    ("They chartered a 40,000-tonne tanker.", "40,000-tonne", "quantity", 40000.0, "t"),
    ("They laid a 900-mile cable.", "900-mile", "quantity", 900 * 1.609344, "km"),
    ("They signed a $55-billion deal.", "$55-billion", "money", 5.5e10, "USD"),
])
def test_hyphenated_measures(text, surface, kind, value, unit):
    assert rows(text) == [[surface, kind, pytest.approx(value), unit, "", ""]]


@pytest.mark.parametrize("text, surface, value, qualifier", [
    ("Over half of the buyers paid in cash.", "half", 50.0, "more_than"),
    ("Less than one quarter of firms replied.", "one quarter", 25.0, "less_than"),
    ("Nearly two thirds of the cargo was coal.", "two thirds", 200 / 3, "approx"),
])
def test_shares_said_in_words_after_a_qualifier(text, surface, value, qualifier):
    assert rows(text) == [[surface, "percent", pytest.approx(value), "%", "", qualifier]]


def test_a_half_without_a_qualifier_is_a_calendar_span_not_a_share():
    assert rows("In the first half of the year trade grew.") == []
    assert rows("It took almost half an hour.") == []


@pytest.mark.parametrize("text, surface, kind, value, unit", [
    ("The farm covers 100+ ha.", "100+ ha", "quantity", 100.0, "ha"),
    ("The ship averaged 14 knots.", "14 knots", "quantity", 14.0, "kn"),
    ("They sailed 3,000 nautical miles.", "3,000 nautical miles", "quantity", 3000 * 1.852, "km"),
    ("It landed 60,000 metric tonnes.", "60,000 metric tonnes", "quantity", 60000.0, "t"),
])
def test_more_units_news_uses(text, surface, kind, value, unit):
    found = rows(text)
    assert [r[:4] for r in found] == [[surface, kind, pytest.approx(value), unit]]


def test_counts_and_durations_said_without_digits():
    assert rows("The envoy visited Minsk twice in May.") == [["twice", "count", 2.0, "", "", ""]]
    assert rows("Output is twice as high.") == []
    assert rows("The line opened a week ahead of plan.") == [["a week", "duration", 1.0, "week", "", ""]]


def test_model_names_inside_a_counted_phrase_and_clock_times():
    assert rows("The air force bought 16 Tu-160 strategic bombers.") == [
        ["16 Tu-160 strategic bombers", "count", 16.0, "bomber", "", ""]]
    assert rows("The planes left between 09:40 and 10:15 local time.") == []


def test_the_two_of_a_pair_is_a_reference_but_other_numbers_after_the_count():
    assert rows("The two navies met; the five frigates sailed.") == [["five frigates", "count", 5.0, "frigate", "", ""]]


def test_agency_abbreviations_and_sentence_initial_qualifiers():
    assert rows("Exports hit 1.3mn b/d in May.") == [["1.3mn b/d", "quantity", 1.3e6, "bbl", "day", ""]]
    assert rows("Prices rose 5pc this week.") == [["5pc", "percent", 5.0, "%", "", ""]]
    assert rows("Between 3 and 4 billion dollars was spent.") == [
        ["3", "money", 3e9, "USD", "", "range_low"], ["4 billion dollars", "money", 4e9, "USD", "", "range_high"]]
    assert rows("Over 50 sailors took part.") == [["50 sailors", "count", 50.0, "sailor", "", "more_than"]]
