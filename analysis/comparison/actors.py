"""Who the coverage talks about: mentions of countries, blocs and leaders per 1,000 words, per document and period.

Names, adjectives and metonyms per actor live in ``analysis/data/actors.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core.bootstrap import DEFAULT_RESAMPLES, Measures, PeriodComparison, compare_periods_together
from analysis.core.keywords import KeywordMatches, group_counts, keyword_index, keyword_matches, read_keyword_file

ACTORS_FILE = "actors.csv"


def load_actors(name: str = ACTORS_FILE) -> pd.DataFrame:
    """The actor list: one row per (actor, group, term, match, case)."""
    return read_keyword_file(name, "actor")


def actor_groups(actors: pd.DataFrame | None = None) -> dict[str, str]:
    """Actor -> group (country, bloc, leader), in the order of the file."""
    actors = load_actors() if actors is None else actors
    return dict(zip(actors["actor"], actors["group"]))


DATELINE = re.compile(r"""
    ^[A-Z][\w'.-]*(?:\s[A-Z][\w'.-]*)*  # the city, capitalised: "TAIPEI", "Beijing", "New Delhi"
    (?:,\s[A-Z][\w .'-]+)?     # its country or region: ", Taiwan"
    \s\([\w .&-]+\)            # the agency: "(AP)", "(AsiaNews)"
    \s*[—–-]                   # the dash that ends a dateline
""", re.VERBOSE)


def strip_datelines(texts: pd.Series) -> pd.Series:
    """Texts with an opening agency dateline ("TAIPEI, Taiwan (AP) —") blanked: where a story was filed is not a
    mention of that place as an actor.

    >>> strip_datelines(pd.Series(["TAIPEI, Taiwan (AP) — Xi will welcome Putin."])).str.strip().tolist()
    ['Xi will welcome Putin.']
    """
    return texts.str.replace(DATELINE, lambda match: " " * len(match.group(0)), regex=True)


def _blank(match: re.Match) -> str:
    return " " * len(match.group(0))


class _BlankedDatelines(Sequence):
    """A text column with opening datelines blanked as :func:`strip_datelines` blanks them, made a slice at a time
    when the keyword scan reads it, so no second copy of a large corpus's text is held."""

    def __init__(self, texts: pd.Series) -> None:
        self.texts, self.index = texts, texts.index

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, rows: slice) -> list[str]:
        # a dateline holds the agency in parentheses: a text without "(" has none (a substring test, not a regex call)
        return [DATELINE.sub(_blank, text) if "(" in text else text for text in self.texts.iloc[rows].tolist()]


def count_mentions(texts: pd.Series, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mentions of each actor in each text (same index as ``texts``, one column per actor); opening datelines are
    not mentions (see :func:`strip_datelines`).

    >>> count_mentions(pd.Series(["Xi Jinping met Putin; the US and us.", "President Xi"]))[["Xi Jinping", "Vladimir Putin", "United States"]]
       Xi Jinping  Vladimir Putin  United States
    0           1               1              1
    1           1               0              0
    """
    actors = load_actors() if actors is None else actors
    return group_counts(_BlankedDatelines(texts), keyword_index(actors, "actor"))


def paragraph_matches(paragraphs: pd.DataFrame, actors: pd.DataFrame | None = None) -> KeywordMatches:
    """Every actor mention in the paragraphs (:func:`count_mentions`' rule), as numbers
    (:class:`analysis.core.keywords.KeywordMatches`, group numbers in the order of the actor file)."""
    actors = load_actors() if actors is None else actors
    return keyword_matches(_BlankedDatelines(paragraphs["text"]), keyword_index(actors, "actor"))


def document_counts(paragraphs: pd.DataFrame, actors: pd.DataFrame | None = None, *,
                    found: KeywordMatches | None = None) -> pd.DataFrame:
    """Mentions of each actor per document, from its paragraphs (:func:`count_mentions`' rule): index ``doc_id``
    (sorted), one column per actor. The sums :func:`document_mentions` and :func:`mention_counts` need, without a
    row per paragraph (two million rows at 100,000 articles). ``found`` (from :func:`paragraph_matches`) saves the scan.
    """
    actors = load_actors() if actors is None else actors
    index = keyword_index(actors, "actor")
    found = paragraph_matches(paragraphs, actors) if found is None else found
    codes, doc_ids = pd.factorize(paragraphs["doc_id"], sort=True)
    width = len(index.groups)
    flat = np.bincount(codes[found.rows] * width + found.groups, minlength=len(doc_ids) * width)
    return pd.DataFrame(flat.reshape(len(doc_ids), width), index=pd.Index(doc_ids, name="doc_id"),
                        columns=list(index.groups))


def document_mentions(paragraphs: pd.DataFrame, documents: pd.DataFrame, actors: pd.DataFrame | None = None, *,
                      counts: pd.DataFrame | None = None, per_document: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per document: doc_id, period, outlet, words, and per actor its mentions per 1,000 words (columns named by actor).

    Counts come from the cleaned paragraphs; ``words`` is the document's cleaned word count (``n_words``), which
    also weights documents when per-period rates are pooled. ``counts`` (from :func:`count_mentions` on the
    paragraphs) or ``per_document`` (from :func:`document_counts`) saves a second scan of the text.
    """
    if per_document is not None:
        counts = per_document
    else:
        counts = (count_mentions(paragraphs["text"], actors) if counts is None else counts).groupby(paragraphs["doc_id"]).sum()
    docs = documents.set_index("doc_id")[["period", "outlet", "n_words"]].rename(columns={"n_words": "words"})
    counts = counts.reindex(docs.index, fill_value=0)
    rates = counts.mul(1000).div(docs["words"].clip(lower=1), axis=0)
    return pd.concat([docs, rates], axis=1).reset_index().sort_values("doc_id", ignore_index=True)


def mention_counts(paragraphs: pd.DataFrame, actors: pd.DataFrame | None = None, *,
                   counts: pd.DataFrame | None = None, per_document: pd.DataFrame | None = None) -> pd.DataFrame:
    """Raw mention counts per actor and period (actor, group, period, mentions), for tables beside the rates.
    ``counts`` (per paragraph) or ``per_document`` (from :func:`document_counts`) saves a second scan of the text."""
    actors = load_actors() if actors is None else actors
    if per_document is not None:
        periods = paragraphs.groupby("doc_id", sort=True)["period"].first()  # each document's, from its paragraphs
        counts = per_document.groupby(periods.reindex(per_document.index).to_numpy()).sum()
    else:
        counts = (count_mentions(paragraphs["text"], actors) if counts is None else counts).groupby(paragraphs["period"]).sum()
    table = counts.stack().rename("mentions").reset_index().rename(columns={"level_1": "actor"})
    table.columns = ["period", "actor", "mentions"]
    table["group"] = table["actor"].map(actor_groups(actors))
    return table[["actor", "group", "period", "mentions"]].sort_values(["actor", "period"], ignore_index=True)


def actor_comparison(paragraphs: pd.DataFrame, documents: pd.DataFrame, periods: list[str], *, random_state: int,
                     n_resamples: int = DEFAULT_RESAMPLES, actors: pd.DataFrame | None = None,
                     counts: pd.DataFrame | None = None, per_document: pd.DataFrame | None = None) -> PeriodComparison:
    """Mentions per 1,000 words of each actor per period (documents weighted by their words, so the estimate is
    the period's pooled rate), 95% intervals resampling documents, the change and its leave-one-out check."""
    table = actor_measures(paragraphs, documents, actors, counts=counts, per_document=per_document)
    return compare_periods_together([table], periods[0], periods[1], random_state=random_state,
                                    n_resamples=n_resamples)[0]


def actor_measures(paragraphs: pd.DataFrame, documents: pd.DataFrame, actors: pd.DataFrame | None = None, *,
                   counts: pd.DataFrame | None = None, per_document: pd.DataFrame | None = None) -> Measures:
    """What :func:`actor_comparison` resamples (:func:`document_mentions`, weighted by words), for
    :func:`analysis.core.bootstrap.compare_periods_together` with other tables of the same articles."""
    return Measures(document_mentions(paragraphs, documents, actors, counts=counts, per_document=per_document),
                    list(actor_groups(actors)), weight_column="words")
