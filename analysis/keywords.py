"""Turn the project's keyword data files (frames, actors) into compiled regular expressions.

One rule for every list: a term matches whole words; ``prefix`` terms also match longer words that start with them.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.paths import data_file

MATCH_KINDS = ("prefix", "word")
CASE_KINDS = ("any", "exact")


def read_keyword_file(name: str, group_column: str) -> pd.DataFrame:
    """Read ``analysis/data/name`` (comment lines start with #) and validate its ``term``, ``match`` and ``case`` columns."""
    path = data_file(name)
    table = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
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


def term_regex(term: str, match: str = "prefix", case: str = "any") -> str:
    """The regex source for one term: spaces match any run of spaces or hyphens; ``prefix`` allows a longer word.

    >>> bool(re.search(term_regex("sanction"), "new sanctions on Moscow"))
    True
    >>> bool(re.search(term_regex("US", "word", "exact"), "tell us more")), bool(re.search(term_regex("U.S.", "word", "exact"), "the U.S. navy"))
    (False, True)
    """
    body = r"[\s\-]+".join(re.escape(part) for part in term.split())
    if match == "prefix":
        body += r"\w*"
    flags = "" if case == "exact" else "(?i:"
    core = f"{flags}{body})" if flags else f"(?:{body})"
    return rf"(?<!\w){core}(?!\w)"


def group_patterns(table: pd.DataFrame, group_column: str) -> dict[str, re.Pattern]:
    """One compiled pattern per group (frame or actor): its terms as alternatives, longest first.

    Longest first makes "Xi Jinping" one mention, not "Xi Jinping" and "Xi".
    """
    patterns = {}
    for group, rows in table.groupby(group_column, sort=True):
        rows = rows.assign(_length=rows["term"].str.len()).sort_values(["_length", "term"], ascending=[False, True])
        patterns[group] = re.compile("|".join(term_regex(r.term, r.match, r.case) for r in rows.itertuples()))
    return patterns
