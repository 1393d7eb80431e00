"""Rendering through the report template (style, navigation, table of contents and run details come from it), and
rendering that removes anything that could run a script, which the browser check confirms."""

import re

import nbformat
import pytest

from analysis.core.plots import PERIOD_STYLES
from analysis.report.render import PAGE_CSS, page_css, render_site, sanitise_html, table_of_contents
from tests.browser_check import INSTALL_HINT, check_pages, find_chromium


def notebook_with_headings():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 09 · A stage\n\nIntro."),
        nbformat.v4.new_markdown_cell("## The corpus"),
        nbformat.v4.new_code_cell("1 + 1"),
        nbformat.v4.new_markdown_cell("## 1. Distinctive vocabulary\n\nText.\n\n### A sub-heading"),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def test_the_table_of_contents_comes_from_the_notebooks_headings_and_links_their_ids(tmp_path):
    notebook = notebook_with_headings()
    toc = table_of_contents(notebook)
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc) == [
        ("The-corpus", "The corpus"), ("1.-Distinctive-vocabulary", "1. Distinctive vocabulary")]
    nbformat.write(notebook, tmp_path / "09_stage.ipynb")
    (tmp_path / "reports" / "tables").mkdir(parents=True)
    render_site([tmp_path / "09_stage.ipynb"], tmp_path / "reports", tmp_path / "figures")
    page = (tmp_path / "reports" / "09_stage.html").read_text(encoding="utf-8")
    for anchor in re.findall(r'<a href="#([^"]+)">', toc):
        assert f'id="{anchor}"' in page, f"the table of contents links #{anchor}, which the page does not have"
    assert page.count('class="report-nav"') == 1 and page.count('class="report-toc"') == 1
    assert "--period-1: " + PERIOD_STYLES[0]["color"] in page


def test_period_colours_are_typed_once_in_the_plotting_module():
    css = PAGE_CSS.read_text(encoding="utf-8")
    for style in PERIOD_STYLES:
        assert style["color"].lower() not in css.lower(), "report.css retypes a period colour; use var(--period-N)"
    assert "var(--period-1)" in css and "var(--period-2)" in css
    assert page_css().startswith(":root { --period-1: " + PERIOD_STYLES[0]["color"])


def test_run_details_are_a_collapsed_box():
    import pandas as pd

    from analysis.core.display import run_details

    class Corpus:
        name, fingerprint, documents = "seeds", "abc123", pd.DataFrame({"doc_id": ["a", "b"]})

    html = run_details({"corpus_dir": "seeds", "k_max": 12, "reports_dir": "/tmp/x"}, Corpus()).data
    assert html.startswith('<details class="run-details"><summary>Run details</summary>')
    assert "<code>k_max</code> = <code>12</code>" in html and "reports_dir" not in html


# ---- safety: nothing in a rendered page can run a script ----------------------------------------

HOSTILE_MARKDOWN = ("Outlet <img src=x onerror=alert(1)>, a [link](javascript:alert(2)), a [spaced one]( jav&#x09;ascript:alert(3)) "
                    "and <script>alert(4)</script> <svg><a xlink:href=\"javascript:alert(5)\">s</a></svg> "
                    "<iframe src=\"data:text/html,<script>alert(6)</script>\"></iframe> [ok](02_topic_model.html)")


def hostile_notebook(path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Section\n\n" + HOSTILE_MARKDOWN),
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
            "display_data", data={"text/markdown": HOSTILE_MARKDOWN, "text/html": "<b onmouseover=alert(7)>b</b>"})]),
    ])
    nbformat.write(notebook, path)
    return path


@pytest.mark.parametrize(("page", "expected"), [
    ('<p onclick="x()">a</p>', "<p>a</p>"),
    ('<a href="javascript:alert(1)">b</a>', "<a>b</a>"),
    ('<a href=" JaVa\tScRiPt:alert(1)">b</a>', "<a>b</a>"),
    ('<a href="&#106;avascript:alert(1)">b</a>', "<a>b</a>"),
    ("<script>alert(1)</script><p>kept</p>", "<p>kept</p>"),
    ("<svg><script>alert(1)</script></svg>", "<svg></svg>"),
    ('<img src="data:image/png;base64,AAAA" alt="Chart: a &amp; b">', '<img src="data:image/png;base64,AAAA" alt="Chart: a &amp; b">'),
    ('<a href="tables/index.html#x">t</a> &lt;script&gt;', '<a href="tables/index.html#x">t</a> &lt;script&gt;'),
])
def test_sanitise_html(page, expected):
    assert sanitise_html(page) == expected


