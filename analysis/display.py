"""Format tables, numbers, warnings and run details for notebooks and the rendered HTML report.

Article text is always HTML-escaped here, so a quoted ``<script>`` shows as text and runs nothing.
"""

from __future__ import annotations

import html
import importlib.metadata
import platform
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown

DEFAULT_MAX_ROWS = 25
REPORTED_PACKAGES = ["pandas", "numpy", "scikit-learn", "nltk", "matplotlib", "papermill"]


def escape(text: object) -> str:
    """HTML-escape any value for safe inclusion in Markdown or HTML."""
    return html.escape(str(text), quote=True)


def write_table(table: pd.DataFrame, tables_dir: str | Path, name: str, sort_by: list[str] | None = None) -> Path:
    """Write ``table`` as ``tables_dir/name.csv``, sorted (by ``sort_by`` or all columns) for byte-identical reruns."""
    path = Path(tables_dir) / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = table.sort_values(sort_by or list(table.columns), kind="mergesort", ignore_index=True)
    ordered.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
    return path


def show_table(table: pd.DataFrame, csv_name: str | None = None, max_rows: int = DEFAULT_MAX_ROWS,
               formats: dict | None = None, caption: str | None = None) -> HTML:
    """An escaped HTML table; beyond ``max_rows`` rows it is cut with a note linking the full CSV."""
    shown = table.head(max_rows)
    styled = shown.to_html(index=False, escape=True, formatters=formats or {}, border=0, classes="report-table",
                           na_rep="")
    parts = []
    if caption:
        parts.append(f"<p><strong>{escape(caption)}</strong></p>")
    parts.append(styled)
    if len(table) > max_rows:
        link = f' The full table is <a href="tables/{escape(csv_name)}.csv">tables/{escape(csv_name)}.csv</a>.' if csv_name else ""
        parts.append(f"<p><em>Showing the first {max_rows:,} of {len(table):,} rows.{link}</em></p>")
    elif csv_name:
        parts.append(f'<p><em>Data: <a href="tables/{escape(csv_name)}.csv">tables/{escape(csv_name)}.csv</a></em></p>')
    return HTML("\n".join(parts))


def warnings_markdown(warnings: pd.DataFrame) -> Markdown:
    """The loader's warnings as a Markdown list a reader sees in the report (or a line saying there were none)."""
    if warnings.empty:
        return Markdown("**No warnings:** every article listed in the metadata was read, dated inside a period, and unique.")
    lines = [f"**{len(warnings):,} warning(s) while loading the corpus** — nothing was dropped without being listed here:", ""]
    for row in warnings.itertuples(index=False):
        lines.append(f"- ⚠ *{escape(row.kind)}* — `{escape(row.file)}` {escape(row.message)}")
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
    """A short block stating the parameters, the corpus fingerprint and package versions of this page."""
    params = "; ".join(f"<code>{escape(k)}</code> = <code>{escape(v)}</code>" for k, v in parameters.items()
                       if k not in ("reports_dir", "figures_dir"))
    versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in package_versions().items())
    return HTML(
        f'<p class="run-details"><small><strong>Run details</strong> — corpus <code>{escape(corpus.name)}</code> '
        f"(fingerprint <code>{escape(corpus.fingerprint)}</code>, {len(corpus.documents):,} articles); "
        f"parameters: {params}; versions: {versions}.</small></p>"
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


def number(value: float, decimals: int = 0) -> str:
    """A number with thousands separators: 12345.6 -> '12,346'."""
    return f"{value:,.{decimals}f}"


def percent(share: float, decimals: int = 0) -> str:
    """A share as a percentage: 0.9 -> '90%'."""
    return f"{share:.{decimals}%}"
