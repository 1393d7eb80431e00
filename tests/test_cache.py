"""Stage results are reused only for the same corpus, parameters and code."""

from analysis.cache import cache_key, cached


def test_result_is_computed_once_then_loaded(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"value": 42}

    assert cached(tmp_path, "stage", "abc", {"k": 3}, compute) == {"value": 42}
    assert cached(tmp_path, "stage", "abc", {"k": 3}, compute) == {"value": 42}
    assert len(calls) == 1


def test_key_changes_with_corpus_and_parameters():
    base = cache_key("stage", "abc", {"k": 3})
    assert base != cache_key("stage", "abd", {"k": 3})
    assert base != cache_key("stage", "abc", {"k": 4})
    assert base == cache_key("stage", "abc", {"k": 3})
