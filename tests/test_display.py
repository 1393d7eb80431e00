"""Numbers, dates and article text are formatted for people and escaped for the browser."""

import pandas as pd
import pytest

from analysis.display import escape, figure_value, month_year, show_table, warnings_markdown


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
    assert "<img" not in warnings_markdown(warnings).data
    assert escape('<b a="1">') == "&lt;b a=&quot;1&quot;&gt;"


def test_long_tables_are_cut_with_a_link_to_the_csv():
    html = show_table(pd.DataFrame({"n": range(30)}), "numbers", max_rows=10).data
    assert "Showing the first 10 of 30 rows" in html and 'href="tables/numbers.csv"' in html
