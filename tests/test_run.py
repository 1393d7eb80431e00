"""The run context: one parameter registry, checked values, the runner's run file and every stage seeing it."""

import json
import subprocess
import sys

import nbformat
import pandas as pd
import papermill
import pytest

from analysis.core.paths import PROJECT_ROOT
from analysis.report.runner import ReportError, build_report, notebook_paths
from analysis.run import PARAMETERS, ParameterError, check_parameter, check_parameters, open_run, write_run_file

TYPE_NAMES = {str: "str", int: "int", float: "float", bool: "bool", dict: "dict"}


@pytest.mark.parametrize("source", notebook_paths(), ids=lambda path: path.stem)
def test_notebook_parameters_match_the_registry(source):
    declared = papermill.inspect_notebook(str(source))
    assert declared, f"{source.name} declares no parameters"
    for name, info in declared.items():
        assert name in PARAMETERS, f"{source.name} declares '{name}', which the registry in analysis/run.py lacks"
        spec = PARAMETERS[name]
        assert info["inferred_type_name"] == TYPE_NAMES[spec.type], f"{source.name}: '{name}' has another type"
        assert eval(info["default"]) == spec.default, f"{source.name}: '{name}' has another default"  # noqa: S307
        assert info["help"] == spec.help, f"{source.name}: '{name}' has another comment"


def test_every_registered_parameter_is_declared_by_some_notebook():
    declared = set().union(*(papermill.inspect_notebook(str(path)).keys() for path in notebook_paths()))
    assert set(PARAMETERS) == declared


@pytest.mark.parametrize("name, value, message", [
    ("random_sede", 7, r"Unknown parameter 'random_sede'\. Did you mean 'random_seed'\?"),
    ("random_seed", "abc", r"Parameter 'random_seed' must be int .*got 'abc'"),
    ("random_seed", True, r"Parameter 'random_seed' must be int"),
    ("n_resamples", 0, r"Parameter 'n_resamples' must be at least 100; got 0"),
    ("n_topics", "auto", r"Parameter 'n_topics' must be int .*Example: -p n_topics 0"),
    ("unit", "sentence", r"Parameter 'unit' must be one of \"auto\", \"paragraph\", \"document\"; got 'sentence'"),
    ("fdr", 1.5, r"Parameter 'fdr' must lie strictly between 0 and 1"),
    ("prior_scale", float("nan"), r"Parameter 'prior_scale' must be a finite number"),
    ("periods", {"only": ["2014-01-01", "2015-12-31"]}, r"Parameter 'periods' must map at least two period names"),
])
def test_bad_parameters_are_named(name, value, message):
    with pytest.raises(ParameterError, match=message):
        check_parameter(name, value)


def test_check_parameters_fills_defaults_and_accepts_ints_for_floats():
    full = check_parameters({"money_warning_above": 1000, "k_max": 4})
    assert full["money_warning_above"] == 1000.0 and isinstance(full["money_warning_above"], float)
    assert full["k_max"] == 4 and full["fdr"] == PARAMETERS["fdr"].default
    assert list(full) == list(PARAMETERS)
    with pytest.raises(ParameterError, match=r"'k_max' \(3\) is smaller than 'k_min' \(5\)"):
        check_parameters({"k_min": 5, "k_max": 3})


def test_open_run_alone_writes_to_the_lab_folder_not_the_report():
    run = open_run({"corpus_dir": "", "reports_dir": "", "figures_dir": ""})
    assert run.paths.reports == PROJECT_ROOT / "build" / "lab" / "reports"
    assert run.paths.figures == PROJECT_ROOT / "build" / "lab" / "figures"
    assert run.parameters["corpus_dir"] == str(PROJECT_ROOT / "seeds")


def test_open_run_takes_undeclared_values_from_the_run_file(tmp_path):
    reports = tmp_path / "reports"
    write_run_file(reports, check_parameters({"k_max": 3, "money_warning_above": 5.0, "top_n": 4}))
    run = open_run({"reports_dir": str(reports), "figures_dir": str(tmp_path / "figures"), "top_n": 6})
    assert run.topic_parameters.k_max == 3  # not declared: the run's value
    assert run.figure_parameters.money_warning_above == 5.0
    assert run.comparison_parameters.top_n == 6  # declared by the notebook: its own value wins
    with pytest.raises(ParameterError, match="'n_restarts' must be at least 2"):
        open_run({"reports_dir": str(reports), "n_restarts": 1})


