"""Measure tags, reference years, claims, indicators and the side-by-side table of the figure stage."""

import pandas as pd
import pytest

from analysis.core.cache import cache_key
from analysis.corpus.load import load_corpus
from analysis.figures import measures as fm
from analysis.figures.extract import extract_figures


def figures_of(text: str, published: str = "2015-05-07", doc_id: str = "d1", period: str = "early") -> pd.DataFrame:
    """extract_figures output shaped like corpus_figures (one article)."""
    table = extract_figures(text)
    return table.assign(doc_id=doc_id, outlet="Outlet", period=period, published=published,
                        sent_id=doc_id + ":" + table["sentence_start"].astype(str))


@pytest.mark.parametrize("sentence, start, end, unit, measure", [
    ("Bilateral trade stood at $95 billion in 2014.", 25, 36, "USD", "bilateral trade"),
    ("The pipeline will carry 38 bcm.", 24, 30, "m3", "energy and gas"),   # by unit
    ("They signed 11 agreements.", 12, 25, "agreement", "meetings and agreements"),
    ("The navies deployed nine boats.", 20, 30, "boat", "military"),
    ("The weather was fine for 3 days.", 25, 31, "day", "other"),
])
def test_measure_rule(sentence, start, end, unit, measure):
    assert fm.measure_of(sentence, start, end, unit) == measure


def test_nearest_keyword_wins():
    sentence = "Gas exports aside, China invested $17 billion in infrastructure."
    start = sentence.index("$17")
    assert fm.measure_of(sentence, start, start + 11, "USD") == "investment"


def test_reference_year_rule():
    table = fm.reference_years(figures_of(
        "Bilateral trade stood at $95 billion in 2014, and China aims for $200 billion by 2020. "
        "Last year China invested $17 billion. Trade is worth $5 billion."))
    years = table.set_index("surface")[["year", "year_source"]].to_dict("index")
    assert years["$95 billion"] == {"year": 2014, "year_source": "clause"}
    assert years["$200 billion"] == {"year": 2020, "year_source": "clause"}
    assert years["$17 billion"] == {"year": 2014, "year_source": "relative to publication"}
    assert years["$5 billion"] == {"year": 2015, "year_source": "publication year"}


def test_the_year_comes_from_the_clause_however_far():
    table = fm.reference_years(figures_of(
        "Last year, in a long-planned and widely reported move that surprised few of the analysts who follow the region, "
        "China lent Kazakhstan $2 billion; trade in the first five months of 2023 reached $90 billion, and a "
        "$300 billion goal is set for 2030.", published="2024-02-01"))
    years = table.set_index("surface")[["year", "year_source"]].to_dict("index")
    assert years["$2 billion"] == {"year": 2023, "year_source": "relative to publication"}
    assert years["$90 billion"] == {"year": 2023, "year_source": "clause"}
    assert years["$300 billion"] == {"year": 2030, "year_source": "clause"}


def test_last_month_in_january_is_december_of_the_year_before():
    table = fm.reference_years(figures_of("Exports reached $9 billion last month.", published="2024-01-10"))
    assert table.set_index("surface").loc["$9 billion", "year"] == 2023


def test_claims_count_repeats_once():
    one = figures_of("Trade stood at $95 billion.", doc_id="a")
    two = figures_of("Bilateral trade reached $95 billion, up from $88 billion.", doc_id="b", period="late")
    figures = fm.tag_measures(pd.concat([one, two], ignore_index=True))
    claims = fm.group_claims(figures)
    assert len(claims) == 2 and claims.iloc[0]["shown"] == "$95 bn"
    assert (claims.iloc[0]["mentions"], claims.iloc[0]["articles"]) == (2, 2)
    counts = fm.claim_counts(figures, ["early", "late"]).set_index(["period", "measure"])
    assert counts.loc[("late", "bilateral trade"), "mentions"] == 2


def staged(figures: pd.DataFrame) -> pd.DataFrame:
    """What figure_stage does to a figures table, without a corpus."""
    from analysis.figures.scope import add_scope
    scoped = add_scope(figures)
    return fm.add_shown(fm.reference_years(scoped.assign(measure=scoped["what"])))


