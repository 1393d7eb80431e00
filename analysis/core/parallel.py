"""Per-text work (counting terms, matching keywords) in batches, in worker processes when asked and the corpus is large.

Batches are fixed by the input, not by the number of workers, and results come back in batch order, so a run with
one worker and a run with several give identical tables. Set ``ANALYSIS_WORKERS`` to use several.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

DEFAULT_WORKERS = 1  # measured on the project's shared 2-core machine: two workers were slower there (see README)
PARALLEL_MIN_ITEMS = 20_000  # below this many texts, starting worker processes costs more than it saves
WORKERS_VARIABLE = "ANALYSIS_WORKERS"  # e.g. 2 on an idle machine with two free cores


def worker_count() -> int:
    """Worker processes to use: ``ANALYSIS_WORKERS`` when set, else ``DEFAULT_WORKERS`` (all work in this process)."""
    value = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not value:
        return DEFAULT_WORKERS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"Environment variable {WORKERS_VARIABLE}={value!r} must be a whole number of at least 1 "
                         "(1 keeps all work in one process).")
    return int(value)


_pool: dict = {}  # the one pool of worker processes, started at the first large job and kept for the next ones


def _workers_pool(workers: int) -> ProcessPoolExecutor:
    if _pool.get("workers") != workers:
        shutdown_pool()
        _pool.update(workers=workers, executor=ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")))
    return _pool["executor"]


def shutdown_pool() -> None:
    """Stop the worker processes (also done when the process exits)."""
    executor = _pool.pop("executor", None)
    _pool.clear()
    if executor is not None:
        executor.shutdown()


atexit.register(shutdown_pool)


def map_batches(function: Callable, batches: list, *arguments, n_items: int) -> list:
    """``[function(batch, *arguments) for batch in batches]``, in worker processes when ``n_items`` (the texts in
    all batches) reaches ``PARALLEL_MIN_ITEMS`` and more than one worker is available.

    Workers are started fresh (``spawn``), so they hold only their batches, not a copy of the notebook's memory, and
    are kept for the next call; ``function`` must be importable (defined at the top level of a module), and a script
    that calls this must guard its own work with ``if __name__ == "__main__":``.
    """
    workers = min(worker_count(), len(batches))
    if workers < 2 or n_items < PARALLEL_MIN_ITEMS:
        return [function(batch, *arguments) for batch in batches]
    executor = _workers_pool(worker_count())
    return list(executor.map(function, batches, *[[argument] * len(batches) for argument in arguments]))


class Batches(Sequence):
    """Consecutive slices of ``size`` texts (a list, a pandas Series or any sliceable sequence), each made when it is
    read, so a large column's Python strings exist one batch at a time (a Series is sliced by position)."""

    def __init__(self, texts, size: int) -> None:
        self.texts, self.size = texts, size

    def __len__(self) -> int:
        return -(-len(self.texts) // self.size)

    def __getitem__(self, index: int):
        if not 0 <= index < len(self):
            raise IndexError(index)
        begin = index * self.size
        part = (self.texts.iloc if isinstance(self.texts, pd.Series) else self.texts)[begin:begin + self.size]
        return part.tolist() if isinstance(part, pd.Series) else part
