"""Kernels started ahead of their turn: while one notebook runs, the next one's kernel starts and loads its imports.

A kernel takes about a second to start and a notebook's imports about as long again; the report runs six notebooks,
so starting each kernel while earlier notebooks run takes that time off the run. The kernel is the one papermill
would start (same kernel, folder, environment and IPC transport); the notebook's import lines run inside a function
before its first cell, so they define no name, count no execution and print nothing, and the notebook's own cells run
exactly as they would in a fresh kernel. If a kernel cannot be started ahead, the notebook gets a plain fresh kernel,
started in its folder as papermill would start it.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import textwrap
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager

START_TIMEOUT = 120  # seconds for a kernel to answer and load its imports; a slower start falls back to papermill's own


def import_lines(source: Path) -> list[str]:
    """A notebook's import statements written on one line at the top level of a code cell, in order: what its kernel
    loads ahead, and what the benchmark's import-only notebooks (the report's floor) run."""
    notebook = nbformat.read(source, as_version=4)
    return [line for cell in notebook.cells if cell.cell_type == "code" for line in cell.source.splitlines()
            if line.startswith(("import ", "from ")) and not line.rstrip().endswith(("(", "\\"))]


def preload_code(source: Path) -> str:
    """The notebook's :func:`import_lines` inside a function, so running it loads the modules without defining any
    name in the notebook's namespace.

    >>> from analysis.core.paths import NOTEBOOKS_DIR
    >>> print(preload_code(NOTEBOOKS_DIR / "03_extract_figures.ipynb").splitlines()[0])
    def _preload():
    """
    body = textwrap.indent("\n".join(import_lines(source)) or "pass", "    ")
    return f"def _preload():\n{body}\n\n\ntry:\n    _preload()\nfinally:\n    del _preload\n"


class KernelStarter:
    """Starts kernels for notebooks ahead of their turn; each kernel is used once, then shut down."""

    def __init__(self) -> None:
        # IPC sockets are files: a short folder of their own keeps their paths under the operating system's limit.
        self.folder = Path(tempfile.mkdtemp(prefix="report-kernels-"))

    def manager(self, source: Path, label: str = "") -> KernelManager:
        """A kernel manager for ``source``'s notebook, not started yet."""
        return KernelManager(kernel_name="python3", transport="ipc", ip=str(self.folder / f"{source.stem}{label}"))

    def start_plain(self, source: Path) -> KernelManager:
        """A started kernel for ``source`` without its imports loaded: the fallback when :meth:`start` failed."""
        manager = self.manager(source, "-fresh")
        manager.start_kernel(cwd=str(source.parent))
        return manager

    def start(self, source: Path) -> KernelManager | None:
        """A started kernel for ``source`` with its imports loaded, or None when that failed (papermill starts one)."""
        manager = self.manager(source)
        try:
            manager.start_kernel(cwd=str(source.parent))
            client = manager.client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=START_TIMEOUT)
                client.execute(preload_code(source), silent=True, store_history=False, reply=True,
                               timeout=START_TIMEOUT)
            finally:
                client.stop_channels()
        except Exception:  # noqa: BLE001 - any failure here only means the notebook gets a fresh kernel instead
            stop(manager)
            return None
        return manager

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def stop(manager: KernelManager | None) -> None:
    """Shut a kernel down as papermill does after a notebook (gracefully), whatever state it is in."""
    if manager is None:
        return
    with contextlib.suppress(Exception):  # a kernel that died or never started has nothing left to stop
        if manager.has_kernel:
            manager.shutdown_kernel(now=False)
        manager.cleanup_resources()
