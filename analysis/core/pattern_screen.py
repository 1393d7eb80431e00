"""What every string a regular expression matches must have, read from the pattern with Python's own parser.

A pattern that is slow to fail (a lookahead scanning the text for a word, a run of any characters then backtracking)
is tried only on a text that has what any of its matches must have: a length within the pattern's bounds, one of the
strings a match must start with, and the strings it must contain (the literals of a sequence, through groups, repeats
of at least one and lookarounds; one set per branch of an alternation). Nothing is guessed: what the parser cannot
vouch for (a class, an optional part, a back reference) requires nothing, so a screened-out text never holds a match.
The boilerplate rules (:mod:`analysis.corpus.cleaning`), Punkt's realignment pattern (:mod:`analysis.corpus.segment`)
and the keyword-in-context search (:mod:`analysis.comparison.vocabulary`) use it. It reads Python's private
``re._parser`` and ``re._casefix`` (Python 3.11 is pinned; on another, the screen tests in
``tests/test_corpus_cleaning.py``, ``test_fold_case…`` among them, must pass again).
"""

from __future__ import annotations

import _sre
import re
import sys
from dataclasses import dataclass
from re import _casefix
from re import _constants as sre_constants
from re import _parser as sre_parser

SCAN_MIN_RUN = 50  # a pattern that can run over this many characters of a line before failing is screened first

# Characters that case-insensitive matching equates with others beyond their lower case ('ſ' and 's', 'ı' and 'i'):
# each mapped to the smallest of its class, as :func:`fold_case` folds lines and :func:`_fold_char` folds patterns.
_CASE_CLASSES = {code: min((code, *others)) for code, others in _casefix._EXTRA_CASES.items()
                 if min((code, *others)) != code}
_NEEDS_CLASS = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_CASE_CLASSES)) + "]")
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.AT)
_ONE_CHARACTER = (sre_constants.ANY, sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN)


def _fold_char(char: str) -> str:
    """A pattern character as :func:`fold_case` folds the characters a case-insensitive pattern equates with it."""
    lower = _sre.unicode_tolower(ord(char))  # the simple lower case, as the regular-expression engine compares
    return chr(_CASE_CLASSES.get(lower, lower))


def fold_case(text: str) -> str | None:
    """``text`` with every character replaced by its class under case-insensitive matching (lower case, 'ſ' as 's'),
    one for one; None when lower-casing changes the length ('İ'), where the screen is not used."""
    if text.isascii():
        return text.lower()
    lowered = text.lower()  # per character the simple lower case (a test checks every code point), or final 'ς'
    if len(lowered) != len(text):
        return None
    return lowered.translate(_CASE_CLASSES) if _NEEDS_CLASS.search(lowered) else lowered


def _literal(code: int, folded: bool) -> str:
    return _fold_char(chr(code)) if folded else chr(code)


def _class_chars(items, folded: bool) -> set | None:
    """The characters of a class made only of listed characters ('[-–]'), as ``(string, folded)``; None otherwise."""
    if not items or any(op is not sre_constants.LITERAL for op, _ in items):
        return None
    return {(_literal(code, folded), folded) for _, code in items}


def _flags_inside(folded: bool, group) -> bool:
    _, added, removed, _ = group
    return (folded or bool(added & re.IGNORECASE)) and not removed & re.IGNORECASE


def _either(strings) -> frozenset:
    """The requirement 'one of these strings' (see :func:`_required`)."""
    return frozenset(frozenset({string}) for string in strings)


def _required(items, folded: bool) -> frozenset | None:
    """What a line matched by the parsed pattern ``items`` must contain: a set of alternatives, each a set of strings
    the line has all of, as ``(string, folded)`` (folded: to be looked for in the :func:`fold_case` of the line); the
    line has every string of at least one alternative. None when nothing is known to be required.

    In a sequence every part is required (literals, groups, repeats of at least one, alternations whose every branch
    requires something, lookarounds that must hold): the line must have all the parts that are one set of strings, or
    where none is, the part that asks most (leaving a part out only asks less of a line)."""
    parts, run = [], []
    for op, value in [*items, (None, None)]:
        if op is sre_constants.LITERAL:
            run.append(_literal(value, folded))
            continue
        if run:  # consecutive literals are one required string
            parts.append(_either([("".join(run), folded)]))
            run = []
        part = None
        if op is sre_constants.SUBPATTERN:
            part = _required(value[-1].data, _flags_inside(folded, value))
        elif op is sre_constants.ATOMIC_GROUP:
            part = _required(value.data, folded)
        elif op in _REPEATS and value[0] >= 1:
            part = _required(value[2].data, folded)
        elif op is sre_constants.BRANCH:
            branches = [_required(branch.data, folded) for branch in value[1]]
            if all(branches):
                part = frozenset().union(*branches)
        elif op is sre_constants.ASSERT:  # a lookaround that must hold: what it matches is in the line too
            part = _required(value[1].data, folded)
        elif op is sre_constants.IN and (chars := _class_chars(value, folded)):
            part = _either(chars)
        if part:
            parts.append(part)
    singles = [part for part in parts if len(part) == 1]  # a sequence needs all of its single requirements ...
    if singles:
        return frozenset({frozenset().union(*(next(iter(part)) for part in singles))})
    return max(parts, key=_strength, default=None)  # ... or else its most telling one


