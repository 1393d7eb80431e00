"""The topic stage on a partitioned corpus (the Dask engine): units, term counts and topic shares partition by partition.

The model is fitted in this process on the seeded samples of units the local stage draws (the same units, numbered
as the local stage numbers them, with the same matrix rows), so k, the topics and their terms are the local engine's.
The units' topic shares are estimated on the workers, and the stage's tables are reductions of per-partition parts.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.core.bootstrap import compare_periods
from analysis.core.engine import map_partitions, partition_path, read_table, write_table
from analysis.core.preprocess import (
    MAX_ARTICLE_SHARE,
    NO_TERMS,
    article_frequency,
    corpus_phrases,
    count_terms,
    display_term,
    stem_columns,
    vocabulary_from_frequency,
)
from analysis.topics.model import (
    EXAMPLES,
    ModelUnits,
    TopicModelError,
    TopicResult,
    article_sums,
    article_topics,
    checked_parameters,
    choose_model,
    headline_units,
    idf_transformer,
    leave_one_out_refits,
    model_rows,
    order_topics,
    passage_scores,
    period_tables,
    refit_note,
    score_units,
    term_tables,
    typical_passages,
    unit_choice,
    word_counts,
)

PARAGRAPH_COLUMNS = ["para_id", "doc_id", "period", "outlet", "para_no", "start", "end", "text", "headline"]
UNIT_COLUMNS = ["unit_id", "doc_id", "period", "outlet", "start", "end", "weight"]


def _paragraphs(work: Path, number: int, text: bool = True) -> tuple[pd.DataFrame, np.ndarray]:
    """One partition's paragraphs, by article and place (without ``text``, not their text: the corpus's headline
    column tells the headline-like ones), and which of them are headline-like (left out)."""
    columns = PARAGRAPH_COLUMNS if text else [name for name in PARAGRAPH_COLUMNS if name != "text"]
    paragraphs = pd.read_parquet(partition_path(work, "paragraphs", number), columns=columns)
    paragraphs = paragraphs.sort_values(["doc_id", "para_no"], kind="stable", ignore_index=True)
    return paragraphs, headline_units(paragraphs).to_numpy()


def _save_counts(counts, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sparse.save_npz(path, counts.tocsr(), compressed=False)


def _counts_path(stage: Path, name: str, number: int) -> Path:
    return stage / name / f"part-{number:05d}.npz"


def unit_words_partition(number: int, work: Path, stage: Path) -> pd.DataFrame:
    """Map step 1: one partition's headline-like paragraphs written aside (table ``excluded``), and per article with
    other paragraphs its words in them and their number (doc_id, words, n_units), what the unit choice reads."""
    paragraphs, headline = _paragraphs(work, number)
    excluded = paragraphs.loc[headline, ["para_id", "doc_id", "start", "end", "text"]].rename(columns={"para_id": "unit_id"})
    write_table(excluded, partition_path(stage, "excluded", number))
    kept = paragraphs[~headline]
    table = pd.DataFrame({"doc_id": kept["doc_id"].to_numpy(), "words": word_counts(kept["text"]).to_numpy()})
    return table.groupby("doc_id", sort=True).agg(words=("words", "sum"), n_units=("words", "size")).reset_index()


def leading_paragraphs(work: Path, documents: pd.DataFrame, batch: int | None = None):
    """The texts of the paragraphs that are not headline-like, in the local corpus's order (``documents`` is in
    corpus order), read ``batch`` articles at a time (:func:`analysis.stages_dask.articles_in_order`)."""
    from analysis.stages_dask import TEXT_BATCH, articles_in_order

    for _, paragraphs in articles_in_order(work, documents, "paragraphs", PARAGRAPH_COLUMNS, within="para_no",
                                           batch=batch or TEXT_BATCH):
        yield from paragraphs.loc[~headline_units(paragraphs).to_numpy(), "text"]


def term_counts_partition(number: int, work: Path, stage: Path, phrases: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Map step 2: the terms of one partition's kept paragraphs (:func:`analysis.core.preprocess.count_terms`), their
    counts saved aside; returns the partition's words (sorted) and each one's count."""
    paragraphs, headline = _paragraphs(work, number)
    texts = paragraphs.loc[~headline, "text"]
    try:
        counts, words = count_terms(texts, phrases)
    except ValueError:  # no terms at all in this partition: the corpus as a whole decides whether that is an error
        counts, words = sparse.csr_matrix((len(texts), 0), dtype=np.int64), np.array([], dtype=object)
    _save_counts(counts, _counts_path(stage, "words", number))
    return words, np.asarray(counts.sum(axis=0)).ravel()


