"""Numbers, dates and article text are formatted for people and escaped for the browser."""

import pandas as pd
import pytest
from nbconvert.filters.markdown import markdown2html

from analysis.core.display import (
    code_span,
    count_phrase,
    escape,
    figure_value,
    md_text,
    month_year,
    neutralise_formula,
    point_change,
    rate,
    rate_change,
    share_points,
    show_table,
    warnings_markdown,
    write_table,
)

HOSTILE = ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "<script>alert(1)</script>", 'a&b<c>"d"',
           "**bold** _it_ # heading", "`tick` and ``two``", "line\n# new block", "![img](x.png)",
           "=HYPERLINK(\"http://evil.example\")", "www.example.org", "mail@example.org"]


@pytest.mark.parametrize(("value", "kind", "unit", "expected"), [
    (2.401e11, "money", "USD", "$240.1 bn"), (1.7e10, "money", "USD", "$17 bn"), (4.77e8, "money", "USD", "$477 m"),
    (2.5e9, "money", "", "2.5 bn"), (3.8e10, "quantity", "m3", "38 bn m³"), (90, "percent", "%", "90%"),
    (30, "duration", "year", "30 years"), (1, "duration", "day", "1 day"), (11, "count", "agreement", "11 agreements"),
    (2015, "date", "", "2015"), (1500, "count", "", "1,500"), (1e12, "money", "EUR", "€1 tn"),
])
def test_figure_value(value, kind, unit, expected):
    assert figure_value(value, kind, unit) == expected


@pytest.mark.parametrize(("iso", "expected"), [("2015-05-07", "7 May 2015"), ("2015-05", "May 2015"), ("2014", "2014")])
def test_month_year(iso, expected):
    assert month_year(iso) == expected


def test_tables_and_warnings_escape_article_html():
    table = pd.DataFrame({"text": ["<script>alert(1)</script>"]})
    assert "<script>" not in show_table(table).data
    warnings = pd.DataFrame({"kind": ["empty file"], "file": ["<img src=x onerror=alert(1)>.txt"], "message": ["m"]})
    assert "<img" not in markdown2html(warnings_markdown(warnings).data)
    assert escape('<b a="1">') == "&lt;b a=&quot;1&quot;&gt;"


def test_long_tables_are_cut_with_a_link_to_the_csv():
    html = show_table(pd.DataFrame({"n": range(30)}), "numbers", max_rows=10).data
    assert "Showing the first 10 of 30 rows" in html and 'href="tables/numbers.csv"' in html
    # the first rows of a table too large to hold: the note counts the whole table's rows
    html = show_table(pd.DataFrame({"n": range(12)}), "numbers", max_rows=60, total=2_000_000).data
    assert "Showing the first 12 of 2,000,000 rows" in html and html.count("<tr>") == 12  # and the header row
    assert "Showing" not in show_table(pd.DataFrame({"n": range(12)}), "numbers", total=12).data


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_text_renders_as_the_literal_value(value):
    rendered = markdown2html(f"Outlet {md_text(value)} here.")
    assert rendered == "<p>Outlet " + escape(" ".join(value.split())) + " here.</p>\n"


@pytest.mark.parametrize("value", HOSTILE + ["a&b", "id<1>", '"q"'])
def test_code_span_shows_the_value_once_escaped(value):
    rendered = markdown2html(f"See {code_span(value)}.")
    assert rendered == "<p>See <code>" + escape(" ".join(value.split())) + "</code>.</p>\n"


def test_a_doc_id_with_html_characters_is_not_double_escaped_in_warnings():
    warnings = pd.DataFrame({"kind": ["empty file"], "file": ['a&b<"c">.txt'], "message": ["is empty."]})
    rendered = markdown2html(warnings_markdown(warnings).data)
    assert "<code>a&amp;b&lt;&quot;c&quot;&gt;.txt</code>" in rendered and "&amp;amp;" not in rendered


