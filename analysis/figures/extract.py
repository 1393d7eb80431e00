"""Extract the numeric facts ("figures") quoted in news text: money, percentages, quantities, counts, durations, ranks, dates.

Each figure keeps its character span, so a table row always leads back to the words and the sentence it came from.

The grammar is written here as verbose regular expressions (one per figure shape, a comment per part) filled with the word
lists in ``analysis/data/`` (``number_words.csv``, ``figure_units.csv``, ``figure_grammar_words.csv``,
``figure_qualifiers.csv``). The choice to write a grammar rather than build on quantulum3 was made by measuring:
``benchmarks/bench_figures.py`` compares both on the hand-annotated seeds (quantulum3 has no dates, ranks, carried
currencies or counted nouns) and on throughput; ``tests/test_quality_figures_seeds.py`` holds the grammar to its thresholds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.core.keywords import alternation, trie
from analysis.core.paths import read_data_table

KINDS = ("money", "percent", "quantity", "count", "duration", "ordinal", "date")
FIGURE_COLUMNS = ["start", "end", "surface", "kind", "value", "unit", "per", "date", "qualifier", "warning", "sentence_start",
                  "sentence"]
CORPUS_COLUMNS = ["doc_id", "outlet", "period", "published", "sent_id", "sentence_start", "start", "end", "surface", "kind", "value", "unit",
                  "per", "date", "qualifier", "warning", "sentence"]
MONEY_WARNING_ABOVE = 1e15  # about ten times world GDP: a larger amount of money is a misreading or a rhetorical figure
PERCENT_WARNING_ABOVE = 1000.0  # a share above 1,000% is possible (growth) but worth a look
COUNT_WARNING_ABOVE = 1e10  # more of anything than people on Earth
YEAR_RANGE = (1800, 2100)  # a bare four-digit number in this range, with no unit and no plural noun after it, is a year
MAX_MODIFIERS = 2  # words allowed between a number and the noun it counts ("11 inter-governmental agreements")
QUALIFIER_WINDOW = 30  # characters before a figure searched for a qualifying phrase ("just over")
MEMO_TEXTS = 200_000  # distinct sentence texts whose figures are remembered (wire copy repeats sentences)


class FigureDataError(ValueError):
    """A word list under analysis/data/ is malformed; the message names the file, row and fix."""


def _read_rows(name: str) -> list[dict]:
    """Rows of a commented CSV data file (lines starting with # are its documentation)."""
    return read_data_table(name).to_dict("records")


@dataclass(frozen=True)
class Grammar:
    """The word lists and compiled patterns the extractor uses (built once per process)."""

    figure: re.Pattern
    anchor: re.Pattern
    a_before: re.Pattern
    cardinals: dict
    ordinals: dict
    scales: dict
    months: dict
    units: dict  # lower-cased surface (or exact code/symbol) -> (kind, unit, factor, per)
    generic: frozenset
    reference_nouns: frozenset
    ordinal_determiners: frozenset
    not_noun: frozenset
    function_words: frozenset
    money_context: frozenset
    irregular: dict
    qualifier: re.Pattern
    qualifiers: dict
    denominator: re.Pattern  # "per barrel", "a day", "/h" after a figure
    denominators: dict
    fraction: re.Pattern  # "over half", "less than one quarter"
    fractions: dict
    anchor_parts: tuple | None = None  # the anchor's alternatives scanned one by one (see _anchor_starts), or None


def _unit_surface(surface: str) -> str:
    """A unit as written: codes and symbols exactly ("USD", "$"), words in any case ("Dollars"); letters end a word."""
    escaped = re.escape(surface)
    if not surface.isupper() and any(ch.isalpha() for ch in surface):
        escaped = f"(?i:{escaped})"
    if surface[-1].isalnum():
        escaped += r"(?![^\W\d_])"
    return escaped


def _unit_alternation(surfaces) -> str:
    """Units as written (see :func:`_unit_surface`), longest first."""
    return alternation(surfaces, part=_unit_surface)


def _unit_key(surface: str) -> str:
    """How a unit is looked up: codes and symbols as written ("USD", "$"), words in lower case ("dollars")."""
    if surface.islower():  # a lower-case letter, no capital: a word (the quick answer for most units)
        return surface.lower()
    return surface if not any(c.islower() for c in surface) else surface.lower()


SPACE = "[ \u00a0\u2009\u202f]"  # a space, no-break space, thin space or narrow no-break space
GAP = rf"(?:{SPACE}+|{SPACE}*\n{SPACE}*)"  # spaces, or one line break: "$3.5\nbillion" is one figure


def _number_pattern(tag: str, cardinal: str, tens: str, scale_words: str, scale_abbreviations: str) -> str:
    """A number written in digits or words, with its scale words; named groups end in ``tag`` (one pattern per branch)."""
    return rf"""
        (?P<digits{tag}>                                  # digits: 17 | 240.1 | 1,500 | 10^100
            \d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?              #   thousands separated by commas: 1,500 | 12,700.5
          | \d{{1,3}}(?:{SPACE}\d{{3}})+(?:,\d{{3}})*(?!\d)  #   by spaces or thin spaces: 12 700 000 | 1 000,000
          | \d{{1,3}}(?:\.\d{{3}}){{2,}}(?![\d.])          #   by dots, two groups or more: 1.000.000
          | \d+,\d{{1,2}}(?![\d,])                          # a decimal comma before a word or %: 12,7 knots
            (?={SPACE}?(?:%|(?!(?i:and|or|to|in|of)\b)[^\W\d_]))  #   (not before "and": "in 2014,15 and 16")
          | \d+(?:\.\d+)?(?:\^\d+)?                       #   plain, decimal, or a power written with ^
        )
        (?P<plus{tag}>\+)?                                #   "100+ ha": at least
        (?:[-–](?P<digits2{tag}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,]\d|\d))?  # a range on one
                                                          #   scale, unspaced: 2014-2015, 5-7, 30,000-35,000 (" - " separates)
        (?P<scale{tag}>                                   # its scale:
            (?:(?:{GAP}|-){scale_words})+                 #   words, several multiply: "1.5 billion", "$270-billion"
          | {SPACE}?{scale_abbreviations}                 #   abbreviations, spaced or attached: "7 mln", "$5bn", "$176.4 Bln"
        )?
      | (?P<words{tag}>                                   # words: nine | twenty-one | two and a half
            (?:{tens}(?:-{cardinal})?|{cardinal})
            (?:[ ]+(?i:and)[ ]+(?P<half{tag}>(?i:a[ ]+half)))?
        )
        (?P<wscale{tag}>(?:[ ]+{scale_words})+)?           #   "two hundred", "two and a half billion"
      | (?P<ascale{tag}>{scale_words}(?:[ ]+{scale_words})*)   # a scale word alone: "a dozen", "a combined trillion"
                                                          #   (kept only after "a", checked in Python: "a" is one)
    """


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    """Read the data files and compile the figure pattern (cached: the files are read once per process)."""
    number_rows = _read_rows("number_words.csv")
    by_type: dict[str, dict] = {}
    for line, row in enumerate(number_rows, start=1):
        try:
            by_type.setdefault(row["type"], {})[row["word"]] = float(row["value"])
        except (TypeError, ValueError, KeyError):
            raise FigureDataError(f"analysis/data/number_words.csv, data row {line}: {row!r} needs word,value,type with a "
                                  "numeric value. Fix the row.") from None
    cardinals = by_type.get("cardinal", {}) | by_type.get("tens", {})
    ordinals = dict(by_type.get("ordinal", {}))
    for ten_word, ten in by_type.get("tens", {}).items():  # twenty-first, thirty-second, ...
        for word, value in by_type.get("ordinal", {}).items():
            if value < 10:
                ordinals[f"{ten_word}-{word}"] = ten + value
    scales = by_type.get("scale", {}) | by_type.get("scale_abbreviation", {}) | by_type.get("scale_attached", {})
    months = by_type.get("month", {})

    unit_rows = _read_rows("figure_units.csv")
    units, prefixes, suffixes = {}, [], []
    for line, row in enumerate(unit_rows, start=1):
        if row.get("kind") not in KINDS or row.get("position") not in ("prefix", "suffix", "both"):
            raise FigureDataError(f"analysis/data/figure_units.csv, data row {line}: {row!r} has an unknown kind or position. "
                                  f"Use a kind in {KINDS} and position prefix, suffix or both.")
        units[_unit_key(row["surface"])] = (row["kind"], row["unit"], float(row["factor"]), row.get("per") or "")
        (prefixes if row["position"] in ("prefix", "both") else []).append(row["surface"])
        (suffixes if row["position"] in ("suffix", "both") else []).append(row["surface"])

    words = _read_rows("figure_grammar_words.csv")
    role = lambda name: frozenset(r["word"] for r in words if r["role"] == name)  # noqa: E731
    irregular = {r["word"]: r["singular"] for r in words if r["role"] == "irregular_plural"}

    qualifiers = {r["phrase"].lower(): r["qualifier"] for r in _read_rows("figure_qualifiers.csv")}
    qualifier_pattern = re.compile(
        rf"""(?:^|[^\w])                      # a word boundary before the phrase
             ({alternation(qualifiers, flags="i")})  # the qualifying phrase ("just over", "about")
             [ \u00a0]+$                      # directly before the figure
        """, re.VERBOSE)

    cardinal = alternation([w for w in cardinals if cardinals[w] < 20], flags="i")
    tens = alternation([w for w, v in cardinals.items() if v >= 20], flags="i")
    scale_words = alternation(by_type.get("scale", {}), flags="i") + r"(?![^\W\d_])"
    scale_abbreviations = alternation(by_type.get("scale_abbreviation", {}), flags="i") + r"(?![^\W\d_])"
    attached = alternation(by_type.get("scale_attached", {})) + r"(?![^\W\d_])"
    month = alternation(months)
    ordinal_words = alternation(ordinals, flags="i")
    a_modifiers = alternation(role("a_modifier"), flags="i")
    a_before = re.compile(rf"\b(?i:an?)[ \u00a0]+(?:{a_modifiers}[ \u00a0]+)?$")  # "a " or "a combined " before a scale word
    currency_prefixes = [s for s in prefixes if units[_unit_key(s)][0] == "money"]
    currency_codes = trie((s for s in currency_prefixes if len(s) > 1), flexible_spaces=False)
    currency_symbols = "".join(re.escape(s) for s in currency_prefixes if len(s) == 1)
    anchor_words = set(cardinals) | set(ordinals) | set(by_type.get("scale", {}))
    anchor = re.compile(rf"""
          \d                                              # a digit
        | [{currency_symbols}]                             # a currency symbol
        | \b{currency_codes}(?![a-z])                    # a currency code: USD, US$
        | \b{trie(anchor_words | {w.capitalize() for w in anchor_words}, flexible_spaces=False)}(?![a-z])  # a number, ordinal or scale word
        | (?<![A-Z]){trie(months, flexible_spaces=False)}(?![a-z])             # a month (may be glued to a name: "MazumdaruMay 7, 2015")
    """, re.VERBOSE)
    anchor_parts = _anchor_parts(currency_symbols, [s for s in currency_prefixes if len(s) > 1],
                                 anchor_words | {w.capitalize() for w in anchor_words}, list(months))
    number_a = _number_pattern("", cardinal, tens, scale_words, scale_abbreviations)
    number_b = _number_pattern("_m", cardinal, tens, scale_words, f"(?:{scale_abbreviations}|{attached})")

    pattern = rf"""
    (?P<mdy>                                              # DATE, month first: May 7, 2015 | May 20th | May 8-10
        (?<![A-Z])(?P<mdy_month>{month})                  #   a month name (glued to a name is fine: "MazumdaruMay 7, 2015")
        [ \u00a0]+(?P<mdy_day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)   # the day, with an optional ordinal ending
        (?:[ ]?[-–][ ]?(?P<mdy_day2>\d{{1,2}})(?![\d\w]))?   #   the end of a range of days: "May 8-10"
        (?:,?[ \u00a0]+(?P<mdy_year>\d{{4}})(?!\d))?      #   the year, when written
    )
  | (?P<dmy>                                              # DATE, day first: 9 May 2015 | 20th of May
        (?<![\w.,])(?P<dmy_day>\d{{1,2}})(?:st|nd|rd|th)?[ \u00a0]+(?:of[ ]+)?
        (?P<dmy_month>{month})(?![a-z])
        (?:,?[ \u00a0]+(?P<dmy_year>\d{{4}})(?!\d))?
    )
  | (?P<my>                                               # DATE, month and year: May 2014
        \b(?P<my_month>{month})(?![a-z])[ \u00a0]+(?P<my_year>\d{{4}})(?!\d)
    )
  | (?P<month_only>{month})(?![a-z])(?![ \u00a0]*\d)    # DATE, a month alone (kept only after a time word such as
                                                          #   "in", "early", "last", checked in Python: "in early September")
  | (?P<ordinal>                                          # ORDINAL: 70th | fifth | twenty-first | ninth-largest
        (?<![\w.,-])\d+(?:st|nd|rd|th)(?![^\W_])
      | \b{ordinal_words}(?:-[a-z]+)?(?![\w-])
    )
  | (?P<money_prefixed>                                   # MONEY with its currency first: $ 17 billion | US$5bn | EUR 3m
        (?<![\w$€£¥₽])(?P<currency>{_unit_alternation(currency_prefixes)})
        {SPACE}?
        (?:{number_b})
        (?![^\W_])
    )
  | (?P<number>                                           # ANY OTHER NUMBER, with what follows it
        (?<![\w.,$€£¥₽^/:-])                             #   not inside a name, code or clock time: S-400, G20, 3.5.1, 11:53
        (?!\d{{1,2}}:\d\d)                                 #   and not the hour of a clock time
        (?:{number_a})
        (?:(?:{SPACE}?-{SPACE}?|{GAP})?                   #   then, optionally, a unit (spaced, hyphenated or on the
           (?P<unit>{_unit_alternation(suffixes)}))?      #   next line: "30-year", "5\npercent")
        (?![^\W_])                                        #   and the end of the word
    )
    """
    compiled = re.compile(pattern, re.VERBOSE)
    denominators = {r["word"]: r["singular"] for r in words if r["role"] == "denominator"}
    denominator = re.compile(rf"""
        {SPACE}*
        (?: /{SPACE}?                                     # "$60/barrel", "km/h"
          | (?i:per|a|an|each){SPACE}+                    # "per barrel", "a day", "an hour"
        )
        (?P<amount>\d{{1,3}}(?:,\d{{3}})*{SPACE}+)?       # the denominator's own amount: "per 1,000 cubic metres"
        (?P<denominator>{_unit_alternation(denominators)})
        (?![\w-])                                        # a whole word: "a year-on-year" is no rate
        (?!{SPACE}+(?i:ago|earlier|later|before|after|ahead|on)\b)   # "a year ago" is a time, not a rate
    """, re.VERBOSE)
    fractions = {w: v for w, v in by_type.get("fraction", {}).items()}
    fraction = re.compile(rf"""
        (?:^|(?<=[^\w]))                                 # a word boundary
        ({alternation(qualifiers, flags="i")})          # a qualifier: "over", "less than", "nearly"
        {SPACE}+
        (?P<fraction>{alternation(fractions, flags="i")})  # the share in words: "half", "one quarter", "two thirds"
        (?![\w-])
        (?!{SPACE}+(?i:a|an)\b)                           # "half a century", "half an hour" are no shares
    """, re.VERBOSE)
    return Grammar(
        figure=compiled, anchor=anchor, a_before=a_before, cardinals=cardinals, ordinals=ordinals, scales=scales, months=months, units=units,
        generic=role("generic_determiner"), reference_nouns=role("reference_noun"),
        ordinal_determiners=role("ordinal_determiner"), not_noun=role("not_noun"),
        function_words=role("function"), money_context=role("money_context"), irregular=irregular,
        qualifier=qualifier_pattern, qualifiers=qualifiers, denominator=denominator,
        denominators={_unit_key(k): v for k, v in denominators.items()}, fraction=fraction,
        fractions={k.lower(): v for k, v in fractions.items()}, anchor_parts=anchor_parts,
    )


STARTS_WORD_BEFORE_FIRST = r"(?<!\w[\s\S])"  # after a term's first character: no word character before that one
NO_CAPITAL_BEFORE_FIRST = r"(?<![A-Z][\s\S])"  # after a month's first character: no capital before that one


def _anchor_parts(currency_symbols: str, currency_codes: list[str], number_words: set, months: list[str]) -> tuple | None:
    """The alternatives of the anchor pattern (``Grammar.anchor``), each compiled alone so the regex engine can skip
    ahead to the characters that may start it instead of trying all five alternatives at every position (a scan of
    the anchor took half of the extraction's time on sentences that do not repeat).

    A digit or currency symbol; a currency code and a month written with their first character before the test of
    the character before them (the same test, one character later), so each pattern starts with its first
    characters; a number word with the non-word character before it matched (``\\W``, which is what ``\\b`` before
    a word character tests), the text scanned with a NUL before it. :func:`_anchor_starts` puts them back together.
    None (the anchor pattern is used) when a code does not start with a word character or a number word does not
    start and end with one: the rewriting would then not find the same anchors.
    """
    word_character = re.compile(r"\w")
    if not all(word_character.match(code[0]) for code in currency_codes) \
            or not all(word_character.match(word[0]) and word_character.match(word[-1]) for word in number_words):
        return None
    return (
        re.compile(rf"[\d{currency_symbols}]"),                                                  # a digit or symbol
        re.compile(trie(currency_codes, flexible_spaces=False, after_first=STARTS_WORD_BEFORE_FIRST) + "(?![a-z])"),
        re.compile(r"\W(" + trie(number_words, flexible_spaces=False) + ")(?![a-z])"),          # after a non-word
        re.compile(trie(months, flexible_spaces=False, after_first=NO_CAPITAL_BEFORE_FIRST) + "(?![a-z])"),
    )


def _anchor_starts(text: str, g: Grammar) -> list[int]:
    """Where the matches of ``g.anchor.finditer(text)`` start, found with the anchor's alternatives scanned one by one
    (:func:`_anchor_parts`) and merged as the one pattern would take them: leftmost first, on a tie the alternative
    written first, the next match after the end of the last. A part's scan does not report a match starting inside
    its own previous match; when such a match was passed over for a match of another part that ends earlier (it
    could then be one the one pattern finds), the text is scanned with the one pattern instead."""
    parts = g.anchor_parts
    if parts is None:
        return [found.start() for found in g.anchor.finditer(text)]
    symbols, codes, words, months = parts
    found = [(m.start(), 0, m.end()) for m in symbols.finditer(text)]
    found += [(m.start(), 1, m.end()) for m in codes.finditer(text)]
    found += [(m.start(1) - 1, 2, m.end() - 1) for m in words.finditer("\0" + text)]
    found += [(m.start(), 3, m.end()) for m in months.finditer(text)]
    if not found:
        return []
    found.sort()
    starts, position = [], 0
    for start, _, end in found:
        if start >= position:
            starts.append(start)
            position = end
        elif end > position:
            return [match.start() for match in g.anchor.finditer(text)]
    return starts


PREVIOUS_CAPITALIZED = re.compile(r"\b([A-Z][A-Za-z]*)[ \u00a0]+$")  # "Siberia 2": a capitalized word just before
PREVIOUS_WORD = re.compile(r"([A-Za-z]+)(?:['’]s)?[ \u00a0\"“'‘(]*$")  # the word before a position (quotes skipped)
POSSESSIVE_BEFORE = re.compile(r"\w['’]s[ \u00a0]+$")  # "China's ninth-largest"
NEXT_WORD = re.compile(r"[ \u00a0]+([A-Za-z][\w'’-]*)")  # the next word after a position (model names: "Su-35")
BY_YEAR_AFTER = re.compile(r"[ \u00a0]+by[ \u00a0]+(?:the[ ]+end[ ]+of[ ]+)?(?:19|20)\d{2}\b")  # "$200 billion by 2020"
RANGE_JOIN = re.compile(r"^[ \u00a0]*(?:[-–—]|to|and)[ \u00a0]*$")  # what stands between the two ends of a range
LIST_MARKER_AFTER = re.compile(r"[.)](?:[ \t]|$)")  # "1. Skip to content", "2) Menu"
MONTH_CONTEXT_BEFORE = re.compile(r"""
    (?:\b(?i:in|on|since|until|till|by|from|last|next|this|during|before|after|through|throughout|of|early|late)  # a time word
       [ \u00a0]+(?:(?i:early|late|mid)[ \u00a0-]?)?    #   then maybe "early", "late", "mid": "in early September"
     | \b(?i:mid)-)$                                     # or "mid-": "mid-May"
""", re.VERBOSE)


def _word_value(text: str, g: Grammar) -> float:
    """The value of a spelled-out number: 'twenty-one' -> 21, 'two and a half' -> 2.5."""
    text = text.lower()
    value = 0.0
    for part in re.split(r"[ -]+", text):
        if part in g.cardinals:
            value += g.cardinals[part]
    if "half" in text:
        value += 0.5
    return value


def _scale_value(text: str | None, g: Grammar) -> float:
    """The product of the scale words in ``text`` (' billion' -> 1e9, ' hundred thousand' -> 1e5); 1 when none."""
    if not text:
        return 1.0
    factor = 1.0
    for word in re.findall(r"[A-Za-z]+", text):
        factor *= g.scales.get(word.lower(), g.scales.get(word, 1.0))
    return factor


def _digits_value(text: str) -> float:
    """The value of a number in digits: '1,500' -> 1500, '12 700' -> 12700, '1.000.000' -> 1e6, '12,7' -> 12.7,
    '10^100' -> 1e100 (inf when too large for a float)."""
    text = re.sub(SPACE, "", text)
    if re.fullmatch(r"\d+,\d{1,2}", text):  # a decimal comma
        text = text.replace(",", ".")
    elif text.count(".") >= 2:  # dots as thousands separators
        text = text.replace(".", "")
    text = text.replace(",", "")
    if "^" in text:
        base, exponent = text.split("^")
        try:
            return float(int(base) ** int(exponent)) if int(exponent) < 400 else math.inf
        except OverflowError:
            return math.inf
    return float(text)


def _singular(noun: str, g: Grammar) -> str:
    """The singular of a plural noun: agreements -> agreement, companies -> company, people -> person."""
    noun = noun.lower()
    if noun in g.irregular:
        return g.irregular[noun]
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("sses", "ches", "shes", "xes")):
        return noun[:-2]
    return noun[:-1] if noun.endswith("s") else noun