def term_frequency_partition(number: int, work: Path, stage: Path, n_terms: int) -> tuple[np.ndarray, np.ndarray]:
    """Map step 3: one partition's counts in the corpus's term columns (``columns`` written by the driver), saved
    aside; returns the columns present and the number of articles each occurs in."""
    counts = sparse.load_npz(_counts_path(stage, "words", number))
    columns = pd.read_parquet(partition_path(stage, "columns", number))["column"].to_numpy()
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    counts = sparse.csr_matrix((counts.data, (rows, columns[counts.indices])), shape=(counts.shape[0], n_terms))
    counts.sum_duplicates()  # words sharing a stem share a column
    _save_counts(counts, _counts_path(stage, "terms", number))
    paragraphs, headline = _paragraphs(work, number, text=False)
    frequency, _ = article_frequency(counts, paragraphs.loc[~headline, "doc_id"].to_numpy())
    present = np.flatnonzero(frequency)
    return present, frequency[present]


def unit_counts_partition(number: int, first: pd.Series, work: Path, stage: Path, unit: str) -> dict:
    """Map step 4: one partition's units (table ``units``, in unit order) and their counts of the kept terms; for
    whole-article units also their paragraphs' counts (``passages``). ``first``: the number of each of its articles'
    first unit (doc_id -> number). Returns each unit's number, its tokens and weight, and the units each term
    occurs in."""
    paragraphs, headline = _paragraphs(work, number, text=unit == "paragraph")  # paragraphs are weighted by their words
    kept = paragraphs[~headline].reset_index(drop=True)
    keep = np.load(stage / "vocabulary.npy")
    counts = sparse.load_npz(_counts_path(stage, "terms", number))[:, keep].tocsr()
    if unit == "paragraph":
        table = kept.rename(columns={"para_id": "unit_id"}).assign(weight=word_counts(kept["text"]).astype(float))
        index = first.reindex(table["doc_id"]).to_numpy() + table.groupby("doc_id", sort=False).cumcount().to_numpy()
    else:
        documents = pd.read_parquet(partition_path(work, "documents", number), columns=["doc_id", "n_chars"])
        table = kept.drop_duplicates("doc_id")[["doc_id", "period", "outlet"]].reset_index(drop=True)  # by doc_id
        table = table.assign(unit_id=table["doc_id"], start=0, weight=1.0,
                             end=table["doc_id"].map(documents.set_index("doc_id")["n_chars"]).to_numpy())
        row = pd.Index(table["doc_id"]).get_indexer(kept["doc_id"])
        grouping = sparse.csr_matrix((np.ones(len(row)), (row, np.arange(len(row)))), shape=(len(table), len(row)))
        _save_counts(counts, _counts_path(stage, "passages", number))
        counts = (grouping @ counts).tocsr()
        index = first.reindex(table["doc_id"]).to_numpy()
    order = np.argsort(index, kind="stable")
    table, counts, index = table.take(order).reset_index(drop=True), counts[order], index[order]
    write_table(table[UNIT_COLUMNS].assign(index=index), partition_path(stage, "units", number))
    _save_counts(counts, _counts_path(stage, "units", number))
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    present = np.flatnonzero(frequency)
    return {"index": index, "tokens": np.asarray(counts.sum(axis=1)).ravel(), "weight": table["weight"].to_numpy(float),
            "present": present, "frequency": frequency[present]}


