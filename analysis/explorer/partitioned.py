"""The explorer's data on the Dask engine: term sentences, topic leaders and article records, partition by partition.

Each task runs the local explorer's kernels (analysis.explorer.tables) on one partition's whole articles, numbered in
corpus order by the driver; term candidates are merged by term range, and records go to Parquet by article range,
which analysis.explorer.pages streams into the local engine's shards one range at a time.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.core.engine import map_partitions, partition_path, read_table, write_table
from analysis.core.preprocess import corpus_phrases
from analysis.corpus.load import DOCUMENT_COLUMNS
from analysis.explorer import pages
from analysis.explorer import tables as explorer

TERMS_PER_BUCKET = 5_000  # terms whose candidate sentences one reduce task merges (their values are then read at once)
ARTICLES_PER_BUCKET = 2_000  # at least this many articles' records are read at once, in corpus order, to write shards
RECORD_BUCKETS = 64  # ... and at most this many ranges: each range is read from every partition holding one of its
# articles (with articles in every partition, 500 partitions and 2,000-article ranges made 250,000 reads at a million)
PARAGRAPH_COLUMNS = ["doc_id", "para_id", "start", "end", "text"]  # what a topic's passages read


@contextlib.contextmanager
def scratch_folder(corpus) -> Iterator[Path]:
    """A folder for the explorer's intermediate tables beside the corpus's partitions (on storage every worker
    sees), emptied first and removed at the end."""
    folder = Path(corpus.work) / "explorer"
    shutil.rmtree(folder, ignore_errors=True)  # what an interrupted run left
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def partition_articles(corpus) -> list[tuple[int, pd.Series]]:
    """Each partition's number and its articles' numbers in corpus order (doc_id -> number, in the partition's row
    order): one small row per article, which every task needs to number its articles as the local engine does."""
    numbers = explorer.article_numbers(corpus.documents)
    result = []
    for number in corpus.partition_numbers():
        doc_ids = pd.read_parquet(partition_path(corpus.work, "documents", number), columns=["doc_id"])["doc_id"]
        result.append((number, pd.Series(numbers.reindex(doc_ids).to_numpy(dtype=np.int64), index=doc_ids.to_numpy())))
    return result


def write_buckets(table: pd.DataFrame, path: Path) -> list[int]:
    """Write ``table`` (with an integer ``bucket`` column) as Parquet sorted by bucket, one row group per bucket, so
    that a read filtering on a bucket reads only its rows; returns the buckets present.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.parquet"
    ...     write_buckets(pd.DataFrame({"bucket": [2, 0, 2], "x": [1, 2, 3]}), path), pq.ParquetFile(path).num_row_groups
    ([0, 2], 2)
    """
    table = table.sort_values("bucket", kind="stable", ignore_index=True)
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    present, firsts = np.unique(table["bucket"].to_numpy(), return_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(path, arrow.schema) as writer:
        for first, end in zip(firsts.tolist(), [*firsts[1:].tolist(), len(table)]):
            writer.write_table(arrow.slice(first, end - first), row_group_size=end - first)
    return present.tolist()


def term_candidates_partition(articles: tuple[int, pd.Series], work: Path, scratch: Path, terms: list[str],
                              periods: list[str], phrases: tuple[str, ...], max_per_period: int, per_bucket: int) -> int:
    """Map step of the term explorer: :func:`analysis.explorer.tables.term_candidates` of one partition's sentences,
    its candidates and its counts per key written in buckets of ``per_bucket`` terms; returns its candidates."""
    number, numbers = articles
    sentences = pd.read_parquet(partition_path(work, "sentences", number), columns=pages.TERM_SENTENCE_COLUMNS)
    found = explorer.term_candidates(sentences, numbers, periods, terms, phrases, max_per_period)
    keys = np.flatnonzero(found.sentences)
    counts = pd.DataFrame({"key": keys, "sentences": found.sentences[keys], "docs": found.docs[keys]})
    for name, table in (("term_candidates", found.candidates), ("term_counts", counts)):
        write_buckets(table.assign(bucket=table["key"].to_numpy(dtype=np.int64) // 2 // per_bucket),
                      partition_path(scratch, name, number))
    return len(found.candidates)


def term_values_bucket(bucket: tuple[int, int, list[str]], scratch: Path, periods: list[str],
                       max_per_period: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Reduce step: the terms of one bucket (its number, its first term's position, its terms): their counts summed
    over the partitions, their listed sentences chosen from every partition's candidates, read one partition at a
    time and capped as they are merged (:func:`analysis.explorer.tables.cap_term_candidates`, then
    :func:`analysis.explorer.tables.choose_term_contexts`), so that the task's memory does not grow with the number
    of partitions; written as each term's JSON
    (:func:`analysis.explorer.pages.term_values`). Returns the counts per key and how many sentences are listed."""
    number, first, terms = bucket
    filters = [("bucket", "=", number)]
    counts = read_table(scratch, "term_counts", ["key", "sentences", "docs"], filters=filters)
    keys = counts["key"].to_numpy(dtype=np.int64) - 2 * first
    n_sentences, n_docs = np.zeros(2 * len(terms), dtype=np.int64), np.zeros(2 * len(terms), dtype=np.int64)
    np.add.at(n_sentences, keys, counts["sentences"].to_numpy(dtype=np.int64))
    np.add.at(n_docs, keys, counts["docs"].to_numpy(dtype=np.int64))
    candidates = None  # merged a partition at a time, each time capped: at most 2 × max_per_period rows per key
    for path in sorted((scratch / "term_candidates").glob("part-*.parquet")):
        found = pd.read_parquet(path, columns=explorer.CANDIDATE_COLUMNS, filters=filters)
        candidates = explorer.cap_term_candidates(found if candidates is None else pd.concat([candidates, found], ignore_index=True),
                                                  max_per_period)
    candidates = candidates.assign(key=candidates["key"].to_numpy(dtype=np.int64) - 2 * first)
    contexts = explorer.choose_term_contexts(candidates, pd.Series(terms, dtype=object), n_docs, max_per_period)
    values = pd.DataFrame(pages.term_values(terms, contexts, {periods[0]: "a", periods[1]: "b"}),
                          columns=["term", "value", "listed"])
    write_table(values, partition_path(scratch, "term_values", number))
    return n_sentences, n_docs, len(contexts)


