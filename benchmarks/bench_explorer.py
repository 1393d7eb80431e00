"""Benchmark the explorer pages on a synthetic corpus: time to write them, what each page weighs when opened, the whole
folder on disk, and first paint and ready time of each page in headless Chromium from file://.

Usage: python -m benchmarks.bench_explorer [sizes...]   (default 10000 articles; the stages run first, untimed here)
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.explorer.pages import ASSETS, ASSETS_DIR, TERM_COLUMNS, page_html, write_explorer
from analysis.explorer.tables import rank_position
from analysis.run import open_run
from benchmarks.synthetic import synthetic_articles, write_corpus
from tests.browser_check import CHROMIUM_ARGS, VIEWPORT, find_chromium

SIZES = [10000]
SEED = 20240516
LOADS = 3  # each page is opened this many times in a fresh tab; the median is reported
COMMON = ["explorer.css", "common.js"]
# What a reader's browser loads when each page opens: the page, its scripts and, for the views, one data file.
PAGES = {
    "terms.html": ["terms.js"],
    "topics.html": ["topics.js", "articles.js"],
    "index.html": ["index.js", "articles.js"],
    "article.html#a=0": ["article.js", "articles/00000.js"],
}
TIMING = """() => ({
  paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null,
  ready: (performance.getEntriesByName('explorer-ready')[0] || {}).startTime ?? null,
})"""


def page_weight(folder: Path, page: str) -> int:
    """Bytes a browser loads to show ``page`` (the HTML, stylesheet, scripts and the data file it opens with)."""
    files = [page.split("#")[0], *COMMON, *PAGES[page]]
    return sum((folder / name).stat().st_size for name in files)


def paint_times(folder: Path, page: str) -> tuple[float, float]:
    """Median first contentful paint and 'explorer-ready' mark (ms) over LOADS fresh loads of ``page``."""
    from playwright.sync_api import sync_playwright

    paints, readies = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        for _ in range(LOADS):
            tab = browser.new_page(viewport=VIEWPORT)
            tab.goto((folder / page.split("#")[0]).as_uri() + ("#" + page.split("#")[1] if "#" in page else ""),
                     wait_until="load")
            tab.wait_for_function("() => performance.getEntriesByName('explorer-ready').length > 0 && "
                                  "performance.getEntriesByName('first-contentful-paint').length > 0", timeout=60_000)
            timing = tab.evaluate(TIMING)
            paints.append(timing["paint"])
            readies.append(timing["ready"])
            tab.close()
        browser.close()
    return statistics.median(paints), statistics.median(readies)


def bench_size(n_articles: int, workdir: Path) -> dict:
    """Stages on a synthetic corpus of ``n_articles``, then the explorer written and opened."""
    corpus_dir = write_corpus(synthetic_articles(n_articles, random_state=SEED), workdir / f"corpus_{n_articles}")
    run = open_run({"corpus_dir": str(corpus_dir), "reports_dir": str(workdir / f"reports_{n_articles}"),
                    "figures_dir": str(workdir / f"figures_{n_articles}")})
    run.comparison(), run.topics(), run.figures()  # stored; the explorer reads them
    started = time.perf_counter()
    pages = write_explorer(run)
    seconds = time.perf_counter() - started
    largest_terms = max((pages.folder / "terms").glob("*.js"), key=lambda path: path.stat().st_size)
    text_bytes = sum(len(text.encode("utf-8")) for text in run.corpus.document_texts()["text"])
    result = {"articles": n_articles, "terms": len(pages.terms), "write_seconds": seconds, "files": pages.n_files,
              "bytes": pages.n_bytes, "largest_term_shard": largest_terms.stat().st_size, "corpus_text": text_bytes,
              "pages": {}}
    for page in PAGES:
        paint, ready = paint_times(pages.folder, page) if find_chromium() else (float("nan"), float("nan"))
        result["pages"][page] = (page_weight(pages.folder, page), paint, ready)
    return result


def large_vocabulary(folder: Path, n_terms: int = 50_000) -> tuple[int, float, float]:
    """Weight, first paint and ready time of a term page with ``n_terms`` made-up terms with Zipf-distributed counts
    (the synthetic corpus resamples seed paragraphs, so its own vocabulary is far smaller than a real corpus's)."""
    rng = np.random.default_rng(SEED)
    counts = pd.DataFrame({"a": rng.zipf(1.6, n_terms).clip(max=50_000), "b": rng.zipf(1.6, n_terms).clip(max=50_000)})
    x, y = rank_position(counts["a"]), rank_position(counts["b"])
    rows = [[f"term{i:05d}", int(a), int(b), round(float(xi), 4), round(float(yi), 4), round(float(z), 3),
             float(f"{p:.3g}"), int(a), int(b), int(a), int(b), ""]
            for i, (a, b, xi, yi, z, p) in enumerate(zip(counts["a"], counts["b"], x, y, rng.normal(0, 2, n_terms),
                                                          rng.uniform(0, 1, n_terms)))]
    folder.mkdir(parents=True, exist_ok=True)
    for asset in ASSETS:
        shutil.copyfile(ASSETS_DIR / asset, folder / asset)
    data = {"periods": ["2014–2015", "2023–2024"], "colours": ["#1f4e79", "#f28e2b"], "tables": {}, "fdr": 0.05,
            "shard_starts": [0], "terms": rows, "columns": TERM_COLUMNS}
    (folder / "terms.html").write_text(page_html("terms", "Term explorer", "", data, ["common.js", "terms.js"]),
                                       encoding="utf-8")
    paint, ready = paint_times(folder, "terms.html") if find_chromium() else (float("nan"), float("nan"))
    return page_weight(folder, "terms.html"), paint, ready


def main(argv: list[str]) -> None:
    sizes = [int(value) for value in argv] or SIZES
    with tempfile.TemporaryDirectory(prefix="bench_explorer_") as tmp:
        results = [bench_size(size, Path(tmp)) for size in sizes]
        vocabulary = large_vocabulary(Path(tmp) / "vocabulary")
    print("| articles | page | weight when opened (MB) | first paint (ms) | ready (ms) |")
    print("|---:|---|---:|---:|---:|")
    for result in results:
        for page, (weight, paint, ready) in result["pages"].items():
            print(f"| {result['articles']:,} | {page} | {weight / 1e6:.2f} | {paint:,.0f} | {ready:,.0f} |")
    weight, paint, ready = vocabulary
    print(f"| (50,000 made-up terms) | terms.html | {weight / 1e6:.2f} | {paint:,.0f} | {ready:,.0f} |")
    print()
    print("| articles | terms | write time (s) | files | on disk (MB) | largest term file (MB) | cleaned corpus text (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['articles']:,} | {r['terms']:,} | {r['write_seconds']:.1f} | {r['files']:,} | {r['bytes'] / 1e6:,.1f} | "
              f"{r['largest_term_shard'] / 1e6:.2f} | {r['corpus_text'] / 1e6:,.1f} |")
    print("\nThe cleaned corpus text is what an explorer that inlines every document (scattertext's) would add to its page.")


if __name__ == "__main__":
    main(sys.argv[1:])
