"""Run the notebooks with papermill into a staging folder, render HTML, then publish.

A notebook runs once those it needs have finished: every earlier one, unless its metadata names fewer
(``"report": {"after": ["01_load_corpus"]}``); up to ``--jobs`` notebooks run at once.

``python -m analysis.report.runner`` is what ``make report`` calls. One run at a time per output folder (a lock); each run
stages next to the report and swaps it in only when complete, so a failed or interrupted run leaves the previous
report byte-identical and ends with "report not updated: reason".
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import json
import os
import shlex
import shutil
import signal
import socket
import stat
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError
from traitlets.config import Config

from analysis.core.paths import FIGURES_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR, resolve
from analysis.core.progress import ENVIRONMENT_SWITCH
from analysis.report.kernels import KernelStarter
from analysis.report.kernels import stop as stop_kernel
from analysis.report.render import finish_site, render_page
from analysis.run import ParameterError, check_parameter, check_parameters, write_run_file

ENVIRONMENT_CORPUS, ENVIRONMENT_PARAMS = "REPORT_CORPUS", "REPORT_PARAMS"  # set by `make report` from CORPUS and PARAMS
# Local IPC sockets instead of TCP: the kernel talks to papermill only on this machine (and prints no TCP warning).
KERNEL_CONFIG = Config({"KernelManager": {"transport": "ipc"}})
# Kernels started ahead of their notebook: two, so a short notebook does not leave the next one waiting for its kernel
# (each idle kernel holds about 250 MB).
KERNELS_AHEAD = 2
# Notebooks run at once when their order allows (topics beside figures, the front page beside the explorer): the
# stages are mostly one Python thread each, so a second one uses the machine's other core. Each holds its own copy of
# the corpus; `--jobs 1` runs them one after another.
JOBS = 2
HALT_SECONDS = 10  # an interrupted notebook's kernel gets this long to stop its cell before it is killed


class ReportError(RuntimeError):
    """The run cannot go on: a notebook failed (naming it, its cell and where the executed copy is kept), another run
    holds the output folder, or an output folder cannot be written."""


class RunInterrupted(KeyboardInterrupt):
    """The run received SIGTERM. A KeyboardInterrupt, so it crosses papermill's event loop and cleans up as Ctrl-C does."""


def real_folder(path: Path) -> Path:
    """``path`` with every symbolic link resolved: a linked ``reports/`` is updated where it points, never replaced."""
    return Path(os.path.realpath(path))


def sibling(target: Path, label: str) -> Path:
    """A hidden folder next to ``target`` (same filesystem, so it can be renamed into place): ``.reports.label``."""
    return target.parent / f".{target.name}.{label}"


@contextlib.contextmanager
def run_lock(reports_dir: Path, description: str):
    """Hold the lock of one output folder for a whole run; raise ReportError naming the run that holds it.

    The lock is an advisory ``flock`` on ``.reports.lock`` next to the folder; the kernel releases it when its
    process dies, so the lock of a killed run is taken over. The file records the holder's pid, host, start time
    and corpus for the message another run prints.
    """
    path = sibling(reports_dir, "lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "a run whose details are not written yet"
            raise ReportError(f"another run is writing to {reports_dir} ({holder}). Wait for it to finish, stop it, "
                              "or give this run another --reports-dir.") from None
        handle.seek(0)
        handle.truncate()
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}, started {started}, {description}")
        handle.flush()
        yield path
    finally:
        handle.close()  # releases the lock; the file stays, empty of meaning until the next holder rewrites it


def check_writable(folder: Path, what: str) -> None:
    """Stop before any notebook runs unless ``folder`` can be replaced: its parent and itself must be writable."""
    if folder.exists() and not folder.is_dir():
        raise ReportError(f"{what} {folder} is a file, not a folder. Move it away or choose another {what}.")
    for place in ([folder] if folder.exists() else []) + [folder.parent]:
        mode = place.stat().st_mode
        if not (mode & stat.S_IWUSR) or not os.access(place, os.W_OK):
            raise ReportError(f"{what}: {place} is read-only, so the report cannot be replaced there. "
                              f"Make it writable (chmod u+w {place}) or choose another folder.")
    probe = sibling(folder, f"probe-{os.getpid()}")
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as error:
        raise ReportError(f"{what}: cannot write next to {folder} ({error.strerror}). Make {folder.parent} writable "
                          "or choose another folder.") from None


