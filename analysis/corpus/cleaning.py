"""Remove web-page furniture (menus, widgets, prompts, credits, sidebars) from article text, line by line, with a reason for each.

Patterns live in ``analysis/data/boilerplate_rules.csv`` and word lists in ``analysis/data/furniture_words.csv``;
every removed line is recorded with its rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.core.paths import data_file, read_data_table
from analysis.core.pattern_screen import Screen, fold_case, may_match, screen
from analysis.corpus.segment import line_spans

RULES_FILE = "boilerplate_rules.csv"
WORDS_FILE = "furniture_words.csv"
REMOVED_COLUMNS = ["doc_id", "file", "line_no", "start", "end", "rule", "text"]
SCOPES = ("line", "tail", "block", "to_end")

WORD_LINE_MAX_WORDS = 6  # a line made only of furniture words is at most this long ('Today's Top News')
FRAGMENT_MAX_WORDS = 4  # a lower-case line without punctuation this short is a tag or a label ('vladimir putin')
ABOVE_HEADLINE_MAX_WORDS = 25  # lines above the headline longer than this are left alone
BETWEEN_MAX_WORDS = 4  # a line this short, without a full stop, between two furniture lines is furniture ('Thank you!')
OTHER_HEADLINE_WORDS = (5, 20)  # a Title Case line after the body starts, of this many words, is another story's headline
OTHER_HEADLINE_CAPITALISED = 0.85  # share of its content words that must be capitalised
BODY_LINE_MIN_WORDS = 12  # a line this long ending with sentence punctuation is running text: the body has started
REPEAT_MIN_DOCUMENTS = 3  # a line in this many articles of one outlet is the outlet's furniture ...
REPEAT_SENTENCE_SHARE = 0.5  # ... if it has no sentence-ending punctuation, or else if it is in this share of them
REPEAT_MAX_WORDS = 40  # longer lines are paragraphs of reporting, left to the duplicate check
READER_PROMPT_MAX_WORDS = 60  # a line addressing the reader next to furniture is a prompt only up to this length
HEADING_MAX_WORDS = 14  # a short line without sentence-ending punctuation is a heading (title, cross-head)
QUESTION_HEADING_MAX_WORDS = 8  # ... and so is a short question standing alone ('What did the two leaders say?')
DATELINE_MAX_WORDS = 16  # a line carrying a date is a dateline up to this length ("Updated: Oct 12, 2014 6:08 PM")
# Evidence that is not one pattern: the name recorded with each line it removes, and why (shown with the rules table).
EVIDENCE_RULES = {
    "no_letters": "A line of symbols, digits and punctuation only, e.g. '|', '×', '1'",
    "outlet_name": "A line that only names the article's outlet (from the metadata), e.g. 'Sputnik International'",
    "furniture_words": f"A line of at most {WORD_LINE_MAX_WORDS} words, all from analysis/data/furniture_words.csv, "
                       "e.g. 'Breaking News', 'Facebook Comment'",
    "lowercase_fragment": f"A lower-case line of at most {FRAGMENT_MAX_WORDS} words without sentence punctuation: "
                          "a tag or label, e.g. 'vladimir putin'",
    "outlet_repeat": f"A line in {REPEAT_MIN_DOCUMENTS} or more of the outlet's articles (a full sentence: in half of "
                     "them); titles and datelines never count",
    "above_headline": "A line above the headline (the line matching the metadata title) that is not a dateline and "
                      "has no sentence-ending punctuation: the page's header",
    "other_headline": "A Title Case line without sentence punctuation after the body has started: another story's "
                      "headline, e.g. a link set inside the article",
    "between_furniture": f"A line of at most {BETWEEN_MAX_WORDS} words without a full stop between two furniture "
                         "lines, e.g. 'Thank you!'",
    "reader_prompt": "A line addressing the reader ('you', 'your') outside quotation marks, next to furniture",
}

WORD = re.compile(r"[^\W\d_]+(?:['’`-][^\W\d_]+)*", re.UNICODE)
SENTENCE_END = re.compile(
    r"""[.!?…]          # a full stop, exclamation or question mark, or an ellipsis
        [\"'”’)\]]*     # perhaps inside closing quotes or brackets
        \s*$""",
    re.VERBOSE,
)
BULLETS = re.compile(r"^[\s•·▪►◦*|–—-]+")  # list bullets and dashes in front of a menu item
NOT_WORD = re.compile(r"[^\w\s]")
READER_ADDRESS = re.compile(r"\b(?:you|your|yours)\b", re.IGNORECASE)
QUOTES = re.compile(r"[\"“”«»]")
MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
DATE = re.compile(
    rf"""(?:{MONTHS}\.?\s*\d{{1,2}}(?:st|nd|rd|th)?,?\s*\d{{4}}   # May 7, 2015 / Dec 23 2014 / glued 'MazumdaruMay 7, 2015'
        |\b\d{{1,2}}\s+{MONTHS}\.?,?\s+\d{{4}}                    # 9 August 2024
        |\b\d{{4}}-\d{{2}}-\d{{2}}\b                              # 2015-08-14
        |\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}\b                    # 09/21/2024, 13.10.2023
        |\b\d{{1,2}}:\d{{2}}\s*(?:AM|PM|am|pm)?\b                 # 09:31, 3:14 AM
        )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Rule:
    """One boilerplate rule: a name, where it applies, and the regex a whole stripped line must match."""

    name: str
    scope: str
    pattern: re.Pattern
    description: str


