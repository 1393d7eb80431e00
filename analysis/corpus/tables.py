"""Read a corpus kept as one table file (CSV, TSV, JSONL or Parquet, a row per article) into the loader's metadata and texts.

Column names come from the ``columns`` parameter, with defaults for common exports (Media Cloud's story CSV and others).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")
FIELDS = ("text", "title", "published", "outlet", "url", "doc_id", "notes")
# For each field, the column names tried in order when the ``columns`` parameter does not name one (lower case).
DEFAULT_COLUMNS = {
    "text": ["text", "story_text", "body", "content", "full_text", "fulltext", "article_text", "maintext", "article"],
    "title": ["title", "headline", "story_title"],
    "published": ["published", "publish_date", "published_at", "publication_date", "pub_date", "date_publish",
                  "date", "datetime"],
    "outlet": ["outlet", "media_name", "source", "publisher", "site_name", "sitename", "newspaper", "source_name"],
    "url": ["url", "link", "story_url", "canonical_url"],
    "doc_id": ["doc_id", "stories_id", "story_id", "id", "guid", "article_id"],
    "notes": ["notes"],
}
ISO_DATE = re.compile(
    r"""^(?P<date>\d{4}(?:-\d{2}(?:-\d{2})?)?)   # YYYY, YYYY-MM or YYYY-MM-DD
        (?:[T\s]\d{1,2}:\d{2}.*)?$               # perhaps followed by a time and zone, which are dropped""",
    re.VERBOSE,
)


@dataclass
class CorpusSource:
    """A corpus read from another form: metadata rows in the folder schema, each article's text, warnings, fingerprint.

    ``metadata`` has the columns of ``metadata.csv`` plus ``row`` (where the row is, for messages) and ``encoding``;
    ``texts`` maps each row's ``file`` (a name that also says where the text came from) to its text.
    """

    metadata: pd.DataFrame
    texts: dict[str, str]
    warnings: list[dict] = field(default_factory=list)
    fingerprint: str = ""


def file_fingerprint(paths: list[Path]) -> str:
    """SHA-256 over the names and bytes of ``paths`` in sorted order (first 16 hex digits)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def is_table_file(path: Path) -> bool:
    """Whether ``path`` is a file of a table form this module reads."""
    return path.is_file() and path.suffix.lower() in TABLE_SUFFIXES


def read_rows(path: Path) -> tuple[list[dict], list[str]]:
    """The table's rows as dicts of strings, and where each row is ('row 3, line 4' for CSV, 'line 3' for JSONL)."""
    from analysis.corpus.load import CorpusError

    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return _read_delimited(path, "\t" if suffix == ".tsv" else ",")
    if suffix in (".jsonl", ".ndjson"):
        return _read_json_lines(path)
    try:
        table = pd.read_parquet(path)
    except (ValueError, OSError, ImportError) as error:
        raise CorpusError(f"{path} cannot be read as a Parquet table ({str(error)[:200]}). "
                          "Check the file is complete, with one article per row.") from None
    places = [f"row {number}" for number in range(1, len(table) + 1)]
    rows = [{str(key): _as_text(value) for key, value in record.items()} for record in table.to_dict("records")]
    return rows, places


def _read_json_lines(path: Path) -> tuple[list[dict], list[str]]:
    """JSON Lines: one object per non-blank line, values kept as text (dates are checked later, never parsed leniently)."""
    from analysis.corpus.load import CorpusError

    rows, places = [], []
    try:
        lines = path.read_text(encoding="utf-8-sig").split("\n")  # not splitlines: JSON strings may hold U+2028
    except UnicodeDecodeError as error:
        raise CorpusError(f"{path}: bytes are not UTF-8 (first bad byte at offset {error.start}). Save it as UTF-8.") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(f"{path}, line {number}: not valid JSON ({error.msg} at column {error.colno}). "
                              "Each line must be one JSON object.") from None
        if not isinstance(record, dict):
            raise CorpusError(f"{path}, line {number}: a JSON {type(record).__name__}, not an object with named fields.")
        rows.append({str(key): _as_text(value) for key, value in record.items()})
        places.append(f"line {number}")
    return rows, places


def _read_delimited(path: Path, delimiter: str) -> tuple[list[dict], list[str]]:
    """CSV rows with the file line each starts on (article texts may span several lines)."""
    from analysis.corpus.load import CorpusError

    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article texts are longer than csv's default limit
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise CorpusError(f"{path}, line {line}: bytes are not UTF-8 (byte {error.start}). "
                          "Save the table as UTF-8 CSV.") from None
    rows, places = [], []
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1  # the line the record being read starts on
    try:
        _ = reader.fieldnames  # reads the header, so line numbers below are those of the data rows
        line = reader.line_num + 1
        for number, record in enumerate(reader, start=1):
            if None in record:
                raise CorpusError(f"{path}, row {number} (line {line}): more values than the header has columns. "
                                  "Quote fields that contain the delimiter.")
            rows.append({key.strip(): _as_text(value) for key, value in record.items() if key is not None})
            places.append(f"row {number} (line {line})")
            line = reader.line_num + 1
    except csv.Error as error:
        raise CorpusError(f"{path}: cannot be read as CSV near line {line} ({error}). "
                          "Save it as UTF-8 CSV with a header row and quoted text fields.") from None
    return rows, places