def _counted_noun(text: str, end: int, value: float, g: Grammar) -> tuple[str, int]:
    """The noun a bare number counts and where it ends ("nine boats" -> boat): up to two modifiers, stopped by grammar words."""
    position = end
    for step in range(MAX_MODIFIERS + 1):
        match = NEXT_WORD.match(text, position)
        if not match:
            return "", end
        word = match.group(1).strip("-'’")
        lower = word.lower()
        if lower in g.function_words or lower in g.not_noun:
            return "", end
        if lower in g.irregular or (len(lower) > 2 and lower.endswith("s") and not lower.endswith("ss")):
            return _singular(lower, g), match.end()
        if value == 1 and step == 0 and lower.isalpha():
            return lower, match.end()
        position = match.end()
    return "", end


def _money_context_after(text: str, end: int, g: Grammar) -> bool:
    """True when a bare scaled number is followed by "in/of/for (the) <money noun>": "a trillion in exports"."""
    match = re.match(r"[ \u00a0]+(?:in|of|for|worth[ ]+of)[ \u00a0]+(?:the[ ]+|new[ ]+|direct[ ]+|annual[ ]+)?([A-Za-z]+)",
                     text[end:end + 60])
    return bool(match) and match.group(1).lower() in g.money_context


def _previous_word(text: str, start: int) -> str:
    """The word before ``start`` (lower case), skipping spaces and opening quotes; '' at the start."""
    match = PREVIOUS_WORD.search(text, max(0, start - 40), start)
    return match.group(1).lower() if match else ""