def load_rules(path=None) -> list[Rule]:
    """Read and compile the boilerplate rules; a broken row raises an error naming it."""
    source = Path(path) if path else data_file(RULES_FILE)
    table = read_data_table(source)
    rules = []
    for row_no, row in enumerate(table.itertuples(index=False), start=1):
        if not (row.scope in SCOPES or row.scope.startswith("before:")):
            raise ValueError(f"{source}: rule {row.rule!r} has unknown scope {row.scope!r}; "
                             "use 'line', 'tail', 'block', 'to_end' or 'before:RULE'.")
        try:
            # A tail pattern must run to the end of the line: anchor it there.
            pattern = re.compile(f"(?:{row.pattern})\\s*$" if row.scope == "tail" else row.pattern)
        except re.error as error:
            raise ValueError(f"{source}: rule {row.rule!r} (data row {row_no}) has an invalid pattern: {error}. "
                             "Fix the regular expression in that row.") from error
        rules.append(Rule(row.rule, row.scope, pattern, row.description))
    return rules


@lru_cache(maxsize=1)
def default_rules() -> tuple[Rule, ...]:
    """The project's rules, read once."""
    return tuple(load_rules())


def rule_tests(rules) -> list[tuple[re.Pattern | None, list[Rule], Screen | None]]:
    """The line and tail rules in file order as tests ``(joined, rules, screen)``.

    A rule slow to fail on a line (``Screen.scans``, :mod:`analysis.core.pattern_screen`) whose :class:`Screen`
    can turn lines away is a test of its own, tried only on lines that pass the screen. Runs of the other line rules
    are grouped under one pattern that fullmatches a line when any rule of the run does: one test instead of one per
    rule for the many lines no rule removes (a fullmatch of an alternation is a fullmatch of one of its parts). Which
    rule removed a line is still found rule by rule, the first in file order. A group with None tests its rules one by
    one (tail rules, and patterns that cannot be joined)."""
    tests: list[tuple[re.Pattern | None, list[Rule], Screen | None]] = []
    run: list[tuple[Rule, str]] = []

    def close_run():
        if len(run) > 1:
            tests.append((re.compile("|".join(scoped for _, scoped in run)), [rule for rule, _ in run], None))
        elif run:
            tests.append((None, [run[0][0]], None))
        run.clear()

    for rule in rules:
        if rule.scope not in ("line", "tail"):
            continue
        found = screen(rule.pattern, whole_line=rule.scope == "line")
        scoped = _scoped_pattern(rule)
        if found.scans and found.screens or scoped is None:
            close_run()
            tests.append((None, [rule], found if found.scans and found.screens else None))
        else:
            run.append((rule, scoped))
    close_run()
    return tests