def _as_text(value) -> str:
    """A table cell as a stripped string ('' for missing values; dates as ISO)."""
    if value is None or (not isinstance(value, (str, list, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value).strip()


def resolve_columns(available: list[str], columns: dict | None, path: Path) -> dict[str, str | None]:
    """Which table column holds each field: the ``columns`` parameter first, then the defaults (case-insensitive)."""
    from analysis.corpus.load import CorpusError

    columns = columns or {}
    if not isinstance(columns, dict):
        raise CorpusError(f"Parameter 'columns' must map fields to column names, e.g. "
                          f"{{'text': 'body', 'published': 'publish_date', 'outlet': 'media_name'}}; got {columns!r}.")
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise CorpusError(f"Parameter 'columns': unknown field(s) {', '.join(map(repr, unknown))}. "
                          f"Use some of {', '.join(FIELDS)}.")
    by_lower = {name.lower(): name for name in available}
    chosen = {}
    for name in FIELDS:
        if name in columns:
            wanted = str(columns[name])
            if wanted not in available:
                raise CorpusError(f"Parameter 'columns': {name!r} is {wanted!r}, but {path.name} has no such column "
                                  f"(it has {', '.join(available)}). Correct the column name.")
            chosen[name] = wanted
        else:
            chosen[name] = next((by_lower[c] for c in DEFAULT_COLUMNS[name] if c in by_lower), None)
    for name in ("text", "published"):
        if chosen[name] is None:
            raise CorpusError(f"{path}: no column for the article {name} (looked for {', '.join(DEFAULT_COLUMNS[name])}; "
                              f"the file has {', '.join(available)}). Name it with the 'columns' parameter, "
                              f"e.g. columns={{'{name}': 'your_column'}}.")
    if chosen["outlet"] is None and chosen["url"] is None:
        raise CorpusError(f"{path}: no column for the outlet and none for the URL to take it from (the file has "
                          f"{', '.join(available)}). Name one with the 'columns' parameter, e.g. columns={{'outlet': 'source'}}.")
    return chosen


def iso_published(value: str) -> str:
    """An ISO date from a table's date cell ('2014-02-07 03:14:00' -> '2014-02-07'); '' when it is not one.

    >>> iso_published("2014-02-07T03:14:00Z"), iso_published("2015-05"), iso_published("7 May 2015")
    ('2014-02-07', '2015-05', '')
    """
    match = ISO_DATE.match(value.strip())
    return match["date"] if match else ""


def read_table_corpus(path: Path, columns: dict | None = None) -> CorpusSource:
    """Read a table file into metadata rows and texts; problems name the file and the row (and line).

    Each article's ``file`` is ``<table name>#<row>`` so warnings point at the row. The outlet, when the table has
    no outlet column, is the URL's host (and ``notes`` says so). Dates keep their day and drop any time of day.
    """
    from analysis.corpus.load import CorpusError, published_interval

    rows, places = read_rows(path)
    if not rows:
        raise CorpusError(f"{path} has no rows. Export at least one article per period.")
    chosen = resolve_columns(list(rows[0]), columns, path)
    records, texts = [], {}
    for number, (row, place) in enumerate(zip(rows, places), start=1):
        where = f"{path}, {place}"
        get = lambda name, row=row: row.get(chosen[name], "") if chosen[name] else ""  # noqa: E731
        text, raw_date, url = get("text"), get("published"), get("url")
        if not text:
            raise CorpusError(f"{where}: the text column {chosen['text']!r} is empty. Fill it in or delete the row.")
        published = iso_published(raw_date)
        try:
            published_interval(published)
        except ValueError:
            raise CorpusError(f"{where}: published {raw_date!r} (column {chosen['published']!r}) is not an ISO date. "
                              "Write YYYY, YYYY-MM or YYYY-MM-DD (a time after it is fine).") from None
        notes = [get("notes")] if get("notes") else []
        outlet = get("outlet")
        if not outlet:
            outlet = urlparse(url).hostname or ""
            if outlet.startswith("www."):
                outlet = outlet[4:]
            if not outlet:
                raise CorpusError(f"{where}: no outlet (column {chosen['outlet']!r}) and no URL to take it from. Fill one in.")
            notes.append("outlet from the URL's host")
        file = f"{path.name}#{number}"
        doc_id = get("doc_id") or f"{path.stem}-{number:06d}"
        records.append({"row": place, "file": file, "doc_id": doc_id, "title": get("title"), "outlet": outlet,
                        "published": published, "url": url, "notes": "; ".join(notes), "encoding": "utf-8"})
        texts[file] = text
    metadata = pd.DataFrame(records)
    repeated = metadata[metadata["doc_id"].duplicated(keep=False)]
    if not repeated.empty:
        raise CorpusError(f"{path}, {', '.join(repeated['row'].head(5))}: doc_id {repeated['doc_id'].iloc[0]!r} appears "
                          f"more than once (column {chosen['doc_id']!r}). Each article needs its own id.")
    return CorpusSource(metadata=metadata, texts=texts, fingerprint=file_fingerprint([path]))
