"""Shared text preprocessing: tokens, stopwords, multi-word phrases, optional stemming, document-term matrices.

Used by the topic stage and the comparison stage; needs no NLTK data package (regular expressions and Snowball only).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.core.keywords import alternation
from analysis.core.parallel import Batches, map_batches
from analysis.core.paths import read_word_list

STOPWORDS_FILE = "stopwords.txt"
PHRASES_FILE = "phrases.txt"
WEIGHTINGS = ("count", "tfidf")
COLLOCATION_MIN_COUNT = 3  # a word pair must occur this often to become a phrase
COLLOCATION_LIMIT = 30  # at most this many corpus collocations are added to the curated phrases
COLLOCATION_MAX_TOKENS = 300_000  # collocations are found in the first this-many tokens (documents in order)
COLLOCATION_COHESION = 0.5  # the pair must make up at least half the uses of its rarer word
# Corpus-aware vocabulary: a term found in more than this share of the ARTICLES names what the whole corpus is about
# ("china", "russia" in a corpus on China–Russia relations), not one of its themes, so it is not a topic word.
# Half: a theme can fill up to half the corpus and keep its own words ("trade" in a corpus where a third of the
# articles are about trade), while the subject's words, found in nearly every article, are set aside.
MAX_ARTICLE_SHARE = 0.5
MIN_ARTICLES = 2  # a term in one article only cannot tie articles into a theme

TOKEN_PATTERN = re.compile(r"""
    (?<![a-z0-9_])        # not in the middle of a word ("70th" gives no "th")
    [a-z]                 # a token starts with a letter (numbers are the figure stage's job)
    [a-z0-9_]*            # then letters, digits, or the underscores that join a phrase
    (?:['-][a-z0-9_]+)*   # hyphenated or apostrophe parts stay inside the token: no-limits, s-400, china's
""", re.VERBOSE)
POSSESSIVE = re.compile(r"'s$")
PHRASE_WORD = re.compile(r"[a-z0-9]+")
COUNT_BATCH = 2000  # texts counted per batch: their tokens are held as Python strings only for one batch
COUNT_GROUP = 8  # batches handed out at once (to worker processes when asked): their results are held together
NO_TERMS = ("No terms left after preprocessing: every word is a stopword, a number or a single letter. Check that the "
            "texts are English prose, or edit analysis/data/stopwords.txt.")
PHRASE_GAP = r"[\s\-,'\"“”‘’]+"  # what may stand between a phrase's words: spaces, hyphens, commas, quotes


@lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """The stopword list of ``analysis/data/stopwords.txt`` (lower case)."""
    return frozenset(word.strip().lower() for word in read_word_list(STOPWORDS_FILE))


@lru_cache(maxsize=1)
def load_phrases() -> tuple[str, ...]:
    """The curated multi-word expressions of ``analysis/data/phrases.txt`` (lower case)."""
    return tuple(" ".join(line.lower().split()) for line in read_word_list(PHRASES_FILE))


def _normalize(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


def _phrase_regex(phrase: str) -> str:
    """A phrase's words, literally, with anything in :data:`PHRASE_GAP` between them."""
    return PHRASE_GAP.join(re.escape(word) for word in phrase.split())


@lru_cache(maxsize=8)
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    """One pattern matching any phrase in lower-case text, longest first.

    The alternatives are grouped by their first letter ("b(?:elt and road|rics)|…"), so at each word the regex
    engine tries only the phrases that can start there; phrases with different first letters never match at the
    same place, so the grouping changes nothing but speed.
    """
    if not phrases:
        return None
    groups: dict[str, list[str]] = {}
    for phrase in set(phrases):
        groups.setdefault(phrase[0], []).append(phrase)
    parts = [re.escape(first) + alternation(group, part=lambda phrase: _phrase_regex(phrase)[len(re.escape(phrase[0])):])
             for first, group in sorted(groups.items())]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


@lru_cache(maxsize=4096)
def _joined_phrase(surface: str) -> str:
    """A phrase as found in the text, as one token between spaces: 'belt-and road' -> ' belt_and_road '."""
    return " " + "_".join(PHRASE_WORD.findall(surface)) + " "


def _join_phrase(match: re.Match) -> str:
    return _joined_phrase(match.group(0))  # a corpus spells each phrase a few ways: each spelling is joined once


LOOKBEHIND = r"(?<!\w)"  # how phrase_pattern starts: a phrase does not start inside a word


@lru_cache(maxsize=8)
def _after_pattern(source: str, flags: int) -> re.Pattern:
    """:func:`phrase_pattern` (its ``source`` and ``flags``; a compiled pattern hashes its whole program, too slow
    for a key looked up per text) with its look-behind for a non-word character replaced by one such character
    taken into the match: the regex engine then jumps from one non-word character to the next instead of trying the
    look-behind at every character of every word. Run on the text after one space, it finds the same phrases:
    each match starts at the same phrase, right after the character the look-behind checked (the space stands for
    the start of the text), and the character taken cannot be the end of an earlier match, a phrase's last
    character being a word character."""
    if not source.startswith(LOOKBEHIND):
        raise ValueError(f"A phrase pattern starts with {LOOKBEHIND!r}, not {source[:40]!r}.")
    return re.compile(r"[^\w]" + source[len(LOOKBEHIND):], flags)


def _join_after(match: re.Match) -> str:
    """A match of :func:`_after_pattern`: its first (non-word) character, then the phrase as one token."""
    surface = match.group(0)
    return surface[0] + _joined_phrase(surface[1:])


def _phrase_text(text: str, pattern: re.Pattern | None) -> str:
    """The text in lower case with each phrase's words joined by underscores (and spaces around it): what
    ``pattern.sub(_join_phrase, text)`` gives, found by :func:`_after_pattern` after a space put in front."""
    text = _normalize(text)
    return text if pattern is None else _after_pattern(pattern.pattern, pattern.flags).sub(_join_after, " " + text)[1:]


def _phrase_tokens(text: str, pattern: re.Pattern | None) -> list[str]:
    """Lower-case tokens with phrases joined by underscores; possessives and stopwords still in."""
    return TOKEN_PATTERN.findall(_phrase_text(text, pattern))


def raw_tokens(text: str, phrases: tuple[str, ...] = ()) -> list[str]:
    """Lower-case tokens with phrases joined by underscores and possessive 's removed; stopwords kept."""
    # POSSESSIVE.sub("", token), without a regex call per token (a token has no line break for "$" to stop before)
    return [token[:-2] if token.endswith("'s") else token for token in _phrase_tokens(text, phrase_pattern(tuple(phrases)))]


def tokenize(text: str, phrases: tuple[str, ...] | None = None) -> list[str]:
    """Content tokens of ``text``: lower case, stopwords and one-letter words removed, phrases kept as one token.

    >>> tokenize("Xi Jinping backs the Belt and Road; the US said 'no-limits' ties matter.")
    ['xi_jinping', 'backs', 'belt_and_road', 'no_limits', 'ties', 'matter']
    """
    phrases = load_phrases() if phrases is None else tuple(phrases)
    stopwords = load_stopwords()
    return [token for token in raw_tokens(text, phrases) if len(token) > 1 and token not in stopwords]


def find_collocations(texts, *, min_count: int = COLLOCATION_MIN_COUNT, limit: int = COLLOCATION_LIMIT,
                      max_tokens: int = COLLOCATION_MAX_TOKENS) -> list[str]:
    """Frequent word pairs of the corpus that behave as one expression (NLTK likelihood-ratio test).

    Pairs of two content words (no stopword, no existing phrase) occurring at least ``min_count`` times and making
    up at least half the uses of the rarer of the two words (so "chinese president" qualifies, but two common words
    that merely meet often do not), best ``limit`` by likelihood ratio, ties broken alphabetically. Only the first ``max_tokens`` tokens are read,
    so the cost stays flat for very large corpora.
    """
    stopwords = load_stopwords()
    phrases = load_phrases()
    stream: list[str] = []
    for text in texts:
        stream.extend(raw_tokens(text, phrases))
        stream.append("\0")  # no pair spans two documents
        if len(stream) >= max_tokens:
            break
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder  # heavy: imported when used
    from nltk.probability import FreqDist

    # BigramCollocationFinder.from_words(stream), counted by Counter in C rather than by FreqDist a token at a time:
    # every token once, and each pair of neighbours
    finder = BigramCollocationFinder(FreqDist(Counter(stream)), FreqDist(Counter(zip(stream, stream[1:]))))
    finder.apply_freq_filter(min_count)
    finder.apply_word_filter(lambda word: word == "\0" or word in stopwords or len(word) < 3 or "_" in word
                             or not word.isalpha())
    scored = [(pair, score) for pair, score in finder.score_ngrams(BigramAssocMeasures.likelihood_ratio)
              if finder.ngram_fd[pair] >= COLLOCATION_COHESION * min(finder.word_fd[pair[0]], finder.word_fd[pair[1]])]
    ranked = sorted(scored, key=lambda item: (-round(item[1], 9), item[0]))
    return [" ".join(pair) for pair, _ in ranked[:limit]]


def corpus_phrases(texts) -> tuple[str, ...]:
    """Curated phrases plus the corpus's own collocations, as used by :func:`document_term_matrix`."""
    return tuple(sorted(set(load_phrases()) | set(find_collocations(texts))))


def display_term(token: str) -> str:
    """A token as shown to readers: phrase underscores become spaces ('belt_and_road' -> 'belt and road')."""
    return token.replace("_", " ")


def document_term_matrix(texts, *, stem: bool = False, min_df: int = 1, weighting: str = "count",
                         phrases: tuple[str, ...] | None = None):
    """Sparse units × terms matrix and the terms as displayed (phrases with spaces), sorted alphabetically.

    ``phrases`` defaults to the curated list plus the corpus's collocations. With ``stem``, words are reduced by
    the Snowball stemmer and each stem is displayed as its most frequent surface word (phrases are not stemmed).
    ``min_df`` drops terms found in fewer units. ``weighting`` is ``count`` or ``tfidf`` (scikit-learn's default
    smooth idf, l2-normalised rows).

    >>> matrix, terms = document_term_matrix(["Gas deals and gas pipelines", "Gas pipeline talks"], stem=True, phrases=())
    >>> list(terms), matrix.toarray().tolist()
    (['deals', 'gas', 'pipeline', 'talks'], [[1, 2, 1, 0], [0, 1, 1, 1]])
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"Unknown weighting {weighting!r}; use one of {WEIGHTINGS}.")
    texts = texts if isinstance(texts, (pd.Series, TextRows, JoinedTexts)) else list(texts)  # strings a batch at a time
    phrases = corpus_phrases(texts) if phrases is None else tuple(phrases)
    matrix, words = count_terms(texts, phrases)
    if stem:
        matrix, words = _merge_stems(matrix, words)
        matrix = matrix.tocsr()
    else:
        words = np.array([display_term(word) for word in words], dtype=object)
    document_frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])  # canonical CSR: stored means > 0
    keep = np.flatnonzero(document_frequency >= min_df)
    if keep.size == 0:
        raise ValueError(f"No term occurs in at least min_df={min_df} units; lower min_df.")
    if keep.size < matrix.shape[1]:  # no copy when every term stays (min_df=1)
        matrix, words = matrix[:, keep].tocsr(), words[keep]
    if weighting == "tfidf":
        from sklearn.feature_extraction.text import TfidfTransformer  # heavy: imported when used

        matrix = TfidfTransformer().fit_transform(matrix).tocsr()
    return matrix, words


class TextRows(Sequence):
    """Some rows of a text column, read a slice at a time: :func:`document_term_matrix` counts the terms of a
    selection of a large corpus's paragraphs without a second copy of their text.

    >>> rows = TextRows(pd.Series(["a", "b", "c"]), [0, 2])
    >>> len(rows), rows[0:2], list(rows)
    (2, ['a', 'c'], ['a', 'c'])
    """

    def __init__(self, column: pd.Series, rows) -> None:
        self.column, self.rows = column, np.asarray(rows, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            rows = self.rows[index]
            if not len(rows):
                return []
            low, high = rows.min(), rows.max()
            # rows taken from the stretch of the column they span: taking from a whole column of many chunks (as one
            # read back from Parquet has) costs time in proportion to the column, a stretch in proportion to itself
            return self.column.iloc[low:high + 1].iloc[rows - low].tolist()
        return self.column.iloc[int(self.rows[index])]

    def __iter__(self):
        for begin in range(0, len(self), COUNT_BATCH):
            yield from self[begin:begin + COUNT_BATCH]


def column_rows(column: pd.Series, rows: np.ndarray) -> list:
    """The values of ``column`` at the positions ``rows``, as a list, taken from the stretch of the column they span:
    taking from a whole column read back from Parquet costs time in proportion to the column (Arrow joins its chunks
    first: at 100,000 articles, a copy of every paragraph's text per batch), a stretch in proportion to itself.

    >>> column_rows(pd.Series(["a", "b", "c", "d"]), np.array([2, 1]))
    ['c', 'b']
    """
    if not len(rows):
        return []
    low, high = rows.min(), rows.max()
    return column.iloc[low:high + 1].iloc[rows - low].tolist()


class JoinedTexts(Sequence):
    """The rows of a text column grouped by key and joined, one text per key of ``order`` (rows in column order,
    joined by ``separator``; "" for a key without rows), read a slice at a time: a corpus's articles as its
    paragraphs joined by blank lines (``analysis.corpus.load.Corpus.document_texts``), without a copy of every
    article's text.

    >>> texts = JoinedTexts(pd.Series(["a1", "b1", "a2"]), ["a", "b", "a"], ["b", "a", "c"])
    >>> len(texts), texts[0:3], texts[1]
    (3, ['b1', 'a1\\n\\na2', ''], 'a1\\n\\na2')
    """

    def __init__(self, column: pd.Series, keys, order, separator: str = "\n\n") -> None:
        codes = pd.Index(order).get_indexer(pd.Index(keys))  # each row's place in ``order``; -1: not listed
        listed = np.flatnonzero(codes >= 0)
        self.column, self.separator, self.size = column, separator, len(order)
        self.rows = listed[np.argsort(codes[listed], kind="stable")]  # grouped by key, column order within
        self.bounds = np.concatenate([[0], np.cumsum(np.bincount(codes[listed], minlength=len(order)))])

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index):
        if not isinstance(index, slice):
            if not 0 <= index < self.size:
                raise IndexError(index)
            return self[index:index + 1][0]
        begin, end, step = index.indices(self.size)
        if step != 1:
            raise ValueError("JoinedTexts reads consecutive slices only.")
        end = max(begin, end)
        texts = column_rows(self.column, self.rows[self.bounds[begin]:self.bounds[end]])
        cuts = self.bounds[begin:end + 1] - self.bounds[begin]
        return [self.separator.join(texts[cuts[number]:cuts[number + 1]]) for number in range(end - begin)]

    def __iter__(self):
        for begin in range(0, len(self), COUNT_BATCH):
            yield from self[begin:begin + COUNT_BATCH]


def _batch_results(texts, phrases: tuple[str, ...]):
    """:func:`_count_batch` of each batch of texts, in order, ``COUNT_GROUP`` batches at a time, so only one group's
    tokens are held as Python strings (all of them, fragmenting memory, when every result was kept to the end)."""
    batches = Batches(texts, COUNT_BATCH)
    for first in range(0, len(batches), COUNT_GROUP):
        group = [batches[index] for index in range(first, min(first + COUNT_GROUP, len(batches)))]
        yield from map_batches(_count_batch, group, phrases, n_items=len(texts))


def _count_batch(texts: list[str], phrases: tuple[str, ...]):
    """One batch's raw tokens (possessives and stopwords still in): the distinct tokens, and texts × those counts.

    The tokens are those of :func:`_phrase_tokens` (a test compares them), found by :func:`_token_spans` in the
    batch's UTF-8 bytes and told apart by Arrow, so no Python string is made per token, only per distinct token.
    """
    import pyarrow as pa  # imported when used, as the other heavy libraries here

    pattern = phrase_pattern(phrases)
    encoded = [_phrase_text(text, pattern).encode("utf-8", "surrogatepass") for text in texts]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    data = np.frombuffer(b"\n".join(encoded), dtype=np.uint8)  # a newline between texts: no token spans two
    starts, ends, inside = _token_spans(data, with_mask=True)
    sizes = ends - starts
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    gathered = data[inside]  # the tokens' bytes, end to end
    tokens = pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(offsets), pa.py_buffer(gathered))
    encoding = tokens.dictionary_encode()  # codes in order of first sight, as pandas.factorize gives them
    codes = encoding.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    uniques = encoding.dictionary.to_numpy(zero_copy_only=False)
    text_ends = np.cumsum(lengths + 1) - 1  # where each text's newline (or the end) is
    rows = np.repeat(np.arange(len(texts)), np.diff(np.searchsorted(starts, text_ends), prepend=0))  # tokens in order
    block = sparse.csr_matrix((np.ones(len(codes), dtype=np.int64), (rows, codes)), shape=(len(texts), len(uniques)))
    block.sum_duplicates()
    return uniques, block


def byte_mask(data: np.ndarray, characters: str | bytes) -> np.ndarray:
    """True where a byte of ``data`` is one of ``characters`` (ASCII characters, or byte values), by comparisons
    (each stretch of consecutive values one subtraction and compare), not a 256-entry table lookup per byte, which
    numpy does several times slower.

    >>> byte_mask(np.frombuffer(b"a-z_9", dtype=np.uint8), "_-").tolist()
    [False, True, False, True, False]
    """
    codes = sorted(set(characters.encode("ascii") if isinstance(characters, str) else characters))
    found = np.zeros(len(data), dtype=bool)
    begin = 0
    while begin < len(codes):
        end = begin
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        if end == begin:
            found |= data == codes[begin]
        else:
            found |= (data - np.uint8(codes[begin])) <= np.uint8(codes[end] - codes[begin])  # wraps below the range
        begin = end + 1
    return found


TOKEN_LETTERS = "abcdefghijklmnopqrstuvwxyz"  # what TOKEN_PATTERN lets start a token
TOKEN_WORD = TOKEN_LETTERS + "0123456789_"  # ... and continue one
TOKEN_JOINTS = "'-"  # ... and join two parts of one
# every byte of a non-ASCII character is 0x80 or above, so in none of these: such a character is never part of a
# token and stops one, as in the pattern


def _token_spans(data: np.ndarray, *, with_mask: bool = False):
    """Start and end offsets of :data:`TOKEN_PATTERN`'s matches in lower-case UTF-8 bytes (``findall`` without a
    Python step per character or token); with ``with_mask``, also True on every byte inside a token.

    A *chain* is a run of ``[a-z0-9_]`` characters, joined to the next run by one apostrophe or hyphen, and so on.
    The pattern matches once per chain: from the chain's first run that starts with a letter (a run that starts with
    a digit or underscore cannot start a token, and a letter inside a run is preceded by a word character) to the
    chain's end (the greedy parts take every run and joint that follows). Chains without such a run give nothing.
    A chain that starts with a letter (most do) starts its token there; only the others are looked into.
    """
    letter = byte_mask(data, TOKEN_LETTERS)
    run = letter | byte_mask(data, TOKEN_WORD[len(TOKEN_LETTERS):])
    in_chain = run.copy()
    if len(data) > 2:  # an apostrophe or hyphen between two run characters joins them
        in_chain[1:-1] |= byte_mask(data[1:-1], TOKEN_JOINTS) & run[:-2] & run[2:]
    padded = np.zeros(len(data) + 2, dtype=bool)
    padded[1:-1] = in_chain
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    chain_starts, chain_ends = edges[::2], edges[1::2]
    token_starts, has_token = chain_starts.copy(), np.ones(len(chain_starts), dtype=bool)
    other = np.flatnonzero(~letter[chain_starts])  # chains that start with a digit or underscore
    found = np.zeros(0, dtype=bool)
    if len(other):
        run_letters = letter.copy()  # letters that start a run
        run_letters[1:] &= ~run[:-1]
        letter_starts = np.flatnonzero(run_letters)
        at = np.searchsorted(letter_starts, chain_starts[other])  # the first such letter at or after the chain's start
        found = at < len(letter_starts)
        found[found] = letter_starts[at[found]] < chain_ends[other[found]]  # ... inside the chain
        token_starts[other[found]] = letter_starts[at[found]]
        has_token[other[~found]] = False
    starts, ends = token_starts[has_token], chain_ends[has_token]
    if not with_mask:
        return starts, ends
    # the tokens' bytes: the chains' bytes less the part of each other chain before its token (all of it without one)
    cut_begin = chain_starts[other]
    cut_end = np.where(found, token_starts[other], chain_ends[other])
    lengths = cut_end - cut_begin
    cut = np.repeat(cut_begin - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())
    in_chain[cut] = False
    return starts, ends, in_chain


def count_terms(texts, phrases: tuple[str, ...]):
    """Units × terms counts of :func:`tokenize`'s tokens (int64, canonical CSR) and the terms, sorted.

    The same counts as scikit-learn's ``CountVectorizer(analyzer=tokenize)``, without a Python step per token: each
    text's phrases are joined by one regex scan, a batch's raw tokens are found in its bytes and told apart at once
    (:func:`_count_batch`; in worker processes when asked, :func:`analysis.core.parallel.map_batches`), and
    possessives, stopwords and one-letter words are dealt with once per distinct raw token: each batch's columns are
    mapped to its term (or dropped) as the batch comes back, so no matrix of raw tokens is held, and the terms are
    put in alphabetical order at the end.
    ``texts`` is a list, a pandas Series or :class:`TextRows` (sliced per batch, so the Python strings of a column
    exist one batch at a time).
    """
    stopwords = load_stopwords()
    terms: list[str] = []  # in order of first sight
    term_number: dict[str, int] = {}
    raw_number: dict[str, int] = {}  # raw token -> its term's number, -1 when it is dropped

    def number(raw: str) -> int:
        if raw not in raw_number:
            word = POSSESSIVE.sub("", raw)
            if len(word) <= 1 or word in stopwords:
                raw_number[raw] = -1
            else:
                raw_number[raw] = term_number.setdefault(word, len(term_number))
                if raw_number[raw] == len(terms):
                    terms.append(word)
        return raw_number[raw]

    blocks = []
    for uniques, block in _batch_results(texts, phrases):
        columns = np.fromiter(map(number, uniques), dtype=np.int64, count=len(uniques))[block.indices]
        kept = columns >= 0
        rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
        block = sparse.csr_matrix((block.data[kept], (rows[kept], columns[kept])),  # sums "china's" into "china"
                                  shape=(block.shape[0], len(terms)))
        block.sum_duplicates()
        blocks.append(block)
    if not terms:
        raise ValueError(NO_TERMS)
    words = np.array(terms, dtype=object)
    order = np.argsort(words, kind="stable")  # alphabetical, as np.unique sorts (the terms are distinct)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    starts = np.cumsum([0] + [block.nnz for block in blocks])
    index_type = np.int32 if max(starts[-1], len(words)) < 2**31 else np.int64  # scipy's choice, made before filling
    data, indices = np.empty(starts[-1], dtype=np.int64), np.empty(starts[-1], dtype=index_type)
    indptr = [np.zeros(1, dtype=index_type)]
    for number, start in enumerate(starts[:-1]):  # one batch at a time into the matrix, each freed once copied
        block, blocks[number] = blocks[number], None
        data[start:start + block.nnz], indices[start:start + block.nnz] = block.data, rank[block.indices]
        indptr.append(block.indptr[1:] + start)
    counts = sparse.csr_matrix((data, indices, np.concatenate(indptr)), shape=(len(texts), len(words)))
    counts.sort_indices()
    return counts, words[order]


def _merge_stems(matrix, words):
    """Sum the columns of words sharing a Snowball stem; name each by its most frequent surface word."""
    codes, display = stem_columns(words, np.asarray(matrix.sum(axis=0)).ravel())
    merge = sparse.csr_matrix((np.ones(len(words), dtype=np.int64), (np.arange(len(words)), codes)),
                              shape=(len(words), len(display)))
    return (matrix @ merge).tocsc(), display


def stem_columns(words: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each word's column among the stemmed terms, and the terms as displayed (sorted): words sharing a Snowball
    stem share a column, named by its most frequent surface word (``totals``: each word's count; ties
    alphabetical). Phrases are not stemmed.

    >>> codes, display = stem_columns(np.array(["pipeline", "pipelines", "talks"], dtype=object), np.array([1, 3, 1]))
    >>> codes.tolist(), display.tolist()
    ([0, 0, 1], ['pipelines', 'talks'])
    """
    from nltk.stem.snowball import SnowballStemmer  # heavy: imported when used

    stemmer = SnowballStemmer("english")
    stems = np.array([word if "_" in word else stemmer.stem(word) for word in words], dtype=object)
    stem_index, codes = np.unique(stems, return_inverse=True)
    display = np.empty(len(stem_index), dtype=object)
    best = np.full(len(stem_index), -1)
    for position in np.lexsort((words, -totals)):  # most frequent surface first, ties alphabetical
        if best[codes[position]] < 0:
            best[codes[position]] = position
            display[codes[position]] = display_term(words[position])
    order = np.argsort(display.astype(str), kind="mergesort")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes.ravel()], display[order]


