"""Where the project's folders are, derived from this package's location.

Every notebook, test and script takes its paths from here; each can be overridden by a parameter.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # analysis/
PROJECT_ROOT = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
SEEDS_DIR = PROJECT_ROOT / "seeds"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
FIGURES_DIR = PROJECT_ROOT / "figures"


@dataclass(frozen=True)
class OutputPaths:
    """The folders one run writes into: rendered pages, tables and charts."""

    reports: Path
    figures: Path

    @property
    def tables(self) -> Path:
        return self.reports / "tables"

    def make(self) -> OutputPaths:
        """Create the folders if they do not exist and return self."""
        for folder in (self.reports, self.tables, self.figures):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve(path: str | Path | None, default: Path) -> Path:
    """Return ``path`` as an absolute Path (relative to the project root), or ``default`` when empty."""
    if path is None or str(path).strip() == "":
        return default
    candidate = Path(path).expanduser()
    if not candidate.is_absolute():
        candidate = PROJECT_ROOT / candidate
    return candidate.resolve()


def output_paths(reports_dir: str | Path | None = None, figures_dir: str | Path | None = None) -> OutputPaths:
    """Output folders from notebook parameters; empty values mean the project's own folders."""
    return OutputPaths(reports=resolve(reports_dir, REPORTS_DIR), figures=resolve(figures_dir, FIGURES_DIR))


def data_file(name: str) -> Path:
    """Path of a versioned word list or rule file under ``analysis/data/``."""
    path = DATA_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"analysis/data/{name} is missing; reinstall the package with 'pip install -e .'.")
    return path


def _data_path(name: str | Path) -> Path:
    return name if isinstance(name, Path) else data_file(name)


def read_word_list(name: str | Path) -> list[str]:
    """Lines of a word list under ``analysis/data/``, without blank lines and documentation lines (starting with #)."""
    lines = _data_path(name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def read_data_table(name: str | Path, dtype: type | None = str) -> pd.DataFrame:
    """A CSV data file under ``analysis/data/`` (or at a path): the one reader for every rule and word table.

    Lines starting with ``#`` are the file's documentation; a ``#`` inside a row is data (a rule may contain one).
    With ``dtype=str`` every cell is text and an empty cell is "" (not NaN).
    """
    path = _data_path(name)
    lines = [line for line in path.read_text(encoding="utf-8").splitlines(keepends=True) if not line.lstrip().startswith("#")]
    if dtype is str:
        return pd.read_csv(io.StringIO("".join(lines)), dtype=str, keep_default_na=False)
    return pd.read_csv(io.StringIO("".join(lines)))
