"""Extract the numeric facts of news text (money, percentages, quantities, counts, durations, ordinals, dates).

A small grammar over verbose regular expressions and the word lists in ``analysis/data/`` (number words, units,
qualifiers, grammar words); every figure keeps its character offsets, so it can be traced to its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.paths import data_file
from analysis.segment import sentence_spans

KINDS = ("money", "percent", "quantity", "count", "duration", "ordinal", "date")
COLUMNS = ["start", "end", "surface", "kind", "value", "unit", "date", "qualifier", "warning", "sentence"]
IMPLAUSIBLE = {"money": 1e15, "quantity": 1e16, "count": 1e10, "duration": 1e4, "percent": 1e4}
YEAR_RANGE = (1800, 2100)
TARGET_AFTER = re.compile(r"""
    \s+by\s+                  # "... by
    (?:the\s+end\s+of\s+)?    #  the end of
    \d{4}(?!\d)               #  2020": a goal for that year, not an actual value
""", re.VERBOSE)


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(data_file(name), comment="#", dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class Lexicon:
    """The word lists the grammar reads, compiled once."""

    cardinals: dict
    tens: dict
    ordinals: dict
    scales: dict
    scale_abbreviations: dict
    scale_attached: dict
    months: dict
    units: pd.DataFrame
    qualifiers: dict
    roles: dict
    irregular: dict


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the figure word lists from ``analysis/data/`` (number_words, figure_units, figure_qualifiers, grammar)."""
    words = _read("number_words.csv")
    by_type = {kind: dict(zip(group["word"], group["value"].astype(float))) for kind, group in words.groupby("type")}
    grammar = _read("figure_grammar_words.csv")
    roles: dict[str, set] = {}
    for row in grammar.itertuples(index=False):
        roles.setdefault(row.role, set()).add(row.word)
    irregular = dict(zip(grammar.loc[grammar["role"] == "irregular_plural", "word"],
                         grammar.loc[grammar["role"] == "irregular_plural", "singular"]))
    units = _read("figure_units.csv")
    units["factor"] = units["factor"].astype(float)
    qualifiers = _read("figure_qualifiers.csv")
    return Lexicon(by_type.get("cardinal", {}), by_type.get("tens", {}), by_type.get("ordinal", {}),
                   by_type.get("scale", {}), by_type.get("scale_abbreviation", {}), by_type.get("scale_attached", {}),
                   by_type.get("month", {}), units, dict(zip(qualifiers["phrase"], qualifiers["qualifier"])),
                   {role: frozenset(words) for role, words in roles.items()}, irregular)


def _alternation(words, case_insensitive: bool = True) -> str:
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    body = "|".join(r"\s+".join(re.escape(part) for part in word.split()) for word in ordered)
    return f"(?i:{body})" if case_insensitive else f"(?:{body})"