@lru_cache(maxsize=1)
def default_rule_tests() -> list[tuple[re.Pattern | None, list[Rule], Screen | None]]:
    """:func:`rule_tests` of the project's rules, built once."""
    return rule_tests(default_rules())


def first_rule(text: str, tests) -> tuple[str, int] | None:
    """The first line or tail rule (in file order) that removes the stripped line ``text``, as (rule name, offset
    where the removed part starts: 0 for the whole line), or None; ``tests`` come from :func:`rule_tests`."""
    folded, made = None, False  # the line's fold_case, made when a screen first needs it
    for joined, group, found in tests:
        if found is not None:
            if not made and found.folds:
                folded, made = fold_case(text), True
            if not may_match(found, text, folded):
                continue
        elif joined is not None and not joined.fullmatch(text):
            continue
        for rule in group:
            if rule.scope == "tail":
                if match := rule.pattern.search(text):
                    return rule.name, match.start() + len(match.group()) - len(match.group().lstrip())  # not the space
            elif rule.pattern.fullmatch(text):
                return rule.name, 0
    return None


def _scoped_pattern(rule: Rule) -> str | None:
    """A line rule's pattern as a group that can stand in an alternation with others and match the same lines, or None
    when it cannot (capturing groups, whose numbers would shift, or flags other than a leading ``(?i)``)."""
    pattern = rule.pattern
    if rule.scope != "line" or pattern.groups:
        return None
    if pattern.flags == re.UNICODE:
        scoped = f"(?:{pattern.pattern})"
    elif pattern.flags == re.UNICODE | re.IGNORECASE and pattern.pattern.startswith("(?i)"):
        scoped = f"(?i:{pattern.pattern[4:]})"
    else:
        return None
    try:
        alone = re.compile(scoped)
    except re.error:  # a global flag further in, say: left alone
        return None
    return scoped if alone.flags == re.UNICODE and not alone.groups else None


@lru_cache(maxsize=1)
def furniture_words() -> tuple[frozenset[str], frozenset[str]]:
    """(connectors, furniture words) from ``analysis/data/furniture_words.csv``."""
    table = read_data_table(WORDS_FILE)
    words = table["word"].str.strip().str.lower()
    connector = table["kind"].str.strip() == "connector"
    return frozenset(words[connector]), frozenset(words[~connector])


def rules_table(rules=None) -> pd.DataFrame:
    """The rules as a table (rule, scope, pattern, description) for the report, evidence rules last (scope 'evidence')."""
    rules = rules or default_rules()
    patterns = [{"rule": r.name, "scope": r.scope, "pattern": r.pattern.pattern, "description": r.description}
                for r in rules]
    evidence = [{"rule": name, "scope": "evidence", "pattern": "", "description": description}
                for name, description in EVIDENCE_RULES.items()]
    return pd.DataFrame(patterns + evidence)


# ---- line evidence -------------------------------------------------------------------------------

def words_of(text: str) -> list[str]:
    """The words of a line (letters, inner apostrophes and hyphens), in order."""
    return WORD.findall(text)


SENTENCE_END_CHARACTERS = ".!?…"  # the first character class of SENTENCE_END ...
CLOSING_CHARACTERS = "\"'”’)]"  # ... and its second


def ends_sentence(text: str) -> bool:
    """Whether a line ends with sentence-ending punctuation (perhaps inside closing quotes): ``SENTENCE_END.search``,
    read from the end instead of tried at every position (white space as ``\\s`` and ``str.rstrip`` both take it)."""
    bare = text.rstrip().rstrip(CLOSING_CHARACTERS)
    return bool(bare) and bare[-1] in SENTENCE_END_CHARACTERS


