"""Turn the project's keyword data files (frames, actors) into compiled regular expressions.

One rule for every list: a term matches whole words; ``prefix`` terms also match longer words that start with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
import pandas as pd

from analysis.core.parallel import Batches, map_batches
from analysis.core.paths import data_file, read_data_table

MATCH_KINDS = ("prefix", "word")
CASE_KINDS = ("any", "exact")


def read_keyword_file(name: str, group_column: str) -> pd.DataFrame:
    """Read ``analysis/data/name`` (comment lines start with #) and validate its ``term``, ``match`` and ``case`` columns."""
    path = data_file(name)
    table = read_data_table(path)
    required = {group_column, "term", "match", "case"}
    missing = required - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}; the header must name {', '.join(sorted(required))}.")
    for number, row in enumerate(table.itertuples(index=False), start=2):
        if not row.term.strip():
            raise ValueError(f"{path}, data row {number - 1}: empty term; give a word or phrase, or delete the row.")
        if row.match not in MATCH_KINDS:
            raise ValueError(f"{path}, term {row.term!r}: match must be one of {MATCH_KINDS}, not {row.match!r}.")
        if row.case not in CASE_KINDS:
            raise ValueError(f"{path}, term {row.term!r}: case must be one of {CASE_KINDS}, not {row.case!r}.")
    return table


def longest_first(words) -> list[str]:
    """Distinct ``words``, longest first (ties alphabetical): the order a regex alternation must try them in, so
    "seventeen" is tried before "seven"."""
    return sorted(set(words), key=lambda word: (-len(word), word))


def alternation(words, part=re.escape, flags: str = "") -> str:
    """The one regex alternation builder: ``words`` longest first, each written by ``part`` (literally by default),
    in a group with inline ``flags`` ("i": any case). :func:`trie` writes the same alternation factored by prefixes.

    >>> print(alternation(["seven", "seventeen", "a.m."]), alternation(["per cent", "%"], flags="i"))
    (?:seventeen|seven|a\\.m\\.) (?i:per\\ cent|%)
    """
    return f"(?{flags}:" + "|".join(part(word) for word in longest_first(words)) + ")"


