"""Write a table held as Parquet partitions as one sorted CSV without gathering it: a sample sort whose key ranges
the driver writes in order, each sorted and formatted by ``display``, with the bytes of ``display.write_table``."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.core import display
from analysis.core.engine import map_partitions, read_table

# rows the driver sorts and writes at once, at most: with sentences of about 100 characters, a bucket of 200,000 rows
# took 260 MB more than the driver's own memory
ROWS_PER_BUCKET = 200_000


def write_partitioned_table(client, folder: Path, stage: str, tables_dir: str | Path, name: str,
                            sort_by: list[str] | None, columns: list[str] | None = None,
                            rows_per_bucket: int = ROWS_PER_BUCKET) -> Path:
    """Write the partitioned table ``folder/stage`` as ``tables_dir/name.csv``, sorted by ``sort_by``, without
    gathering it: the bytes of ``display.write_table(read_table(folder, stage)[columns], tables_dir, name, sort_by)``.

    ``columns`` selects the columns written (all by default); ``sort_by`` (all columns when empty, as in
    ``write_table``) orders the rows as pandas' stable sort does: text by code point, numbers by value, missing
    values last, ties in partition order and then in row order.

    Three steps. Each worker sorts its partition's sort columns and returns every k-th key (a regular sample); the
    driver cuts the sorted samples into key ranges (buckets) holding at most ``rows_per_bucket`` rows each (a
    bound, not an estimate: see :func:`_bucket_boundaries`); each worker writes its partition's rows bucket by
    bucket, in Parquet row groups of one bucket each, to ``folder/<stage>-sorted/``; the driver then reads one bucket at a
    time (its rows from every partition, in partition order), sorts it stably and appends it to the CSV. A bucket
    is a range of whole keys, so rows with equal keys are always in the same bucket and keep their order. Only a
    single key repeated on more than ``rows_per_bucket`` rows makes a larger bucket (that key's rows, plus fewer than
    ``rows_per_bucket`` others). The driver holds one bucket and the samples (about ``2 * partitions *
    rows / rows_per_bucket`` keys); the bucket files are removed at the end. ``folder`` must be on storage that the
    workers and this process share, as for every stage of the Dask engine.

    Usage, with the client whose workers wrote the partitions (returns ``reports/tables/figures.csv``)::

        write_partitioned_table(client, work, "figures", "reports/tables", "figures", ["period", "doc_id", "start"])
    """
    if rows_per_bucket < 1:
        raise ValueError(f"rows_per_bucket must be at least 1; got {rows_per_bucket}.")
    paths = sorted((Path(folder) / stage).glob("part-*.parquet"))  # as read_table orders them
    counts = [pq.ParquetFile(path).metadata.num_rows for path in paths]
    if sum(counts) == 0:  # no rows: the header alone, exactly as write_table writes it for these columns and types
        return display.write_table(read_table(Path(folder), stage, columns), tables_dir, name, sort_by)
    filled = [path for path, count in zip(paths, counts) if count]
    step, samples_per_bucket = _sampling(rows_per_bucket, len(filled))

    # Types: those of the gathered table, which pandas gives the partitions concatenated (read_table); one row of
    # each partition decides them as the whole partitions do.
    sampled = map_partitions(client, _sample_part, filled, columns, sort_by, step)
    template = pd.concat([part["head"] for part in sampled], ignore_index=True).iloc[:0]
    sort_by = list(sort_by or template.columns)
    samples = _as_types(pd.concat([part["sample"] for part in sampled], ignore_index=True), template[sort_by].dtypes)
    boundaries = _bucket_boundaries(samples, samples_per_bucket)
    buckets_dir = Path(folder) / f"{stage}-sorted"
    shutil.rmtree(buckets_dir, ignore_errors=True)  # left by a run that stopped half-way
    try:
        targets = [buckets_dir / path.name for path in filled]
        split = map_partitions(client, _split_part, list(zip(filled, targets)), template, sort_by, boundaries)
        # a text column of the gathered table may hold a formula if one of its partitions may (or its type says so)
        flagged = set().union(*(part["text"] for part in split), display.csv_text_columns(template))
        text_columns = [column for column in template.columns if column in flagged
                        and not pd.api.types.is_numeric_dtype(template[column])]
        return _write_buckets(targets, [part["groups"] for part in split], len(boundaries) + 1, template, sort_by,
                              text_columns, Path(tables_dir) / f"{name}.csv")
    finally:
        shutil.rmtree(buckets_dir, ignore_errors=True)


def _sampling(rows_per_bucket: int, n_partitions: int) -> tuple[int, int]:
    """The sample step k (every k-th sorted key of each partition) and the samples a bucket may span, such that a
    bucket spanning s samples holds at most ``k * (s + n_partitions) - n_partitions <= rows_per_bucket`` rows.

    A partition's rows in a key range number at most k times (its samples in the range + 1), less one: below its
    first sample in the range, and after its last, are fewer than k of its rows each.
    """
    step = max(1, rows_per_bucket // (2 * n_partitions))
    if step == 1:  # every key is a sample: a bucket holds exactly its samples' rows
        return 1, rows_per_bucket
    return step, rows_per_bucket // step - n_partitions


def _as_types(table: pd.DataFrame, dtypes: pd.Series) -> pd.DataFrame:
    """``table`` with the column types of the gathered table (a partition alone may have narrower ones)."""
    changed = {column: dtype for column, dtype in dtypes.items() if table[column].dtype != dtype}
    return table.astype(changed) if changed else table


def _sample_part(path: Path, columns: list[str] | None, sort_by: list[str] | None, step: int) -> dict:
    """A partition's first row (for the column types) and every ``step``-th of its keys in sorted order (positions
    step - 1, 2 step - 1, ...); only the sort columns are read whole."""
    file = pq.ParquetFile(path)
    names = file.schema_arrow.names
    missing = [column for column in columns or [] if column not in names]
    if missing:
        raise ValueError(f"Cannot write columns {missing} of {path}: it has no such column; its columns are {names}.")
    head = next(file.iter_batches(batch_size=1, columns=columns)).to_pandas()
    missing = [column for column in sort_by or [] if column not in head.columns]
    if missing:
        raise ValueError(f"Cannot sort {path} by {missing}: it has no such column; its columns are {list(head.columns)}. "
                         "Name sort columns among the columns written.")
    keys = pd.read_parquet(path, columns=list(sort_by or head.columns))
    sample = keys.take(display.sorted_order(keys)[step - 1::step]).reset_index(drop=True)
    return {"head": head, "sample": sample}


def _new_keys(ordered: pd.DataFrame) -> np.ndarray:
    """For sorted keys, whether each row starts a new key (differs from the row before; two missing values are equal)."""
    new = np.ones(len(ordered), dtype=bool)
    if len(ordered) < 2:
        return new
    new[1:] = False
    for column in ordered.columns:
        before = ordered[column].iloc[:-1].reset_index(drop=True)
        after = ordered[column].iloc[1:].reset_index(drop=True)
        differ = (before != after).fillna(True).to_numpy(dtype=bool) & ~(before.isna() & after.isna()).to_numpy(dtype=bool)
        new[1:] |= differ
    return new


def _bucket_boundaries(samples: pd.DataFrame, samples_per_bucket: int) -> pd.DataFrame:
    """The first key of every bucket but the first, in ascending order: whole keys are added to a bucket while it
    spans at most ``samples_per_bucket`` samples (a key with more samples makes a bucket alone)."""
    ordered = samples.take(display.sorted_order(samples)).reset_index(drop=True)
    starts = np.flatnonzero(_new_keys(ordered))
    sizes = np.diff(np.append(starts, len(ordered)))
    cuts, filled = [], 0
    for start, size in zip(starts.tolist(), sizes.tolist()):
        if filled and filled + size > samples_per_bucket:
            cuts.append(start)
            filled = 0
        filled += size
    return ordered.take(cuts).reset_index(drop=True)


def _buckets(keys: pd.DataFrame, boundaries: pd.DataFrame) -> np.ndarray:
    """The bucket of each row of ``keys``: the number of boundaries at or below its key, in pandas' own sort order.

    The boundaries are put before the rows and the whole sorted stably, so a row equal to a boundary comes after it
    and each row is counted against every boundary by the very comparison that orders the table.
    """
    merged = pd.concat([boundaries, keys], ignore_index=True)
    order = display.sorted_order(merged)
    is_boundary = order < len(boundaries)
    below = np.cumsum(is_boundary)
    buckets = np.empty(len(keys), dtype=np.int64)
    buckets[order[~is_boundary] - len(boundaries)] = below[~is_boundary]
    return buckets


def _split_part(paths: tuple[Path, Path], template: pd.DataFrame, sort_by: list[str],
                boundaries: pd.DataFrame) -> dict:
    """Write a partition's rows to ``paths[1]`` grouped by bucket (in row order within one), no row group holding
    two buckets; return ``{bucket: [row groups]}`` for its buckets that have rows ("groups") and its columns that may
    hold a spreadsheet formula ("text")."""
    source, target = paths
    part = _as_types(pd.read_parquet(source, columns=list(template.columns)), template.dtypes)
    buckets = _buckets(part[sort_by], boundaries)
    by_bucket = np.argsort(buckets, kind="stable")
    present, firsts = np.unique(buckets[by_bucket], return_index=True)
    table = pa.Table.from_pandas(part, preserve_index=False)  # one schema (and pandas' types) for every row group
    target.parent.mkdir(parents=True, exist_ok=True)
    lasts = [*firsts[1:].tolist(), len(part)]
    with pq.ParquetWriter(target, table.schema) as writer:
        for first, last in zip(firsts.tolist(), lasts):  # a row group never spans two calls (one per bucket)
            writer.write_table(table.take(by_bucket[first:last]), row_group_size=last - first)
    metadata = pq.ParquetFile(target).metadata  # pyarrow may cut a very large bucket into several row groups
    group_ends = np.cumsum([metadata.row_group(group).num_rows for group in range(metadata.num_row_groups)])
    groups: dict[int, list[int]] = {}
    for group, piece in enumerate(np.searchsorted(lasts, group_ends).tolist()):
        groups.setdefault(int(present[piece]), []).append(group)
    return {"groups": groups, "text": set(display.csv_text_columns(part))}


def _read_bucket(targets: list[Path], pieces: list[dict[int, list[int]]], bucket: int,
                 template: pd.DataFrame) -> pd.DataFrame:
    """A bucket's rows from every partition, in partition order, with the gathered table's column types."""
    parts = [pq.ParquetFile(target).read_row_groups(groups[bucket]).to_pandas()
             for target, groups in zip(targets, pieces) if bucket in groups]
    return _as_types(pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0], template.dtypes)


def _write_buckets(targets: list[Path], pieces: list[dict[int, list[int]]], n_buckets: int, template: pd.DataFrame,
                   sort_by: list[str], text_columns: list[str], path: Path) -> Path:
    """Append the buckets, in order, each sorted stably, to one CSV file (header once) with ``write_table``'s bytes."""
    # pandas formats some column types (dates) a chunk at a time: it then gets runs of its whole chunks (of fewer than
    # 100,000 rows), which start where they start in one write
    aligned = not display._writes_itself(template)
    chunk_rows = display.csv_part_rows(len(template.columns)) // display.CSV_PART_CHUNKS
    pending, header = template, True
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for bucket in range(n_buckets):
            if not any(bucket in groups for groups in pieces):
                continue
            table = _read_bucket(targets, pieces, bucket, template)
            order = display.sorted_order(table[sort_by])
            if aligned:
                table = pd.concat([pending, table.take(order)], ignore_index=True)
                order = np.arange(len(table) - len(table) % chunk_rows)
                pending = table.iloc[len(order):]
            if len(order):
                display.write_csv_rows(handle, table, order, text_columns, header=header)
                header = False
        if aligned and (len(pending) or header):
            display.write_csv_rows(handle, pending.reset_index(drop=True), np.arange(len(pending)), text_columns,
                                   header=header)
    return path