def is_dateline(text: str) -> bool:
    """A short line carrying a date or time: a dateline ('Updated: 2015-08-14 09:31', 'July 3, 2024'), kept as text.

    >>> is_dateline("Posted: Feb 07, 2014 3:14 AM"), is_dateline("The deal was signed on May 7, 2015.")
    (True, False)
    """
    if len(text.split(None, DATELINE_MAX_WORDS)) > DATELINE_MAX_WORDS or not DATE.search(text):  # words counted to 17
        return False
    return not ends_sentence(text) or len(words_of(text)) <= 4  # 'Jan. 5, 2015.' yes; a short sentence with a date, no


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: for comparing a line with a title or with other lines."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(NOT_WORD.sub("", text.lower()).split())


def is_word_list_line(text: str) -> bool:
    """A short line made only of furniture words ('Breaking News', 'Facebook Comment', 'Editorial Team')."""
    if ends_sentence(text) or re.search(r"\d", text):
        return False
    words = [re.sub(r"['’`]s$", "", word.lower()) for word in words_of(BULLETS.sub("", text))]
    connectors, furniture = furniture_words()
    return (0 < len(words) <= WORD_LINE_MAX_WORDS and all(word in connectors or word in furniture for word in words)
            and any(word in furniture for word in words))


def is_fragment(text: str) -> bool:
    """A short lower-case line without sentence punctuation: a tag, button or image label ('vladimir putin', 'a')."""
    stripped = BULLETS.sub("", text)  # starts with no space: not empty means at least one word
    return (bool(stripped) and stripped[0].islower() and len(stripped.split(None, FRAGMENT_MAX_WORDS)) <= FRAGMENT_MAX_WORDS
            and not ends_sentence(stripped))


def has_no_letters(text: str) -> bool:
    """A line of symbols, digits and punctuation only ('|', '×', '1', '![]() |')."""
    return not any(character.isalpha() for character in text)


def is_title_case_headline(text: str) -> bool:
    """A Title Case line without sentence punctuation, as other stories' headlines are set inside an article."""
    if ends_sentence(text):  # tested first: most lines are sentences, whose words need not be listed
        return False
    words = words_of(text)
    low, high = OTHER_HEADLINE_WORDS
    if not low <= len(words) <= high:
        return False
    content = [word for word in words if word.lower() not in furniture_words()[0] and len(word) > 3]
    if len(content) < 4:
        return False
    return sum(word[0].isupper() for word in content) / len(content) >= OTHER_HEADLINE_CAPITALISED


def is_reader_prompt(text: str) -> bool:
    """A line that speaks to the reader ('you', 'your') outside quotation marks."""
    return (bool(READER_ADDRESS.search(text)) and not QUOTES.search(text)
            and len(text.split()) <= READER_PROMPT_MAX_WORDS)


def matches_title(text: str, title: str) -> bool:
    """Whether a line is the article's headline: the title, or the title with a little more (a glued section label)."""
    if not title or len(text) > 3 * len(title) + 20:  # far longer than the title: not the headline
        return False
    line, wanted = normalise(text), normalise(title)
    if not wanted or not line:
        return False
    return line == wanted or (wanted in line and not ends_sentence(text) and len(line) <= 2 * len(wanted))


# ---- the cleaner -----------------------------------------------------------------------------------