def test_indicators_tell_targets_from_actuals_and_compare_periods():
    early = figures_of("Bilateral trade stood at $95 billion in 2014 and should reach $200 billion by 2020.")
    late = figures_of("China-Russia trade hit 240.1 billion dollars in 2023, 90% settled in yuan and rubles.",
                      published="2024-05-17", doc_id="d2", period="late")
    indicators = fm.indicator_table(staged(pd.concat([early, late], ignore_index=True)))
    trade = indicators[indicators["indicator"] == "china_russia_trade"]
    assert trade[["year", "status", "shown"]].values.tolist() == [[2014, "actual", "$95 bn"], [2020, "target", "$200 bn"],
                                                                  [2023, "actual", "$240.1 bn"]]
    side = fm.side_by_side(indicators, ["early", "late"]).set_index("indicator")
    assert side.loc["china_russia_trade", "early"] == "$95 bn (2014); target $200 bn (2020)"
    assert side.loc["china_russia_trade", "change"].endswith("×2.5.")
    assert side.loc["national_currency_share", "early"] == "not reported"
    assert fm.indicator_title(indicators, "china_russia_trade", ["early", "late"]).startswith(
        "Reported China–Russia trade rose from $95 bn (2014) to $240.1 bn (2023)")


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="sentence_start"):
        fm.tag_measures(pd.DataFrame({"sentence": [], "start": [], "end": [], "unit": []}))


def test_stage_on_the_seeds_and_its_cache_key():
    corpus = load_corpus()
    result = fm.figure_stage(corpus)
    assert {"measure", "year", "shown"} <= set(result.figures.columns)
    assert set(result.figures["measure"]) <= {"total trade", "one direction of trade", "traded volume", "deal value",
                                              "gas volume", "national-currency share", "growth rate", "price or rate",
                                              "exchange rate", "military", "other"}
    assert {"who_words", "what_words", "span_words", "indicator"} <= set(result.figures.columns)
    assert list(result.side_by_side.columns) == ["indicator", "name", *corpus.period_names, "comparable", "change"]
    assert "china_russia_trade" in set(result.indicators["indicator"])
    # the seeds' money for Kazakhstan is about a third country, so no indicator holds it
    kazakhstan = result.figures[result.figures["sentence"].str.contains("Kazakhstan")]
    assert len(kazakhstan) and not set(kazakhstan["indicator"]) & set(fm.INDICATORS)
    assert fm.findings_markdown(result).count("\n- ") >= 2
    # notebook 03 and notebook 04 key the stored result identically
    assert cache_key(fm.STAGE_NAME, corpus.fingerprint, fm.stage_parameters(corpus)) == \
        cache_key("figures", corpus.fingerprint, {"periods": corpus.period_names, "money_warning_above": 1e15})


@pytest.mark.parametrize("kind, value, unit, date, shown", [
    ("money", 2.401e11, "USD", "", "$240.1 bn"), ("quantity", 3.8e10, "m3", "", "38 bn m³"),
    ("percent", 90.0, "%", "", "90%"), ("date", 2015.0, "", "2015-05-07", "7 May 2015"),
    ("date", float("nan"), "", "--05-09", "9 May"), ("date", float("nan"), "", "--09", "September"),
    ("ordinal", 22.0, "", "", "22nd"), ("ordinal", 11.0, "", "", "11th"),
])
def test_shown_values(kind, value, unit, date, shown):
    assert fm.shown_value(kind, value, unit, date) == shown


def test_a_year_far_away_in_the_sentence_is_not_the_figure_s_year():
    table = fm.reference_years(figures_of(
        "It is his second trip in just over six months, after a forum held as special guest for the third time, "
        "for the New Silk Road that Xi launched in 2013."))
    years = table.set_index("surface")[["year", "year_source"]].to_dict("index")
    assert years["six months"] == {"year": 2015, "year_source": "publication year"}
    assert years["2013"]["year"] == 2013


def test_last_month_is_the_one_before_publication():
    table = fm.reference_years(figures_of("He came last October, and again in March.", published="2024-05-17"))
    years = table.set_index("surface")[["year", "year_source"]].to_dict("index")
    assert years["October"] == {"year": 2023, "year_source": "relative to publication"}
    assert years["March"] == {"year": 2024, "year_source": "publication year"}