@dataclass(frozen=True)
class Patterns:
    """The compiled grammar."""

    number: re.Pattern
    scale: re.Pattern
    suffix_unit: re.Pattern
    prefix_unit: re.Pattern
    ordinal: re.Pattern
    date: re.Pattern
    plural_noun: re.Pattern
    suffix_units: dict
    prefix_units: dict


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    """Compile the grammar from the word lists (once per process)."""
    lex = lexicon()
    cardinal = _alternation(lex.cardinals)
    tens = _alternation(lex.tens)
    scale_words = _alternation(list(lex.scales) + list(lex.scale_abbreviations))
    number = re.compile(rf"""
        (?<![\w.,\-/])                                    # not inside a name or code (S-400, G20, v2.1)
        (?:
            (?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)  # 17, 240.1, 1,000
            (?:\^(?P<power>\d+))?                           # 10^100
            (?P<attached>{_alternation(list(lex.scale_abbreviations) + list(lex.scale_attached))})?  # 5bn, $3m
            (?:\s+and\s+a\s+half)?                          # 2 and a half
            (?![\w])                                        # the number ends here (70th is an ordinal, not 70)
          | (?P<words>(?:{tens}(?:-{cardinal})?|{cardinal})(?:\s+and\s+a\s+half)?)(?![\w])  # nine, ninety-nine, two and a half
          | (?P<article>\b[Aa]n?\s+(?:(?:{_alternation(lex.roles.get("a_modifier", []))})\s+)?)(?=(?:{scale_words})\b)  # a dozen, a combined trillion
        )
        """, re.VERBOSE)
    scale = re.compile(rf"""
        (?:\s+|-)?                                          # "17 billion", "two-hundred"
        (?P<scale>{scale_words})\b                          # thousand, million, bn, mln, dozen
        """, re.VERBOSE)
    suffix = lex.units[lex.units["position"].isin(["suffix", "both"])]
    prefix = lex.units[lex.units["position"].isin(["prefix", "both"])]
    suffix_unit = re.compile(rf"""
        (?:\s*|-)                                           # "90%", "38 billion cubic meters", "30-year"
        (?P<unit>{_alternation(suffix["surface"])})
        (?![\w])                                            # whole word: "years" not "yearsx"
        """, re.VERBOSE)
    prefix_unit = re.compile(rf"""
        (?P<unit>{_alternation(prefix["surface"], case_insensitive=False)})  # $, US$, USD, €, ¥ (as written)
        \s?$                                                # directly before the number, one space allowed
        """, re.VERBOSE)
    ordinal = re.compile(rf"""
        (?<![\w\-])
        (?:
            (?P<digits>\d+)(?:st|nd|rd|th)                  # 70th, 21st
          | (?P<words>(?:{tens}-)?{_alternation(lex.ordinals)})  # fifth, twenty-first, ninth(-largest)
        )
        (?![\w])
        """, re.VERBOSE)
    months = _alternation(lex.months, case_insensitive=False)
    date = re.compile(rf"""
        (?:
            (?<![\w])(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month1>{months})(?:,?\s+(?P<year1>\d{{4}}))?  # 9 May 2015
          | (?:(?<![\w])|(?<=[a-z]))                        # a month name also right after a glued lower-case word ("MazumdaruMay 7")
            (?P<month2>{months})                            # May
            (?:\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)  #   9, 20th
               (?:\s*[-–]\s*(?P<day2b>\d{{1,2}}))?          #   8-10 (a range of days)
            )?
            (?:,?\s+(?P<year2>\d{{4}}))?                    #   2015
        )
        (?![\w])
        """, re.VERBOSE)
    plural_noun = re.compile(r"""
        (?:\s+|-)                                           # "nine boats", "11 inter-governmental agreements"
        (?:(?P<modifier>[a-z]+(?:-[a-z]+)+|[a-z]+(?:al|an|ese|ish|ic|ary|ive))\s+)?  # one adjective may stand between
        (?P<noun>[a-z]{3,})                                 # the counted noun, lower case
        (?![\w\-])
        """, re.VERBOSE)
    return Patterns(number, scale, suffix_unit, prefix_unit, ordinal, date, plural_noun,
                    {row.surface.lower(): row for row in suffix.itertuples(index=False)},
                    {row.surface: row for row in prefix.itertuples(index=False)})


def _number_value(match: re.Match) -> float:
    lex = lexicon()
    if match.group("digits"):
        value = float(match.group("digits").replace(",", ""))
        if match.group("power"):
            try:
                value = value ** int(match.group("power"))
            except OverflowError:
                value = float("inf")
        if match.group("attached"):
            key = match.group("attached").lower()
            value *= lex.scale_abbreviations.get(key, lex.scale_attached.get(key, 1.0))
    elif match.group("words"):
        text = match.group("words").lower()
        half = " and a half" in re.sub(r"\s+", " ", text)
        head = re.split(r"\s+and\s+", text)[0]
        parts = head.split("-")
        value = sum(lex.tens.get(part, lex.cardinals.get(part, 0.0)) for part in parts)
        value += 0.5 if half else 0.0
    else:
        value = 1.0  # "a" before a scale word
    if match.group("digits") and " and a half" in re.sub(r"\s+", " ", match.group(0)):
        value += 0.5
    return value


def _singular(noun: str) -> str:
    lex = lexicon()
    if noun in lex.irregular:
        return lex.irregular[noun]
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith(("sses", "shes", "ches", "xes")):
        return noun[:-2]
    return noun[:-1]


