"""A corpus kept as one table file (CSV, JSONL, Parquet): columns found by name or parameter, problems named by row and line."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus.load import CorpusError, load_corpus, load_corpus_for_run, source_fingerprint
from analysis.corpus.tables import iso_published, read_rows

TABLES = Path(__file__).parent / "data" / "table_corpus"
EXPECTED_IDS = ["101", "102", "103", "201", "202", "203"]


def documents(corpus):
    return corpus.documents.sort_values("doc_id")[["doc_id", "title", "outlet", "published", "url"]].reset_index(drop=True)


def test_media_cloud_csv_loads_with_default_columns():
    corpus = load_corpus(TABLES / "stories.csv")
    docs = corpus.documents.set_index("doc_id")
    assert sorted(docs.index) == EXPECTED_IDS and corpus.warnings.empty
    assert docs.loc["101", "published"] == "2014-05-20"  # the time of day is dropped
    assert docs.loc["101", "file"] == "stories.csv#1" and docs.loc["101", "outlet"] == "Harbour Gazette"
    assert corpus.docs_per_period() == {"2014–2015": 3, "2023–2024": 3}
    assert {"Share this article", "Advertisement", "Related Stories", "4 min read"} <= set(corpus.removed["text"])
    assert corpus.name == "stories"
    raw = docs["raw"]
    for row in corpus.paragraphs.itertuples(index=False):  # offsets point into each row's text
        assert raw[row.doc_id][row.start:row.end] == row.text


def test_jsonl_and_parquet_give_the_same_corpus(tmp_path):
    csv_docs = documents(load_corpus(TABLES / "stories.csv"))
    assert documents(load_corpus(TABLES / "stories.jsonl")).equals(csv_docs)
    rows, _ = read_rows(TABLES / "stories.csv")
    parquet = tmp_path / "stories.parquet"
    pd.DataFrame(rows).to_parquet(parquet)
    corpus = load_corpus(parquet)
    assert documents(corpus).equals(csv_docs)
    assert set(corpus.documents["file"]) == {f"stories.parquet#{n}" for n in range(1, 7)}


def test_columns_parameter_names_the_columns(tmp_path):
    table = pd.DataFrame(read_rows(TABLES / "stories.csv")[0]).rename(
        columns={"text": "story", "publish_date": "when", "media_name": "paper", "stories_id": "key"})
    path = tmp_path / "renamed.csv"
    table.to_csv(path, index=False)
    with pytest.raises(CorpusError, match=r"no column for the article text .* columns=\{'text': 'your_column'\}"):
        load_corpus(path)
    corpus = load_corpus(path, columns={"text": "story", "published": "when", "outlet": "paper", "doc_id": "key"})
    assert sorted(corpus.documents["doc_id"]) == EXPECTED_IDS


def test_outlet_from_the_url_host_when_there_is_no_outlet_column(tmp_path):
    table = pd.DataFrame(read_rows(TABLES / "stories.csv")[0]).drop(columns=["media_name"])
    table.loc[5, "url"] = "https://www.valley-post.example.net/x"
    path = tmp_path / "no_outlet.csv"
    table.to_csv(path, index=False)
    docs = load_corpus(path).documents.set_index("doc_id")
    assert docs.loc["101", "outlet"] == "harbour-gazette.example.org"
    assert docs.loc["203", "outlet"] == "valley-post.example.net"
    assert docs.loc["101", "notes"] == "outlet from the URL's host"


def write_csv(tmp_path, rows, header="stories_id,publish_date,title,url,media_name,text"):
    path = tmp_path / "bad.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


GOOD_EARLY = '1,2014-05-01,T,,Paper,"Line one of the text.\nLine two of the text."'
GOOD_LATE = "2,2024-05-01,T,,Paper,Late text here."


@pytest.mark.parametrize(("bad_row", "message"), [
    ("3,May 2015,T,,Paper,Some text.", r"bad.csv, row 3 \(line 5\): published 'May 2015' \(column 'publish_date'\) is not an ISO date"),
    ("3,2015-05-01,T,,Paper,", r"bad.csv, row 3 \(line 5\): the text column 'text' is empty"),
    ("3,2015-05-01,T,,,Some text.", r"bad.csv, row 3 \(line 5\): no outlet .* and no URL"),
    ("1,2015-05-01,T,,Paper,Some text.", r"bad.csv, row 1 \(line 2\), row 3 \(line 5\): doc_id '1' appears more than once"),
    ("3,2015-05-01,T,,Paper,Some text.,extra", r"bad.csv, row 3 \(line 5\): more values than the header has columns"),
])
def test_bad_rows_are_named_by_row_and_line(tmp_path, bad_row, message):
    with pytest.raises(CorpusError, match=message):
        load_corpus(write_csv(tmp_path, [GOOD_EARLY, GOOD_LATE, bad_row]))


@pytest.mark.parametrize(("columns", "message"), [
    ({"text": "missing"}, r"Parameter 'columns': 'text' is 'missing', but bad.csv has no such column"),
    ({"body": "text"}, r"Parameter 'columns': unknown field\(s\) 'body'"),
    (["text"], r"Parameter 'columns' must map fields to column names"),
])
def test_bad_columns_parameter_is_named(tmp_path, columns, message):
    with pytest.raises(CorpusError, match=message):
        load_corpus(write_csv(tmp_path, [GOOD_EARLY, GOOD_LATE]), columns=columns)


def test_jsonl_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "An early text.", "date": "2014-02-01", "outlet": "P", "id": "a"}\n\n'
                    '{"text": "A late text.", "date": "05/01/2024", "outlet": "P", "id": "b"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.jsonl, line 3: published '05/01/2024'"):  # May 1 or January 5: not guessed
        load_corpus(path)


def test_malformed_json_line_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "An early text.", "date": "2014-02-01", "outlet": "P"}\n{"text": "unterminated\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.jsonl, line 2: not valid JSON"):
        load_corpus(path)


def test_unreadable_csv_and_parquet_are_named(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text,published,outlet\nCaf\xe9 owners met.,2014-01-01,P\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin.csv, line 2: bytes are not UTF-8"):
        load_corpus(latin)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(CorpusError, match=r"broken.parquet cannot be read as a Parquet table"):
        load_corpus(broken)


def test_a_file_that_is_not_a_table_is_refused(tmp_path):
    path = tmp_path / "notes.docx"
    path.write_bytes(b"PK")
    with pytest.raises(CorpusError, match=r"is a file but not a table"):
        load_corpus(path)


def test_run_cache_is_keyed_by_the_table_bytes(tmp_path):
    path = tmp_path / "stories.csv"
    shutil.copy(TABLES / "stories.csv", path)
    before = source_fingerprint(path)
    corpus = load_corpus_for_run(path, None, tmp_path / "reports")
    assert corpus.fingerprint == before and len(corpus.documents) == 6
    path.write_text(path.read_text(encoding="utf-8").replace("record number", "large number"), encoding="utf-8")
    assert source_fingerprint(path) != before


def test_iso_published():
    assert [iso_published(v) for v in ("2014-02-07 03:14:00", "2024-02-09T07:45:00+03:00", "2015", "07/02/2014")] == [
        "2014-02-07", "2024-02-09", "2015", ""]


def test_a_jsonl_line_that_is_not_an_object_and_non_utf8_jsonl_are_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "An early text.", "date": "2014-02-01", "outlet": "P"}\n["A late text.", "2024-05-01"]\n',
                    encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.jsonl, line 2: a JSON list, not an object with named fields"):
        load_corpus(path)
    path.write_bytes('{"text": "Caf\xe9 owners met.", "date": "2014-02-01", "outlet": "P"}\n'.encode("latin-1"))
    with pytest.raises(CorpusError, match=r"bad.jsonl: bytes are not UTF-8 \(first bad byte at offset 13\)"):
        load_corpus(path)


def test_a_table_without_rows_or_without_outlet_and_url_is_named(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("text,published,outlet\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"empty.csv has no rows. Export at least one article per period"):
        load_corpus(empty)
    nameless = tmp_path / "nameless.csv"
    nameless.write_text("text,published,author\nXi met Putin.,2014-05-01,Ann\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"nameless.csv: no column for the outlet and none for the URL .*the file has "
                                          r"text, published, author.*columns=\{'outlet': 'source'\}"):
        load_corpus(nameless)


def test_a_csv_the_csv_module_cannot_read_is_named_with_its_line(tmp_path, monkeypatch):
    real_limit = csv.field_size_limit
    default = real_limit()
    monkeypatch.setattr(csv, "field_size_limit", lambda new: default)  # the reader may not lift the small limit set below
    path = tmp_path / "long.csv"
    path.write_text("text,published,outlet\n" + "Xi met Putin. " * 20 + ",2014-05-01,P\n", encoding="utf-8")
    real_limit(100)
    try:
        with pytest.raises(CorpusError, match=r"long.csv: cannot be read as CSV near line 2 \(field larger than field "
                                              r"limit \(100\)\)\. Save it as UTF-8 CSV"):
            load_corpus(path)
    finally:
        real_limit(default)


def test_a_table_too_large_for_this_machine_stops_before_loading(tmp_path, monkeypatch):
    """The memory check reads a CSV's size, or a Parquet file's columns uncompressed (at least its text), before
    loading; a file that is not Parquet after all still gets the loader's own error."""
    from analysis.corpus import load

    rows, _ = read_rows(TABLES / "stories.csv")
    parquet = tmp_path / "stories.parquet"
    pd.DataFrame(rows).to_parquet(parquet)
    text_chars = sum(len(row["text"]) for row in rows)
    assert text_chars <= load.table_characters(parquet) <= 2 * sum(len(str(v)) for row in rows for v in row.values())
    assert load.table_characters(TABLES / "stories.csv") == (TABLES / "stories.csv").stat().st_size
    assert load.table_characters(TABLES) is None  # a folder: the folder's own check
    for table in (TABLES / "stories.csv", parquet):
        need = load.memory_needed(load.table_characters(table))
        monkeypatch.setattr(load, "available_memory", lambda need=need: need - 1)
        with pytest.raises(CorpusError, match=r"the report holds the table's articles in one process, which needs about"):
            load_corpus_for_run(table, None, tmp_path / f"reports-{table.suffix}")
        monkeypatch.setattr(load, "available_memory", lambda need=need: need)
        assert len(load_corpus_for_run(table, None, tmp_path / f"reports-{table.suffix}").documents) == 6
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    assert load.table_characters(broken) is None