def test_csv_cells_that_start_a_formula_are_neutralised(tmp_path):
    table = pd.DataFrame({"text": ["=HYPERLINK(\"http://x\")", "+1", "-cmd", "@SUM(A1)", "\tTab", "plain", "a=b"],
                          "number": [-1.5, 2, -3, 4, 5, 7, 8]})
    path = write_table(table, tmp_path, "cells", ["number"])
    written = pd.read_csv(path, keep_default_na=False)
    assert written["number"].tolist() == [-3, -1.5, 2, 4, 5, 7, 8]  # numbers, negative ones too, are data
    assert written["text"].tolist() == ["'-cmd", "'=HYPERLINK(\"http://x\")", "'+1", "'@SUM(A1)", "'\tTab", "plain", "a=b"]


def _reference_write(table, path, sort_by):
    """write_table as it was: the whole table sorted, escaped and written at once."""
    ordered = table.sort_values(sort_by, kind="mergesort", ignore_index=True)
    ordered = ordered.assign(**{column: ordered[column].map(neutralise_formula) for column in ordered.columns
                                if not pd.api.types.is_numeric_dtype(ordered[column])})
    ordered.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
    return path.read_bytes()


def test_sorting_only_the_keys_gives_the_table_sorted_whole(tmp_path):
    """Sorting only the key columns and taking the rows gives the bytes of sorting and writing the whole table: ties
    keep their order, missing values sort last, formulas are neutralised, floats keep their format."""
    table = pd.DataFrame({
        "doc_id": pd.Series(["b", "a", "b", None, "a", "c", "a", "=x", "b", "a"], dtype="str"),
        "number": [3, 1, 2, 5, 1, 0, 2, 9, 2, 1],
        "value": [0.1, 1 / 3, float("nan"), 2.5e-12, 1e20, -4.0, 7.0, 0.5, 1.25, 3.0],
        "text": ["x,y", "-1", "line\nbreak", "\"q\"", "@a", "plain", "", None, "é", "+"],
        "flag": [True, False, True, True, False, False, True, False, True, False],
    }, index=[9, 3, 4, 4, 0, 1, 2, 8, 7, 6])  # not a default index: positions, not labels, decide
    for sort_by in (["doc_id", "number"], ["number"], ["value"], None):
        written = write_table(table, tmp_path, "parts", sort_by).read_bytes()
        assert written == _reference_write(table, tmp_path / "reference.csv", sort_by or list(table.columns))
    empty = write_table(table.iloc[:0], tmp_path, "empty", ["doc_id"]).read_bytes()
    assert empty == b"doc_id,number,value,text,flag\n"


def test_number_helpers():
    assert (share_points(0.273), point_change(-0.019), point_change(0.01), rate(6.81), rate_change(6.81)) == (
        "27%", "-2 points", "+1 point", "6.8", "+6.8")
    assert (count_phrase(0, "term"), count_phrase(1, "article"), count_phrase(3, "article")) == ("no terms", "1 article", "3 articles")


@pytest.mark.parametrize("dtype", ["str", object])
def test_one_formula_cell_among_many_is_neutralised_whatever_the_column_type(tmp_path, dtype):
    cells = ["plain"] * 999 + ["=1+1"]
    path = write_table(pd.DataFrame({"text": pd.Series(cells, dtype=dtype), "row": range(1000)}), tmp_path, "cells", ["row"])
    written = pd.read_csv(path, keep_default_na=False)["text"].tolist()
    assert written[-1] == "'=1+1" and written[:-1] == cells[:-1]


