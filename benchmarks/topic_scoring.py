"""Scoring of the topic stage against the development corpus's hand-labelled themes, and plain baselines.

Used by benchmarks/bench_topics.py and tests/test_topics_model.py; not part of the runtime package.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import normalized_mutual_info_score

from analysis.core.paths import PROJECT_ROOT

DEV_CORPUS = PROJECT_ROOT / "tests" / "data" / "dev_corpus"
THEMES = DEV_CORPUS / "themes.csv"
BASELINE_KS = (4, 6, 9)
BASELINE_SEED = 0  # fixed random_state of every baseline


def load_themes(path=THEMES) -> pd.Series:
    """Each article's primary theme, indexed by doc_id."""
    return pd.read_csv(path).set_index("doc_id")["theme"]


def purity(themes, clusters) -> float:
    """Share of articles whose theme is the most common theme of their cluster."""
    table = pd.crosstab(np.asarray(clusters), np.asarray(themes))
    return float(table.max(axis=1).sum() / len(themes))


def score(themes: pd.Series, clusters: pd.Series) -> dict:
    """NMI (arithmetic normalisation, scikit-learn's default) and purity of clusters (indexed by doc_id)."""
    truth = themes.loc[clusters.index]
    return {"nmi": float(normalized_mutual_info_score(truth, clusters)), "purity": purity(truth, clusters)}


def stage_clusters(result) -> pd.Series:
    """Each article's dominant topic in a fitted topic stage (its length-weighted mean of unit shares)."""
    return result.article_topics.set_index("doc_id")["dominant_topic"]


def baselines(corpus, themes: pd.Series, ks=BASELINE_KS, random_state: int = BASELINE_SEED) -> pd.DataFrame:
    """Plain scikit-learn on whole articles (the loader's cleaned text), default settings, English stopwords:
    NMF and KMeans on TF-IDF, LDA on counts; each article goes to its largest component or its cluster."""
    texts = corpus.document_texts()
    doc_ids = texts["doc_id"].to_numpy()
    tfidf = TfidfVectorizer(stop_words="english").fit_transform(texts["text"])
    counts = CountVectorizer(stop_words="english").fit_transform(texts["text"])
    rows = []
    for k in ks:
        found = {
            "NMF on TF-IDF": NMF(n_components=k, random_state=random_state, max_iter=500).fit_transform(tfidf).argmax(axis=1),
            "LDA on counts": LatentDirichletAllocation(n_components=k, random_state=random_state).fit_transform(counts).argmax(axis=1),
            "KMeans on TF-IDF": KMeans(n_clusters=k, random_state=random_state, n_init=10).fit_predict(tfidf),
        }
        for method, clusters in found.items():
            rows.append({"method": method, "k": k, **score(themes, pd.Series(clusters, index=doc_ids))})
    return pd.DataFrame(rows)
