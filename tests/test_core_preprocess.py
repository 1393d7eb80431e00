"""Shared preprocessing: tokens, stopwords, phrases, stemming display forms, sparse matrices, term patterns."""

import numpy as np
import pytest
from scipy import sparse

from analysis.core.preprocess import (
    MAX_ARTICLE_SHARE,
    article_frequency,
    corpus_vocabulary,
    document_term_matrix,
    find_collocations,
    load_phrases,
    load_stopwords,
    term_regex,
    tokenize,
)


def test_stopwords_include_sklearn_list_and_news_words():
    stopwords = load_stopwords()
    assert {"the", "and", "said", "says", "according"} <= stopwords
    assert "war" not in stopwords and "gas" not in stopwords


def test_phrases_are_one_token_across_case_hyphens_and_commas():
    tokens = tokenize("The Power of Siberia pipeline, the One Belt, One Road plan and the Belt-and-Road fund.")
    assert "power_of_siberia" in tokens and "one_belt_one_road" in tokens and "belt_and_road" in tokens
    assert "siberia" not in tokens and "road" not in tokens
    assert {"xi jinping", "united states", "belt and road", "power of siberia"} <= set(load_phrases())


def test_tokens_drop_numbers_possessives_and_single_letters():
    assert tokenize("China's 38 billion m deal in 2014 on its 70th day") == ["china", "billion", "deal"]


def test_phrase_followed_by_a_hyphenated_suffix_stays_the_phrase():
    assert tokenize("Belt and Road-related projects") == ["belt_and_road", "related", "projects"]


def test_matrix_is_sparse_and_phrases_display_with_spaces():
    matrix, terms = document_term_matrix(["Xi Jinping meets the United States envoy.", "Xi Jinping visits Moscow."],
                                         phrases=None)
    assert sparse.issparse(matrix)
    assert "xi jinping" in terms and "united states" in terms
    column = list(terms).index("xi jinping")
    assert matrix[:, column].toarray().ravel().tolist() == [1, 1]
    assert list(terms) == sorted(terms)


def test_stemming_displays_the_most_frequent_surface_word():
    matrix, terms = document_term_matrix(["sanctions sanctions sanctioned", "sanctions trade traded trading"],
                                         stem=True, phrases=())
    assert "sanctions" in terms and "sanctioned" not in terms
    assert matrix[:, list(terms).index("sanctions")].toarray().ravel().tolist() == [3, 1]
    assert matrix[:, list(terms).index("trade")].toarray().ravel().tolist() == [0, 3]


def test_tfidf_rows_are_unit_length_and_min_df_filters():
    matrix, terms = document_term_matrix(["gas gas pipeline", "gas talks"], weighting="tfidf", phrases=())
    assert np.allclose(np.sqrt(matrix.multiply(matrix).sum(axis=1)).A.ravel(), 1.0)
    _, common = document_term_matrix(["gas gas pipeline", "gas talks"], min_df=2, phrases=())
    assert list(common) == ["gas"]


def test_empty_vocabulary_and_bad_weighting_are_clear_errors():
    with pytest.raises(ValueError, match="No terms left after preprocessing"):
        document_term_matrix(["the and of", "2014 1 2"], phrases=())
    with pytest.raises(ValueError, match="Unknown weighting 'bm25'"):
        document_term_matrix(["gas"], weighting="bm25")
    with pytest.raises(ValueError, match="min_df=3"):
        document_term_matrix(["gas", "oil"], min_df=3, phrases=())


def test_collocations_are_frequent_content_pairs_and_deterministic():
    texts = ["Arctic shipping grows. Arctic shipping lanes open."] * 2 + ["The Arctic shipping season."]
    found = find_collocations(texts, min_count=3)
    assert found[0] == "arctic shipping"
    assert found == find_collocations(texts, min_count=3)


def test_term_regex_finds_phrases_and_whole_words_only():
    assert term_regex("no limits").search("a “no-limits” partnership").group(0) == "no-limits"
    assert term_regex("gas").search("Gazprom's gasoline") is None
    assert term_regex("sanctions", ["sanctions", "sanctioned"]).search("was Sanctioned").group(0) == "Sanctioned"