def find_boilerplate(raw: str, rules=None, *, title: str = "", outlet: str = "",
                     repeated: frozenset[str] = frozenset()) -> tuple[list[tuple[int, int]], list[dict]]:
    """Split ``raw`` into kept line spans and removed lines.

    ``title`` and ``outlet`` come from the metadata: the line that is the title is the headline (never removed; lines
    above it that are not datelines are the page's header), and a line that only names the outlet is its masthead.
    ``repeated`` holds normalised lines that recur across the outlet's articles (see :func:`repeated_lines`).

    Returns ``(kept, removed)``: ``kept`` is the list of ``(start, end)`` spans of lines that stay (blank lines
    included, as paragraph separators; a line that lost a credit at its end keeps the part before it); ``removed``
    holds one dict per removed line or line end with ``line_no`` (1-based), ``start``, ``end``, ``rule`` and ``text``.

    >>> kept, removed = find_boilerplate("1. Skip to content\\nXi met Putin.\\nBy Staff Writer")
    >>> [(r["rule"], r["text"]) for r in removed]
    [('navigation', '1. Skip to content'), ('byline', 'By Staff Writer')]
    """
    tests = rule_tests(rules) if rules else default_rule_tests()
    rules = rules or default_rules()
    lines = line_spans(raw)
    texts = [raw[start:end].strip() for start, end in lines]
    non_blank = [index for index, text in enumerate(texts) if text]
    headline = next((index for index in non_blank if matches_title(texts[index], title)), None)
    protected = {headline} if headline is not None else set()
    datelines = {index for index in non_blank if is_dateline(texts[index])}
    decided: dict[int, str] = {}  # line index -> rule that removed the whole line
    cut: dict[int, tuple[int, str]] = {}  # line index -> (offset in the stripped line where a removed tail starts, rule)

    def open_lines():
        return [index for index in non_blank if index not in decided and index not in protected]

    for index in open_lines():
        if found := first_rule(texts[index], tests):
            name, begins = found
            if begins == 0:
                decided[index] = name
            else:
                cut[index] = (begins, name)
    _apply_line_evidence(texts, open_lines(), datelines, decided, outlet, repeated)
    if headline is not None:
        for index in open_lines():
            if index < headline and index not in datelines and not ends_sentence(texts[index]) \
                    and len(texts[index].split()) <= ABOVE_HEADLINE_MAX_WORDS:
                decided[index] = "above_headline"
    _apply_context_rules(texts, non_blank, decided, cut, protected, rules)
    _apply_other_headlines(texts, non_blank, decided, protected, datelines)
    _apply_neighbours(texts, non_blank, decided, protected, datelines)

    kept, removed = [], []
    for index, (start, end) in enumerate(lines):
        text = texts[index]
        offset = start + len(raw[start:end]) - len(raw[start:end].lstrip())  # where the stripped line starts
        if index in decided:
            removed.append({"line_no": index + 1, "start": offset, "end": offset + len(text), "rule": decided[index],
                            "text": text})
        elif index in cut:
            position, rule = cut[index]
            removed.append({"line_no": index + 1, "start": offset + position, "end": offset + len(text), "rule": rule,
                            "text": text[position:]})
            kept.append((start, offset + position))
        else:
            kept.append((start, end))
    return kept, removed


def _apply_line_evidence(texts, candidates, datelines, decided, outlet, repeated) -> None:
    """Evidence from the line alone: no letters, the outlet's name, furniture words, tags, outlet-wide repeats.

    A line is normalised only where it can equal the outlet's name or a repeated line (:func:`normalises_longer`):
    most lines are sentences far longer than either."""
    outlet_name = normalise(re.sub(r"\([^)]*\)", "", outlet))
    longest_repeat = longest_line(repeated)
    for index in candidates:
        text = texts[index]
        if index in datelines:
            continue
        if has_no_letters(text):
            decided[index] = "no_letters"
        elif outlet_name and not normalises_longer(text, len(outlet_name)) \
                and normalise(BULLETS.sub("", text)) == outlet_name:  # the bullets have no word character
            decided[index] = "outlet_name"
        elif is_word_list_line(text):
            decided[index] = "furniture_words"
        elif is_fragment(text):
            decided[index] = "lowercase_fragment"
        elif repeated and not normalises_longer(text, longest_repeat) and normalise(text) in repeated:
            decided[index] = "outlet_repeat"


# The ASCII word characters (``\w``: letters, digits, '_'), for bytes.translate to delete from an ASCII line to count them.
ASCII_WORD_BYTES = bytes(code for code in range(128) if re.fullmatch(r"\w", chr(code)))


def normalises_longer(text: str, length: int) -> bool:
    """Whether :func:`normalise` surely makes ``text`` longer than ``length`` characters: of an ASCII line it keeps
    every word character (lower-cased one for one), so it is at least as long as they are many. False when unsure
    (a line beyond ASCII, which Unicode normalisation may shorten)."""
    if len(text) <= length or not text.isascii():
        return False
    data = text.encode("ascii")
    return len(data) - len(data.translate(None, ASCII_WORD_BYTES)) > length