@dataclass
class TermValues:
    """The term explorer of a partitioned corpus: its table, the sentences it lists, and each term's JSON on disk."""

    terms: pd.DataFrame  # as analysis.explorer.tables.TermExplorer.terms
    n_contexts: int
    paths: list[Path]  # each bucket's term, value, listed, in term order

    def values(self) -> Iterator[tuple[str, str, bool]]:
        """(term, JSON of its sentences, whether it lists any) for every term in order, one bucket read at a time."""
        for path in self.paths:
            table = pd.read_parquet(path)
            yield from zip(table["term"].tolist(), table["value"].tolist(), table["listed"].tolist())


def term_values(client, corpus, articles: list[tuple[int, pd.Series]], vocabulary: pd.DataFrame, periods: list[str],
                scratch: Path, phrases: tuple[str, ...] | None = None,
                max_per_period: int = explorer.MAX_CONTEXTS_PER_PERIOD) -> TermValues:
    """:func:`analysis.explorer.tables.term_explorer` on the cluster: candidates per partition, merged per range of
    TERMS_PER_BUCKET terms (an article is in one partition, so its first sentence with a term is found there, and a
    partition's first ``max_per_period`` articles with a term hold every one of them the corpus lists). This process
    holds the term table; the sentences stay in the buckets' files. ``phrases``: by default the comparison's, found
    again from the leading texts (analysis.stages_dask.leading_texts)."""
    if phrases is None:
        from analysis.stages_dask import leading_texts

        phrases = corpus_phrases(leading_texts(corpus))
    terms = explorer.explorer_terms(vocabulary)
    names = terms["term"].tolist()
    per_bucket = TERMS_PER_BUCKET
    map_partitions(client, term_candidates_partition, articles, corpus.work, scratch, names, periods, tuple(phrases),
                   max_per_period, per_bucket)
    buckets = [(number, first, names[first:first + per_bucket])
               for number, first in enumerate(range(0, len(names), per_bucket))]
    reduced = map_partitions(client, term_values_bucket, buckets, scratch, periods, max_per_period)
    n_sentences, n_docs = (np.concatenate([part[i] for part in reduced]) if reduced else np.zeros(0, dtype=np.int64)
                           for i in range(2))
    return TermValues(explorer.term_table(terms, n_sentences, n_docs), sum(part[2] for part in reduced),
                      [partition_path(scratch, "term_values", number) for number, _, _ in buckets])


def topic_leaders_partition(number: int, folder: Path, labels: dict) -> dict:
    """:func:`analysis.explorer.tables.topic_leaders` of one partition of the topic stage's units."""
    return explorer.topic_leaders(pd.read_parquet(partition_path(folder.parent, folder.name, number)), labels)


def topic_records(client, corpus, topics) -> list[dict]:
    """:func:`analysis.explorer.tables.topic_explorer` of a partitioned corpus: the leading articles and units of
    each topic merged from each partition's (or from ``unit_topics`` when the topic stage kept them whole), and the
    text of only the leading units' articles read from the partitions."""
    if topics.unit_topics is not None:
        leaders = explorer.topic_leaders(topics.unit_topics, topics.labels)
    else:
        numbers = [int(path.stem.split("-")[1]) for path in explorer.topic_partitions(topics)]
        leaders = explorer.merge_leaders(map_partitions(client, topic_leaders_partition, numbers, Path(topics.partitions),
                                                        topics.labels))
    doc_ids = sorted({doc_id for _, units in leaders.values() for doc_id in units["doc_id"]})
    paragraphs = (read_table(corpus.work, "paragraphs", PARAGRAPH_COLUMNS, filters=[("doc_id", "in", doc_ids)]) if doc_ids
                  else pd.DataFrame(columns=PARAGRAPH_COLUMNS))
    return explorer.topic_explorer(topics, SimpleNamespace(documents=corpus.documents, paragraphs=paragraphs), leaders)