def test_corpus_vocabulary_sets_aside_terms_in_more_than_half_the_articles():
    texts = [f"Kremlin envoy talks {word} deal" for word in ["grain"] * 6 + ["oil"] * 6] + ["Kremlin grain envoy"] * 2
    doc_ids = [f"d{i}" for i in range(len(texts))]
    counts, terms = document_term_matrix(texts, phrases=())
    keep, common = corpus_vocabulary(counts, terms, doc_ids)
    assert MAX_ARTICLE_SHARE == 0.5
    assert common["term"].tolist() == ["envoy", "kremlin", "deal", "talks", "grain"]  # 14, 14, 12, 12, 8 of 14 articles
    assert common["share"].tolist() == pytest.approx([1, 1, 12 / 14, 12 / 14, 8 / 14])
    assert list(terms[keep]) == ["oil"]


def test_article_frequency_counts_paragraphs_of_one_article_once():
    counts = sparse.csr_matrix([[2, 0], [1, 1], [0, 1], [0, 0]])
    frequency, n_articles = article_frequency(counts, ["a", "a", "b", "c"])
    assert frequency.tolist() == [1, 2] and n_articles == 3
    keep, common = corpus_vocabulary(counts, np.array(["gas", "oil"]), ["a", "a", "b", "c"], max_share=0.5)
    assert keep.tolist() == [0, 1] and common.empty  # three articles: a term in two of them is still specific
    with pytest.raises(ValueError, match="max_share must be in"):
        corpus_vocabulary(counts, np.array(["gas", "oil"]), ["a", "a", "b", "c"], max_share=0)


def test_counts_equal_scikit_learns_count_vectorizer_on_the_development_corpus():
    """The batched counting path gives exactly the counts of CountVectorizer(analyzer=tokenize), which it replaced."""
    from sklearn.feature_extraction.text import CountVectorizer

    from analysis.core.paths import PROJECT_ROOT
    from analysis.core.preprocess import corpus_phrases

    texts = [path.read_text(encoding="utf-8") for path in sorted((PROJECT_ROOT / "tests/data/dev_corpus").glob("*.txt"))]
    texts += ["China's gas, the U.S.'s view", "", "the and of 2014"]  # possessives, an empty text, only stopwords
    phrases = corpus_phrases(texts)
    reference = CountVectorizer(analyzer=lambda text: tokenize(text, phrases), dtype=np.int64)
    expected = reference.fit_transform(texts)
    matrix, terms = document_term_matrix(texts, phrases=phrases)
    assert len(texts) > 60 and matrix.dtype == np.int64
    assert list(terms) == [term.replace("_", " ") for term in reference.get_feature_names_out()]
    assert matrix.shape == expected.shape and (matrix != expected).nnz == 0


def test_phrase_pattern_grouped_by_first_letter_matches_as_the_plain_alternation():
    import re

    from analysis.core.paths import PROJECT_ROOT
    from analysis.core.preprocess import PHRASE_GAP, corpus_phrases, phrase_pattern

    texts = [path.read_text(encoding="utf-8").lower() for path in sorted((PROJECT_ROOT / "tests/data/dev_corpus").glob("*.txt"))]
    texts += ["xbelt and road, belt-and-road-related, one belt, one road; (power of siberia)"]
    phrases = corpus_phrases(texts)
    ordered = sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))
    plain = re.compile(r"(?<!\w)(?:" + "|".join(PHRASE_GAP.join(map(re.escape, p.split())) for p in ordered) + r")(?!\w)")
    grouped = phrase_pattern(phrases)
    found = [[(m.span(), m.group(0)) for m in grouped.finditer(text)] for text in texts]
    assert sum(map(len, found)) > 50
    assert found == [[(m.span(), m.group(0)) for m in plain.finditer(text)] for text in texts]


@pytest.mark.parametrize("stem", [False, True])
def test_counts_are_the_same_from_a_list_a_column_and_selected_rows_of_a_column(stem, monkeypatch):
    """A Series or TextRows is read a batch at a time (batches of 7 here, so several): the same matrix as a list."""
    import pandas as pd

    from analysis.core import preprocess
    from analysis.core.paths import PROJECT_ROOT
    from analysis.core.preprocess import TextRows

    monkeypatch.setattr(preprocess, "COUNT_BATCH", 7)
    texts = [path.read_text(encoding="utf-8") for path in sorted((PROJECT_ROOT / "tests/data/dev_corpus").glob("*.txt"))]
    column = pd.Series(["Headline one", *texts, "Headline two"], index=range(100, 162))
    expected, terms = document_term_matrix(texts, stem=stem)
    for source in (pd.Series(texts), TextRows(column, range(1, 61))):
        matrix, source_terms = document_term_matrix(source, stem=stem)
        assert list(source_terms) == list(terms) and (matrix != expected).nnz == 0
    assert expected.has_canonical_format and expected.shape == (60, len(terms)) and len(terms) > 1000


