"""The per-article stages on the Dask engine: figures, frames, actors and term counts, partition by partition.

Each map step calls the local stage's own function on one partition and writes Parquet; the corpus-level results
are sums of those (term counts and document frequencies per period, per-article frame and actor rows).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from types import SimpleNamespace

import numpy as np
import pandas as pd

from analysis.comparison import actors
from analysis.comparison import frames as framing
from analysis.comparison.vocabulary import (
    DEFAULT_ALPHA,
    DEFAULT_PRIOR_SCALE,
    KWIC_WIDTH,
    VocabularyComparison,
    choose_contexts,
    context_candidates,
    context_table,
    leave_one_out_columns,
    term_robustness,
    top_terms,
    vocabulary_table,
)
from analysis.core.bootstrap import DEFAULT_RESAMPLES, PeriodComparison, compare_periods
from analysis.core.engine import map_partitions, partition_path, read_table, write_table
from analysis.core.preprocess import corpus_phrases, display_term, term_regex, tokenize
from analysis.corpus import composition
from analysis.corpus.load import Corpus
from analysis.corpus.partitioned import N_BUCKETS, PartitionedCorpus, _bucket, article_numbers
from analysis.figures.extract import MONEY_WARNING_ABOVE
from analysis.figures.measures import STAGE_NAME, FigureResult, figure_rows, stage_parameters, stage_tables
from analysis.figures.summary import FigureParts, figure_parts
from analysis.stages import ComparisonResults

TEXT_BATCH = 2_000  # articles read at once while the leading texts are streamed for the collocations


def _partition(work, number: int, *names: str, columns: dict | None = None) -> list[pd.DataFrame]:
    """Tables of one partition (``columns``: table name -> the columns to read)."""
    columns = columns or {}
    return [pd.read_parquet(partition_path(work, name, number), columns=columns.get(name)) for name in names]


def document_texts(documents: pd.DataFrame, paragraphs: pd.DataFrame) -> pd.DataFrame:
    """:meth:`analysis.corpus.load.Corpus.document_texts` for the documents and paragraphs of one partition."""
    return Corpus.document_texts(SimpleNamespace(documents=documents, paragraphs=paragraphs))


def passages_partition(number: int, work) -> int:
    """Map step of the independent sources: the passages of one partition's articles
    (:func:`analysis.corpus.composition.passages`, keyed by hashes of their sentences' texts), each with its article's
    integer number, written in hash buckets by their first sentence (every copy of a passage in one bucket)."""
    documents, sentences = _partition(work, number, "documents", "sentences",
                                      columns={"documents": ["doc_id", "period", "outlet"], "sentences": ["doc_id", "text"]})
    docs = composition.source_documents(documents)
    found = composition.passages(docs, sentences, composition.sentence_hashes)
    rows = pd.Index(documents["doc_id"]).get_indexer(docs["doc_id"])  # each article's row in its partition
    found = found.assign(article=article_numbers(number, rows[found["doc"].to_numpy()]),
                         bucket=(found["first_0"] % np.uint64(N_BUCKETS)).astype("int64")).drop(columns="doc")
    write_table(found, partition_path(work, "passages", number))
    return len(found)


def passages_bucket(bucket: int, work) -> pd.DataFrame:
    """Reduce step: the passages of one bucket grouped by period and text. An article sharing one with another
    outlet's article is linked to the group's first article (``first``); a passage within one outlet links nothing
    that its outlet does not already link. Integer article numbers, not doc_ids, go back to the driver."""
    table = read_table(work, "passages", ["article", "period", "outlet", "first_0", "first_1", "second_0", "second_1"],
                       filters=[("bucket", "=", bucket)])
    grouped = table.groupby(["period", "first_0", "first_1", "second_0", "second_1"], sort=False)
    crosses = grouped["outlet"].transform("nunique").to_numpy() > 1
    return pd.DataFrame({"article": table["article"].to_numpy()[crosses],
                         "first": grouped["article"].transform("first").to_numpy()[crosses]})


def independent_units(client, corpus: PartitionedCorpus) -> pd.DataFrame:
    """:func:`analysis.corpus.composition.independent_units` on the cluster: passages are found partition by
    partition and grouped by a shuffle on their sentences' hashes; the driver holds one row per article and the
    links between articles, never the text. The same table as the local engine's (the hashes stand for the texts:
    see :func:`analysis.corpus.composition.sentence_hashes`)."""
    numbers = corpus.partition_numbers()
    map_partitions(client, passages_partition, numbers, corpus.work)
    links = pd.concat(map_partitions(client, passages_bucket, list(range(N_BUCKETS)), corpus.work), ignore_index=True)
    docs = composition.source_documents(corpus.documents)
    ids = [pd.read_parquet(partition_path(corpus.work, "documents", number), columns=["doc_id"])["doc_id"] for number in numbers]
    articles = pd.Series(np.concatenate([article_numbers(number, np.arange(len(part))) for number, part in zip(numbers, ids)]),
                         index=pd.concat(ids, ignore_index=True))
    row = pd.Series(np.arange(len(docs)), index=articles.reindex(docs["doc_id"]).to_numpy())  # article number -> row
    linked = row.reindex(links["article"]).to_numpy()
    return composition.source_units(docs, linked, row.reindex(links["first"]).to_numpy(), linked)


def independent_units_for_run(corpus: PartitionedCorpus, reports_dir, *, scheduler: str = "") -> pd.DataFrame:
    """:func:`independent_units` on the cluster at ``scheduler``, computed once per run (as
    :func:`analysis.corpus.composition.independent_units_for_run`)."""
    from analysis.core.cache import cached
    from analysis.core.engine import dask_client

    def compute() -> pd.DataFrame:
        with dask_client(scheduler) as client:
            return independent_units(client, corpus)

    return cached(reports_dir, "independent_sources", corpus.fingerprint, {"periods": corpus.period_names, "engine": "dask"},
                  compute)


def figures_partition(number: int, work, money_warning_above: float, stage: str = "figures") -> FigureParts:
    """The figure stage's per-article part (:func:`analysis.figures.measures.figure_rows`) on one partition, written
    as partition ``number`` of table ``stage``; returns its part of the corpus-level tables."""
    documents, sentences = _partition(work, number, "documents", "sentences", columns={"documents": ["doc_id", "published"]})
    figures = figure_rows(SimpleNamespace(documents=documents, sentences=sentences), money_warning_above)
    write_table(figures, partition_path(work, stage, number))
    return figure_parts(figures)


def figure_stage(client, corpus: PartitionedCorpus, money_warning_above: float = MONEY_WARNING_ABOVE,
                 stage: str = "figures") -> FigureResult:
    """:func:`analysis.figures.measures.figure_stage` on the cluster: the figure table is written partition by
    partition (table ``stage`` under the corpus's work folder) and never gathered; the other tables are the
    reductions of each partition's part (analysis/figures/summary.py), equal to the local engine's."""
    parts = map_partitions(client, figures_partition, corpus.partition_numbers(), corpus.work, money_warning_above, stage)
    return FigureResult(figures=None, partitions=corpus.work / stage, **stage_tables(parts, corpus.period_names))


def figure_results(corpus: PartitionedCorpus, reports_dir, money_warning_above: float = MONEY_WARNING_ABOVE, *,
                   scheduler: str = "") -> FigureResult:
    """:func:`figure_stage` on the cluster at ``scheduler`` (empty: a local cluster), computed once per run and stored
    like :func:`analysis.figures.measures.figure_results`; the figure table's partitions go beside the corpus's."""
    from analysis.core.cache import cache_key, cached
    from analysis.core.engine import dask_client

    parameters = {**stage_parameters(corpus, money_warning_above), "engine": "dask"}

    def compute() -> FigureResult:
        with dask_client(scheduler) as client:
            return figure_stage(client, corpus, money_warning_above, stage=cache_key(STAGE_NAME, corpus.fingerprint, parameters))

    result = cached(reports_dir, STAGE_NAME, corpus.fingerprint, parameters, compute)
    result.scheduler = scheduler  # this run's cluster writes its table (a stored result may come from another run)
    return result


def frames_partition(number: int, work) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per article of one partition: its sentences and how many carry each frame; and the frame words per period."""
    (sentences,) = _partition(work, number, "sentences")
    found = framing.frame_matches(sentences)
    flags = framing.sentence_frames(sentences, found=found)
    names = framing.frame_names()
    per_article = flags.groupby(["doc_id", "period"], sort=False)[names].sum()
    per_article.insert(0, "sentences", flags.groupby(["doc_id", "period"], sort=False).size())
    return per_article.reset_index(), framing.frame_words(sentences, found=found)


def actors_partition(number: int, work) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per article of one partition its actor rates (:func:`analysis.comparison.actors.document_mentions`), and the
    raw mentions per period (:func:`analysis.comparison.actors.mention_counts`)."""
    documents, paragraphs = _partition(work, number, "documents", "paragraphs",
                                       columns={"documents": ["doc_id", "period", "outlet", "n_words"]})
    counts = actors.count_mentions(paragraphs["text"])
    return (actors.document_mentions(paragraphs, documents, counts=counts),
            actors.mention_counts(paragraphs, counts=counts))


def term_counts_partition(number: int, work, phrases: tuple[str, ...], labels: tuple[str, str]) -> int:
    """Term counts and article counts per period of one partition (the tokens of the vocabulary comparison), in hash
    buckets by term."""
    documents, paragraphs = _partition(work, number, "documents", "paragraphs",
                                       columns={"documents": ["doc_id", "period", "outlet"]})
    counts = {label: Counter() for label in labels}
    articles = {label: Counter() for label in labels}
    for period, text in zip(*(document_texts(documents, paragraphs)[c] for c in ("period", "text"))):
        if period in counts:
            tokens = tokenize(text, phrases)
            counts[period].update(tokens)
            articles[period].update(set(tokens))
    table = pd.DataFrame({"count_a": pd.Series(counts[labels[0]], dtype="int64"),
                          "count_b": pd.Series(counts[labels[1]], dtype="int64"),
                          "articles_a": pd.Series(articles[labels[0]], dtype="int64"),
                          "articles_b": pd.Series(articles[labels[1]], dtype="int64")}).fillna(0).astype("int64")
    table = table.rename_axis("token").reset_index()
    write_table(table.assign(bucket=_bucket(table["token"])), partition_path(work, "term_counts", number))
    return len(table)


def term_counts_bucket(bucket: int, work) -> pd.DataFrame:
    """Reduce step: the summed counts of the terms in one hash bucket."""
    table = read_table(work, "term_counts", ["token", "count_a", "count_b", "articles_a", "articles_b"],
                       filters=[("bucket", "=", bucket)])
    return table.groupby("token", as_index=False).sum()


def articles_in_order(work, documents: pd.DataFrame, table: str, columns: list[str] | None = None, *,
                      within: str | None = None, batch: int = TEXT_BATCH):
    """The rows of ``table`` (paragraphs, sentences) of the articles ``documents`` (in corpus order), read from the
    partitions ``batch`` articles at a time: per batch, its doc_ids and its rows by article in that order (each
    article's rows by ``within``, else as stored). What the collocation finder reads (it stops after 300,000 tokens,
    so only the first batches are read)."""
    for start in range(0, len(documents), batch):
        wanted = documents["doc_id"].iloc[start:start + batch]
        rows = read_table(work, table, columns, filters=[("doc_id", "in", wanted.tolist())])
        rank = pd.Series(np.arange(len(wanted)), index=wanted.to_numpy()).reindex(rows["doc_id"]).to_numpy()
        order = np.lexsort((rows[within].to_numpy(), rank)) if within else np.argsort(rank, kind="stable")
        yield wanted, rows.take(order).reset_index(drop=True)


def leading_texts(corpus: PartitionedCorpus, batch: int = TEXT_BATCH):
    """Document texts in the local corpus's order (period, date, doc_id), read a batch at a time
    (:func:`articles_in_order`); an article without paragraphs has an empty text, as locally."""
    for wanted, paragraphs in articles_in_order(corpus.work, corpus.documents, "paragraphs", batch=batch):
        documents = paragraphs.drop_duplicates("doc_id")[["doc_id", "period", "outlet"]]
        yield from document_texts(documents, paragraphs).set_index("doc_id")["text"].reindex(wanted, fill_value="")


@dataclass
class DaskComparison:
    """What the comparison stage needs from a partitioned corpus: sums per period, rows per article."""

    vocabulary: pd.DataFrame  # every term: counts, articles per period, delta, variance, z, p-values, significant
    frame_articles: pd.DataFrame  # per article: doc_id, period, sentences, sentences carrying each frame
    frame_words: pd.DataFrame  # frame, period, word, matches
    actor_articles: pd.DataFrame  # per article: doc_id, period, outlet, words, mentions per 1,000 words of each actor
    actor_mentions: pd.DataFrame  # actor, group, period, mentions
    phrases: tuple[str, ...]  # the phrases the terms were counted with
    tokens: dict[str, str]  # each term's token (the term is how it is shown)
    words: dict[str, int]  # counted words of each of the first two periods
    figures: FigureResult | None = None  # the figure stage, when run with it (its figure table stays in partitions)


def comparison_parts(client, corpus: PartitionedCorpus, *, prior_scale: float = DEFAULT_PRIOR_SCALE,
                     fdr: float = DEFAULT_ALPHA) -> DaskComparison:
    """Frames, actors and the log-odds vocabulary table of a partitioned corpus on the cluster.

    The vocabulary table equals the local engine's (:func:`analysis.comparison.vocabulary.vocabulary_comparison`'s
    ``table``): the same phrases (the curated list and the collocations of the first 300,000 tokens in corpus order),
    the same tokens, counts summed over partitions.
    """
    numbers = corpus.partition_numbers()
    labels = (corpus.period_names[0], corpus.period_names[1])
    frame_parts = map_partitions(client, frames_partition, numbers, corpus.work)
    actor_parts = map_partitions(client, actors_partition, numbers, corpus.work)
    phrases = corpus_phrases(leading_texts(corpus))
    map_partitions(client, term_counts_partition, numbers, corpus.work, phrases, labels)
    sums = pd.concat(map_partitions(client, term_counts_bucket, list(range(N_BUCKETS)), corpus.work), ignore_index=True)
    sums = sums.sort_values("token", ignore_index=True).assign(term=lambda t: [display_term(token) for token in t["token"]])
    counts_a, counts_b = (pd.Series(sums[c].to_numpy(), index=pd.Index(sums["term"], name="term")) for c in ("count_a", "count_b"))
    occurs = pd.DataFrame({"term": sums["term"].to_numpy(dtype=object), "articles_a": sums["articles_a"].to_numpy(),
                           "articles_b": sums["articles_b"].to_numpy(),
                           "n_articles": (sums["articles_a"] + sums["articles_b"]).to_numpy()})
    frame_words = pd.concat([words for _, words in frame_parts], ignore_index=True)
    frame_words = (frame_words.groupby(["frame", "period", "word"], as_index=False)["matches"].sum()
                   .sort_values(["frame", "period", "matches", "word"], ascending=[True, True, False, True], ignore_index=True))
    mentions = pd.concat([table for _, table in actor_parts], ignore_index=True)
    mentions = (mentions.groupby(["actor", "group", "period"], as_index=False)["mentions"].sum()
                .sort_values(["actor", "period"], ignore_index=True))
    return DaskComparison(
        vocabulary=vocabulary_table(counts_a, counts_b, occurs, prior_scale=prior_scale, alpha=fdr),
        frame_articles=pd.concat([table for table, _ in frame_parts], ignore_index=True).sort_values("doc_id", ignore_index=True),
        frame_words=frame_words,
        actor_articles=pd.concat([table for table, _ in actor_parts], ignore_index=True).sort_values("doc_id", ignore_index=True),
        actor_mentions=mentions[["actor", "group", "period", "mentions"]],
        phrases=phrases,
        tokens=dict(zip(sums["term"], sums["token"])),
        words={labels[0]: int(counts_a.sum()), labels[1]: int(counts_b.sum())},
    )


def run_stages(client, corpus: PartitionedCorpus, *, prior_scale: float = DEFAULT_PRIOR_SCALE,
               fdr: float = DEFAULT_ALPHA, money_warning_above: float = MONEY_WARNING_ABOVE) -> DaskComparison:
    """The figure stage and :func:`comparison_parts` (the per-article stages the benchmark times)."""
    figures = figure_stage(client, corpus, money_warning_above)
    return replace(comparison_parts(client, corpus, prior_scale=prior_scale, fdr=fdr), figures=figures)


def chosen_counts_partition(number: int, work, phrases: tuple[str, ...], tokens: list[str]) -> pd.DataFrame:
    """Per article of one partition: its period, how many terms it has (``length``) and how often it has each of
    ``tokens`` (columns 0, 1, …): what the leave-one-article-out check of the top terms reads."""
    documents, paragraphs = _partition(work, number, "documents", "paragraphs",
                                       columns={"documents": ["doc_id", "period", "outlet"]})
    texts = document_texts(documents, paragraphs)
    rows = []
    for text in texts["text"]:
        found = Counter(tokenize(text, phrases))
        rows.append([sum(found.values()), *(found[token] for token in tokens)])
    table = pd.DataFrame(rows, columns=["length", *map(str, range(len(tokens)))], dtype="int64")
    return table.assign(doc_id=texts["doc_id"].to_numpy(), period=texts["period"].to_numpy())


def context_partition(number: int, work, terms: list[str], per_period: int) -> pd.DataFrame:
    """The keyword-in-context candidates of one partition's sentences for ``terms``
    (:func:`analysis.comparison.vocabulary.context_candidates`)."""
    (sentences,) = _partition(work, number, "sentences")
    return context_candidates(sentences, [term_regex(term) for term in terms], per_period, KWIC_WIDTH, "sent_id")


def vocabulary_comparison(client, corpus: PartitionedCorpus, parts: DaskComparison, *,
                          prior_scale: float = DEFAULT_PRIOR_SCALE, top_n: int = 10,
                          kwic_per_period: int = 2) -> VocabularyComparison:
    """:func:`analysis.comparison.vocabulary.vocabulary_comparison` from the partitions: the top terms of the
    summed table, their leave-one-article-out z from each article's counts of them (one row per article reaches
    the driver, not its text), and their contexts from each partition's candidates."""
    labels = (corpus.period_names[0], corpus.period_names[1])
    top = top_terms(parts.vocabulary, top_n, labels)
    chosen = top["term"].tolist()
    numbers = corpus.partition_numbers()
    counts = pd.concat(map_partitions(client, chosen_counts_partition, numbers, corpus.work, parts.phrases,
                                      [parts.tokens[term] for term in chosen]), ignore_index=True)
    loo = leave_one_out_columns(counts[[str(k) for k in range(len(chosen))]].to_numpy(), counts["length"].to_numpy(),
                                counts["doc_id"].to_numpy(), counts["period"].to_numpy(), chosen, labels,
                                prior_scale=prior_scale)
    candidates = pd.concat(map_partitions(client, context_partition, numbers, corpus.work, chosen, kwic_per_period),
                           ignore_index=True)
    kwic = context_table(choose_contexts(candidates, len(chosen), kwic_per_period), top)
    return VocabularyComparison(parts.vocabulary, top, term_robustness(top, loo), loo, kwic, parts.words)


