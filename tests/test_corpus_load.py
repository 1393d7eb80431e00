"""Loading and validating a corpus: metadata, periods, and every bad-input case named in issue 2."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis.corpus.load import CorpusError, assign_period, load_corpus, parse_periods, published_interval

EARLY = "Xi met Putin in Moscow on May 9. They discussed gas and trade at length today."
LATE = "Putin met Xi in Beijing and Harbin. They signed eleven agreements on energy and trade."
OTHER_EARLY = "Chinese investment in Kazakhstan grew. Analysts in Astana expect more pipelines soon."


def test_seeds_load_with_metadata_and_periods():
    corpus = load_corpus()
    docs = corpus.documents
    assert len(docs) == 5 and corpus.warnings.empty
    assert corpus.docs_per_period() == {"2014–2015": 3, "2023–2024": 2}
    assert set(docs["outlet"]) >= {"Deutsche Welle (DW)", "AsiaNews", "Vestnik Kavkaza"}
    assert docs.set_index("doc_id").loc["dw-2015-05-07", "published"] == "2015-05-07"
    assert (docs["n_words"] > 300).all()
    assert len(corpus.fingerprint) == 16


def test_mini_corpus_tables(mini_corpus):
    corpus = load_corpus(mini_corpus)
    assert list(corpus.documents["doc_id"]) == ["early", "late"]
    assert list(corpus.removed["rule"]) == ["navigation", "image_credit", "byline"]
    late = corpus.sentences[corpus.sentences["doc_id"] == "late"]["text"].tolist()
    assert late == ["Putin goes to Beijing", "Putin met Xi in Beijing.", "They signed 11 agreements."]
    assert list(corpus.sentences["sent_id"])[:2] == ["early:s0001", "early:s0002"]


def test_fingerprint_changes_with_content(mini_corpus):
    before = load_corpus(mini_corpus).fingerprint
    (mini_corpus / "early.txt").write_text("Changed text about Xi and Putin.\n", encoding="utf-8")
    assert load_corpus(mini_corpus).fingerprint != before


@pytest.mark.parametrize(("value", "first", "last"), [
    ("2014", "2014-01-01", "2014-12-31"), ("2015-02", "2015-02-01", "2015-02-28"),
    ("2024-12", "2024-12-01", "2024-12-31"), ("2015-05-07", "2015-05-07", "2015-05-07")])
def test_published_interval(value, first, last):
    assert [d.isoformat() for d in published_interval(value)] == [first, last]


def test_period_needs_whole_date_inside():
    periods = parse_periods({"a": ["2014-01-01", "2015-06-30"], "b": ["2015-07-01", "2016-12-31"]})
    assert assign_period("2015-05", periods) == "a"
    assert assign_period("2015", periods) is None  # straddles the boundary: too imprecise to place


# ---- fatal errors: each message names the culprit -------------------------------------------

def test_missing_file_for_metadata_row(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE}, [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024"),
                                                          ("gone.txt", "c", "Z", "2024")])
    with pytest.raises(CorpusError, match=r"row 4: file 'gone.txt' is not in"):
        load_corpus(folder)


def test_unparseable_published(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE}, [("a.txt", "a", "X", "May 2015"), ("b.txt", "b", "Y", "2024")])
    with pytest.raises(CorpusError, match=r"row 2 \(a.txt\): published 'May 2015' is not an ISO date"):
        load_corpus(folder)


def test_missing_metadata_file(tmp_path):
    (tmp_path / "a.txt").write_text(EARLY, encoding="utf-8")
    with pytest.raises(CorpusError, match="metadata.csv not found"):
        load_corpus(tmp_path)


def test_missing_metadata_column(tmp_path):
    (tmp_path / "metadata.csv").write_text("file,doc_id,outlet\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="lacks column"):
        load_corpus(tmp_path)


def test_duplicate_doc_id(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE}, [("a.txt", "same", "X", "2015"), ("b.txt", "same", "Y", "2024")])
    with pytest.raises(CorpusError, match="doc_id 'same' appears more than once"):
        load_corpus(folder)


@pytest.mark.parametrize(("periods", "message"), [
    ({"only": ["2014-01-01", "2015-12-31"]}, "at least two period"),
    ({"a": ["2014-01-01"], "b": ["2023-01-01", "2024-12-31"]}, "period 'a': expected"),
    ({"a": ["2014-13-01", "2015-12-31"], "b": ["2023-01-01", "2024-12-31"]}, "period 'a'.*not two ISO dates"),
    ({"a": ["2015-12-31", "2014-01-01"], "b": ["2023-01-01", "2024-12-31"]}, "first day 2015-12-31 is after"),
    ({"a": ["2014-01-01", "2023-06-30"], "b": ["2023-01-01", "2024-12-31"]}, "'a'.*overlaps 'b'"),
    ("2014-2015", "must map"),
])
def test_malformed_or_overlapping_periods(mini_corpus, periods, message):
    with pytest.raises(CorpusError, match=f"Parameter 'periods'.*{message}"):
        load_corpus(mini_corpus, periods)


def test_no_documents_at_all(make_corpus):
    folder = make_corpus({}, [])
    with pytest.raises(CorpusError, match="No usable documents"):
        load_corpus(folder)


def test_period_without_documents(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": OTHER_EARLY}, [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2014-03")])
    with pytest.raises(CorpusError, match="Period '2023–2024'.*has no documents"):
        load_corpus(folder)


def test_corpus_dir_that_is_not_a_folder(tmp_path):
    with pytest.raises(CorpusError, match="Parameter 'corpus_dir'"):
        load_corpus(tmp_path / "nowhere")


# ---- warnings: listed, never silent ---------------------------------------------------------

def warning_kinds(corpus):
    return sorted(zip(corpus.warnings["kind"], corpus.warnings["file"]))


def test_txt_without_metadata_is_listed(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE, "extra.txt": OTHER_EARLY},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024")])
    corpus = load_corpus(folder)
    assert warning_kinds(corpus) == [("no metadata", "extra.txt")]
    assert "extra" not in set(corpus.documents["doc_id"])


def test_empty_file_is_listed(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE, "c.txt": "  \n"},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024"), ("c.txt", "c", "Z", "2024")])
    corpus = load_corpus(folder)
    assert warning_kinds(corpus) == [("empty file", "c.txt")]
    assert list(corpus.excluded["doc_id"]) == ["c"]


def test_exact_and_near_duplicates_kept_once(make_corpus):
    long_text = " ".join(f"Sentence number {i} about China and Russia and their gas trade." for i in range(40))
    near = long_text.replace("number 39", "number thirty-nine")
    folder = make_corpus({"a.txt": long_text, "b.txt": LATE, "copy.txt": long_text, "near.txt": near},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024"), ("copy.txt", "copy", "X", "2015-06"),
                          ("near.txt", "near", "X", "2015-07")])
    corpus = load_corpus(folder)
    assert warning_kinds(corpus) == [("exact duplicate", "copy.txt"), ("near duplicate", "near.txt")]
    assert sorted(corpus.documents["doc_id"]) == ["a", "b"]
    assert "kept a.txt only" in corpus.warnings["message"].iloc[0]


def test_a_runs_corpus_is_the_loaded_one_without_raw_text_though_the_text_is_never_sent_back(make_corpus, tmp_path):
    """A run's loading leaves each article's raw text in its worker and carries only its length: the tables are those
    of a full load with the text dropped, duplicates' excluded rows included."""
    from analysis.corpus.load import load_corpus_for_run, without_raw_text

    long_text = " ".join(f"Sentence number {i} about China and Russia and their gas trade." for i in range(40))
    folder = make_corpus({"a.txt": long_text, "b.txt": "Xi’s visit.\n\n" + LATE, "copy.txt": long_text, "c.txt": "   "},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024"), ("copy.txt", "copy", "X", "2015-06"),
                          ("c.txt", "c", "Y", "2024-02")])
    full = load_corpus(folder)
    expected, run = without_raw_text(full), load_corpus_for_run(folder, None, tmp_path / "reports")
    assert "raw" in full.documents.columns and "raw" not in run.documents.columns
    assert run.documents["n_chars"].tolist() == full.documents["raw"].str.len().tolist()
    for name in ("documents", "paragraphs", "sentences", "removed", "warnings", "excluded"):
        pd.testing.assert_frame_equal(getattr(run, name), getattr(expected, name), check_exact=True)
    assert run.excluded["reason"].tolist() == ["empty file", "exact duplicate of a"]


