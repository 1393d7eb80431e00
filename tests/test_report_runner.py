"""Runs that lose nothing: one run per output folder, atomic publishing, clear failures, make passing CORPUS safely.

Fake notebooks keep these fast: a one-cell notebook that writes which run made it (and can wait, to overlap runs).
"""

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from analysis.core.paths import PROJECT_ROOT
from analysis.report import runner
from analysis.report.render import render_site
from analysis.report.runner import ReportError, build_report, main, publish

DATA = Path(__file__).parent / "data"


def fake_notebooks(folder: Path, seconds: float = 0.0, marker: Path | None = None) -> Path:
    """A notebooks folder with one notebook that waits ``seconds`` and writes tables/run.csv naming its run.

    The run is named by its ``random_seed`` (a registered parameter, so the runner passes it); the notebook writes
    ``marker`` when it starts, to show whether it ran at all.
    """
    folder.mkdir(parents=True)
    parameters = nbformat.v4.new_code_cell(f'reports_dir = ""\nrandom_seed = 0\nmarker = {str(marker or "")!r}')
    parameters.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import pathlib, time\n"
        "if marker:\n    pathlib.Path(marker).write_text('ran')\n"
        f"time.sleep({seconds})\n"
        "pathlib.Path(reports_dir, 'tables', 'run.csv').write_text(f'run\\n{random_seed}\\n')\n"
        "print('run', random_seed)")
    notebook = nbformat.v4.new_notebook(cells=[parameters, body])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "01_fake.ipynb")
    return folder


def previous_report(root: Path) -> dict[str, bytes]:
    """Write a previous report and figures under ``root``; return every file's bytes."""
    (root / "reports" / "tables").mkdir(parents=True)
    (root / "reports" / "index.html").write_text("previous report", encoding="utf-8")
    (root / "reports" / "tables" / "run.csv").write_text("run\nprevious\n", encoding="utf-8")
    (root / "figures").mkdir()
    (root / "figures" / "chart.png").write_bytes(b"previous chart")
    return snapshot(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for folder in ("reports", "figures") if (root / folder).exists()
            for path in sorted((root / folder).rglob("*")) if path.is_file()}


def staged_report(root: Path) -> Path:
    staging = root / "staging"
    (staging / "reports" / "tables").mkdir(parents=True)
    (staging / "reports" / "index.html").write_text("new report", encoding="utf-8")
    (staging / "figures").mkdir()
    (staging / "figures" / "chart.png").write_bytes(b"new chart")
    return staging


def runner_command(*arguments) -> list[str]:
    return [sys.executable, "-m", "analysis.report.runner", "--no-progress", *map(str, arguments)]


def runner_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}


# ---- publishing --------------------------------------------------------------------------------

def test_publish_swaps_both_folders_and_leaves_nothing_behind(tmp_path):
    previous_report(tmp_path)
    publish(staged_report(tmp_path), tmp_path / "reports", tmp_path / "figures")
    assert (tmp_path / "reports" / "index.html").read_text(encoding="utf-8") == "new report"
    assert (tmp_path / "figures" / "chart.png").read_bytes() == b"new chart"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures", "reports", "staging"]


@pytest.mark.parametrize("failing_call", [1, 2, 3, 4])
def test_a_failure_at_any_rename_keeps_the_previous_report_byte_identical(tmp_path, monkeypatch, failing_call):
    before = previous_report(tmp_path)
    calls = []
    real_rename = os.rename

    def rename(source, target):
        calls.append((source, target))
        if len(calls) == failing_call:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_rename(source, target)

    monkeypatch.setattr(runner.os, "rename", rename)
    with pytest.raises(OSError):
        publish(staged_report(tmp_path), tmp_path / "reports", tmp_path / "figures")
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.glob(".*"))  # no half-swapped folder left next to the report


def test_a_disk_filling_up_while_copying_to_another_filesystem_keeps_the_previous_report(tmp_path, monkeypatch):
    before = previous_report(tmp_path)

    def copy_until_full(source, target):
        Path(target).mkdir()
        (Path(target) / "index.html").write_bytes(b"")  # a truncated copy, as when the disk fills
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(runner, "same_filesystem", lambda first, second: False)
    monkeypatch.setattr(runner.shutil, "copytree", copy_until_full)
    with pytest.raises(OSError, match="No space left"):
        publish(staged_report(tmp_path), tmp_path / "reports", tmp_path / "figures")
    assert snapshot(tmp_path) == before and not list(tmp_path.glob(".*"))


