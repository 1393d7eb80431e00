"""Which frames each period's coverage uses: share of sentences carrying each frame of the frame dictionary.

The dictionary is ``analysis/data/frames.csv``; shares get intervals from resampling documents (analysis.bootstrap).
"""

from __future__ import annotations

import pandas as pd

from analysis.bootstrap import DEFAULT_RESAMPLES, PeriodComparison, compare_periods
from analysis.keywords import group_patterns, read_keyword_file

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


def frame_words(sentences: pd.DataFrame, frames: pd.DataFrame | None = None) -> pd.DataFrame:
    """The words that carried each frame, per period (frame, period, word, matches), so a reader sees what drives it.

    Matched text is lower-cased and its white space collapsed ("Power  of Siberia" -> "power of siberia").
    """
    frames = load_frames() if frames is None else frames
    patterns = group_patterns(frames, "frame")
    tables = []
    for frame in frame_names(frames):
        found = sentences["text"].str.findall(patterns[frame]).explode().dropna()
        if found.empty:
            continue
        words = found.str.lower().str.replace(r"\s+", " ", regex=True)
        counts = words.groupby([sentences.loc[words.index, "period"], words]).size()
        tables.append(counts.rename("matches").rename_axis(["period", "word"]).reset_index().assign(frame=frame))
    if not tables:
        return pd.DataFrame(columns=["frame", "period", "word", "matches"])
    return (pd.concat(tables, ignore_index=True)[["frame", "period", "word", "matches"]]
            .sort_values(["frame", "period", "matches", "word"], ascending=[True, True, False, True], ignore_index=True))


def frame_comparison(sentences: pd.DataFrame, periods: list[str], *, random_state: int,
                     n_resamples: int = DEFAULT_RESAMPLES, frames: pd.DataFrame | None = None) -> PeriodComparison:
    """Share of sentences carrying each frame per period, its 95% interval (documents resampled), the change
    between the first two periods and whether it survives leaving out any one document."""
    table = sentence_frames(sentences, frames)
    return compare_periods(table, frame_names(frames), periods[0], periods[1], random_state=random_state,
                           n_resamples=n_resamples)