def _capitalized_inside_sentence(text: str, start: int) -> bool:
    """True when the character before ``start`` (skipping spaces and quotes) is a letter, digit or comma: mid-sentence."""
    position = start - 1
    while position >= 0 and text[position] in " \u00a0\"'“‘(":
        position -= 1
    return position >= 0 and (text[position].isalnum() or text[position] in ",;:")


def _iso_date(year: str | None, month: float, day: str | int | None) -> str:
    """ISO 8601 as precise as written: '2015-05-07', '2015-05', '--05-07' (no year), '--05' (month alone)."""
    month_text = f"{int(month):02d}"
    head = year if year else "-"
    if day is None:
        return f"{head}-{month_text}"
    return f"{head}-{month_text}-{int(day):02d}"


def _warning(kind: str, value: float, surface: str, money_above: float) -> str:
    """Why a figure needs a human look, or ''."""
    if not math.isfinite(value) and kind != "date":
        return f"value of {surface!r} is too large to represent; check the text"
    if kind == "money" and abs(value) > money_above:
        return f"implausible amount of money ({value:.3g}, above {money_above:.0e}); check the text"
    if kind == "percent" and abs(value) > PERCENT_WARNING_ABOVE:
        return f"percentage above {PERCENT_WARNING_ABOVE:,.0f}%; check the text"
    if kind == "count" and abs(value) > COUNT_WARNING_ABOVE:
        return f"count above {COUNT_WARNING_ABOVE:.0e}; check the text"
    if "^" in surface:
        return "written as a power; check it is a figure and not a formula"
    return ""


