"""The three places that pin versions agree, and no notebook is committed with outputs."""

import re
import tomllib

import nbformat

from analysis.core.paths import NOTEBOOKS_DIR, PROJECT_ROOT


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(name: str = "both") -> dict[str, str]:
    """Pins of requirements.lock ("runtime"), requirements-dev.lock ("dev") or both together."""
    files = {"runtime": ["requirements.lock"], "dev": ["requirements-dev.lock"]}.get(name, ["requirements.lock", "requirements-dev.lock"])
    pins = {}
    for file in files:
        for line in (PROJECT_ROOT / file).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                package, version = line.split("==")
                pins[normalize(package)] = version.strip()
    return pins


def pyproject_pins(which: str = "both") -> dict[str, str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = project["dependencies"]
    dev = [s for extra in project["optional-dependencies"].values() for s in extra]
    specs = {"runtime": runtime, "dev": dev}.get(which, runtime + dev)
    return {normalize(s.split("==")[0]): s.split("==")[1] for s in specs}


def environment_pins() -> dict[str, str]:
    pins = {}
    for line in (PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        conda = re.fullmatch(r"\s*-\s*([A-Za-z0-9_.-]+)=([0-9][^=\s]*)\s*", line)
        pip = re.fullmatch(r"\s*-\s*([A-Za-z0-9_.-]+)==([^\s]+)\s*", line)
        match = conda or pip
        if match and match.group(1) != "python":
            pins[normalize(match.group(1))] = match.group(2)
    return pins


def test_every_direct_dependency_is_pinned_exactly_in_the_lock():
    lock = lock_pins()
    for name, version in pyproject_pins().items():
        assert lock.get(name) == version, f"{name}: pyproject.toml pins {version}, requirements.lock has {lock.get(name)}"


def test_runtime_lock_holds_the_runtime_and_dev_lock_only_the_rest():
    runtime, dev = lock_pins("runtime"), lock_pins("dev")
    assert not set(runtime) & set(dev), f"pinned in both locks: {set(runtime) & set(dev)}"
    for name, version in pyproject_pins("runtime").items():
        assert runtime.get(name) == version, f"{name} ({version}) is a runtime dependency: pin it in requirements.lock"
    assert {"pytest", "ruff", "quantulum3", "playwright"} <= set(dev)
    assert not {"pytest", "ruff", "quantulum3", "playwright"} & set(runtime), "make report would install test tools"


def test_makefile_installs_the_dev_lock_only_for_test_bench_and_lint_and_lab_works_as_root():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    targets = dict(re.findall(r"^([a-z-]+): *(.*)$", makefile, flags=re.MULTILINE))
    assert targets["report"] == "$(SETUP)" and targets["lab"] == "$(SETUP)"
    for target in ("test", "bench", "lint"):
        assert targets[target] == "$(SETUP_DEV)", f"make {target} needs the dev lock"
    assert "--allow-root" in makefile and "$(LAB_ROOT)" in makefile.split("\nlab:")[1].split("\n\n")[0]


def test_environment_yml_matches_the_lock_and_lists_every_dependency():
    lock, env = lock_pins(), environment_pins()
    assert set(pyproject_pins()) <= set(env), f"missing from environment.yml: {set(pyproject_pins()) - set(env)}"
    for name, version in env.items():
        assert lock.get(name) == version, f"{name}: environment.yml pins {version}, requirements.lock has {lock.get(name)}"


def test_environment_yml_installs_the_package_and_python_311():
    text = (PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "- python=3.11" in text and "- -e ." in text and "conda-forge" in text


def test_notebooks_are_committed_without_outputs():
    notebooks = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    assert notebooks, "no notebooks found"
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name} cell {index} has outputs"


def test_each_notebook_has_one_parameters_cell_with_annotated_commented_values():
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
        for line in tagged[0].source.splitlines():
            assert re.fullmatch(r"\w+: [\w |\[\],]+ = .+  # .+", line), f"{path.name}: parameter line {line!r} needs a type and a comment"


def test_no_nltk_download_in_the_code():
    for path in list((PROJECT_ROOT / "analysis").rglob("*.py")) + list(NOTEBOOKS_DIR.glob("*.ipynb")):
        assert "nltk.download" not in path.read_text(encoding="utf-8"), f"{path} downloads NLTK data"