def remove_leftovers(target: Path) -> None:
    """Clear what earlier, killed runs left next to ``target`` (called under the lock).

    A run killed in the middle of publishing may leave the previous report only in ``.reports.previous-*``: when
    ``target`` is missing, that copy is put back first, so cleaning up never deletes the only good report.
    """
    previous = sorted(target.parent.glob(f".{target.name}.previous-*"), key=lambda path: path.stat().st_mtime)
    if previous and not target.exists():
        os.rename(previous[-1], target)
        print(f"↺ restored {target} from {previous[-1].name}, left by a run that was stopped while publishing", flush=True)
    for label in ("staging-*", "incoming-*", "previous-*"):
        for leftover in target.parent.glob(f".{target.name}.{label}"):
            shutil.rmtree(leftover, ignore_errors=True)


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


def run_notebook(source: Path, executed: Path, parameters: dict, progress: bool = True, kernel=None) -> NotebookRun:
    """Execute one notebook with the parameters it declares; raise ReportError naming the failing cell.

    ``kernel``: a kernel manager already started for this notebook (see :mod:`analysis.report.kernels`), or None for
    papermill to start one."""
    wanted = {key: value for key, value in parameters.items() if key in declared_parameters(source)}
    executed.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        # The executed copy is written once, when the notebook ends or stops at a failing cell, not before and after
        # every cell: those writes (each one validating the whole notebook, images included) were a sixth of the seed run.
        papermill.execute_notebook(str(source), str(executed), parameters=wanted, progress_bar=progress,
                                   # A given kernel was started in the notebook's folder; papermill's own cwd
                                   # would change this whole process's folder, which notebooks run at once share.
                                   cwd=None if kernel else str(source.parent), kernel_name="python3", config=KERNEL_CONFIG,
                                   request_save_on_cell_execute=False, **({"km": kernel} if kernel else {}))
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


def same_filesystem(first: Path, second: Path) -> bool:
    """True when a folder can be renamed from one place to the other (same device)."""
    return first.stat().st_dev == second.stat().st_dev


def _prepare(staged: Path, target: Path) -> Path:
    """The staged folder on ``target``'s filesystem, ready to be renamed into place (copied there if it is not)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if same_filesystem(staged, target.parent):
        return staged
    incoming = sibling(target, f"incoming-{os.getpid()}")
    shutil.rmtree(incoming, ignore_errors=True)
    try:
        shutil.copytree(staged, incoming)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    return incoming


def publish(staging: Path, reports_dir: Path, figures_dir: Path) -> None:
    """Swap the staged report and figure folders into place, both or neither; the previous ones are deleted last.

    Each new folder is first made complete on the target's filesystem, then the old folder is renamed aside and the
    new one renamed into place (each rename is atomic). If anything fails, every folder already swapped is put back,
    so the previous report stays whole. Symbolic links are followed: a linked folder is replaced where it points.
    """
    pairs = [(staging / "reports", real_folder(reports_dir)), (staging / "figures", real_folder(figures_dir))]
    for staged, _ in pairs:
        (staged / ".gitkeep").touch()
    ready = []
    try:
        for staged, target in pairs:
            ready.append((_prepare(staged, target), target))
    except BaseException:
        for incoming, target in ready:
            if incoming.name.startswith(f".{target.name}.incoming-"):
                shutil.rmtree(incoming, ignore_errors=True)
        raise
    swapped = []  # (incoming, target, previous or None): undone in reverse order if a later step fails
    try:
        for incoming, target in ready:
            previous = sibling(target, f"previous-{os.getpid()}")
            shutil.rmtree(previous, ignore_errors=True)
            if target.exists():
                os.rename(target, previous)
                swapped.append((incoming, target, previous))
            else:
                swapped.append((incoming, target, None))
            os.rename(incoming, target)
    except BaseException:
        for incoming, target, previous in reversed(swapped):
            if target.exists() and not incoming.exists():
                os.rename(target, incoming)  # the new folder goes back where it was staged
            if previous is not None and previous.exists():
                os.rename(previous, target)
        for incoming, target in ready:
            if incoming.name.startswith(f".{target.name}.incoming-"):
                shutil.rmtree(incoming, ignore_errors=True)
        raise
    for _, _, previous in swapped:
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)


def notebook_needs(sources: list[Path]) -> dict[Path, set[Path]]:
    """The notebooks each one waits for: those its metadata lists in ``report.after`` (by file stem), else every
    earlier one. A name that is not an earlier notebook's is an error naming the notebook."""
    needs: dict[Path, set[Path]] = {}
    for index, source in enumerate(sources):
        earlier = {path.stem: path for path in sources[:index]}
        after = nbformat.read(source, as_version=4).metadata.get("report", {}).get("after")
        if after is None:
            needs[source] = set(earlier.values())
            continue
        unknown = [name for name in after if name not in earlier] if isinstance(after, list) else [after]
        if unknown:
            raise ReportError(f"{source.name}: its metadata report.after names {unknown[0]!r}, which is not an earlier "
                              f"notebook in {source.parent}. List the file names (without .ipynb) of earlier notebooks "
                              "it needs, or remove report.after to run it after all of them.")
        needs[source] = {earlier[name] for name in after}
    return needs


