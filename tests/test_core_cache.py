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


def test_key_changes_with_corpus_and_parameters():
    base = cache_key("stage", "abc", {"k": 3})
    assert base != cache_key("stage", "abd", {"k": 3})
    assert base != cache_key("stage", "abc", {"k": 4})
    assert base == cache_key("stage", "abc", {"k": 3})


def test_corpus_is_loaded_once_per_run_and_reloaded_when_an_article_changes(mini_corpus, tmp_path):
    from analysis.corpus.load import load_corpus_for_run

    reports = tmp_path / "reports"
    first = load_corpus_for_run(mini_corpus, None, reports)
    assert len(list((reports / "cache").glob("corpus-*.pkl"))) == 1
    again = load_corpus_for_run(mini_corpus, None, reports)
    pd.testing.assert_frame_equal(first.sentences, again.sentences)
    article = sorted(mini_corpus.glob("*.txt"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\n\nA new closing paragraph.\n", encoding="utf-8")
    changed = load_corpus_for_run(mini_corpus, None, reports)
    assert changed.fingerprint != first.fingerprint
    assert len(changed.paragraphs) == len(first.paragraphs) + 1
