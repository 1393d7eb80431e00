"""Where the project's folders are, derived from this package's location.

Every notebook, test and script takes its paths from here; each can be overridden by a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "data"
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