def article_frequency(matrix, doc_ids) -> tuple[np.ndarray, int]:
    """Number of articles each term (column of a units × terms matrix) occurs in, and the number of articles.

    ``doc_ids`` gives each row's article; several rows (paragraphs) of one article count once.

    >>> counts = sparse.csr_matrix([[1, 0], [2, 1], [0, 1]])
    >>> frequency, n = article_frequency(counts, ["a", "a", "b"])
    >>> frequency.tolist(), n
    ([1, 2], 2)
    """
    codes = np.unique(np.asarray(doc_ids), return_inverse=True)[1].ravel()
    n_articles = int(codes.max()) + 1 if len(codes) else 0
    grouping = sparse.csr_matrix((np.ones(len(codes), dtype=np.int32), (codes, np.arange(len(codes)))),
                                 shape=(n_articles, len(codes)))
    matrix = sparse.csr_matrix(matrix)
    # 0/1 per stored value, sharing the matrix's indices: no float or boolean copy of a large corpus's matrix
    binary = sparse.csr_matrix(((matrix.data > 0).astype(np.int32), matrix.indices, matrix.indptr), shape=matrix.shape)
    present = grouping @ binary  # paragraphs of each article holding each term
    return np.bincount(present.indices[present.data > 0], minlength=matrix.shape[1]), n_articles


