"""Every case the figure extractor must handle, and every 'not a figure' case."""

import math

import pytest

from analysis.figures import extract
from analysis.figures.extract import extract_figures


def only(text):
    table = extract_figures(text)
    assert len(table) == 1, table[["surface", "kind", "value", "unit"]]
    return table.iloc[0]


@pytest.mark.parametrize("text, surface, kind, value, unit", [
    ("China has allocated $ 17 billion in direct investment", "$ 17 billion", "money", 1.7e10, "USD"),
    ("Trade stood at $95 billion last year", "$95 billion", "money", 9.5e10, "USD"),
    ("240.1 billion dollars in record trade", "240.1 billion dollars", "money", 2.401e11, "USD"),
    ("a deal worth US$ 5bn was signed", "US$ 5bn", "money", 5e9, "USD"),
    ("a loan of 7 mln rubles", "7 mln rubles", "money", 7e6, "RUB"),
    ("an investment of 400 million yuan", "400 million yuan", "money", 4e8, "CNY"),
    ("assets of €3.5 trillion", "€3.5 trillion", "money", 3.5e12, "EUR"),
    ("a stake of $3m", "$3m", "money", 3e6, "USD"),
    ("90% settled in yuan and rubles", "90%", "percent", 90.0, "%"),
    ("a share of 12.5 per cent", "12.5 per cent", "percent", 12.5, "%"),
    ("38 billion cubic meters of natural gas", "38 billion cubic meters", "quantity", 3.8e10, "m3"),
    ("a pipeline of 2,000 km", "2,000 km", "quantity", 2000.0, "km"),
    ("about 61 bcm of gas", "61 bcm", "quantity", 6.1e10, "m3"),
    ("two and a half hours of talks", "two and a half hours", "duration", 2.5, "hour"),
    ("a 30-year gas supply contract", "30-year", "duration", 30.0, "year"),
    ("a three-day visit", "three-day", "duration", 3.0, "day"),
    ("the navies deployed nine boats", "nine boats", "count", 9.0, "boat"),
    ("strengthened by 11 inter-governmental agreements", "11 inter-governmental agreements", "count", 11.0, "agreement"),
    ("they held a dozen meetings", "a dozen meetings", "count", 12.0, "meeting"),
    ("for a fifth consecutive year", "fifth", "ordinal", 5.0, ""),
    ("was China's ninth-largest trade partner", "ninth-largest", "ordinal", 9.0, ""),
    ("the 70th anniversary", "70th", "ordinal", 70.0, ""),
    ("the first visit by a Chinese president", "first", "ordinal", 1.0, ""),
])
def test_single_figures(text, surface, kind, value, unit):
    row = only(text)
    assert (row["surface"], row["kind"], row["unit"]) == (surface, kind, unit)
    assert row["value"] == pytest.approx(value)
    assert text[row["start"]:row["end"]] == surface
    assert row["sentence"] == text


def test_dates_keep_their_precision():
    table = extract_figures("Signed on May 7, 2015, the deal of May 2014 starts in 2018; talks are on May 9.")
    assert table["date"].tolist() == ["2015-05-07", "2014-05", "2018", "--05-09"]
    assert table["value"].tolist()[:3] == [2015.0, 2014.0, 2018.0]
    assert math.isnan(table["value"].iloc[3])


def test_ranges_are_two_figures():
    days = extract_figures("Xi's trip from May 8-10 to Moscow")
    assert days[["surface", "date", "qualifier"]].values.tolist() == [["May 8", "--05-08", "range_low"], ["10", "--05-10", "range_high"]]
    money = extract_figures("fines from $1.2 million to $23.5 million")
    assert money["value"].tolist() == [1.2e6, 2.35e7]
    assert money["qualifier"].tolist() == ["range_low", "range_high"]


def test_currency_carries_across_a_list():
    table = extract_figures("China has allocated $17 billion in X, 150 million in Y and 23 billion in Z.")
    assert table["unit"].tolist() == ["USD", "USD", "USD"]
    assert table["value"].tolist() == [1.7e10, 1.5e8, 2.3e10]


def test_money_without_a_currency_keeps_an_empty_unit():
    row = only("the US and EU absorb a combined trillion in exports")
    assert (row["kind"], row["value"], row["unit"]) == ("money", 1e12, "")


def test_qualifiers_and_targets():
    table = extract_figures("in just over 10 years, trade of about $95 billion, aiming at $200 billion by 2020")
    assert table.set_index("surface")["qualifier"].to_dict() == {
        "10 years": "more_than", "$95 billion": "approx", "$200 billion": "target", "2020": ""}


@pytest.mark.parametrize("text", [
    "the S-400 air defence system", "the Su-35 fighter", "the Power of Siberia 2 pipeline", "the end of World War II",
    "at the G20 summit", "1. Skip to content", "the two countries agreed", "both sides", "the two leaders met",
    "Xi travels first to Kazakhstan", "One key aspect of the visit", "Rosneft number one Igor Sechin",
    "the Su-35 fighter jets", "the two sides signed", "the two countries’ leaders", "One Belt, One Road",
    "World War 2 veterans", "First of which is economic",
])
def test_not_figures(text):
    assert extract_figures(text).empty, extract_figures(text)[["surface", "kind"]]