def test_now_is_the_time_of_publication_even_after_a_written_year():
    table = fm.reference_years(figures_of("In early 2021 the share was 30%, and now it is 70%.", published="2023-06-01"))
    years = table.set_index("surface")[["year", "year_source"]].to_dict("index")
    assert years["30%"] == {"year": 2021, "year_source": "clause"}
    assert years["70%"] == {"year": 2023, "year_source": "relative to publication"}


def test_the_base_of_a_comparison_does_not_date_the_figure():
    table = fm.reference_years(figures_of("In the first four months of 2024, imports rose to $9 million, compared with "
                                          "the same period in 2023.", published="2024-06-01"))
    assert table.set_index("surface").loc["$9 million", "year"] == 2024


@pytest.mark.parametrize(("table", "message"), [
    (pd.DataFrame({"measure": ["trade"], "word": ["turnover"]}),
     r"analysis/data/measure_keywords.csv: header must be 'measure,keyword', got \['measure', 'word'\]"),
    (pd.DataFrame({"measure": ["trade", "gas"], "keyword": ["turnover", ""]}),
     r"analysis/data/measure_keywords.csv, data row 2: measure and keyword must both be filled"),
])
def test_a_broken_measure_rule_file_names_the_row(monkeypatch, table, message):
    monkeypatch.setattr(fm, "read_data_table", lambda name: table)
    fm.measure_rules.cache_clear()
    try:
        with pytest.raises(fm.MeasureRuleError, match=message):
            fm.measure_rules()
    finally:
        fm.measure_rules.cache_clear()


def _dev_corpus():
    from analysis.core.paths import PROJECT_ROOT

    return load_corpus(PROJECT_ROOT / "tests/data/dev_corpus", None)


def test_figures_read_in_batches_of_articles_equal_one_batch(monkeypatch):
    corpus = _dev_corpus()
    whole = fm.figure_rows(corpus)
    monkeypatch.setattr(fm, "SENTENCE_BATCH", 50)
    assert len(fm.sentence_batches(corpus.sentences, fm.SENTENCE_BATCH)) > 5
    batched = fm.figure_rows(corpus)
    pd.testing.assert_frame_equal(batched, whole, check_exact=True)
    assert list(batched.dtypes) == list(whole.dtypes) and len(whole) > 500


def test_sentence_batches_cut_between_articles_only():
    sentences = pd.DataFrame({"doc_id": ["a"] * 5 + ["b"] * 2 + ["c"] * 6 + ["d"]})
    batches = fm.sentence_batches(sentences, 4)
    assert [(part.start, part.stop) for part in batches] == [(0, 5), (5, 13), (13, 14)]
    assert fm.sentence_batches(sentences, 100) == [slice(0, 14)]
    scattered = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "a", "c"]})  # an article in two places: never cut
    assert fm.sentence_batches(scattered, 2) == [slice(0, 6)]


def _claims_by_lambdas(figures: pd.DataFrame) -> pd.DataFrame:
    """group_claims as first written: a Python function per group (the reference for the one-pass version)."""
    columns = ["claim", "measure", "kind", "value", "unit", "shown", "mentions", "articles", "periods", "doc_ids", "example"]
    usable = figures[figures["kind"].isin(fm.CLAIM_KINDS)]
    usable = usable.assign(value_key=usable["value"].map(lambda v: float(f"{v:.9g}")))
    claims = (usable.groupby(["measure", "kind", "value_key", "unit"], sort=True)
              .agg(value=("value", "first"), mentions=("surface", "size"), articles=("doc_id", "nunique"),
                   periods=("period", lambda p: "; ".join(sorted(set(p)))),
                   doc_ids=("doc_id", lambda d: "; ".join(sorted(set(d)))), example=("sentence", "first"))
              .reset_index().drop(columns="value_key"))
    claims["shown"] = [fm.shown_value(k, v, u) for k, v, u in zip(claims["kind"], claims["value"], claims["unit"])]
    claims = claims.sort_values(["articles", "mentions", "measure", "kind", "value", "unit"],
                                ascending=[False, False, True, True, True, True], ignore_index=True)
    claims.insert(0, "claim", range(1, len(claims) + 1))
    return claims[columns]