def _partition_rows(number: int, stage: Path, rows, model: str, transformer, mean_words) -> tuple:
    """Model-matrix rows and count rows of one partition's units ``rows`` (None: all of them)."""
    counts = sparse.load_npz(_counts_path(stage, "units", number))
    weights = pd.read_parquet(partition_path(stage, "units", number), columns=["weight"])["weight"].to_numpy(float)
    if rows is not None:
        counts, weights = counts[rows], weights[rows]
    return model_rows(counts, model, transformer, weights if mean_words is not None else None, mean_words), counts


def rows_partition(number: int, rows: np.ndarray, stage: Path, model: str, transformer, mean_words) -> tuple:
    """Some units' rows of one partition, for a sample the driver fits on."""
    return _partition_rows(number, stage, rows, model, transformer, mean_words)


def score_partition(number: int, shares, stage: Path, model: str, fitted, transformer, mean_words) -> np.ndarray:
    """Map step 5: one partition's units' topic shares (``shares`` when the fit gave them; None: estimated with the
    fitted topics), saved aside; returns their sums per topic."""
    if shares is None:
        shares = score_units(_partition_rows(number, stage, None, model, transformer, mean_words)[0], model, fitted)
    np.save(stage / "shares" / f"part-{number:05d}.npy", shares)
    return shares.sum(axis=0)


def topic_rows_partition(number: int, work: Path, stage: Path, order: np.ndarray, labels: dict, unit: str) -> tuple:
    """Map step 6: one partition's unit topics (table ``unit_topics``, topics in the stage's order), its articles
    × topics rows, its per-article sums for the prevalence bootstrap, and (paragraph units) its most typical
    passages of each topic, which contain the corpus's (an article is in one partition)."""
    columns = [f"topic_{t}" for t in sorted(labels)]
    shares = np.load(stage / "shares" / f"part-{number:05d}.npy")[:, order]
    units = pd.read_parquet(partition_path(stage, "units", number))
    unit_topics = pd.concat([units[["unit_id", "doc_id", "period", "outlet", "weight"]],
                             pd.DataFrame(shares, columns=columns)], axis=1)
    write_table(unit_topics, partition_path(stage, "unit_topics", number))
    articles = article_topics(unit_topics, columns)
    sums = article_sums(unit_topics, columns)
    candidates = pd.DataFrame()
    if unit == "paragraph":
        paragraphs, _ = _paragraphs(work, number)
        texts = units["unit_id"].map(paragraphs.set_index("para_id")["text"])
        picked = typical_passages(units.assign(text=texts.to_numpy()), unit, shares, units, articles, labels)
        candidates = units.assign(text=texts.to_numpy())[units["unit_id"].isin(picked["unit_id"]).to_numpy()]
        candidates = pd.concat([candidates.reset_index(drop=True),
                                pd.DataFrame(shares[units["unit_id"].isin(picked["unit_id"]).to_numpy()], columns=columns)],
                               axis=1)
    return articles, sums, candidates


def passages_partition(number: int, work: Path, stage: Path, doc_ids: list[str]) -> tuple[pd.DataFrame, object]:
    """The kept paragraphs of the articles ``doc_ids`` in one partition and their counts of the kept terms."""
    paragraphs, headline = _paragraphs(work, number)
    kept = paragraphs[~headline].reset_index(drop=True).rename(columns={"para_id": "unit_id"})
    inside = kept["doc_id"].isin(doc_ids).to_numpy()
    counts = sparse.load_npz(_counts_path(stage, "passages", number))[np.flatnonzero(inside)]
    return kept.loc[inside, ["unit_id", "doc_id", "period", "outlet", "start", "end", "text"]].reset_index(drop=True), counts