def _marker_notebook(folder, parameters_source="random_seed: int = 1"):
    """A notebook that declares a parameter and writes a marker file when it runs."""
    folder.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(parameters_source, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(f"open({str(folder / 'ran')!r}, 'w').write('yes')"),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "01_marker.ipynb")
    return folder


@pytest.mark.parametrize("extra, message", [
    ({"random_sede": 7}, "Did you mean 'random_seed'"),
    ({"random_seed": "abc"}, "'random_seed' must be int"),
    ({"top_n": 5}, "Parameter 'top_n' is declared by no notebook"),
])
def test_runner_stops_before_any_notebook_on_a_bad_parameter(tmp_path, extra, message):
    notebooks = _marker_notebook(tmp_path / "notebooks")
    with pytest.raises(ReportError, match=message):
        build_report("", tmp_path / "reports", tmp_path / "figures", extra=extra, notebooks_dir=notebooks,
                     progress=False, staging=tmp_path / "staging")
    assert not (notebooks / "ran").exists(), "a notebook ran although the parameters were wrong"


CHANGED = {"random_seed": 7, "n_resamples": 200, "unit": "document", "model": "nmf", "n_topics": 0, "k_min": 2,
           "k_max": 3, "n_restarts": 2, "stem": True, "money_warning_above": 1000.0, "prior_scale": 0.4, "fdr": 0.1,
           "top_n": 5}


@pytest.mark.slow
def test_every_parameter_reaches_every_stage_that_uses_it(tmp_path):
    unchanged = {"corpus_dir", "periods", "columns", "reports_dir", "figures_dir", "engine", "dask_scheduler"}  # test_core_engine.py
    assert set(CHANGED) | unchanged == set(PARAMETERS)
    assert all(CHANGED[name] != PARAMETERS[name].default for name in CHANGED if name not in ("model", "n_topics", "k_min"))
    build_report("", tmp_path / "reports", tmp_path / "figures", extra=CHANGED, progress=False,
                 staging=tmp_path / "staging")
    for executed in sorted((tmp_path / "reports" / "notebooks").glob("*.ipynb")):
        details = [output for cell in nbformat.read(executed, as_version=4).cells for output in cell.get("outputs", [])
                   if "Run details" in json.dumps(output)]
        assert details, f"{executed.name} shows no run details"
        text = json.dumps(details[0])
        for name, value in CHANGED.items():
            assert f"{name}</code> = <code>{value}</code>" in text, f"{executed.name} did not see {name} = {value}"
    tables = tmp_path / "reports" / "tables"
    assert pd.read_csv(tables / "topic_k_search.csv")["k"].max() <= 3
    assert len(pd.read_csv(tables / "unit_topics.csv")) == len(pd.read_csv(tables / "documents.csv"))  # unit: document
    assert pd.read_csv(tables / "distinctive_terms_top.csv").groupby("favours").size().max() <= 5
    flagged = pd.read_csv(tables / "figure_warnings.csv")
    assert (flagged["value"] > 1000).any(), "notebook 03 did not flag money above money_warning_above"


def test_reading_stored_stage_results_imports_no_fitting_library(tmp_path):
    """Notebooks after 01 read the corpus and the stage results a run stored; they must not pay for NLTK, scikit-learn
    or scipy.stats (over a second per notebook), which only computing those results needs."""
    folders = {"reports_dir": str(tmp_path / "reports"), "figures_dir": str(tmp_path / "figures")}
    compute = (f"from analysis.run import open_run; run = open_run({folders!r}); "
               "run.corpus; run.topics(); run.figures(); run.comparison()")
    subprocess.run([sys.executable, "-c", compute], check=True, cwd=PROJECT_ROOT, capture_output=True)
    heavy = ("nltk", "sklearn", "scipy.stats", "scipy.optimize")
    read = (f"import sys; from analysis.run import open_run; run = open_run({folders!r}); "
            "run.corpus; run.topics(); run.figures(); run.comparison(); "
            f"print(sorted(name for name in {heavy!r} if name in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", read], check=True, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]"
