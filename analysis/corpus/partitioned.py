"""Load a corpus on the Dask engine: read, clean, segment and de-duplicate it partition by partition.

Every step calls the local loader's per-article functions; corpus-wide steps (furniture lines repeated across an
outlet, near-duplicates by MinHash bands) are shuffles on hashed keys, and every table is written as Parquet.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.core.engine import map_partitions, partition_path, read_table, write_table
from analysis.core.memory import available_memory, memory_needed
from analysis.corpus.cleaning import REMOVED_COLUMNS, article_lines, recurring_lines
from analysis.corpus.load import (
    DOCUMENT_COLUMNS,
    LSH_BANDS,
    LSH_ROWS,
    METADATA_FILE,
    NEAR_DUPLICATE_JACCARD,
    WARNING_COLUMNS,
    Corpus,
    CorpusError,
    Period,
    _check_coverage,
    _finish_tables,
    _listed_fingerprint,
    _minhash_signatures,
    _process_batch,
    _raw_text,
    band_pairs,
    check_memory,
    document_order,
    duplicate_record,
    folder_warnings,
    outlet_spelling_warnings,
    parse_periods,
    read_metadata,
    read_other_form,
    resolve_duplicates,
    sentence_keys,
    without_raw_text,
)
from analysis.corpus.tables import file_fingerprint, read_table_corpus

ROWS_PER_PARTITION = 2_000  # articles per task when the corpus is a folder or one table (a Parquet folder keeps its files)
N_BUCKETS = 16  # hash buckets of each shuffle: each reduce task reads one bucket of every partition
COMPLETE_FILE = "complete"  # written in the partitions folder once every table is there
TABLES = ("documents", "paragraphs", "sentences", "removed", "warnings", "excluded")


def is_parquet_folder(path: Path) -> bool:
    """Whether ``path`` is a partitioned Parquet table: a folder of ``*.parquet`` files and no metadata.csv."""
    return path.is_dir() and not (path / METADATA_FILE).exists() and any(path.glob("*.parquet"))


@dataclass
class Partitions:
    """A corpus split for the cluster: one spec per task, the warnings found before reading, the fingerprint."""

    directory: Path
    specs: list[dict]  # number, and {"path": a Parquet part} or {"rows": metadata rows, with "text" when read here}
    warnings: list[dict]
    fingerprint: str


def corpus_partitions(directory: Path, columns: dict | None = None, rows_per_partition: int = ROWS_PER_PARTITION) -> Partitions:
    """Split a corpus in any form the loader reads, or a partitioned Parquet table, into partition specs.

    A Parquet folder's files are its partitions (read on the workers); other forms are read here (metadata, and the
    text of a table file or web pages; a .txt folder's files are read on the workers) and cut into row chunks.
    """
    if is_parquet_folder(directory):
        parts = sorted(directory.glob("*.parquet"))
        return Partitions(directory, [{"number": n, "path": str(path)} for n, path in enumerate(parts)], [],
                          file_fingerprint(parts))
    other = read_other_form(directory, columns)
    if other is not None:
        metadata, warnings, fingerprint = other.metadata, list(other.warnings), other.fingerprint
    elif directory.is_dir():
        metadata = read_metadata(directory)
        warnings, fingerprint = folder_warnings(directory, metadata), _listed_fingerprint(directory, metadata)
    else:
        raise CorpusError(f"Parameter 'corpus_dir': {directory} is not a folder. Point it at a folder of .txt files and "
                          "metadata.csv, a table file or a folder of Parquet files.")
    rows = [row._asdict() for row in metadata.sort_values(["published", "doc_id"]).itertuples(index=False)]
    if other is not None:
        rows = [{**row, "text": other.texts[row["file"]]} for row in rows]
    specs = [{"number": n, "rows": rows[start:start + rows_per_partition]}
             for n, start in enumerate(range(0, len(rows), rows_per_partition))]
    return Partitions(directory, specs, warnings, fingerprint)


def _rows(spec: dict, columns: dict | None) -> list[dict]:
    """The metadata rows (with text where a reader gave it) of one partition."""
    if "rows" in spec:
        return spec["rows"]
    source = read_table_corpus(Path(spec["path"]), columns)
    return [{**row._asdict(), "text": source.texts[row.file]} for row in source.metadata.itertuples(index=False)]


def _bucket(*keys: pd.Series) -> np.ndarray:
    """A stable hash bucket (0 … N_BUCKETS − 1) for each row of the key columns: the same key, the same bucket."""
    hashed = pd.util.hash_pandas_object(pd.DataFrame({f"k{n}": key for n, key in enumerate(keys)}), index=False)
    return (hashed.to_numpy() % N_BUCKETS).astype(np.int16)


def line_counts(spec: dict, directory: Path, columns: dict | None, work: Path) -> dict:
    """Map step of :func:`analysis.corpus.cleaning.repeated_lines`: per outlet and candidate line, in how many of
    this partition's articles it occurs, written in hash buckets. Returns the articles per outlet and the doc ids."""
    rows = _rows(spec, columns)
    records = [(row["outlet"], key, is_sentence) for row in rows
               for key, is_sentence in article_lines(row["title"], _raw_text(directory, row)[0]).items()]
    table = pd.DataFrame(records, columns=["outlet", "line", "sentence"])
    table = table.groupby(["outlet", "line"], as_index=False).agg(n=("sentence", "size"), sentence=("sentence", "any"))
    write_table(table.assign(bucket=_bucket(table["outlet"], table["line"])), partition_path(work, "lines", spec["number"]))
    return {"outlets": Counter(row["outlet"] for row in rows),
            "doc_ids": [(row["doc_id"], row["file"]) for row in rows]}