def _qualifier(text: str, start: int) -> str:
    before = text[max(0, start - 30):start].lower()
    best = ""
    for phrase, qualifier in lexicon().qualifiers.items():
        if re.search(rf"(?<![\w]){re.escape(phrase)}\s+$", before) and len(phrase) > len(best.split("|")[0]):
            best = f"{phrase}|{qualifier}"
    return best.split("|")[1] if best else ""


def _previous_word(text: str, start: int) -> str:
    match = re.search(r"([A-Za-z]+)\W*$", text[max(0, start - 40):start])
    return match.group(1) if match else ""


def _scan(text: str) -> list[dict]:
    """Every figure in ``text`` as dicts (start, end, surface, kind, value, unit, date, qualifier, warning)."""
    pats = patterns()
    lex = lexicon()
    figures: list[dict] = []
    taken = np.zeros(len(text) + 1, dtype=bool)

    def add(start, end, kind, value, unit="", date="", qualifier=""):
        if taken[start:end].any():
            return
        taken[start:end] = True
        figures.append({"start": start, "end": end, "surface": text[start:end], "kind": kind, "value": value,
                        "unit": unit, "date": date, "qualifier": qualifier or _qualifier(text, start), "warning": ""})

    # 1. Dates first: "May 8-10", "May 7, 2015", "May 2014", "9 May"
    for match in pats.date.finditer(text):
        month = int(lex.months[match.group("month1") or match.group("month2")])
        day = match.group("day1") or match.group("day2")
        year = match.group("year1") or match.group("year2")
        if year and not (YEAR_RANGE[0] <= int(year) <= YEAR_RANGE[1]):
            continue
        value = float(year) if year else np.nan
        prefix = f"{year}" if year else "-"
        if match.group("day2b"):  # May 8-10: two dates
            first_end = match.start("day2") + len(match.group("day2"))
            add(match.start(), first_end, "date", value, date=f"{prefix}-{month:02d}-{int(day):02d}", qualifier="range_low")
            add(match.start("day2b"), match.end("day2b"), "date", value,
                date=f"{prefix}-{month:02d}-{int(match.group('day2b')):02d}", qualifier="range_high")
            continue
        iso = f"{prefix}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        add(match.start(), match.end(), "date", value, date=iso)

    # 2. Ordinals: "70th", "fifth consecutive", "ninth-largest"; an ordinal word needs a determiner ("a fifth", "the first")
    for match in pats.ordinal.finditer(text):
        if match.group("digits"):
            value = float(match.group("digits"))
        else:
            word = match.group("words").lower()
            before = text[max(0, match.start() - 3):match.start()]
            compound = re.match(r"-[a-z]", text[match.end():match.end() + 2])  # "ninth-largest"
            possessive = before.endswith(("'s ", "’s "))  # "China's ninth-largest", "Russia's fifth"
            determiner = _previous_word(text, match.start()).lower() in lex.roles.get("ordinal_determiner", frozenset())
            if not (compound or possessive or determiner):
                continue  # "travels first": an adverb, not a rank
            parts = word.split("-")
            value = sum(lex.tens.get(part, lex.ordinals.get(part, 0.0)) for part in parts)
        end = match.end()
        compound_end = re.match(r"-[a-z]+", text[end:])
        if compound_end:
            end += compound_end.end()  # the surface keeps the compound: "ninth-largest"
        add(match.start(), end, "ordinal", value)

    # 3. Numbers with their scale and unit
    sentence_currency: dict[int, str] = {}
    for match in pats.number.finditer(text):
        start, end = match.start(), match.end()
        if match.group("article"):
            start = match.start()
        if taken[start:end].any():
            continue
        value = _number_value(match)
        words = match.group("words")
        line_start = text.rfind("\n", 0, start) + 1
        if match.group("digits") and not text[line_start:start].strip() and re.match(r"\.\s", text[end:end + 2]):
            continue  # a list marker: "1. Skip to content"
        cursor = end
        scale_match = pats.scale.match(text, cursor)
        while scale_match:
            key = scale_match.group("scale").lower()
            value *= lex.scales.get(key, lex.scale_abbreviations.get(key, 1.0))
            cursor = scale_match.end()
            scale_match = pats.scale.match(text, cursor)
        scaled = cursor > end or bool(match.group("attached")) or bool(match.group("article"))
        if match.group("article") and not scaled:
            continue
        kind, unit = "", ""
        prefix_match = pats.prefix_unit.search(text[max(0, start - 4):start])
        if prefix_match:
            row = pats.prefix_units[prefix_match.group("unit")]
            start = start - (len(text[max(0, start - 4):start]) - prefix_match.start())
            kind, unit = row.kind, row.unit
        suffix_match = pats.suffix_unit.match(text, cursor)
        if suffix_match:
            row = pats.suffix_units[re.sub(r"\s+", " ", suffix_match.group("unit").lower())]
            if not kind or row.kind == kind:
                kind, unit = row.kind, row.unit
                value *= row.factor
                cursor = suffix_match.end()
        elif kind == "":
            percent = re.match(r"\s*%", text[cursor:])
            if percent:
                kind, unit, cursor = "percent", "%", cursor + percent.end()
        if not kind:
            written_before = _previous_word(text, start)
            previous = written_before.lower()
            following = re.match(r"\s+(in|of)\s+([a-z]+)", text[cursor:])
            sentence_key = _sentence_key(text, start)
            if words and previous in lex.roles.get("generic_determiner", frozenset()) and not scaled:
                continue  # "the two countries", "both sides"
            if scaled and sentence_key in sentence_currency:
                kind, unit = "money", sentence_currency[sentence_key]  # "$17 billion in X, 150 million in Y"
            elif scaled and following and following.group(2) in lex.roles.get("money_context", frozenset()):
                kind, unit = "money", ""  # "a combined trillion in exports": money, currency not given
            elif not scaled and match.group("digits") and "." not in match.group("digits") and \
                    YEAR_RANGE[0] <= value <= YEAR_RANGE[1] and len(match.group("digits")) == 4:
                if written_before[:1].isupper() and written_before not in lex.months and previous not in ("in", "by", "since"):
                    continue  # "Power of Siberia 2024"-style names
                add(start, end, "date", value, date=f"{int(value)}")
                continue
            elif not scaled and match.group("digits") and written_before[:1].isupper() \
                    and text[max(0, start - 1)] == " " and written_before not in lex.months \
                    and previous.lower() not in lex.roles.get("function", frozenset()) | set(lex.qualifiers):
                continue  # a number in a name: "Power of Siberia 2"
            else:
                noun = pats.plural_noun.match(text, cursor)
                if noun and ((noun.group("noun").endswith("s") and not noun.group("noun").endswith(("ss", "us", "is")))
                             or noun.group("noun") in lex.irregular) \
                        and noun.group("noun") not in lex.roles.get("not_noun", frozenset()) \
                        and noun.group("noun") not in lex.roles.get("function", frozenset()):
                    kind, unit = "count", _singular(noun.group("noun"))
                    if noun.group("modifier") and noun.group("modifier") in lex.roles.get("function", frozenset()):
                        kind, unit = "count", ""
                    else:
                        cursor = noun.end()  # the counted noun is part of the figure: "nine boats"
                elif words and words.lower().split("-")[0] == "one" and not scaled:
                    continue  # "one key aspect": a bare "one" is no figure
                elif words and not scaled:
                    continue  # a spelled-out number without a noun ("one of them") is no figure
                else:
                    kind, unit = "count", ""
        if kind == "money" and unit:
            sentence_currency[_sentence_key(text, start)] = unit
        if kind:
            add(start, cursor, kind, value, unit)

    _ranges(text, figures)
    for figure in figures:
        if figure["kind"] != "date" and not figure["qualifier"] and TARGET_AFTER.match(text, figure["end"]):
            figure["qualifier"] = "target"  # "$200 billion by 2020"
    for figure in figures:
        limit = IMPLAUSIBLE.get(figure["kind"])
        if limit is not None and (not np.isfinite(figure["value"]) or abs(figure["value"]) > limit):
            figure["warning"] = f"implausible {figure['kind']} value {figure['value']:.3g}: check the source text"
    return sorted(figures, key=lambda figure: (figure["start"], figure["end"]))