def halt(running: dict) -> None:
    """Stop the notebooks of ``running`` (future -> (source, kernel)): interrupt each kernel as Ctrl-C in JupyterLab
    does, so its cell fails and papermill returns; a kernel still busy after HALT_SECONDS is killed."""
    for _, kernel in running.values():
        with contextlib.suppress(Exception):  # a kernel that died or never started has nothing to interrupt
            kernel.interrupt_kernel()
    _, busy = wait(running, timeout=HALT_SECONDS)
    for future in busy:
        with contextlib.suppress(Exception):
            running[future][1].signal_kernel(signal.SIGKILL)
    wait(busy, timeout=HALT_SECONDS)


def execute_all(sources: list[Path], needs: dict[Path, set[Path]], staged_reports: Path, parameters: dict,
                progress: bool, jobs: int, runs: list, staging: Path) -> float:
    """Execute the notebooks into ``staged_reports/notebooks``, each once those it needs have finished, up to ``jobs``
    at once, rendering each page as its notebook ends; append a :class:`NotebookRun` per notebook to ``runs`` (in
    notebook order); return when the last notebook ended (``time.perf_counter``).

    Threads around the kernels: one renders the finished notebooks' pages, one starts the next notebooks' kernels
    ahead of their turn (analysis.report.kernels), one shuts used kernels down. A failed notebook lets those already
    running finish and starts no other; an interruption stops every running kernel at once.
    """
    stems = [source.stem for source in sources]
    waiting, running, finished, failures = list(sources), {}, [], {}
    starter = KernelStarter()
    with (ThreadPoolExecutor(max_workers=jobs) as executor, ThreadPoolExecutor(max_workers=1) as renderer,
          ThreadPoolExecutor(max_workers=1) as kernels, ThreadPoolExecutor(max_workers=1) as stopper):
        ahead: dict[Path, object] = {}  # kernels starting for the next KERNELS_AHEAD waiting notebooks

        def start_ahead() -> None:
            for source in waiting[:KERNELS_AHEAD]:
                if source not in ahead:
                    ahead[source] = kernels.submit(starter.start, source)

        start_ahead()
        pages = []
        try:
            while waiting or running:
                ready = [source for source in waiting if needs[source] <= set(finished)] if not failures else []
                for source in ready[:jobs - len(running)]:
                    waiting.remove(source)
                    print(f"▶ {source.name}", flush=True)
                    kernel = (ahead.pop(source, None) or kernels.submit(starter.start, source)).result() \
                        or starter.start_plain(source)  # held here, so an interruption can stop it
                    start_ahead()
                    executed = staged_reports / "notebooks" / source.name
                    running[executor.submit(run_notebook, source, executed, parameters, progress and jobs == 1,
                                            kernel)] = (source, kernel)
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda one: sources.index(running[one][0])):
                    source, kernel = running.pop(future)
                    stopper.submit(stop_kernel, kernel)
                    try:
                        run = future.result()
                    except ReportError as error:
                        failures[sources.index(source)] = error
                        continue
                    finished.append(source)
                    runs.append(run)
                    print(f"✔ {source.name}: {run.seconds:.1f} s, {run.warnings} warning output(s)", flush=True)
                    pages.append(renderer.submit(render_page, run.executed, stems, staged_reports))
            if failures:  # the earliest notebook's: notebooks that start together (01, 02) stop at the same bad corpus
                raise ReportError(f"{failures[min(failures)]}\nThe failed run's files are kept in {staging} until the next run.")
            ended = time.perf_counter()
            for page in pages:
                page.result()
        finally:
            halt(running)  # interrupted: the notebooks still running stop before their threads are joined
            for future in ahead.values():  # the run stopped early: kernels started for later notebooks go too
                stopper.submit(stop_kernel, future.result())
            stopper.submit(starter.close)
    runs[len(runs) - len(finished):] = sorted(runs[len(runs) - len(finished):], key=lambda run: sources.index(run.source))
    return ended


