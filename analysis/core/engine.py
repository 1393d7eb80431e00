"""Where the per-article work runs: in this process ("local") or on a dask.distributed cluster ("dask").

The Dask engine maps pure per-partition functions over a corpus's partitions and reduces their small results;
partition outputs are Parquet files in a work folder, so no process ever holds the whole corpus.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pandas as pd

ENGINES = ("local", "dask")
LOCAL_WORKERS = 2  # this project's machines have two cores; a local cluster runs one single-threaded worker per core
WORKER_MEMORY = "3.5GiB"  # per worker: Dask spills, pauses and restarts a worker before it passes this
SCHEDULER_PREFIXES = ("tcp://", "tls://", "inproc://", "ucx://")


class EngineError(ValueError):
    """A bad engine setting; the message names the parameter and says what to write."""


def check_scheduler(address: str) -> str | None:
    """The problem with a ``dask_scheduler`` value, or None ("" is a local cluster, else ``tcp://host:port``)."""
    if address == "" or address.startswith(SCHEDULER_PREFIXES):
        return None
    return 'must be "" (a local cluster on this machine) or a scheduler address such as "tcp://10.0.0.5:8786"'


@contextlib.contextmanager
def dask_client(scheduler: str = "", *, processes: bool = True, n_workers: int = LOCAL_WORKERS,
                memory_limit: str = WORKER_MEMORY) -> Iterator:
    """A dask.distributed Client: to the cluster at ``scheduler``, or to a new local cluster closed on exit.

    A local cluster runs ``n_workers`` single-threaded worker processes (``processes=False``: threads of this
    process, for tests), each capped at ``memory_limit``. Worker logs stay quiet unless something goes wrong.
    """
    problem = check_scheduler(scheduler)
    if problem:
        raise EngineError(f"Parameter 'dask_scheduler' {problem}; got {scheduler!r}.")
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"logging.distributed": "error"}):
        if scheduler:
            with Client(scheduler) as client:
                yield client
            return
        workers = min(n_workers, os.cpu_count() or 1)
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes, memory_limit=memory_limit,
                          dashboard_address=":0", silence_logs=40) as cluster, Client(cluster) as client:
            yield client


def map_partitions(client, function: Callable, partitions: Sequence, *args, each: Sequence | None = None, **kwargs) -> list:
    """``[function(partition, *args, **kwargs) for partition in partitions]``, each call a task on the cluster; with
    ``each`` (one value per partition), ``function(partition, value, *args, **kwargs)``.

    Results come back in partition order; ``function`` must be importable (a module-level function) and pure.
    """
    varying = [list(partitions)] + ([list(each)] if each is not None else [])
    futures = client.map(function, *varying, *[[arg] * len(partitions) for arg in args], pure=False, **kwargs)
    return client.gather(futures)


def partition_path(folder: Path, stage: str, number: int) -> Path:
    """Where partition ``number`` of an intermediate table ``stage`` is written (Parquet)."""
    return folder / stage / f"part-{number:05d}.parquet"


def write_table(table: pd.DataFrame, path: Path) -> Path:
    """Write one partition of an intermediate table as Parquet (folders created); return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table.reset_index(drop=True).to_parquet(path, index=False)
    return path


def read_table(folder: Path, stage: str, columns: list[str] | None = None, filters=None) -> pd.DataFrame:
    """All partitions of an intermediate table, in partition order (only ``columns``, rows passing ``filters``)."""
    paths = sorted((folder / stage).glob("part-*.parquet"))
    parts = [pd.read_parquet(path, columns=columns, filters=filters) for path in paths]
    parts = [part for part in parts if len(part)] or parts[:1]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