def test_a_report_left_only_in_a_swap_folder_is_restored_not_deleted(tmp_path):
    before = previous_report(tmp_path)
    (tmp_path / "reports").rename(tmp_path / ".reports.previous-12345")  # a run killed between its two renames
    runner.remove_leftovers(tmp_path / "reports")
    assert snapshot(tmp_path) == before and not list(tmp_path.glob(".reports.*"))


def test_a_symlinked_reports_folder_is_updated_where_it_points(tmp_path):
    previous_report(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(str(tmp_path / "reports"), str(elsewhere / "real_reports"))
    (tmp_path / "reports").symlink_to(elsewhere / "real_reports")
    notebooks = fake_notebooks(tmp_path / "notebooks")
    for run_id in (1, 2):  # the second run must work too
        build_report("", tmp_path / "reports", tmp_path / "figures", {"random_seed": run_id}, notebooks_dir=notebooks,
                     progress=False)
        assert (tmp_path / "reports").is_symlink()
        assert (elsewhere / "real_reports" / "tables" / "run.csv").read_text(encoding="utf-8") == f"run\n{run_id}\n"
    assert sorted(p.name for p in elsewhere.iterdir()) == [".real_reports.lock", "real_reports"]  # no staging left


def test_a_read_only_reports_folder_stops_before_any_notebook_runs(tmp_path):
    before = previous_report(tmp_path)
    marker = tmp_path / "marker"
    (tmp_path / "reports").chmod(0o555)
    try:
        with pytest.raises(ReportError, match=r"reports folder: .*reports is read-only"):
            build_report("", tmp_path / "reports", tmp_path / "figures",
                         notebooks_dir=fake_notebooks(tmp_path / "notebooks", marker=marker), progress=False)
    finally:
        (tmp_path / "reports").chmod(0o755)
    assert not marker.exists() and snapshot(tmp_path) == before


# ---- failures become "report not updated: reason" ---------------------------------------------

@pytest.mark.parametrize(("error", "message", "code"), [
    (OSError(errno.ENOSPC, "No space left on device"), "report not updated: No space left on device. The disk is full", 1),
    (KeyboardInterrupt(), "report not updated: interrupted (Ctrl-C)", 130),
    (runner.RunInterrupted("stopped by SIGTERM"), "report not updated: stopped by SIGTERM", 143),
    (ReportError("01_x.ipynb failed in cell 2"), "report not updated: 01_x.ipynb failed in cell 2", 1),
])
def test_every_failure_ends_with_report_not_updated(monkeypatch, capsys, error, message, code):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(runner, "build_report", fail)
    assert main(["--no-progress"]) == code
    err = capsys.readouterr().err
    assert message in err and "The previous report in" in err and "Traceback" not in err


def test_sigterm_stops_the_run_cleanly_and_keeps_the_previous_report(tmp_path):
    before = previous_report(tmp_path)
    notebooks = fake_notebooks(tmp_path / "notebooks", seconds=60, marker=tmp_path / "started")
    process = subprocess.Popen(runner_command("--reports-dir", tmp_path / "reports", "--figures-dir", tmp_path / "figures",
                                              "--notebooks-dir", notebooks, "-p", "random_seed", "9"),
                               cwd=tmp_path, env=runner_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (tmp_path / "started").exists():
        assert time.monotonic() < deadline and process.poll() is None, "the notebook never started"
        time.sleep(0.2)  # wait until the notebook is executing its cell
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert (f"✘ report not updated: stopped by SIGTERM\n  The previous report in {tmp_path / 'reports'} is unchanged.\n"
            in err)
    # The kernel being shut down mid-cell may log its own messages; the runner itself prints no traceback.
    assert not any(name in err for name in ("analysis/report/runner.py", "papermill/", "nbclient/"))
    assert snapshot(tmp_path) == before


# ---- one run at a time -------------------------------------------------------------------------

def start_run(tmp_path: Path, notebooks: Path, run_id: int) -> subprocess.Popen:
    return subprocess.Popen(runner_command("--reports-dir", tmp_path / "reports", "--figures-dir", tmp_path / "figures",
                                           "--notebooks-dir", notebooks, "-p", "random_seed", str(run_id)),
                            cwd=tmp_path, env=runner_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_lock(tmp_path: Path, process: subprocess.Popen) -> None:
    """Wait until ``process`` holds the reports folder's lock (its pid is written in the lock file)."""
    lock, deadline = tmp_path / ".reports.lock", time.monotonic() + 60
    while not (lock.exists() and f"pid {process.pid} " in lock.read_text(encoding="utf-8")):
        assert time.monotonic() < deadline and process.poll() is None, "the first run never took the lock"
        time.sleep(0.1)


def test_two_runs_at_once_one_publishes_the_other_stops_naming_it(tmp_path):
    notebooks = fake_notebooks(tmp_path / "notebooks", seconds=5)
    alpha = start_run(tmp_path, notebooks, 1)
    wait_for_lock(tmp_path, alpha)
    beta = start_run(tmp_path, notebooks, 2)
    beta_out, beta_err = beta.communicate(timeout=120)
    assert alpha.poll() is None, "the second run should stop while the first is still running"
    alpha_out, alpha_err = alpha.communicate(timeout=120)
    assert alpha.returncode == 0 and "Report ready" in alpha_out, alpha_err
    assert beta.returncode == 1 and "Report ready" not in beta_out
    assert f"report not updated: another run is writing to {tmp_path / 'reports'} (pid {alpha.pid} on " in beta_err
    assert "Traceback" not in beta_err
    assert (tmp_path / "reports" / "tables" / "run.csv").read_text(encoding="utf-8") == "run\n1\n"
    assert "random_seed = 1" in (tmp_path / "reports" / "notebooks" / "01_fake.ipynb").read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".reports.staging-*"))


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path):
    killed = start_run(tmp_path, fake_notebooks(tmp_path / "notebooks", seconds=60), 9)
    wait_for_lock(tmp_path, killed)
    killed.kill()
    killed.communicate(timeout=30)
    build_report("", tmp_path / "reports", tmp_path / "figures", {"random_seed": 3},
                 notebooks_dir=fake_notebooks(tmp_path / "quick"), progress=False)
    assert (tmp_path / "reports" / "tables" / "run.csv").read_text(encoding="utf-8") == "run\n3\n"
    assert not list(tmp_path.glob(".reports.staging-*"))  # the killed run's staging folder was cleared


