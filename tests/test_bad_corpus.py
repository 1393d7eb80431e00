"""A deliberately bad or hostile corpus: the report is built and lists every problem, or the run stops naming the file.

The end-to-end tests (marked slow) run every notebook; the others call the loader on small folders.
"""

import os
import shutil
import threading

import pandas as pd
import pytest

from analysis.core.paths import SEEDS_DIR
from analysis.corpus.load import MAX_ARTICLE_CHARS, PUNKT_PIECE_CHARS, CorpusError, bounded_sentence_spans, load_corpus, load_corpus_for_run
from analysis.report.runner import ReportError, build_report

slow = pytest.mark.slow
EARLY = "Xi met Putin in Moscow on May 9. They discussed gas and trade at length today."
LATE = "Putin met Xi in Beijing and Harbin. They signed eleven agreements on energy and trade."

SCRIPT_ARTICLE = ("<script>document.title='owned'</script> Putin and Xi met in Beijing. "
                  "<img src=x onerror=\"document.body.dataset.owned='yes'\"> They signed 11 agreements on trade and energy.\n")
HEADER = "file,doc_id,title,outlet,published,url,notes\n"


def bad_corpus(folder):
    """Seeds plus one of every warning case, an HTML/script article, a huge one-line article, German text, absurd numbers."""
    folder.mkdir()
    for path in SEEDS_DIR.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    rows = (SEEDS_DIR / "metadata.csv").read_text(encoding="utf-8").splitlines()[1:]
    dw = (SEEDS_DIR / "002_0bb33ca914da0b53.txt").read_text(encoding="utf-8")
    files = {
        "orphan.txt": "An article nobody listed in the metadata about Xi and Putin.",
        "empty.txt": "",
        "dw_copy.txt": dw,
        "cp1252.txt": "Xi’s visit to Moscow – a “historic” trip – was long; the two sides signed deals worth $25 billion.".encode("cp1252"),
        "old.txt": "An article from 2019 about China and Russia and their gas trade, outside both periods.",
        "script.txt": SCRIPT_ARTICLE,
        "long_line.txt": "China and Russia traded goods worth $240.1 billion in 2023, said the customs office. " * 3000,
        "german.txt": ("Der russische Präsident Wladimir Putin ist zu einem Staatsbesuch in China eingetroffen. "
                       "Beide Seiten wollen die Zusammenarbeit bei Energie und Handel vertiefen. ") * 5,
        "absurd.txt": "Officials claimed trade of 10^100 dollars and 99999999999999999999 tonnes of gas, plus 1e400 roubles.\n",
    }
    for name, text in files.items():
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    rows += [
        "empty.txt,empty,Empty,Outlet E,2024-01,,",
        "dw_copy.txt,dw-copy,Copy of DW,Outlet C,2015-06,,",
        "cp1252.txt,cp1252,Windows bytes,Outlet W,2015-03,,",
        "old.txt,old,Too old,Outlet O,2019-04,,",
        "script.txt,script,Script injection,Outlet S,2024-03,,",
        "long_line.txt,long-line,One long line,Outlet L,2023-12,,",
        "german.txt,german,Deutsch,Outlet G,2024-02,,",
        "absurd.txt,absurd,Absurd numbers,Outlet A,2023-06,,",
    ]
    (folder / "metadata.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bad_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    corpus = bad_corpus(root / "corpus")
    build_report(str(corpus), root / "reports", root / "figures", progress=False, staging=root / "staging")
    return root


@slow
def test_every_problem_is_listed_in_the_report(bad_report):
    page = (bad_report / "reports" / "01_load_corpus.html").read_text(encoding="utf-8")
    for kind, file in [("no metadata", "orphan.txt"), ("empty file", "empty.txt"), ("exact duplicate", "dw_copy.txt"),
                       ("encoding", "cp1252.txt"), ("outside periods", "old.txt"), ("not English?", "german.txt")]:
        assert kind in page and file in page, f"{kind} / {file} not reported"
    warnings = (bad_report / "reports" / "tables" / "corpus_warnings.csv").read_text(encoding="utf-8")
    assert warnings.count("\n") == 7  # header + six warnings


@slow
def test_article_html_is_shown_as_text_not_run(bad_report):
    for page in (bad_report / "reports").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>document.title" not in html, page.name
        assert "<img src=x onerror" not in html, page.name


@slow
def test_fatal_problem_stops_with_the_file_named(tmp_path):
    corpus = bad_corpus(tmp_path / "corpus")
    with (corpus / "metadata.csv").open("a", encoding="utf-8") as handle:
        handle.write("missing.txt,missing,Gone,Outlet M,2024-01,,\n")
    with pytest.raises(ReportError, match=r"01_load_corpus.ipynb failed.*missing.txt"):
        build_report(str(corpus), tmp_path / "reports", tmp_path / "figures", progress=False, staging=tmp_path / "staging")
    assert not (tmp_path / "reports" / "index.html").exists()


@slow
def test_absurd_numbers_are_kept_and_flagged_in_the_report(bad_report):
    flagged = (bad_report / "reports" / "tables" / "figure_warnings.csv").read_text(encoding="utf-8")
    assert "absurd" in flagged and "10^100 dollars" in flagged
    page = (bad_report / "reports" / "03_extract_figures.html").read_text(encoding="utf-8")
    assert "10^100 dollars" in page


@slow
def test_every_stage_page_was_rendered(bad_report):
    for stem in ("01_load_corpus", "02_topic_model", "03_extract_figures", "04_compare_periods"):
        page = (bad_report / "reports" / f"{stem}.html").read_text(encoding="utf-8")
        assert "Run details" in page and "Traceback" not in page, stem
    assert "What changed, in brief" in (bad_report / "reports" / "index.html").read_text(encoding="utf-8")


# ---- path confinement (issue 18, case 2) ------------------------------------------------------

def two_articles(make_corpus, extra_rows=(), extra_files=None):
    files = {"a.txt": EARLY, "b.txt": LATE, **(extra_files or {})}
    return make_corpus(files, [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024"), *extra_rows])


@pytest.mark.parametrize("name", ["/etc/hostname", "../outside.txt", "../../../etc/passwd", "sub/inner.txt", "..", "."])
def test_a_metadata_file_outside_the_folder_stops_naming_the_row(make_corpus, tmp_path, name):
    (tmp_path / "outside.txt").write_text("Secret text outside the corpus about Xi and Putin and their gas deal.", encoding="utf-8")
    folder = two_articles(make_corpus, [(name, "c", "Z", "2024")])
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.txt").write_text(LATE, encoding="utf-8")
    with pytest.raises(CorpusError, match=r"row 4: file '.*' is not a (bare file name inside|regular file)"):
        load_corpus(folder)


def test_a_link_leading_out_of_the_folder_is_refused(make_corpus, tmp_path):
    (tmp_path / "outside.txt").write_text("Secret text outside the corpus.", encoding="utf-8")
    folder = two_articles(make_corpus, [("link.txt", "c", "Z", "2024")])
    (folder / "link.txt").symlink_to(tmp_path / "outside.txt")
    with pytest.raises(CorpusError, match=r"row 4: file 'link.txt' is a link to .*outside.txt, outside the corpus folder"):
        load_corpus(folder)


def test_a_metadata_file_linked_from_outside_is_refused(make_corpus, tmp_path):
    folder = two_articles(make_corpus)
    (folder / "metadata.csv").rename(tmp_path / "elsewhere.csv")
    (folder / "metadata.csv").symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(CorpusError, match=r"file 'metadata.csv' is a link to .*elsewhere.csv, outside the corpus folder"):
        load_corpus(folder)


def test_a_link_to_another_article_in_the_folder_is_read(make_corpus):
    folder = two_articles(make_corpus, [("same.txt", "c", "Z", "2024")])
    (folder / "same.txt").symlink_to(folder / "b.txt")
    assert "c" not in set(load_corpus(folder).documents["doc_id"])  # read, then dropped as a duplicate of b


def run_with_timeout(function, seconds=20):
    """Call ``function`` in a thread; fail (instead of hanging the suite) when it does not return in time."""
    result = {}

    def target():
        try:
            result["value"] = function()
        except Exception as error:  # noqa: BLE001 - re-raised in the test's thread below
            result["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the loader hung"
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_a_fifo_in_the_folder_is_never_opened(make_corpus, tmp_path):
    folder = two_articles(make_corpus)
    os.mkfifo(folder / "x.txt")
    corpus = run_with_timeout(lambda: load_corpus_for_run(folder, None, tmp_path / "reports"))
    assert list(corpus.warnings["file"]) == ["x.txt"] and corpus.warnings["kind"].iloc[0] == "no metadata"


def test_a_listed_fifo_stops_naming_the_row(make_corpus):
    folder = two_articles(make_corpus, [("pipe.txt", "c", "Z", "2024")])
    os.mkfifo(folder / "pipe.txt")
    with pytest.raises(CorpusError, match=r"row 4: file 'pipe.txt' is not a regular file"):
        run_with_timeout(lambda: load_corpus(folder))


# ---- decoding, size, language (cases 7, 9, 12) --------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_with_a_byte_order_mark_are_decoded(make_corpus, encoding):
    data = LATE.encode(encoding) if encoding != "utf-16-be" else b"\xfe\xff" + LATE.encode("utf-16-be")
    folder = two_articles(make_corpus, [("wide.txt", "c", "Z", "2023")], {"wide.txt": data})
    corpus = load_corpus(folder)
    assert "\x00" not in "".join(corpus.sentences["text"])
    assert corpus.documents.set_index("doc_id").loc["c", "encoding"] == encoding.removesuffix("-be")
    assert "encoding" not in set(corpus.warnings["kind"])


@pytest.mark.parametrize("data", [b"%PDF-1.4\n\x00\x01\x02binary", LATE.encode("utf-16-le")])
def test_binary_or_unmarked_utf16_files_stop_naming_the_file(make_corpus, data):
    folder = two_articles(make_corpus, [("odd.txt", "c", "Z", "2023")], {"odd.txt": data})
    with pytest.raises(CorpusError, match=r"odd.txt contains NUL bytes .* binary file .* UTF-16 text without a byte-order mark"):
        load_corpus(folder)


def test_an_outsize_article_is_excluded_with_a_warning(make_corpus, monkeypatch):
    monkeypatch.setattr("analysis.corpus.load.MAX_ARTICLE_CHARS", 5_000)
    folder = two_articles(make_corpus, [("huge.txt", "c", "Z", "2023")], {"huge.txt": LATE * 100})
    corpus = load_corpus(folder)
    warning = corpus.warnings.set_index("file").loc["huge.txt"]
    assert warning["kind"] == "outsize file" and "8,600 characters, more than the 5,000" in warning["message"]
    assert "c" not in set(corpus.documents["doc_id"])


def test_a_long_single_line_is_segmented_in_bounded_pieces(monkeypatch):
    sentence = "China and Russia traded goods worth $240.1 billion in 2023, said the customs office. "
    text = sentence * (3 * PUNKT_PIECE_CHARS // len(sentence))
    calls = []
    original = __import__("analysis.corpus.load", fromlist=["sentence_spans"]).sentence_spans
    monkeypatch.setattr("analysis.corpus.load.sentence_spans", lambda t, offset=0: calls.append(len(t)) or original(t, offset))
    spans = bounded_sentence_spans(text, offset=7)
    assert max(calls) <= PUNKT_PIECE_CHARS and len(calls) >= 3
    assert [text[s - 7:e - 7] for s, e in spans] == [sentence.strip()] * (len(text) // len(sentence))
    assert MAX_ARTICLE_CHARS > 30 * PUNKT_PIECE_CHARS  # a long article is split for Punkt long before it is refused


def test_a_chinese_article_gets_a_language_warning(make_corpus):
    chinese = "中俄两国元首在莫斯科举行会谈，双方签署了多项能源和贸易合作协议。习近平表示，两国关系处于历史最好时期。"
    folder = two_articles(make_corpus, [("zh.txt", "c", "Z", "2023")], {"zh.txt": chinese})
    warning = load_corpus(folder).warnings.set_index("file").loc["zh.txt"]
    assert warning["kind"] == "not English?" and "letters are in the Latin alphabet" in warning["message"]


def test_a_one_character_article_gets_a_warning(make_corpus):
    folder = two_articles(make_corpus, [("x.txt", "c", "Z", "2023")], {"x.txt": "x"})
    warning = load_corpus(folder).warnings.set_index("file").loc["x.txt"]  # a lone letter is not text: cleaning drops it
    assert warning["kind"] == "empty file" and "no text left after boilerplate cleaning and was excluded" in warning["message"]


def test_a_three_word_article_gets_a_warning(make_corpus):
    folder = two_articles(make_corpus, [("short.txt", "c", "Z", "2023")], {"short.txt": "Talks went well."})
    warning = load_corpus(folder).warnings.set_index("file").loc["short.txt"]
    assert warning["kind"] == "very short" and "has only 3 words after cleaning; it was kept" in warning["message"]


def test_semicolon_separated_metadata_is_named_as_such(make_corpus):
    folder = two_articles(make_corpus)
    text = (folder / "metadata.csv").read_text(encoding="utf-8").replace(",", ";")
    (folder / "metadata.csv").write_bytes(text.encode("cp1252"))
    with pytest.raises(CorpusError, match=r"metadata.csv is separated by semicolons"):
        load_corpus(folder)


def test_an_all_duplicate_period_says_the_others_were_dropped_as_duplicates(make_corpus):
    folder = make_corpus({"a.txt": EARLY, "b.txt": EARLY, "c.txt": EARLY},
                         [("a.txt", "a", "X", "2015"), ("b.txt", "b", "Y", "2024"), ("c.txt", "c", "Y", "2024")])
    with pytest.raises(CorpusError, match=r"'2023–2024' .* has no documents.* 2 article\(s\) of this period were dropped "
                                          r"as duplicates of another article \(b.txt, c.txt\)"):
        load_corpus(folder)


# ---- a period with one article (case 10) -------------------------------------------------------


# ---- a hostile corpus end to end (case 1, 4, 10): nothing from the data runs in a page -------------

HOSTILE_PERIODS = {"<script>alert('early')</script> 2014–2015": ["2014-01-01", "2015-12-31"],
                   "2024 <img src=x onerror=alert('late')>": ["2024-01-01", "2024-12-31"]}  # 2024 holds one article
HOSTILE_OUTLETS = ["[x](javascript:alert(1))", "@SUM(1)", "=HYPERLINK(\"http://evil\")", "-2+3",
                   "<img src=x onerror=alert(1)>"]  # in seed order: the second article is outside both periods


def hostile_corpus(folder):
    """The seeds with outlets, titles and doc ids an attacker (or a spreadsheet) could have written."""
    import csv

    folder.mkdir()
    with (SEEDS_DIR / "metadata.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for index, row in enumerate(rows):
        shutil.copy(SEEDS_DIR / row["file"], folder / row["file"])
        row["outlet"] = HOSTILE_OUTLETS[index % len(HOSTILE_OUTLETS)]
        row["title"] = "=cmd|' /C calc'!A0 <b onmouseover=alert(3)>"
        row["doc_id"] = f'doc{index}&<"x">'
    with (folder / "metadata.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    build_report(str(hostile_corpus(root / "corpus")), root / "reports", root / "figures", {"periods": HOSTILE_PERIODS},
                 progress=False, staging=root / "staging")
    return root / "reports"


def report_pages(reports):
    return sorted(reports.glob("*.html")) + sorted((reports / "code").glob("*.html")) + sorted((reports / "tables").glob("*.html"))


def active_content(page: str) -> list[str]:
    """Script elements, on* attributes and script URLs that a browser would see in ``page``."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("script", "iframe", "object", "embed"):
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on") or "script:" in "".join((value or "").split()).lower():
                    found.append(f"{tag} {name}={value}")

    Collector().feed(page)
    return found


@slow
def test_hostile_metadata_and_period_names_are_shown_as_text(hostile_report):
    for page in report_pages(hostile_report):
        text = page.read_text(encoding="utf-8")
        assert active_content(text) == [], page.name
    for chart in sorted((hostile_report.parent / "figures").glob("*.svg")):  # period names are in chart legends
        assert active_content(chart.read_text(encoding="utf-8")) == [], chart.name
        assert "&amp;amp;" not in text and "&amp;lt;" not in text, f"double escaping in {page.name}"
    front = (hostile_report / "01_load_corpus.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in front and "[x](javascript:alert(1))" in front
    assert "&lt;script&gt;alert(&#x27;early&#x27;)&lt;/script&gt; 2014–2015" in front or \
        "&lt;script&gt;alert('early')&lt;/script&gt; 2014–2015" in front


@slow
def test_hostile_cells_cannot_start_a_formula_in_any_table(hostile_report):
    for path in sorted((hostile_report / "tables").glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in table.columns:
            if pd.to_numeric(table[column], errors="coerce").notna().all():
                continue  # a numeric column: negative numbers are data
            starts = table[column].str[:1]
            assert not starts.isin(["=", "+", "@", "\t", "\r"]).any(), f"{path.name}:{column}"
            assert not (starts.eq("-") & pd.to_numeric(table[column], errors="coerce").isna()).any(), f"{path.name}:{column}"
    documents = (hostile_report / "tables" / "documents.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in documents and "'=cmd|" in documents


@slow
@pytest.mark.browser
def test_no_hostile_page_runs_a_script_in_the_browser(hostile_report):
    from tests.browser_check import INSTALL_HINT, check_pages, find_chromium

    if find_chromium() is None:
        pytest.skip(f"No Chromium on this machine. {INSTALL_HINT}")
    problems = [p for p in check_pages(hostile_report) if "a script from the data" in p or "active content" in p]
    assert problems == []
