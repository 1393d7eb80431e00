"""Run every notebook in order with papermill into a staging folder, render HTML, then publish.

``python -m analysis.runner`` is what ``make report`` calls; a failed run leaves the previous report untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from traitlets.config import Config
from papermill.exceptions import PapermillExecutionError

from analysis.paths import FIGURES_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR, resolve
from analysis.progress import ENVIRONMENT_SWITCH
from analysis.render import render_site
from analysis.run import ParameterError, check_parameter, check_parameters, write_run_file

STAGING_DIR = PROJECT_ROOT / "build" / "staging"
# Local IPC sockets instead of TCP: the kernel talks to papermill only on this machine (and prints no TCP warning).
KERNEL_CONFIG = Config({"KernelManager": {"transport": "ipc"}})


class ReportError(RuntimeError):
    """A notebook failed; the message names the notebook, the cell and where the executed copy is kept."""


@dataclass
class NotebookRun:
    """What one notebook's execution produced: where, when, how long, how many warnings."""

    source: Path
    executed: Path
    started: float
    seconds: float
    warnings: int


def notebook_paths(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The stage notebooks in run order (file names start with their number)."""
    paths = sorted(path for path in notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise ReportError(f"No notebooks named NN_*.ipynb in {notebooks_dir}.")
    return paths


def declared_parameters(path: Path) -> set[str]:
    """Names of the parameters a notebook's `parameters` cell declares."""
    return set(papermill.inspect_notebook(str(path)).keys())


def count_warnings(executed: Path) -> int:
    """Number of warning outputs (stderr streams mentioning a warning) in an executed notebook."""
    notebook = nbformat.read(executed, as_version=4)
    count = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr" and "arning" in output.get("text", ""):
                count += 1
    return count


def run_notebook(source: Path, executed: Path, parameters: dict, progress: bool = True) -> NotebookRun:
    """Execute one notebook with the parameters it declares; raise ReportError naming the failing cell."""
    wanted = {key: value for key, value in parameters.items() if key in declared_parameters(source)}
    executed.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(str(source), str(executed), parameters=wanted, progress_bar=progress,
                                   cwd=str(source.parent), kernel_name="python3", config=KERNEL_CONFIG)
    except PapermillExecutionError as error:
        raise ReportError(
            f"{source.relative_to(PROJECT_ROOT) if source.is_relative_to(PROJECT_ROOT) else source} failed in cell "
            f"{error.exec_count} ({error.ename}: {error.evalue}).\nThe executed notebook with the error is kept at {executed}; "
            "open it in JupyterLab to see the traceback."
        ) from None
    return NotebookRun(source, executed, started, time.perf_counter() - started, count_warnings(executed))


def checked_parameters(values: dict, sources: list[Path]) -> dict:
    """The run's full parameter set, checked before any notebook runs; a name no notebook declares is an error."""
    declared = set().union(*(declared_parameters(source) for source in sources))
    try:
        for name, value in values.items():
            check_parameter(name, value)  # an unknown or misspelt name gets the registry's message
            if name not in declared and name != "corpus_dir":
                raise ReportError(f"Parameter '{name}' is declared by no notebook in {sources[0].parent}; it would be "
                                  "ignored. Remove it from PARAMS.")
        return check_parameters(values)
    except ParameterError as error:
        raise ReportError(str(error)) from None


def publish(staging: Path, reports_dir: Path, figures_dir: Path) -> None:
    """Replace the report and figure folders with the staged ones (only called after every notebook succeeded)."""
    for staged, target in ((staging / "reports", reports_dir), (staging / "figures", figures_dir)):
        backup = target.with_name(target.name + ".previous")
        if backup.exists():
            shutil.rmtree(backup)
        if target.exists():
            target.rename(backup)
        shutil.move(str(staged), str(target))
        (target / ".gitkeep").touch()
        if backup.exists():
            shutil.rmtree(backup)


def build_report(corpus_dir: str = "", reports_dir: str | Path | None = None, figures_dir: str | Path | None = None,
                 extra: dict | None = None, notebooks_dir: Path = NOTEBOOKS_DIR, progress: bool = True,
                 staging: Path | None = None, runs: list | None = None) -> Path:
    """Execute all notebooks, render the site and publish it; return the front page's path.

    When ``runs`` is a list, a :class:`NotebookRun` per notebook (and one for rendering) is appended to it.
    """
    reports_dir = resolve(reports_dir, REPORTS_DIR)
    figures_dir = resolve(figures_dir, FIGURES_DIR)
    sources = notebook_paths(notebooks_dir)
    checked = checked_parameters({"corpus_dir": str(resolve(corpus_dir, PROJECT_ROOT / "seeds")), **(extra or {})}, sources)
    staging = staging or STAGING_DIR
    if staging.exists():
        shutil.rmtree(staging)
    staged_reports, staged_figures = staging / "reports", staging / "figures"
    (staged_reports / "tables").mkdir(parents=True)
    staged_figures.mkdir(parents=True)
    parameters = {**checked, "reports_dir": str(staged_reports), "figures_dir": str(staged_figures)}
    write_run_file(staged_reports, parameters)  # notebooks read what they do not declare from here
    runs = [] if runs is None else runs
    os.environ[ENVIRONMENT_SWITCH] = "1"  # kernels inherit it: no progress bars inside the rendered pages
    for source in sources:
        print(f"▶ {source.name}", flush=True)
        run = run_notebook(source, staged_reports / "notebooks" / source.name, parameters, progress)
        runs.append(run)
        print(f"✔ {source.name}: {run.seconds:.1f} s, {run.warnings} warning output(s)", flush=True)
    started = time.perf_counter()
    executed = [run.executed for run in runs]
    render_site(executed, staged_reports, staged_figures)
    runs.append(NotebookRun(Path("render"), staged_reports, started, time.perf_counter() - started, 0))
    print(f"✔ rendered {len(executed)} page(s) in {runs[-1].seconds:.1f} s", flush=True)
    shutil.rmtree(staged_reports / "cache", ignore_errors=True)  # stage results shared within this run only
    publish(staging, reports_dir, figures_dir)
    shutil.rmtree(staging, ignore_errors=True)
    return reports_dir / "index.html"


def parse_value(text: str):
    """A -p value as JSON when it parses (numbers, lists, dicts), else the plain string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m analysis.runner [--corpus DIR] [-p NAME VALUE ...]``."""
    parser = argparse.ArgumentParser(description="Run the notebooks with papermill and render the HTML report.")
    parser.add_argument("--corpus", default="", help="corpus folder (.txt files + metadata.csv); default seeds/")
    parser.add_argument("--reports-dir", default="", help="where the report goes; default reports/")
    parser.add_argument("--figures-dir", default="", help="where charts go; default figures/")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="extra notebook parameter, passed to every notebook that declares it (JSON values allowed)")
    parser.add_argument("--no-progress", action="store_true", help="hide papermill's per-cell progress bar")
    args = parser.parse_args(argv)
    extra = {name: parse_value(value) for name, value in args.parameter}
    try:
        front = build_report(args.corpus, args.reports_dir or None, args.figures_dir or None, extra,
                             progress=not args.no_progress)
    except ReportError as error:
        print(f"✘ report not updated: {error}", file=sys.stderr)
        print(f"  The previous report in {resolve(args.reports_dir or None, REPORTS_DIR)} is unchanged; "
              f"the failed run is in {STAGING_DIR}.", file=sys.stderr)
        return 1
    print(f"Report ready: {front}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
