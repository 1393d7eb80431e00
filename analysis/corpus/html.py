"""Read a corpus kept as a folder of saved web pages (``.html``): main text, title, date, site and URL extracted by trafilatura.

The first run writes ``metadata.csv`` beside the pages, saying where each value came from, for the researcher to check
and correct; nothing is fetched.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from analysis.corpus.tables import CorpusSource

HTML_SUFFIXES = (".html", ".htm")
# htmldate (trafilatura's date finder) settings: read the date from the page's markup only (meta tags, structured
# data, <time> elements, a date in the canonical URL), never from words in the text; prefer the original
# publication date to a modification date. A page whose markup has no date gets none: it is listed, not guessed.
DATE_PARAMS = {"extensive_search": False, "original_date": True}
ENCODING_NOTE = "html (decoded by trafilatura)"


def page_files(folder: Path) -> list[Path]:
    """The saved pages in ``folder``, sorted by name: regular files inside it (a link leading out is not a page)."""
    inside = folder.resolve()
    return sorted(path for path in folder.iterdir() if path.suffix.lower() in HTML_SUFFIXES and path.is_file()
                  and path.resolve().parent == inside)


def is_html_folder(folder: Path) -> bool:
    """A folder of saved web pages (and no ``.txt`` articles)."""
    return folder.is_dir() and bool(page_files(folder)) and not any(folder.glob("*.txt"))


def extract_page(path: Path) -> dict:
    """Main text and metadata of one saved page, with a note saying where each value came from.

    Returns ``text``, ``title``, ``outlet``, ``published`` (ISO date or ''), ``url`` and ``notes``.
    """
    from trafilatura import bare_extraction

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its per-page chatter is not the researcher's concern
    document = bare_extraction(path.read_bytes(), with_metadata=True, include_comments=False, include_tables=False,
                               date_extraction_params=DATE_PARAMS)
    if document is None:
        return {"text": "", "title": "", "outlet": "", "published": "", "url": "",
                "notes": "trafilatura found no article text in the page"}
    sources = []
    title = (document.title or "").strip()
    sources.append("title from the page's metadata or <h1> (trafilatura)" if title else "no title found")
    outlet = (document.sitename or "").strip()
    if outlet:
        sources.append("outlet from the page's site name (trafilatura)")
    elif document.hostname:
        outlet = document.hostname.removeprefix("www.")
        sources.append("outlet from the URL's host")
    else:
        sources.append("no outlet found: fill it in")
    published = (document.date or "").strip()
    sources.append("date from the page's markup (htmldate, no search of the text)" if published
                   else "NO DATE in the page's markup: fill in 'published'")
    url = (document.url or "").strip()
    sources.append("url from the page's canonical link" if url else "no URL in the page")
    return {"text": (document.text or "").strip(), "title": title, "outlet": outlet, "published": published,
            "url": url, "notes": "; ".join(sources)}


def page_metadata(folder: Path, extracted: dict[str, dict] | None = None) -> pd.DataFrame:
    """The metadata table (file, doc_id, title, outlet, published, url, notes) extracted from every page."""
    from analysis.corpus.load import METADATA_COLUMNS

    extracted = extracted or {path.name: extract_page(path) for path in page_files(folder)}
    rows = [{"file": name, "doc_id": Path(name).stem, **{key: page[key] for key in ("title", "outlet", "published", "url", "notes")}}
            for name, page in sorted(extracted.items())]
    return pd.DataFrame(rows, columns=METADATA_COLUMNS)


def read_html_corpus(folder: Path) -> CorpusSource:
    """Read a folder of saved pages: texts from the pages, metadata from ``metadata.csv`` (written on the first run).

    The researcher's corrections to ``metadata.csv`` are kept: it is written only when missing. A page without a
    date (or outlet) is excluded and named in a warning until its row is filled in; a page with no text is too.
    """
    from analysis.corpus.load import METADATA_COLUMNS, METADATA_FILE, CorpusError, fingerprint, published_interval

    pages = page_files(folder)
    extracted = {path.name: extract_page(path) for path in pages}
    metadata_path = folder / METADATA_FILE
    warnings = []
    if not metadata_path.exists():
        page_metadata(folder, extracted).to_csv(metadata_path, index=False, lineterminator="\n")
        warnings.append({"kind": "metadata written", "file": METADATA_FILE,
                         "message": f"was written beside the {len(pages)} pages from what they say about themselves; "
                                    "'notes' gives the source of each value. Check and correct it, then rerun."})
    try:
        table = pd.read_csv(metadata_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise CorpusError(f"{metadata_path} cannot be read as UTF-8 CSV ({error}). Save it as UTF-8 with a header row.") from None
    missing = [column for column in METADATA_COLUMNS if column not in table.columns]
    if missing:
        raise CorpusError(f"{metadata_path} lacks column(s) {', '.join(missing)}. Add them, or delete the file to have it "
                          "written again from the pages.")
    table = table[METADATA_COLUMNS].apply(lambda column: column.str.strip())
    table.insert(0, "row", [f"row {number}" for number in range(2, len(table) + 2)])
    keep = []
    for index, row in table.iterrows():
        where = f"{metadata_path}, {row['row']} ({row['file']})"
        if row["file"] not in extracted:
            raise CorpusError(f"{where}: no such page in {folder}. Add the page or delete the row.")
        if not row["doc_id"]:
            raise CorpusError(f"{where}: 'doc_id' is empty. Fill it in.")
        for column, what in (("published", "date"), ("outlet", "outlet")):
            if not row[column]:
                warnings.append({"kind": f"no {what}", "file": row["file"],
                                 "message": f"has no {what} ({row['row']} of {METADATA_FILE}); excluded. "
                                            f"Fill in '{column}' there to include it."})
                break
        else:
            try:
                published_interval(row["published"])
            except ValueError:
                raise CorpusError(f"{where}: published {row['published']!r} is not an ISO date. "
                                  "Write YYYY, YYYY-MM or YYYY-MM-DD.") from None
            if not extracted[row["file"]]["text"]:
                warnings.append({"kind": "empty file", "file": row["file"],
                                 "message": "has no article text that trafilatura could find; excluded. Check the saved page."})
                continue
            keep.append(index)
    for column in ("file", "doc_id"):
        repeated = table[table[column].duplicated(keep=False)]
        if not repeated.empty:
            raise CorpusError(f"{metadata_path}, {', '.join(repeated['row'])}: {column} {repeated[column].iloc[0]!r} "
                              f"appears more than once. Each {column} must be unique.")
    for name in sorted(set(extracted) - set(table["file"])):
        warnings.append({"kind": "no metadata", "file": name,
                         "message": f"has no row in {METADATA_FILE} and was skipped. Add a row, or delete "
                                    f"{METADATA_FILE} to have it written again from all the pages."})
    metadata = table.loc[keep].assign(encoding=ENCODING_NOTE).reset_index(drop=True)
    texts = {name: page["text"] for name, page in extracted.items()}
    return CorpusSource(metadata=metadata, texts=texts, warnings=warnings, fingerprint=fingerprint(pages, metadata_path))