def trie(words, flexible_spaces: bool = True, after_first: str = "") -> str:
    """An alternation of ``words`` factored by shared prefixes ("t(?:wo|hree|en)"), so the regex engine rejects a
    non-matching word after a character or two; longest match first. With ``flexible_spaces`` a space in a word
    also matches hyphens and line breaks ("no limits" finds "no-limits"). ``after_first`` is written after each
    word's first character (:data:`STARTS_A_WORD`, for example)."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict, first: bool = False) -> str:
        branches = [(r"[\s-]+" if char == " " and flexible_spaces else re.escape(char))
                    + (after_first if first else "") + emit(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(root, first=True) + ")"


# A term starts where no letter, digit or underscore comes before it. Written before the term, (?<!\w) is tried at
# every position of the text. Written after the term's first character as (?<!\w[\s\S]) (the character before that
# one is not a word character, or there is none), it says the same, and the pattern then starts with the terms'
# first characters, so the regex engine skips ahead to the next of them instead of trying every position: for the
# exact-case terms, whose first characters (capitals) are rare, a scan takes a half to a fifth of the time; for
# case-insensitive terms, whose first letters are everywhere, the check is cheaper first (it rejects the middle of
# a word before any letter is compared). tests/test_core_keywords.py checks that both find the same.
STARTS_A_WORD = r"(?<!\w[\s\S])"
# For the case-insensitive terms, cheaper still is to match the character before the term, (?<!\w) turned into \W:
# the regex engine then skips from one non-word character to the next instead of trying every position (a fifth
# less time on sentences). The term group, not the match, then says where a term starts. It finds the same matches
# when the text to scan starts with a non-word character (the scan puts a NUL before every text) and every term
# ends with a letter, digit or underscore: a match then ends with a word character, so the next term starts two or
# more characters later, after a non-word one that no match has taken. :func:`_leads_with_non_word` checks that.
NON_WORD_BEFORE = r"\W"


def _normal(text: str, case: str) -> str:
    joined = " ".join(re.split(r"[\s-]+", text))
    return joined.lower() if case == "any" else joined


def _leads_with_non_word(words) -> bool:
    """Whether a pattern of ``words`` may match the non-word character before a term (:data:`NON_WORD_BEFORE`):
    when every word ends with an ASCII letter, digit or underscore (whose case-insensitive equivalents, such as
    the Kelvin sign for "k", are word characters too) and none holds the NUL that starts each scanned text."""
    return all(word and re.fullmatch(r"[A-Za-z0-9_]", word[-1]) and "\0" not in word for word in words)


@dataclass(frozen=True)
class KeywordIndex:
    """Every term of a keyword file in two patterns (case-insensitive and exact), and what each term stands for."""

    patterns: tuple  # ((case, compiled pattern), ...)
    lookup: dict  # (case, normalised term) -> tuple of (group, match kind)
    groups: tuple  # group names in file order


def keyword_index(table: pd.DataFrame, group_column: str) -> KeywordIndex:
    """Compile a keyword table (group, term, match, case) into a :class:`KeywordIndex`."""
    lookup: dict = {}
    patterns = []
    for case in CASE_KINDS:
        rows = table[table["case"] == case]
        if rows.empty:
            continue
        for row in rows.itertuples(index=False):
            key = (case, _normal(row.term, case))
            lookup[key] = lookup.get(key, ()) + ((getattr(row, group_column), row.match),)
        words = sorted({_normal(term, case) for term in rows["term"]})
        if case == "any":
            lead = NON_WORD_BEFORE if _leads_with_non_word(words) else r"(?<!\w)"
            term = lead + "(?P<term>" + trie(words) + ")"
        else:
            term = "(?P<term>" + trie(words, after_first=STARTS_A_WORD) + ")"
        patterns.append((case, re.compile(term + r"(?P<tail>\w*)", re.IGNORECASE if case == "any" else 0)))
    return KeywordIndex(tuple(patterns), lookup, tuple(dict.fromkeys(table[group_column])))


SCAN_BATCH = 20_000  # texts scanned as one string
_REGS = attrgetter("regs")  # a match's spans at once: the whole match, then the term and tail groups


def find_keywords(texts: pd.Series, index: KeywordIndex) -> pd.DataFrame:
    """Every keyword match in ``texts``: one row per (text position, group) with the matched words.

    Columns ``row`` (position in ``texts``), ``group``, ``matched``. The longest listed term starting at a word wins;
    a ``word`` term matches only when no letters follow it, a ``prefix`` term also inside a longer word.

    >>> index = keyword_index(pd.DataFrame({"g": ["A", "A", "B"], "term": ["gas", "sanction", "US"],
    ...                                     "match": ["word", "prefix", "word"], "case": ["any", "any", "exact"]}), "g")
    >>> find_keywords(pd.Series(["Gas sanctions", "gasoline for us", "the US"]), index).values.tolist()
    [[0, 'A', 'Gas'], [0, 'A', 'sanctions'], [2, 'B', 'US']]

    Texts are scanned in batches joined into one string, each preceded by a NUL character (which no term or word
    contains, so no match crosses from one text into the next, and a text's first word starts after a non-word
    character as at the start of a string); each spelling of a term is normalised and looked up once per batch.
    """
    found = keyword_matches(texts, index)
    table = pd.DataFrame({"row": found.rows, "group": np.asarray(index.groups, dtype=object)[found.groups].tolist(),
                          "matched": found.spellings[found.matched].tolist()})
    return table.sort_values(["row", "group"], kind="mergesort", ignore_index=True)


@dataclass(frozen=True)
class KeywordMatches:
    """Every match of a scan as numbers, without a Python string per match: the text's position (``rows``), the
    group's number in ``KeywordIndex.groups`` (``groups``) and the spelling's number in ``spellings`` (``matched``);
    a text's matches in pattern order, then by position. ``starts`` and ``ends`` are where each match (term and
    tail) begins and ends in its text (the explorer highlights them)."""

    rows: np.ndarray
    groups: np.ndarray
    matched: np.ndarray
    spellings: np.ndarray  # each distinct matched spelling once
    starts: np.ndarray
    ends: np.ndarray


def keyword_matches(texts, index: KeywordIndex) -> KeywordMatches:
    """The matches :func:`find_keywords` lists, as :class:`KeywordMatches`. ``texts``: a Series, a list or any
    sequence that slices into lists of strings; each batch's Python strings are made when it is scanned."""
    found = map_batches(_scan_batch, Batches(texts, SCAN_BATCH), index, n_items=len(texts))
    spellings: dict[str, int] = {}
    rows, groups, matched, starts, ends = ([np.zeros(0, dtype=np.int64)] for _ in range(5))
    for number, (batch_rows, batch_groups, batch_matched, batch_spellings, batch_starts, batch_ends) in enumerate(found):
        numbers = np.fromiter((spellings.setdefault(word, len(spellings)) for word in batch_spellings),
                              dtype=np.int64, count=len(batch_spellings))
        rows.append(batch_rows + number * SCAN_BATCH)
        groups.append(batch_groups)
        matched.append(numbers[batch_matched])
        starts.append(batch_starts)
        ends.append(batch_ends)
    return KeywordMatches(np.concatenate(rows), np.concatenate(groups), np.concatenate(matched),
                          np.array(list(spellings), dtype=object), np.concatenate(starts, dtype=np.int32),
                          np.concatenate(ends, dtype=np.int32))  # places in one text: 32 bits, millions of matches


