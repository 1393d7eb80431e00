"""The one place that styles charts: period colours, titles, source lines and saving to PNG and SVG.

Every chart in the report is made with these helpers so the two periods look the same everywhere.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

# Two colours that differ in hue for colour readers and in lightness for greyscale print
# (dark blue vs light orange), plus a hatch so bars stay distinguishable even when printed grey.
# One style per period: the two compared periods first; further periods (described, not compared) get their own, so
# no chart draws two periods alike (from a fifth period on, styles repeat).
PERIOD_STYLES = [
    {"color": "#1f4e79", "hatch": "", "marker": "o", "linestyle": "-"},
    {"color": "#f28e2b", "hatch": "//", "marker": "s", "linestyle": "--"},
    {"color": "#59a14f", "hatch": "xx", "marker": "^", "linestyle": ":"},
    {"color": "#8c6bb1", "hatch": "..", "marker": "D", "linestyle": "-."},
]
NEUTRAL_COLOR = "#7f7f7f"
SOURCE_FONT_SIZE = 8
TITLE_LINE_INCHES = 0.25  # height of one more line of a wrapped title (12-point bold)


def _png_bytes(fig: Figure) -> bytes:
    """The figure drawn once as PNG, exactly as :func:`save_figure` writes its file."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _alt_text(fig: Figure) -> dict:
    """Display metadata whose ``alt`` text is the chart's title (for screen readers)."""
    return {"alt": f"Chart: {fig.get_suptitle() or 'Chart'}"}


def figure_png(fig: Figure) -> tuple[bytes, dict]:
    """A figure as PNG bytes (as its file would be) plus display metadata with the chart's title as ``alt`` text."""
    return _png_bytes(fig), _alt_text(fig)


@dataclass(frozen=True)
class SavedChart:
    """A chart as written by :func:`save_figure`: its files, and the PNG a notebook shows, which is the file's own
    bytes rather than the figure drawn a third time."""

    paths: list[Path]
    png: bytes = field(repr=False)
    metadata: dict = field(repr=False)

    def _repr_png_(self) -> tuple[bytes, dict]:
        return self.png, self.metadata

    def __repr__(self) -> str:  # the executed notebook's plain-text form: file names, not this machine's folders
        return f"<chart saved as {' and '.join(path.name for path in self.paths)}>"


def enable_notebook_display() -> None:
    """Inside a notebook, show a returned Figure as a PNG image with alt text (embedded in the rendered HTML)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency, but plotting must not need it
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)


def apply_style() -> None:
    """Set the report's matplotlib defaults (fonts, grid, deterministic SVG output)."""
    matplotlib.rcParams.update({
        "figure.dpi": 110,
        "savefig.dpi": 150,
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#dddddd",
        "grid.linewidth": 0.6,
        "svg.hashsalt": "china-russia-coverage",  # stable element ids: identical SVGs across runs
        "svg.fonttype": "none",
        "hatch.linewidth": 0.8,
        "text.parse_math": False,  # "$95 bn" in a title is money, not mathematics
    })


def period_style(period: str, periods: list[str]) -> dict:
    """Colour, hatch, marker and line style of ``period``; the first period is always the first style."""
    try:
        index = list(periods).index(period)
    except ValueError as error:
        raise ValueError(f"Unknown period {period!r}; the report's periods are {list(periods)}.") from error
    return PERIOD_STYLES[index % len(PERIOD_STYLES)]


def source_line(corpus_name: str, docs_per_period: dict[str, int]) -> str:
    """The text of a chart's source line, e.g. 'Source: seeds corpus; 3 articles 2014–2015, 2 articles 2023–2024'."""
    parts = [f"{count:,} article{'s' if count != 1 else ''} {period}" for period, count in docs_per_period.items()]
    return f"Source: {corpus_name} corpus; " + ", ".join(parts)


def new_figure(width: float = 8.0, height: float = 4.5, **subplot_kw) -> tuple[Figure, object]:
    """A styled figure with one axes (or a grid when ``nrows``/``ncols`` are given).

    The figure is not registered with pyplot, so a notebook shows it once (when the cell returns it),
    nothing leaks between charts, and no display is needed.
    """
    apply_style()
    enable_notebook_display()
    fig = Figure(figsize=(width, height))
    axes = fig.subplots(**subplot_kw)
    return fig, axes


def finish_figure(fig: Figure, title: str, source: str) -> Figure:
    """Put the finding-stating title on top and the source line at the bottom; return the figure. A title wider than
    the figure (a long finding, or one naming several periods) is wrapped onto more lines instead of being cut off."""
    heading = fig.suptitle(title, fontsize=12, fontweight="bold", x=0.01, ha="left")
    width, room = heading.get_window_extent().width, fig.bbox.width * 0.98
    if width > room:
        lines = textwrap.wrap(title, max(20, int(len(title) * room / width)))
        heading.set_text("\n".join(lines))
        fig.set_figheight(fig.get_figheight() + TITLE_LINE_INCHES * (len(lines) - 1))  # the chart keeps its height
    fig.text(0.01, 0.005, source, fontsize=SOURCE_FONT_SIZE, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return fig


def save_figure(fig: Figure, figures_dir: str | Path, name: str) -> SavedChart:
    """Write ``name``.png and ``name``.svg into ``figures_dir`` with no timestamps.

    Returns the saved chart: a notebook cell that ends with ``save_figure(...)`` shows the PNG file it wrote.
    """
    folder = Path(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    png = _png_bytes(fig)
    paths[0].write_bytes(png)
    fig.savefig(paths[1], metadata={"Date": None, "Creator": None})
    return SavedChart(paths, png, _alt_text(fig))