def test_escaped_text_with_dollar_amounts_renders_without_visible_backslashes():
    """Two dollar signs in one paragraph make the notebook renderer read the text between them as mathematics, where
    escapes stay visible ("$95 bn \\(2014\\) … $240 bn"); escaped dollars keep the text plain."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    html = markdown2html_mistune(md_text("Trade: $95 bn (2014) against $240.1 bn (2023), *up* [x](y)"))
    assert html.strip() == "<p>Trade: $95 bn (2014) against $240.1 bn (2023), *up* [x](y)</p>"


def test_a_large_table_written_in_parts_has_the_bytes_of_one_write(tmp_path, monkeypatch):
    """write_table writes a large table a part at a time; the file is the one a single sorted write gives, whatever
    the dtypes (a date column whose one time of day falls in the last part, missing numbers, formula cells)."""
    import numpy as np

    from analysis.core import display

    monkeypatch.setattr(display, "CSV_PART_CHUNKS", 1)  # parts of 20,000 rows for these five columns
    rng = np.random.default_rng(7)
    n = 45_000
    table = pd.DataFrame({
        "key": rng.integers(0, 500, n),
        "text": pd.Series(rng.choice(["plain", "=1+1", "a, \"quoted\"", "-x", "line\nbreak"], n), dtype="str"),
        "value": np.where(rng.random(n) < 0.1, np.nan, rng.random(n) * 1e9),
        "when": pd.to_datetime("2014-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D"),
        "row": np.arange(n),
    }, index=rng.permutation(n))
    table.loc[table["key"] == table["key"].max(), "when"] += pd.Timedelta(hours=5)  # sorts last: only the last part has times
    path = write_table(table, tmp_path, "parts", ["key", "row"])
    ordered = table.sort_values(["key", "row"], kind="mergesort", ignore_index=True)
    ordered = ordered.assign(text=ordered["text"].map(display.neutralise_formula))
    ordered.to_csv(tmp_path / "whole.csv", index=False, float_format="%.10g", lineterminator="\n")
    assert path.read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert len(pd.read_csv(path)) == n


def test_floats_are_written_as_pandas_formats_them(tmp_path):
    """write_table formats float64 columns itself (pandas calls a function per number); every kind of float, and
    the float columns it leaves to pandas (float32, nullable), come out as ``to_csv(float_format="%.10g")`` writes them."""
    import numpy as np

    values = [np.nan, np.inf, -np.inf, -0.0, 0.0, 5e-324, 1e-20, 1e20, 123456789012.0, 0.1 + 0.2, 1.0, -2.5]
    table = pd.DataFrame({"row": range(len(values)), "value": values, "missing": [np.nan] * len(values),
                          "single": np.array(values, dtype=np.float32),
                          "nullable": pd.array([1.5, None] * (len(values) // 2), dtype="Float64")})
    for columns in (list(table.columns), ["missing"]):  # a one-column table writes an empty cell as ""
        written = write_table(table[columns], tmp_path, "floats", columns[:1]).read_bytes()
        table[columns].sort_values(columns[:1], kind="mergesort").to_csv(
            tmp_path / "pandas.csv", index=False, float_format="%.10g", lineterminator="\n")
        assert written == (tmp_path / "pandas.csv").read_bytes()


CSV_PIECES = ['"', ",", "\n", "\r", "\r\n", " ", "\t", "'", "=", "+", "-", "@", ";", "\\", "\x00", "é", "中", "😀",
              "\u2028", "a", "Xi", "1.5", "nan", "True", ""]


def _adversarial_table(rng, n):
    """A table of every column type the report writes (and some it does not), built from the cells CSV gets wrong."""
    import numpy as np

    def texts():
        cells = ["".join(rng.choice(CSV_PIECES, rng.integers(0, 5))) for _ in range(n)]
        return [None if rng.random() < 0.1 else cell for cell in cells]

    floats = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 5e-324, 1e-20, 1e20, 2**53 + 1.0, 0.1 + 0.2, 1 / 3, -2.5e-5])
    return pd.DataFrame({
        "key": rng.integers(0, 4, n),
        "text": pd.Series(texts(), dtype="str"),
        "nullable text": pd.Series(texts(), dtype="string"),
        "python text": pd.Series(texts(), dtype="string[python]"),
        'a "quoted", name\n': pd.Series(texts(), dtype="str"),
        "int": rng.choice(np.array([0, -1, 2**63 - 1, -2**63, 10**12]), n),
        "uint": rng.choice(np.array([0, 2**64 - 1], dtype=np.uint64), n),
        "small int": rng.integers(-128, 128, n).astype(np.int8),
        "flag": rng.random(n) < 0.5,
        "float": np.where(rng.random(n) < 0.5, rng.choice(floats, n), rng.normal(0, 10.0 ** rng.integers(-8, 12, n))),
        "single": rng.choice(floats, n).astype(np.float32),
        "é": rng.normal(size=n) * 1e6,
    })


def test_csv_bytes_are_those_of_pandas_on_adversarial_tables(tmp_path):
    """write_table formats text, integer, boolean and float columns itself with Arrow; on random tables of quotes,
    commas, line breaks, carriage returns, spaces, formula starts, unicode, NUL, missing values in every column type,
    extreme integers, negative zero and infinities, in any selection of columns (one column alone, none with a row),
    it writes the bytes of the pandas path it replaces."""
    import numpy as np

    rng = np.random.default_rng(15)
    for trial in range(40):
        table = _adversarial_table(rng, int(rng.choice([0, 1, 2, 7, 300])))
        table.index = rng.permutation(len(table))  # positions, not labels, decide
        columns = list(rng.choice(table.columns, int(rng.integers(1, len(table.columns) + 1)), replace=False))
        sort_by = columns[:int(rng.integers(1, 3))] if trial % 4 else None
        written = write_table(table[columns], tmp_path, "adversarial", sort_by).read_bytes()
        assert written == _reference_write(table[columns], tmp_path / "reference.csv", sort_by or columns), (trial, columns)


@pytest.mark.parametrize("column", [
    pd.Series(["a", 1, 2.5, None, True, '"q"', "=x"], dtype=object),
    pd.Series(["b", "a", None, "b", "=c", "a", "b"], dtype="category"),
    pd.array([1, None, -3, 4, 5, None, 7], dtype="Int64"),
    pd.array([True, None, False, True, None, False, True], dtype="boolean"),
    pd.to_datetime(["2014-01-01", None, "2023-05-07", "2014-01-01", "2015-12-31", "2024-02-29", "2014-01-02"]),
])
def test_tables_with_other_column_types_are_written_by_pandas(tmp_path, column):
    """Column types write_table does not format itself (mixed objects, categories, nullable numbers, dates) send the
    table to pandas, with the same bytes as before."""
    table = pd.DataFrame({"row": [3, 1, 2, 0, 6, 5, 4], "other": column, "text": ["x,y", "-1", "", None, "é", "+", "a"]})
    written = write_table(table, tmp_path, "other", ["row"]).read_bytes()
    assert written == _reference_write(table, tmp_path / "reference.csv", ["row"])


@pytest.mark.parametrize("seed", range(20))
def test_a_table_in_sorted_order_is_told_apart_exactly(seed):
    """write_table keeps the order of a table whose sort columns are already in order (no sort): whenever it says
    so, a stable sort leaves every row in place, and it says so for every sorted table without missing values, on
    random key columns of text (Arrow and object), integers, floats (with -0, inf), booleans and categories."""
    import numpy as np

    from analysis.core.display import _in_sorted_order

    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40))
    candidates = {
        "text": pd.Series(rng.choice(["a", "b", "B", "é", "", "a b", "ab"], n)),
        "object": pd.Series(rng.choice(["x", "y", "Ä", "z"], n), dtype=object),
        "integer": pd.Series(rng.integers(-2, 3, n)),
        "float": pd.Series(rng.choice([-0.0, 0.0, 1.5, -np.inf, np.inf, 2.0], n)),
        "flag": pd.Series(rng.random(n) > 0.5),
        "ordered": pd.Series(pd.Categorical(rng.choice(["lo", "hi"], n), categories=["lo", "hi"], ordered=True)),
    }
    names = list(rng.permutation(list(candidates)))[: int(rng.integers(1, 4))]
    keys = pd.DataFrame({name: candidates[name] for name in names})
    for table in (keys, keys.sort_values(names, kind="mergesort").reset_index(drop=True), keys.iloc[::-1]):
        table = table.reset_index(drop=True)
        stable = table.sort_values(names, kind="mergesort").index.to_numpy()
        in_order = (stable == np.arange(len(table))).all()
        assert _in_sorted_order(table) == in_order or (not _in_sorted_order(table) and table.isna().any().any())
    with_gap = pd.DataFrame({"text": pd.Series(["a", None, "b"], dtype=object)})
    assert not _in_sorted_order(with_gap)  # a missing value: sorted by pandas, not here
    assert not _in_sorted_order(pd.DataFrame({"mixed": pd.Series(["a", 1, "b"], dtype=object)}))
    assert not _in_sorted_order(pd.DataFrame({"c": pd.Categorical(["b", "a"])}))  # unordered categories