def test_absurd_numbers_are_kept_and_flagged():
    row = only("a fund of 10^100 dollars")
    assert row["kind"] == "money" and row["value"] == 1e100
    assert "implausible" in row["warning"]


def test_empty_text_gives_an_empty_table_with_columns():
    table = extract_figures("")
    assert table.empty and {"start", "end", "surface", "kind", "value", "unit", "sentence"} <= set(table.columns)


@pytest.mark.parametrize("text, surface, value, unit", [
    ("a fund of US$17 billion", "US$17 billion", 1.7e10, "USD"),
    ("a fund of $5bn", "$5bn", 5e9, "USD"),
    ("worth 3 trillion rubles", "3 trillion rubles", 3e12, "RUB"),
    ("a loan of 150 mln euros", "150 mln euros", 1.5e8, "EUR"),
    ("a purchase of 20 thousand tonnes", "20 thousand tonnes", 2e4, "t"),
    ("two hundred barrels", "two hundred barrels", 200.0, "bbl"),
])
def test_scale_words_and_currencies(text, surface, value, unit):
    row = only(text)
    assert (row["surface"], row["unit"]) == (surface, unit)
    assert row["value"] == pytest.approx(value)


def test_ordinals_are_ordinals_not_fractions():
    row = only("China remained Russia's largest partner for a fifth consecutive year")
    assert (row["kind"], row["value"]) == ("ordinal", 5.0)


def test_year_ranges_and_day_first_dates():
    years = extract_figures("during 2014-2015 the talks went on")
    assert years[["date", "qualifier"]].values.tolist() == [["2014", "range_low"], ["2015", "range_high"]]
    assert only("signed on 9 May 2015 in Moscow")["date"] == "2015-05-09"
    assert only("a visit in early September")["date"] == "--09"


def test_offsets_hold_across_sentences_and_unicode():
    text = "Gabriel Domínguez, Srinivas MazumdaruMay 7, 2015\n\nTrade — €3 billion — rose. The 2024 edition opened."
    table = extract_figures(text)
    assert all(text[s:e] == surface for s, e, surface in zip(table["start"], table["end"], table["surface"]))
    assert table["surface"].tolist() == ["May 7, 2015", "€3 billion", "2024"]
    assert (table["sentence_start"] <= table["start"]).all()


def test_very_large_powers_are_flagged_not_crashing():
    row = only("a sum of 10^1000 dollars")
    assert row["value"] == float("inf") and row["warning"]


def test_the_money_warning_threshold_is_a_parameter():
    assert only("a fund of $2 trillion")["warning"] == ""
    assert "implausible" in extract_figures("a fund of $2 trillion", money_warning_above=1e12).iloc[0]["warning"]


def test_extract_figures_rejects_non_text():
    with pytest.raises(TypeError, match="expects a str"):
        extract_figures(None)


def test_corpus_figures_offsets_point_into_the_raw_documents():
    from analysis.corpus.load import load_corpus
    from analysis.figures.extract import corpus_figures

    corpus = load_corpus()
    table = corpus_figures(corpus)
    raw = corpus.documents.set_index("doc_id")["raw"]
    assert all(raw[d][s:e] == surface for d, s, e, surface in zip(table["doc_id"], table["start"], table["end"], table["surface"]))
    assert table.equals(corpus_figures(corpus))  # deterministic
    assert set(table["period"]) == set(corpus.period_names)
    assert "1. Skip" not in " ".join(table["sentence"])


@pytest.mark.parametrize(("name", "bad_row", "message"), [
    ("number_words.csv", {"word": "dozen", "value": "twelve", "type": "cardinal"},
     r"analysis/data/number_words.csv, data row \d+: .*'dozen'.* needs word,value,type with a numeric value"),
    ("figure_units.csv", {"surface": "furlong", "kind": "length", "unit": "furlong", "factor": "1", "position": "suffix"},
     r"analysis/data/figure_units.csv, data row \d+: .*'furlong'.* has an unknown kind or position. Use a kind in"),
])
def test_a_broken_grammar_file_names_the_file_and_row(monkeypatch, name, bad_row, message):
    real = extract._read_rows
    monkeypatch.setattr(extract, "_read_rows", lambda file: real(file) + ([bad_row] if file == name else []))
    extract.grammar.cache_clear()
    try:
        with pytest.raises(extract.FigureDataError, match=message):
            extract.grammar()
    finally:
        extract.grammar.cache_clear()