def _strength(required: frozenset) -> tuple[int, int]:
    """How much a requirement asks: the longest string of its weakest alternative, then the fewest alternatives."""
    return min(max(len(string) for string, _ in alternative) for alternative in required), -len(required)


def _implies(weaker, stronger) -> bool:
    """Whether a line with every string of ``stronger`` has every string of ``weaker`` (each is inside one of them)."""
    return all(any(string in other and folded == other_folded for other, other_folded in stronger)
               for string, folded in weaker)


def _simplest(required: frozenset) -> tuple[tuple[tuple[str, bool], ...], ...]:
    """A requirement (see :func:`_required`) without what it implies twice: a string inside another string of the same
    alternative, an alternative that asks for all another asks ('cookies' beside 'cookie'). Longest strings first."""
    alternatives = sorted({tuple(sorted(alternative, key=lambda item: (-len(item[0]), item))) for alternative in required})
    kept = [one for position, one in enumerate(alternatives)
            if not any(_implies(other, one) and (not _implies(one, other) or earlier < position)
                       for earlier, other in enumerate(alternatives) if earlier != position)]
    return tuple(tuple((string, folded) for string, folded in one
                       if not any(other != string and other_folded == folded and string in other
                                  for other, other_folded in one)) for one in kept)


def _starts(items, folded: bool) -> set | None:
    """Strings one of which a match of the parsed pattern ``items`` starts with (as in :func:`_required`), or None."""
    for position, (op, value) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op is sre_constants.LITERAL:
            run = []
            for next_op, next_value in items[position:]:
                if next_op is not sre_constants.LITERAL:
                    break
                run.append(_literal(next_value, folded))
            return {("".join(run), folded)}
        if op is sre_constants.SUBPATTERN:
            return _starts(value[-1].data, _flags_inside(folded, value))
        if op is sre_constants.ATOMIC_GROUP:
            return _starts(value.data, folded)
        if op in _REPEATS and value[0] >= 1:
            return _starts(value[2].data, folded)
        if op is sre_constants.BRANCH:
            branches = [_starts(branch.data, folded) for branch in value[1]]
            return set().union(*branches) if all(branches) else None
        if op is sre_constants.IN:
            return _class_chars(value, folded)
        return None
    return None


_CATEGORIES = {sre_constants.CATEGORY_DIGIT: r"\d", sre_constants.CATEGORY_NOT_DIGIT: r"\D",
               sre_constants.CATEGORY_SPACE: r"\s", sre_constants.CATEGORY_NOT_SPACE: r"\S",
               sre_constants.CATEGORY_WORD: r"\w", sre_constants.CATEGORY_NOT_WORD: r"\W"}


def _item_matches(op, value, char: str) -> bool:
    """Whether a one-character item of a parsed pattern matches ``char`` (True for items this reading does not know)."""
    if op is sre_constants.ANY:
        return char != "\n"
    if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL):
        return (value == ord(char)) == (op is sre_constants.LITERAL)
    if op is not sre_constants.IN:
        return True
    found, negate = False, False
    for item, argument in value:
        if item is sre_constants.NEGATE:
            negate = True
        elif item is sre_constants.LITERAL:
            found = found or argument == ord(char)
        elif item is sre_constants.RANGE:
            found = found or argument[0] <= ord(char) <= argument[1]
        elif item is sre_constants.CATEGORY and argument in _CATEGORIES:
            found = found or bool(re.fullmatch(_CATEGORIES[argument], char))
        else:
            return True
    return found != negate


def _crosses_words(op, value) -> bool:
    """Whether a run of a one-character item can run on from one word into the next (it matches a space and a letter)."""
    return _item_matches(op, value, " ") and _item_matches(op, value, "x")


