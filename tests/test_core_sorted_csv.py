"""A partitioned table written as one sorted CSV has the bytes of write_table on the gathered table, on a local cluster."""

import numpy as np
import pandas as pd
import pytest

from analysis.core import display, sorted_csv
from analysis.core.engine import dask_client, partition_path, read_table, write_table
from analysis.core.sorted_csv import write_partitioned_table

ROWS_PER_BUCKET = [1, 3, 7, 40, 100_000]
TEXT_PIECES = ["=1+1", "+x", "-", "@a", "\t", "\r", ",", '"', "'", "\n", "\r\n", " ", "é", "中", "😀", "Xi", "a", "A",
               "0", "nan", ""]


@pytest.fixture(scope="module")
def client():
    with dask_client("", processes=False) as client:
        yield client


def _partitioned(folder, parts, stage="figures"):
    for number, part in enumerate(parts):
        write_table(part, partition_path(folder, stage, number))
    return folder


def _assert_same_bytes(client, folder, tmp_path, sort_by, columns=None, stage="figures", sizes=ROWS_PER_BUCKET):
    """write_partitioned_table gives write_table's bytes on the gathered table, for every bucket size; no bucket
    files are left behind."""
    gathered = read_table(folder, stage)
    expected = display.write_table(gathered[columns] if columns else gathered, tmp_path / "gathered", "table", sort_by)
    for rows_per_bucket in sizes:
        written = write_partitioned_table(client, folder, stage, tmp_path / "sorted", "table", sort_by, columns,
                                          rows_per_bucket=rows_per_bucket)
        assert written == tmp_path / "sorted" / "table.csv"
        assert written.read_bytes() == expected.read_bytes(), (sort_by, columns, rows_per_bucket)
        assert not (folder / f"{stage}-sorted").exists()
    return expected.read_bytes()


def _figures(rng, n, first_row):
    """Figure rows with few distinct keys (so ties cross partitions), awkward text and every simple column type; the
    ``row`` column is unique, so any change of order among ties changes the bytes."""
    def texts():
        cells = ["".join(rng.choice(TEXT_PIECES, rng.integers(0, 4))) for _ in range(n)]
        return [None if rng.random() < 0.1 else cell for cell in cells]

    floats = np.array([np.nan, -0.0, 0.0, np.inf, -np.inf, 1 / 3, 1e20, -2.5e-7, 7.0])
    return pd.DataFrame({
        "period": pd.Series(rng.choice(["2014-2016", "2022-2024"], n), dtype="str"),
        "doc_id": pd.Series(rng.choice(np.array(["a-1", "a-2", "B", "é-3", "中", "=doc", None], dtype=object), n), dtype="str"),
        "start": rng.integers(0, 4, n),
        "sentence": pd.Series(texts(), dtype="str"),
        "value": rng.choice(floats, n),
        "flag": rng.random(n) < 0.5,
        "row": np.arange(first_row, first_row + n),
    })


@pytest.fixture(scope="module")
def figures_folder(tmp_path_factory):
    """Seven partitions, the first and one in the middle without rows."""
    rng = np.random.default_rng(11)
    sizes = [0, 37, 1, 60, 0, 45, 23]
    parts, first = [], 0
    for size in sizes:
        parts.append(_figures(rng, size, first))
        first += size
    return _partitioned(tmp_path_factory.mktemp("work"), parts)


@pytest.mark.parametrize("sort_by", [["period", "doc_id", "start"], ["start"], ["value"], ["flag", "sentence"],
                                     ["sentence"], ["doc_id", "value", "row"], None])
def test_a_partitioned_table_is_written_with_the_bytes_of_write_table(client, figures_folder, tmp_path, sort_by):
    """Ties across partitions (a few keys over 166 rows), keys repeated on more rows than a bucket holds, missing
    text and floats (sorted last) and signed zeros in a sort column, text to quote and neutralise, empty partitions:
    the same bytes."""
    written = _assert_same_bytes(client, figures_folder, tmp_path, sort_by)
    assert b"'=1+1" in written and b"'=doc" in written and '中'.encode() in written


def test_a_selection_of_columns_is_written_as_the_gathered_selection(client, figures_folder, tmp_path):
    _assert_same_bytes(client, figures_folder, tmp_path, ["doc_id", "start"], ["sentence", "start", "doc_id"])
    _assert_same_bytes(client, figures_folder, tmp_path, ["sentence"], ["sentence"])  # one column: "" for an empty cell


def test_ties_keep_partition_order_then_row_order(client, tmp_path):
    """One key on every row of three partitions, so the written order is the stored order, whatever the buckets."""
    parts = [pd.DataFrame({"key": ["k"] * size, "row": range(first, first + size)})
             for first, size in [(0, 5), (5, 0), (5, 9), (14, 4)]]
    written = _assert_same_bytes(client, _partitioned(tmp_path / "work", parts), tmp_path, ["key"])
    assert written == b"key,row\n" + b"".join(b"k,%d\n" % row for row in range(18))


