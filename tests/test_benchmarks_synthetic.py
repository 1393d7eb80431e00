"""The synthetic corpora the benchmarks run on: the distinct variant tells sentences apart and changes nothing else."""

import numpy as np

from analysis.corpus.load import load_corpus
from benchmarks.synthetic import invented_words, synthetic_articles, write_corpus


def test_distinct_corpus_has_distinct_sentences_and_the_same_articles_otherwise(tmp_path):
    plain = synthetic_articles(200, random_state=7)
    distinct = synthetic_articles(200, random_state=7, distinct=True)
    assert plain.drop(columns="text").equals(distinct.drop(columns="text"))  # dates, outlets, titles as before
    shares = {}
    for name, articles in (("plain", plain), ("distinct", distinct)):
        sentences = load_corpus(write_corpus(articles, tmp_path / name)).sentences["text"]
        shares[name] = sentences.nunique() / len(sentences)
    assert shares["plain"] < 0.5 < 0.9 < shares["distinct"]
    # each sentence gained only its invented word: removing those gives back the plain text
    first = distinct["text"].iloc[0]
    words = set(invented_words(100_000, np.random.default_rng(7 + 1)))
    restored = first
    for word in {token.rstrip(",") for token in first.split() if token.endswith(",")} & words:
        restored = restored.replace(f"{word}, ", "")
    assert restored == plain["text"].iloc[0]


def test_invented_words_are_distinct_capitalised_and_reproducible():
    words = invented_words(5_000, np.random.default_rng(3))
    assert len(set(words)) == 5_000 and all(word[0].isupper() and word[1:].islower() for word in words)
    assert (words == invented_words(5_000, np.random.default_rng(3))).all()
