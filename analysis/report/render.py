"""Render executed notebooks to standalone HTML pages with a navigation bar, a table of contents and hidden code.

Called once by the runner for all pages (one exporter, one process); the front page (05_report) becomes index.html.
Every page is sanitised after rendering (no scripts, event handlers or script URLs), a second line of defence behind escaping.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from analysis.core.paths import TEMPLATES_DIR

if TYPE_CHECKING:  # nbconvert is imported where pages are rendered: the front page notebook only names them
    from nbconvert import HTMLExporter

FRONT_PAGE_STEM = "05_report"
PAGE_TITLES = {
    "01_load_corpus": "01 Corpus",
    "02_topic_model": "02 Topics",
    "03_extract_figures": "03 Figures",
    "04_compare_periods": "04 Comparison",
    "06_explore_corpus": "06 Explore",
    FRONT_PAGE_STEM: "Front page",
}

PAGE_CSS = TEMPLATES_DIR / "report" / "report.css"


def page_css() -> str:
    """The report's style sheet, with the period colours of the charts (analysis.core.plots.PERIOD_STYLES) as variables."""
    from analysis.core.plots import PERIOD_STYLES

    colours = "".join(f"--period-{number}: {style['color']}; " for number, style in enumerate(PERIOD_STYLES, start=1))
    return f":root {{ {colours}}}\n" + PAGE_CSS.read_text(encoding="utf-8")


