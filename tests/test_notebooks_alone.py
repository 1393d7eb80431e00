"""Each notebook runs on its own, with its default parameters, into an empty output folder."""

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
    assert output.exists()
    assert any((tmp_path / "reports" / "tables").glob("*.csv")), f"{source.name} wrote no table"
