"""Which frames each period's coverage uses: share of sentences carrying each frame of the frame dictionary.

The dictionary is ``analysis/data/frames.csv``; shares get intervals from resampling documents (analysis.bootstrap).
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.keywords import group_patterns, read_keyword_file, term_regex

FRAMES_FILE = "frames.csv"


def load_frames(name: str = FRAMES_FILE) -> pd.DataFrame:
    """The frame dictionary: one row per (frame, term, match, case)."""
    return read_keyword_file(name, "frame")


def frame_names(frames: pd.DataFrame | None = None) -> list[str]:
    """The frames of the dictionary, in the order of the file."""
    frames = load_frames() if frames is None else frames
    return list(dict.fromkeys(frames["frame"]))


def sentence_frames(sentences: pd.DataFrame, frames: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per sentence (sent_id, doc_id, period, outlet) with a 0/1 column per frame.

    >>> sents = pd.DataFrame({"sent_id": ["a-1"], "doc_id": ["a"], "period": ["p"], "outlet": ["o"],
    ...                       "text": ["Sanctions hit Russia's gas exports."]})
    >>> sentence_frames(sents)[["energy", "sanctions and the West", "Second World War memory"]].iloc[0].tolist()
    [1, 1, 0]
    """
    frames = load_frames() if frames is None else frames
    patterns = group_patterns(frames, "frame")
    table = sentences[["sent_id", "doc_id", "period", "outlet"]].copy()
    for frame in frame_names(frames):
        table[frame] = sentences["text"].str.contains(patterns[frame], regex=True).astype(int)
    return table.reset_index(drop=True)


def frame_terms(sentences: pd.DataFrame, frames: pd.DataFrame | None = None) -> pd.DataFrame:
    """How often each dictionary term matched, per frame and period: so a reader can see what drives a frame."""
    frames = load_frames() if frames is None else frames
    rows = []
    for row in frames.itertuples(index=False):
        pattern = re.compile(term_regex(row.term, row.match, row.case))
        counts = sentences["text"].str.count(pattern).groupby(sentences["period"]).sum()
        for period, count in counts.items():
            if count:
                rows.append({"frame": row.frame, "term": row.term, "period": period, "matches": int(count)})
    return pd.DataFrame(rows, columns=["frame", "term", "period", "matches"]).sort_values(
        ["frame", "term", "period"], ignore_index=True)