def _date_rows(text: str, match: re.Match, g: Grammar) -> list[list]:
    """Rows [start, end, kind, value, unit, date, qualifier] for a date match (two for a range of days)."""
    for form in ("mdy", "dmy"):
        if match.group(form):
            day_group = f"{form}_day"
            month = g.months[match.group(f"{form}_month")]
            year = match.group(f"{form}_year")
            day = int(match.group(day_group))
            if not 1 <= day <= 31:
                return []
            end = match.end(form)
            if form == "mdy" and match.group("mdy_day2") and not year:
                second = int(match.group("mdy_day2"))
                if not day < second <= 31:
                    return []
                value = math.nan
                return [[match.start(form), match.end(day_group), "date", value, "", _iso_date(None, month, day), "range_low"],
                        [match.start("mdy_day2"), match.end("mdy_day2"), "date", value, "", _iso_date(None, month, second),
                         "range_high"]]
            return [[match.start(form), end, "date", float(year) if year else math.nan, "",
                     _iso_date(year, month, day), ""]]
    if match.group("my"):
        year = match.group("my_year")
        return [[match.start("my"), match.end("my"), "date", float(year), "", _iso_date(year, g.months[match.group("my_month")], None), ""]]
    if not MONTH_CONTEXT_BEFORE.search(text, max(0, match.start() - 30), match.start()):
        return []  # "May" the verb, "March" the noun: a month alone is a date only after a time word
    return [[match.start("month_only"), match.end("month_only"), "date", math.nan, "",
             _iso_date(None, g.months[match.group("month_only")], None), ""]]