def comparison_results(corpus: PartitionedCorpus, reports_dir, *, random_seed: int, prior_scale: float, fdr: float,
                       top_n: int, n_resamples: int, scheduler: str = "") -> ComparisonResults:
    """:func:`analysis.stages.comparison_results` on the cluster at ``scheduler``, stored once per run: the same
    tables, computed from per-partition sums and per-article rows. The explorer finds the frame words and actor
    mentions in the text itself (no stored spans)."""
    from analysis.core.cache import cached
    from analysis.core.engine import dask_client

    periods = corpus.period_names
    parameters = {"random_seed": random_seed, "prior_scale": prior_scale, "fdr": fdr, "top_n": top_n,
                  "n_resamples": n_resamples, "periods": periods, "engine": "dask"}

    def compute() -> ComparisonResults:
        with dask_client(scheduler) as client:
            parts = comparison_parts(client, corpus, prior_scale=prior_scale, fdr=fdr)
            vocabulary = vocabulary_comparison(client, corpus, parts, prior_scale=prior_scale, top_n=top_n)
        return ComparisonResults(
            vocabulary=vocabulary,
            frames=frame_comparison(parts.frame_articles, periods, random_state=random_seed, n_resamples=n_resamples),
            frame_words=parts.frame_words,
            actors=actor_comparison(parts.actor_articles, periods, random_state=random_seed, n_resamples=n_resamples),
            actor_mentions=parts.actor_mentions,
            phrases=parts.phrases,
        )

    return cached(reports_dir, "comparison", corpus.fingerprint, parameters, compute)


