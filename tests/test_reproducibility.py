"""Two full runs from the same inputs and parameters give byte-identical tables and SVG charts, whether the notebooks
run two at once (the default) or one after another."""

import pytest

from analysis.report.runner import build_report

pytestmark = pytest.mark.slow


def snapshot(root):
    files = sorted((root / "reports" / "tables").glob("*.csv")) + sorted((root / "figures").glob("*.svg"))
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in files}


def test_two_runs_give_identical_tables_and_svgs(built_report, tmp_path):
    first_root, _ = built_report  # built with the default jobs, two notebooks at once
    build_report("", tmp_path / "reports", tmp_path / "figures", progress=False, staging=tmp_path / "staging", jobs=1)
    first, second = snapshot(first_root), snapshot(tmp_path)
    assert first.keys() == second.keys() and len(first) >= 7
    changed = [name for name in first if first[name] != second[name]]
    assert changed == [], f"differ between runs: {changed}"
