"""Format tables, numbers, warnings and run details for notebooks and the rendered HTML report.

Article text and every corpus or parameter value are escaped here (HTML, Markdown text, code spans), so a quoted
``<script>`` or ``[x](javascript:...)`` shows as text and runs nothing; CSV cells cannot start a spreadsheet formula.
"""

from __future__ import annotations

import csv
import html
import importlib.metadata
import io
import platform
import re
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from IPython.display import HTML, Markdown

DEFAULT_MAX_ROWS = 25
REPORTED_PACKAGES = ["pandas", "numpy", "scikit-learn", "nltk", "matplotlib", "papermill"]


# Markdown punctuation that can start emphasis, a link, an image, a heading, a list, a table cell or code;
# ':' and '@' too, so that a URL or e-mail address in a value is not turned into a link.
# "$" too: the notebook renderer reads text between two dollar signs as mathematics and shows its escapes literally.
MARKDOWN_SPECIAL = re.compile(r"""([\\`*_{}\[\]()#+\-.!|~:@$])""")
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_FLOAT_FORMAT = "%.10g"  # numbers in the CSV tables: ten significant digits
CSV_PART_CHUNKS = 10  # pandas CSV chunks per part written by write_table (about a million cells)


def escape(text: object) -> str:
    """HTML-escape any value for safe inclusion in HTML (tags, attributes)."""
    return html.escape(str(text), quote=True)


def md_text(text: object) -> str:
    """A corpus or parameter value as literal Markdown text: no tags, links, emphasis or new blocks.

    HTML characters become entities and Markdown punctuation is backslash-escaped; line breaks become spaces.

    >>> print(md_text("<b>[Xi](javascript:x)</b>"))
    &lt;b&gt;\\[Xi\\]\\(javascript\\:x\\)&lt;/b&gt;
    """
    flat = " ".join(str(text).split())
    return escape(MARKDOWN_SPECIAL.sub(r"\\\1", flat))


def code_span(text: object) -> str:
    """A value as a Markdown code span, shown verbatim (Markdown escapes its content once: no double escaping).

    The fence is one backtick longer than the longest run of backticks inside; line breaks become spaces.

    >>> code_span("a&b"), code_span("x`y")
    ('`a&b`', '``x`y``')
    """
    flat = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") else flat
    return f"{fence}{padded}{fence}"


def neutralise_formula(value: object) -> object:
    """A text cell starting like a spreadsheet formula (= + - @ tab CR) gets a leading ' so it stays text.

    Numbers are returned unchanged (a negative number is data, not a formula).

    >>> neutralise_formula("=HYPERLINK(1)"), neutralise_formula(-3.5), neutralise_formula("Xi")
    ("'=HYPERLINK(1)", -3.5, 'Xi')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _may_hold_formula(column: pd.Series) -> bool:
    """False for a text column none of whose cells starts like a formula (checked at once, not cell by cell)."""
    if isinstance(column.dtype, pd.StringDtype):
        return bool(column.str.startswith(FORMULA_PREFIXES, na=False).any())
    return True


def _csv_floats(values: np.ndarray) -> np.ndarray:
    """Floats as ``to_csv(float_format="%.10g")`` writes them (NaN as an empty cell), formatted in one pass: pandas
    calls a Python function and a missing-value check per number, most of the time of writing a large table."""
    text = np.array(list(map(CSV_FLOAT_FORMAT.__mod__, values.tolist())), dtype=object)
    text[np.isnan(values)] = ""
    return text


def _csv_quoted_characters() -> str:
    """The characters that make pandas' ``to_csv`` (Python's csv writer: minimal quoting, line terminator "\\n") put a
    field in quotes, asked of the csv module itself: "," '"' and "\\n", and "\\r" only where the Python version quotes it."""
    quoted = ""
    for character in ',"\n\r':
        probe = io.StringIO()
        csv.writer(probe, lineterminator="\n").writerow([f"a{character}b", "c"])
        if probe.getvalue().startswith('"'):
            quoted += character
    return quoted


CSV_QUOTED = _csv_quoted_characters()
CSV_QUOTED_PATTERN = "[" + "".join({"\n": r"\n", "\r": r"\r"}.get(character, character) for character in CSV_QUOTED) + "]"


def _writes_itself(table: pd.DataFrame) -> bool:
    """Whether :func:`_csv_rows` writes every column of ``table`` (text, integers, booleans, float64, float32) with
    text column names; any other column (dates, categories, nullable numbers, mixed objects) leaves it to pandas."""
    def handled(dtype) -> bool:
        if isinstance(dtype, pd.StringDtype):
            return True
        return isinstance(dtype, np.dtype) and (dtype.kind in "biu" or dtype in (np.float64, np.float32))
    return (len(table.columns) > 0 and table.columns.is_unique and type(table.columns) is pd.Index
            and all(type(column) is str for column in table.columns) and all(map(handled, table.dtypes)))


def _large(text: str) -> pa.Scalar:
    """A constant for Arrow's string functions, of the one string type every cell column is cast to."""
    return pa.scalar(text, pa.large_string())


