"""Rendering through the report template: style, navigation, table of contents and run details come from it."""

import re

import nbformat

from analysis.core.plots import PERIOD_STYLES
from analysis.report.render import PAGE_CSS, page_css, render_site, table_of_contents


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