def _unit_entry(surface: str, g: Grammar) -> tuple:
    """(kind, unit, factor, per) of a unit as written; empty when unknown."""
    return g.units.get(_unit_key(surface), g.units.get(surface.lower(), ("", "", 1.0, "")))


def _number_rows(text: str, match: re.Match, g: Grammar, tag: str) -> list[list]:
    """:func:`_bare_number_rows` with the rate its unit implies ("bpd": per day), its scale and "+" ("100+": more_than).

    Rows: [start, end, kind, value, unit, date, qualifier, per, scale]; ``scale`` (1 when no scale word) lets a
    later figure's scale reach an unscaled one ("between $3 and $4 billion").
    """
    rows = _bare_number_rows(text, match, g, tag)
    scale_text = match.group(f"scale{tag}") or match.group(f"wscale{tag}") or match.group(f"ascale{tag}")
    scale = _scale_value(scale_text, g)
    unit_surface = match.group("currency") if tag == "_m" else match.group("unit")
    per = _unit_entry(unit_surface, g)[3] if unit_surface else ""
    for row in rows:
        row.extend([per if row[2] in ("money", "quantity", "percent") else "", scale])
        if match.group(f"plus{tag}") and not row[6] and row[2] != "date":
            row[6] = "more_than"
    return rows


