"""End to end on a deliberately bad corpus: the report is built and lists every problem, or the run stops naming the file."""

import shutil

import pytest

from analysis.paths import SEEDS_DIR
from analysis.runner import ReportError, build_report

pytestmark = pytest.mark.slow

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


def test_every_problem_is_listed_in_the_report(bad_report):
    page = (bad_report / "reports" / "01_load_corpus.html").read_text(encoding="utf-8")
    for kind, file in [("no metadata", "orphan.txt"), ("empty file", "empty.txt"), ("exact duplicate", "dw_copy.txt"),
                       ("encoding", "cp1252.txt"), ("outside periods", "old.txt"), ("not English?", "german.txt")]:
        assert kind in page and file in page, f"{kind} / {file} not reported"
    warnings = (bad_report / "reports" / "tables" / "corpus_warnings.csv").read_text(encoding="utf-8")
    assert warnings.count("\n") == 7  # header + six warnings


def test_article_html_is_shown_as_text_not_run(bad_report):
    for page in (bad_report / "reports").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>document.title" not in html, page.name
        assert "<img src=x onerror" not in html, page.name


def test_fatal_problem_stops_with_the_file_named(tmp_path):
    corpus = bad_corpus(tmp_path / "corpus")
    with (corpus / "metadata.csv").open("a", encoding="utf-8") as handle:
        handle.write("missing.txt,missing,Gone,Outlet M,2024-01,,\n")
    with pytest.raises(ReportError, match=r"01_load_corpus.ipynb failed.*missing.txt"):
        build_report(str(corpus), tmp_path / "reports", tmp_path / "figures", progress=False, staging=tmp_path / "staging")
    assert not (tmp_path / "reports" / "index.html").exists()


def test_absurd_numbers_are_kept_and_flagged_in_the_report(bad_report):
    flagged = (bad_report / "reports" / "tables" / "figure_warnings.csv").read_text(encoding="utf-8")
    assert "absurd" in flagged and "10^100 dollars" in flagged
    page = (bad_report / "reports" / "03_extract_figures.html").read_text(encoding="utf-8")
    assert "10^100 dollars" in page


def test_every_stage_page_was_rendered(bad_report):
    for stem in ("01_load_corpus", "02_topic_model", "03_extract_figures", "04_compare_periods"):
        assert (bad_report / "reports" / f"{stem}.html").exists(), stem
    assert "What changed, in brief" in (bad_report / "reports" / "index.html").read_text(encoding="utf-8")