def corpus_vocabulary(matrix, terms, doc_ids, *, max_share: float = MAX_ARTICLE_SHARE,
                      min_articles: int = MIN_ARTICLES) -> tuple[np.ndarray, pd.DataFrame]:
    """Which terms may be topic words in this corpus: the kept column indices, and the table of common terms.

    A term is kept when it occurs in at least ``min_articles`` articles (lowered to 1 for corpora of under ten
    articles) and in at most ``max_share`` of them (or in at most ``min_articles``, whichever is more). The second
    value lists the terms set aside for being too common (term, n_articles, share), most common first, so a report can show them.

    >>> counts = sparse.csr_matrix([[1, 1, 0], [1, 0, 1], [1, 1, 1], [1, 0, 1]])
    >>> keep, common = corpus_vocabulary(counts, np.array(["china", "gas", "oil"]), ["a", "b", "c", "d"], max_share=0.6)
    >>> keep.tolist(), common["term"].tolist()
    ([1], ['china', 'oil'])
    """
    frequency, n_articles = article_frequency(matrix, doc_ids)
    return vocabulary_from_frequency(frequency, n_articles, terms, max_share=max_share, min_articles=min_articles)


def vocabulary_from_frequency(frequency: np.ndarray, n_articles: int, terms, *, max_share: float = MAX_ARTICLE_SHARE,
                              min_articles: int = MIN_ARTICLES) -> tuple[np.ndarray, pd.DataFrame]:
    """:func:`corpus_vocabulary` from the number of articles each term occurs in (``frequency``) and of articles:
    sums over a partitioned corpus's parts give the same vocabulary."""
    if not 0 < max_share <= 1:
        raise ValueError(f"max_share must be in (0, 1], not {max_share!r}.")
    floor = min_articles if n_articles >= 10 else 1
    limit = max(min_articles, max_share * n_articles)  # in a tiny corpus, a term in two articles is still specific
    keep = np.flatnonzero((frequency >= floor) & (frequency <= limit))
    common = np.flatnonzero(frequency > limit)
    table = pd.DataFrame({"term": np.asarray(terms, dtype=object)[common], "n_articles": frequency[common],
                          "share": frequency[common] / max(n_articles, 1)})
    return keep, table.sort_values(["n_articles", "term"], ascending=[False, True], ignore_index=True)


def term_regex(term: str, surfaces: list[str] | None = None) -> re.Pattern:
    """A case-insensitive pattern finding a displayed term (or any of its ``surfaces``) in raw text.

    >>> bool(term_regex("belt and road").search("China's Belt-and-Road plan")), bool(term_regex("gas").search("Gasprom"))
    (True, False)
    """
    return re.compile(r"(?<!\w)" + alternation(surfaces or [term], part=_phrase_regex) + r"(?!\w)", re.IGNORECASE)
