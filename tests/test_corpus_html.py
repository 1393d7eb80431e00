"""A corpus kept as saved web pages: trafilatura's text and metadata, a metadata.csv to check, and no guessed dates."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus.html import extract_page
from analysis.corpus.load import CorpusError, load_corpus

PAGES = Path(__file__).parent / "data" / "html_corpus"


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "pages"
    shutil.copytree(PAGES, folder)
    return folder


def test_pages_load_and_metadata_is_written_with_sources(pages):
    corpus = load_corpus(pages)
    docs = corpus.documents.set_index("doc_id")
    assert docs["published"].to_dict() == {"river-port-2014": "2014-06-02", "timber-2015": "2015-09-21",
                                           "ferry-2023": "2023-03-28", "currency-2024": "2024-05-14"}
    assert docs.loc["ferry-2023", "outlet"] == "Harbour Gazette"
    assert docs.loc["timber-2015", "url"] == "https://valley-post.example.net/2015/09/21/timber-exports"
    metadata = pd.read_csv(pages / "metadata.csv", dtype=str, keep_default_na=False).set_index("file")
    assert "date from the page's markup" in metadata.loc["river-port-2014.html", "notes"]
    assert set(corpus.warnings["kind"]) == {"metadata written", "no date"}
    text = " ".join(corpus.paragraphs["text"])
    for furniture in ("Most read", "newsletter", "Storm closes", "Share this article", "All rights reserved"):
        assert furniture not in text
    headlines = corpus.paragraphs[corpus.paragraphs["headline"]]["text"].tolist()
    assert "River port to double its capacity" in headlines


def test_a_page_without_a_date_in_its_markup_is_listed_not_guessed(pages):
    page = extract_page(pages / "undated-market.html")
    assert page["published"] == "" and "Posted 3 March 2015" in page["text"]  # the date in the text is not taken
    corpus = load_corpus(pages)
    warning = corpus.warnings[corpus.warnings["kind"] == "no date"]
    assert warning["file"].tolist() == ["undated-market.html"]
    assert "Fill in 'published'" in warning["message"].iloc[0]
    assert "undated-market" not in set(corpus.documents["doc_id"])


def test_corrections_to_metadata_are_kept(pages):
    load_corpus(pages)
    path = pages / "metadata.csv"
    metadata = pd.read_csv(path, dtype=str, keep_default_na=False)
    metadata.loc[metadata["file"] == "undated-market.html", "published"] = "2015-03-03"
    metadata.loc[metadata["file"] == "ferry-2023.html", "outlet"] = "Harbour Gazette (river edition)"
    metadata.to_csv(path, index=False)
    corpus = load_corpus(pages)
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["undated-market", "published"] == "2015-03-03"
    assert docs.loc["ferry-2023", "outlet"] == "Harbour Gazette (river edition)"
    assert corpus.warnings.empty
    assert pd.read_csv(path, dtype=str, keep_default_na=False).equals(metadata.astype(str))


def test_metadata_row_for_a_missing_page_is_named(pages):
    load_corpus(pages)
    with (pages / "metadata.csv").open("a", encoding="utf-8") as handle:
        handle.write("gone.html,gone,T,P,2015-01-01,,\n")
    with pytest.raises(CorpusError, match=r"metadata.csv, row 7 \(gone.html\): no such page"):
        load_corpus(pages)


def test_a_new_page_without_a_row_is_listed(pages):
    load_corpus(pages)
    shutil.copy(pages / "timber-2015.html", pages / "timber-copy.html")
    corpus = load_corpus(pages)
    assert corpus.warnings.set_index("file").loc["timber-copy.html", "kind"] == "no metadata"


def test_run_cache_key_follows_the_pages(pages):
    from analysis.corpus.load import source_fingerprint

    assert source_fingerprint(pages) is None  # no metadata.csv yet: the loader writes it first
    load_corpus(pages)
    before = source_fingerprint(pages)
    page = pages / "timber-2015.html"
    page.write_text(page.read_text(encoding="utf-8").replace("third year", "fourth year"), encoding="utf-8")
    assert source_fingerprint(pages) not in (None, before)


def edit_metadata(pages, change):
    """Write metadata.csv from the pages, then apply ``change`` (a function of the table) to it."""
    load_corpus(pages)
    path = pages / "metadata.csv"
    change(pd.read_csv(path, dtype=str, keep_default_na=False)).to_csv(path, index=False)


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.assign(doc_id=t["doc_id"].mask(t["file"] == "timber-2015.html", "")),
     r"metadata.csv, row \d+ \(timber-2015.html\): 'doc_id' is empty. Fill it in"),
    (lambda t: t.assign(published=t["published"].mask(t["file"] == "timber-2015.html", "21/09/2015")),
     r"metadata.csv, row \d+ \(timber-2015.html\): published '21/09/2015' is not an ISO date. Write YYYY, YYYY-MM or YYYY-MM-DD"),
    (lambda t: t.assign(doc_id="same"), r"metadata.csv, row 2, row 3, .*: doc_id 'same' appears more than once"),
    (lambda t: t.drop(columns=["outlet", "url"]), r"metadata.csv lacks column\(s\) outlet, url. Add them, or delete the file"),
])
def test_bad_metadata_rows_of_saved_pages_are_named(pages, change, message):
    edit_metadata(pages, change)
    with pytest.raises(CorpusError, match=message):
        load_corpus(pages)


def test_metadata_of_saved_pages_that_is_not_utf8_is_named(pages):
    load_corpus(pages)
    path = pages / "metadata.csv"
    path.write_bytes(path.read_bytes().replace(b"Harbour Gazette", "Gazette \xe9t\xe9".encode("latin-1")))
    with pytest.raises(CorpusError, match=r"metadata.csv cannot be read as UTF-8 CSV \(.*\). Save it as UTF-8 with a header row"):
        load_corpus(pages)