def recurring_bucket(bucket: int, work: Path) -> pd.DataFrame:
    """Reduce step: the lines of one hash bucket in at least 3 articles of their outlet (outlet, line, n, sentence)."""
    table = read_table(work, "lines", ["outlet", "line", "n", "sentence"], filters=[("bucket", "=", bucket)])
    table = table.groupby(["outlet", "line"], as_index=False).agg(n=("n", "sum"), sentence=("sentence", "any"))
    return table[table["n"] >= 3]


def repeated_furniture(frequent: pd.DataFrame, outlets: Counter) -> dict[str, frozenset[str]]:
    """:func:`analysis.corpus.cleaning.repeated_lines` from the reduced counts: the same rule, outlet by outlet."""
    result = {}
    for outlet, group in frequent.groupby("outlet", sort=True):
        lines = recurring_lines(dict(zip(group["line"], group["n"])), set(group.loc[group["sentence"], "line"]),
                                outlets[outlet])
        if lines:
            result[outlet] = lines
    return result


def process_partition(spec: dict, directory: Path, columns: dict | None, periods: list[Period], repeated: dict,
                      work: Path) -> pd.DataFrame:
    """Read, clean and segment one partition's articles (the local loader's ``_process_document``), write its tables
    and its near-duplicate keys; return its document index (doc_id, published, period, exact-text hash)."""
    number = spec["number"]
    out = _process_batch([(directory, row, periods, repeated.get(row["outlet"], frozenset())) for row in _rows(spec, columns)])
    removed = [{"doc_id": r["doc_id"], "file": r["file"], **{c: r[c] for c in REMOVED_COLUMNS if c in r}} for r in out["removed"]]
    tables = {"documents": pd.DataFrame(out["documents"]), "paragraphs": out["paragraphs"],
              "sentences": out["sentences"], "removed": pd.DataFrame(removed, columns=REMOVED_COLUMNS),
              "warnings": pd.DataFrame(out["warnings"], columns=WARNING_COLUMNS),
              "excluded": pd.DataFrame(out["excluded"]).drop(columns=["raw"], errors="ignore")}
    for name, table in tables.items():
        write_table(table, partition_path(work, "loaded_" + name, number))
    docs, paras, sents = tables["documents"], tables["paragraphs"], tables["sentences"]
    if docs.empty:
        return pd.DataFrame(columns=["doc_id", "published", "period", "exact", "partition"])
    joined = paras.groupby("doc_id", sort=False)["text"].agg(" ".join)
    exact = [hashlib.sha1(" ".join(joined[doc_id].lower().split()).encode("utf-8")).hexdigest() for doc_id in docs["doc_id"]]
    codes = pd.Categorical(sents["doc_id"], categories=docs["doc_id"]).codes
    keys = pd.DataFrame({"code": codes, "key": sentence_keys(sents["text"].tolist())})
    keys = keys.drop_duplicates(["code", "key"]).sort_values(["code", "key"])
    write_table(pd.DataFrame({"doc": article_numbers(number, keys["code"].to_numpy()), "key": keys["key"].to_numpy()}),
                partition_path(work, "sentence_keys", number))
    shingles = sparse.csr_matrix((np.ones(len(keys)), (keys["code"].to_numpy(), keys["key"].to_numpy())),
                                 shape=(len(docs), 2**32))
    signatures = _minhash_signatures(shingles, LSH_BANDS * LSH_ROWS)
    bands = pd.DataFrame({f"band_{band}": pd.util.hash_pandas_object(
        pd.DataFrame(signatures[:, band * LSH_ROWS:(band + 1) * LSH_ROWS]), index=False).to_numpy()
        for band in range(LSH_BANDS)})
    write_table(bands.assign(doc=article_numbers(number, np.arange(len(docs))), doc_id=docs["doc_id"].to_numpy()),
                partition_path(work, "signatures", number))
    return pd.DataFrame({"doc_id": docs["doc_id"], "published": docs["published"], "period": docs["period"],
                         "exact": exact, "partition": number})