def _sentence_key(text: str, position: int) -> int:
    """Start of the sentence-ish stretch containing ``position`` (last '. ' or line break before it)."""
    cut = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position))
    return cut


def _ranges(text: str, figures: list[dict]) -> None:
    """Two figures joined by 'to' or a dash become range_low and range_high; the low end takes the high end's unit."""
    ordered = sorted(figures, key=lambda figure: figure["start"])
    for low, high in zip(ordered, ordered[1:]):
        gap = text[low["end"]:high["start"]]
        if re.fullmatch(r"\s*(?:to|-|–)\s*", gap) and low["kind"] != "date":
            if low["kind"] == "count" and low["unit"] == "" and high["kind"] != "count":
                low["kind"], low["unit"] = high["kind"], high["unit"]
            if low["kind"] == high["kind"]:
                low["qualifier"], high["qualifier"] = "range_low", "range_high"


def extract_figures(text: str) -> pd.DataFrame:
    """Every figure in ``text``: offsets, surface, kind, normalised value and unit, and its sentence.

    >>> table = extract_figures("Bilateral trade hit 240.1 billion dollars in 2023, 90% settled in yuan and rubles.")
    >>> table[["surface", "kind", "value", "unit"]].values.tolist()
    [['240.1 billion dollars', 'money', 240100000000.0, 'USD'], ['2023', 'date', 2023.0, ''], ['90%', 'percent', 90.0, '%']]
    """
    figures = _scan(text)
    table = pd.DataFrame(figures, columns=COLUMNS[:-1])
    spans = sentence_spans(text)
    starts = np.array([span[0] for span in spans]) if spans else np.array([0])
    which = np.searchsorted(starts, table["start"].to_numpy(), side="right") - 1 if len(table) else np.array([], int)
    table["sentence"] = [text[spans[i][0]:spans[i][1]] if spans else text for i in which]
    table["value"] = table["value"].astype(float)
    return table[COLUMNS]