def _bare_number_rows(text: str, match: re.Match, g: Grammar, tag: str) -> list[list]:
    """Rows for a number with whatever follows it: unit, scale, counted noun; [] when it is no figure."""
    start, end = match.start(), match.end()
    digits, words = match.group(f"digits{tag}"), match.group(f"words{tag}")
    prefix = match.group("currency") if tag == "_m" else None
    unit_word = match.group("unit") if tag == "" else None
    if digits:
        value = _digits_value(digits)
        scale_text = match.group(f"scale{tag}")
        second = match.group(f"digits2{tag}")
    elif words:
        value = _word_value(words, g)
        scale_text = match.group(f"wscale{tag}")
        second = None
    else:  # a scale word alone is a figure only after "a": "a dozen", "a combined trillion"
        before = g.a_before.search(text, max(0, start - 40), start)
        if not before or prefix:
            return []
        value, scale_text, second = 1.0, match.group(f"ascale{tag}"), None
        start = before.start()
    scale = _scale_value(scale_text, g)
    if prefix:
        start = match.start("currency")

    kind, unit, factor = "", "", 1.0
    if prefix:
        kind, unit, factor, _ = g.units[_unit_key(prefix)]
    elif unit_word:
        kind, unit, factor, _ = _unit_entry(unit_word, g)

    rows = []
    if kind:
        values = [value] if second is None else [value, _digits_value(second)]
        if second is not None:
            spans = [(start, match.end(f"digits{tag}")), (match.start(f"digits2{tag}"), end)]
            qualifiers = ["range_low", "range_high"]
        else:
            spans, qualifiers = [(start, end)], [""]
        for (s, e), v, q in zip(spans, values, qualifiers):
            rows.append([s, e, kind, v * scale * factor, unit, "", q])
        return rows

    # A bare number: a year, a count of the noun that follows, or money by context.
    plain = digits and "," not in digits and "." not in digits and "^" not in digits
    if words and not scale_text:
        lower = words.lower()
        if lower == "one":  # "one of", "one key aspect", "number one": a pronoun or article, not a figure
            return []
        if _previous_word(text, start) in g.generic and (value == 2 or _counted_noun(text, end, value, g)[0] in g.reference_nouns):
            return []  # "the two navies", "both sides", "the three countries": the parties again ("the four bombers" counts)
        if words[0].isupper() and _capitalized_inside_sentence(text, start):  # "One Belt, One Road"
            return []
    if digits and not scale_text and second is None:
        line_start = text.rfind("\n", 0, start) + 1
        if not text[line_start:start].strip() and LIST_MARKER_AFTER.match(text, end):  # "1. Skip to content"
            return []
        previous = PREVIOUS_CAPITALIZED.search(text, max(0, start - 40), start)
        if previous and value < 100 and previous.group(1).lower() not in g.function_words \
                and previous.group(1).lower() not in g.qualifiers:  # "Over 50 people", "Between 3 and 4": no names
            return []  # a number after a name is part of it: "Power of Siberia 2", "World War 2", "Article 5"
    noun, noun_end = _counted_noun(text, end, value, g)
    if plain and second is None and not scale_text and not noun.strip() and YEAR_RANGE[0] <= value <= YEAR_RANGE[1] \
            and len(digits) == 4:
        return [[start, end, "date", value, "", digits, ""]]
    if plain and second is not None and len(digits) == 4 and YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        second_text = second if len(second) == 4 else digits[: 4 - len(second)] + second
        return [[start, match.end(f"digits{tag}"), "date", value, "", digits, "range_low"],
                [match.start(f"digits2{tag}"), end, "date", float(second_text), "", second_text, "range_high"]]
    if noun:
        return [[start, noun_end, "count", value * scale, noun, "", ""]]
    if scale_text and scale >= 1e6:
        return [[start, end, "money?", value * scale, "", "", ""]]  # settled by the sentence: carried currency or context
    if second is not None:
        return [[start, match.end(f"digits{tag}"), "count", value * scale, "", "", "range_low"],
                [match.start(f"digits2{tag}"), end, "count", _digits_value(second) * scale, "", "", "range_high"]]
    return [[start, end, "count", value * scale, "", "", ""]]


def _ordinal_rows(text: str, match: re.Match, g: Grammar) -> list[list]:
    """An ordinal: digits with an ending always count ("70th"); a word only after a determiner or possessive ("the first")."""
    surface = match.group("ordinal")
    head = surface.split("-")[0] if not re.match(r"\d", surface) else surface
    start = match.start("ordinal")
    if re.match(r"\d", surface):
        return [[start, match.end(), "ordinal", float(re.match(r"\d+", surface).group()), "", "", ""]]
    lower = surface.lower()
    value = g.ordinals.get(lower, g.ordinals.get(head.lower()))
    if value is None:  # "twenty-first-century": the compound is the ordinal word plus a suffix
        value = g.ordinals.get("-".join(lower.split("-")[:2]))
    if value is None:
        return []
    if _previous_word(text, start) in g.ordinal_determiners or POSSESSIVE_BEFORE.search(text, max(0, start - 40), start):
        return [[start, match.end(), "ordinal", float(value), "", "", ""]]
    return []


LIST_JOIN = re.compile(r"""^[ \u00a0]*(?:
        (?P<range>[-–]|to|and|or|and/or)                  # a range or the last item of a list: "3 to 4", "3 and 4"
      | (?P<comma>,)                                      # a comma inside a list: "3, 4 and 5 billion"
    )[ \u00a0]*$""", re.VERBOSE)
EQUALS_JOIN = re.compile(r"^[ \u00a0]*=[ \u00a0]*$")  # "$1 = 89.5 roubles": an exchange-rate note
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
SMALL_UNSCALED = 1000  # an unscaled number below this can share the scale of the next one ("$3 and $4 billion")


def _share_units(rows: list[list], text: str) -> None:
    """A unit, currency or scale written once for a range or list reaches every number in it, from the right.

    "between $3 and $4 billion" (both billions), "8 to 10 years" (both years), "3, 4 and 5 percent". A comma passes
    them on only inside a list that ends with "and"/"or", so "7, 931 miles" does not make 7 miles.
    """
    passed = [False] * len(rows)
    for index in range(len(rows) - 2, -1, -1):
        a, b = rows[index], rows[index + 1]
        join = LIST_JOIN.match(text[a[1]:b[0]])
        if not join or (join.group("comma") and not passed[index + 1]) or b[2] not in ("money", "percent", "quantity", "duration"):
            continue
        bare = a[2] == "count" and a[4] == "" and a[8] == 1.0 and a[0] < a[1] and not re.search(r"[A-Za-z]", text[a[0]:a[1]])
        if bare:
            a[2], a[4], a[7] = b[2], b[4], b[7]
            passed[index] = True
        elif not (a[2] == b[2] and a[4] == b[4]):
            continue
        if a[8] == 1.0 and b[8] > 1.0 and abs(a[3]) < SMALL_UNSCALED:
            a[3] *= b[8]
            a[8] = b[8]
            passed[index] = True