# ---- make passes CORPUS and PARAMS without a shell reading them -------------------------------

@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_report_takes_any_folder_name_and_runs_none(tmp_path):
    name = 'corpus `touch pwned1` "quoted" $(touch pwned2) $(shell touch pwned3) $HOME it\'s'
    corpus = tmp_path / name
    shutil.copytree(DATA / "mini_corpus", corpus)
    reports = tmp_path / "out $x"
    result = subprocess.run(["make", "--no-print-directory", "-C", str(PROJECT_ROOT), "report", f"PY={sys.executable}", "SETUP=",
                             f"CORPUS={corpus}", f"PARAMS=--check --reports-dir '{reports}'"],
                            cwd=tmp_path, env=runner_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"Arguments OK: corpus {corpus} (2 articles listed); reports -> {reports};" in result.stdout
    for folder in (tmp_path, PROJECT_ROOT):
        assert not [p.name for p in folder.iterdir() if p.name.startswith("pwned")]


# ---- pages rendered while the next notebook runs ------------------------------------------------

def test_pages_rendered_during_the_run_are_those_rendered_one_by_one_afterwards(tmp_path):
    notebooks = fake_notebooks(tmp_path / "notebooks")
    shutil.copy(notebooks / "01_fake.ipynb", notebooks / "02_fake.ipynb")
    runs = []
    build_report("", tmp_path / "reports", tmp_path / "figures", {"random_seed": 4}, notebooks_dir=notebooks,
                 progress=False, runs=runs)
    assert [run.source.name for run in runs] == ["01_fake.ipynb", "02_fake.ipynb", "render"]
    again = tmp_path / "again"
    shutil.copytree(tmp_path / "reports" / "tables", again / "tables")
    render_site(sorted((tmp_path / "reports" / "notebooks").glob("*.ipynb")), again, tmp_path / "figures")
    pages = sorted(path.relative_to(again) for path in again.rglob("*.html"))
    assert [str(page) for page in pages] == ["01_fake.html", "02_fake.html", "code/01_fake.html", "code/02_fake.html",
                                             "index.html", "tables/index.html"]
    for page in pages:
        assert (tmp_path / "reports" / page).read_bytes() == (again / page).read_bytes(), page
    assert "run 4" in (tmp_path / "reports" / "02_fake.html").read_text(encoding="utf-8")


# ---- checks before a run name the folder or corpus --------------------------------------------

def test_an_output_path_that_is_a_file_or_cannot_take_a_sibling_is_named(tmp_path):
    taken = tmp_path / "reports"
    taken.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ReportError, match=rf"reports folder {taken} is a file, not a folder. Move it away"):
        runner.check_writable(taken, "reports folder")
    folder = tmp_path / "figures"
    folder.mkdir()
    runner.sibling(folder, f"probe-{os.getpid()}").write_text("in the way", encoding="utf-8")
    with pytest.raises(ReportError, match=rf"figures folder: cannot write next to {folder} \(File exists\). Make {tmp_path} "
                                          "writable or choose another folder"):
        runner.check_writable(folder, "figures folder")