def test_non_utf8_bytes_fall_back_to_cp1252(make_corpus):
    folder = make_corpus({"a.txt": "Xi’s visit to Moscow was long and warm; the talks covered gas.".encode("cp1252"),
                          "b.txt": LATE},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024")])
    corpus = load_corpus(folder)
    assert warning_kinds(corpus) == [("encoding", "a.txt")]
    assert "decoded as cp1252" in corpus.warnings["message"].iloc[0]
    assert corpus.documents.set_index("doc_id").loc["a", "raw"].startswith("Xi’s visit")


def test_utf8_bom_is_accepted_silently(make_corpus):
    folder = make_corpus({"a.txt": b"\xef\xbb\xbf" + EARLY.encode(), "b.txt": LATE},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024")])
    corpus = load_corpus(folder)
    assert corpus.warnings.empty
    assert corpus.documents.set_index("doc_id").loc["a", "encoding"] == "utf-8-sig"


def test_document_outside_every_period_is_listed(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE, "old.txt": OTHER_EARLY},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024"), ("old.txt", "old", "Z", "2019-04")])
    corpus = load_corpus(folder)
    assert warning_kinds(corpus) == [("outside periods", "old.txt")]
    assert "published 2019-04" in corpus.warnings["message"].iloc[0]


def test_other_files_in_the_folder_are_listed(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE, "notes.docx": b"binary"},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024")])
    assert warning_kinds(load_corpus(folder)) == [("ignored file", "notes.docx")]


def test_documents_table_is_tidy():
    docs = load_corpus().documents
    assert docs["doc_id"].is_unique
    assert not docs.drop(columns=["url"]).isna().any().any()
    assert isinstance(docs, pd.DataFrame)


def test_a_runs_corpus_keeps_each_articles_length_and_not_its_raw_text(mini_corpus, tmp_path):
    from analysis.corpus.load import load_corpus_for_run

    loaded = load_corpus(mini_corpus)
    for run_corpus in (load_corpus_for_run(mini_corpus, None, tmp_path), load_corpus_for_run(mini_corpus, None, tmp_path)):
        assert "raw" not in run_corpus.documents.columns  # neither when loaded nor when read back
        assert run_corpus.documents["n_chars"].tolist() == loaded.documents["raw"].map(len).tolist()
        pd.testing.assert_frame_equal(run_corpus.documents, loaded.documents.drop(columns=["raw"]))
        pd.testing.assert_frame_equal(run_corpus.sentences, loaded.sentences)


def test_a_corpus_too_large_for_this_machine_stops_before_loading(mini_corpus, tmp_path, monkeypatch):
    """The check counts the listed files' bytes (about their characters) at the measured bytes per character."""
    from analysis.corpus import load

    size = sum((mini_corpus / name).stat().st_size for name in load.read_metadata(mini_corpus)["file"])
    monkeypatch.setattr(load, "available_memory", lambda: load.MEMORY_PER_CHARACTER * size - 1)
    with pytest.raises(CorpusError, match=rf"the report holds the corpus's {len(load.read_metadata(mini_corpus))} "
                                          rf"articles in one process, which needs about .* \({size:,} characters; "
                                          r"10 bytes per character, measured\).*on a machine with more memory\."):
        load.load_corpus_for_run(mini_corpus, None, tmp_path)
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").glob("corpus-*/*"))  # nothing stored
    monkeypatch.setattr(load, "available_memory", lambda: load.MEMORY_PER_CHARACTER * size)
    assert len(load.load_corpus_for_run(mini_corpus, None, tmp_path).documents) == len(load.read_metadata(mini_corpus))


def test_a_runs_fingerprint_is_computed_once_and_again_when_any_file_changes(make_corpus, tmp_path, monkeypatch):
    """Later notebooks reuse the first's fingerprint while no file changed; a change of the same size with the old
    modification time restored, a new unlisted file, or a changed metadata.csv make it computed (and differ) again."""
    import os
    import time

    from analysis.corpus import load
    from analysis.corpus.load import read_metadata, remembered_fingerprint

    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE}, [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024")])
    reports, computed = tmp_path / "reports", []
    original = load._listed_fingerprint
    monkeypatch.setattr(load, "_listed_fingerprint", lambda *args: computed.append(1) or original(*args))

    def fingerprint_now():
        value, _ = remembered_fingerprint(folder, read_metadata(folder), reports)
        assert value == original(folder, read_metadata(folder))  # always the fingerprint of the files as they are
        return value

    first = fingerprint_now()
    assert fingerprint_now() == first and len(computed) == 1  # the second notebook reads no article
    before = os.stat(folder / "a.txt")
    # The kernel stamps change times from a coarse clock (a few milliseconds): let one tick pass, as it would between
    # writing a corpus and editing it, so the edit's change time differs from the one recorded.
    time.sleep(0.05)
    (folder / "a.txt").write_text(EARLY.replace("Xi", "Li"), encoding="utf-8")  # same length, new bytes
    os.utime(folder / "a.txt", ns=(before.st_atime_ns, before.st_mtime_ns))  # modification time set back
    assert os.stat(folder / "a.txt").st_size == before.st_size
    changed = fingerprint_now()
    assert changed != first and len(computed) == 2
    (folder / "notes.docx").write_bytes(b"x")
    assert fingerprint_now() != changed and len(computed) == 3
    assert fingerprint_now() and len(computed) == 3


def test_notebooks_starting_at_once_compute_the_fingerprint_once(make_corpus, tmp_path, monkeypatch):
    """Two notebooks of a run that ask at the same moment (02 starts beside 01) read the articles once: the second
    waits for the first's lock, then reuses what it stored."""
    import threading
    import time

    from analysis.corpus import load
    from analysis.corpus.load import read_metadata, remembered_fingerprint

    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE}, [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024")])
    computed, original = [], load._listed_fingerprint

    def slow(*args):
        computed.append(1)
        time.sleep(0.3)  # long enough that the second thread asks while the first is still reading
        return original(*args)

    monkeypatch.setattr(load, "_listed_fingerprint", slow)
    values = []
    threads = [threading.Thread(target=lambda: values.append(
        remembered_fingerprint(folder, read_metadata(folder), tmp_path / "reports")[0])) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(computed) == 1
    assert values == [original(folder, read_metadata(folder))] * 2


def test_the_first_notebook_loads_while_the_files_are_hashed(make_corpus, tmp_path, monkeypatch):
    """The first notebook's loading runs beside the hashing and its result comes back with the fingerprint; later
    notebooks do not load (the stored fingerprint serves); a loading that fails does not wait for the hashing."""
    import threading
    import time

    from analysis.corpus import load
    from analysis.corpus.load import read_metadata, remembered_fingerprint

    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE}, [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024")])
    original, hashing = load._listed_fingerprint, threading.Event()

    def slow(*args):
        hashing.set()
        time.sleep(1.0)
        return original(*args)

    monkeypatch.setattr(load, "_listed_fingerprint", slow)
    value, loaded = remembered_fingerprint(folder, read_metadata(folder), tmp_path / "first",
                                           meanwhile=lambda: hashing.wait(5) and "corpus")
    assert (value, loaded) == (original(folder, read_metadata(folder)), "corpus")  # loaded while the hash was running
    assert remembered_fingerprint(folder, read_metadata(folder), tmp_path / "first",
                                  meanwhile=lambda: pytest.fail("loaded again")) == (value, None)

    def broken():
        raise CorpusError("no usable documents")

    started = time.monotonic()
    with pytest.raises(CorpusError, match="no usable documents"):
        remembered_fingerprint(folder, read_metadata(folder), tmp_path / "second", meanwhile=broken)
    assert time.monotonic() - started < 0.9


def test_article_not_in_english_is_kept_and_listed(make_corpus):
    german = ("Der russische Präsident Wladimir Putin ist zu einem Staatsbesuch in China eingetroffen. "
              "Beide Seiten wollen die Zusammenarbeit bei Energie und Handel vertiefen. ") * 5
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE, "de.txt": german},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024"), ("de.txt", "de", "Z", "2024-02")])
    corpus = load_corpus(folder)
    assert warning_kinds(corpus) == [("not English?", "de.txt")]
    assert "de" in set(corpus.documents["doc_id"])


def test_seed_articles_read_as_english():
    assert not (load_corpus().warnings["kind"] == "not English?").any()


def test_document_texts_join_cleaned_paragraphs(mini_corpus):
    corpus = load_corpus(mini_corpus)
    texts = corpus.document_texts().set_index("doc_id")
    first = corpus.paragraphs.sort_values(["doc_id", "para_no"]).groupby("doc_id")["text"].apply(list)
    for doc_id, paragraphs in first.items():
        assert texts.loc[doc_id, "text"] == "\n\n".join(paragraphs)
    assert list(texts.index) == sorted(corpus.documents["doc_id"])


def test_an_empty_required_value_names_the_row_and_column(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE}, [("a.txt", "a", "X", "2015"), ("b.txt", "b", "", "2024")])
    with pytest.raises(CorpusError, match=r"metadata.csv, row 3: 'outlet' is empty. Fill it in"):
        load_corpus(folder)


def test_metadata_that_is_not_utf8_or_not_csv_is_named(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE}, [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024")])
    metadata = folder / "metadata.csv"
    metadata.write_bytes(metadata.read_bytes().replace(b"Title of a", "Titre \xe9t\xe9".encode("latin-1")))
    with pytest.raises(CorpusError, match=r"metadata.csv is not UTF-8 text \(bad byte at offset \d+\). Save it as CSV UTF-8"):
        load_corpus(folder)
    metadata.write_text("file,doc_id,title,outlet,published,url,notes\na.txt,a,T,X,2015,,\nb.txt,b,T,Y,2024,,,one,too many\n",
                        encoding="utf-8")
    with pytest.raises(CorpusError, match=r"metadata.csv cannot be read as CSV \(.*Expected 7 fields in line 3, saw 9.*\). "
                                          r"Check that every row has the header's columns"):
        load_corpus(folder)


def test_a_broken_byte_order_mark_or_a_dangling_link_names_the_file(make_corpus):
    folder = make_corpus({"a.txt": b"\xff\xfe" + b"\x00\xd8", "b.txt": LATE},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024")])
    with pytest.raises(CorpusError, match=r"a.txt starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                                          r"\(bad bytes at offset 2\). Re-save it as UTF-8 text"):
        load_corpus(folder)
    (folder / "a.txt").unlink()
    (folder / "a.txt").symlink_to(folder / "deleted.txt")
    with pytest.raises(CorpusError, match=r"metadata.csv, row 2: file 'a.txt' cannot be read \(No such file or directory\)"):
        load_corpus(folder)


def test_language_check_counts_letters_as_str_isalpha_does():
    from analysis.corpus.load import _language_warning

    text = "Путин и Си Цзиньпин встретились в Москве; 习近平 ½ ſ Ⅻ 2024. " * 3 + "Xi and Putin met. Émigré"
    letters = [char for char in text if char.isalpha()]  # the definition the faster count must keep
    latin = sum(ord(char) <= 0x024F for char in letters) / len(letters)
    assert _language_warning(text).startswith(f"only {latin:.0%} of its {len(letters):,} letters are in the Latin alphabet")


def test_word_counts_and_language_check_agree_however_lower_casing_changes_the_text(make_corpus):
    """Where lower-casing maps every character to one, one word list serves both; elsewhere ('İ') the general path."""
    from analysis.corpus.load import WORD_PATTERN, _language_warning

    for char in map(chr, range(0x110000)):  # what the shared list rests on: no such lowering changes a word's extent
        lower = char.lower()
        if lower != char and len(lower) == 1:
            assert (bool(re.fullmatch(r"\w", char)), char in "-'’") == (bool(re.fullmatch(r"\w", lower)), lower in "-'’"), char

    turkish = "İstanbul'da Erdoğan ile görüştü.\n\nThe İSTANBUL talks went on. " + "Xi and Putin met again. " * 3
    folder = make_corpus({"a.txt": EARLY + "\n\nIt-was 'quoted' O'Brien's co-op.", "b.txt": turkish},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024")])
    corpus = load_corpus(folder)
    words = corpus.paragraphs["text"].map(lambda text: len(WORD_PATTERN.findall(text)))
    assert corpus.documents.set_index("doc_id")["n_words"].to_dict() == words.groupby(corpus.paragraphs["doc_id"]).sum().to_dict()
    english = "The ministers met in Moscow and they talked of gas. " * 10
    other = "Les ministres se sont rencontrés à Moscou, et parlèrent longuement du gaz naturel. " * 10
    for text in (english, other, other.encode("ascii", "ignore").decode()):
        assert _language_warning(text, WORD_PATTERN.findall(text.lower())) == _language_warning(text)
    assert _language_warning(english) is None and _language_warning(other).startswith("only 0% of its 130 words")


def test_word_counts_are_those_of_the_kept_paragraphs_and_stay_out_of_excluded_rows(make_corpus):
    from analysis.corpus.load import WORD_PATTERN

    corpus = load_corpus()
    words = corpus.paragraphs.assign(n=corpus.paragraphs["text"].map(lambda text: len(WORD_PATTERN.findall(text))))
    assert corpus.documents.set_index("doc_id")["n_words"].to_dict() == words.groupby("doc_id")["n"].sum().to_dict()
    folder = make_corpus({"a.txt": EARLY, "b.txt": LATE, "c.txt": LATE},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024"), ("c.txt", "c", "Z", "2024-03")])
    excluded = load_corpus(folder).excluded
    assert excluded["doc_id"].tolist() == ["c"] and "n_words" not in excluded.columns


def _near_duplicate_pairs_before_issue_15(shingles, threshold=0.8):
    """The near-duplicate search as it was before issue 15 (every band bucket's pairs in one set, checked at once):
    the reference the bounded search must match pair for pair."""
    from analysis.corpus.load import LSH_BANDS, LSH_ROWS, _minhash_signatures

    signatures = _minhash_signatures(shingles, LSH_BANDS * LSH_ROWS)
    candidates = set()
    for band in range(LSH_BANDS):
        _, bucket = np.unique(signatures[:, band * LSH_ROWS:(band + 1) * LSH_ROWS], axis=0, return_inverse=True)
        bucket = bucket.ravel()
        for value in np.unique(bucket):
            members = sorted(int(i) for i in np.flatnonzero(bucket == value))
            candidates.update((a, b) for k, a in enumerate(members) for b in members[k + 1:])
    if not candidates:
        return []
    first, second = (np.array(side) for side in zip(*sorted(candidates)))
    sizes = np.asarray(shingles.sum(axis=1)).ravel()
    shared = np.asarray(shingles[first].multiply(shingles[second]).sum(axis=1)).ravel()
    jaccard = shared / (sizes[first] + sizes[second] - shared)
    keep = jaccard >= threshold
    return [(int(i), int(j), float(v)) for i, j, v in zip(first[keep], second[keep], jaccard[keep])]


def _planted_sets(seed: int) -> sparse.csr_matrix:
    """300 sentence sets drawn from a pool of 60 sentences (so buckets hold many rows, as in the synthetic corpus),
    with planted exact copies, near copies (one sentence changed) and empty rows."""
    rng = np.random.default_rng(seed)
    rows = [sorted(rng.choice(60, size=int(rng.integers(3, 12)), replace=False)) for _ in range(240)]
    for _ in range(30):
        rows.append(list(rows[int(rng.integers(0, len(rows)))]))
    for _ in range(25):
        near = list(rows[int(rng.integers(0, 240))]) + [int(rng.integers(1000, 1100))]
        rows.append(sorted(set(near)))
    rows += [[], [], [], [7], [7]]
    order = rng.permutation(len(rows))
    rows = [rows[k] for k in order]
    codes = [(k, column) for k, row in enumerate(rows) for column in row]
    data = np.ones(len(codes))
    matrix = sparse.csr_matrix((data, tuple(np.array(codes).T)), shape=(len(rows), 1100))
    matrix.sort_indices()
    return matrix


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("pair_slice", [7, 100_000])
def test_bounded_near_duplicate_search_finds_exactly_the_old_pairs(monkeypatch, seed, pair_slice):
    import analysis.corpus.load as load

    monkeypatch.setattr(load, "PAIR_SLICE", pair_slice)
    matrix = _planted_sets(seed)
    expected = _near_duplicate_pairs_before_issue_15(matrix)
    found = load.near_duplicate_pairs(matrix)
    assert len(expected) > 30  # the planted copies and near copies, and chance overlaps of small sets
    assert found == expected


def test_bucket_pairs_are_every_pair_of_a_bucket_once(monkeypatch):
    import analysis.corpus.load as load

    monkeypatch.setattr(load, "PAIR_SLICE", 3)
    bucket = np.array([4, 1, 4, 2, 4, 1, 9, 4])
    pieces = list(load._bucket_pairs(bucket))
    pairs = sorted((int(i), int(j)) for first, second in pieces for i, j in zip(first, second))
    assert pairs == [(0, 2), (0, 4), (0, 7), (1, 5), (2, 4), (2, 7), (4, 7)]
    assert max(len(first) for first, _ in pieces) <= 3


def test_planted_copies_among_resampled_articles_are_dropped_as_before(make_corpus):
    rng = np.random.default_rng(5)
    pool = [f"Sentence {k} on the pipeline, the visit and the loans of {2014 + k % 11}." for k in range(40)]
    texts = {f"a{k:02d}.txt": " ".join(pool[i] for i in rng.choice(40, size=12, replace=False)) for k in range(40)}
    texts["copy.txt"] = texts["a03.txt"].upper()
    texts["near.txt"] = texts["a07.txt"] + " One more sentence added by the wire service."
    rows = [(file, file[:-4], "X", "2024-12" if file in ("copy.txt", "near.txt") else ("2015-01", "2024-01")[k % 2])
            for k, file in enumerate(texts)]
    corpus = load_corpus(make_corpus(texts, rows))
    assert list(corpus.excluded[["doc_id", "reason"]].itertuples(index=False, name=None)) == [
        ("copy", "exact duplicate of a03"), ("near", "near duplicate of a07")]
    assert len(corpus.documents) == 40


def test_text_digests_are_those_of_the_joined_normalised_texts(mini_corpus):
    import hashlib

    from analysis.corpus.load import _normalized, _text_digests

    corpus = load_corpus(mini_corpus)
    paras = pd.concat([corpus.paragraphs, pd.DataFrame({"doc_id": [corpus.documents["doc_id"].iloc[0]] * 2,
                                                         "text": ["   ", " Extra\tWORDS  here "]})], ignore_index=True)
    joined = paras.groupby("doc_id", sort=False)["text"].agg(" ".join)
    expected = [hashlib.sha256(_normalized(joined[doc_id]).encode("utf-8", "surrogatepass")).digest()
                for doc_id in corpus.documents["doc_id"]]
    assert _text_digests(corpus.documents["doc_id"], paras) == expected
    assert len(set(expected)) == len(expected)


def _reference_finish(docs, paras, sents, periods, dropped):
    """The loader's last step as first written: drop the copies, then sort each table with pandas."""
    docs, paras, sents = (table[~table["doc_id"].isin(dropped)] for table in (docs, paras, sents))
    order = {period.name: index for index, period in enumerate(periods)}
    docs = docs.assign(period_order=docs["period"].map(order)).sort_values(["period_order", "published", "doc_id"])
    doc_order = {doc_id: index for index, doc_id in enumerate(docs["doc_id"])}
    paras = paras.assign(doc_order=paras["doc_id"].map(doc_order)).sort_values(["doc_order", "para_no"])
    sents = sents.assign(doc_order=sents["doc_id"].map(doc_order)).sort_values(["doc_order", "start"])
    sents["sent_no"] = sents.groupby("doc_id").cumcount() + 1
    sents["sent_id"] = sents["doc_id"] + ":s" + sents["sent_no"].map("{:04d}".format)
    docs = docs.assign(n_words=docs["n_words"].astype(int),
                       n_paragraphs=docs["doc_id"].map(paras.groupby("doc_id").size()).astype(int),
                       n_sentences=docs["doc_id"].map(sents.groupby("doc_id").size()).astype(int),
                       n_chars=docs["raw"].map(len).astype("int64"))
    doc_columns = ["doc_id", "file", "title", "outlet", "published", "period", "url", "notes", "encoding",
                   "n_words", "n_paragraphs", "n_sentences", "n_chars", "raw"]
    para_columns = ["para_id", "doc_id", "period", "outlet", "para_no", "start", "end", "text", "headline", "dateline"]
    sent_columns = ["sent_id", "doc_id", "para_id", "period", "outlet", "sent_no", "start", "end", "text"]
    return (docs[doc_columns].reset_index(drop=True), paras[para_columns].reset_index(drop=True),
            sents[sent_columns].reset_index(drop=True))


@pytest.mark.parametrize("reverse_periods", [False, True])
@pytest.mark.parametrize("n_dropped", [0, 3])
def test_finishing_the_tables_in_one_pass_matches_filter_then_sort(reverse_periods, n_dropped):
    from analysis.core.paths import PROJECT_ROOT
    from analysis.corpus import load

    directory = PROJECT_ROOT / "tests" / "data" / "dev_corpus"
    periods = parse_periods(None)[::-1] if reverse_periods else parse_periods(None)  # reversed: rows must move
    metadata = load.read_metadata(directory)
    rows = [row._asdict() for row in metadata.sort_values(["published", "doc_id"]).itertuples(index=False)]
    batches = [load._process_batch([(directory, row, periods, frozenset()) for row in rows[start:start + 25]])
               for start in range(0, len(rows), 25)]  # several batches: text columns in pieces, as the loader has them
    tables = [load._concat([batch[name] for batch in batches], []) for name in ("documents", "paragraphs", "sentences")]
    dropped = tables[0]["doc_id"].iloc[[4, 17, 40][:n_dropped]].tolist()
    expected = _reference_finish(*(table.copy() for table in tables), periods, dropped)
    finished = load._finish_tables(*tables, periods, dropped)
    for got, want in zip(finished, expected):
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert len(finished[0]) == 60 - n_dropped
    if n_dropped or reverse_periods:
        assert [len(table.columns) for table in tables[1:]] == [0, 0]  # given up column by column as they were taken


def test_duplicate_keys_computed_batch_by_batch_are_those_of_the_whole_corpus():
    from analysis.core.paths import PROJECT_ROOT
    from analysis.corpus import load

    directory = PROJECT_ROOT / "tests" / "data" / "dev_corpus"
    periods = parse_periods(None)
    metadata = load.read_metadata(directory)
    rows = [row._asdict() for row in metadata.sort_values(["published", "doc_id"]).itertuples(index=False)]
    batches = [load._process_batch([(directory, row, periods, frozenset()) for row in rows[start:start + 7]], True)
               for start in range(0, len(rows), 7)]
    docs, paras, sents = (load._concat([batch[name] for batch in batches], []) for name in ("documents", "paragraphs", "sentences"))
    assert [digest for batch in batches for digest in batch["digests"]] == load._text_digests(docs["doc_id"], paras)
    keys = np.concatenate([batch["sentence_keys"] for batch in batches])
    assert len(keys) == len(sents) > 500 and np.array_equal(keys, load.sentence_keys(sents["text"]))


def test_digests_made_in_the_worker_are_those_of_the_paragraphs():
    """The digest each worker makes from an article's joined text is _text_digests' of its paragraphs, on texts whose
    lower case depends on context (a final sigma at a paragraph's end), grows ('İ'), or has unusual white space."""
    from analysis.corpus import load

    periods = parse_periods(None)
    texts = ["ΟΔΟΣ\n\nΣΟΦΟΣ ΛΟΓΟΣ. Άλλο ΣΑΣ.\nΣ", "İstanbul İS\u2003big.\n\nTail\x1cend\u00a0here.\r\nΣ.",
             "One line only", "A\tb\n\n\n  c  \n\nD\u2028e", "Mr. X. Y.\n\nΣ\u0345 Σ\u0301 ΑΣ\u0301."]
    rows = [{"file": f"t{n}.txt", "doc_id": f"t{n}", "title": "", "outlet": "O", "published": "2015-01-01", "url": "",
             "notes": "", "text": text} for n, text in enumerate(texts)]
    batch = load._process_batch([(None, row, periods, frozenset()) for row in rows], True)
    assert len(batch["documents"]) == len(texts)
    assert batch["digests"] == load._text_digests(batch["documents"]["doc_id"], batch["paragraphs"])
    assert "digests" not in load._process_batch([(None, row, periods, frozenset()) for row in rows])


def test_worker_processes_and_small_batches_load_the_same_tables(make_corpus, monkeypatch):
    """Furniture lines counted batch by batch in worker processes, then added up, remove what one count over the
    whole corpus removes: a line in three articles of an outlet, one per batch, is found only by the sum."""
    import analysis.corpus.load as load

    words = ["trade", "gas", "pipeline", "summit", "sanctions", "yuan", "rouble", "energy", "border", "visit",
             "treaty", "grain", "arms", "bank", "port"]
    texts, rows = {}, []
    for n in range(15):
        body = " ".join(f"The {words[n]} story {n} says {words[(n + k) % 15]} rose {k} times." for k in range(8))
        extra = "\n\nSee our three channels" if n % 5 == 0 else ""
        texts[f"a{n:02d}.txt"] = f"Headline {n}\n\n{body}{extra}\n\nFollow the Courier\n"
        rows.append((f"a{n:02d}.txt", f"a{n:02d}", "Courier", f"2015-01-{n + 1:02d}"))
    texts["b.txt"] = "Later story\n\n" + " ".join(f"Another {w} sentence here today." for w in words)
    rows.append(("b.txt", "b", "Other", "2023-05-01"))
    folder = make_corpus(texts, rows)
    alone = load_corpus(folder)
    monkeypatch.setattr(load, "PARALLEL_MIN_DOCUMENTS", 0)
    monkeypatch.setattr(load, "BATCH_DOCUMENTS", 5)
    pooled = load_corpus(folder)
    repeats = alone.removed[alone.removed["rule"] == "outlet_repeat"]
    assert sorted(repeats["text"].unique()) == ["Follow the Courier", "See our three channels"]
    for name in ("documents", "paragraphs", "sentences", "removed", "warnings", "excluded"):
        pd.testing.assert_frame_equal(getattr(pooled, name), getattr(alone, name))


@pytest.mark.parametrize("seed", [0, 1])
def test_row_groups_are_the_groups_of_numpy_unique(seed):
    from analysis.corpus.load import row_groups

    rng = np.random.default_rng(seed)
    pool = rng.integers(0, 2**31 + 500, size=(40, 7))  # signature values, sentinels above the prime included
    rows = np.vstack([pool[rng.integers(0, 40, size=500)], rng.integers(0, 3, size=(200, 7))])
    groups = row_groups(rows)
    _, expected = np.unique(rows, axis=0, return_inverse=True)
    expected = expected.ravel()
    assert len(set(groups.tolist())) == len(set(expected.tolist())) < len(rows)
    assert all(len(set(expected[groups == group])) == 1 for group in set(groups.tolist()))
    assert row_groups(np.empty((0, 7), dtype=np.int64)).tolist() == []