def records_partition(articles: dict, work: Path, scratch: Path, figure_folder: Path | None, topic_folder: Path | None,
                      topic_columns: list[str], labels: dict, rules: dict, count: int, per_bucket: int) -> list[int]:
    """Map step of the article views: the records of one partition's articles
    (:func:`analysis.explorer.tables.article_records`, a part at a time in the partition's order, each numbered in
    corpus order by ``numbers``; this process sorts them) as JSON, written
    in buckets of ``per_bucket`` consecutive article numbers; returns the buckets present. ``articles``: the
    partition's number, its articles' numbers, and its figures and topic shares when not read from
    ``figure_folder`` and ``topic_folder``."""
    number, numbers = articles["number"], articles["numbers"]
    documents = pd.read_parquet(partition_path(work, "documents", number), columns=DOCUMENT_COLUMNS)
    paragraphs, sentences, removed = (pd.read_parquet(partition_path(work, name, number))
                                      for name in ("paragraphs", "sentences", "loaded_removed"))
    corpus = SimpleNamespace(documents=documents, paragraphs=paragraphs, sentences=sentences,
                             removed=removed.sort_values(["doc_id", "line_no"], ignore_index=True))
    figures = articles["figures"] if figure_folder is None else \
        pd.read_parquet(partition_path(figure_folder.parent, figure_folder.name, number))
    shares = articles["shares"]
    if shares is None:
        path = partition_path(topic_folder.parent, topic_folder.name, number)
        shares = explorer.article_topic_shares(pd.read_parquet(path) if path.exists() else pd.DataFrame(), topic_columns)
    rows = []
    for part in explorer.corpus_parts(corpus, figures, shares):
        rows += [(n, pages.safe_json(record)) for n, record in explorer.article_records(
            part, explorer.part_marks(part), part.topic_shares, labels, rules, count=count,
            numbers=numbers.reindex(part.documents["doc_id"]).tolist())]
    table = pd.DataFrame(rows, columns=["article", "record"]).astype({"article": np.int64})
    return write_buckets(table.assign(bucket=table["article"] // per_bucket), partition_path(scratch, "records", number))


def record_range(n_articles: int) -> int:
    """How many consecutive articles' records are read at once: ARTICLES_PER_BUCKET, or more so that there are at
    most RECORD_BUCKETS ranges (each read from every partition holding some of its articles).

    >>> record_range(10_000), record_range(1_000_000)
    (2000, 15625)
    """
    return max(ARTICLES_PER_BUCKET, -(-n_articles // RECORD_BUCKETS))


def article_records(client, corpus, articles: list[tuple[int, pd.Series]], topics, figures,
                    scratch: Path) -> Iterator[tuple[int, str]]:
    """(article number, record JSON) of every article in corpus order, as the local engine's article views: the
    records made on the cluster partition by partition, then read here a range of article numbers at a time
    (:func:`record_range`).
    ``figures``: the figure stage's result (analysis.figures.measures.FigureResult), its table in partitions or
    whole; ``topics``: the topic stage's, its units whole or in partitions (whole tables are split per partition here)."""
    figure_folder = None if figures.figures is not None else Path(figures.partitions)
    shares = explorer.article_topic_shares(topics.unit_topics, topics.topic_columns) if topics.unit_topics is not None else None
    specs = [{"number": number, "numbers": numbers,
              "figures": None if figure_folder else figures.figures[figures.figures["doc_id"].isin(numbers.index)],
              "shares": None if shares is None else shares[shares["doc_id"].isin(numbers.index)]}
             for number, numbers in articles]
    topic_folder = None if shares is not None else Path(topics.partitions)
    present = map_partitions(client, records_partition, specs, corpus.work, scratch, figure_folder, topic_folder,
                             topics.topic_columns, topics.labels, explorer.rule_descriptions(), len(corpus.documents),
                             record_range(len(corpus.documents)))
    holders: dict[int, list[int]] = {}  # bucket -> the partitions holding some of its articles
    for (number, _), buckets in zip(articles, present):
        for bucket in buckets:
            holders.setdefault(bucket, []).append(number)
    for bucket in sorted(holders):
        table = pd.concat([pd.read_parquet(partition_path(scratch, "records", number), columns=["article", "record"],
                                           filters=[("bucket", "=", bucket)]) for number in holders[bucket]],
                          ignore_index=True).sort_values("article", ignore_index=True)
        yield from zip(table["article"].tolist(), table["record"].tolist())
