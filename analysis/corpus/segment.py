"""Split cleaned article text into paragraphs and sentences that keep offsets into the raw file.

Sentences come from NLTK's Punkt splitter configured from ``analysis/data/abbreviations.txt``: no model download.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from analysis.core.paths import read_word_list
from analysis.core.pattern_screen import screen

# A block is hard-wrapped (one paragraph over several lines) when it has at least this many lines
# and every line but the last is between these lengths.
WRAP_MIN_LINES = 3
WRAP_LINE_LENGTH = (50, 100)


@lru_cache(maxsize=1)
def sentence_tokenizer():
    """Punkt with the project's abbreviation list; needs no NLTK data package."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer  # here: reading a stored corpus needs no NLTK

    params = PunktParameters()
    params.abbrev_types = set(read_word_list("abbreviations.txt"))
    tokenizer = PunktSentenceTokenizer(params)
    tokenizer.text_contains_sentbreak = break_test(tokenizer)  # Punkt's own test, made for trained models, is slower
    return tokenizer


# The commonest candidate break: a word of two or more ASCII letters, its period, spaces or line breaks, and a
# capitalised word (ASCII letters, then perhaps punctuation: 'Moscow. Putin,'). Punkt's word tokenizer makes the first
# word one token (period included) and starts the second with the capital, so the first ends a sentence unless it is
# an abbreviation (not an initial: two letters or more; not a number; followed by a capital). Where only the two words
# are there (the match reaches the end), that is the answer; an abbreviation followed by more is left to the full test.
PLAIN_BREAK = re.compile(r"([A-Za-z]{2,})\.[ \n]+[A-Z][A-Za-z]*")


def break_test(tokenizer):
    """Punkt's ``text_contains_sentbreak`` for a tokenizer that knows abbreviations only (no collocations, frequent
    sentence starters or orthographic contexts, as :func:`sentence_tokenizer`'s): the same decision from the same
    tokens, regular expressions and rules, without building an annotated token object per word.

    Punkt asks it of each candidate break's context ('Moscow. The'): whether a token other than the last ends a
    sentence. A token ends one when it is '.', '?' or '!', or ends with one period (not two) and is no abbreviation,
    unless it is an initial ('J.') or a number ('2014.') followed by punctuation or a lower-case word, or an initial
    followed by a capital (NLTK's first and second annotation passes with empty tables; a test compares both).
    """
    params, language = tokenizer._params, tokenizer._lang_vars
    if params.collocations or params.sent_starters or any(params.ortho_context.values()):
        return tokenizer.text_contains_sentbreak  # a trained model: its heuristics need the full annotation
    token = tokenizer._Token
    abbreviations, ends, punctuation = params.abbrev_types, language.sent_end_chars, tokenizer.PUNCTUATION
    # The next commonest: a word's period right before a closing quote or other punctuation ('said.”'). The word
    # tokenizer ends the word at that character, which is the only other token; the word ends a sentence unless an
    # abbreviation, whatever the character (a capital, lower-case letter or number rule needs a following word).
    closing_break = re.compile(r"([A-Za-z]{2,})\." + language._re_non_word_chars)
    numeric, initial, word_tokenize = token._RE_NUMERIC, token._RE_INITIAL, language.word_tokenize

    def ends_sentence(word: str, following: str) -> bool:
        if word in ends:
            return True
        if not word.endswith(".") or word.endswith(".."):  # an ellipsis ('...') ends with two periods too
            return False
        stem = word[:-1].lower()
        if stem in abbreviations or stem.split("-")[-1] in abbreviations:
            return False
        if following in punctuation or following[0].islower():  # an initial or a number does not end a sentence here
            kind = numeric.sub("##number##", word.lower())  # PunktToken's type, less a final period
            kind = kind[:-1] if len(kind) > 1 and kind[-1] == "." else kind
            return not (len(word) == 2 and initial.match(word)) and kind != "##number##"
        if following[0].isupper():  # ... nor does an initial (one letter and its period) before a capital
            return not (len(word) == 2 and initial.match(word))
        return True

    def contains_sentbreak(text: str) -> bool:
        if simple := PLAIN_BREAK.match(text):  # 'Moscow. The': a word's period ends a sentence unless an abbreviation
            if simple.group(1).lower() not in abbreviations:
                return True  # the first pair of tokens ends a sentence: Punkt need not look at the rest
            if simple.end() == len(text):
                return False
        elif closing := closing_break.fullmatch(text):  # 'said.”'
            return closing.group(1).lower() not in abbreviations
        if "\n" in text:
            words = [word for line in text.split("\n") if line.strip() for word in word_tokenize(line)]
        else:
            words = word_tokenize(text) if text.strip() else []
        return any(ends_sentence(word, following) for word, following in zip(words, words[1:]))

    return contains_sentbreak


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences in ``text``, shifted by ``offset``.

    >>> text = "Mr. Xi met Putin on May 7, 2015 in Moscow. The U.S. objected."
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['Mr. Xi met Putin on May 7, 2015 in Moscow.', 'The U.S. objected.']
    """
    return [(offset + start, offset + end) for start, end in punkt_spans(sentence_tokenizer(), text)]


WHITESPACE = string.whitespace  # what Punkt takes for the space before a word
# Everything up to the last of those characters: read back from the end of the text, so as far as the last word.
LAST_WHITESPACE = re.compile(".*[" + "".join(f"\\x{ord(char):02x}" for char in WHITESPACE) + "]", re.DOTALL)


@lru_cache(maxsize=8)
def _first_characters(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, as the pattern screen reads them
    (:func:`analysis.core.pattern_screen.screen`; Punkt's realignment pattern: closing quotes and brackets); None when that reading names no start."""
    found = screen(re.compile(pattern))
    if found.folded_starts or not found.raw_starts:  # case-folded or unknown starts: no shortcut
        return None
    return frozenset(start[0] for start in found.raw_starts)