# Elements that run code or load another document; the report's template uses none of them, so any one came from data.
DANGEROUS_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "noscript"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "data", "srcset", "ping"}
SAFE_DATA_URL = re.compile(r"data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)  # embedded charts, not SVG


def _url_is_safe(value: str) -> bool:
    """True for relative links, anchors, http(s)/mailto and embedded raster images; False for script and other schemes."""
    compact = re.sub(r"[\x00-\x20]+", "", html.unescape(value)).lower()  # browsers ignore spaces and controls in schemes
    scheme = re.match(r"([a-z][a-z0-9+.\-]*):", compact)
    if scheme is None:
        return True
    return scheme.group(1) in ("http", "https", "mailto") or bool(SAFE_DATA_URL.match(compact))


class _Sanitiser(HTMLParser):
    """Copy a page, dropping dangerous elements, ``on*`` handlers, ``style`` expressions and unsafe URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.skipping: list[str] = []  # open dangerous elements whose content is dropped
        self.removed = 0

    def _tag(self, tag: str, attrs: list, closing: bool) -> str:
        kept = []
        for name, value in attrs:
            name_l = name.lower()
            unsafe = (name_l.startswith("on") or (name_l in URL_ATTRIBUTES and value is not None and not _url_is_safe(value))
                      or (name_l == "http-equiv") or (name_l == "style" and value and re.search(r"expression|url\s*\(", value, re.I)))
            if unsafe:
                self.removed += 1
                continue
            kept.append(name if value is None else f'{name}="{html.escape(value, quote=True)}"')
        text = self.get_starttag_text() if len(kept) == len(attrs) else None
        return text or "<" + " ".join([tag, *kept]) + (" />" if closing else ">")

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_ELEMENTS:
            self.removed += 1
            self.skipping.append(tag)
        elif not self.skipping:
            self.out.append(self._tag(tag, attrs, False))

    def handle_startendtag(self, tag, attrs):
        if tag in DANGEROUS_ELEMENTS:
            self.removed += 1
        elif not self.skipping:
            self.out.append(self._tag(tag, attrs, True))

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
        elif tag not in DANGEROUS_ELEMENTS:
            self.out.append(f"</{tag}>")

    def _raw(self, text: str) -> None:
        if not self.skipping:
            self.out.append(text)

    def handle_data(self, data):
        self._raw(data)

    def handle_entityref(self, name):
        self._raw(f"&{name};")

    def handle_charref(self, name):
        self._raw(f"&#{name};")

    def handle_comment(self, data):
        self._raw(f"<!--{data}-->")

    def handle_decl(self, decl):
        self._raw(f"<!{decl}>")

    def handle_pi(self, data):
        self._raw(f"<?{data}>")

    def unknown_decl(self, data):
        self._raw(f"<![{data}]>")


def sanitise_html(page: str) -> str:
    """A rendered page without scripts, event-handler attributes or ``javascript:``-style URLs.

    Corpus values are escaped where they are written; this catches anything that slipped through.
    The report's own template has no scripts, so every one found came from the data and is removed.

    >>> sanitise_html('<p onclick="x()">a <a href="javascript:alert(1)">b</a><script>alert(2)</script></p>')
    '<p>a <a>b</a></p>'
    """
    parser = _Sanitiser()
    parser.feed(page)
    parser.close()
    if parser.rawdata:  # an unterminated construct at the very end: keep it only as text
        parser.out.append(html.escape(parser.rawdata))
    return "".join(parser.out)


def page_name(stem: str) -> str:
    """File name of the rendered page for a notebook stem; the front page is index.html."""
    return "index.html" if stem == FRONT_PAGE_STEM else f"{stem}.html"


def nav_bar(stems: list[str], current: str, prefix: str = "") -> str:
    """The navigation bar shared by every page (front page first, then the stages, then the tables)."""
    ordered = ([FRONT_PAGE_STEM] if FRONT_PAGE_STEM in stems else []) + [s for s in stems if s != FRONT_PAGE_STEM]
    if FRONT_PAGE_STEM not in stems:
        ordered = ["__index__"] + ordered
    links = []
    for stem in ordered:
        href = prefix + ("index.html" if stem == "__index__" else page_name(stem))
        label = "Front page" if stem == "__index__" else PAGE_TITLES.get(stem, stem)
        current_attr = ' aria-current="page"' if stem == current else ""
        links.append(f'<a href="{href}"{current_attr}>{html.escape(label)}</a>')
    tables_current = ' aria-current="page"' if current == "__tables__" else ""
    links.append(f'<a href="{prefix}tables/index.html"{tables_current}>Tables (CSV)</a>')
    return '<nav class="report-nav" aria-label="Report pages">' + "".join(links) + "</nav>"


def table_of_contents(notebook: nbformat.NotebookNode) -> str:
    """An ordered list of the notebook's second-level headings, linked by the ids nbconvert gives them."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    items = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("## "):
                heading = markdown2html_mistune(line.strip())  # nbconvert's own rendering: the id the page's heading gets
                anchor = re.search(r'id="([^"]+)"', heading)
                text = html.escape(html.unescape(re.sub(r"<[^>]+>", "", heading)).replace("¶", "").strip())
                if anchor:
                    items.append(f'<li><a href="#{anchor.group(1)}">{text}</a></li>')
    if not items:
        return ""
    return '<div class="report-toc"><strong>On this page</strong><ul>' + "".join(items) + "</ul></div>"


def page_resources(nav: str, meta: str, toc: str = "") -> dict:
    """What the report template puts into every page: style, navigation bar, page note and table of contents."""
    return {"report_css": page_css(), "report_nav": nav, "report_meta": meta, "report_toc": toc}


def strip_stderr(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop stderr streams (warnings, progress bars) from outputs; readers see warnings as Markdown instead."""
    for cell in notebook.cells:
        if cell.get("outputs"):
            cell["outputs"] = [o for o in cell["outputs"] if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return notebook


@lru_cache(maxsize=1)
def _exporters() -> tuple[HTMLExporter, HTMLExporter]:
    """The report template's two exporters: code hidden, and with code (built once; they hold no page state)."""
    from nbconvert import HTMLExporter

    hidden = HTMLExporter(template_name="report", extra_template_basedirs=[str(TEMPLATES_DIR)],
                          exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    return hidden, HTMLExporter(template_name="report", extra_template_basedirs=[str(TEMPLATES_DIR)])


def render_page(path: Path, stems: list[str], reports_dir: Path) -> Path:
    """Render one executed notebook twice (code hidden, and with its code under ``code/``); ``stems`` name every
    page, for the navigation bar. Returns the page's path. A page depends on its own notebook only, so the runner
    renders each one while the next notebook runs."""
    hidden, full = _exporters()
    notebook = strip_stderr(nbformat.read(path, as_version=4))
    for cell in notebook.cells:  # papermill gives the cell it injects a random id; a fixed one keeps pages reproducible
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    name = page_name(path.stem)
    toc = table_of_contents(notebook)
    meta = (f'<p class="report-meta">Code is hidden on this page. '
            f'<a href="code/{name}">Show this page with its code</a> · '
            f'<a href="notebooks/{path.name}">Download the executed notebook</a></p>')
    page, _ = hidden.from_notebook_node(notebook, resources=page_resources(nav_bar(stems, path.stem), meta, toc))
    target = reports_dir / name
    target.write_text(sanitise_html(page), encoding="utf-8")
    code_meta = f'<p class="report-meta">This page shows the code. <a href="../{name}">Back to the page without code</a></p>'
    code_page, _ = full.from_notebook_node(notebook, resources=page_resources(nav_bar(stems, path.stem, "../"), code_meta, toc))
    (reports_dir / "code").mkdir(exist_ok=True)
    for folder in ("tables/", "explore/"):  # links written in the notebooks; code pages sit one folder down
        code_page = code_page.replace(f'href="{folder}', f'href="../{folder}')
    (reports_dir / "code" / name).write_text(sanitise_html(code_page), encoding="utf-8")
    return target


def finish_site(stems: list[str], reports_dir: Path) -> list[Path]:
    """What follows the pages: a plain front page when no report notebook wrote one, and the tables index (once
    every notebook has written its tables)."""
    written = [] if FRONT_PAGE_STEM in stems else [write_index(stems, reports_dir)]
    return written + [write_tables_index(stems, reports_dir)]


def render_site(executed: list[Path], reports_dir: Path, figures_dir: Path) -> list[Path]:
    """Render every executed notebook twice (code hidden, and with code) plus the tables index; return page paths."""
    stems = [path.stem for path in executed]
    return [render_page(path, stems, reports_dir) for path in executed] + finish_site(stems, reports_dir)


def _simple_page(title: str, nav: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{page_css()}</style>"
            f'<style>body{{font-family:system-ui,sans-serif;margin:0}} main{{max-width:900px;margin:1rem auto;padding:0 1rem}}</style>'
            f"</head><body>{nav}<main>{body}</main></body></html>")


def write_index(stems: list[str], reports_dir: Path) -> Path:
    """A plain front page linking the stage pages, used until the report notebook exists."""
    items = "".join(f'<li><a href="{page_name(s)}">{html.escape(PAGE_TITLES.get(s, s))}</a></li>' for s in stems)
    body = f"<h1>China–Russia coverage, 2014–2015 and 2023–2024</h1><p>Stage pages:</p><ol>{items}</ol>"
    path = reports_dir / "index.html"
    path.write_text(_simple_page("China–Russia coverage report", nav_bar(stems, "__index__"), body), encoding="utf-8")
    return path


FORMULA_NOTE = ("A text cell that would start with =, +, -, @, a tab or a carriage return is written with a leading ' "
                "(apostrophe), so that a spreadsheet shows it as text instead of running it as a formula; numbers are "
                "unchanged. Remove the apostrophe to recover the original text.")


def write_tables_index(stems: list[str], reports_dir: Path) -> Path:
    """A page listing every CSV table in reports/tables with its size, so links never point at a bare folder."""
    tables = sorted((reports_dir / "tables").glob("*.csv"))
    rows = "".join(
        f'<tr><td><a href="{p.name}">{html.escape(p.name)}</a></td><td style="text-align:right">{p.stat().st_size:,} bytes</td></tr>'
        for p in tables)
    body = ("<h1>Tables</h1><p>The data behind every table and chart of the report, as CSV.</p>"
            f"<p>{html.escape(FORMULA_NOTE)}</p>"
            f"<table><thead><tr><th>File</th><th>Size</th></tr></thead><tbody>{rows}</tbody></table>")
    path = reports_dir / "tables" / "index.html"
    path.write_text(_simple_page("Report tables", nav_bar(stems, "__tables__", "../"), body), encoding="utf-8")
    return path
