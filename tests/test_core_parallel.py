"""Batches in worker processes give exactly the tables of one process; the worker setting is checked."""

import pandas as pd
import pytest

from analysis.comparison.frames import load_frames
from analysis.core import parallel
from analysis.core.keywords import find_keywords, keyword_index
from analysis.core.paths import PROJECT_ROOT
from analysis.core.preprocess import document_term_matrix


def _dev_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted((PROJECT_ROOT / "tests/data/dev_corpus").glob("*.txt"))]


def test_two_workers_count_and_match_exactly_as_one(monkeypatch):
    texts = _dev_texts()
    sentences = pd.Series([line for text in texts for line in text.splitlines() if line.strip()])
    index = keyword_index(load_frames(), "frame")
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "1")
    matrix_one, terms_one = document_term_matrix(texts)
    found_one = find_keywords(sentences, index)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 0)
    monkeypatch.setattr("analysis.core.preprocess.COUNT_BATCH", 7)  # several batches, so the workers share them
    monkeypatch.setattr("analysis.core.keywords.SCAN_BATCH", 100)
    try:
        matrix_two, terms_two = document_term_matrix(texts)
        found_two = find_keywords(sentences, index)
        assert parallel._pool.get("workers") == 2  # the batches did go to worker processes
    finally:
        parallel.shutdown_pool()
    assert len(found_one) > 100 and list(terms_one) == list(terms_two) and (matrix_one != matrix_two).nnz == 0
    pd.testing.assert_frame_equal(found_one, found_two)


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_worker_setting_names_the_variable(monkeypatch, value):
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, value)
    with pytest.raises(ValueError, match=f"ANALYSIS_WORKERS={value!r}"):
        parallel.worker_count()
