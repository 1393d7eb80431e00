"""Kernels started ahead of their turn: same executed notebooks as fresh kernels, a fallback, nothing left running."""

import nbformat
import psutil
import pytest

from analysis.report.kernels import KernelStarter, preload_code
from analysis.report.runner import ReportError, build_report

# colorsys: a standard module nothing else in a fresh kernel imports, so the first cell shows whether it was preloaded
PROBE = 'import sys\nprint("colorsys" in sys.modules)'


def write_notebook(path, *sources):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)


def test_preload_code_runs_the_import_lines_without_defining_a_name(tmp_path):
    write_notebook(tmp_path / "01_a.ipynb", "x = 1\nimport colorsys\n", "from json import dumps as d\nprint(d(x))",
                   "if x:\n    import csv")
    code = preload_code(tmp_path / "01_a.ipynb")
    assert "    import colorsys\n    from json import dumps as d\n" in code and "csv" not in code
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the code under test
    assert set(namespace) == {"__builtins__"}


def executed_cells(folder):
    return [[(cell.execution_count, cell.outputs) for cell in nbformat.read(path, as_version=4).cells]
            for path in sorted((folder / "reports" / "notebooks").glob("*.ipynb"))]


@pytest.fixture
def probe_notebooks(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for stem in ("01_first", "02_second"):
        write_notebook(folder / f"{stem}.ipynb", PROBE, "import colorsys\nprint(colorsys.rgb_to_hsv(1, 0, 0))")
    return folder


def run(folder, notebooks):
    build_report("", folder / "reports", folder / "figures", notebooks_dir=notebooks, progress=False,
                 staging=folder / "staging")
    return folder / "reports" / "notebooks"


def printed(notebook_path, cell):
    return nbformat.read(notebook_path, as_version=4).cells[cell].outputs[0]["text"].strip()


def test_a_kernel_started_ahead_runs_the_notebook_as_a_fresh_one_would(tmp_path, probe_notebooks, monkeypatch):
    warm = run(tmp_path / "warm", probe_notebooks)
    assert [printed(path, 0) for path in sorted(warm.glob("*.ipynb"))] == ["True", "True"]  # the imports were preloaded
    monkeypatch.setattr(KernelStarter, "start", lambda self, source: None)
    cold = run(tmp_path / "cold", probe_notebooks)
    assert [printed(path, 0) for path in sorted(cold.glob("*.ipynb"))] == ["False", "False"]
    after_probe = [cells[1:] for cells in executed_cells(tmp_path / "warm")]
    assert after_probe == [cells[1:] for cells in executed_cells(tmp_path / "cold")]
    counts = [[count for count, _ in cells] for cells in executed_cells(tmp_path / "warm")]
    assert counts == [[1, 2], [1, 2]]  # the preload counted no execution


def test_a_kernel_that_cannot_start_ahead_leaves_the_notebook_to_papermill(tmp_path, probe_notebooks, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("no kernel today")

    made = KernelStarter.manager

    def manager(self, source, label=""):  # kernels started ahead fail; the fresh one papermill starts works
        kernel = made(self, source, label)
        if not label:
            kernel.start_kernel = refuse
        return kernel

    monkeypatch.setattr(KernelStarter, "manager", manager)
    assert KernelStarter().start(probe_notebooks / "01_first.ipynb") is None
    executed = run(tmp_path / "fallback", probe_notebooks)
    assert [printed(path, 0) for path in sorted(executed.glob("*.ipynb"))] == ["False", "False"]


def test_a_failed_run_leaves_no_kernel_running(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(folder / "01_broken.ipynb", "1 / 0")
    write_notebook(folder / "02_never.ipynb", "x = 1")  # its kernel is started ahead, then must be stopped
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    with pytest.raises(ReportError, match="01_broken.ipynb failed in cell 1"):
        run(tmp_path / "run", folder)
    left = [child for child in psutil.Process().children(recursive=True) if child.pid not in before]
    assert [child.cmdline() for child in left if child.is_running()] == []