def article_numbers(partition: int, rows: np.ndarray) -> np.ndarray:
    """An integer for each article of the near-duplicate tables (its partition and its row there): the band reduce
    joins and filters on these, 8 bytes each, instead of doc_id strings (a million articles have 25 million
    sentence keys)."""
    return (np.int64(partition) << 32) | np.asarray(rows, dtype=np.int64)


def band_rows(number: int, work: Path, copies: frozenset) -> int:
    """Map step of the band shuffle: one row per (band, band key, article), exact copies left out, in hash buckets."""
    path = partition_path(work, "signatures", number)
    if not path.exists():
        return 0
    table = pd.read_parquet(path)
    table = table[~table["doc_id"].isin(copies)].drop(columns="doc_id")
    long = table.melt(id_vars="doc", var_name="band", value_name="key")
    long["band"] = long["band"].str.removeprefix("band_").astype(np.int8)
    write_table(long.assign(bucket=_bucket(long["band"], long["key"])), partition_path(work, "bands", number))
    return len(long)


def band_candidates(bucket: int, work: Path) -> pd.DataFrame:
    """Reduce step: the pairs of articles (a < b by article number) sharing a band key in one hash bucket whose
    sentence sets overlap at least ``NEAR_DUPLICATE_JACCARD`` (a, b: doc_ids; jaccard), checked by the local loader's
    kernel (:func:`load.band_pairs`): a pair is checked in the first band its articles share, whichever bucket holds
    it, and pairs are formed and checked a slice at a time, so a band key shared by many articles does not build all
    its pairs at once. Keys held by one article are dropped first. The signatures and sentence keys are read whole
    and filtered once, by article number (one hash table of the involved articles, not one per file)."""
    empty = pd.DataFrame({"a": pd.Series(dtype=object), "b": pd.Series(dtype=object), "jaccard": pd.Series(dtype=float)})
    table = read_table(work, "bands", ["doc", "band", "key"], filters=[("bucket", "=", bucket)])
    table = table[table.duplicated(["band", "key"], keep=False)]
    if table.empty:
        return empty
    involved = pd.Index(np.unique(table["doc"].to_numpy()))
    band_names = [f"band_{band}" for band in range(LSH_BANDS)]
    signatures = read_table(work, "signatures", ["doc", "doc_id", *band_names])
    position = involved.get_indexer(signatures["doc"].to_numpy())
    band_keys = np.empty((len(involved), LSH_BANDS), dtype=np.uint64)
    band_keys[position[position >= 0]] = signatures[band_names].to_numpy()[position >= 0]
    doc_ids = np.empty(len(involved), dtype=object)
    doc_ids[position[position >= 0]] = signatures["doc_id"].to_numpy()[position >= 0]
    del signatures, position
    pairing = -1 - np.arange(band_keys.size, dtype=np.int64).reshape(band_keys.shape)  # unique: pairs with nothing
    pairing[involved.get_indexer(table["doc"].to_numpy()), table["band"].to_numpy()] = pd.factorize(table["key"])[0]
    del table
    keys = read_table(work, "sentence_keys", ["doc", "key"])
    rows = involved.get_indexer(keys["doc"].to_numpy())
    kept = rows >= 0
    columns, _ = pd.factorize(keys["key"].to_numpy()[kept])
    rows = rows[kept].astype(np.int32)
    del keys, kept
    sets = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns.astype(np.int32))),
                             shape=(len(involved), int(columns.max(initial=0)) + 1))
    del rows, columns
    sizes = np.asarray(sets.sum(axis=1)).ravel()
    found = [empty] + [pd.DataFrame({"a": doc_ids[first], "b": doc_ids[second], "jaccard": jaccard})
                       for first, second, jaccard in band_pairs(band_keys, sets, sizes, NEAR_DUPLICATE_JACCARD, pairing)
                       if len(first)]
    return pd.concat(found, ignore_index=True)