def _claim_counts_by_loops(figures: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """claim_counts as first written: one selection per period and measure."""
    usable = figures[figures["kind"].isin(fm.CLAIM_KINDS)]
    rows = []
    for period in periods:
        mine = usable[usable["period"] == period]
        for measure in sorted(set(usable["measure"])):
            part = mine[mine["measure"] == measure]
            keys = part.groupby(["kind", "value", "unit"])["doc_id"].nunique()
            rows.append({"period": period, "measure": measure, "mentions": len(part), "claims": len(keys),
                         "repeated_claims": int((keys >= 2).sum())})
    return pd.DataFrame(rows, columns=["period", "measure", "mentions", "claims", "repeated_claims"])


def test_claims_grouped_in_one_pass_equal_the_per_group_reference():
    corpus = _dev_corpus()
    figures = fm.figure_rows(corpus)
    # the same claim in two articles of both periods, so that joined periods and articles are exercised
    copy = figures[figures["kind"] == "money"].head(3).assign(doc_id="zz-copy", period=corpus.period_names[1])
    figures = pd.concat([figures, copy], ignore_index=True)
    claims = fm.group_claims(figures)
    pd.testing.assert_frame_equal(claims, _claims_by_lambdas(figures), check_exact=True)
    assert (claims["periods"].str.contains("; ")).any()
    pd.testing.assert_frame_equal(fm.claim_counts(figures, corpus.period_names),
                                  _claim_counts_by_loops(figures, corpus.period_names), check_exact=True)


def test_relative_time_words_match_as_the_pattern_without_its_quick_test():
    import re

    from analysis.core.paths import PROJECT_ROOT

    plain = re.compile(r"""
          \b(?P<which>last|this|next|previous|past|current)[ \u00a0]+(?P<unit>year|month)\b
        | \b(?P<now>now|currently|today|at[ \u00a0]+present|so[ \u00a0]+far)\b
    """, re.IGNORECASE | re.VERBOSE)
    texts = [path.read_text(encoding="utf-8") for path in sorted((PROJECT_ROOT / "tests/data/dev_corpus").glob("*.txt"))]
    texts.append("Last Year, this  month, so far, AT PRESENT, Now, today; pastyear, nowhere, lastly year, ſo far")
    found = [[(m.span(), m.groupdict()) for m in fm.RELATIVE_SPAN.finditer(text)] for text in texts]
    assert found == [[(m.span(), m.groupdict()) for m in plain.finditer(text)] for text in texts]
    assert sum(map(len, found)) > 20


def test_clause_break_words_match_as_the_pattern_without_its_quick_test():
    """YEAR_BREAK tests a word's first letter before its words: the same matches from every start position."""
    import re

    from analysis.core.paths import PROJECT_ROOT

    plain = re.compile(r"\b(?:that|which|who|whom|whose|when|where|after|before|since|compared|against|versus|than)\b",
                       re.IGNORECASE)
    texts = [path.read_text(encoding="utf-8") for path in sorted((PROJECT_ROOT / "tests/data/dev_corpus").glob("*.txt"))]
    texts.append("THAT, Which; whoever who-knows whom_ WHOSE, when2 where, After before ſince SINCE, "
                 "compared/against versus, rather than; thatch, anthem, saw that 2014, ſınce, Tʜat, ᴡho")
    for text in texts[-3:]:
        for start in range(0, len(text), 7):
            found = fm.YEAR_BREAK.search(text, start)
            expected = plain.search(text, start)
            assert (found and (found.span(), found.group())) == (expected and (expected.span(), expected.group()))
    found = [[m.span() for m in fm.YEAR_BREAK.finditer(text)] for text in texts]
    assert found == [[m.span() for m in plain.finditer(text)] for text in texts]
    assert sum(map(len, found)) > 20


def test_one_chunk_keeps_values_and_types():
    """Batches concatenated leave Arrow text columns in chunks; one_chunk joins them without changing a value or type."""
    import numpy as np
    import pyarrow as pa

    parts = [pd.DataFrame({"text": ["a", None, "ü, \"q\"\n"], "n": [1, 2, 3], "x": [0.5, np.nan, -0.0],
                           "other": pd.array([True, False, None], dtype="boolean")}),
             pd.DataFrame({"text": ["", "b", "ſ"], "n": [4, 5, 6], "x": [1.0, 2.0, np.inf],
                           "other": pd.array([None, True, True], dtype="boolean")})]
    table = pd.concat(parts, ignore_index=True)
    assert pa.array(table["text"].array).num_chunks == 2
    expected = table.copy()
    joined = fm.one_chunk(table)
    pd.testing.assert_frame_equal(joined, expected, check_exact=True)
    assert list(joined.dtypes) == list(expected.dtypes)
    chunks = pa.array(joined["text"].array)
    assert not isinstance(chunks, pa.ChunkedArray) or chunks.num_chunks == 1
    pd.testing.assert_series_equal(joined["text"].take([4, 1, 2]), expected["text"].take([4, 1, 2]), check_exact=True)


def test_add_shown_numbers_distinct_claims_as_the_row_loop_did():
    """add_shown formats each distinct (kind, value, unit, date, sign) once; the same text per row as formatting row
    by row, on awkward values (signed zeros, NaN of both signs, infinities, repeats, missing dates)."""
    import numpy as np

    rng = np.random.default_rng(15)
    kinds = ["money", "percent", "quantity", "count", "duration", "ordinal", "date"]
    values = [0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, 1.0, -1.0, 2.5e9, -2.5e9, 1e300, 5e-324, 2014.0, 7.0, 0.5]
    units = ["USD", "CNY", "%", "pp", "m3", "t", "year", "day", "ship", ""]
    dates = ["", "2015-05-07", "2015-05", "--05-09", "--05", "2014", None]
    n = 3000
    value = np.array(values)[rng.integers(0, len(values), n)]
    table = pd.DataFrame({"kind": np.array(kinds)[rng.integers(0, len(kinds), n)], "value": value,
                          "unit": np.array(units)[rng.integers(0, len(units), n)],
                          "date": [dates[i] for i in rng.integers(0, len(dates), n)]})
    table.loc[table["kind"] == "date", "date"] = table.loc[table["kind"] == "date", "date"].replace("", "2015")
    table = table[~((table["kind"] == "date") & table["date"].isna())].reset_index(drop=True)
    table = table[~((table["kind"] == "ordinal") & ~np.isfinite(table["value"]))].reset_index(drop=True)
    fast = fm.add_shown(table)
    slow = fm._add_shown_by_rows(table)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast["shown"].nunique() > 30
    assert list(fm.add_shown(table.iloc[:0]).columns) == list(slow.columns)


def test_the_stage_s_counts_and_sentences_agree_with_its_figure_table():
    """The per-period counts, kinds, preview and the sentences built from them (notebook 03 shows these instead of
    the whole figure table, which on the Dask engine stays in partitions) say what the figure table says."""
    import re

    from analysis.core.display import md_text

    corpus = _dev_corpus()
    result = fm.figure_stage(corpus)
    figures = result.figures
    claimed = figures[figures["kind"].isin(fm.CLAIM_KINDS)]
    for row in result.counts.itertuples():
        mine, measured = figures[figures["period"] == row.period], claimed[claimed["period"] == row.period]
        assert (row.figures, row.articles) == (len(mine), mine["doc_id"].nunique())
        assert (row.measurements, row.measurement_articles) == (len(measured), measured["doc_id"].nunique())
        pd.testing.assert_frame_equal(result.preview[result.preview["period"] == row.period].reset_index(drop=True),
                                      mine.head(fm.PREVIEW_ROWS).reset_index(drop=True))
    kinds = figures.groupby(["period", "kind"]).size().unstack(fill_value=0).reindex(corpus.period_names, fill_value=0)
    pd.testing.assert_frame_equal(fm.kind_table(result), kinds.reset_index(), check_names=False)
    sentence = fm.figures_sentence(result, len(corpus.documents))
    found = re.fullmatch(r"The extractor found \*\*([\d,]+) figures\*\* in ([\d,]+) of ([\d,]+) articles: (.*)\. "
                         r"The most frequent kind is \*(\w+)\*\.", sentence)
    number = lambda text: int(text.replace(",", ""))  # noqa: E731
    assert [number(found[k]) for k in (1, 2, 3)] == [len(figures), figures["doc_id"].nunique(), len(corpus.documents)]
    for part, period in zip(found[4].split("; "), corpus.period_names):
        said = re.fullmatch(rf"([\d,]+) in {re.escape(period)} \(([\d,]+) articles\)", part)
        mine = figures[figures["period"] == period]
        assert (number(said[1]), number(said[2])) == (len(mine), mine["doc_id"].nunique())
    counts = figures["kind"].value_counts()
    assert found[5] == counts.index[0] and counts.iloc[0] > counts.iloc[1]
    findings = fm.findings_markdown(result)
    for row in result.counts.itertuples():
        top = claimed[(claimed["period"] == row.period) & (claimed["measure"] != fm.OTHER)]["measure"].value_counts()
        tied = sorted(top.index[top == top.iloc[0]])
        assert f"**{row.period}**: {row.figures:,} figures in {row.articles:,} articles, {row.measurements:,} of them" in findings
        names = [f"*{md_text(m)}*" for m in tied]
        said = (f"the most quoted measure is {names[0]} ({top.iloc[0]:,})" if len(tied) == 1 else
                f"the most quoted measures are {', '.join(names[:-1])} and {names[-1]} ({top.iloc[0]:,} each)")
        assert said in findings
    assert f"distinct claims from {len(claimed):,} mentions" in findings


def test_the_most_quoted_measure_leaves_out_other_and_names_every_measure_that_ties():
    counts = pd.DataFrame({"period": ["a"] * 4 + ["b"], "measure": ["other", "trade", "gas", "price", "gas"],
                           "mentions": [9, 3, 3, 1, 0]})
    assert fm.most_quoted(counts, "a") == (["gas", "trade"], 3)
    assert fm.most_quoted_phrase(counts, "a") == "*gas* and *trade* (3 each)"
    assert fm.most_quoted(counts, "b") == ([], 0) and fm.most_quoted_phrase(counts, "b") == ""  # nothing quoted
    assert fm.most_quoted_phrase(counts, mark=str) == "gas and trade (3 each)"  # across the periods
    assert fm.most_quoted_phrase(counts.iloc[:3].assign(mentions=[9, 3, 2])) == "*trade* (3)"


def test_no_figure_at_all_is_said_so():
    result = fm.FigureResult(figures=pd.DataFrame(), claims=pd.DataFrame(columns=["articles"]), claim_counts=pd.DataFrame(),
                             indicators=pd.DataFrame(), side_by_side=pd.DataFrame(), warnings=pd.DataFrame(),
                             periods=["a", "b"], kinds=pd.DataFrame(columns=["period", "kind", "figures"]), preview=pd.DataFrame(),
                             counts=pd.DataFrame({"period": ["a", "b"], "figures": [0, 0], "articles": [0, 0]}))
    assert fm.figures_sentence(result, 4) == "The extractor found no figures in this corpus."
    assert list(fm.kind_table(result)["period"]) == ["a", "b"]


def test_the_measure_chart_title_names_the_top_named_measure_and_what_fits_none():
    counts = pd.DataFrame({"period": ["a", "a", "b", "b"], "measure": ["other", "trade", "trade", "gas"],
                           "mentions": [200, 30, 12, 41]})
    assert fm.measure_chart_title(counts) == "Most quoted measure: trade (42); 200 figures fit no named measure"
    assert fm.measure_chart_title(counts[counts["measure"] != "other"]) == "Most quoted measure: trade (42)"
    assert fm.measure_chart_title(counts[counts["measure"] == "other"]) == \
        "No named measure quoted; 200 figures fit no named measure"
    assert fm.measure_chart_title(counts.assign(mentions=[200, 30, 11, 41])) == \
        "Most quoted measures: gas and trade (41 each); 200 figures fit no named measure"


def test_a_corpus_whose_figures_measure_no_indicator_gets_empty_indicator_tables():
    """Figures, but none that an indicator holds (a researcher's corpus about ferries): the indicator table is empty
    with its columns, from one part or from several, and nothing is compared."""
    from analysis.figures.indicators import INDICATOR_COLUMNS
    from analysis.figures.summary import figure_parts

    figures = staged(figures_of("The ferry carries 300 passengers across the river in 40 minutes."))
    assert len(figures) >= 2 and not figures["indicator"].isin(list(fm.INDICATORS)).any()
    for parts in ([figure_parts(figures)], [figure_parts(figures.head(1)), figure_parts(figures.iloc[1:])]):
        tables = fm.stage_tables(parts, ["early", "late"])
        assert tables["indicators"].empty and list(tables["indicators"].columns) == INDICATOR_COLUMNS
        assert tables["side_by_side"].empty and tables["counts"]["figures"].sum() == len(figures)
