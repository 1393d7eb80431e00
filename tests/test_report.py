"""End to end: the runner executes every notebook on the seeds into a temporary folder and renders the site."""

import json
import shutil

import nbformat
import pytest

from analysis.runner import ReportError, build_report, notebook_paths, parse_value

pytestmark = pytest.mark.slow


@pytest.fixture
def report(built_report):
    return built_report


def test_front_page_and_stage_pages_exist(report):
    root, front = report
    assert front == root / "reports" / "index.html" and front.exists()
    for source in notebook_paths():
        if source.stem != "05_report":
            page = root / "reports" / f"{source.stem}.html"
            assert page.exists(), f"{page.name} was not rendered"
            assert (root / "reports" / "code" / page.name).exists()
            assert (root / "reports" / "notebooks" / source.name).exists()
    assert not (root / "staging").exists()


def test_corpus_tables_and_chart_written(report):
    root, _ = report
    for name in ("documents", "sentences", "paragraphs", "removed_lines", "corpus_warnings", "period_composition"):
        assert (root / "reports" / "tables" / f"{name}.csv").exists()
    assert (root / "figures" / "article_length_by_period.png").exists()
    assert (root / "figures" / "article_length_by_period.svg").exists()


def test_pages_hide_code_and_have_navigation(report):
    root, _ = report
    page = (root / "reports" / "01_load_corpus.html").read_text(encoding="utf-8")
    assert 'class="report-nav"' in page and "tables/index.html" in page
    assert 'class="jp-CodeMirrorEditor' not in page and "from analysis.corpus import" not in page
    code_page = (root / "reports" / "code" / "01_load_corpus.html").read_text(encoding="utf-8")
    assert 'class="jp-CodeMirrorEditor' in code_page and "load_corpus" in code_page
    assert "Traceback" not in page


def test_failing_notebook_names_itself_and_keeps_previous_report(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")])
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(broken, notebooks / "01_broken.ipynb")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "index.html").write_text("previous report", encoding="utf-8")
    with pytest.raises(ReportError, match=r"01_broken.ipynb failed in cell 2 \(ZeroDivisionError"):
        build_report("", reports, tmp_path / "figures", notebooks_dir=notebooks, progress=False, staging=tmp_path / "staging")
    assert (reports / "index.html").read_text(encoding="utf-8") == "previous report"
    kept = tmp_path / "staging" / "reports" / "notebooks" / "01_broken.ipynb"
    outputs = [cell.get("outputs", []) for cell in nbformat.read(kept, as_version=4).cells]
    assert "ZeroDivisionError" in json.dumps(outputs)


def test_parse_value():
    assert parse_value("5") == 5 and parse_value('{"a": [1]}') == {"a": [1]} and parse_value("nmf") == "nmf"