def corpus_figures(corpus) -> pd.DataFrame:
    """Every figure of the corpus's cleaned paragraphs, with doc_id, outlet, period, published, sent_id, the sentence,
    and ``start``/``end`` as offsets into the article file (``raw[start:end] == surface``); sorted by doc and offset.

    Dates written without a year ("May 9") get ``date_resolved`` with the year of the article's publication.
    """
    rows = []
    for paragraph in corpus.paragraphs.itertuples(index=False):
        for figure in _scan(paragraph.text):
            figure["start"] += paragraph.start
            figure["end"] += paragraph.start
            figure["doc_id"] = paragraph.doc_id
            rows.append(figure)
    columns = ["doc_id", "outlet", "period", "published", "sent_id", "start", "end", "surface", "kind", "value",
               "unit", "date", "date_resolved", "qualifier", "warning", "sentence"]
    if not rows:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(rows)
    docs = corpus.documents.set_index("doc_id")
    table["outlet"] = table["doc_id"].map(docs["outlet"])
    table["period"] = table["doc_id"].map(docs["period"])
    table["published"] = table["doc_id"].map(docs["published"])
    sentences = corpus.sentences[["doc_id", "start", "sent_id", "text"]].sort_values("start", kind="mergesort")
    table = table.sort_values(["doc_id", "start", "end"], ignore_index=True)
    located = pd.merge_asof(table[["doc_id", "start"]].reset_index().sort_values("start", kind="mergesort"), sentences,
                            on="start", by="doc_id", direction="backward").set_index("index").sort_index()
    table["sent_id"] = located["sent_id"]
    table["sentence"] = located["text"]
    year = table["published"].str.slice(0, 4)
    table["date_resolved"] = np.where(table["date"].str.startswith("-"), year + table["date"].str.slice(1), table["date"])
    table.loc[table["kind"] != "date", "date_resolved"] = ""
    table.loc[(table["kind"] == "date") & table["value"].isna(), "value"] = year.astype(float)
    return table[columns]