def test_column_rows_of_a_chunked_arrow_column_take_the_same_values():
    """JoinedTexts reads a batch from the stretch of the column it spans; the values are those of a plain take, in
    the order asked, from a column of several Arrow chunks (as one read back from Parquet is)."""
    import pandas as pd
    import pyarrow as pa

    from analysis.core.preprocess import column_rows

    chunks = pa.chunked_array([[f"t{i}" for i in range(start, start + 50)] for start in range(0, 200, 50)])
    column = pd.Series(pd.arrays.ArrowStringArray(chunks))
    for rows in (np.array([120, 30, 31, 199]), np.arange(40, 160), np.array([], dtype=np.int64)):
        assert column_rows(column, rows) == column.iloc[rows].tolist()


def test_text_rows_slices_give_the_rows_in_their_order_from_a_column_of_many_chunks():
    """TextRows takes a slice's rows from the stretch of the column they span: any order, any chunking."""
    import pandas as pd
    import pyarrow as pa

    from analysis.core.preprocess import TextRows

    words = [f"text {number}" for number in range(30)]
    chunked = pa.chunked_array([words[:7], words[7:8], words[8:20], words[20:]])
    rows = [3, 4, 9, 25, 2, 2, 29, 0, 8]
    for column in (pd.Series(words, index=range(100, 130)), pd.Series(pd.arrays.ArrowStringArray(chunked))):
        texts = TextRows(column, rows)
        assert texts[0:9] == [words[row] for row in rows]
        assert texts[2:5] == [words[9], words[25], words[2]] and texts[4:4] == [] and texts[8] == words[8]
        assert list(texts) == [words[row] for row in rows]


def _findall_counts(texts, phrases):
    """Per text, {raw token: count} from the regex path (``_phrase_tokens``) that the byte-level counting replaced."""
    from collections import Counter

    from analysis.core.preprocess import _phrase_tokens, phrase_pattern

    return [dict(Counter(_phrase_tokens(text, phrase_pattern(phrases)))) for text in texts]


def _batch_counts(texts, phrases):
    from analysis.core.preprocess import _count_batch

    uniques, block = _count_batch(texts, phrases)
    assert block.dtype == np.int64 and block.has_canonical_format and len(set(uniques)) == len(uniques)
    return [{uniques[column]: int(block[row, column]) for column in block[row].indices} for row in range(len(texts))]


def test_byte_level_tokens_are_the_token_patterns_matches_on_awkward_text():
    """_count_batch finds tokens in UTF-8 bytes without a regex: the same tokens, counted, as TOKEN_PATTERN.findall."""
    texts = ["70th anniversary, 70-year-old S-400 deal: no-limits 'ties' -- china's a--b a'-b 7a b7 _x x_ x-_y",
             "", "2014", "Ünter café naïve São Paulo İstanbul ÉU – “quoted” ‘single’ e-mail e’s", "x" * 5,
             "line\nbreak\ttab\u00a0nbsp end-", "'-'", "a'", "-a", "a-", "q-1-2-b's", "emoji😀word \ud800lone"]
    phrases = ("belt and road", "s 400")
    assert _batch_counts(texts, phrases) == _findall_counts(texts, phrases)
    assert _batch_counts(["Belt-and-Road s-400"], phrases) == [{"belt_and_road": 1, "s_400": 1}]


def test_byte_level_tokens_match_the_token_pattern_on_random_text():
    import random

    alphabet = list("abz09_'- \n.,üé’") + ["İ", "\u00a0", "😀", "A", "\ud800"]
    generator = random.Random(15)
    for _ in range(300):
        texts = ["".join(generator.choice(alphabet) for _ in range(generator.randint(0, 16)))
                 for _ in range(generator.randint(1, 20))]
        assert _batch_counts(texts, ()) == _findall_counts(texts, ())


def test_token_spans_and_their_bytes_are_the_token_patterns_matches():
    """_token_spans gives TOKEN_PATTERN's match offsets in the bytes, and with_mask marks exactly the matched bytes:
    chains that start with a digit or underscore (looked into separately) included."""
    import random

    from analysis.core.preprocess import TOKEN_PATTERN, _token_spans

    awkward = ["", "a", "1", "_", "'", "-", "1a", "_a", "1-a", "1'a'b", "__-x", "9-_-z", "a1-2b_c'd-", "-a-", "12 ab",
               "s-400 70th 1-2-3 x", "x" * 3, "a'-b", "0-0-a-0", "é1-a", "1é-a", "ab\n1-c\n_d"]
    generator = random.Random(7)
    alphabet = list("az09_'- \n.") + ["é", "😀"]
    randoms = ["".join(generator.choice(alphabet) for _ in range(generator.randint(0, 40))) for _ in range(500)]
    for text in awkward + randoms:
        data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        expected = [(match.start(), match.end()) for match in TOKEN_PATTERN.finditer(text.encode("utf-8").decode("latin-1"))]
        starts, ends = _token_spans(data)
        assert list(zip(starts.tolist(), ends.tolist())) == expected, text
        starts, ends, inside = _token_spans(data, with_mask=True)
        marked = np.zeros(len(data), dtype=bool)
        for start, end in expected:
            marked[start:end] = True
        assert np.array_equal(inside, marked), text