def _csv_text(values: pa.Array, neutralise: bool) -> pa.Array:
    """A text column as CSV cells: missing as empty, formula cells prefixed with ', quoted where the csv module would."""
    text = values.cast(pa.large_string()).fill_null("")
    if neutralise:
        formula = pc.starts_with(text, FORMULA_PREFIXES[0])
        for prefix in FORMULA_PREFIXES[1:]:
            formula = pc.or_(formula, pc.starts_with(text, prefix))
        if pc.any(formula).as_py():
            text = pc.replace_with_mask(text, formula, pc.binary_join_element_wise(_large("'"), text.filter(formula), _large("")))
    quote = pc.match_substring_regex(text, CSV_QUOTED_PATTERN)
    if pc.any(quote).as_py():
        doubled = pc.replace_substring(text.filter(quote), '"', '""')
        text = pc.replace_with_mask(text, quote, pc.binary_join_element_wise(_large('"'), doubled, _large('"'), _large("")))
    return text


def _csv_cells(values: pa.Array, neutralise: bool) -> pa.Array:
    """One column of a table part as CSV cells (Arrow strings), as ``to_csv(float_format="%.10g")`` writes them."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return _csv_text(values, neutralise)
    if pa.types.is_boolean(values.type):
        return pc.if_else(values, _large("True"), _large("False"))
    if pa.types.is_integer(values.type):
        return pc.cast(values, pa.large_string())
    # float32 too: pandas formats each as a Python float. A missing value comes back as NaN (an empty cell).
    floats = np.ascontiguousarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    # Each distinct number is formatted once (the leave-one-out tables repeat each estimate about 30 times); numbers
    # are told apart by their bits, so 0 and -0 stay apart.
    codes, distinct = pd.factorize(floats.view(np.int64))
    return pa.array(_csv_floats(distinct.view(np.float64)), type=pa.large_string()).take(pa.array(codes))


def _csv_rows(part: pa.Table, text_columns: set[str]) -> memoryview:
    """The rows of ``part`` as CSV lines (UTF-8 bytes), each column formatted at once by Arrow, not cell by cell."""
    cells = [_csv_cells(part.column(name).combine_chunks(), name in text_columns) for name in part.column_names]
    if len(cells) == 1:  # the csv module quotes a row that is one empty field, so that the line is not blank
        cells[0] = pc.if_else(pc.equal(cells[0], _large("")), _large('""'), cells[0])
    cells[-1] = pc.binary_join_element_wise(cells[-1], _large("\n"), _large(""))
    lines = pc.binary_join_element_wise(*cells, _large(",")) if len(cells) > 1 else cells[0]
    _, offsets, data = lines.buffers()  # a string array's data buffer holds its values one after another: the lines
    ends = np.frombuffer(offsets, dtype=np.int64)[lines.offset:lines.offset + len(lines) + 1]
    return memoryview(data)[int(ends[0]):int(ends[-1])]


def _in_sorted_order(keys: pd.DataFrame) -> bool:
    """Whether the rows of ``keys`` are in ascending order, column after column (ties allowed), with no missing
    value, so that a stable sort leaves every row in place; False when that cannot be told by comparing whole
    columns (values of kinds that do not compare, repeated column names), and the caller sorts."""
    if len(keys) < 2:
        return True
    if not keys.columns.is_unique:
        return False
    undecided = np.ones(len(keys) - 1, dtype=bool)  # pairs of neighbours equal in the columns read so far
    try:
        for column in keys.columns:
            values = keys[column]
            if values.isna().any():
                return False
            before, after = values.iloc[:-1].reset_index(drop=True), values.iloc[1:].reset_index(drop=True)
            if ((before > after).to_numpy(dtype=bool) & undecided).any():
                return False
            undecided &= (before == after).to_numpy(dtype=bool)
            if not undecided.any():
                return True
    except TypeError:  # unordered categories, mixed kinds of values
        return False
    return True


def sorted_order(keys: pd.DataFrame) -> np.ndarray:
    """The positions of the rows of ``keys`` in the order of a stable sort by all its columns (pandas' order: text by
    code point, numbers by value, missing values last, ties in their original order)."""
    keys = keys.reset_index(drop=True)
    # a table already in order (the leave-one-out tables, six million rows at 100,000 articles) keeps it: the stable
    # sort would leave every row where it is
    if _in_sorted_order(keys):
        return np.arange(len(keys))
    return keys.sort_values(list(keys.columns), kind="mergesort").index.to_numpy()


def csv_text_columns(table: pd.DataFrame) -> list[str]:
    """The columns of ``table`` whose cells :func:`write_table` checks for spreadsheet formulas (text that may hold one)."""
    return [column for column in table.columns if not pd.api.types.is_numeric_dtype(table[column])
            and _may_hold_formula(table[column])]


def csv_part_rows(n_columns: int) -> int:
    """The rows :func:`write_csv_rows` formats at once: a whole number of pandas' own CSV chunks (100,000 cells), so
    that where pandas writes, every chunk is formatted exactly as in one call."""
    return CSV_PART_CHUNKS * max(1, 100_000 // max(1, n_columns))


def write_csv_rows(handle: BinaryIO, table: pd.DataFrame, order: np.ndarray, text_columns: list[str],
                   header: bool) -> None:
    """Write the rows ``order`` (positions, in that order) of ``table`` to the binary ``handle`` as :func:`write_table`
    writes them, the header line first when ``header``; formula cells are neutralised in ``text_columns``.

    Written a part of :func:`csv_part_rows` rows at a time, so a large table is never copied whole. Columns of text,
    integers, booleans and floats are formatted here, any other column type by pandas, whose formatting of some types
    (dates) depends on its chunk: rows written by several calls have the bytes of one call when every call but the
    last writes a whole number of pandas' chunks (``csv_part_rows(n_columns) // CSV_PART_CHUNKS`` rows each).
    """
    part_rows = csv_part_rows(len(table.columns))
    if _writes_itself(table):
        columns = pa.Table.from_pandas(table, preserve_index=False)
        if header:
            line = io.StringIO()
            csv.writer(line, lineterminator="\n").writerow(table.columns)
            handle.write(line.getvalue().encode("utf-8"))
        for first in range(0, len(order), part_rows):
            rows = order[first:first + part_rows]
            consecutive = rows[-1] - rows[0] == len(rows) - 1 and bool((np.diff(rows) == 1).all())
            part = columns.slice(int(rows[0]), len(rows)) if consecutive else columns.take(rows)
            handle.write(_csv_rows(part, set(text_columns)))
        return
    float_columns = [column for column in table.columns if table[column].dtype == np.float64] if table.columns.is_unique else []
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
    try:
        for first in range(0, max(len(order), int(header)), part_rows):
            part = table.take(order[first:first + part_rows]).reset_index(drop=True)
            safe = part.assign(**{column: part[column].map(neutralise_formula) for column in text_columns})
            for column in float_columns:
                safe[column] = _csv_floats(part[column].to_numpy())
            safe.to_csv(text, index=False, header=header and first == 0, float_format=CSV_FLOAT_FORMAT,
                        lineterminator="\n")
    finally:
        text.flush()
        text.detach()  # the caller's handle stays open


def write_table(table: pd.DataFrame, tables_dir: str | Path, name: str, sort_by: list[str] | None = None) -> Path:
    """Write ``table`` as ``tables_dir/name.csv``, sorted (by ``sort_by`` or all columns) for byte-identical reruns.

    Text cells that a spreadsheet would run as a formula are prefixed with ' (see :func:`neutralise_formula`);
    sorting happens before, so the order is that of the original values. Only the sort columns are sorted; the rows
    are then taken and written a part at a time, so a large table (the sentences) is never copied whole.

    The bytes are those of pandas' ``to_csv(index=False, float_format="%.10g", lineterminator="\\n")``. Columns of
    text, integers, booleans and floats are formatted here a column at a time (Arrow's string functions; pandas hands
    every cell to Python's csv writer, most of the time of writing a large table); a table with any other column
    type is written by pandas. A table too large for one process, held as Parquet partitions, is written with the
    same bytes by :func:`analysis.core.sorted_csv.write_partitioned_table`.
    """
    path = Path(tables_dir) / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    order = sorted_order(table[sort_by or list(table.columns)])  # the order, from the sort columns alone
    with path.open("wb") as handle:
        write_csv_rows(handle, table, order, csv_text_columns(table), header=True)
    return path


def and_list(items: list[str], empty: str = "") -> str:
    """Items joined as a sentence lists them: 'a', 'a and b', 'a, b and c' (``empty`` when there is none).

    >>> and_list(["gas", "oil", "coal"])
    'gas, oil and coal'
    """
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else empty


def show_table(table: pd.DataFrame, csv_name: str | None = None, max_rows: int = DEFAULT_MAX_ROWS,
               formats: dict | None = None, caption: str | None = None, total: int | None = None) -> HTML:
    """An escaped HTML table; beyond ``max_rows`` rows it is cut with a note linking the full CSV. ``total``: the
    full table's rows when ``table`` holds only its first rows (a table too large to hold, read in part)."""
    total = len(table) if total is None else total
    shown = table.head(max_rows)
    styled = shown.to_html(index=False, escape=True, formatters=formats or {}, border=0, classes="report-table",
                           na_rep="")
    parts = []
    if caption:
        parts.append(f"<p><strong>{escape(caption)}</strong></p>")
    parts.append(styled)
    if total > len(shown):
        link = f' The full table is <a href="tables/{escape(csv_name)}.csv">tables/{escape(csv_name)}.csv</a>.' if csv_name else ""
        parts.append(f"<p><em>Showing the first {len(shown):,} of {total:,} rows.{link}</em></p>")
    elif csv_name:
        parts.append(f'<p><em>Data: <a href="tables/{escape(csv_name)}.csv">tables/{escape(csv_name)}.csv</a></em></p>')
    return HTML("\n".join(parts))


def warnings_markdown(warnings: pd.DataFrame) -> Markdown:
    """The loader's warnings as a Markdown list a reader sees in the report (or a line saying there were none)."""
    if warnings.empty:
        return Markdown("**No warnings:** every article listed in the metadata was read, dated inside a period, and unique.")
    lines = [f"**{len(warnings):,} warning(s) while loading the corpus** — nothing was dropped without being listed here:", ""]
    for row in warnings.itertuples(index=False):
        lines.append(f"- ⚠ *{md_text(row.kind)}* — {code_span(row.file)} {md_text(row.message)}")
    return Markdown("\n".join(lines))


def package_versions(names: list[str] = REPORTED_PACKAGES) -> dict[str, str]:
    """Installed versions of the packages that shape the results."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_details(parameters: dict, corpus) -> HTML:
    """A collapsed box, for the foot of a page, stating the corpus fingerprint, parameters and package versions."""
    params = "; ".join(f"<code>{escape(k)}</code> = <code>{escape(v)}</code>" for k, v in parameters.items()
                       if k not in ("reports_dir", "figures_dir"))
    versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in package_versions().items())
    return HTML(
        '<details class="run-details"><summary>Run details</summary>'
        f"<p>Corpus <code>{escape(corpus.name)}</code> "
        f"(fingerprint <code>{escape(corpus.fingerprint)}</code>, {len(corpus.documents):,} articles); "
        f"parameters: {params}; versions: {versions}.</p></details>"
    )


CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "CNY": "¥", "RUB": "₽", "GBP": "£", "JPY": "¥"}
UNIT_SYMBOLS = {"m3": "m³", "t": "t", "km": "km", "bbl": "bbl", "%": "%"}
SCALES = [(1e12, "tn"), (1e9, "bn"), (1e6, "m")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def scaled(value: float) -> str:
    """A large number with a scale word and at most one decimal: 2.401e11 -> '240.1 bn', 1500 -> '1,500'."""
    for size, word in SCALES:
        if abs(value) >= size:
            return f"{value / size:,.1f}".removesuffix(".0") + f" {word}"
    return f"{value:,.1f}".removesuffix(".0")


def figure_value(value: float, kind: str, unit: str) -> str:
    """A figure as a reader expects it: '$240.1 bn', '38 bn m³', '90%', '30 years', '11 agreements', '2015'.

    >>> [figure_value(2.401e11, "money", "USD"), figure_value(3.8e10, "quantity", "m3"), figure_value(90, "percent", "%")]
    ['$240.1 bn', '38 bn m³', '90%']
    """
    if kind == "money":
        symbol = CURRENCY_SYMBOLS.get(unit)
        return f"{symbol}{scaled(value)}" if symbol else f"{scaled(value)} {unit}".strip()
    if kind == "percent":
        return f"{value:,.1f}".removesuffix(".0") + "%"
    if kind == "quantity":
        return f"{scaled(value)} {UNIT_SYMBOLS.get(unit, unit)}".strip()
    if kind in ("date", "ordinal"):
        return f"{value:.0f}"
    if kind in ("duration", "count"):
        amount = f"{value:,.1f}".removesuffix(".0")
        plural = unit if value == 1 or not unit else (unit + "s" if not unit.endswith("s") else unit)
        return f"{amount} {plural}".strip()
    return scaled(value)


def month_year(iso: str) -> str:
    """An ISO date as people write it: '2015-05-07' -> '7 May 2015', '2015-05' -> 'May 2015', '2014' -> '2014'."""
    parts = str(iso).split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def count_phrase(n: int, singular: str, plural: str | None = None) -> str:
    """'1 article', '3 articles', 'no terms'."""
    if n == 0:
        return f"no {plural or singular + 's'}"
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def share_points(value: float) -> str:
    """A share as percent: 0.273 -> '27%'."""
    return f"{value:.0%}"


def point_change(value: float) -> str:
    """A difference of shares in percentage points with its sign: 0.089 -> '+9 points', 0.01 -> '+1 point'."""
    points = f"{round(value * 100) + 0:+d}"
    return f"{points} point" if points in ("+1", "-1") else f"{points} points"


def rate(value: float) -> str:
    """A rate per 1,000 words: 6.8 -> '6.8'."""
    return f"{value:,.1f}"


def rate_change(value: float) -> str:
    """A difference of rates with its sign: 6.8 -> '+6.8'."""
    return f"{value:+,.1f}"
