"""Benchmark the whole report on synthetic corpora of 100, 1,000 and 10,000 articles, and on the seeds against a floor.

Prints wall time and peak memory per stage and in total (the resident set of the runner, its kernels and their worker
processes summed, and of the largest single process), then the seed report's time against the floor measured in the
same run: papermill executing as many import-only notebooks (each notebook's parameters cell and imports, nothing
else) plus rendering the report's pages. The target ratio is at most 1.2.
Usage: python -m benchmarks.bench_pipeline [--large] [--floor] [--distinct] [sizes...]   (default 100 1000 10000;
--distinct gives every sentence an invented first word, so that few repeat, as in real news; --large adds
100,000, the size issue 15 sets its goal at, which `make bench` includes: run it alone on the machine;
--floor measures only the seed report against its floor)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import numpy as np
import psutil

from analysis.report.kernels import import_lines
from analysis.report.render import render_site
from analysis.report.runner import build_report, notebook_paths
from benchmarks.synthetic import synthetic_articles, write_corpus

SIZES = [100, 1000, 10000]
LARGE = 100_000  # the size issue 15 asks for on one machine: 5 minutes and 4 GB (largest process) at most
SAMPLE_SECONDS = 0.05
SEED = 20240516


def process_kind(process: psutil.Process) -> str:
    """What a sampled process is: a notebook's kernel (which holds the Dask client and, on a local cluster, its
    scheduler), a process it started (a Dask worker), or the benchmark itself."""
    command = " ".join(process.cmdline())
    if "ipykernel" in command:
        return "kernel"
    return "worker" if "multiprocessing" in command or "distributed" in command else "benchmark"


class MemorySampler:
    """Samples the summed resident memory of this process and all its descendants in a thread."""

    def __init__(self, report_every: float = 0, progress=None) -> None:
        """``report_every`` seconds (0: never), print the peaks so far and ``progress()`` to stderr (long runs)."""
        self.samples: list[tuple[float, int, int]] = []  # (time, summed resident set, largest single process)
        self.largest: list[str] = []  # at each sample, what the largest process is (see :func:`process_kind`)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.report_every, self.progress = report_every, progress

    def _run(self) -> None:
        me = psutil.Process()
        started = last = time.perf_counter()
        while not self._stop.is_set():
            if self.report_every and time.perf_counter() - last >= self.report_every:
                last = time.perf_counter()
                print(f"  {last - started:,.0f} s: {self.progress() if self.progress else ''}; peak so far "
                      f"{self.peak(started, last, largest=True) / 2**20:,.0f} MB (largest process), "
                      f"{self.peak(started, last) / 2**20:,.0f} MB (all)", file=sys.stderr, flush=True)
            sizes, kinds = [], []
            for process in [me, *me.children(recursive=True)]:
                try:  # both read before either is kept: a process that ends in between is left out of this sample
                    size, kind = process.memory_info().rss, process_kind(process)
                except psutil.Error:
                    continue
                sizes.append(size)
                kinds.append(kind)
            self.samples.append((time.perf_counter(), sum(sizes), max(sizes, default=0)))
            self.largest.append(kinds[int(np.argmax(sizes))] if sizes else "")
            time.sleep(SAMPLE_SECONDS)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def largest_at_peak(self, start: float, end: float) -> str:
        """What the largest process was when the largest single process peaked between two perf_counter times."""
        inside = [(one, kind) for (when, _, one), kind in zip(self.samples, self.largest) if start <= when <= end]
        return max(inside, key=lambda sample: sample[0], default=(0, ""))[1]

    def peak(self, start: float, end: float, largest: bool = False) -> int:
        """Highest sample between two perf_counter times (bytes): summed, or of the largest process."""
        inside = [one if largest else total for when, total, one in self.samples if start <= when <= end]
        return max(inside, default=0)


def bench_size(n_articles: int, workdir: Path, distinct: bool = False) -> list[dict]:
    """Run the full report on a synthetic corpus of ``n_articles`` (with ``distinct``, sentences told apart: see
    :func:`benchmarks.synthetic.synthetic_articles`); one row per stage plus a total."""
    corpus = write_corpus(synthetic_articles(n_articles, random_state=SEED, distinct=distinct),
                          workdir / f"corpus_{n_articles}")
    runs: list = []
    with MemorySampler() as sampler:
        started = time.perf_counter()
        build_report(str(corpus), workdir / f"reports_{n_articles}", workdir / f"figures_{n_articles}",
                     progress=False, staging=workdir / f"staging_{n_articles}", runs=runs)
        total = time.perf_counter() - started
    rows = [{"articles": n_articles, "stage": run.source.stem, "seconds": run.seconds,
             "peak_mb": sampler.peak(run.started, run.started + run.seconds) / 2**20,
             "largest_mb": sampler.peak(run.started, run.started + run.seconds, largest=True) / 2**20} for run in runs]
    rows.append({"articles": n_articles, "stage": "total", "seconds": total, "peak_mb": max(r["peak_mb"] for r in rows),
                 "largest_mb": max(r["largest_mb"] for r in rows)})
    return rows


def import_only_notebooks(folder: Path) -> Path:
    """Copies of the stage notebooks with only their parameters cell and import lines: the floor of a report run."""
    folder.mkdir(parents=True)
    for source in notebook_paths():
        notebook = nbformat.read(source, as_version=4)
        parameters = next(cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", []))
        notebook.cells = [parameters, nbformat.v4.new_code_cell("\n".join(import_lines(source)))]
        nbformat.write(notebook, folder / source.name)
    return folder


def seed_report_against_floor(workdir: Path, repeats: int = 3) -> dict:
    """Best-of-``repeats`` seconds of the seed report and of its floor, measured alternately in the same run.

    The floor is what any report run does besides the analysis (issue 17's definition): papermill executing as many
    import-only notebooks, plus rendering the report's pages (timed one page after another, from the executed
    notebooks of the report just run). The report itself renders each page while the next notebook runs.
    """
    floor_notebooks = import_only_notebooks(workdir / "floor_notebooks")
    best = {"report": float("inf"), "imports": float("inf"), "rendering": float("inf")}
    for attempt in range(repeats):
        for name, notebooks in (("report", None), ("imports", floor_notebooks)):
            started = time.perf_counter()
            build_report("", workdir / f"{name}_{attempt}" / "reports", workdir / f"{name}_{attempt}" / "figures",
                         progress=False, staging=workdir / f"{name}_{attempt}" / "staging",
                         **({"notebooks_dir": notebooks} if notebooks else {}))
            best[name] = min(best[name], time.perf_counter() - started)
        pages = workdir / f"rendering_{attempt}"
        shutil.copytree(workdir / f"report_{attempt}" / "reports", pages)  # its notebooks and tables, pages redone
        started = time.perf_counter()
        render_site(sorted((pages / "notebooks").glob("*.ipynb")), pages, workdir / f"report_{attempt}" / "figures")
        best["rendering"] = min(best["rendering"], time.perf_counter() - started)
    best["floor"] = best["imports"] + best["rendering"]
    return best


def main(argv: list[str] | None = None) -> None:
    argv = list(argv or [])
    large, floor_only, distinct = "--large" in argv, "--floor" in argv, "--distinct" in argv
    sizes = [] if floor_only else [int(value) for value in argv if not value.startswith("--")] or SIZES
    if large and LARGE not in sizes:
        sizes.append(LARGE)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            print(f"… {size:,} articles{' (distinct sentences)' if distinct else ''}", file=sys.stderr, flush=True)
            rows += bench_size(size, Path(tmp), distinct)
    if rows:
        print("\n| articles | stage | wall time (s) | peak memory, all processes (MB) | largest process (MB) |\n"
              "|---:|---|---:|---:|---:|")
    for row in rows:
        print(f"| {row['articles']:,} | {row['stage']} | {row['seconds']:.1f} | {row['peak_mb']:,.0f} | "
              f"{row['largest_mb']:,.0f} |")
    totals = {row["articles"]: row["seconds"] for row in rows if row["stage"] == "total"}
    if 1000 in totals and 10000 in totals:
        print(f"\nTime ratio 10,000 / 1,000 articles: {totals[10000] / totals[1000]:.1f} (10.0 would be linear)")
    with tempfile.TemporaryDirectory() as tmp:
        print("… the seed report against its floor", file=sys.stderr, flush=True)
        best = seed_report_against_floor(Path(tmp))
    print(f"\nSeed report {best['report']:.1f} s; floor {best['floor']:.1f} s (import-only notebooks {best['imports']:.1f} s "
          f"+ rendering the report's pages {best['rendering']:.1f} s); ratio {best['report'] / best['floor']:.2f} "
          "(target at most 1.2; best of 3 runs each)")


if __name__ == "__main__":
    main(sys.argv[1:])