def test_phrases_are_joined_as_the_look_behind_pattern_joins_them():
    """_phrase_text finds phrases with a pattern that takes the non-word character before each one into the match
    (after a space put in front of the text): the same text as phrase_pattern's sub, on awkward and random text."""
    import random

    from analysis.core.preprocess import _join_phrase, _normalize, _phrase_text, phrase_pattern

    phrases = ("belt and road", "one belt one road", "xi jinping", "road map", "s 400", "a b", "b c", "world war ii")
    pattern = phrase_pattern(phrases)
    awkward = ["", "belt and road", " belt and road", "xbelt and road", "belt and roads", "belt and road_x",
               "belt and road-map", "(belt, and 'road')", "belt and road map", "a b c", "a b b c", "a-b-c b c",
               "one belt, one road belt and road", "world war ii", "world war iİ", "World War II.", "é belt and road",
               "1belt and road", "_belt and road", "belt\nand\u00a0road", "“Xi Jinping”’s", "s-400s s-400 s‘400",
               "a b\u0307", "a\u0307 b", "\u0130 a b", "a bxi jinping", "b c!a b"]
    generator = random.Random(11)
    pieces = ["a", "b", "c", "belt", "and", "road", "map", "xi", "jinping", "s", "400", "world", "war", "ii", " ", " ",
              "-", ",", "'", "’", "“", "\n", "_", "x", "é", "İ", ".", "1", "\u00a0"]
    randoms = ["".join(generator.choice(pieces) for _ in range(generator.randint(0, 14))) for _ in range(3000)]
    for text in awkward + randoms:
        assert _phrase_text(text, pattern) == pattern.sub(_join_phrase, _normalize(text)), text
    assert _phrase_text("Belt-and-Road, (one belt one road)", pattern) == " belt_and_road , ( one_belt_one_road )"


def test_collocation_counts_are_nltks_from_words():
    """find_collocations counts words and neighbouring pairs with Counter: the same finder as NLTK's from_words,
    so the same scores and collocations (on random streams with the document separator, and on the dev corpus)."""
    import random
    from collections import Counter

    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
    from nltk.probability import FreqDist

    from analysis.core.paths import PROJECT_ROOT
    from analysis.core.preprocess import raw_tokens

    generator = random.Random(5)
    texts = [path.read_text(encoding="utf-8") for path in sorted((PROJECT_ROOT / "tests/data/dev_corpus").glob("*.txt"))]
    real = [token for text in texts for token in raw_tokens(text) + ["\0"]]
    for stream in [[], ["a"], ["a", "\0"], real] + [[generator.choice("abcde\0") for _ in range(generator.randint(0, 60))]
                                                     for _ in range(200)]:
        theirs = BigramCollocationFinder.from_words(stream)
        ours = BigramCollocationFinder(FreqDist(Counter(stream)), FreqDist(Counter(zip(stream, stream[1:]))))
        assert dict(theirs.word_fd) == dict(ours.word_fd) and dict(theirs.ngram_fd) == dict(ours.ngram_fd)
        assert theirs.N == ours.N
        try:
            expected = theirs.score_ngrams(BigramAssocMeasures.likelihood_ratio)
        except ValueError:  # a tiny random stream can give a contingency table NLTK cannot score: so can ours
            with pytest.raises(ValueError):
                ours.score_ngrams(BigramAssocMeasures.likelihood_ratio)
        else:
            assert ours.score_ngrams(BigramAssocMeasures.likelihood_ratio) == expected


def test_raw_tokens_drop_possessives_as_the_pattern_does():
    from analysis.core.preprocess import POSSESSIVE, _phrase_tokens, phrase_pattern, raw_tokens

    text = "China's Xi's 's s's 's's it''s a-'s q's's x'sy don't he's-done O’s ’s"
    assert raw_tokens(text) == [POSSESSIVE.sub("", token) for token in _phrase_tokens(text, phrase_pattern(()))]
    assert raw_tokens(text)[:2] == ["china", "xi"]
