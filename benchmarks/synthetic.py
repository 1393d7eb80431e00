"""Build seeded synthetic corpora by resampling the seed articles' paragraphs, for benchmarks and scale tests.

The text is real coverage reshuffled, so every stage meets realistic language; dates and outlets are drawn at random.
"""

from __future__ import annotations

import json
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.corpus.load import load_corpus, parse_periods

N_OUTLETS = 25
PARQUET_PART_ARTICLES = 2_000  # articles per file of a partitioned Parquet corpus


@lru_cache(maxsize=2)
def _seeds(periods: str):
    """The seed corpus, loaded once per process (``periods`` as JSON, empty for the default)."""
    return load_corpus(None, json.loads(periods) if periods else None)


def synthetic_articles(n_articles: int, *, random_state: int, periods: dict | None = None,
                       paragraphs_per_article: tuple[int, int] = (6, 14), first_index: int = 0) -> pd.DataFrame:
    """``n_articles`` rows (file, doc_id, title, outlet, published, url, notes, text), half in each period.

    Each article is a random draw of seed paragraphs, shuffled, with a random date inside its period. Articles are
    numbered from ``first_index`` (so that chunks of one large corpus keep distinct ids).
    """
    seeds = _seeds(json.dumps(periods, sort_keys=True) if periods else "")
    pool = seeds.paragraphs["text"].to_numpy()
    period_list = parse_periods(periods) if periods else seeds.periods
    rng = np.random.default_rng(random_state)
    rows = []
    for index in range(first_index, first_index + n_articles):
        period = period_list[index % len(period_list)]
        span = (period.end - period.start).days
        published = period.start + timedelta(days=int(rng.integers(0, span + 1)))
        count = int(rng.integers(paragraphs_per_article[0], paragraphs_per_article[1] + 1))
        chosen = rng.choice(len(pool), size=count, replace=False)
        # A per-article sentence keeps every text distinct, as real articles are.
        marker = f"Synthetic article {index:05d} was filed on {published:%B %d, %Y}."
        text = "\n\n".join([marker, *pool[chosen]]) + "\n"
        rows.append({"file": f"synthetic_{index:05d}.txt", "doc_id": f"syn-{index:05d}",
                     "title": f"Synthetic article {index:05d}", "outlet": f"Outlet {int(rng.integers(1, N_OUTLETS + 1)):02d}",
                     "published": published.isoformat(), "url": "", "notes": "synthetic: resampled seed paragraphs",
                     "text": text})
    return pd.DataFrame(rows)


def write_corpus(articles: pd.DataFrame, folder: str | Path) -> Path:
    """Write articles as ``.txt`` files plus ``metadata.csv`` into ``folder`` (created); return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for row in articles.itertuples(index=False):
        (folder / row.file).write_text(row.text, encoding="utf-8")
    articles.drop(columns=["text"]).to_csv(folder / "metadata.csv", index=False, lineterminator="\n")
    return folder




def write_parquet_corpus(n_articles: int, folder: str | Path, *, random_state: int,
                         part_articles: int = PARQUET_PART_ARTICLES) -> Path:
    """Write ``n_articles`` synthetic articles as a partitioned Parquet table (``part-00000.parquet``, …), one chunk
    at a time, so a million articles never sit in memory together. Chunk ``k`` draws from seed ``(random_state, k)``."""
    from analysis.corpus.partitioned import write_parquet_parts

    def chunks():
        for number, start in enumerate(range(0, n_articles, part_articles)):
            size = min(part_articles, n_articles - start)
            yield synthetic_articles(size, random_state=random_state * 100_003 + number, first_index=start).drop(columns=["file"])

    return write_parquet_parts(chunks(), folder)
