"""Build seeded synthetic corpora by resampling the seed articles' paragraphs, for benchmarks and scale tests.

The text is real coverage reshuffled, so every stage meets realistic language; dates and outlets are drawn at random.
"""

from __future__ import annotations

import json
import re
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


DISTINCT_WORDS = 100_000  # invented words a distinct corpus draws from (see synthetic_articles)
SENTENCE_END = re.compile(r"(?<=[.!?]) +(?=[\"“A-Z])")  # where a new sentence starts, roughly
SYLLABLES = [consonant + vowel for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]


def invented_words(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct made-up words of three or four syllables ("Kotavero"), capitalised: no figure, frame or actor
    word, so they change what is distinct in a corpus and its vocabulary, not what the stages find."""
    words: set[str] = set()
    while len(words) < count:
        parts = rng.integers(0, len(SYLLABLES), size=(count, 4))
        lengths = rng.integers(3, 5, size=count)
        words.update("".join(SYLLABLES[k] for k in row[:n]).capitalize() for row, n in zip(parts, lengths))
    return np.array(sorted(words)[:count], dtype=object)


DATELINE_START = re.compile(r"[A-Z][A-Z .'-]+(?:,| \()")  # "TAIPEI, Taiwan (AP) —", "MOSCOW (Reuters) -": kept first


def _distinct_sentences(paragraph: str, words: np.ndarray, rng: np.random.Generator) -> str:
    """``paragraph`` with an invented word and a comma before each of its sentences ("Kotavero, Russia said ..."; not
    before a dateline, which stays where the cleaning looks for it), so that sentences resampled from the seeds are
    told apart as the sentences of real news are."""
    pieces = SENTENCE_END.split(paragraph)
    chosen = words[rng.integers(0, len(words), size=len(pieces))]
    return " ".join(piece if DATELINE_START.match(piece) else f"{word}, {piece}" for word, piece in zip(chosen, pieces))


def synthetic_articles(n_articles: int, *, random_state: int, periods: dict | None = None,
                       paragraphs_per_article: tuple[int, int] = (6, 14), first_index: int = 0,
                       distinct: bool = False) -> pd.DataFrame:
    """``n_articles`` rows (file, doc_id, title, outlet, published, url, notes, text), half in each period.

    Each article is a random draw of seed paragraphs, shuffled, with a random date inside its period. Articles are
    numbered from ``first_index`` (so that chunks of one large corpus keep distinct ids).

    The seeds have about 130 sentences, so in a large corpus few sentences are distinct (one in twenty-five at 20,000
    articles) and stages that remember results per distinct text look faster than on real news. With ``distinct``,
    every sentence starts with an invented word drawn from :data:`DISTINCT_WORDS` (most sentences are then distinct,
    and the vocabulary grows with the corpus, as in real news) while the figures, frames and actors stay the seeds'.
    """
    seeds = _seeds(json.dumps(periods, sort_keys=True) if periods else "")
    pool = seeds.paragraphs["text"].to_numpy()
    words = invented_words(DISTINCT_WORDS, np.random.default_rng(random_state + 1)) if distinct else None
    word_rng = np.random.default_rng(random_state + 2)  # its own draws: dates, outlets and paragraphs as without
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
        paragraphs = pool[chosen] if words is None else [_distinct_sentences(text, words, word_rng) for text in pool[chosen]]
        text = "\n\n".join([marker, *paragraphs]) + "\n"
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