def finish_partition(number: int, work: Path, dropped: frozenset, periods: list[Period]) -> int:
    """Drop the duplicates from one partition and number its sentences (the loader's ``_finish_tables``)."""
    docs, paras, sents = (pd.read_parquet(partition_path(work, "loaded_" + name, number))
                          for name in ("documents", "paragraphs", "sentences"))
    docs = docs[~docs["doc_id"].isin(dropped)] if len(docs) else docs
    if docs.empty:
        return 0
    docs, paras, sents = _finish_tables(docs, paras[paras["doc_id"].isin(docs["doc_id"])],
                                        sents[sents["doc_id"].isin(docs["doc_id"])], periods)
    for name, table in (("documents", docs), ("paragraphs", paras), ("sentences", sents)):
        write_table(table, partition_path(work, name, number))
    return len(docs)


@dataclass
class PartitionedCorpus:
    """A corpus loaded on the cluster: its tables are Parquet partitions under ``work``.

    As a run's corpus it offers what :class:`analysis.corpus.load.Corpus` does. The documents (no text, one row per
    article) and the removed lines are read from the partitions when first asked for; the paragraphs and sentences,
    which hold the text, are gathered into this process only when a stage asks for them (:attr:`gathered`), after
    checking that they fit, so a notebook whose stages read the partitions never holds the corpus's text.
    """

    name: str
    directory: Path
    periods: list[Period]
    work: Path
    n_partitions: int
    warnings: pd.DataFrame
    excluded: pd.DataFrame
    fingerprint: str
    scheduler: str = ""  # the cluster that loaded it ("": a local cluster), which the stages reading it use too

    @property
    def period_names(self) -> list[str]:
        return [period.name for period in self.periods]

    def document_columns(self) -> list[str]:
        """The columns of the documents table's partitions."""
        import pyarrow.parquet as pq

        first = min((self.work / "documents").glob("part-*.parquet"))
        return pq.read_schema(first).names

    def characters(self) -> int:
        """The characters of its articles in all (``n_chars``, read from the documents' partitions)."""
        return int(read_table(self.work, "documents", ["n_chars"])["n_chars"].sum())

    def gathered_bytes(self) -> int:
        """About how much memory the report's largest process needs for this corpus (:func:`analysis.core.memory.memory_needed`)."""
        return memory_needed(self.characters())

    def partition_numbers(self) -> list[int]:
        """The partitions that kept at least one article."""
        return sorted(int(path.stem.split("-")[1]) for path in (self.work / "documents").glob("part-*.parquet"))

    def is_complete(self) -> bool:
        """Whether its partitions are all still on disk (a stored run corpus outlives them if its folder is removed)."""
        return (self.work / COMPLETE_FILE).is_file()

    @cached_property
    def documents(self) -> pd.DataFrame:
        """One row per article, in corpus order, without its text (:data:`analysis.corpus.load.DOCUMENT_COLUMNS`)."""
        docs = read_table(self.work, "documents", DOCUMENT_COLUMNS)
        return docs.take(document_order(docs, self.period_names)).reset_index(drop=True)

    @cached_property
    def removed(self) -> pd.DataFrame:
        """The lines cleaning removed, by doc_id and line."""
        return read_table(self.work, "loaded_removed").sort_values(["doc_id", "line_no"], ignore_index=True)

    def docs_per_period(self) -> dict[str, int]:
        return Corpus.docs_per_period(self)

    def sentences_of(self, doc_ids: list[str]) -> pd.DataFrame:
        """The sentences of the articles ``doc_ids``, in corpus order, read from the partitions (not gathered)."""
        found = read_table(self.work, "sentences", filters=[("doc_id", "in", list(doc_ids))]) if len(doc_ids) else \
            read_table(self.work, "sentences").iloc[:0]
        rank = pd.Series(np.arange(len(self.documents)), index=self.documents["doc_id"])
        order = np.lexsort((found["sent_no"].to_numpy(), rank.reindex(found["doc_id"]).to_numpy()))
        return found.take(order).reset_index(drop=True)

    def write_table(self, name: str, tables_dir: str | Path, sort_by: list[str]) -> Path:
        """Write its table ``name`` (paragraphs, sentences) as ``tables_dir/<name>.csv`` from the partitions, a range
        of rows at a time on the cluster (:func:`analysis.core.sorted_csv.write_partitioned_table`): the bytes the
        local engine writes, never the whole table in this process."""
        from analysis.core.engine import dask_client
        from analysis.core.sorted_csv import write_partitioned_table

        with dask_client(self.scheduler) as client:
            return write_partitioned_table(client, self.work, name, tables_dir, name, sort_by)

    @cached_property
    def gathered(self) -> Corpus:
        """The whole corpus in this process (the paragraphs and sentences with their text), gathered once, after
        :func:`check_gather` found that it fits."""
        check_gather(self, available_memory())
        return without_raw_text(self.to_corpus(raw=False))

    @property
    def paragraphs(self) -> pd.DataFrame:
        return self.gathered.paragraphs

    @property
    def sentences(self) -> pd.DataFrame:
        return self.gathered.sentences

    def document_texts(self) -> pd.DataFrame:
        return self.gathered.document_texts()

    def to_corpus(self, raw: bool = True) -> Corpus:
        """The whole corpus in this process, in the local loader's order: for the notebooks on corpora that fit.
        Without ``raw`` the documents leave out each article's raw text (as :func:`load.without_raw_text`), which is
        then never read."""
        columns = None if raw else [name for name in self.document_columns() if name != "raw"]
        docs = read_table(self.work, "documents", columns)
        paras, sents = (read_table(self.work, name) for name in ("paragraphs", "sentences"))
        docs, paras, sents = _finish_tables(docs, paras, sents, self.periods)
        removed = read_table(self.work, "loaded_removed").sort_values(["doc_id", "line_no"], ignore_index=True)
        return Corpus(name=self.name, directory=self.directory, periods=self.periods, documents=docs, paragraphs=paras,
                      sentences=sents, removed=removed, warnings=self.warnings, fingerprint=self.fingerprint,
                      excluded=self.excluded)