def test_rendered_pages_keep_no_active_content(tmp_path):
    executed = hostile_notebook(tmp_path / "01_load_corpus.ipynb")
    reports = tmp_path / "reports"
    (reports / "tables").mkdir(parents=True)
    render_site([executed], reports, tmp_path / "figures")
    for page in [reports / "01_load_corpus.html", reports / "code" / "01_load_corpus.html"]:
        text = page.read_text(encoding="utf-8").lower()
        for marker in ("<script", "javascript:", "<iframe", "<object", "<embed"):
            assert marker not in text, f"{marker} left in {page.name}"
        assert not re.search(r"<[^>]*\son\w+\s*=", text), f"an on* handler is left in {page.name}"
        assert 'href="02_topic_model.html"' in text  # ordinary links survive


def test_the_same_executed_notebook_renders_the_same_page_whatever_id_papermill_gave_its_parameters(tmp_path):
    pages = []
    for run, random_id in enumerate(["4440640e", "31753639"]):
        injected = nbformat.v4.new_code_cell('corpus_dir = "seeds"', id=random_id)
        injected.metadata["tags"] = ["injected-parameters"]
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 01 · Load", id="heading"), injected])
        folder = tmp_path / str(run)
        (folder / "reports" / "tables").mkdir(parents=True)
        nbformat.write(notebook, folder / "01_load_corpus.ipynb")
        render_site([folder / "01_load_corpus.ipynb"], folder / "reports", folder / "figures")
        pages.append((folder / "reports" / "01_load_corpus.html").read_text(encoding="utf-8"))
    assert pages[0] == pages[1] and 'id="cell-id=injected-parameters"' in pages[0]


@pytest.mark.browser
def test_browser_check_fails_when_a_page_runs_a_script(tmp_path):
    if find_chromium() is None:
        pytest.skip(f"No Chromium on this machine. {INSTALL_HINT}")
    (tmp_path / "a.html").write_text('<html><body><p>x</p><img src="missing.png" alt="x" onerror="alert(1)"></body></html>',
                                     encoding="utf-8")
    (tmp_path / "b.html").write_text('<html><body><script>window.open("x")</script><a href="javascript:void(0)">j</a></body></html>',
                                     encoding="utf-8")
    problems = check_pages(tmp_path)
    assert any(p.startswith("a.html: a script from the data ran: alert(1)") for p in problems), problems
    assert any(p.startswith("a.html: active content that could run a script: onerror handler on <img>") for p in problems)
    assert any(p.startswith("b.html: a script from the data ran: open(x)") for p in problems), problems
    assert any(p.startswith('b.html: active content that could run a script: href="javascript:void(0)"') for p in problems)


@pytest.mark.browser
def test_a_sanitised_hostile_page_passes_the_browser_check(tmp_path):
    if find_chromium() is None:
        pytest.skip(f"No Chromium on this machine. {INSTALL_HINT}")
    executed = hostile_notebook(tmp_path / "05_report.ipynb")
    reports = tmp_path / "reports"
    (reports / "tables").mkdir(parents=True)
    render_site([executed], reports, tmp_path / "figures")
    problems = [p for p in check_pages(reports) if "a script from the data" in p or "active content" in p]
    assert problems == []


def test_the_tables_index_explains_the_formula_apostrophe(tmp_path):
    executed = hostile_notebook(tmp_path / "01_load_corpus.ipynb")
    reports = tmp_path / "reports"
    (reports / "tables").mkdir(parents=True)
    render_site([executed], reports, tmp_path / "figures")
    index = (reports / "tables" / "index.html").read_text(encoding="utf-8")
    assert "written with a leading &#x27; (apostrophe)" in index