def build_report(corpus_dir: str = "", reports_dir: str | Path | None = None, figures_dir: str | Path | None = None,
                 extra: dict | None = None, notebooks_dir: Path = NOTEBOOKS_DIR, progress: bool = True,
                 staging: Path | None = None, runs: list | None = None, jobs: int = JOBS) -> Path:
    """Execute all notebooks, render the site and publish it; return the front page's path.

    Holds the output folder's lock from start to publish. Notebooks execute into ``staging`` (by default a folder
    of this run's own next to the report, on the same filesystem); a failed run keeps it for inspection until the
    next run. When ``runs`` is a list, a :class:`NotebookRun` per notebook (and one for rendering) is appended to it.
    ``jobs``: how many notebooks may run at once (see :func:`notebook_needs`).
    """
    if jobs < 1:
        raise ReportError(f"--jobs must be at least 1 (got {jobs}).")
    reports_dir = real_folder(resolve(reports_dir, REPORTS_DIR))
    figures_dir = real_folder(resolve(figures_dir, FIGURES_DIR))
    corpus = resolve(corpus_dir, PROJECT_ROOT / "seeds")
    sources = notebook_paths(notebooks_dir)
    checked = checked_parameters({"corpus_dir": str(corpus), **(extra or {})}, sources)
    needs = notebook_needs(sources)
    for folder, what in ((reports_dir, "reports folder"), (figures_dir, "figures folder")):
        folder.parent.mkdir(parents=True, exist_ok=True)
        check_writable(folder, what)
    with contextlib.ExitStack() as locks:
        for folder in dict.fromkeys([reports_dir, figures_dir]):  # the report's own lock first, named in the message
            locks.enter_context(run_lock(folder, f"corpus {corpus}"))
        if staging is None:
            remove_leftovers(reports_dir)
            remove_leftovers(figures_dir)
            staging = sibling(reports_dir, f"staging-{os.getpid()}-{time.time_ns()}")
        elif staging.exists():
            shutil.rmtree(staging)
        staged_reports, staged_figures = staging / "reports", staging / "figures"
        (staged_reports / "tables").mkdir(parents=True)
        staged_figures.mkdir(parents=True)
        parameters = {**checked, "reports_dir": str(staged_reports), "figures_dir": str(staged_figures)}
        write_run_file(staged_reports, parameters)  # notebooks read what they do not declare from here
        runs = [] if runs is None else runs
        os.environ[ENVIRONMENT_SWITCH] = "1"  # kernels inherit it: no progress bars inside the rendered pages
        # Each page is rendered while the next notebooks run in their kernels (other processes), so rendering costs
        # the run little more than the last page; the pages are the same as rendered one by one.
        started = execute_all(sources, needs, staged_reports, parameters, progress, jobs, runs, staging)
        finish_site([source.stem for source in sources], staged_reports)
        runs.append(NotebookRun(Path("render"), staged_reports, started, time.perf_counter() - started, 0))
        print(f"✔ rendered {len(sources)} page(s), {runs[-1].seconds:.1f} s after the last notebook", flush=True)
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


def _raise_on_sigterm(signum, frame):
    raise RunInterrupted("stopped by SIGTERM")