def _mark_rates(rows: list[list], text: str, g: Grammar) -> None:
    """Rates and prices are not totals: a denominator after a figure goes to ``per`` ("$60 per barrel" per bbl,
    "1.3 million barrels a day" per day) and the span grows to include it; "$1 = 89.5 roubles" and "roubles per dollar"
    are exchange rates (qualifier exchange_rate)."""
    index = 0
    while index < len(rows):
        row = rows[index]
        if row[2] in ("money", "quantity", "percent", "count") and not row[7]:
            found = g.denominator.match(text, row[1]) if row[2] != "count" or row[4] else None
            if found:
                row[7] = g.denominators.get(_unit_key(found.group("denominator")), found.group("denominator").lower())
                if found.group("amount"):
                    row[7] = f"{_digits_value(found.group('amount').strip()):g} {row[7]}"
                row[1] = found.end()
                while index + 1 < len(rows) and rows[index + 1][0] < row[1]:  # "per 1,000 cubic metres" is no figure
                    del rows[index + 1]
        if row[2] == "money" and CURRENCY_CODE.match(row[7] or "") and row[7] != row[4]:
            row[6] = "exchange_rate"
        if index and row[2] == "money" and rows[index - 1][2] == "money" and EQUALS_JOIN.match(text[rows[index - 1][1]:row[0]]):
            before = rows[index - 1]
            before[6] = row[6] = "exchange_rate"
            before[7], row[7] = row[4], before[4]
        index += 1


TIMES_WORD = re.compile(r"""
    \b(?P<word>(?i:twice|thrice))\b                     # "visited twice": a count of occasions
    (?![ \u00a0]+(?i:as|the|that|than|more|over|a|an|bigger|larger|higher|faster|longer)\b)  # "twice as large" multiplies
""", re.VERBOSE)
TIMES_VALUE = {"twice": 2.0, "thrice": 3.0}
ONE_UNIT_AGO = re.compile(r"""
    \b(?i:a|an)[ \u00a0]+                                # "a month ahead", "an hour later": one unit of time
    (?P<unit>(?i:year|month|week|day|decade|hour))
    (?=[ \u00a0]+(?i:later|ahead)\b)                      # ("a year ago" dates an event; it measures nothing)
""", re.VERBOSE)


def _word_rows(text: str, g: Grammar) -> list[list]:
    """Counts and durations said without a number: "twice" (2 occasions), "a month ahead" (1 month)."""
    rows = []
    if "wice" in text or "hrice" in text:
        for found in TIMES_WORD.finditer(text):
            rows.append([found.start(), found.end(), "count", TIMES_VALUE[found.group("word").lower()], "", "", "", "", 1.0])
    if "ahead" in text or "later" in text:
        for found in ONE_UNIT_AGO.finditer(text):
            kind, unit, factor, _ = _unit_entry(found.group("unit"), g)
            rows.append([found.start(), found.end(), kind, factor, unit, "", "", "", 1.0])
    return rows


def _fraction_rows(text: str, g: Grammar) -> list[list]:
    """Shares said in words after a qualifier: "over half" (50%, more_than), "less than one quarter" (25%)."""
    if "half" not in text and "third" not in text and "quarter" not in text:
        return []
    rows = []
    for found in g.fraction.finditer(text):
        value = g.fractions[re.sub(r"\s+", " ", found.group("fraction").lower())]
        rows.append([found.start("fraction"), found.end("fraction"), "percent", value, "%", "",
                     g.qualifiers[found.group(1).lower()], "", 1.0])
    return rows


def _scan(text: str, money_above: float = MONEY_WARNING_ABOVE) -> list[list]:
    """Every figure in one sentence (or any text treated as one): rows [start, end, surface, kind, value, unit, per, date,
    qualifier, warning]."""
    g = grammar()
    rows: list[list] = []
    covered = 0
    for anchor in _anchor_starts(text, g):  # only where a figure can start: a digit, currency, number word or month
        if anchor < covered:
            continue
        match = g.figure.match(text, anchor)
        if match is None:
            continue
        covered = match.end()
        if match.group("mdy") or match.group("dmy") or match.group("my") or match.group("month_only"):
            rows.extend(row + ["", 1.0] for row in _date_rows(text, match, g))
        elif match.group("ordinal"):
            rows.extend(row + ["", 1.0] for row in _ordinal_rows(text, match, g))
        elif match.group("money_prefixed"):
            rows.extend(_number_rows(text, match, g, "_m"))
        else:
            rows.extend(_number_rows(text, match, g, ""))
    fractions = _fraction_rows(text, g) + _word_rows(text, g)
    if fractions:  # "a third" is no ordinal and "two thirds" no count once read as a share
        rows = [r for r in rows if not any(f[0] < r[1] and r[0] < f[1] for f in fractions)] + fractions
        rows.sort(key=lambda r: r[0])
    if not rows:
        return rows
    currency = None
    for row in rows:
        start, end, kind = row[0], row[1], row[2]
        if kind == "money":
            currency = row[4] or currency
        elif kind == "money?":  # "150 million in Y" after "$17 billion in X": the currency carries over the list
            if currency is not None:
                row[2], row[4] = "money", currency
            elif _money_context_after(text, end, g):
                row[2] = "money"  # "a combined trillion in exports": money, currency not given
            else:
                row[2] = "count"
    _share_units(rows, text)
    _mark_rates(rows, text, g)
    for index, row in enumerate(rows):
        start, end = row[0], row[1]
        if row[2] == "money" and not row[6] and BY_YEAR_AFTER.match(text, end):
            row[6] = "target"
        if not row[6]:
            found = g.qualifier.search(text[max(0, start - QUALIFIER_WINDOW):start])
            if found:
                row[6] = g.qualifiers[found.group(1).lower()]
        if index and not row[6] and not rows[index - 1][6] and rows[index - 1][2] == row[2] \
                and rows[index - 1][4] == row[4] and RANGE_JOIN.match(text[rows[index - 1][1]:start]):
            joiner = text[rows[index - 1][1]:start].strip()
            if joiner != "and" or re.search(r"\b(?i:between)[ \u00a0]+$", text[max(0, rows[index - 1][0] - 10):rows[index - 1][0]]):
                rows[index - 1][6], row[6] = "range_low", "range_high"  # "$1.2 million to $23.5 million"
    out = []
    for start, end, kind, value, unit, date, qualifier, per, _scale in rows:
        surface = text[start:end]
        out.append([start, end, surface, kind, value, unit, per, date, qualifier, _warning(kind, value, surface, money_above)])
    return out