def _scans(items) -> bool:
    """Whether a parsed pattern can, from the start of a line, run over many characters before it fails: a run of
    ``SCAN_MIN_RUN`` or more characters that can cross words ('.{1,300}', '[^.!?]{1,50}'), perhaps inside a lookaround
    ('(?!.*["“”])'), before anything that a typical line fails at once. Such rules are worth screening (only speed)."""
    for op, value in items:
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            if _scans(value[1].data):
                return True
            continue
        if op is sre_constants.AT:
            continue
        if op in _REPEATS:
            low, high, body = value
            if high >= SCAN_MIN_RUN and len(body.data) == 1 and body.data[0][0] in _ONE_CHARACTER \
                    and _crosses_words(*body.data[0]):
                return True
            if _scans(body.data):
                return True
            if low == 0:
                continue
            return False
        if op in (sre_constants.SUBPATTERN, sre_constants.ATOMIC_GROUP):
            inner = value[-1] if op is sre_constants.SUBPATTERN else value
            if _scans(inner.data):
                return True
            if inner.getwidth()[0] == 0:
                continue
            return False
        if op is sre_constants.BRANCH:
            if any(_scans(branch.data) for branch in value[1]):
                return True
            if min(branch.getwidth()[0] for branch in value[1]) == 0:
                continue
            return False
        return False  # a character the line must have here: most lines fail at once
    return False


def _shortest_starts(strings: set) -> set:
    """Required starts without those that start with another (a line starting 'Images' starts 'Image')."""
    return {(s, f) for s, f in strings if not any(o != s and of == f and s.startswith(o) for o, of in strings)}


@dataclass(frozen=True)
class Screen:
    """What every line a pattern matches has: a length from ``shortest`` to ``longest``, a start among the
    ``*_starts`` (if any; only for whole-line matches) and every string of one of the alternatives in ``contains`` (if
    any). Raw strings are looked for in the line, folded ones in its :func:`fold_case` (case-insensitive parts)."""

    shortest: int
    longest: int
    raw_starts: tuple[str, ...]
    folded_starts: tuple[str, ...]
    contains: tuple[tuple[tuple[str, bool], ...], ...]  # alternatives of (string, folded) the line has all of
    scans: bool  # whether the pattern is slow to fail on a line (:func:`_scans`), so worth screening
    folds: bool = False  # whether the screen looks for strings in the line's :func:`fold_case`

    @property
    def screens(self) -> bool:
        """Whether the screen can turn a line away at all."""
        return bool(self.shortest > 0 or self.longest < sys.maxsize or self.raw_starts or self.folded_starts
                    or self.contains)


def screen(pattern: re.Pattern, whole_line: bool = True) -> Screen:
    """The :class:`Screen` of a compiled pattern, for ``fullmatch`` (``whole_line``) or ``search``."""
    try:
        parsed = sre_parser.parse(pattern.pattern, pattern.flags)
        folded = bool(parsed.state.flags & re.IGNORECASE)
        shortest, longest = parsed.getwidth()
        contains = _simplest(_required(parsed.data, folded) or frozenset())
        starts = _shortest_starts(_starts(parsed.data, folded) or set()) if whole_line else set()
        scans = _scans(parsed.data) or not whole_line  # a search tries every position
    except Exception:  # noqa: BLE001  a pattern the parser of this Python reads otherwise: screened by nothing
        return Screen(0, sys.maxsize, (), (), (), False)

    def strings(found, want_folded):
        return tuple(sorted(string for string, is_folded in found if is_folded == want_folded))

    return Screen(shortest, min(longest, sys.maxsize) if whole_line else sys.maxsize,
                  strings(starts, False), strings(starts, True), contains, scans,
                  any(is_folded for _, is_folded in starts) or any(f for one in contains for _, f in one))


def may_match(found: Screen, text: str, folded: str | None) -> bool:
    """Whether a line passes a :class:`Screen`; False means the pattern cannot match it. ``folded`` is the line's
    :func:`fold_case` (needed when the screen has folded strings; None lets them all pass)."""
    if not found.shortest <= len(text) <= found.longest:
        return False
    if (found.raw_starts or found.folded_starts) and not (text.startswith(found.raw_starts) or (
            found.folded_starts and (folded is None or folded.startswith(found.folded_starts)))):
        return False
    if not found.contains:
        return True
    for alternative in found.contains:
        for string, is_folded in alternative:
            if not is_folded:
                if string not in text:
                    break
            elif folded is not None and string not in folded:
                break
        else:
            return True
    return False