def _near_duplicates(client, work: Path, numbers: list[int], index: pd.DataFrame, copies: frozenset) -> list[tuple]:
    """Near-duplicate pairs (i, j, jaccard), positions in ``index`` order, i < j, sorted: candidates from the band
    shuffle, each checked exactly on its sentence keys where it was found (the local loader's threshold)."""
    map_partitions(client, band_rows, numbers, work, copies)
    found = pd.concat(map_partitions(client, band_candidates, list(range(N_BUCKETS)), work), ignore_index=True)
    position = dict(zip(index["doc_id"], range(len(index))))
    return sorted({(*sorted((position[a], position[b])), float(jaccard)) for a, b, jaccard in found.itertuples(index=False)})


def load_partitioned(client, corpus_dir: str | Path, periods: dict | None, work: str | Path, *,
                     columns: dict | None = None, rows_per_partition: int = ROWS_PER_PARTITION) -> PartitionedCorpus:
    """Load a corpus on the cluster behind ``client``, writing its tables as Parquet partitions under ``work``.

    The result holds the same rows as :func:`analysis.corpus.load.load_corpus` (see :meth:`PartitionedCorpus.to_corpus`),
    except that near-duplicate candidates come from MinHash on sentence hashes rather than on the corpus's own
    sentence numbering: either finds a pair sharing 80% of its sentences with probability 0.99, so on a borderline
    pair the engines can differ. ``work`` must be on storage every worker sees.
    """
    from analysis.core.paths import SEEDS_DIR, resolve

    period_list = parse_periods(periods)
    directory = resolve(corpus_dir, SEEDS_DIR)
    work = Path(work)
    parts = corpus_partitions(directory, columns, rows_per_partition)
    numbers = list(range(len(parts.specs)))
    # 1. Furniture lines repeated across an outlet's articles: counts per partition, reduced per hash bucket.
    counted = map_partitions(client, line_counts, parts.specs, directory, columns, work)
    seen: dict[str, str] = {}
    for result in counted:
        for doc_id, file in result["doc_ids"]:
            if doc_id in seen:
                raise CorpusError(f"{directory}: doc_id {doc_id!r} appears more than once ({seen[doc_id]} and {file}). "
                                  "Each article needs its own id.")
            seen[doc_id] = file
    del seen
    outlets = sum((result["outlets"] for result in counted), Counter())
    frequent = pd.concat(map_partitions(client, recurring_bucket, list(range(N_BUCKETS)), work), ignore_index=True)
    repeated = repeated_furniture(frequent, outlets)
    # 2. Read, clean and segment every article where its partition lives.
    index = pd.concat(map_partitions(client, process_partition, parts.specs, directory, columns, period_list, repeated, work),
                      ignore_index=True)
    # 3. Exact copies by text hash, near-duplicates by MinHash bands; the earliest article (then doc_id) is kept.
    index = index.sort_values(["published", "doc_id"], ignore_index=True)
    first = index.groupby("exact", sort=False).cumcount() > 0
    first_position = index.reset_index().groupby("exact")["index"].transform("min")
    exact = dict(zip(index.index[first], first_position[first]))
    copies = frozenset(index.loc[first, "doc_id"])
    pairs = _near_duplicates(client, work, numbers, index, copies)
    duplicate_of = resolve_duplicates(exact, pairs)
    involved = {index.at[k, "doc_id"] for pair in duplicate_of.items() for k in (pair[0], pair[1][0])}
    records = read_table(work, "loaded_documents", filters=[("doc_id", "in", sorted(involved))] if involved else None)
    records = records.drop(columns=["raw"]).set_index("doc_id") if involved else None
    warnings, excluded = list(parts.warnings), []
    for position, (original, jaccard) in sorted(duplicate_of.items()):
        doc, kept = (records.loc[index.at[k, "doc_id"]].to_dict() | {"doc_id": index.at[k, "doc_id"]} for k in (position, original))
        warning, row = duplicate_record(doc, kept, jaccard, exact_copy=position in exact)
        warnings.append(warning)
        excluded.append(row)
    dropped = frozenset(index.loc[sorted(duplicate_of), "doc_id"])
    _check_coverage(index[~index["doc_id"].isin(dropped)], period_list, directory, excluded)
    # 4. Duplicates dropped and sentences numbered, partition by partition.
    map_partitions(client, finish_partition, numbers, work, dropped, period_list)
    loaded_warnings = read_table(work, "loaded_warnings")
    warnings += outlet_spelling_warnings(read_table(work, "documents", ["file", "outlet"]))
    warnings_table = pd.concat([pd.DataFrame(warnings[:len(parts.warnings)], columns=WARNING_COLUMNS), loaded_warnings,
                                pd.DataFrame(warnings[len(parts.warnings):], columns=WARNING_COLUMNS)], ignore_index=True)
    loaded_excluded = read_table(work, "loaded_excluded")
    if len(loaded_excluded):
        loaded_excluded = loaded_excluded.sort_values(["published", "doc_id"], kind="stable", ignore_index=True)
    excluded_table = pd.concat([table for table in (loaded_excluded, pd.DataFrame(excluded)) if len(table)], ignore_index=True) \
        if len(loaded_excluded) or excluded else pd.DataFrame()
    return PartitionedCorpus(
        name=directory.stem if directory.is_file() else directory.name, directory=directory, periods=period_list,
        work=work, n_partitions=len(numbers),
        warnings=warnings_table.sort_values(["kind", "file"], ignore_index=True),
        excluded=excluded_table, fingerprint=parts.fingerprint)


