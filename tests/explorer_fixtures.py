"""Small corpora for the explorer tests: a plain one with known sentences and a hostile one whose titles, outlets, notes
and text carry markup and script, to check that the pages show it as text and run nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmarks.synthetic import write_corpus

PAYLOAD = "window.__pwned = (window.__pwned || 0) + 1"
HOSTILE_TITLE = f"<script>{PAYLOAD}</script> Gas talks"
HOSTILE_OUTLET = f'<img src=x onerror="{PAYLOAD}">'
HOSTILE_NOTES = f"</script><script>{PAYLOAD}</script>\u2028line\u2029end"

PARAGRAPHS_EARLY = [
    "Moscow and Beijing signed a pipeline contract worth $400 billion after years of talks.",
    "The pipeline will carry gas from Siberia to northern China for thirty years.",
    "Sanctions from Washington pushed Moscow towards Beijing, officials in Moscow said.",
    "Trade between the two neighbours reached $95 billion, customs data showed.",
]
PARAGRAPHS_LATE = [
    "Beijing and Moscow declared a partnership with no limits as the war in Ukraine went on.",
    "Trade between the two neighbours reached $240 billion, a record, customs data showed.",
    "Xi Jinping welcomed Vladimir Putin in Beijing and praised the pipeline talks.",
    "Officials said the war had made Moscow more dependent on Beijing than before.",
]


def write_plain_corpus(folder: Path) -> Path:
    """Three articles per period: the four paragraphs of its period in a rotated order and two lines of its own (so
    no article is a near-duplicate of another)."""
    rows = []
    for period, paragraphs, year in (("early", PARAGRAPHS_EARLY, 2015), ("late", PARAGRAPHS_LATE, 2024)):
        for n in range(3):
            own = [f"Correspondent number {n} filed this {period} report.", f"Editors reviewed draft {n} of it twice."]
            text = "\n\n".join(paragraphs[n:] + paragraphs[:n] + own) + "\n"
            rows.append({"file": f"{period}_{n}.txt", "doc_id": f"{period}-{n}", "title": f"{period.title()} article {n}",
                         "outlet": f"Outlet {n}", "published": f"{year}-0{n + 1}-15", "url": "",
                         "notes": "test fixture", "text": text})
    return write_corpus(pd.DataFrame(rows), folder)


def write_hostile_corpus(folder: Path) -> Path:
    """The plain corpus with one early article whose metadata and text carry script and event handlers."""
    write_plain_corpus(folder)
    metadata = pd.read_csv(folder / "metadata.csv", dtype=str, keep_default_na=False)
    first = metadata.index[metadata["doc_id"] == "early-0"][0]
    metadata.loc[first, ["title", "outlet", "notes", "url"]] = [HOSTILE_TITLE, HOSTILE_OUTLET, HOSTILE_NOTES,
                                                                "javascript:" + PAYLOAD]
    metadata.to_csv(folder / "metadata.csv", index=False, lineterminator="\n")
    text = (folder / "early_0.txt").read_text(encoding="utf-8")
    hostile = (f"The <script>{PAYLOAD}</script> pipeline deal and <b onmouseover=\"{PAYLOAD}\">gas</b> "
               f"exports were worth $5 billion.</script><img src=x onerror=\"{PAYLOAD}\">\u2028more.")
    (folder / "early_0.txt").write_text(hostile + "\n\n" + text, encoding="utf-8")
    return folder