def test_a_folder_without_notebooks_is_named(tmp_path):
    with pytest.raises(ReportError, match=rf"No notebooks named NN_\*.ipynb in {tmp_path}"):
        runner.notebook_paths(tmp_path)


def test_check_names_a_missing_corpus_or_its_broken_metadata(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(ReportError, match=rf"--corpus: {missing} is neither a folder nor a table file \(.csv"):
        runner.check_arguments(str(missing), str(tmp_path / "reports"), str(tmp_path / "figures"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "metadata.csv").write_text("file,doc_id\na.txt,a\n", encoding="utf-8")
    with pytest.raises(ReportError, match=rf"{corpus / 'metadata.csv'} lacks column\(s\) title, outlet, published, url, notes"):
        runner.check_arguments(str(corpus), str(tmp_path / "reports"), str(tmp_path / "figures"))


# ---- notebooks that run at once ----------------------------------------------------------------

def step_notebook(path: Path, code: str, after: list[str] | None = None) -> None:
    """A notebook that runs ``code`` with ``tables`` (its staged tables folder) and ``wait_for(name)`` defined."""
    parameters = nbformat.v4.new_code_cell('reports_dir = ""')
    parameters.metadata["tags"] = ["parameters"]
    setup = nbformat.v4.new_code_cell(
        "import pathlib, time\ntables = pathlib.Path(reports_dir, 'tables')\n"
        "def wait_for(name):\n    deadline = time.monotonic() + 60\n"
        "    while not (tables / name).exists():\n        assert time.monotonic() < deadline, f'{name} never came'\n"
        "        time.sleep(0.1)")
    notebook = nbformat.v4.new_notebook(cells=[parameters, setup, nbformat.v4.new_code_cell(code)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if after is not None:
        notebook.metadata["report"] = {"after": after}
    nbformat.write(notebook, path)


def test_notebooks_whose_order_allows_it_run_at_once_and_each_waits_for_those_it_needs(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    step_notebook(folder / "01_first.ipynb", "time.sleep(1)\n(tables / '01.done').touch()")
    # 02 can only finish while 03 runs beside it; 03 needs only 01; 04 (no metadata) needs every earlier notebook.
    step_notebook(folder / "02_second.ipynb", "assert (tables / '01.done').exists()\nwait_for('03.started')\n"
                                              "(tables / '02.done').touch()")
    step_notebook(folder / "03_third.ipynb", "assert (tables / '01.done').exists()\n(tables / '03.started').touch()\n"
                                             "time.sleep(1)\n(tables / '03.done').touch()", after=["01_first"])
    step_notebook(folder / "04_last.ipynb", "assert all((tables / f'{n}.done').exists() for n in ('01', '02', '03'))\n"
                                            "(tables / '04.done').touch()")
    runs: list = []
    build_report("", tmp_path / "reports", tmp_path / "figures", notebooks_dir=folder, progress=False, runs=runs,
                 jobs=2)
    assert sorted(path.name for path in (tmp_path / "reports" / "tables").glob("*.done")) == [
        "01.done", "02.done", "03.done", "04.done"]
    assert [run.source.stem for run in runs] == ["01_first", "02_second", "03_third", "04_last", "render"]


def test_an_order_naming_a_notebook_that_does_not_come_earlier_is_named_before_anything_runs(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    step_notebook(folder / "01_first.ipynb", "(tables / 'ran').touch()", after=["02_second"])
    step_notebook(folder / "02_second.ipynb", "pass")
    with pytest.raises(ReportError, match=r"01_first.ipynb: its metadata report.after names '02_second', which is not "
                                          r"an earlier notebook"):
        build_report("", tmp_path / "reports", tmp_path / "figures", notebooks_dir=folder, progress=False)
    assert not list(tmp_path.rglob("ran"))
    with pytest.raises(ReportError, match="--jobs must be at least 1"):
        build_report("", tmp_path / "reports", tmp_path / "figures", notebooks_dir=folder, progress=False, jobs=0)


def test_each_notebook_waits_for_the_notebooks_that_write_the_tables_it_links():
    """Stage results need no waiting (a notebook asking for one being computed waits for it in core/cache), but the
    explorer links only the tables that exist when it runs, so it must run after the notebooks that write them."""
    from analysis.explorer.pages import TABLES

    sources = runner.notebook_paths()
    needs = runner.notebook_needs(sources)

    def waits_for(source: Path) -> set[Path]:
        found, todo = set(), list(needs[source])
        while todo:
            earlier = todo.pop()
            if earlier not in found:
                found.add(earlier)
                todo.extend(needs[earlier])
        return found

    def code(source: Path) -> str:
        return "\n".join(cell.source for cell in nbformat.read(source, as_version=4).cells if cell.cell_type == "code")

    explorers = [source for source in sources if "write_explorer(run)" in code(source)]
    assert len(explorers) == 1
    for name in TABLES.values():
        writers = [source for source in sources  # show.write_table(table, folder, "name"), or a stage's own writer
                   if re.search(rf"write_\w*table\([^)]*\"{re.escape(Path(name).stem)}\"", code(source))]
        assert writers, f"no notebook writes {name}"
        assert set(writers) <= waits_for(explorers[0]), f"the explorer links {name} without waiting for its notebook"
    # The stages need only the run's corpus, which the first notebook to ask loads (holding its lock in core/cache)
    # while the others wait: 02 starts beside 01 and runs on the second core while 01 writes its tables.
    assert needs[sources[1]] == needs[sources[2]] == needs[sources[3]] == set()


def test_when_notebooks_running_at_once_both_fail_the_earliest_ones_error_is_reported(tmp_path):
    """01 and 02 start together and stop at the same bad corpus; the message is 01's even when 02 fails first."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    step_notebook(folder / "01_first.ipynb", "time.sleep(2)\nraise ValueError('first notebook broke')")
    step_notebook(folder / "02_second.ipynb", "raise ValueError('second notebook broke')", after=[])
    with pytest.raises(ReportError, match=r"01_first.ipynb failed(.|\n)*first notebook broke") as raised:
        build_report("", tmp_path / "reports", tmp_path / "figures", notebooks_dir=folder, progress=False, jobs=2)
    assert "second notebook broke" not in str(raised.value)


def test_an_interrupted_run_stops_every_notebook_running_at_once(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    step_notebook(folder / "01_first.ipynb", "pass")
    for stem in ("02_second", "03_third"):
        step_notebook(folder / f"{stem}.ipynb", f"(tables / '{stem}.started').touch()\ntime.sleep(120)", after=["01_first"])
    process = subprocess.Popen(runner_command("--reports-dir", tmp_path / "reports", "--figures-dir", tmp_path / "figures",
                                              "--notebooks-dir", folder, "--jobs", "2"),
                               cwd=tmp_path, env=runner_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while len(list(tmp_path.glob(".reports.staging-*/reports/tables/*.started"))) < 2:
        assert time.monotonic() < deadline and process.poll() is None, "the two notebooks never ran at once"
        time.sleep(0.2)
    kernels = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 143 and "report not updated: stopped by SIGTERM" in err, err
    psutil.wait_procs(kernels, timeout=10)
    assert [kernel.cmdline() for kernel in kernels if kernel.is_running() and kernel.status() != psutil.STATUS_ZOMBIE] == []


def test_notebooks_run_at_once_leave_the_runner_in_its_own_folder(tmp_path, monkeypatch):
    """papermill changes the process's folder while it runs a notebook in ``cwd``; two at once would each restore the
    other's, leaving the runner in the notebooks' folder."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    step_notebook(folder / "01_first.ipynb", "pass")
    for stem in ("02_second", "03_third"):
        step_notebook(folder / f"{stem}.ipynb", f"import os\nassert os.getcwd() == {str(folder)!r}\ntime.sleep(1)",
                      after=["01_first"])
    monkeypatch.chdir(tmp_path)
    build_report("", tmp_path / "reports", tmp_path / "figures", notebooks_dir=folder, progress=False, jobs=2)
    assert Path.cwd() == tmp_path