def write_parquet_parts(articles, folder: str | Path) -> Path:
    """Write tables of articles (an iterable of DataFrames with the table-corpus columns) as a partitioned Parquet
    table, one file per table: ``part-00000.parquet``, …; return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for number, table in enumerate(articles):
        write_table(table, folder / f"part-{number:05d}.parquet")
    return folder


def check_gather(corpus: PartitionedCorpus, available: int | None) -> None:
    """Stop before a stage gathers a corpus that cannot fit: the Dask engine loads, cleans and segments out of core,
    but some of the report's stages still take the corpus's text in one process (see README, "Beyond one machine")."""
    n_articles = len(read_table(corpus.work, "documents", ["doc_id"]))
    check_memory(corpus.characters(), available,
                 f"{corpus.directory}: the Dask engine loaded {n_articles:,} articles, but this notebook's stages "
                 "gather the corpus's text into one process",
                 "; the loading and per-article stages alone run out of core (benchmarks/bench_dask.py)")


def load_partitioned_for_run(corpus_dir: str | Path | None, periods: dict | None, reports_dir: str | Path, *,
                             columns: dict | None = None, scheduler: str = "") -> PartitionedCorpus:
    """The corpus loaded on the Dask engine, stored once per run like :func:`analysis.corpus.load.load_corpus_for_run`.

    Its Parquet partitions are written under ``reports_dir/cache`` (on storage the workers share) and stay there for
    the run's later notebooks, which read them (the report runner removes the run's cache when it finishes). A
    stored corpus whose partitions have gone since is loaded again.
    """
    from analysis.core.cache import CACHE_FOLDER, cached, forget
    from analysis.core.engine import dask_client
    from analysis.core.paths import SEEDS_DIR, resolve
    from analysis.corpus.load import source_fingerprint

    directory = resolve(corpus_dir, SEEDS_DIR)
    key = file_fingerprint(sorted(directory.glob("*.parquet"))) if is_parquet_folder(directory) else source_fingerprint(directory)
    work = Path(reports_dir).resolve() / CACHE_FOLDER / f"partitions-{key}"
    parameters = {"periods": periods, "directory": str(directory), "columns": columns}

    def compute() -> PartitionedCorpus:
        shutil.rmtree(work, ignore_errors=True)  # what an interrupted load left
        try:
            with dask_client(scheduler) as client:
                partitioned = load_partitioned(client, directory, periods, work, columns=columns)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        (work / COMPLETE_FILE).touch()
        return partitioned

    if key is None:
        return replace(compute(), scheduler=scheduler)
    corpus = cached(reports_dir, "corpus-dask", key, parameters, compute)
    if not corpus.is_complete():
        forget(reports_dir, "corpus-dask", key, parameters)
        corpus = cached(reports_dir, "corpus-dask", key, parameters, compute)
    return replace(corpus, scheduler=scheduler)  # this run's cluster reads it (a stored corpus may come from another run)
