"""Score furniture removal against the hand-labelled lines of tests/data/dev_corpus/furniture.csv (test and benchmark side).

A line counts as removed only when cleaning removed all of it; a credit cut from the end of a caption leaves the caption kept.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from analysis.corpus.segment import line_spans

DEV_CORPUS = Path(__file__).parent / "data" / "dev_corpus"


def labelled_lines(corpus, furniture_file: Path = DEV_CORPUS / "furniture.csv") -> pd.DataFrame:
    """Every non-blank line of every loaded document: doc_id, line_no, text, furniture (label), removed (prediction).

    Labels are matched to lines by their stripped text, in file order (a repeated furniture line is listed once per
    occurrence in the labels). A label that matches no line raises ValueError, so a mistyped label cannot go unnoticed.
    """
    labels = pd.read_csv(furniture_file, dtype=str, keep_default_na=False)
    wanted = {doc_id: Counter(group["line"].str.strip()) for doc_id, group in labels.groupby("doc_id")}
    removed_whole = {(row.doc_id, row.line_no) for row in corpus.removed.itertuples(index=False)
                     if row.start <= row.end and _is_whole_line(corpus, row)}
    rows = []
    raw_by_doc = corpus.documents.set_index("doc_id")["raw"]
    for doc_id, raw in raw_by_doc.items():
        remaining = Counter(wanted.get(doc_id, Counter()))
        for line_no, (start, end) in enumerate(line_spans(raw), start=1):
            text = raw[start:end].strip()
            if not text:
                continue
            furniture = remaining[text] > 0
            if furniture:
                remaining[text] -= 1
            rows.append({"doc_id": doc_id, "line_no": line_no, "text": text, "furniture": furniture,
                         "removed": (doc_id, line_no) in removed_whole})
        if +remaining:
            raise ValueError(f"{furniture_file}: label(s) {sorted(+remaining)} match no line of {doc_id}.")
    missing = set(wanted) - set(raw_by_doc.index)
    if missing:
        raise ValueError(f"{furniture_file}: documents {sorted(missing)} were not loaded.")
    return pd.DataFrame(rows)


def _is_whole_line(corpus, row) -> bool:
    """Whether a removed record covers its whole (stripped) line."""
    raw = corpus.documents.set_index("doc_id").at[row.doc_id, "raw"]
    start, end = line_spans(raw)[row.line_no - 1]
    return raw[start:end].strip() == row.text


def score_furniture(lines: pd.DataFrame) -> dict:
    """Recall (furniture lines removed), precision (removed lines that are furniture) and article lines kept.

    >>> lines = pd.DataFrame({"furniture": [True, True, False, False], "removed": [True, False, True, False]})
    >>> score_furniture(lines)
    {'furniture_lines': 2, 'article_lines': 2, 'removed_lines': 2, 'recall': 0.5, 'precision': 0.5, 'article_kept': 0.5}
    """
    furniture, removed = lines["furniture"], lines["removed"]
    hits = int((furniture & removed).sum())
    return {"furniture_lines": int(furniture.sum()), "article_lines": int((~furniture).sum()),
            "removed_lines": int(removed.sum()),
            "recall": hits / max(int(furniture.sum()), 1),
            "precision": hits / max(int(removed.sum()), 1),
            "article_kept": int((~furniture & ~removed).sum()) / max(int((~furniture).sum()), 1)}