@lru_cache(maxsize=64)
def longest_line(lines: frozenset[str]) -> int:
    """The length of the longest of an outlet's repeated lines (0 for none), found once per set."""
    return max(map(len, lines), default=0)


def _apply_context_rules(texts, non_blank, decided, cut, protected, rules) -> None:
    """Apply ``before:RULE``, ``block`` and ``to_end`` rules on top of the line rules (mutates ``decided``)."""
    removed_by = {**{index: rule for index, (_, rule) in cut.items()}, **decided}
    for rule in rules:
        if rule.scope.startswith("before:"):
            target = rule.scope.split(":", 1)[1]
            for position, index in enumerate(non_blank[:-1]):
                following = non_blank[position + 1]
                if index not in decided and index not in protected and removed_by.get(following) == target \
                        and rule.pattern.fullmatch(texts[index]):
                    decided[index] = rule.name
        elif rule.scope == "block":
            for position, index in enumerate(non_blank):
                if index in protected or not rule.pattern.fullmatch(texts[index]):
                    continue
                decided[index] = rule.name  # the heading is recorded as what it is, whatever else matched it
                for rest in non_blank[position + 1:]:
                    if rest in protected or (ends_sentence(texts[rest]) and rest not in decided):
                        break
                    decided.setdefault(rest, rule.name)
        elif rule.scope == "to_end":
            for position, index in enumerate(non_blank):
                if index not in decided and rule.pattern.fullmatch(texts[index]):
                    for rest in non_blank[position:]:
                        if rest not in protected:
                            decided.setdefault(rest, rule.name)
                    break


def _apply_other_headlines(texts, non_blank, decided, protected, datelines) -> None:
    """After the body has started, a Title Case line is the headline of another story (a link), not a cross-head."""
    body_started = False
    for index in non_blank:
        text = texts[index]
        if not body_started:
            body_started = ends_sentence(text) and len(words_of(text)) >= BODY_LINE_MIN_WORDS and index not in decided
            continue
        if index not in decided and index not in protected and index not in datelines and is_title_case_headline(text):
            decided[index] = "other_headline"


def _apply_neighbours(texts, non_blank, decided, protected, datelines) -> None:
    """Furniture comes in runs: a very short line without a full stop between two furniture lines ('Thank you!'), or
    a line speaking to the reader next to one, is furniture too. Repeated until nothing changes."""
    changed = True
    while changed:
        changed = False
        for position, index in enumerate(non_blank):
            if index in decided or index in protected or index in datelines:
                continue
            before = non_blank[position - 1] if position > 0 else None
            after = non_blank[position + 1] if position + 1 < len(non_blank) else None
            next_to = [neighbour in decided for neighbour in (before, after) if neighbour is not None]
            if len(next_to) == 2 and all(next_to) and len(texts[index].split()) <= BETWEEN_MAX_WORDS \
                    and not texts[index].rstrip("\"'”’)").endswith("."):
                decided[index] = "between_furniture"
                changed = True
            elif any(next_to) and is_reader_prompt(texts[index]):
                decided[index] = "reader_prompt"
                changed = True


# ---- corpus-wide evidence and headline marks ---------------------------------------------------------

def repeated_lines(articles) -> dict[str, frozenset[str]]:
    """Per outlet, the normalised lines that recur across its articles: page furniture the rules do not know.

    ``articles`` yields ``(outlet, title, raw)``. A line of at most 40 words counts when it is in at least 3 of the
    outlet's articles and either has no sentence-ending punctuation or is in at least half of them; titles and
    datelines never count.

    >>> furniture = "Support independent reporting"
    >>> articles = [("Site", f"T{n}", f"Story {n} text.\\n{furniture}") for n in range(3)]
    >>> sorted(repeated_lines(articles)["Site"])
    ['support independent reporting']
    """
    return recurring_by_outlet([count_lines(articles)])


