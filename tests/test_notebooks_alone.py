"""Each notebook runs on its own, with its default parameters, into an empty output folder."""

import nbformat
import papermill
import pytest

from analysis.report.runner import KERNEL_CONFIG, notebook_paths

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("source", notebook_paths(), ids=lambda path: path.stem)
def test_notebook_runs_alone(source, tmp_path):
    output = tmp_path / source.name
    papermill.execute_notebook(str(source), str(output), progress_bar=False, cwd=str(source.parent),
                               kernel_name="python3", config=KERNEL_CONFIG,
                               parameters={"reports_dir": str(tmp_path / "reports"), "figures_dir": str(tmp_path / "figures")})
    code = [cell for cell in nbformat.read(output, as_version=4).cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count for cell in code), f"{source.name} did not run every cell"
    tables = sorted((tmp_path / "reports" / "tables").glob("*.csv"))
    assert tables, f"{source.name} wrote no table"
    assert all(table.read_text(encoding="utf-8").split("\n", 1)[0] for table in tables), f"{source.name} wrote a table without a header"
