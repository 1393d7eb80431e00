"""Which frames each period's coverage uses: share of sentences carrying each frame of the frame dictionary.

The dictionary is ``analysis/data/frames.csv``; shares get intervals from resampling documents (analysis.core.bootstrap).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.bootstrap import DEFAULT_RESAMPLES, Measures, PeriodComparison, compare_periods_together
from analysis.core.keywords import KeywordMatches, find_keywords, keyword_index, keyword_matches, read_keyword_file

FRAMES_FILE = "frames.csv"


def load_frames(name: str = FRAMES_FILE) -> pd.DataFrame:
    """The frame dictionary: one row per (frame, term, match, case)."""
    return read_keyword_file(name, "frame")


def frame_names(frames: pd.DataFrame | None = None) -> list[str]:
    """The frames of the dictionary, in the order of the file."""
    frames = load_frames() if frames is None else frames
    return list(dict.fromkeys(frames["frame"]))


def frame_matches(sentences: pd.DataFrame, frames: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every frame-dictionary match in the sentences (row, group, matched): one scan that the functions below share."""
    frames = load_frames() if frames is None else frames
    return find_keywords(sentences["text"], keyword_index(frames, "frame"))


def frame_keyword_matches(sentences: pd.DataFrame, frames: pd.DataFrame | None = None) -> KeywordMatches:
    """The matches :func:`frame_matches` lists, as numbers (:class:`analysis.core.keywords.KeywordMatches`): what the
    stage keeps of a large corpus's scan (no string per match); the functions below take either form."""
    frames = load_frames() if frames is None else frames
    return keyword_matches(sentences["text"], keyword_index(frames, "frame"))