def frame_comparison(frame_articles: pd.DataFrame, periods: list[str], *, random_state: int,
                     n_resamples: int = DEFAULT_RESAMPLES) -> PeriodComparison:
    """:func:`analysis.comparison.frames.frame_comparison` from per-article rows: each article's share of sentences
    carrying a frame, weighted by its sentences, resamples to the same intervals as the sentences themselves (the
    bootstrap sums per article), so the tables are the local engine's (``n_units`` counts sentences, as locally)."""
    names = framing.frame_names()
    rows = frame_articles.assign(**{name: frame_articles[name] / frame_articles["sentences"] for name in names})
    result = compare_periods(rows, names, periods[0], periods[1], random_state=random_state, n_resamples=n_resamples,
                             weight_column="sentences")
    sentences = frame_articles.groupby("period")["sentences"].sum()
    result.estimates["n_units"] = result.estimates["period"].map(sentences).astype(int)
    return result


def actor_comparison(actor_articles: pd.DataFrame, periods: list[str], *, random_state: int,
                     n_resamples: int = DEFAULT_RESAMPLES) -> PeriodComparison:
    """:func:`analysis.comparison.actors.actor_comparison` from the per-article rates the workers returned."""
    return compare_periods(actor_articles, list(actors.actor_groups()), periods[0], periods[1], random_state=random_state,
                           n_resamples=n_resamples, weight_column="words")


def frame_shares(frame_articles: pd.DataFrame) -> pd.DataFrame:
    """Share of sentences carrying each frame per period, from the per-article rows (what the bootstrap resamples)."""
    names = [c for c in frame_articles.columns if c not in ("doc_id", "period", "sentences")]
    sums = frame_articles.groupby("period")[["sentences", *names]].sum()
    return sums[names].div(sums["sentences"], axis=0).astype(np.float64)