def test_corpus_figures_same_table_from_arrow_and_object_text_columns():
    """The table is built a column at a time (Arrow text columns taken, not converted); it holds each sentence's
    figures from _scan at the sentence's offset, with the same values and types whether the sentence table's text
    columns are pandas' Arrow strings or plain Python objects."""
    from types import SimpleNamespace

    import pandas as pd

    from analysis.figures.extract import CORPUS_COLUMNS, _scan, corpus_figures

    texts = ["Trade rose 26.3% to $240.1 billion in 2023.", "No figure here.", "",
             "Trade rose 26.3% to $240.1 billion in 2023.", "Between $3 and $4 billion, twice, on May 7, 2015.",
             "Ünïcode ﬁgures: 12 700 000 tonnes and 1.000.000 barrels a day", "Power of Siberia 2 — 38 bcm a year."]
    sentences = pd.DataFrame({
        "sent_id": [f"s{i}" for i in range(len(texts))], "doc_id": ["a", "a", "b", "b", "b", "c", "c"],
        "period": ["p1", "p1", "p1", "p1", "p1", "p2", "p2"], "outlet": ["o", "o", "q", "q", "q", "o", "o"],
        "start": [0, 50, 0, 5, 60, 0, 70], "text": texts})
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "published": ["2023-05-01", "2015-01-02", "2024"]})
    arrow = corpus_figures(SimpleNamespace(sentences=sentences, documents=documents))
    plain = corpus_figures(SimpleNamespace(sentences=sentences.astype(object), documents=documents.astype(object)))
    pd.testing.assert_frame_equal(arrow, plain, check_exact=True)
    assert list(arrow.columns) == CORPUS_COLUMNS and str(arrow["sentence"].dtype) == "str"
    expected = [[sentences["sent_id"][i], start + sentences["start"][i], end + sentences["start"][i], *rest, text]
                for i, text in enumerate(texts) for start, end, *rest in _scan(text)]
    got = arrow[["sent_id", "start", "end", "surface", "kind", "value", "unit", "per", "date", "qualifier", "warning",
                 "sentence"]].values.tolist()
    assert len(got) == len(expected) > 8
    assert [[v for v in row if v == v] for row in got] == [[v for v in row if v == v] for row in expected]  # NaN aside
    empty = corpus_figures(SimpleNamespace(sentences=sentences.iloc[[1, 2]], documents=documents))
    assert list(empty.columns) == CORPUS_COLUMNS and len(empty) == 0


ANCHOR_TEXTS = [
    "", "5", "$", "one", "One two", "US$5bn and USD$ 3; HK$ 1, CN¥2, Rs.40, Rs 3 and EUR-denominated",
    "twenty-first-century, Twenty-First; fifty-fifth; a hundred-odd; thousands; MILLION; Million",
    "MazumdaruMay 7, 2015; in mid-May; Sept. 3; SEPT; Mar.5; JanuaryFebruary; May-June; AMay", "onetwo three_four 5five",
    "\u00a0nine\u00a0$\u00a0ten\nEleven\n", "İone ſeven Kelvin\u212a seven", "tWo; ONE; eIGHT; eightyfold; 1st 2nd; ²³ ٣ 5",
    "the 10^100 $-one $one €two ₹three £four ¥five ₽six", "Rs.five Rs.5 US$one HK$two", "a.one b-two c_three d'four",
]


def test_anchor_parts_find_where_the_anchor_pattern_starts():
    """The anchor's alternatives scanned one by one and merged find exactly where the one pattern's matches start, on
    awkward text and on random strings of awkward pieces."""
    import random

    g = extract.grammar()
    assert g.anchor_parts is not None
    rng = random.Random(15)
    pieces = list("aA1 -.,;$€£¥\n\u00a0_xZ'") + ["US$", "USD", "USD$", "Rs.", "Rs", "HK$", "CN¥", "EUR", "May", "Mar.",
                                              "Sept.", "one", "One", "-first", "twenty", "Twenty", "million", "é", "İ",
                                              "\u212a", "\0", "٣"]
    texts = ANCHOR_TEXTS + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 16))) for _ in range(20_000)]
    for text in texts:
        assert extract._anchor_starts(text, g) == [m.start() for m in g.anchor.finditer(text)], repr(text)


def test_anchor_starts_fall_back_to_the_one_pattern_where_a_part_may_hide_a_match():
    """When a part's match is passed over for one of another part that ends earlier, the one pattern decides."""
    import re
    from types import SimpleNamespace

    g = SimpleNamespace(anchor=re.compile(r"a|abc|\b(?:bcd)|(?!)"),
                        anchor_parts=(re.compile("a"), re.compile("abc"), re.compile(r"\W(bcd)"), re.compile("(?!)")))
    for text in ("abc", "abcd", "xabc abc bcd", "a bcd"):
        assert extract._anchor_starts(text, g) == [m.start() for m in g.anchor.finditer(text)], text


def test_unit_key_quick_answer_for_lower_case_words_is_the_full_rule():
    """_unit_key answers a lower-case word at once; the answer is the rule's (a lower-case letter and no capital)."""
    for surface in ["dollars", "per cent", "m3", "bcm", "$", "USD", "US$", "Dollars", "ǅ", "ǆ", "ß", "ª", "ſ", "µs", "e\u0301",
                    "ΣΑΣ", "σας", "\u212a", "km²", "Km", "", "3", "€", "rubles ", "İ", "ı"]:
        assert extract._unit_key(surface) == (surface if not any(c.islower() for c in surface) else surface.lower()), surface