def _rows_and_frames(found, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each match's sentence position and frame number (in ``names``), from either form of the matches."""
    if isinstance(found, KeywordMatches):  # group numbers follow the dictionary's order, as ``names`` does
        return found.rows, found.groups
    codes = pd.Categorical(found["group"], categories=names).codes.astype(np.int64)
    return found["row"].to_numpy(dtype=np.int64), codes


def sentence_frames(sentences: pd.DataFrame, frames: pd.DataFrame | None = None, *,
                    found: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per sentence (sent_id, doc_id, period, outlet) with a 0/1 column per frame.

    >>> sents = pd.DataFrame({"sent_id": ["a-1"], "doc_id": ["a"], "period": ["p"], "outlet": ["o"],
    ...                       "text": ["Sanctions hit Russia's gas exports."]})
    >>> sentence_frames(sents)[["energy", "sanctions and the West", "Second World War memory"]].iloc[0].tolist()
    [1, 1, 0]
    """
    frames = load_frames() if frames is None else frames
    found = frame_matches(sentences, frames) if found is None else found
    names = frame_names(frames)
    rows, codes = _rows_and_frames(found, names)
    hits = np.zeros((len(sentences), len(names)), dtype=int)
    hits[rows, codes] = 1
    table = sentences[["sent_id", "doc_id", "period", "outlet"]].reset_index(drop=True)
    return pd.concat([table, pd.DataFrame(hits, columns=names)], axis=1)


def frame_words(sentences: pd.DataFrame, frames: pd.DataFrame | None = None, *,
                found: pd.DataFrame | None = None) -> pd.DataFrame:
    """The words that carried each frame, per period (frame, period, word, matches), so a reader sees what drives it.

    Matched text is lower-cased and its white space collapsed ("Power  of Siberia" -> "power of siberia").
    """
    found = frame_matches(sentences, frames) if found is None else found
    columns = ["frame", "period", "word", "matches"]
    if isinstance(found, KeywordMatches):
        if not len(found.rows):
            return pd.DataFrame(columns=columns)
        codes, spellings = found.matched, found.spellings
        group_codes, groups = found.groups, np.asarray(frame_names(frames), dtype=object)
        rows = found.rows
    elif found.empty:
        return pd.DataFrame(columns=columns)
    else:
        codes, spellings = pd.factorize(found["matched"])
        group_codes, groups = pd.factorize(found["group"])
        rows = found["row"].to_numpy(dtype=np.int64)
    # each distinct spelling lower-cased once; spellings that lower-case alike ("Gas", "gas") are one word
    words = pd.Series(spellings, dtype=object).str.lower().str.replace(r"\s+", " ", regex=True).to_numpy()
    word_codes, word_names = pd.factorize(words)
    period_codes, period_names = pd.factorize(sentences["period"])
    period_codes = period_codes[rows]
    dated = period_codes >= 0  # a sentence without a period is not counted, as grouping by period leaves it out
    # matches per (frame, period, word), counted as numbers: millions of matches at 100,000 articles, few keys
    key = np.ravel_multi_index((np.asarray(group_codes, dtype=np.int64)[dated], period_codes[dated],
                                word_codes[codes][dated]), (len(groups), len(period_names), len(word_names)))
    keys, counts = np.unique(key, return_counts=True)
    frame_code, period_code, word_code = np.unravel_index(keys, (len(groups), len(period_names), len(word_names)))
    table = pd.DataFrame({"frame": np.asarray(groups, dtype=object)[frame_code],
                          "period": np.asarray(period_names, dtype=object)[period_code],
                          "word": np.asarray(word_names, dtype=object)[word_code], "matches": counts.astype(np.int64)})
    return table[columns].sort_values(["frame", "period", "matches", "word"], ascending=[True, True, False, True],
                                      ignore_index=True)


def frame_comparison(sentences: pd.DataFrame, periods: list[str], *, random_state: int,
                     n_resamples: int = DEFAULT_RESAMPLES, frames: pd.DataFrame | None = None,
                     found: pd.DataFrame | None = None) -> PeriodComparison:
    """Share of sentences carrying each frame per period, its 95% interval (documents resampled), the change
    between the first two periods and whether it survives leaving out any one document."""
    return compare_periods_together([frame_measures(sentences, frames, found=found)], periods[0], periods[1],
                                    random_state=random_state, n_resamples=n_resamples)[0]


def frame_measures(sentences: pd.DataFrame, frames: pd.DataFrame | None = None, *, found=None) -> Measures:
    """What :func:`frame_comparison` resamples (:func:`document_frames`, a row per document summing its sentences),
    for :func:`analysis.core.bootstrap.compare_periods_together` with other tables of the same articles."""
    return Measures(document_frames(sentences, frames, found=found), frame_names(frames), summed="sentences")


def document_frames(sentences: pd.DataFrame, frames: pd.DataFrame | None = None, *,
                    found=None) -> pd.DataFrame:
    """Per document (doc_id, period, sentences, then one column per frame): how many of its sentences carry each
    frame. What the bootstrap resamples, without a row per sentence; :func:`sentence_frames` summed per document.
    """
    frames = load_frames() if frames is None else frames
    found = frame_matches(sentences, frames) if found is None else found
    names = frame_names(frames)
    rows, codes = _rows_and_frames(found, names)
    # each (sentence, frame) once, in order: marked in a table of flags (np.unique of a million numbers hashes and
    # sorts them: at 20,000 articles 0.7 s, the flags a few milliseconds)
    flags = np.zeros(len(sentences) * len(names), dtype=bool)
    flags[rows * len(names) + codes] = True
    carried = np.flatnonzero(flags)
    doc_codes, doc_ids = pd.factorize(sentences["doc_id"], sort=True)
    counts = np.bincount(doc_codes[carried // len(names)] * len(names) + carried % len(names),
                         minlength=len(doc_ids) * len(names)).reshape(len(doc_ids), len(names))
    first = np.unique(doc_codes, return_index=True)[1]  # each document's first sentence gives its period
    table = pd.DataFrame({"doc_id": doc_ids, "period": sentences["period"].iloc[first].to_numpy(),
                          "sentences": np.bincount(doc_codes, minlength=len(doc_ids))})
    return pd.concat([table, pd.DataFrame(counts, columns=names)], axis=1)