def count_lines(articles) -> tuple[dict, dict, Counter]:
    """The counts behind :func:`repeated_lines` for some of a corpus's articles (``(outlet, title, raw)``): per outlet,
    in how many articles each candidate line occurs, the lines that end a sentence, and the number of articles.
    Counts of separate groups of articles add up (:func:`recurring_by_outlet`), so worker processes can count."""
    counts: dict[str, Counter] = defaultdict(Counter)
    sentences: dict[str, set] = defaultdict(set)
    documents: Counter = Counter()
    for outlet, title, raw in articles:
        documents[outlet] += 1
        for key, is_sentence in article_lines(title, raw).items():
            counts[outlet][key] += 1
            if is_sentence:
                sentences[outlet].add(key)
    return dict(counts), dict(sentences), documents


def recurring_by_outlet(parts) -> dict[str, frozenset[str]]:
    """:func:`repeated_lines` from the :func:`count_lines` of each group of articles, in any order."""
    counts: dict[str, Counter] = defaultdict(Counter)
    sentences: dict[str, set] = defaultdict(set)
    documents: Counter = Counter()
    for part_counts, part_sentences, part_documents in parts:
        for outlet, counter in part_counts.items():
            counts[outlet].update(counter)
        for outlet, keys in part_sentences.items():
            sentences[outlet] |= keys
        documents.update(part_documents)
    result = {}
    for outlet, counter in counts.items():
        lines = recurring_lines(counter, sentences[outlet], documents[outlet])
        if lines:
            result[outlet] = lines
    return result


def article_lines(title: str, raw: str) -> dict[str, bool]:
    """One article's candidate furniture lines for :func:`repeated_lines`: normalised line -> ends a sentence.

    Lines of more than 40 words, titles and datelines are left out; a line repeated inside the article counts once.
    """
    found: dict[str, bool] = {}
    for start, end in line_spans(raw):
        text = raw[start:end].strip()
        if not text or len(text.split(None, REPEAT_MAX_WORDS)) > REPEAT_MAX_WORDS:  # words counted to 41
            continue
        key = normalise(text)
        if not key or key in found or matches_title(text, title) or is_dateline(text):
            continue
        found[key] = ends_sentence(text)
    return found


def recurring_lines(counts, sentences, documents: int) -> frozenset[str]:
    """The rule of :func:`repeated_lines` for one outlet: lines (``counts``: line -> articles) in at least 3 of its
    ``documents`` articles that either never end a sentence (``sentences``: those that do) or are in half of them."""
    return frozenset(key for key, n in counts.items() if n >= REPEAT_MIN_DOCUMENTS and (
        key not in sentences or n >= REPEAT_SENTENCE_SHARE * documents))


def heading_marks(texts: list[str], title: str = "") -> tuple[list[bool], list[bool]]:
    """For a document's paragraphs in order: (headline, dateline) flags.

    A headline is the title line (matched with the metadata title) or any short line without sentence-ending
    punctuation: a cross-head, a standalone caption or a repeated title. The topic stage leaves headlines out of
    the model (they repeat the text under them). A dateline is a short line carrying a date.

    >>> heading_marks(["Xi Visits Moscow", "May 7, 2015", "Xi met Putin on Thursday and they talked at length.", "Gas deal"])
    ([True, False, False, True], [False, True, False, False])
    """
    headline, dateline = [], []
    for text in texts:
        is_date = is_dateline(text)
        ends, question = ends_sentence(text), text.rstrip().endswith("?")
        n_words = len(words_of(text)) if question or not ends else 0  # a sentence not asking is neither: no need to count
        short_unpunctuated = 0 < n_words <= HEADING_MAX_WORDS and not ends
        short_question = 0 < n_words <= QUESTION_HEADING_MAX_WORDS and question
        headline.append(not is_date and (matches_title(text, title) or short_unpunctuated or short_question))
        dateline.append(is_date)
    return headline, dateline