def punkt_spans(tokenizer, text: str) -> list[tuple[int, int]]:
    """``tokenizer.span_tokenize(text)`` as a list: NLTK's steps (``_match_potential_end_contexts``,
    ``_slices_from_text``, ``_realign_boundaries``) in one loop with the same regular expressions and tests, without
    their generators; a text without a sentence-ending character is one span at once (a test compares with NLTK's)."""
    language = tokenizer._lang_vars
    end = len(text.rstrip())
    if not any(char in text for char in language.sent_end_chars):  # no candidate break: Punkt's one slice
        return [(0, end)] if end else []
    breaks = tokenizer.text_contains_sentbreak
    slices, last_break = [], 0

    def consider(match, word_start: int, word_end: int) -> None:
        nonlocal last_break
        if breaks(text[word_start:word_end] + match.group() + match.group("after_tok")):
            slices.append((last_break, match.end()))
            last_break = match.start("next_tok") if match.group("next_tok") else match.end()

    previous, previous_start, previous_end = None, 0, 0
    for match in language.period_context_re().finditer(text):
        # Punkt's last white space between the previous candidate and this one (one at the very first place counts
        # as none, as in Punkt): the word before the period starts after it.
        space = LAST_WHITESPACE.match(text, previous_end, match.start())
        start = space.end() if space is not None and space.end() > previous_end + 1 else previous_start
        if previous is not None and previous_end <= start:
            consider(previous, previous_start, previous_end)
        previous, previous_start, previous_end = match, start, match.start()
    if previous is not None:
        consider(previous, previous_start, previous_end)
    slices.append((last_break, end))
    spans, realign = [], 0
    realignment = language.re_boundary_realignment
    openers = _first_characters(realignment.pattern)  # None: unknown, try the pattern on every sentence
    for position, (start, stop) in enumerate(slices):
        start += realign
        if position + 1 == len(slices):
            if start < stop:
                spans.append((start, stop))
            continue
        following = slices[position + 1]
        if (openers is None or text[following[0]:following[0] + 1] in openers) and (
                match := realignment.match(text[following[0]:following[1]])):
            spans.append((start, following[0] + len(match.group(0).rstrip())))
            realign = match.end()
        else:
            realign = 0
            if start < stop:
                spans.append((start, stop))
    return spans


def _is_hard_wrapped(lines: list[str]) -> bool:
    low, high = WRAP_LINE_LENGTH
    if len(lines) < WRAP_MIN_LINES:
        return False
    return all(low <= len(line.rstrip()) <= high for line in lines[:-1])


def paragraph_spans(raw: str, kept_lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Group kept lines of ``raw`` into paragraph spans.

    ``kept_lines`` are the ``(start, end)`` spans of the lines that survived cleaning, in file order.
    Paragraphs are separated by blank lines or removed lines; inside a block each line is its own
    paragraph (articles that put one paragraph per line), unless the block is hard-wrapped, in which
    case the whole block is one paragraph. Spans are trimmed of surrounding white space.
    """
    blocks: list[list[tuple[int, int]]] = []
    previous_end = None
    for start, end in kept_lines:
        if not raw[start:end].strip():
            previous_end = None
            continue
        between = raw[previous_end:start] if previous_end is not None else None
        if between is None or between.count("\n") > 1 or between.strip():
            blocks.append([])
        blocks[-1].append((start, end))
        previous_end = end
    spans = []
    for block in blocks:
        texts = [raw[s:e] for s, e in block]
        groups = [block] if _is_hard_wrapped(texts) else [[line] for line in block]
        for group in groups:
            spans.append(_trim(raw, group[0][0], group[-1][1]))
    return spans


def _trim(raw: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with white space."""
    piece = raw[start:end]
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    return start + left, start + right


def line_spans(raw: str) -> list[tuple[int, int]]:
    """Spans of every line of ``raw`` without its line break (handles \\n, \\r\\n and \\r)."""
    if "\r" not in raw:  # line breaks are \n only: the same spans from str.split
        spans, position = [], 0
        for line in raw.split("\n"):
            spans.append((position, position + len(line)))
            position += len(line) + 1
        if spans[-1][0] == len(raw):  # nothing after the last line break: no line there
            spans.pop()
        return spans
    spans = []
    position = 0
    for match in re.finditer(r"\r\n|\r|\n", raw):
        spans.append((position, match.start()))
        position = match.end()
    if position < len(raw):
        spans.append((position, len(raw)))
    return spans
