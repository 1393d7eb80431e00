"""Shared fixtures: a writable copy of the mini corpus and a factory for corpora with problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
METADATA_HEADER = "file,doc_id,title,outlet,published,url,notes\n"


@pytest.fixture(scope="session")
def built_report(tmp_path_factory):
    """The whole report run once on the seeds into a temporary folder: (root, front page)."""
    from analysis.report.runner import build_report

    root = tmp_path_factory.mktemp("report")
    front = build_report("", root / "reports", root / "figures", progress=False, staging=root / "staging")
    return root, front


@pytest.fixture
def mini_corpus(tmp_path: Path) -> Path:
    """A copy of tests/data/mini_corpus (two articles, one per period) that a test may change."""
    target = tmp_path / "mini"
    shutil.copytree(DATA / "mini_corpus", target)
    return target


@pytest.fixture
def make_corpus(tmp_path: Path):
    """Build a corpus folder from {file: text or bytes} and metadata rows (file, doc_id, outlet, published)."""

    def build(texts: dict, rows: list[tuple[str, str, str, str]], name: str = "corpus") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for file, text in texts.items():
            data = text if isinstance(text, bytes) else text.encode("utf-8")
            (folder / file).write_bytes(data)
        lines = [f"{file},{doc_id},Title of {doc_id},{outlet},{published},," for file, doc_id, outlet, published in rows]
        (folder / "metadata.csv").write_text(METADATA_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
        return folder

    return build
