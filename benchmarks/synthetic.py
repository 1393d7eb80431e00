"""Build seeded synthetic corpora by resampling the seed articles' paragraphs, for benchmarks and scale tests.

The text is real coverage reshuffled, so every stage meets realistic language; dates and outlets are drawn at random.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.corpus.load import load_corpus, parse_periods

N_OUTLETS = 25


def synthetic_articles(n_articles: int, *, random_state: int, periods: dict | None = None,
                       paragraphs_per_article: tuple[int, int] = (6, 14)) -> pd.DataFrame:
    """``n_articles`` rows (file, doc_id, title, outlet, published, url, notes, text), half in each period.

    Each article is a random draw of seed paragraphs, shuffled, with a random date inside its period.
    """
    seeds = load_corpus(None, periods)
    pool = seeds.paragraphs["text"].to_numpy()
    period_list = parse_periods(periods) if periods else seeds.periods
    rng = np.random.default_rng(random_state)
    rows = []
    for index in range(n_articles):
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


