"""The topic and comparison stages behind one call each, stored once per run so notebooks 04 and 05 reuse them.

A notebook run alone computes what it needs; in a full run the second caller loads the first caller's result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.comparison import actors
from analysis.comparison import frames as framing
from analysis.comparison.vocabulary import VocabularyComparison, vocabulary_comparison
from analysis.core.bootstrap import PeriodComparison, compare_periods_together
from analysis.core.cache import cached
from analysis.core.keywords import match_spans
from analysis.core.preprocess import JoinedTexts, corpus_phrases
from analysis.topics.model import K_MAX, TopicResult, fit_topic_stage


@dataclass
class ComparisonResults:
    """The comparison stage's measures: distinctive vocabulary, frames and actors."""

    vocabulary: VocabularyComparison
    frames: PeriodComparison
    frame_words: pd.DataFrame
    actors: PeriodComparison
    actor_mentions: pd.DataFrame
    # where each frame word and actor mention sits (analysis.core.keywords.match_spans: rows of corpus.sentences and
    # corpus.paragraphs), so the explorer highlights the matches counted here instead of scanning the text again
    frame_spans: pd.DataFrame | None = None
    actor_spans: pd.DataFrame | None = None
    phrases: tuple[str, ...] | None = None  # the phrases the vocabulary was counted with (the explorer counts with them)


def comparison_results(corpus, reports_dir: str | Path, *, random_seed: int, prior_scale: float, fdr: float,
                       top_n: int, n_resamples: int) -> ComparisonResults:
    """Distinctive vocabulary, frame shares and actor rates for the corpus's first two periods."""
    periods = corpus.period_names
    parameters = {"random_seed": random_seed, "prior_scale": prior_scale, "fdr": fdr, "top_n": top_n,
                  "n_resamples": n_resamples, "periods": periods}

    def compute() -> ComparisonResults:
        found = framing.frame_keyword_matches(corpus.sentences)  # one scan of the text per dictionary
        mentions_found = actors.paragraph_matches(corpus.paragraphs)
        mentions = actors.document_counts(corpus.paragraphs, found=mentions_found)
        documents = corpus.documents[["doc_id", "period", "outlet"]].reset_index(drop=True)
        # each article's text (corpus.document_texts) joined a batch at a time as it is counted
        texts = JoinedTexts(corpus.paragraphs["text"], corpus.paragraphs["doc_id"], documents["doc_id"])
        phrases = corpus_phrases(texts)  # curated phrases and the corpus's collocations, kept for the explorer
        # frames and actors resample the same articles with the same seed: one draw serves both
        frame_comparison, actor_comparison = compare_periods_together(
            [framing.frame_measures(corpus.sentences, found=found),
             actors.actor_measures(corpus.paragraphs, corpus.documents, per_document=mentions)],
            periods[0], periods[1], random_state=random_seed, n_resamples=n_resamples)
        return ComparisonResults(
            vocabulary=vocabulary_comparison(documents, corpus.sentences, periods, prior_scale=prior_scale, alpha=fdr,
                                             top_n=top_n, texts=texts, phrases=phrases),
            frames=frame_comparison,
            frame_words=framing.frame_words(corpus.sentences, found=found),
            actors=actor_comparison,
            actor_mentions=actors.mention_counts(corpus.paragraphs, per_document=mentions),
            frame_spans=match_spans(found),
            actor_spans=match_spans(mentions_found),
            phrases=phrases,
        )

    return cached(reports_dir, "comparison", corpus.fingerprint, parameters, compute)


def topic_results(corpus, reports_dir: str | Path, *, unit: str = "auto", model: str = "nmf", n_topics: int | str = 0,
                  k_min: int = 2, k_max: int = K_MAX, n_restarts: int = 10, stem: bool = False, random_seed: int,
                  n_resamples: int) -> TopicResult:
    """The topic stage (analysis.topics.model.fit_topic_stage) for these parameters, computed once per run.

    ``n_topics`` 0 (or its older alias "auto") chooses k from the diagnostics; ``unit`` "auto" chooses the units.
    """
    n_topics = 0 if isinstance(n_topics, str) and n_topics.strip().lower() == "auto" else n_topics  # one cache entry
    parameters = {"unit": unit, "model": model, "n_topics": n_topics, "k_min": k_min, "k_max": k_max,
                  "n_restarts": n_restarts, "stem": stem, "random_seed": random_seed, "n_resamples": n_resamples,
                  "periods": corpus.period_names}
    return cached(reports_dir, "topics", corpus.fingerprint, parameters,
                  lambda: fit_topic_stage(corpus, unit=unit, model=model, n_topics=n_topics, k_min=k_min, k_max=k_max,
                                          n_restarts=n_restarts, stem=stem, random_seed=random_seed,
                                          n_resamples=n_resamples))