class PartitionedUnits:
    """The units of a partitioned corpus as the driver knows them: one entry per unit in the local stage's unit
    order (its partition and row there, tokens, weight, article, period), and their rows read from the cluster."""

    def __init__(self, client, stage: Path, numbers: list[int], parts: list[dict], doc_ids: np.ndarray,
                 periods: np.ndarray, n_terms: int, model: str, transformer, mean_words):
        n_units = sum(len(part["index"]) for part in parts)
        self.partition = np.full(n_units, -1, dtype=np.int64)
        self.row = np.zeros(n_units, dtype=np.int64)
        self.tokens = np.zeros(n_units, dtype=np.int64)
        self.weights = np.zeros(n_units)
        for number, part in zip(numbers, parts):
            self.partition[part["index"]] = number
            self.row[part["index"]] = np.arange(len(part["index"]))
            self.tokens[part["index"]], self.weights[part["index"]] = part["tokens"], part["weight"]
        if (self.partition < 0).any() or len(doc_ids) != n_units:
            raise RuntimeError("The partitions' topic units do not number 0 … n − 1 once each: this is a bug in the "
                               "partitioned topic stage, not in the corpus.")
        self.client, self.stage, self.model, self.transformer, self.mean_words = client, stage, model, transformer, mean_words
        self.doc_ids, self.periods, self.n_terms = doc_ids, periods, n_terms

    def rows(self, indices: np.ndarray) -> tuple:
        """The model-matrix rows and count rows of the units ``indices`` (sorted), as one matrix would give them."""
        indices = np.asarray(indices)
        wanted = self.partition[indices]
        numbers = sorted(set(wanted.tolist()))
        parts = map_partitions(self.client, rows_partition, numbers, self.stage, self.model, self.transformer,
                               self.mean_words, each=[self.row[indices[wanted == number]] for number in numbers])
        placed = np.argsort(np.concatenate([indices[wanted == number] for number in numbers]), kind="stable")
        return (sparse.vstack([part[0] for part in parts]).tocsr()[placed],
                sparse.vstack([part[1] for part in parts]).tocsr()[placed])

    def model_units(self) -> ModelUnits:
        return ModelUnits(self.doc_ids, self.periods, self.tokens, self.n_terms, self.rows)


def _terms(client, corpus, stage: Path, numbers: list[int], stem: bool, max_share: float, n_kept_articles: int):
    """Map steps 2 and 3 and their reductions: the terms (as displayed), the kept columns and the common terms."""
    documents = corpus.documents
    phrases = corpus_phrases(leading_paragraphs(corpus.work, documents))
    parts = map_partitions(client, term_counts_partition, numbers, corpus.work, stage, phrases)
    words = np.unique(np.concatenate([part[0] for part in parts] + [np.array([], dtype=object)]).astype(object))
    if not len(words):
        raise TopicModelError(f"Empty vocabulary: {NO_TERMS}")
    totals = np.zeros(len(words), dtype=np.int64)
    for part_words, part_totals in parts:
        np.add.at(totals, np.searchsorted(words, part_words), part_totals)
    if stem:
        codes, terms = stem_columns(words, totals)
    else:
        codes, terms = np.arange(len(words)), np.array([display_term(word) for word in words], dtype=object)
    for number, (part_words, _) in zip(numbers, parts):
        write_table(pd.DataFrame({"column": codes[np.searchsorted(words, part_words)].astype(np.int64)}),
                    partition_path(stage, "columns", number))
    frequency = np.zeros(len(terms), dtype=np.int64)
    for present, counts in map_partitions(client, term_frequency_partition, numbers, corpus.work, stage, len(terms)):
        frequency[present] += counts
    keep, common = vocabulary_from_frequency(frequency, n_kept_articles, terms, max_share=max_share)
    if keep.size < 2:
        raise TopicModelError(f"Empty vocabulary: fewer than two terms occur in at least two and at most "
                              f"{max_share:.0%} of the {n_kept_articles:,} articles. Use more or longer texts.")
    np.save(stage / "vocabulary.npy", keep)
    return terms[keep], common


