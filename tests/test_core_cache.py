"""Stage results are reused only for the same corpus, parameters and code."""

import pandas as pd

from analysis.core.cache import cache_key, cached


def test_result_is_computed_once_then_loaded(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"value": 42}

    assert cached(tmp_path, "stage", "abc", {"k": 3}, compute) == {"value": 42}
    assert cached(tmp_path, "stage", "abc", {"k": 3}, compute) == {"value": 42}
    assert len(calls) == 1


def test_a_result_another_process_is_computing_is_waited_for_not_computed_again(tmp_path):
    """Two notebooks of a run asking for one stage result at once: the second reads the first's."""
    import subprocess
    import sys
    import time

    started = tmp_path / "started"
    first = subprocess.Popen([sys.executable, "-c", (
        "import pathlib, sys, time\n"
        "from analysis.core.cache import cached\n"
        "def compute():\n"
        f"    pathlib.Path({str(started)!r}).touch()\n"
        "    time.sleep(3)\n"
        "    return {'by': 'first'}\n"
        f"cached({str(tmp_path)!r}, 'stage', 'abc', {{'k': 3}}, compute)\n")])
    deadline = time.monotonic() + 60
    while not started.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists(), "the first process never began computing"
    result = cached(tmp_path, "stage", "abc", {"k": 3}, lambda: {"by": "second"})
    assert first.wait(timeout=60) == 0
    assert result == {"by": "first"}


def test_key_changes_with_corpus_and_parameters():
    base = cache_key("stage", "abc", {"k": 3})
    assert base != cache_key("stage", "abd", {"k": 3})
    assert base != cache_key("stage", "abc", {"k": 4})
    assert base == cache_key("stage", "abc", {"k": 3})


def test_corpus_is_loaded_once_per_run_and_reloaded_when_an_article_changes(mini_corpus, tmp_path):
    from analysis.corpus.load import load_corpus_for_run

    reports = tmp_path / "reports"
    first = load_corpus_for_run(mini_corpus, None, reports)
    assert len(list((reports / "cache").glob("corpus-*/result.pkl"))) == 1
    assert {path.name for path in (reports / "cache").glob("corpus-*/*.parquet")} >= {"table-000.parquet", "table-002.parquet"}
    again = load_corpus_for_run(mini_corpus, None, reports)
    pd.testing.assert_frame_equal(first.sentences, again.sentences)
    article = sorted(mini_corpus.glob("*.txt"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\n\nA new closing paragraph.\n", encoding="utf-8")
    changed = load_corpus_for_run(mini_corpus, None, reports)
    assert changed.fingerprint != first.fingerprint
    assert len(changed.paragraphs) == len(first.paragraphs) + 1


def test_tables_are_stored_as_parquet_and_come_back_identical(tmp_path):
    import pyarrow.parquet as pq

    table = pd.DataFrame({"doc_id": pd.Series(["a", "b"], dtype="str"), "n": [1, 2], "share": [0.5, float("nan")],
                          "kept": [True, False]})
    odd = pd.DataFrame({"lists": [[1], [2, 3]]})  # not a plain table: kept in the pickle
    result = {"table": table, "odd": odd, "count": 3}
    cached(tmp_path, "stage", "abc", {}, lambda: result)
    folder = next((tmp_path / "cache").glob("stage-*/result.pkl")).parent
    assert sorted(path.name for path in folder.iterdir()) == ["result.pkl", "table-000.parquet"]
    pd.testing.assert_frame_equal(pq.read_table(folder / "table-000.parquet").to_pandas(), table)
    again = cached(tmp_path, "stage", "abc", {}, lambda: 1 / 0)
    pd.testing.assert_frame_equal(again["table"], table, check_exact=True)
    pd.testing.assert_frame_equal(again["odd"], odd)
    assert again["count"] == 3


def test_only_plain_tables_go_to_parquet():
    from analysis.core.cache import parquet_safe

    plain = pd.DataFrame({"text": pd.Series(["x"], dtype="str"), "n": [1]})
    assert parquet_safe(plain)
    assert not parquet_safe(plain.set_index("text"))  # an index of its own
    assert not parquet_safe(plain.astype({"text": object}))  # an object column may hold anything
    assert not parquet_safe(plain.rename(columns={"n": 0}))  # a column name that is not text
    assert not parquet_safe(plain["n"])  # a Series


def test_release_memory_works_where_there_is_no_malloc_trim(monkeypatch):
    import ctypes

    from analysis.core import cache

    calls = []

    class NoTrim:  # a C library without malloc_trim, as on macOS or musl
        def __init__(self, name):
            calls.append(name)

    monkeypatch.setattr(ctypes, "CDLL", NoTrim)
    cache.release_memory()  # AttributeError from the missing symbol is the expected case, not a failure
    assert calls == [None]