def extract_figures(text: str, money_warning_above: float = MONEY_WARNING_ABOVE) -> pd.DataFrame:
    """Every figure in ``text``, one row each, with its span, kind, normalized value, unit and sentence.

    Columns: start, end (``text[start:end] == surface``), surface, kind (money, percent, quantity, count, duration,
    ordinal, date), value (money in units of the currency, quantities in ``unit``; the year for dates), unit (ISO 4217,
    %, pp, m3, t, km, bbl, a time unit, or the counted noun), per (the denominator of a rate or price: "day" for
    "1.3 million barrels a day", "bbl" for "$60 per barrel", "1000 m3", a currency code for an exchange rate; empty for
    totals), date (ISO, as precise as written; ``--05-09`` when the year is not written), qualifier (approx, more_than,
    less_than, target, range_low, range_high, exchange_rate or empty), warning (why a
    value needs a look, e.g. money above ``money_warning_above``), sentence_start (offset of the sentence in ``text``),
    sentence.

    >>> table = extract_figures("Bilateral trade stood at $95 billion in 2014, and China aims for $200 billion by 2020.")
    >>> table[["surface", "kind", "value", "unit", "date", "qualifier"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['$95 billion', 'money', 95000000000.0, 'USD', '', ''], ['2014', 'date', 2014.0, '', '2014', ''],
     ['$200 billion', 'money', 200000000000.0, 'USD', '', 'target'], ['2020', 'date', 2020.0, '', '2020', '']]
    """
    from analysis.corpus.segment import sentence_spans

    if not isinstance(text, str):
        raise TypeError(f"extract_figures expects a str, got {type(text).__name__}; pass the article text.")
    rows = []
    for s_start, s_end in sentence_spans(text) or ([(0, len(text))] if text.strip() else []):
        sentence = text[s_start:s_end]
        for row in _scan(sentence, money_warning_above):
            row[0] += s_start
            row[1] += s_start
            rows.append(row + [s_start, sentence])
    columns = list(zip(*rows)) if rows else [()] * len(FIGURE_COLUMNS)
    numeric = {"start": "int64", "end": "int64", "sentence_start": "int64", "value": "float64"}
    return pd.DataFrame({name: np.asarray(column, dtype=numeric[name]) if name in numeric
                         else (list(column) if rows else np.array([], dtype=object))
                         for name, column in zip(FIGURE_COLUMNS, columns)}, columns=FIGURE_COLUMNS)


def _taken(column: pd.Series, rows: np.ndarray):
    """``column``'s values at positions ``rows``, as the table below stores them: a text column in pandas' default
    string type stays in Arrow (it would be inferred as that type from the Python strings), any other as an array."""
    if not len(rows):
        return []
    if column.dtype == pd.StringDtype(na_value=np.nan) and isinstance(column.array, pd.arrays.ArrowStringArray):
        return column.array.take(rows)
    return column.to_numpy()[rows]


def corpus_figures(corpus, money_warning_above: float = MONEY_WARNING_ABOVE, memo: dict | None = None) -> pd.DataFrame:
    """Every figure in the corpus's cleaned sentences, with doc, outlet, period and offsets into the document's raw text.

    ``start``/``end`` index the article as decoded by :mod:`analysis.corpus.load` (``raw[start:end] == surface``). Rows are
    sorted by period (in parameter order), document (corpus order) and position. ``memo`` (sentence text -> its
    figures) lets the batches of one corpus (:func:`analysis.figures.measures.figure_rows`) scan a repeated text once.
    """
    sentences = corpus.sentences
    memo = {} if memo is None else memo
    texts = sentences["text"].tolist()
    starts = sentences["start"].to_numpy()
    found_rows, holders, counts = [], [], []  # every figure's row, and which sentence holds how many
    for index, text in enumerate(texts):
        found = memo.get(text)
        if found is None:
            found = _scan(text, money_warning_above)
            if len(memo) < MEMO_TEXTS:
                memo[text] = found  # wire copy and repeated paragraphs are scanned once
        if found:
            found_rows.extend(found)
            holders.append(index)
            counts.append(len(found))
    rows = np.repeat(np.asarray(holders, dtype=np.int64), np.asarray(counts, dtype=np.int64))
    found_columns = list(zip(*found_rows)) if found_rows else [[] for _ in range(10)]
    del found_rows
    offsets = starts[rows] if len(rows) else np.zeros(0, dtype=np.int64)
    doc_ids = _taken(sentences["doc_id"], rows)
    published = corpus.documents.set_index("doc_id")["published"]
    columns = dict(zip(["start", "end", "surface", "kind", "value", "unit", "per", "date", "qualifier", "warning"],
                       found_columns))
    table = pd.DataFrame({
        "doc_id": doc_ids,
        "outlet": _taken(sentences["outlet"], rows),
        "period": _taken(sentences["period"], rows),
        "published": pd.Series(doc_ids, dtype=sentences["doc_id"].dtype).map(published).to_numpy() if len(rows) else [],
        "sent_id": _taken(sentences["sent_id"], rows),
        "sentence_start": offsets,
        "start": np.asarray(columns["start"], dtype=np.int64) + offsets,
        "end": np.asarray(columns["end"], dtype=np.int64) + offsets,
        **{name: list(columns[name]) for name in CORPUS_COLUMNS[8:-1] if name not in ("start", "end")},
        "sentence": _taken(sentences["text"], rows),
    }, columns=CORPUS_COLUMNS)
    del texts
    table = table.astype({"sentence_start": "int64", "start": "int64", "end": "int64", "value": "float64"})
    # corpus.sentences is already in period, document and position order; keep that order explicitly (a sentence's
    # figures nearly always come in order, and then the table is not copied to reorder it).
    starts = table["start"].to_numpy()
    if not np.any((rows[1:] == rows[:-1]) & (starts[1:] < starts[:-1])):
        return table
    return table.iloc[np.lexsort((starts, rows))].reset_index(drop=True)