def test_a_table_without_rows_is_its_header(client, tmp_path):
    """Every partition empty: the header alone, as write_table writes it for these columns and types."""
    parts = [_figures(np.random.default_rng(0), 0, 0) for _ in range(3)]
    written = _assert_same_bytes(client, _partitioned(tmp_path / "work", parts), tmp_path, ["period", "doc_id"])
    assert written == b"period,doc_id,start,sentence,value,flag,row\n"


@pytest.mark.parametrize("text_type", ["str", object])  # object: the table is written by pandas
def test_partitions_of_narrower_types_are_written_as_the_gathered_types(client, tmp_path, text_type):
    """Integers in one partition and floats in another are floats in the gathered table; a text column that is
    missing everywhere in one partition is still text."""  # 12345678901234 as a float is 1.23456789e+13
    parts = [pd.DataFrame({"key": [3, 12_345_678_901_234, 2], "text": pd.Series([None, None, None], dtype=text_type)}),
             pd.DataFrame({"key": [2.5, 1.0, np.nan], "text": pd.Series(["=x", "b", "a,b"], dtype=text_type)})]
    _assert_same_bytes(client, _partitioned(tmp_path / "work", parts), tmp_path, ["key"])


@pytest.mark.parametrize("part_chunks", [1, 10])
def test_tables_written_by_pandas_get_its_chunks_as_in_one_write(client, tmp_path, monkeypatch, part_chunks):
    """A date column leaves the table to pandas, which writes a date with a time of day in its chunk only (here the
    last, of 33,333 rows for three columns): the buckets are written in whole chunks, as write_table writes them in
    parts of one chunk or of ten."""
    monkeypatch.setattr(display, "CSV_PART_CHUNKS", part_chunks)
    rng = np.random.default_rng(5)
    n = 40_000
    table = pd.DataFrame({"key": rng.integers(0, 300, n),
                          "when": pd.to_datetime("2014-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D"),
                          "row": np.arange(n)})
    table.loc[table["key"] == table["key"].max(), "when"] += pd.Timedelta(hours=5)
    parts = [table.iloc[first:first + 10_000] for first in range(0, n, 10_000)]
    written = _assert_same_bytes(client, _partitioned(tmp_path / "work", parts), tmp_path, ["key"], sizes=[4_000])
    assert b" 05:00:00" in written and b"2014-01-01 00:00:00" not in written[:100_000]


def test_buckets_hold_at_most_rows_per_bucket_unless_one_key_is_larger(client, tmp_path, monkeypatch):
    """The driver reads one bucket at a time; a bucket exceeds rows_per_bucket only when one key alone does."""
    rng = np.random.default_rng(2)
    parts = [pd.DataFrame({"key": np.where(rng.random(size) < 0.3, 50, rng.integers(0, 2_000, size)), "row": range(size)})
             for size in [300, 0, 500, 200, 1]]
    read = []
    original = sorted_csv._read_bucket

    def spy(*args):
        bucket = original(*args)
        read.append(bucket)
        return bucket

    monkeypatch.setattr(sorted_csv, "_read_bucket", spy)
    folder = _partitioned(tmp_path / "work", parts)
    for rows_per_bucket in [10, 60, 150]:
        read.clear()
        _assert_same_bytes(client, folder, tmp_path, ["key"], sizes=[rows_per_bucket])
        assert sum(map(len, read)) == 1_001 and len(read) > 1
        for bucket in read:
            largest_key = bucket["key"].value_counts().max()
            assert len(bucket) <= rows_per_bucket or largest_key > rows_per_bucket, (rows_per_bucket, len(bucket))


def test_a_sort_column_not_in_the_table_is_named(client, figures_folder, tmp_path):
    with pytest.raises(ValueError, match=r"\['paragraph'\].*no such column"):
        write_partitioned_table(client, figures_folder, "figures", tmp_path, "table", ["period", "paragraph"])
    with pytest.raises(ValueError, match=r"\['period'\].*no such column"):
        write_partitioned_table(client, figures_folder, "figures", tmp_path, "table", ["period"], ["doc_id", "start"])
    with pytest.raises(ValueError, match=r"columns \['paragraph'\].*no such column"):
        write_partitioned_table(client, figures_folder, "figures", tmp_path, "table", ["period"], ["period", "paragraph"])
    with pytest.raises(ValueError, match="rows_per_bucket"):
        write_partitioned_table(client, figures_folder, "figures", tmp_path, "table", ["period"], rows_per_bucket=0)


def test_a_bucket_cut_into_several_row_groups_is_read_whole(client, figures_folder, tmp_path, monkeypatch):
    """pyarrow may cut a large bucket into row groups (its limit on rows per group); every group is read, in order."""
    write = sorted_csv.pq.ParquetWriter.write_table
    monkeypatch.setattr(sorted_csv.pq.ParquetWriter, "write_table",
                        lambda writer, table, row_group_size=None: write(writer, table, row_group_size=3))
    _assert_same_bytes(client, figures_folder, tmp_path, ["period", "doc_id", "start"], sizes=[40, 100_000])
