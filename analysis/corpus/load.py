"""Load a corpus (a folder of ``.txt`` articles plus ``metadata.csv``, one table file, or a folder of saved web pages) into validated, tidy tables.

Documents, paragraphs and sentences keep character offsets into the raw file text; nothing is dropped without a warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from filelock import FileLock
from scipy import sparse

from analysis.core.cache import CACHE_FOLDER, cached, release_memory
from analysis.core.memory import MEMORY_PER_CHARACTER, available_memory, memory_needed
from analysis.core.paths import SEEDS_DIR, read_word_list, resolve
from analysis.corpus.cleaning import REMOVED_COLUMNS, count_lines, find_boilerplate, heading_marks, recurring_by_outlet
from analysis.corpus.segment import paragraph_spans, sentence_spans

METADATA_FILE = "metadata.csv"
METADATA_COLUMNS = ["file", "doc_id", "title", "outlet", "published", "url", "notes"]
REQUIRED_VALUES = ["file", "doc_id", "outlet", "published"]
DEFAULT_PERIODS = {"2014–2015": ["2014-01-01", "2015-12-31"], "2023–2024": ["2023-01-01", "2024-12-31"]}
NEAR_DUPLICATE_JACCARD = 0.8  # share of distinct sentences two articles must have in common to count as near-duplicates
LSH_BANDS, LSH_ROWS = 20, 7  # MinHash banding: a pair at 0.8 overlap becomes a candidate with probability 0.99
MINHASH_SEED = 20240516  # fixed: the same corpus always yields the same duplicate pairs
PAIR_SLICE = 100_000  # near-duplicate candidate pairs formed and checked at once: bounds the memory of the check
WARNING_COLUMNS = ["kind", "file", "message"]
# An article's row as a worker collects it (a dict), and a paragraph's and a sentence's (tuples), before a batch
# becomes tables.
DOCUMENT_FIELDS = [*METADATA_COLUMNS, "encoding", "raw", "period", "n_words"]
LENGTH_FIELDS = [*METADATA_COLUMNS, "encoding", "n_chars", "period", "n_words"]  # a run's: the raw text's length only
PARAGRAPH_FIELDS = ["para_id", "doc_id", "period", "outlet", "para_no", "start", "end", "text", "headline", "dateline"]
SENTENCE_FIELDS = ["doc_id", "para_id", "period", "outlet", "start", "end", "text"]
PARALLEL_MIN_DOCUMENTS = 400  # below this, one process is faster than starting a pool
BATCH_DOCUMENTS = 250  # articles a worker processes at once and returns as tables
ENGLISH_MIN_SHARE = 0.15  # share of English function words below which an article may not be English
ENGLISH_MIN_WORDS = 50  # shorter articles are not checked
WORD_PATTERN = re.compile(r"\w+(?:[-'’]\w+)*")
MIN_ARTICLE_WORDS = 10  # fewer words after cleaning: kept, but listed (a stub, a headline, a broken export)
LATIN_MIN_SHARE = 0.5  # share of letters in Latin script below which an article is flagged as probably not English
LATIN_MIN_LETTERS = 20  # shorter texts are not checked for their script
LATIN_LAST_CODE_POINT = 0x024F  # Basic Latin up to Latin Extended-B: English and accented European names
MAX_ARTICLE_CHARS = 2_000_000  # about 300,000 words, ten times a long magazine feature: longer is not one article
PUNKT_PIECE_CHARS = 50_000  # Punkt sees at most this much at once, so its time guard never trips, whatever the load

PUBLISHED_PATTERN = re.compile(
    r"""^(?P<year>\d{4})          # year, always
        (?:-(?P<month>\d{2})      # optional month
           (?:-(?P<day>\d{2}))?   # optional day, only after a month
        )?$""",
    re.VERBOSE,
)


class CorpusError(ValueError):
    """A problem with the corpus or its parameters that stops the run; the message says where and what to do."""


@dataclass(frozen=True)
class Period:
    """A named, closed date interval."""

    name: str
    start: date
    end: date


@dataclass
class Corpus:
    """The loaded corpus: tidy tables plus every warning raised while loading."""

    name: str
    directory: Path
    periods: list[Period]
    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    removed: pd.DataFrame
    warnings: pd.DataFrame
    fingerprint: str
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def period_names(self) -> list[str]:
        """Period names in the order the parameter gave them."""
        return [period.name for period in self.periods]

    def docs_per_period(self) -> dict[str, int]:
        """Number of documents in each period, in period order."""
        counts = self.documents["period"].value_counts()
        return {name: int(counts.get(name, 0)) for name in self.period_names}

    def sentences_of(self, doc_ids: list[str]) -> pd.DataFrame:
        """The sentences of the articles ``doc_ids``, in corpus order."""
        return self.sentences[self.sentences["doc_id"].isin(doc_ids)].reset_index(drop=True)

    def write_table(self, name: str, tables_dir: str | Path, sort_by: list[str]) -> Path:
        """Write its table ``name`` (paragraphs, sentences) as ``tables_dir/<name>.csv`` (:func:`analysis.core.display.write_table`)."""
        from analysis.core.display import write_table

        return write_table(getattr(self, name), tables_dir, name, sort_by)

    def document_texts(self) -> pd.DataFrame:
        """One row per document (doc_id, period, outlet, text): its cleaned paragraphs joined by blank lines."""
        texts: dict[str, list[str]] = {}  # one pass in paragraph order (a groupby with a Python join is ten times slower)
        for doc_id, text in zip(self.paragraphs["doc_id"].tolist(), self.paragraphs["text"].tolist()):
            texts.setdefault(doc_id, []).append(text)
        table = self.documents[["doc_id", "period", "outlet"]].reset_index(drop=True)
        return table.assign(text=pd.Series(["\n\n".join(texts.get(doc_id, ())) for doc_id in table["doc_id"]],
                                           dtype=table["doc_id"].dtype))


def parse_periods(periods: dict | None) -> list[Period]:
    """Validate the ``periods`` parameter (name -> [first day, last day]) and return Periods in order.

    >>> [p.name for p in parse_periods({"early": ["2014-01-01", "2015-12-31"], "late": ["2023-01-01", "2024-12-31"]})]
    ['early', 'late']
    """
    periods = DEFAULT_PERIODS if periods is None else periods
    hint = 'Write it as {"2014–2015": ["2014-01-01", "2015-12-31"], "2023–2024": ["2023-01-01", "2024-12-31"]}.'
    if not isinstance(periods, dict) or len(periods) < 2:
        raise CorpusError(f"Parameter 'periods' must map at least two period names to [first day, last day]; got {periods!r}. {hint}")
    parsed = []
    for name, bounds in periods.items():
        if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
            raise CorpusError(f"Parameter 'periods', period {name!r}: expected [first day, last day], got {bounds!r}. {hint}")
        try:
            start, end = (date.fromisoformat(str(value)) for value in bounds)
        except ValueError as error:
            raise CorpusError(f"Parameter 'periods', period {name!r}: {bounds!r} is not two ISO dates YYYY-MM-DD ({error}). {hint}") from None
        if start > end:
            raise CorpusError(f"Parameter 'periods', period {name!r}: first day {start} is after last day {end}. Swap them.")
        parsed.append(Period(str(name), start, end))
    ordered = sorted(parsed, key=lambda p: p.start)
    for earlier, later in zip(ordered, ordered[1:]):
        if later.start <= earlier.end:
            raise CorpusError(f"Parameter 'periods': {earlier.name!r} ({earlier.start}–{earlier.end}) overlaps {later.name!r} "
                              f"({later.start}–{later.end}). Make the periods disjoint so each article belongs to one.")
    return parsed


def published_interval(value: str) -> tuple[date, date]:
    """First and last day covered by an ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` value."""
    match = PUBLISHED_PATTERN.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match["year"])
    if match["day"]:
        day = date(year, int(match["month"]), int(match["day"]))
        return day, day
    if match["month"]:
        month = int(match["month"])
        first = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return first, date.fromordinal(following.toordinal() - 1)
    return date(year, 1, 1), date(year, 12, 31)


UNICODE_BOMS = [(b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                (b"\xfe\xff", "utf-16")]  # UTF-32 first: its little-endian mark starts like UTF-16's


def read_text(path: Path) -> tuple[str, str, str | None]:
    """Decode a file as UTF-8 (with or without BOM), UTF-16/32 with BOM, then cp1252, then Latin-1.

    Returns (text, encoding, warning). A file with NUL bytes and no UTF-16/32 byte-order mark is not text
    (a PDF, a word-processor file, UTF-16 saved without a mark): :class:`CorpusError` names it.
    """
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", None
        except UnicodeDecodeError:
            data = data[3:]  # a UTF-8 mark on bytes that are not UTF-8: fall back like any other file
    for bom, encoding in UNICODE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, None
            except UnicodeDecodeError as error:
                raise CorpusError(f"{path.name} starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()} "
                                  f"(bad bytes at offset {error.start}). Re-save it as UTF-8 text.") from None
    if b"\x00" in data:
        raise CorpusError(f"{path.name} contains NUL bytes (first at offset {data.index(0)}): it is a binary file (PDF, Word, image) "
                          "or UTF-16 text without a byte-order mark, not a plain-text article. Save the article as UTF-8 text "
                          "(.txt) or remove its row from metadata.csv.")
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as error:
        problem = f"bytes are not UTF-8 (first bad byte at offset {error.start})"
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, encoding, (f"{problem}; decoded as {encoding}. Check accented letters and quotes, "
                                "then save the file as UTF-8 to silence this warning.")
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def fingerprint(files: list[Path], metadata: Path, other_names: list[str] = ()) -> str:
    """SHA-256 over the metadata, each listed article's name and bytes, and the names of other files (first 16 hex digits).

    Only ``files`` (the articles metadata.csv lists, already checked to be regular files) are read: an unlisted
    FIFO or device in the folder is never opened. ``other_names`` (unlisted files) count by name, as they only
    appear in the warnings.
    """
    digest = hashlib.sha256()
    for path in [metadata, *sorted(files)]:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    for name in sorted(other_names):
        digest.update(b"unlisted\0" + name.encode("utf-8", errors="surrogateescape") + b"\0")
    return digest.hexdigest()[:16]


def _unlisted_names(directory: Path, metadata: pd.DataFrame) -> list[str]:
    """Names of the folder's visible entries that are neither metadata.csv nor listed in it."""
    listed = set(metadata["file"]) | {METADATA_FILE}
    return sorted(entry.name for entry in directory.iterdir() if entry.name not in listed and not entry.name.startswith("."))


def check_article_path(directory: Path, name: str, where: str) -> Path:
    """The path of a metadata ``file`` value, checked to be a regular file directly inside ``directory``.

    ``where`` names the metadata row for the message. Refuses absolute paths, sub-folders, ``..``, links that
    lead out of the folder, and anything that is not a regular file (folders, FIFOs, devices, sockets).
    """
    fix = "Put the article in the corpus folder and give its bare file name (such as article.txt) in metadata.csv."
    if name in (".", "..") or any(char in name for char in "/\\\0") or Path(name).is_absolute() or name != Path(name).name:
        raise CorpusError(f"{where}: file {name!r} is not a bare file name inside {directory}. {fix}")
    path = directory / name
    if not os.path.lexists(path):
        raise CorpusError(f"{where}: file {name!r} is not in {directory}. Add the article or delete the row.")
    real = path.resolve()
    if real.parent != directory.resolve():
        raise CorpusError(f"{where}: file {name!r} is a link to {real}, outside the corpus folder {directory}. "
                          f"Copy the article into the folder instead of linking to it. {fix}")
    try:
        mode = real.stat().st_mode
    except OSError as error:
        raise CorpusError(f"{where}: file {name!r} cannot be read ({error.strerror}). Check it exists and is readable.") from None
    if not stat.S_ISREG(mode):
        raise CorpusError(f"{where}: file {name!r} is not a regular file (a folder, pipe or device). "
                          "Only plain-text article files can be read; remove the row or replace the entry with the article.")
    return path


def read_metadata(directory: Path) -> pd.DataFrame:
    """Read and validate ``metadata.csv``; errors name the row (as numbered in the file) and the fix."""
    path = directory / METADATA_FILE
    if not path.exists():
        raise CorpusError(f"{path} not found. Every corpus folder needs a metadata.csv with columns "
                          f"{', '.join(METADATA_COLUMNS)} (see README, 'Bring your own corpus').")
    check_article_path(directory, METADATA_FILE, str(directory))  # a regular file, not a link leading out of the folder
    with path.open("rb") as handle:
        header = handle.readline(10_000)
    if header.count(b";") >= len(METADATA_COLUMNS) - 1 and b"," not in header:
        raise CorpusError(f"{path} is separated by semicolons (;), as some spreadsheet programs save CSV in European locales. "
                          "Save it with commas as separators (CSV UTF-8, comma-delimited).")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CorpusError(f"{path} is not UTF-8 text (bad byte at offset {error.start}). Save it as CSV UTF-8.") from None
    except pd.errors.ParserError as error:
        raise CorpusError(f"{path} cannot be read as CSV ({str(error).strip()}). Check that every row has the header's columns, "
                          "and quote values that contain commas.") from None
    table.columns = [column.strip() for column in table.columns]
    missing = [column for column in METADATA_COLUMNS if column not in table.columns]
    if missing:
        raise CorpusError(f"{path} lacks column(s) {', '.join(missing)}. Add them to the header (url and notes may be empty).")
    table = table[METADATA_COLUMNS].apply(lambda column: column.str.strip())
    table.insert(0, "row", np.arange(2, len(table) + 2))  # line number in the file, header is line 1
    # Plain files (not links) directly in the folder pass check_article_path; one listing of the folder tells them
    # apart, so only the others (links, missing names, odd names) take its slower checks, which word the error.
    plain_files = {entry.name for entry in os.scandir(directory) if entry.is_file(follow_symlinks=False)
                   and "\\" not in entry.name}
    for row in table.itertuples(index=False):
        for column in REQUIRED_VALUES:
            if not getattr(row, column):
                raise CorpusError(f"{path}, row {row.row}: '{column}' is empty. Fill it in (see README for the schema).")
        try:
            published_interval(row.published)
        except ValueError:
            raise CorpusError(f"{path}, row {row.row} ({row.file}): published {row.published!r} is not an ISO date. "
                              "Write YYYY, YYYY-MM or YYYY-MM-DD, as precise as the evidence allows.") from None
        if row.file not in plain_files:
            check_article_path(directory, row.file, f"{path}, row {row.row}")
    for column in ("file", "doc_id"):
        repeated = table[table[column].duplicated(keep=False)]
        if not repeated.empty:
            rows = ", ".join(str(r) for r in repeated["row"])
            raise CorpusError(f"{path}, rows {rows}: {column} {repeated[column].iloc[0]!r} appears more than once. "
                              f"Each {column} must be unique.")
    return table


def assign_period(published: str, periods: list[Period]) -> str | None:
    """The period whose interval contains the whole of ``published``'s interval, or None."""
    first, last = published_interval(published)
    for period in periods:
        if period.start <= first and last <= period.end:
            return period.name
    return None


def _normalized(text: str) -> str:
    """Lower case, runs of white space as one space: the form in which two texts or sentences are compared."""
    return " ".join(text.lower().split())


def sentence_keys(sentences) -> np.ndarray:
    """A 32-bit hash of each sentence, case and white space ignored: what near-duplicate detection compares.

    ``sentences`` is a list or a Series of texts (read in slices, so a corpus's sentences are never all Python strings
    at once)."""
    keys = np.empty(len(sentences), dtype=np.int64)
    for start in range(0, len(sentences), 100_000):
        piece = (sentences.iloc[start:start + 100_000].tolist() if isinstance(sentences, pd.Series)
                 else sentences[start:start + 100_000])
        keys[start:start + len(piece)] = [zlib.crc32(_normalized(text).encode("utf-8")) for text in piece]
    return keys


def sentence_set_matrix(doc_codes: np.ndarray, sentences, n_docs: int, hashed: bool = False):
    """Binary sparse matrix (documents x distinct sentences): which normalized sentences each document has.

    ``sentences`` are texts, or with ``hashed`` their :func:`sentence_keys`."""
    codes, _ = pd.factorize(sentences if hashed else sentence_keys(sentences))
    matrix = sparse.csr_matrix((np.ones(len(codes)), (doc_codes, codes)), shape=(n_docs, max(len(_), 1)))
    matrix.data[:] = 1.0  # a sentence repeated inside one article counts once
    matrix.sort_indices()
    return matrix


def _minhash_signatures(shingles, n_hashes: int) -> np.ndarray:
    """MinHash signature (one column per seeded hash function) of each row's set of column ids."""
    prime = 2**31 - 1
    rng = np.random.default_rng(MINHASH_SEED)
    multipliers = rng.integers(1, prime, size=n_hashes, dtype=np.int64)
    offsets = rng.integers(0, prime, size=n_hashes, dtype=np.int64)
    ids = shingles.indices.astype(np.int64)
    lengths = np.diff(shingles.indptr)
    filled = lengths > 0
    starts = shingles.indptr[:-1][filled]
    signatures = np.empty((shingles.shape[0], n_hashes), dtype=np.int64)
    # Rows with no element get a unique sentinel so they never collide.
    signatures[~filled] = prime + np.arange(shingles.shape[0])[~filled, None]
    for column in range(n_hashes):
        hashed = (multipliers[column] * ids + offsets[column]) % prime
        signatures[filled, column] = np.minimum.reduceat(hashed, starts) if len(starts) else []
    return signatures


def pair_overlaps(sets, sizes: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Jaccard overlap of the row pairs ``(first[k], second[k])`` of a binary sparse matrix whose row sizes are
    ``sizes``, computed ``PAIR_SLICE`` pairs at a time, so memory stays bounded however many pairs are checked.
    The exact overlap :func:`band_pairs` checks every candidate with (on both engines)."""
    overlaps = np.zeros(len(first))
    for start in range(0, len(first), PAIR_SLICE):
        a, b = first[start:start + PAIR_SLICE], second[start:start + PAIR_SLICE]
        shared = np.asarray(sets[a].multiply(sets[b]).sum(axis=1)).ravel()
        union = sizes[a] + sizes[b] - shared
        with np.errstate(invalid="ignore", divide="ignore"):
            overlaps[start:start + len(a)] = np.where(union > 0, shared / union, 0.0)
    return overlaps


def row_groups(rows: np.ndarray) -> np.ndarray:
    """A group number for each row of a 2-D integer array, the same for two rows exactly when they are equal (the
    groups of ``np.unique(rows, axis=0, return_inverse=True)``, numbered in the rows' sorted order, found by one
    ``lexsort`` instead of ``np.unique``'s sort of the rows as byte strings, several times slower).

    >>> row_groups(np.array([[3, 1], [2, 9], [3, 1], [2, 8]])).tolist()
    [2, 1, 2, 0]
    """
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort(rows.T[::-1])  # by the first column, then the second, ...
    ordered = rows[order]
    starts = np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)]
    groups = np.empty(len(rows), dtype=np.int64)
    groups[order] = np.cumsum(starts) - 1
    return groups


def _bucket_pairs(bucket: np.ndarray):
    """Every pair ``(i, j)``, ``i < j``, of rows with the same bucket id, yielded as two arrays of at most
    ``PAIR_SLICE`` pairs: rows alone in their bucket are dropped, and the members of a bucket (sorted) are paired
    with the member ``distance`` places later, one distance at a time, so pairs are never all held at once."""
    order = np.argsort(bucket, kind="stable")
    sorted_buckets = bucket[order]
    starts = np.flatnonzero(np.r_[True, sorted_buckets[1:] != sorted_buckets[:-1]])
    ends = np.r_[starts[1:], len(order)]
    group_end = np.repeat(ends, ends - starts)
    positions = np.arange(len(order))
    distance = 1
    active = positions[group_end - positions > distance]
    while len(active):
        for start in range(0, len(active), PAIR_SLICE):
            piece = active[start:start + PAIR_SLICE]
            yield order[piece], order[piece + distance]
        distance += 1
        active = active[group_end[active] - active > distance]


def band_pairs(band_keys: np.ndarray, sets, sizes: np.ndarray, threshold: float = NEAR_DUPLICATE_JACCARD,
               pairing: np.ndarray | None = None):
    """The near-duplicate check of MinHash candidates: yields arrays ``(first, second, jaccard)`` of the row pairs
    (``first < second``) that share a band key and whose sets (rows of the binary sparse matrix ``sets``, of sizes
    ``sizes``) overlap at least ``threshold``.

    ``band_keys[r, band]`` is row r's key in each band (integers equal exactly when the band's hashes are). A pair is
    checked in the first band where its keys agree (later bands skip it), ``PAIR_SLICE`` pairs at a time, so memory is
    bounded by the pairs found, not by the candidates (quadratic in the number of rows sharing a key). ``pairing``: the
    keys pairs are formed from, when only some of ``band_keys`` may pair (a Dask bucket holds some bands' keys of its
    rows; every other entry is unique); the first-band rule always reads ``band_keys``. The one kernel of the local
    loader (:func:`near_duplicate_pairs`) and the Dask band reduce (``partitioned.band_candidates``)."""
    pairing = band_keys if pairing is None else pairing
    for band in range(band_keys.shape[1]):
        for first, second in _bucket_pairs(pairing[:, band]):
            seen = (band_keys[first, :band] == band_keys[second, :band]).any(axis=1)
            first, second = first[~seen], second[~seen]
            jaccard = pair_overlaps(sets, sizes, first, second)
            keep = jaccard >= threshold
            yield first[keep], second[keep], jaccard[keep]


def near_duplicate_pairs(shingles, threshold: float = NEAR_DUPLICATE_JACCARD) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, jaccard)`` of rows (``i < j``) of a binary sparse matrix whose sets overlap at least ``threshold``.

    Candidates come from MinHash locality-sensitive hashing (20 bands of 7 hashes: a pair at 0.8
    overlap is a candidate with probability 0.99, at 0.9 with probability above 0.99999); each
    candidate's overlap is then computed exactly (:func:`band_pairs`),
    so the result never reports a pair below ``threshold``.
    """
    if shingles.shape[0] < 2:
        return []
    signatures = _minhash_signatures(shingles, LSH_BANDS * LSH_ROWS)
    sizes = np.asarray(shingles.sum(axis=1)).ravel()
    band_keys = np.column_stack([row_groups(signatures[:, band * LSH_ROWS:(band + 1) * LSH_ROWS])
                                 for band in range(LSH_BANDS)])
    found = list(band_pairs(band_keys, shingles, sizes, threshold))
    if not found:
        return []
    first, second, jaccard = (np.concatenate(side) for side in zip(*found))
    order = np.lexsort((second, first))
    return [(int(i), int(j), float(v)) for i, j, v in zip(first[order], second[order], jaccard[order])]


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    return frozenset(read_word_list("english_function_words.txt"))


# ASCII letters (A-Z, a-z: str.isalpha below 128), for bytes.translate to delete from a text's UTF-8 bytes, where each is
# one byte and no other character's bytes contain one: counted so, ten times faster than testing each character in
# Python. The characters beyond ASCII are few in English text and tested one by one.
ASCII_LETTERS = bytes(code for code in range(128) if chr(code).isalpha())
BEYOND_ASCII = re.compile(r"[^\x00-\x7f]")


def _language_warning(text: str, words: list[str] | None = None) -> str | None:
    """A warning when a text is mostly in a non-Latin script, or has 50+ words but few English function words.

    ``words`` are the text's lower-cased words (``WORD_PATTERN`` matches) when the caller has them already."""
    data = text.encode("utf-8", "surrogatepass")
    n_ascii = len(data) - len(data.translate(None, ASCII_LETTERS))
    others = [char for char in BEYOND_ASCII.findall(text) if char.isalpha()]
    n_latin = n_ascii + sum(ord(char) <= LATIN_LAST_CODE_POINT for char in others)
    n_letters = n_ascii + len(others)
    if n_letters >= LATIN_MIN_LETTERS:
        latin = n_latin / n_letters
        if latin < LATIN_MIN_SHARE:
            return (f"only {latin:.0%} of its {n_letters:,} letters are in the Latin alphabet; it is probably not in English. "
                    "It was kept: remove it from the corpus if it is not English-language coverage.")
    words = WORD_PATTERN.findall(text.lower()) if words is None else words
    if len(words) < ENGLISH_MIN_WORDS:
        return None
    share = sum(map(_english_words().__contains__, words)) / len(words)
    if share >= ENGLISH_MIN_SHARE:
        return None
    return (f"only {share:.0%} of its {len(words):,} words are common English function words (English news has about a third); "
            "it may not be in English. It was kept: remove it from the corpus if it is not English-language coverage.")


def _punkt_pieces(text: str, limit: int = PUNKT_PIECE_CHARS) -> list[tuple[int, int]]:
    """Split a long text into spans of at most ``limit`` characters, at a sentence end or a space where there is one.

    Punkt runs its regular expressions under a wall-clock guard; pieces of bounded size keep every call far below
    it on any machine, so an outsize paragraph is segmented instead of failing when the computer is busy.
    """
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
        cut = cut + 2 if cut > limit // 2 else (window.rfind(" ") + 1 if window.rfind(" ") > limit // 2 else limit)
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, len(text)))
    return pieces


def bounded_sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """:func:`analysis.corpus.segment.sentence_spans` on pieces of at most ``PUNKT_PIECE_CHARS`` characters."""
    if len(text) <= PUNKT_PIECE_CHARS:
        return sentence_spans(text, offset=offset)
    return [span for start, end in _punkt_pieces(text) for span in sentence_spans(text[start:end], offset=offset + start)]


def _worker_pool(n_documents: int):
    """Two worker processes for a large corpus; None (work in this process) when starting them would cost more."""
    if n_documents < PARALLEL_MIN_DOCUMENTS or (os.cpu_count() or 1) < 2:
        return contextlib.nullcontext()
    return ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1))


def _map_documents(pool, directory: Path, rows: list[dict], periods: list[Period], repeated: dict | None = None,
                   keep_raw: bool = True):
    """Process every metadata row in batches, in ``pool``'s processes (None: here); yields each batch's result
    (see :func:`_process_batch`) in row order.

    ``repeated`` maps an outlet to the lines that recur across its articles (furniture, see cleaning.repeated_lines).
    """
    repeated = repeated or {}
    jobs = [(directory, row, periods, repeated.get(row["outlet"], frozenset())) for row in rows]
    batches = [jobs[start:start + BATCH_DOCUMENTS] for start in range(0, len(jobs), BATCH_DOCUMENTS)]
    yield from (pool.map if pool else map)(_process_batch, batches, [True] * len(batches), [keep_raw] * len(batches))


def _repeated_lines(pool, directory: Path, rows: list[dict]) -> dict[str, frozenset[str]]:
    """:func:`analysis.corpus.cleaning.repeated_lines` of the rows' articles, counted batch by batch in ``pool``'s
    processes (None: here) while this process adds the counts up."""
    batches = [(directory, rows[start:start + BATCH_DOCUMENTS]) for start in range(0, len(rows), BATCH_DOCUMENTS)]
    return recurring_by_outlet((pool.map if pool else map)(_count_batch_lines, batches))


def _count_batch_lines(batch: tuple[Path, list[dict]]) -> tuple:
    """:func:`analysis.corpus.cleaning.count_lines` of one batch of rows, read from their files or given texts."""
    directory, rows = batch
    return count_lines((row["outlet"], row["title"], _raw_text(directory, row)[0]) for row in rows)


def _process_batch(jobs: list[tuple], duplicate_keys: bool = False, keep_raw: bool = True) -> dict:
    """:func:`_process_document` for consecutive rows, their documents, paragraphs and sentences returned as tables:
    compact to send between processes and to keep, so the Python objects of a whole corpus's texts never exist at once.

    With ``duplicate_keys``, also what duplicate detection compares, computed here in the worker rather than by the
    main process once every batch is in: ``digests`` (of each document's text, see :func:`_text_digests`) and
    ``sentence_keys`` (:func:`sentence_keys`), in the order of the batch's documents and sentences.

    Without ``keep_raw``, the documents carry the length of each article's raw text (``n_chars``) instead of the
    text, which a run's corpus leaves out (:func:`without_raw_text`): it is then never sent back nor copied."""
    out = {key: [] for key in ("warnings", "excluded", "documents", "paragraphs", "sentences", "removed", "digests")}
    for job in jobs:
        for key, items in _process_document(*job).items():
            out[key].extend(items)
    digests = out.pop("digests")  # one per document, made from the text the worker had at hand
    # The sentences' keys from their texts while they are Python strings, not read back from the table's column.
    keys = sentence_keys([record[-1] for record in out["sentences"]]) if duplicate_keys else None  # text: last field
    if not keep_raw:
        for record in out["documents"]:
            record["n_chars"] = len(record.pop("raw"))
    out["documents"] = pd.DataFrame.from_records(out["documents"], columns=DOCUMENT_FIELDS if keep_raw else LENGTH_FIELDS)
    out["paragraphs"] = pd.DataFrame.from_records(out["paragraphs"], columns=PARAGRAPH_FIELDS)
    out["sentences"] = pd.DataFrame.from_records(out["sentences"], columns=SENTENCE_FIELDS)
    if duplicate_keys:
        out["digests"] = digests
        out["sentence_keys"] = keys
    return out


def _concat(tables: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """Batches' tables as one (empty ones left out, as their columns carry no type)."""
    filled = [table for table in tables if len(table)]
    return pd.concat(filled, ignore_index=True) if filled else pd.DataFrame.from_records([], columns=columns)


def _raw_text(directory: Path, row: dict) -> tuple[str, str, str | None]:
    """An article's text, encoding and decoding problem: given by a table or web-page reader, or read from its file."""
    if "text" in row:
        return row["text"], row.get("encoding") or "utf-8", None
    return read_text(directory / row["file"])


def _process_document(directory: Path, row: dict, periods: list[Period], repeated: frozenset = frozenset()) -> dict:
    """Read, date, clean and segment one article; return its table rows, exclusions and warnings, and the digest of its
    text that duplicate detection compares (``digests``: :func:`_text_digests` of a kept article)."""
    out = {key: [] for key in ("warnings", "excluded", "documents", "paragraphs", "sentences", "removed", "digests")}
    file, doc_id, outlet = row["file"], row["doc_id"], row["outlet"]
    raw, encoding, problem = _raw_text(directory, row)
    if len(raw) > MAX_ARTICLE_CHARS:
        record = {key: row[key] for key in METADATA_COLUMNS} | {"encoding": encoding, "raw": ""}
        out["excluded"].append({**record, "reason": "outsize file"})
        out["warnings"].append({"kind": "outsize file", "file": file,
                                "message": f"has {len(raw):,} characters, more than the {MAX_ARTICLE_CHARS:,} one article can have; "
                                           "excluded. It is probably several articles or a whole export in one file: "
                                           "split it into one .txt file per article, each with its metadata row."})
        return out
    if problem:
        out["warnings"].append({"kind": "encoding", "file": file, "message": problem})
    record = {key: row[key] for key in METADATA_COLUMNS} | {"encoding": encoding, "raw": raw}
    period = assign_period(row["published"], periods)
    if period is None:
        names = ", ".join(f"{p.name} ({p.start}–{p.end})" for p in periods)
        out["excluded"].append({**record, "reason": "outside every period"})
        out["warnings"].append({"kind": "outside periods", "file": file,
                                "message": f"published {row['published']} is not wholly inside any period ({names}); excluded. "
                                           "Correct 'published' or widen the periods parameter."})
        return out
    if not raw.strip():
        out["excluded"].append({**record, "reason": "empty file"})
        out["warnings"].append({"kind": "empty file", "file": file,
                                "message": "is empty and was excluded. Replace it with the article text."})
        return out
    kept, dropped = find_boilerplate(raw, title=row["title"], outlet=outlet, repeated=repeated)
    out["removed"] = [{"doc_id": doc_id, "file": file, **item} for item in dropped]
    paras = paragraph_spans(raw, kept)
    if not paras:
        out["excluded"].append({**record, "reason": "only boilerplate"})
        out["warnings"].append({"kind": "empty file", "file": file,
                                "message": "has no text left after boilerplate cleaning and was excluded. Check it is an article."})
        return out
    text = " ".join(raw[s:e] for s, e in paras)
    # Words never span the joining space, and lower-casing that maps each character to one changes no character's
    # class (a test checks every code point): the words of the lower-cased text then serve both the language check and
    # the word count. Where a character lowers to two ('İ'), the paragraphs' words are counted as they are.
    lowered = text.lower()
    words = WORD_PATTERN.findall(lowered) if len(lowered) == len(text) else None
    language_problem = _language_warning(text, words)
    if language_problem:
        out["warnings"].append({"kind": "not English?", "file": file, "message": language_problem})
    n_words = len(words) if words is not None else sum(len(WORD_PATTERN.findall(raw[s:e])) for s, e in paras)
    out["documents"].append({**record, "period": period, "n_words": n_words})  # counted once, here in the worker
    # The paragraphs' normalised texts joined by a space, as _text_digests feeds them: the lower case of the joined
    # paragraphs is that of each (a space between them is neither a letter nor ignored by casing, so a final sigma
    # stays final), and every paragraph has a word.
    out["digests"].append(hashlib.sha256(" ".join(lowered.split()).encode("utf-8", "surrogatepass")).digest())
    if n_words < MIN_ARTICLE_WORDS and not language_problem:  # words are not counted across scripts without spaces
        out["warnings"].append({"kind": "very short", "file": file,
                                "message": f"has only {n_words} word{'s' if n_words != 1 else ''} after cleaning; it was kept. "
                                           "Check it is the whole article and not a headline, a stub or a failed export."})
    headlines, datelines = heading_marks([raw[s:e] for s, e in paras], row["title"])
    for para_no, (start, end) in enumerate(paras, start=1):
        para_id = f"{doc_id}:p{para_no:03d}"
        out["paragraphs"].append((para_id, doc_id, period, outlet, para_no, start, end, raw[start:end],
                                  headlines[para_no - 1], datelines[para_no - 1]))  # PARAGRAPH_FIELDS
        for s_start, s_end in bounded_sentence_spans(raw[start:end], offset=start):
            out["sentences"].append((doc_id, para_id, period, outlet, s_start, s_end, raw[s_start:s_end]))  # SENTENCE_FIELDS
    return out


def read_other_form(path: Path, columns: dict | None = None):
    """A table file or a folder of saved web pages, read into metadata rows and texts; None for a folder of .txt files."""
    from analysis.corpus import html as corpus_html  # imported here: both use this module's errors and checks
    from analysis.corpus import tables as corpus_tables

    if path.is_file():
        if not corpus_tables.is_table_file(path):
            raise CorpusError(f"Parameter 'corpus_dir': {path} is a file but not a table ("
                              f"{', '.join(corpus_tables.TABLE_SUFFIXES)}). Point it at a table of articles or a folder.")
        return corpus_tables.read_table_corpus(path, columns)
    if corpus_html.is_html_folder(path):
        return corpus_html.read_html_corpus(path)
    return None


def source_fingerprint(path: Path) -> str | None:
    """The fingerprint of a corpus in any form without loading it (None when its metadata is not there yet)."""
    from analysis.corpus import html as corpus_html
    from analysis.corpus import tables as corpus_tables

    if corpus_tables.is_table_file(path):
        return corpus_tables.file_fingerprint([path])
    metadata = path / METADATA_FILE
    if not metadata.is_file():
        return None
    if corpus_html.is_html_folder(path):
        return fingerprint(corpus_html.page_files(path), metadata)
    return _listed_fingerprint(path, read_metadata(path))  # checks every listed file before reading any


def _listed_fingerprint(directory: Path, metadata: pd.DataFrame) -> str:
    """The fingerprint of a folder of .txt articles: only the files metadata.csv lists are read (a FIFO never is)."""
    return fingerprint([directory / name for name in metadata["file"]], directory / METADATA_FILE,
                       _unlisted_names(directory, metadata))


def file_states(directory: Path, metadata: pd.DataFrame) -> str:
    """A digest of what the operating system records of metadata.csv and each listed article (size, modification and
    change times in nanoseconds, inode and device) and of the unlisted names: it changes whenever a file is written,
    replaced or renamed, as the change time cannot be set back (the test ``git status`` makes of its files)."""
    digest = hashlib.sha256()
    folder = os.fspath(directory)
    for name in [METADATA_FILE, *sorted(metadata["file"])]:
        info = os.stat(os.path.join(folder, name))
        digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\0{info.st_dev}\n"
                      .encode("utf-8", "surrogateescape"))
    for name in _unlisted_names(directory, metadata):
        digest.update(b"unlisted\0" + name.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def remembered_fingerprint(directory: Path, metadata: pd.DataFrame, reports_dir: str | Path,
                           meanwhile: Callable[[], object] | None = None) -> tuple[str, object]:
    """:func:`_listed_fingerprint` of a folder of .txt articles, computed once per run: the first notebook stores it
    under ``reports_dir`` with the files' :func:`file_states`, and later notebooks reuse it while no file has changed
    (reading and hashing every article again cost each notebook 10 s at 100,000 articles; the states, 0.5 s).
    Notebooks starting at once compute it once: the first holds ``<path>.lock`` while it reads, the others wait and
    then reuse what it stored.

    Returns (fingerprint, what ``meanwhile`` returned). When the fingerprint has to be computed, ``meanwhile`` (the
    loading of the corpus) runs while a thread reads and hashes the files: reading them from disk the first time is
    mostly waiting, which the loading's processes fill. When a stored fingerprint serves, ``meanwhile`` is not called
    and None stands for its result.
    """
    path = Path(reports_dir) / CACHE_FOLDER / f"fingerprint-{hashlib.sha256(os.fsencode(directory)).hexdigest()[:16]}.json"
    states = file_states(directory, metadata)
    value = _stored_fingerprint(path, states)
    if value is not None:
        return value, None
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(path.with_name(f"{path.name}.lock")):
        value = _stored_fingerprint(path, states)  # stored by the notebook that held the lock before
        if value is not None:
            return value, None
        hasher = ThreadPoolExecutor(max_workers=1)
        try:
            hashing = hasher.submit(_listed_fingerprint, directory, metadata)
            result = meanwhile() if meanwhile is not None else None
            value = hashing.result()
        finally:
            hasher.shutdown(wait=False, cancel_futures=True)  # a failed loading does not wait for the hashing
        if file_states(directory, metadata) == states:  # no file changed while it was read: the pair is true
            temporary = path.with_name(f"{path.name}.tmp-{os.getpid()}")
            temporary.write_text(json.dumps({"states": states, "fingerprint": value}), encoding="utf-8")
            temporary.replace(path)  # whole or not at all: a notebook reading it meanwhile never sees half
    return value, result


def _stored_fingerprint(path: Path, states: str) -> str | None:
    """The fingerprint stored at ``path`` for files in ``states`` (see :func:`remembered_fingerprint`), or None."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # not there yet, or unreadable: computed again
        return None
    if stored.get("states") == states and isinstance(stored.get("fingerprint"), str):
        return stored["fingerprint"]
    return None


def load_corpus(corpus_dir: str | Path | None = None, periods: dict | None = None, columns: dict | None = None) -> Corpus:
    """Load, validate, clean and segment a corpus.

    ``corpus_dir`` is a folder of ``*.txt`` articles and ``metadata.csv`` (empty or None: the project's ``seeds/``),
    one table file (CSV, TSV, JSONL, Parquet; ``columns`` names its columns, see :mod:`analysis.corpus.tables`), or a
    folder of saved ``.html`` pages (see :mod:`analysis.corpus.html`);
    ``periods`` maps period names to ``[first day, last day]`` (None: 2014–2015 and 2023–2024).
    Fatal problems raise :class:`CorpusError`; the rest are listed in ``corpus.warnings``.

    >>> corpus = load_corpus()
    >>> corpus.documents[["doc_id", "period", "n_paragraphs"]].head(2)
                     doc_id     period  n_paragraphs
    0  vestnik-kavkaza-2014  2014–2015             6
    1      asianews-2015-05  2014–2015             9
    """
    period_list = parse_periods(periods)
    directory = resolve(corpus_dir, SEEDS_DIR)
    other_form = read_other_form(directory, columns)
    if other_form is not None:
        return _load_rows(directory, other_form.metadata, list(other_form.warnings), period_list,
                          other_form.fingerprint, other_form.texts)
    if not directory.is_dir():
        raise CorpusError(f"Parameter 'corpus_dir': {directory} is not a folder. Point it at a folder of .txt files and metadata.csv.")
    return _load_folder(directory, period_list, read_metadata(directory))


def _load_folder(directory: Path, period_list: list[Period], metadata: pd.DataFrame,
                 corpus_fingerprint: str | None = None, keep_raw: bool = True) -> Corpus:
    """A folder of .txt articles from its checked metadata, with its fingerprint when the caller has it already
    (without ``keep_raw``, the documents carry only the raw text's length: see :func:`_process_batch`)."""
    return _load_rows(directory, metadata, folder_warnings(directory, metadata), period_list,
                      _listed_fingerprint(directory, metadata) if corpus_fingerprint is None else corpus_fingerprint,
                      keep_raw=keep_raw)


def folder_warnings(directory: Path, metadata: pd.DataFrame) -> list[dict]:
    """Warnings about a .txt folder's files that are not read: articles without a metadata row, other files."""
    warnings: list[dict] = []
    names = sorted(entry.name for entry in os.scandir(directory))  # one listing, names compared as strings: no Paths
    listed = set(metadata["file"])
    for name in names:
        if name.endswith(".txt") and name not in listed:
            warnings.append({"kind": "no metadata", "file": name,
                             "message": "has no row in metadata.csv and was skipped. Add a row to include it."})
    for name in names:
        if (Path(name).suffix != ".txt" and name != METADATA_FILE and not name.startswith(".")
                and (directory / name).is_file()):
            warnings.append({"kind": "ignored file", "file": name,
                             "message": "is not a .txt article or metadata.csv and was ignored."})
    return warnings


def outlet_spelling_warnings(documents: pd.DataFrame) -> list[dict]:
    """A warning for each group of outlet names that differ only in capitals or spacing ("Reuters", "REUTERS"): they
    count as different outlets, so as different independent sources, which the verdicts count. Nothing is merged (two
    names may be two outlets); the warning names each spelling with its articles. ``documents``: the articles' ``file``
    and ``outlet``; a warning's file is the first file of a spelling other than the most used one.

    >>> docs = pd.DataFrame({"file": ["a.txt", "b.txt", "c.txt", "d.txt"], "outlet": ["Reuters", "REUTERS", "Reuters", "TASS"]})
    >>> [(w["file"], w["message"][:72]) for w in outlet_spelling_warnings(docs)]
    [('b.txt', "The outlet names 'Reuters' (2 articles) and 'REUTERS' (1 article) differ")]
    """
    outlets = documents["outlet"].fillna("").astype(str)
    keys = outlets.str.casefold().str.split().str.join(" ")
    spellings = outlets.groupby(keys).nunique()
    warnings = []
    for key in sorted(spellings[spellings > 1].index):
        group = documents[keys == key]
        counts = group.groupby("outlet")["file"].agg(["size", "min"]).reset_index()
        counts = counts.sort_values(["size", "outlet"], ascending=[False, True], ignore_index=True)
        names = [f"{row.outlet!r} ({row.size:,} article{'' if row.size == 1 else 's'})" for row in counts.itertuples()]
        warnings.append({
            "kind": "outlet spelling", "file": str(counts["min"].iloc[1:].min()),
            "message": f"The outlet names {', '.join(names[:-1])} and {names[-1]} differ only in capitals or spacing, so "
                       f"they count as {len(names)} outlets and {len(names)} independent sources. If they are one outlet, "
                       "spell its name one way in the corpus's metadata."})
    return warnings


def _load_rows(directory: Path, metadata: pd.DataFrame, warnings: list[dict], period_list: list[Period],
               corpus_fingerprint: str, texts: dict[str, str] | None = None, keep_raw: bool = True) -> Corpus:
    """Clean, segment and de-duplicate the articles of validated metadata rows (texts given, or read from files)."""
    rows = [row._asdict() for row in metadata.sort_values(["published", "doc_id"]).itertuples(index=False)]
    if texts is not None:
        rows = [{**row, "text": texts[row["file"]]} for row in rows]
    documents, paragraphs, sentences, removed, excluded, digests, keys = [], [], [], [], [], [], []
    with _worker_pool(len(rows)) as pool:  # furniture lines are counted in the same processes that then clean
        repeated = _repeated_lines(pool, directory, rows)
        for result in _map_documents(pool, directory, rows, period_list, repeated, keep_raw):
            warnings.extend(result["warnings"])
            excluded.extend(result["excluded"])
            documents.append(result["documents"])
            paragraphs.append(result["paragraphs"])
            sentences.append(result["sentences"])
            removed.extend(result["removed"])
            digests.extend(result["digests"])
            keys.append(result["sentence_keys"])

    docs = _concat(documents, DOCUMENT_FIELDS if keep_raw else LENGTH_FIELDS)
    paras = _concat(paragraphs, PARAGRAPH_FIELDS)
    sents = _concat(sentences, SENTENCE_FIELDS)
    del documents, paragraphs, sentences  # the batches' tables, now one
    dropped, duplicate_warnings, duplicate_rows = _find_duplicates(docs, paras, sents, digests, np.concatenate(
        keys or [np.empty(0, dtype=np.int64)]))
    warnings.extend(duplicate_warnings)
    excluded.extend(duplicate_rows)
    _check_coverage(docs.loc[~docs["doc_id"].isin(dropped), ["period"]], period_list, directory, duplicate_rows)
    docs, paras, sents = _finish_tables(docs, paras, sents, period_list, dropped)
    warnings.extend(outlet_spelling_warnings(docs))
    corpus = Corpus(
        name=directory.stem if directory.is_file() else directory.name,
        directory=directory,
        periods=period_list,
        documents=docs,
        paragraphs=paras,
        sentences=sents,
        removed=pd.DataFrame(removed, columns=REMOVED_COLUMNS).sort_values(["doc_id", "line_no"], ignore_index=True),
        warnings=pd.DataFrame(warnings, columns=WARNING_COLUMNS).sort_values(["kind", "file"], ignore_index=True),
        fingerprint=corpus_fingerprint,
        excluded=pd.DataFrame(excluded).drop(columns=["raw"], errors="ignore"),
    )
    del rows, removed, warnings, excluded, repeated
    release_memory()  # the batches' Python objects and the tables' earlier copies: 40 % of the process at 20,000 articles
    return corpus


def resolve_duplicates(exact: dict[int, int], pairs) -> dict[int, tuple[int, float]]:
    """Which article each dropped copy repeats: ``exact`` maps a copy to the first article with its text; ``pairs``
    (``i < j``, sorted, positions in corpus order) are near-duplicates, and ``j`` goes unless either is already gone."""
    duplicate_of = {index: (first, 1.0) for index, first in exact.items()}
    for i, j, jaccard in pairs:
        if j not in duplicate_of and i not in duplicate_of:
            duplicate_of[j] = (i, jaccard)
    return duplicate_of


def duplicate_record(doc: dict, kept: dict, jaccard: float, exact_copy: bool) -> tuple[dict, dict]:
    """The warning and the excluded row for ``doc``, dropped as a copy of ``kept`` (metadata rows as dicts; the word
    count and the text's length, taken for kept articles, are left out)."""
    kind = "exact duplicate" if exact_copy else "near duplicate"
    warning = {"kind": kind, "file": doc["file"],
               "message": f"repeats {kept['file']} ({jaccard:.0%} of their distinct sentences shared); kept {kept['file']} only. "
                          "Remove one copy from the corpus if this is not intended."}
    row = {key: value for key, value in doc.items() if key not in ("n_words", "n_chars")}
    return warning, {**row, "reason": f"{kind} of {kept['doc_id']}"}


def _text_digests(doc_ids: pd.Series, paras: pd.DataFrame) -> list[bytes]:
    """SHA-256 of each article's normalised text (its paragraphs joined by a space), fed paragraph by paragraph in
    slices: the same digest as of the joined text, without the joined texts of the whole corpus at once."""
    hashers = {doc_id: hashlib.sha256() for doc_id in doc_ids}
    started = set()
    for start in range(0, len(paras), 100_000):
        piece = paras.iloc[start:start + 100_000]
        for doc_id, text in zip(piece["doc_id"].tolist(), piece["text"].tolist()):
            words = _normalized(text)
            if words and doc_id in hashers:
                if doc_id in started:
                    hashers[doc_id].update(b" ")
                started.add(doc_id)
                hashers[doc_id].update(words.encode("utf-8", "surrogatepass"))
    return [hashers[doc_id].digest() for doc_id in doc_ids]


def _find_duplicates(docs, paras, sents, digests: list[bytes] | None = None,
                     keys: np.ndarray | None = None) -> tuple[list[str], list[dict], list[dict]]:
    """The doc_ids of exact and near-duplicate copies to drop (one copy is kept: the earliest published, then by
    doc_id), with a warning and an excluded row for each. ``digests`` and ``keys`` (the documents' text digests and
    the sentences' keys) are computed here unless the workers did."""
    if docs.empty:
        return [], [], []
    first_seen: dict[bytes, int] = {}  # keyed by a digest of the normalised text: the texts themselves are not kept
    exact: dict[int, int] = {}
    digests = _text_digests(docs["doc_id"], paras) if digests is None else digests
    for index, key in enumerate(digests):
        if key in first_seen:
            exact[index] = first_seen[key]
        else:
            first_seen[key] = index
    unique = sorted(first_seen.values())
    unique_ids = docs["doc_id"].iloc[unique].tolist()
    doc_codes = sents["doc_id"].map({doc_id: k for k, doc_id in enumerate(unique_ids)}).to_numpy()
    kept = ~np.isnan(doc_codes)  # sentences of exact copies are left out (as codes: the text is never copied)
    keys = sentence_keys(sents["text"]) if keys is None else keys
    matrix = sentence_set_matrix(doc_codes[kept].astype(np.int64), keys[kept], len(unique_ids), hashed=True)
    pairs = [(unique[i], unique[j], jaccard) for i, j, jaccard in near_duplicate_pairs(matrix)]
    duplicate_of = resolve_duplicates(exact, pairs)
    involved = sorted(set(duplicate_of) | {original for original, _ in duplicate_of.values()})
    involved_ids = docs["doc_id"].iloc[involved].tolist()
    joined = paras[paras["doc_id"].isin(set(involved_ids))].groupby("doc_id", sort=False)["text"].agg(" ".join)
    texts = {index: joined[doc_id] for index, doc_id in zip(involved, involved_ids)}  # only the copies and their kept
    warnings, rows = [], []
    for index, (original, jaccard) in sorted(duplicate_of.items()):
        exact_copy = jaccard == 1.0 and _normalized(texts[index]) == _normalized(texts[original])
        warning, row = duplicate_record(docs.iloc[index].to_dict(), docs.iloc[original].to_dict(), jaccard, exact_copy)
        warnings.append(warning)
        rows.append(row)
    return docs["doc_id"].iloc[sorted(duplicate_of)].tolist(), warnings, rows


def _check_coverage(docs: pd.DataFrame, periods: list[Period], directory: Path, duplicates: list[dict] = ()) -> None:
    """Stop when there are no documents, or a period has none (the comparison needs both).

    ``duplicates`` are the rows dropped as copies of another article: the message says how many a period lost.
    """
    def dropped(period: str | None = None) -> str:
        copies = [row for row in duplicates if period is None or row.get("period") == period]
        if not copies:
            return ""
        names = ", ".join(sorted(row["file"] for row in copies)[:5]) + (", ..." if len(copies) > 5 else "")
        return (f" {len(copies):,} article(s) {'of this period ' if period else ''}were dropped as duplicates of another "
                f"article ({names}); make sure the files hold different articles.")

    if docs.empty:
        raise CorpusError(f"No usable documents in {directory}: check that metadata.csv lists the .txt files and "
                          f"that their dates fall inside the periods (see the warnings above).{dropped()}")
    for period in periods:
        if not (docs["period"] == period.name).any():
            raise CorpusError(f"Period {period.name!r} ({period.start}–{period.end}) has no documents in {directory}. "
                              "The comparison needs articles in every period: add some or change the periods parameter."
                              + dropped(period.name))


DOCUMENT_COLUMNS = ["doc_id", "file", "title", "outlet", "published", "period", "url", "notes", "encoding",
                    "n_words", "n_paragraphs", "n_sentences", "n_chars"]  # and "raw" while a corpus is being loaded


def document_order(docs: pd.DataFrame, period_names: list[str], dropped=()) -> np.ndarray:
    """The positions of the rows of ``docs`` (period, published, doc_id) in corpus order: period (in
    ``period_names``' order), then date, then doc_id, rows that tie keeping their order (one article's rows); the
    articles whose doc_id is in ``dropped`` are left out."""
    order = {name: index for index, name in enumerate(period_names)}
    keys = pd.DataFrame({"period_order": docs["period"].map(order).to_numpy(), "published": docs["published"].to_numpy(),
                         "doc_id": docs["doc_id"].to_numpy()})
    keys = keys[~keys["doc_id"].isin(dropped)].sort_values(["period_order", "published", "doc_id"], kind="mergesort")
    return keys.index.to_numpy()


def _finish_tables(docs, paras, sents, periods, dropped=()):
    """Order rows by period then date, number sentences, and add per-document counts (``n_chars``: the length of the
    raw text, which is all that later stages need of it; see :func:`without_raw_text`; taken from ``docs`` when they
    carry it instead of the text).

    Articles whose doc_id is in ``dropped`` leave all three tables, as do paragraphs and sentences of articles not in
    ``docs``. The rows are taken once, in their final order, and column by column: the tables given are emptied as
    they go, so a table and its reordered copy never both exist whole (this is where loading a corpus peaks).
    """
    docs = _take_rows(docs, document_order(docs, [period.name for period in periods], dropped))
    doc_order = pd.Series(np.arange(len(docs)), index=docs["doc_id"])
    para_rank, paras = _take_in_order(paras, doc_order, "para_no")
    sent_rank, sents = _take_in_order(sents, doc_order, "start")
    sents["sent_no"] = pd.Series(sent_rank).groupby(sent_rank).cumcount().to_numpy() + 1
    sents["sent_id"] = sentence_ids(sents["doc_id"], sents["sent_no"])
    docs = docs.assign(
        n_words=docs["n_words"].astype(int),
        n_paragraphs=np.bincount(para_rank, minlength=len(docs)),
        n_sentences=np.bincount(sent_rank, minlength=len(docs)),
        n_chars=docs["raw"].str.len() if "raw" in docs else docs["n_chars"].astype(int),
    )
    doc_columns = [*DOCUMENT_COLUMNS, *(["raw"] if "raw" in docs else [])]
    para_columns = ["para_id", "doc_id", "period", "outlet", "para_no", "start", "end", "text", "headline", "dateline"]
    sent_columns = ["sent_id", "doc_id", "para_id", "period", "outlet", "sent_no", "start", "end", "text"]
    return docs[doc_columns], paras[para_columns], sents[sent_columns]


def _take_in_order(table: pd.DataFrame, doc_order: pd.Series, within: str) -> tuple[np.ndarray, pd.DataFrame]:
    """The rows of ``table`` whose doc_id ``doc_order`` ranks, sorted by that rank then by ``within`` (stable, as a
    sort of both columns), and the rank of each (see :func:`_take_rows`: ``table`` is emptied)."""
    rank = table["doc_id"].map(doc_order).to_numpy()
    kept = np.flatnonzero(~np.isnan(rank))
    positions = kept[np.lexsort((table[within].to_numpy()[kept], rank[kept]))]
    return rank[positions].astype(np.int64), _take_rows(table, positions)


def _take_rows(table: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The rows of ``table`` at ``positions``, in that order, with a default index. Each column is popped from
    ``table`` as it is taken, so memory holds one column twice at most; ``table`` is left empty unless the positions
    are all its rows in order, when it is returned as it is (re-indexed). Positions in increasing order (rows dropped,
    none moved: the usual case) are a filter, which Arrow applies piece by piece to a text column that batches built,
    where a reordering would first join the pieces into one more copy."""
    if len(positions) == len(table) and np.array_equal(positions, np.arange(len(table))):
        return table.reset_index(drop=True)
    if np.all(positions[1:] > positions[:-1]):
        keep = np.zeros(len(table), dtype=bool)
        keep[positions] = True
        pick = lambda column: column[keep]  # noqa: E731
    else:
        pick = lambda column: column.take(positions)  # noqa: E731
    taken = {}
    for name in list(table.columns):
        taken[name] = pick(table.pop(name)).reset_index(drop=True)
    return pd.DataFrame(taken, copy=False)


def sentence_ids(doc_ids: pd.Series, numbers: pd.Series) -> pd.Series:
    """Sentence ids ``<doc_id>:s<number, four digits or more>``, built by Arrow (no Python string per sentence).

    >>> sentence_ids(pd.Series(["a", "b"]), pd.Series([7, 12345])).tolist()
    ['a:s0007', 'b:s12345']
    """
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers.to_numpy()), pa.large_string()), 4, "0")
    ids = pc.binary_join_element_wise(pa.array(doc_ids, type=pa.large_string()), digits, pa.scalar(":s", pa.large_string()))
    return pd.Series(ids, index=doc_ids.index, dtype=doc_ids.dtype)


def check_memory(n_chars: int, available: int | None, what: str, more: str = "") -> None:
    """Stop before holding ``n_chars`` characters of articles in one process when that cannot fit in ``available``
    bytes (None: not known, no check): the error says ``what`` is being held, the memory needed and what to do."""
    need = memory_needed(n_chars)
    if available is not None and need > available:
        raise CorpusError(
            f"{what}, which needs about {need / 2**30:,.1f} GB for this much text ({n_chars:,} characters; "
            f"{MEMORY_PER_CHARACTER} bytes per character, measured), and this machine has {available / 2**30:,.1f} GB "
            "available. Run the report on a part of the corpus (fewer articles or a shorter period) or on a machine "
            f"with more memory{more}.")


def table_characters(path: Path) -> int | None:
    """About how many characters of text a table corpus holds (None for a folder): a CSV or JSON Lines file's size in
    bytes, a Parquet file's columns uncompressed (the text dominates; titles and addresses add a little)."""
    from analysis.corpus.tables import is_table_file

    if not is_table_file(path):
        return None
    if path.suffix.lower() != ".parquet":
        return path.stat().st_size
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path).metadata
    except (OSError, pa.ArrowException):  # not readable as Parquet: the loader says so, with what to do
        return None
    return sum(metadata.row_group(group).total_byte_size for group in range(metadata.num_row_groups))


def load_corpus_for_run(corpus_dir: str | Path | None, periods: dict | None, reports_dir: str | Path,
                        columns: dict | None = None) -> Corpus:
    """:func:`load_corpus`, reusing the copy an earlier notebook of the same run stored under ``reports_dir``.

    Every stage notebook loads the corpus; with thousands of articles loading once per run instead of once per
    notebook saves most of a minute. The stored copy is keyed by the corpus fingerprint (every file's bytes, hashed
    once per run while no file changes: :func:`remembered_fingerprint`), the periods and the code, so a changed
    article or rule is never served stale. The run's corpus leaves out the
    articles' raw text (:func:`without_raw_text`).
    """
    directory = resolve(corpus_dir, SEEDS_DIR)
    parameters = {"periods": periods, "directory": str(directory), "columns": columns}
    if _is_text_folder(directory):  # the metadata and fingerprint that key the stored copy also serve the loading
        metadata = read_metadata(directory)
        period_list = parse_periods(periods)

        def load(key: str) -> Corpus:
            # bytes of the listed files: characters, give or take the few that UTF-8 writes in more than one byte
            size = sum(path.stat().st_size for path in (directory / name for name in metadata["file"]) if path.is_file())
            check_memory(size, available_memory(), f"{directory}: the report holds the corpus's {len(metadata):,} "
                                                   "articles in one process")
            return _load_folder(directory, period_list, metadata, key, keep_raw=False)

        # The first notebook of a run loads while the files are hashed (the key is not known yet), then stores both.
        key, loaded = remembered_fingerprint(directory, metadata, reports_dir, meanwhile=lambda: load(""))
        if loaded is not None:
            return cached(reports_dir, "corpus", key, parameters, lambda: replace(loaded, fingerprint=key))
        return cached(reports_dir, "corpus", key, parameters, lambda: load(key))
    key = source_fingerprint(directory)

    def load() -> Corpus:
        size = table_characters(directory)
        if size is not None:
            check_memory(size, available_memory(), f"{directory}: the report holds the table's articles in one process")
        return load_corpus(directory, periods, columns)

    if key is None:  # raises the loader's own clear error, or writes metadata first
        return without_raw_text(load())
    return cached(reports_dir, "corpus", key, parameters, lambda: without_raw_text(load()))


def _is_text_folder(path: Path) -> bool:
    """Whether ``path`` is a folder of .txt articles with its metadata.csv (not a table file, nor saved web pages)."""
    from analysis.corpus import html as corpus_html

    return path.is_dir() and (path / METADATA_FILE).is_file() and not corpus_html.is_html_folder(path)


def without_raw_text(corpus: Corpus) -> Corpus:
    """The corpus as a run's notebooks hold it: the documents without the ``raw`` text of each article.

    Later stages need only its length (``n_chars``); paragraphs and sentences keep their own text and offsets into
    it. Leaving it out spares a quarter of what every notebook holds and reads back (71 of 294 MB at 20,000 articles).
    """
    return replace(corpus, documents=corpus.documents.drop(columns=["raw"], errors="ignore"))
