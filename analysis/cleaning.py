"""Remove boilerplate lines (navigation, photo credits, bylines, source footers) by explicit rules.

Rules live in ``analysis/data/boilerplate_rules.csv``; every removed line is recorded with its rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from analysis.paths import data_file
from analysis.segment import line_spans

RULES_FILE = "boilerplate_rules.csv"
REMOVED_COLUMNS = ["doc_id", "file", "line_no", "start", "end", "rule", "text"]


@dataclass(frozen=True)
class Rule:
    """One boilerplate rule: a name, where it applies, and the regex a whole stripped line must match."""

    name: str
    scope: str
    pattern: re.Pattern
    description: str


def load_rules(path=None) -> list[Rule]:
    """Read and compile the boilerplate rules; a broken row raises an error naming it."""
    source = path or data_file(RULES_FILE)
    table = pd.read_csv(source, comment="#", dtype=str, keep_default_na=False)
    rules = []
    for row_no, row in enumerate(table.itertuples(index=False), start=1):
        try:
            pattern = re.compile(row.pattern)
        except re.error as error:
            raise ValueError(f"{source}: rule {row.rule!r} (data row {row_no}) has an invalid pattern: {error}. "
                             "Fix the regular expression in that row.") from error
        if not (row.scope in ("line", "to_end") or row.scope.startswith("before:")):
            raise ValueError(f"{source}: rule {row.rule!r} has unknown scope {row.scope!r}; "
                             "use 'line', 'to_end' or 'before:RULE'.")
        rules.append(Rule(row.rule, row.scope, pattern, row.description))
    return rules


@lru_cache(maxsize=1)
def default_rules() -> tuple[Rule, ...]:
    """The project's rules, read once."""
    return tuple(load_rules())


def rules_table(rules=None) -> pd.DataFrame:
    """The rules as a table (rule, scope, pattern, description) for the report."""
    rules = rules or default_rules()
    return pd.DataFrame([{"rule": r.name, "scope": r.scope, "pattern": r.pattern.pattern,
                          "description": r.description} for r in rules])


def find_boilerplate(raw: str, rules=None) -> tuple[list[tuple[int, int]], list[dict]]:
    """Split ``raw`` into kept line spans and removed lines.

    Returns ``(kept, removed)``: ``kept`` is the list of ``(start, end)`` spans of lines that stay
    (blank lines included, as paragraph separators); ``removed`` holds one dict per removed line
    with ``line_no`` (1-based), ``start``, ``end``, ``rule`` and ``text``.

    >>> kept, removed = find_boilerplate("1. Skip to content\\nXi met Putin.\\nBy Staff Writer")
    >>> [(r["rule"], r["text"]) for r in removed]
    [('navigation', '1. Skip to content'), ('byline', 'By Staff Writer')]
    """
    rules = rules or default_rules()
    lines = line_spans(raw)
    decided: dict[int, str] = {}
    for index, (start, end) in enumerate(lines):
        stripped = raw[start:end].strip()
        if not stripped:
            continue
        for rule in rules:
            if rule.scope == "line" and rule.pattern.fullmatch(stripped):
                decided[index] = rule.name
                break
    _apply_context_rules(raw, lines, decided, rules)
    kept, removed = [], []
    for index, (start, end) in enumerate(lines):
        if index in decided:
            removed.append({"line_no": index + 1, "start": start, "end": end, "rule": decided[index],
                            "text": raw[start:end].strip()})
        else:
            kept.append((start, end))
    return kept, removed


def _apply_context_rules(raw, lines, decided, rules) -> None:
    """Apply ``before:RULE`` and ``to_end`` rules on top of the line rules (mutates ``decided``)."""
    non_blank = [i for i, (s, e) in enumerate(lines) if raw[s:e].strip()]
    for rule in rules:
        if rule.scope.startswith("before:"):
            target = rule.scope.split(":", 1)[1]
            for position, index in enumerate(non_blank[:-1]):
                following = non_blank[position + 1]
                stripped = raw[lines[index][0]:lines[index][1]].strip()
                if index not in decided and decided.get(following) == target and rule.pattern.fullmatch(stripped):
                    decided[index] = rule.name
        elif rule.scope == "to_end":
            for position, index in enumerate(non_blank):
                stripped = raw[lines[index][0]:lines[index][1]].strip()
                if index not in decided and rule.pattern.fullmatch(stripped):
                    for rest in non_blank[position:]:
                        decided.setdefault(rest, rule.name)
                    break