def check_arguments(corpus_dir: str, reports_dir: str | None, figures_dir: str | None) -> str:
    """Validate what a run would use without running it; return a summary (``--check``)."""
    from analysis.corpus import html as corpus_html
    from analysis.corpus import tables as corpus_tables
    from analysis.corpus.load import CorpusError, read_metadata

    corpus = resolve(corpus_dir, PROJECT_ROOT / "seeds")
    if corpus.is_file() and corpus_tables.is_table_file(corpus):
        listed = "one table file"
    elif corpus_html.is_html_folder(corpus):
        listed = f"{len(corpus_html.page_files(corpus)):,} saved web pages"
    elif corpus.is_dir():
        try:
            listed = f"{len(read_metadata(corpus)):,} articles listed"
        except CorpusError as error:
            raise ReportError(str(error)) from None
    else:
        raise ReportError(f"--corpus: {corpus} is neither a folder nor a table file ({', '.join(corpus_tables.TABLE_SUFFIXES)}). "
                          "Point it at a folder of .txt files and metadata.csv, a folder of .html pages or one table file.")
    reports, figures = real_folder(resolve(reports_dir, REPORTS_DIR)), real_folder(resolve(figures_dir, FIGURES_DIR))
    for folder, what in ((reports, "reports folder"), (figures, "figures folder")):
        if folder.parent.is_dir():
            check_writable(folder, what)
    return f"corpus {corpus} ({listed}); reports -> {reports}; figures -> {figures}"


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m analysis.report.runner [--corpus DIR] [-p NAME VALUE ...]``."""
    parser = argparse.ArgumentParser(description="Run the notebooks with papermill and render the HTML report.")
    parser.add_argument("--corpus", default="", help="the corpus: a folder of .txt files and metadata.csv, a folder of "
                        "saved .html pages, or one table file (CSV, TSV, JSONL, Parquet); default seeds/")
    parser.add_argument("--reports-dir", default="", help="where the report goes; default reports/")
    parser.add_argument("--figures-dir", default="", help="where charts go; default figures/")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="extra notebook parameter, passed to every notebook that declares it (JSON values allowed)")
    parser.add_argument("--notebooks-dir", default="", help="folder of the NN_*.ipynb notebooks to run; default notebooks/")
    parser.add_argument("--no-progress", action="store_true", help="hide papermill's per-cell progress bar")
    parser.add_argument("--jobs", type=int, default=JOBS, help=f"how many notebooks may run at once when their order "
                        f"allows (default {JOBS}; each holds its own copy of the corpus, so 1 needs the least memory)")
    parser.add_argument("--check", action="store_true", help="only check the corpus folder and output folders, run nothing")
    parser.add_argument("--arguments-from-environment", action="store_true",
                        help=f"read the corpus folder from ${ENVIRONMENT_CORPUS} and further arguments from "
                             f"${ENVIRONMENT_PARAMS} (split like a shell command line, never executed); used by make")
    args = parser.parse_args(argv)
    if args.arguments_from_environment:
        try:
            more = shlex.split(os.environ.get(ENVIRONMENT_PARAMS, ""))
        except ValueError as error:
            print(f"✘ report not updated: PARAMS cannot be split into arguments ({error}); check its quotes.", file=sys.stderr)
            return 2
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), *more])
        args.corpus = os.environ.get(ENVIRONMENT_CORPUS, "") or args.corpus
    reports_dir = resolve(args.reports_dir or None, REPORTS_DIR)
    extra = {name: parse_value(value) for name, value in args.parameter}
    if args.check:
        try:
            sources = notebook_paths(resolve(args.notebooks_dir or None, NOTEBOOKS_DIR))
            checked_parameters(extra, sources)
            notebook_needs(sources)
            print(f"Arguments OK: {check_arguments(args.corpus, args.reports_dir or None, args.figures_dir or None)}")
        except ReportError as error:
            print(f"✘ arguments not usable: {error}", file=sys.stderr)
            return 1
        return 0
    previous_handler = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        front = build_report(args.corpus, args.reports_dir or None, args.figures_dir or None, extra,
                             notebooks_dir=resolve(args.notebooks_dir or None, NOTEBOOKS_DIR), progress=not args.no_progress,
                             jobs=args.jobs)
    except (ReportError, OSError, KeyboardInterrupt) as error:  # KeyboardInterrupt includes RunInterrupted (SIGTERM)
        reason = "interrupted (Ctrl-C)" if type(error) is KeyboardInterrupt else _describe(error)
        print(f"✘ report not updated: {reason}", file=sys.stderr)
        print(f"  The previous report in {reports_dir} is unchanged.", file=sys.stderr)
        return 143 if isinstance(error, RunInterrupted) else 130 if isinstance(error, KeyboardInterrupt) else 1
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
    print(f"Report ready: {front}")
    return 0


def _describe(error: BaseException) -> str:
    """A one-line reason for the failure message; disk-full and permission errors get a hint."""
    if isinstance(error, OSError):
        hint = {errno.ENOSPC: " The disk is full: free space and run again.",
                errno.EACCES: " Check the folder's permissions.", errno.EROFS: " The filesystem is read-only."}
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror or error}{where}.{hint.get(error.errno, '')}"
    return str(error)


if __name__ == "__main__":
    sys.exit(main())