def partitioned_topic_stage(client, corpus, stage: Path, *, unit: str = "auto", model: str = "nmf",
                            n_topics: int | str = 0, k_min: int = 2, k_max: int = 12, n_restarts: int = 10,
                            stem: bool = False, random_seed: int, n_resamples: int,
                            max_share: float = MAX_ARTICLE_SHARE) -> TopicResult:
    """:func:`analysis.topics.model.fit_topic_stage` on a partitioned corpus, its intermediate tables under ``stage``.

    The units, terms, samples and fits are the local stage's, and so is every table, with one reduced-fidelity
    step that a note in the report states: when the final model is fitted on a sample, NMF scores every unit to its
    tolerance for each partition's units together rather than for all units together, so shares can differ from
    the local engine's within that tolerance. (The topics are ordered by their mean share summed partition by
    partition, which could only swap two topics whose shares tie to 12 decimals.) ``unit_topics`` stays in
    partitions (``TopicResult.partitions``); the articles × topics table and the bootstrap read per-article rows.
    """
    from threadpoolctl import threadpool_limits

    requested = checked_parameters(unit, model, n_topics, n_restarts)
    numbers = corpus.partition_numbers()
    documents = corpus.documents  # in corpus order
    words_parts = map_partitions(client, unit_words_partition, numbers, corpus.work, stage)
    per_article = pd.concat(words_parts, ignore_index=True)
    if per_article.empty:
        raise TopicModelError("Every paragraph of the corpus looks like a headline (short, with no sentence-ending "
                              "mark), so there is no text to model. Check the corpus files.")
    if unit == "auto":
        unit, unit_rule = unit_choice(per_article.set_index("doc_id")["words"])
    else:
        unit_rule = f"The units are {unit}s, as the `unit` parameter asks."
    # each article's first unit number: paragraphs are numbered in corpus order, whole articles by doc_id
    n_units = per_article.set_index("doc_id")["n_units"]
    if unit == "paragraph":
        ordered = documents[["doc_id", "period"]].assign(n=n_units.reindex(documents["doc_id"]).fillna(0).astype(int).to_numpy())
    else:
        ordered = documents[["doc_id", "period"]][documents["doc_id"].isin(n_units.index)].sort_values("doc_id").assign(n=1)
    first = pd.Series(np.cumsum(ordered["n"].to_numpy()) - ordered["n"].to_numpy(), index=ordered["doc_id"].to_numpy())
    firsts = np.split(first.reindex(per_article["doc_id"]).to_numpy(),  # one lookup for the whole corpus
                      np.cumsum([len(part) for part in words_parts])[:-1])
    terms, common = _terms(client, corpus, stage, numbers, stem, max_share, len(per_article))
    parts = map_partitions(client, unit_counts_partition, numbers, corpus.work, stage, unit,
                           each=[pd.Series(values, index=part["doc_id"].to_numpy()) for part, values in zip(words_parts, firsts)])
    frequency = np.zeros(len(terms), dtype=np.int64)
    for part in parts:
        frequency[part["present"]] += part["frequency"]
    n_total = int(ordered["n"].sum())
    transformer = idf_transformer(frequency, n_total) if model == "nmf" else None
    (stage / "shares").mkdir(parents=True, exist_ok=True)
    with threadpool_limits(limits=1, user_api="blas"):
        units = PartitionedUnits(client, stage, numbers, parts, np.repeat(ordered["doc_id"].to_numpy(), ordered["n"]),
                                 np.repeat(ordered["period"].to_numpy(), ordered["n"]), len(terms), model, transformer,
                                 None)
        if unit == "paragraph" and model == "nmf":
            units.mean_words = units.weights.mean()
        modelled = units.model_units()
        notes: list[str] = []
        chosen = choose_model(modelled, unit=unit, model=model, requested=requested, k_min=k_min, k_max=k_max,
                              n_restarts=n_restarts, random_seed=random_seed, notes=notes)
        k, final = chosen.k, chosen.fit
        shares = None if chosen.fit_rows is not None else final.shares
        sums = map_partitions(client, score_partition, numbers, stage, model, replace(final, shares=None), transformer,
                              units.mean_words, each=[None if shares is None else shares[units.partition == number]
                                                      for number in numbers])
        order = order_topics(np.sum(sums, axis=0) / n_total, final.weights, terms)
        weights = final.weights[order]
        labels, term_table, frex_table = term_tables(weights, terms)
        columns = [f"topic_{t}" for t in sorted(labels)]
        rows = map_partitions(client, topic_rows_partition, numbers, corpus.work, stage, order, labels, unit)
        articles = pd.concat([part[0] for part in rows], ignore_index=True).sort_values("doc_id", ignore_index=True)
        if unit == "paragraph":
            candidates = pd.concat([part[2] for part in rows], ignore_index=True)
            examples = typical_passages(candidates, unit, candidates[columns].to_numpy(), candidates, articles, labels)
        else:
            top = set()
            for column in columns:
                top |= set(articles.sort_values([column, "doc_id"], ascending=[False, True]).head(EXAMPLES)["doc_id"])
            found = map_partitions(client, passages_partition, numbers, corpus.work, stage, sorted(top))
            passages = pd.concat([table for table, _ in found], ignore_index=True)
            passage_counts = sparse.vstack([counts for _, counts in found]).tocsr()
            scores = passage_scores(passage_counts, None, weights,
                                    transformer or idf_transformer(frequency, n_total))
            examples = typical_passages(None, unit, scores, passages, articles, labels)
        periods = corpus.period_names[:2]
        per_doc = pd.concat([part[1] for part in rows], ignore_index=True).sort_values("doc_id", ignore_index=True)
        comparison = compare_periods(per_doc, columns, periods[0], periods[1], random_state=random_seed,
                                     n_resamples=n_resamples, weight_column="weight", summed="n_units")
        loo, loo_mode = leave_one_out_refits(modelled, model, k, weights, periods, random_state=random_seed)
    loo["label"] = loo["topic"].map(labels)
    prevalence, differences = period_tables(comparison, labels, periods, loo)
    notes += refit_note(loo_mode, model, len(ordered))
    if model == "nmf" and chosen.fit_rows is not None and len(numbers) > 1:
        notes.append(f"On the Dask engine each of the {len(numbers):,} partitions' units were scored with the topics "
                     "to NMF's tolerance on their own, so their shares can differ from a single-process run's within "
                     "that tolerance.")
    excluded = read_table(stage, "excluded").sort_values(["doc_id", "unit_id"], ignore_index=True)
    return TopicResult(
        model=model, unit=unit, k=k, k_search=chosen.k_search, topics=term_table, frex=frex_table, labels=labels,
        unit_topics=None, examples=examples, prevalence=prevalence, differences=differences,
        leave_one_out=loo, loo_mode=loo_mode, n_units=n_total, n_terms=len(terms), notes=notes,
        article_topics=articles, common_terms=common, excluded_units=excluded, unit_rule=unit_rule, k_cap=chosen.cap,
        partitions=stage / "unit_topics",
    )


def topic_results(corpus, reports_dir, *, scheduler: str = "", **parameters) -> TopicResult:
    """:func:`partitioned_topic_stage` on the cluster at ``scheduler``, stored once per run like
    :func:`analysis.stages.topic_results`; its unit tables go beside the corpus's partitions."""
    from analysis.core.cache import cache_key, cached
    from analysis.core.engine import dask_client

    key = {**parameters, "periods": corpus.period_names, "engine": "dask"}

    def compute() -> TopicResult:
        with dask_client(scheduler) as client:
            return partitioned_topic_stage(client, corpus, corpus.work / cache_key("topics", corpus.fingerprint, key),
                                           **parameters)

    result = cached(reports_dir, "topics", corpus.fingerprint, key, compute)
    result.scheduler = scheduler
    return result