def match_spans(found: KeywordMatches) -> pd.DataFrame:
    """Where each match sits: ``row`` (text position), ``group`` (number in ``KeywordIndex.groups``), ``start`` and
    ``end`` (in its text), each text's matches together in the order a scan of that text alone gives (pattern by
    pattern, then by position). The comparison stage keeps this table so the explorer highlights what it counted
    without scanning the text again; 32-bit columns, as a large corpus has millions of matches.

    >>> index = keyword_index(pd.DataFrame({"g": ["A", "B"], "term": ["gas", "US"], "match": ["word", "word"],
    ...                                     "case": ["any", "exact"]}), "g")
    >>> match_spans(keyword_matches(pd.Series(["US gas", "gasoline", "Gas"]), index)).values.tolist()
    [[0, 0, 3, 6], [0, 1, 0, 2], [2, 0, 0, 3]]
    """
    order = np.argsort(found.rows, kind="stable")  # a batch's matches come pattern by pattern: each text's together
    return pd.DataFrame({name: values[order].astype(np.int32, copy=False) for name, values in
                         (("row", found.rows), ("group", found.groups), ("start", found.starts), ("end", found.ends))})


# With IGNORECASE, the regex engine also lets "i" match the dotless "ı" and "s" the long "ſ", which lower() keeps.
IGNORECASE_EXTRAS = ("\u0131", "\u017f")


def _case_folded(text: str, pattern: re.Pattern) -> tuple[str, re.Pattern]:
    """The string to scan and the pattern to scan it with: for a case-insensitive pattern of ASCII terms, the text in
    lower case and the same pattern without IGNORECASE (about a third faster); otherwise both unchanged.

    Only when lowering keeps every character in place (no "İ", which becomes two characters) and the text has none
    of ``IGNORECASE_EXTRAS``: then a lower-case ASCII letter matches exactly the characters IGNORECASE lets it match.
    """
    if not pattern.flags & re.IGNORECASE or not pattern.pattern.isascii():
        return text, pattern
    lowered = text.lower()
    if len(lowered) != len(text) or any(extra in text for extra in IGNORECASE_EXTRAS):
        return text, pattern
    return lowered, re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def _scan_batch(batch: list[str], index: KeywordIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str],
                                                                 np.ndarray, np.ndarray]:
    """One batch's matches (patterns in order, then position): text positions in the batch, group numbers, spelling
    numbers, the spellings, and where each match starts and ends in its text."""
    joined = "\0" + "\0".join(batch)
    lengths = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]) + 1  # where each text begins in ``joined``
    group_number = {group: number for number, group in enumerate(index.groups)}
    positions, ending, groups, matched = [], [], [], []
    spellings: dict[str, int] = {}
    for case, pattern in index.patterns:
        # matched text and where its term ends -> ((group number, spelling number), ...): worked out once
        meanings: dict[tuple[str, int], tuple] = {}
        scanned, pattern = _case_folded(joined, pattern)
        for (_, end), (start, term_end), _ in map(_REGS, pattern.finditer(scanned)):  # the term's start
            spelling = joined[start:end]  # as written, whichever string was scanned
            entries = meanings.get((spelling, term_end - start))
            if entries is None:
                term, tail = spelling[:term_end - start], spelling[term_end - start:]
                entries = meanings[(spelling, term_end - start)] = tuple(
                    (group_number[group], spellings.setdefault(spelling, len(spellings)))
                    for group, kind in index.lookup.get((case, _normal(term, case)), ())
                    if not (kind == "word" and tail))
            for group, spelling_number in entries:
                positions.append(start)
                ending.append(end)
                groups.append(group)
                matched.append(spelling_number)
    positions = np.array(positions, dtype=np.int64)
    rows = np.searchsorted(starts, positions, side="right") - 1
    return (rows.astype(np.int64), np.array(groups, dtype=np.int64), np.array(matched, dtype=np.int64),
            list(spellings), positions - starts[rows], np.array(ending, dtype=np.int64) - starts[rows])


def group_counts(texts: pd.Series, index: KeywordIndex) -> pd.DataFrame:
    """Matches per text and group: same index as ``texts``, one integer column per group (in file order)."""
    found = keyword_matches(texts, index)
    columns = list(index.groups)
    flat = np.bincount(found.rows * len(columns) + found.groups, minlength=len(texts) * len(columns))
    return pd.DataFrame(flat.reshape(len(texts), len(columns)), index=texts.index, columns=columns)
