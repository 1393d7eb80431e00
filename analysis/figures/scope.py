"""What one figure measures, decided from its own clause: who it is about, what quantity, over what span, in what currency.

Each decision keeps the words that made it (columns ``who_words``, ``what_words``, ``span_words``), so a wrong tag is
visible on the figures page; the word lists live in ``analysis/data/figure_scope_words.csv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.core.keywords import alternation, longest_first
from analysis.core.paths import read_data_table

SCOPE_FILE = "figure_scope_words.csv"
ROLES = ("china", "russia", "pair", "third_party", "trade", "flow", "deal", "military", "gas", "growth",
         "share_settlement", "share_currency", "exchange_trading", "annual", "ytd", "month", "target", "forecast")
# The labels of the development corpus: what a figure measures when it measures one of the report's indicators.
INDICATOR_LABELS = ("china_russia_trade", "china_russia_flow", "national_currency_share", "gas_volume", "deal_value",
                    "military", "other")
TRADED_UNITS = ("t", "bbl", "m3")  # physical units a flow of goods is counted in (lengths and areas are not flows)
SCOPE_COLUMNS = ["who", "who_words", "what", "what_words", "span", "status", "span_words", "currency", "indicator"]

# The characters outside ASCII that Python's regular expressions match to an ASCII letter when case is ignored (İ ı to
# i, ſ to s, the Kelvin sign to k; tests/test_figures_scope.py checks this list against every character).
FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def _exact(term: str) -> bool:
    """Whether a term matches in its own case only: "US", "EU", "H1" (codes are case-sensitive)."""
    return term.rstrip("*").isupper() and len(term.rstrip("*")) <= 4


def _first_character_forms(term: str) -> set[str] | None:
    """The characters a match of ``term`` can start with: its first character, in both cases unless the term is exact,
    and the characters of :data:`FOLDS_TO_ASCII` the regex engine takes for it; None for a first character outside
    ASCII (what the engine takes for it is not listed here)."""
    first = term[0]
    if not first.isascii():
        return None
    if _exact(term):
        return {first}
    folds = FOLDS_TO_ASCII.pattern.strip("[]")
    forms = {first, first.lower(), first.upper()} | {c for c in folds if re.fullmatch(f"(?i:{re.escape(first)})", c)}
    return {form for form in forms if len(form) == 1}


BOUNDARY_AFTER_FIRST = r"(?<!\w[\s\S])"  # \b before a word character, written after that character


def _at_word_start(words: list[str]) -> str:
    """``\\b(?i:word|word|...)`` for words of ASCII letters, written as one branch per character a match can start
    with (the word's first character in either case, or a character of :data:`FOLDS_TO_ASCII` taken for it), that
    character first and the word-start test after it. At each character the words that can start there keep their
    order and no other word can match there, so the matches are the same; and the pattern starts with those
    characters, so the engine skips ahead to the next of them instead of trying every position."""
    return "(?:" + "|".join(re.escape(form) + BOUNDARY_AFTER_FIRST + f"(?i:{re.escape(word[1:])})"
                            for word in words for form in sorted(_first_character_forms(word))) + ")"


CONTRAST_AFTER = r"(?=(?i:while|whereas|but)\b)"  # "while", "whereas" or "but" follows
# Every alternative starts with one character written out (a spaced dash and a contrast once for a space and once
# for a no-break space), so the regex engine skips from one of ; , : space to the next instead of trying every
# position; at each of those characters the alternatives that can start there come in the same order as in
# ",?[ \u00a0]+" written once, so the matches are the same (tests/test_figures_scope.py compares).
CLAUSE_BREAK = re.compile(rf"""
      ;                                                   # a semicolon
    | [ ][–—-][ \u00a0]                                   # a spaced dash: "trade fell – exports rose"
    | \u00a0[–—-][ \u00a0]
    | ,[ \u00a0]+{CONTRAST_AFTER}                          # a contrast: ", while Saudi supplies dropped"
    | [ ][ \u00a0]*{CONTRAST_AFTER}                        #   (or without the comma)
    | \u00a0[ \u00a0]*{CONTRAST_AFTER}
    | :[ \u00a0]                                          # a colon before a quote or a list
""", re.VERBOSE)
APPOSITION = re.compile(r"""^[ \u00a0]*(?:
      \(                                                  # "150 billion yuan ($24 billion)"
    | ,?[ \u00a0]*(?i:or|about|or[ ]about|i\.e\.|equivalent[ ]to)[ \u00a0]+   # "8 million tons, or 1.9 million bpd"
)$""", re.VERBOSE)
# A subject that refers back to the sentence before ("The country exported ..."): that sentence's parties are its own.
ANAPHOR = re.compile(_at_word_start(["the", "this", "that"]) + r"[ \u00a0]+(?i:country|nation|company|firm|state|side)\b")
HEAD_AFTER = re.compile(r"(?:[ \u00a0]+[\w.'’-]+){1,5}")  # up to five words after a count, before any punctuation
DURATION_BEFORE = 40  # characters: a military word this close before a duration ("the drill lasted 3 days") makes it one
GROWTH_BEFORE = 40  # characters: a change word this close before a percent ("fell by 29%") makes it a growth rate
GROWTH_AFTER = 25  # characters: or this close after it ("a 19% decrease")
MONTH_NAME = re.compile(_at_word_start(["in", "during", "for", "last"]) + r"""[ \u00a0]+
    (?:January|February|March|April|May|June|July|August|September|October|November|December)\b(?![ \u00a0]+\d{1,2}\b)
""", re.VERBOSE)  # "in November" (not "in May 7"): a one-month figure


SPAN_BEFORE, SPAN_AFTER = 80, 40  # characters of the clause read for the span ("in the first 11 months of 2023, ... $218 bn")
STATUS_BEFORE, STATUS_AFTER = 80, 25  # and for the status ("aims for $200 bn", "the $100bn goal"): the figure's own words


def _span(near: str, before: str = "") -> tuple[str, str]:
    """The span a figure covers: year (the default, or "annual" near it), year to date (its words near the figure or
    anywhere before it in the clause: "In the first four months of 2024, ... imports rose to $1.8 million"), month."""
    for role, span, text in (("annual", "year", near), ("ytd", "year to date", before + " " + near),
                             ("month", "month", near)):
        found = _found(role, text)
        if found:
            return span, found[0].group()
    found = MONTH_NAME.search(near)
    return ("month", found.group()) if found else ("year", "")


class ScopeWordsError(ValueError):
    """figure_scope_words.csv is malformed; the message names the row and the fix."""


@dataclass(frozen=True)
class ScopeWords:
    """The compiled word lists: one pattern per role, and per role the quick test a text must pass to hold a match."""

    patterns: dict
    required: dict  # role -> (pattern of one lower-case piece of each term matched in any case, searched in the
    #                  lower-cased text, or None; pattern of one piece of each term matched in its own case, searched
    #                  in the text, or None), or None when the role's texts are always scanned


WORD_START = r"(?<![\w-])"  # a term starts a word: no letter, digit or hyphen before it


def _term(term: str, skip: int = 0) -> str:
    """Regex for one term after :data:`WORD_START`: case-insensitive, a space matches spaces or hyphens, a final * any
    word ending. ``skip`` 1 leaves out the term's first character (written before it by :func:`_by_first_character`)."""
    prefix = term.endswith("*")
    parts = term.rstrip("*").split()
    parts[0] = parts[0][skip:]
    body = r"[\s\-]+".join(re.escape(part) for part in parts)
    body = body if _exact(term) else f"(?i:{body})"
    ending = r"[\w-]*" if prefix else ""
    return rf"{body}{ending}(?!\w)"


FEW_FIRST_LETTERS = 6  # a role whose terms start with at most this many letters (in any case) is scanned from them
STARTS_WORD_AFTER_FIRST = r"(?<![\w-][\s\S])"  # WORD_START, written after the term's first character


def _by_first_character(terms: list[str]) -> str:
    """The role's pattern: :data:`WORD_START` and the alternation of its terms (longest first), with the terms split by
    the character a match starts with.

    At each character the terms that can start there keep their order, and no other term can match there, so the
    matches are those of the one alternation (tests/test_figures_scope.py compares); the engine then tries only the
    terms of the character it reads (each branch starts with the character written out) instead of every term. A
    role whose terms start with few letters gets the word-start test after the first character, so the pattern
    starts with those characters and the engine skips ahead to the next of them instead of trying every position
    (scans of those roles take about half the time). A term starting outside ASCII keeps the one alternation.
    """
    branches: dict[str, list[str]] = {}
    for term in longest_first(terms):
        forms = _first_character_forms(term)
        if forms is None:
            return WORD_START + _first_characters(terms) + alternation(terms, part=_term)
        for form in forms:
            branches.setdefault(form, []).append(term)
    few = len({form.lower() for form in branches}) <= FEW_FIRST_LETTERS
    return ("" if few else WORD_START + _first_characters(terms)) + "(?:" + "|".join(
        re.escape(form) + (STARTS_WORD_AFTER_FIRST if few else "") + "(?:" + "|".join(_term(t, skip=1) for t in these) + ")"
        for form, these in sorted(branches.items())) + ")"


@lru_cache(maxsize=1)
def scope_words() -> ScopeWords:
    """Read and compile ``analysis/data/figure_scope_words.csv`` (once per process)."""
    table = read_data_table(SCOPE_FILE)
    if list(table.columns) != ["term", "role"]:
        raise ScopeWordsError(f"analysis/data/{SCOPE_FILE}: header must be 'term,role', got {list(table.columns)}.")
    terms: dict[str, list[str]] = {role: [] for role in ROLES}
    for number, row in enumerate(table.itertuples(index=False), start=1):
        if row.role not in terms or not row.term.strip():
            raise ScopeWordsError(f"analysis/data/{SCOPE_FILE}, data row {number} ({row.term!r}, {row.role!r}): the term "
                                  f"must be filled and the role one of {', '.join(ROLES)}. Fix or delete the row.")
        terms[row.role].append(row.term.strip())
    patterns = {}
    for role, words in terms.items():
        # The word-start test stands once before the alternation, not in every term: the same matches, and the engine
        # rejects a position inside a word at once instead of trying each term there (about 8 times faster). Then the
        # first-character test: every term's match starts with one of those characters, so it changes no match and
        # rejects most word starts before any term is tried (scans about a third faster). Then the terms by their
        # first character (see _by_first_character).
        patterns[role] = re.compile(_by_first_character(words)) if words else re.compile(r"(?!x)x")
    return ScopeWords(patterns, {role: _required_pieces(words) for role, words in terms.items()})


def _required_pieces(terms: list[str]) -> tuple | None:
    """One piece of each term, as (pattern of the pieces of the terms matched in any case, of those matched in their
    own case); a text holds no match of any term when it holds none of these pieces (see :func:`_found`).

    A term matched in any case: its longest run of ASCII characters, lower case ("rkiye" for "Türkiye"); a match of the
    term holds that run in some case, so the lower-cased text holds the piece (unless it has a character of
    :data:`FOLDS_TO_ASCII`). A term matched in its own case ("US", "EU"): its longest word as written, which a match
    holds as written (searching "us" in lower case would find it in "because"). None when a term has no ASCII
    character (the role's texts are then always scanned)."""
    pieces, exact_pieces = set(), set()
    for term in terms:
        words = term.rstrip("*").split()
        if _exact(term):
            exact_pieces.add(max(words, key=len))
            continue
        runs = [run.lower() for word in words for run in re.findall(r"[\x00-\x7f]+", word)]
        if not runs:
            return None
        pieces.add(max(runs, key=len))
    # A piece that holds another is implied by it ("january-march" by "january"): only the shortest are searched.
    found = [{piece for piece in group if not any(other != piece and other in piece for other in group)}
             for group in (pieces, exact_pieces)]
    return tuple(re.compile(alternation(group)) if group else None for group in found)


def _first_characters(terms: list[str]) -> str:
    """A lookahead for the characters the terms can start with, in any case (``(?=(?i:[CcUu]))``): a match of a term
    starts with its first character (in the term's case, or in any case the engine folds it to), which this class,
    read by the same engine with the same case folding, always accepts."""
    first = {char for term in terms for char in (term[0], term[0].lower(), term[0].upper())}
    return "(?=(?i:[" + "".join(re.escape(char) for char in sorted(first)) + "]))"


@lru_cache(maxsize=65536)
def _breaks(sentence: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every clause break in a sentence (cached: a sentence's figures share them)."""
    return tuple(found.span() for found in CLAUSE_BREAK.finditer(sentence))


def clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause of ``sentence`` holding ``sentence[start:end]``: cut at semicolons, spaced dashes, "while/but"."""
    left, right = 0, len(sentence)
    for b_start, b_end in _breaks(sentence):
        if b_end <= start:
            left = b_end
        elif b_start >= end:
            right = b_start
            break
    return left, right


@lru_cache(maxsize=65536)
def _found(role: str, text: str) -> tuple[re.Match, ...]:
    """Every match of a role's words in ``text`` (cached: the figures of one sentence read the same clause). A text
    that lacks every term's required piece holds no match and is not scanned (most texts, for most roles)."""
    words = scope_words()
    required = words.required[role]
    if required is not None:
        pieces, exact_pieces = required
        if not (exact_pieces is not None and exact_pieces.search(text)) \
                and not (pieces is not None and pieces.search(text.lower())) and not FOLDS_TO_ASCII.search(text):
            return ()
    return tuple(words.patterns[role].finditer(text))


CURRENCY_AFTER = re.compile(r"[ \u00a0]*(?:\$|(?i:dollars?)\b)")  # "US$", "U.S. dollars": a currency, not a party


@lru_cache(maxsize=65536)
def who_of(text: str) -> tuple[str, str]:
    """Who a stretch of text is about: china_russia, china, russia, third_party (with another country) or neither,
    and the words that decided it."""
    pair = [m.group() for m in _found("pair", text)]
    china = [m.group() for m in _found("china", text)]
    russia = [m.group() for m in _found("russia", text)]
    third = [m.group() for m in _found("third_party", text) if not CURRENCY_AFTER.match(text, m.end())]
    words = "; ".join(dict.fromkeys(pair + china + russia + third))
    if third:
        return "third_party", words
    if pair or (china and russia):
        return "china_russia", words
    if china:
        return "china", words
    if russia:
        return "russia", words
    return "neither", ""


def _nearest(roles: tuple, clause: str, start: int, end: int) -> tuple[str, str]:
    """The role of the cue word nearest to the figure at clause[start:end] (a word right after it, its head noun,
    counts as nearest), and the word."""
    best = None
    for role in roles:
        for found in _found(role, clause):
            if found.start() < end and found.end() > start:
                continue
            if found.start() >= end:
                gap = clause[end:found.start()]
                distance = 0 if len(gap.split()) <= 2 and not re.search(r"[,;(]", gap) else found.start() - end
            else:
                distance = start - found.end()
            key = (distance, roles.index(role))
            if best is None or key < best[0]:
                best = (key, role, found.group())
    return (best[1], best[2]) if best else ("", "")


def _growth(sentence: str, start: int, end: int) -> str:
    """The change word that makes a percent a growth rate ("fell by 29%", "a 19% decrease"), or ''."""
    before = sentence[max(0, start - GROWTH_BEFORE):start]
    after = sentence[end:end + GROWTH_AFTER]
    for found in reversed(_found("growth", before)):
        between = before[found.end():]
        if found.group().lower() == "up" and re.match(r"[ \u00a0]+to\b", before[found.end():] + sentence[start:]):
            continue  # "up to 80%" is a bound, not a rise
        if not re.search(r"\d|[;:]", between) and len(between.split()) <= 4:
            return found.group()
    for found in _found("growth", after):
        if not re.search(r"\d|[,;:]", after[:found.start()]) and len(after[:found.start()].split()) <= 2:
            return found.group()
    return ""


def decide(sentence: str, start: int, end: int, kind: str, unit: str, per: str, qualifier: str,
           context: str = "") -> dict:
    """What the figure at ``sentence[start:end]`` measures, with the deciding words.

    ``context`` is the text read for *who* when the sentence names nobody: the previous sentence of the article,
    then its headline (two strings joined by a newline; the first that names somebody decides).
    Returns a dict with the keys of ``SCOPE_COLUMNS``:

    >>> d = decide("China-Russia trade rose 26.3% to $240.1 billion in 2023.", 33, 47, "money", "USD", "", "")
    >>> d["who"], d["what"], d["indicator"]
    ('china_russia', 'total trade', 'china_russia_trade')
    """
    own, anaphor = _decide_in_sentence(sentence, start, end, kind, unit, per, qualifier)
    return _with_context(own, anaphor, context, kind)


def _with_context(own: dict, anaphor: str, context: str, kind: str) -> dict:
    """A decision from :func:`_decide_in_sentence` completed by the context (when the sentence names nobody) and the
    indicator. ``anaphor`` is the clause's reference back ("the country"), or ''."""
    who, who_words = own["who"], own["who_words"]
    if who == "neither":  # the sentence names nobody: the previous sentence, then the headline
        for where, text in zip(("previous sentence", "headline"), context.split("\n", 1) if context else []):
            if who == "neither":
                who, who_words = who_of(text)
                if who_words and where == "previous sentence" and anaphor:
                    where = f"{anaphor} = previous sentence"  # "the country exported ...": a reference back
                who_words = f"{where}: {who_words}" if who_words else ""
    return {**own, "who": who, "who_words": who_words,
            "indicator": indicator_of(who, own["what"], kind,
                                      from_context=who_words.startswith(("previous sentence:", "headline:")))}


def _decide_in_sentence(sentence: str, start: int, end: int, kind: str, unit: str, per: str,
                        qualifier: str) -> tuple[dict, str]:
    """The part of :func:`decide` that reads only the figure's sentence: the decision without its indicator (who
    may still be "neither"), and the clause's reference back ("the country") when who is "neither", else ''."""
    left, right = clause_bounds(sentence, start, end)
    clause = sentence[left:right]
    s, e = start - left, end - left
    who, who_words = who_of(clause)
    anaphor = ""
    if who in ("china", "russia", "neither"):  # the clause names one side or none: the sentence may name both
        wider, wider_words = who_of(sentence)
        if wider == "china_russia" or who == "neither":
            who, who_words = wider, wider_words
        if who == "neither":
            found = ANAPHOR.search(clause)
            anaphor = found.group() if found else ""
    what, what_words = "other", ""
    if qualifier == "exchange_rate":
        what, what_words = "exchange rate", per
    elif per and per not in ("day", "year", "month", "week", "hour"):
        what, what_words = "price or rate", f"per {per}"
    elif kind == "percent":
        growth = _growth(sentence, start, end)
        if growth:
            what, what_words = "growth rate", growth
        elif _found("share_settlement", sentence) and _found("share_currency", sentence) \
                and not _found("exchange_trading", sentence):
            what = "national-currency share"
            what_words = "; ".join([_found("share_settlement", sentence)[0].group(), _found("share_currency", sentence)[0].group()])
    elif kind == "quantity":
        if unit == "m3" and _found("gas", sentence):
            what, what_words = "gas volume", _found("gas", sentence)[0].group()
        elif unit in TRADED_UNITS:
            role, word = _nearest(("military", "flow", "trade", "deal"), clause, s, e)
            if role == "military":
                what, what_words = "military", word
            elif role:
                what, what_words = "traded volume", word
    elif kind == "money":
        role, word = _nearest(("military", "deal", "flow", "trade"), clause, s, e)
        what, what_words = {"military": "military", "deal": "deal value", "flow": "one direction of trade",
                            "trade": "total trade", "": "other"}[role], word
    elif kind == "count":  # a count is military when what it counts is: "24 Su-35 fighters", "two Chinese and four
        head = HEAD_AFTER.match(sentence, end)  # Russian military aircraft" (the noun may come a few words later)
        found = _found("military", sentence[start:end] + " " + unit + " " + (head.group() if head else ""))
        if found:
            what, what_words = "military", found[0].group()
    elif kind == "duration":  # "an eight-hour joint patrol", "the patrol lasted eight hours" (not "a one-day trip
        head = HEAD_AFTER.match(sentence, end)  # to a military parade")
        after = _found("military", head.group() if head else "")
        before = [m for m in _found("military", clause[max(0, s - DURATION_BEFORE):s])]
        if after or before:
            what, what_words = "military", (after or before)[0].group()
    span, span_words = _span(clause[max(0, s - SPAN_BEFORE):e + SPAN_AFTER], clause[:s])
    status, status_words = "actual", ""
    near = clause[max(0, s - STATUS_BEFORE):s] + " " + clause[e:e + STATUS_AFTER]
    if qualifier == "target" or _found("target", near):
        status, status_words = "target", _found("target", near)[0].group() if _found("target", near) else "by <year>"
    elif _found("forecast", near):
        status, status_words = "forecast", _found("forecast", near)[0].group()
    span_words = "; ".join(filter(None, [span_words, status_words]))
    currency = unit if kind == "money" else ""
    return {"who": who, "who_words": who_words, "what": what, "what_words": what_words, "span": span, "status": status,
            "span_words": span_words, "currency": currency}, anaphor


def indicator_of(who: str, what: str, kind: str, from_context: bool = False) -> str:
    """The development corpus label a decision maps to: an indicator holds only figures that measure exactly it.

    A one-direction flow needs its own sentence to name both sides (``from_context`` False): "exports" with the
    parties only in the sentence before is too weak a tie.
    """
    if what == "military":  # troops, ships, aircraft, exercises and arms deals, whoever fields them
        return "military"
    if who != "china_russia" or (from_context and what in ("one direction of trade", "traded volume")):
        return "other"
    return {"total trade": "china_russia_trade", "one direction of trade": "china_russia_flow",
            "traded volume": "china_russia_flow", "national-currency share": "national_currency_share",
            "gas volume": "gas_volume", "deal value": "deal_value"}.get(what, "other")


def figure_contexts(figures: pd.DataFrame, sentences: pd.DataFrame) -> list[str]:
    """For each figure, the context :func:`decide` reads: the previous sentence of its article and the article's
    first sentence (its headline), line breaks made spaces, joined by a newline; '' when its sentence is not in
    ``sentences``. Built only for the sentences that hold figures."""
    if not len(figures):
        return []
    texts = sentences["text"]
    codes, _ = pd.factorize(sentences["doc_id"])
    order = np.argsort(codes, kind="stable")  # each article's sentences together, in table order
    first_in_article = np.r_[True, codes[order][1:] != codes[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
    previous = np.full(len(codes), -1)
    previous[order[1:]] = np.where(first_in_article[1:], -1, order[:-1])
    headline = np.empty(len(codes), dtype=np.int64)
    headline[order] = order[np.maximum.accumulate(np.where(first_in_article, np.arange(len(order)), 0))]
    ids = pd.Index(sentences["sent_id"])
    where = ids.get_indexer(figures["sent_id"]) if ids.is_unique else \
        figures["sent_id"].map(dict(zip(ids, range(len(ids))))).fillna(-1).astype(np.int64).to_numpy()
    wanted = np.unique(where[where >= 0])
    wanted = wanted[codes[wanted] >= 0]  # a sentence without an article id has no context
    before = texts.take(np.maximum(previous[wanted], 0)).tolist()
    contexts = {position: ("" if previous[position] < 0 else text.replace("\n", " ")) + "\n" + first.replace("\n", " ")
                for position, text, first in zip(wanted.tolist(), before, texts.take(headline[wanted]).tolist())}
    return [contexts.get(position, "") for position in where.tolist()]


MEMO_DECISIONS = 200_000  # decisions remembered in one call of add_scope (wire copy repeats sentences)


def add_scope(figures: pd.DataFrame, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """``figures`` with the columns of ``SCOPE_COLUMNS``, decided per figure from its clause (see :func:`decide`).

    ``sentences`` (``corpus.sentences``: sent_id, doc_id, text in article order) gives each figure the previous
    sentence of its article, read for *who* when its own sentence names nobody. A figure standing in apposition to the
    one before it ("150 billion yuan ($24 billion)", "8 million tons, or 1.9 million bpd") measures the same thing and
    takes its decision (what_words says so).
    """
    needed = ["sentence", "sentence_start", "start", "end", "kind", "unit", "qualifier"]
    missing = [c for c in needed if c not in figures.columns]
    if missing:
        raise ValueError(f"add_scope: the figures table lacks column(s) {', '.join(missing)}. Pass the output of "
                         "analysis.figures.extract.corpus_figures or extract_figures.")
    per = figures["per"] if "per" in figures.columns else pd.Series("", index=figures.index)
    docs = figures["doc_id"] if "doc_id" in figures.columns else pd.Series("", index=figures.index)
    context = [""] * len(figures)
    if sentences is not None and "sent_id" in figures.columns and len(sentences):
        context = figure_contexts(figures, sentences)
    decisions, previous, memo = [], None, {}
    columns = [figures[c].tolist() for c in needed]  # plain lists: iterating Arrow-backed columns is slow
    for sentence, s_start, start, end, kind, unit, qualifier, p, doc, ctx in zip(*columns, per.tolist(), docs.tolist(),
                                                                                context):
        s, e = start - s_start, end - s_start
        if previous is not None and previous[0] == (doc, s_start) and previous[2] == kind \
                and APPOSITION.match(sentence[previous[1]:s]):
            decision = dict(previous[3], what_words=f"same as the figure before ({previous[3]['what_words']})",
                            currency=unit if kind == "money" else "")
        else:
            key = (sentence, s, e, kind, unit, p or "", qualifier)
            known = memo.get(key)
            if known is None:  # wire copy repeats sentences: decide each once (the context only when it is read)
                if len(memo) >= MEMO_DECISIONS:
                    memo.clear()
                own, anaphor = _decide_in_sentence(sentence, s, e, kind, unit, p or "", qualifier)
                known = memo[key] = (own, anaphor, None if own["who"] == "neither" else _with_context(own, anaphor, "", kind))
            own, anaphor, decision = known
            if decision is None:
                decision = _with_context(own, anaphor, ctx, kind)
        decisions.append(decision)
        previous = ((doc, s_start), e, kind, decision)
    table = pd.DataFrame(decisions, columns=SCOPE_COLUMNS, index=figures.index)
    return pd.concat([figures.drop(columns=[c for c in SCOPE_COLUMNS if c in figures.columns]), table], axis=1)
