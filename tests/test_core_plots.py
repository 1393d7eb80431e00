"""The shared chart style: period styles, the source line, titles, and files written without timestamps."""

import pytest

from analysis.core.plots import PERIOD_STYLES, figure_png, finish_figure, new_figure, period_style, save_figure, source_line


def test_period_styles_follow_the_order_of_the_periods():
    periods = ["2014–2015", "2023–2024"]
    assert period_style("2014–2015", periods) == PERIOD_STYLES[0]
    assert period_style("2023–2024", periods)["hatch"] == "//"  # told apart in greyscale too
    assert period_style("c", ["a", "b", "c"]) == PERIOD_STYLES[2]  # a third period has its own style
    assert period_style("e", ["a", "b", "c", "d", "e"]) == PERIOD_STYLES[0]  # a fifth cycles back


def test_an_unknown_period_is_named_with_the_report_periods():
    with pytest.raises(ValueError, match=r"Unknown period '2019'; the report's periods are \['2014–2015', '2023–2024'\]"):
        period_style("2019", ["2014–2015", "2023–2024"])


def test_source_line_counts_articles_per_period():
    assert source_line("seeds", {"2014–2015": 1, "2023–2024": 1_200}) == (
        "Source: seeds corpus; 1 article 2014–2015, 1,200 articles 2023–2024")


def test_saved_charts_carry_the_title_and_no_timestamp(tmp_path):
    fig, axes = new_figure()
    axes.bar(["a", "b"], [1, 2])
    finish_figure(fig, "Trade doubled", "Source: test corpus")
    png, svg = save_figure(fig, tmp_path, "trade").paths
    assert png.read_bytes().startswith(b"\x89PNG")
    text = svg.read_text(encoding="utf-8")
    assert "Trade doubled" in text and "Source: test corpus" in text and "<dc:date>" not in text
    assert save_figure(fig, tmp_path / "again", "trade").paths[1].read_bytes() == svg.read_bytes()


def test_a_saved_chart_shows_the_png_file_it_wrote_with_its_title_as_alt_text(tmp_path):
    fig, axes = new_figure()
    axes.bar(["a", "b"], [1, 2])
    finish_figure(fig, "Trade doubled", "Source: test corpus")
    saved = save_figure(fig, tmp_path, "trade")
    shown, metadata = saved._repr_png_()
    assert shown == saved.paths[0].read_bytes()
    assert metadata == {"alt": "Chart: Trade doubled"}
    assert repr(saved) == "<chart saved as trade.png and trade.svg>"
    assert figure_png(fig) == (shown, metadata)  # a figure shown without saving looks like its file would


def test_a_title_wider_than_the_chart_is_wrapped_and_the_chart_keeps_its_height():
    short, long = "Trade rose", "Median article length: " + ", ".join(f"5{n}5 words in 20{n}4–20{n}5" for n in range(1, 6))
    fig, ax = new_figure(6, 3)
    finish_figure(fig, short, "Source: test")
    assert fig._suptitle.get_text() == short and fig.get_figheight() == 3
    fig, ax = new_figure(6, 3)
    finish_figure(fig, long, "Source: test")
    lines = fig._suptitle.get_text().split("\n")
    assert len(lines) >= 2 and " ".join(lines) == long  # every word kept, in order
    assert fig._suptitle.get_window_extent().width <= fig.bbox.width  # now it fits
    assert fig.get_figheight() == pytest.approx(3 + 0.25 * (len(lines) - 1))


def test_every_period_of_a_chart_gets_its_own_style():
    periods = ["2014–2015", "2023–2024", "2018–2019", "2020–2021"]
    styles = [period_style(period, periods) for period in periods]
    assert len({style["color"] for style in styles}) == len({style["marker"] for style in styles}) == 4
