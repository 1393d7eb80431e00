"""End to end: the runner executes every notebook on the seeds into a temporary folder and renders the site."""

import json
import re

import nbformat
import pytest

from analysis.report.runner import ReportError, build_report, notebook_paths, parse_value

pytestmark = pytest.mark.slow
SEEDS_SOURCE = "Source: seeds corpus; 3 articles 2014–2015, 2 articles 2023–2024"


@pytest.fixture
def report(built_report):
    return built_report


def test_front_page_and_stage_pages_are_rendered_from_their_executed_notebooks(report):
    root, front = report
    assert front == root / "reports" / "index.html" and "What changed, in brief" in front.read_text(encoding="utf-8")
    for source in notebook_paths():
        if source.stem != "05_report":
            heading = nbformat.read(source, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
            page = (root / "reports" / f"{source.stem}.html").read_text(encoding="utf-8")
            assert heading in page and "Run details" in page, f"{source.stem}.html does not show its notebook"
            assert "jp-CodeMirrorEditor" in (root / "reports" / "code" / f"{source.stem}.html").read_text(encoding="utf-8")
            executed = nbformat.read(root / "reports" / "notebooks" / source.name, as_version=4)
            code = [cell for cell in executed.cells if cell.cell_type == "code"]
            assert code and all(cell.execution_count for cell in code), f"{source.name} was not executed in full"
    assert not (root / "staging").exists()


def test_corpus_tables_and_chart_written(report):
    import pandas as pd

    root, _ = report
    tables = root / "reports" / "tables"
    documents = pd.read_csv(tables / "documents.csv")
    assert len(documents) == 5 and documents["period"].value_counts().to_dict() == {"2014–2015": 3, "2023–2024": 2}
    sentences, paragraphs = pd.read_csv(tables / "sentences.csv"), pd.read_csv(tables / "paragraphs.csv")
    assert set(sentences["doc_id"]) == set(paragraphs["doc_id"]) == set(documents["doc_id"])
    assert set(pd.read_csv(tables / "removed_lines.csv")["doc_id"]) <= set(documents["doc_id"])
    assert list(pd.read_csv(tables / "corpus_warnings.csv").columns) == ["kind", "file", "message"]
    assert pd.read_csv(tables / "period_composition.csv")["documents"].tolist() == [3, 2]
    assert (root / "figures" / "article_length_by_period.png").read_bytes().startswith(b"\x89PNG")
    chart = (root / "figures" / "article_length_by_period.svg").read_text(encoding="utf-8")
    assert "Median article length" in chart and SEEDS_SOURCE in chart


def test_pages_hide_code_and_have_navigation(report):
    root, _ = report
    page = (root / "reports" / "01_load_corpus.html").read_text(encoding="utf-8")
    assert 'class="report-nav"' in page and "tables/index.html" in page
    assert 'class="jp-CodeMirrorEditor' not in page and "from analysis.corpus.load import" not in page
    code_page = (root / "reports" / "code" / "01_load_corpus.html").read_text(encoding="utf-8")
    assert 'class="jp-CodeMirrorEditor' in code_page and "load_corpus" in code_page
    assert "Traceback" not in page


def test_failing_notebook_names_itself_and_keeps_previous_report(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")])
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(broken, notebooks / "01_broken.ipynb")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "index.html").write_text("previous report", encoding="utf-8")
    with pytest.raises(ReportError, match=r"01_broken.ipynb failed in cell 2 \(ZeroDivisionError(.|\n)*The failed run.s files are kept in "
                       + re.escape(str(tmp_path / "staging"))):
        build_report("", reports, tmp_path / "figures", notebooks_dir=notebooks, progress=False, staging=tmp_path / "staging")
    assert (reports / "index.html").read_text(encoding="utf-8") == "previous report"
    kept = tmp_path / "staging" / "reports" / "notebooks" / "01_broken.ipynb"
    outputs = [cell.get("outputs", []) for cell in nbformat.read(kept, as_version=4).cells]
    assert "ZeroDivisionError" in json.dumps(outputs)


def test_parse_value():
    assert parse_value("5") == 5 and parse_value('{"a": [1]}') == {"a": [1]} and parse_value("nmf") == "nmf"


def test_every_stage_writes_its_tables_and_charts(report):
    import pandas as pd

    root, _ = report
    tables = root / "reports" / "tables"
    for name, column in (("topics", "term"), ("topic_prevalence", "share"), ("unit_topics", "doc_id"), ("figures", "surface"),
                         ("distinctive_terms", "z"), ("distinctive_terms_in_context", "keyword"), ("frame_shares", "estimate"),
                         ("frame_differences", "difference"), ("actor_rates", "estimate"),
                         ("actor_differences", "difference"), ("figures_side_by_side", "indicator")):
        table = pd.read_csv(tables / f"{name}.csv")
        assert len(table) and table[column].notna().any(), f"tables/{name}.csv has no {column}"
    for name in ("topic_share_by_period", "distinctive_terms_log_odds", "frame_share_by_period", "actor_mentions_by_period"):
        assert (root / "figures" / f"{name}.png").read_bytes().startswith(b"\x89PNG"), name
        assert SEEDS_SOURCE in (root / "figures" / f"{name}.svg").read_text(encoding="utf-8"), f"{name}.svg lacks its source line"


def test_front_page_is_the_report_notebook_and_every_page_states_its_run(report):
    root, front = report
    page = front.read_text(encoding="utf-8")
    assert "What changed, in brief" in page and "04_compare_periods.html" in page
    for html_page in sorted((root / "reports").glob("*.html")):
        text = html_page.read_text(encoding="utf-8")
        assert "Run details" in text and "fingerprint" in text, f"{html_page.name} does not state its run"
        assert "Traceback" not in text and "Warning:" not in text, f"{html_page.name} shows an error or warning"


def test_front_page_verdict_sentences_agree_with_the_verdict_tables(report):
    import pandas as pd

    from analysis.report import findings

    root, front = report
    page = front.read_text(encoding="utf-8")
    tables = root / "reports" / "tables"
    frames = pd.read_csv(tables / "frame_differences.csv")
    counts = frames["verdict"].value_counts()
    phrase = findings.verdict_phrase({verdict: int(counts.get(verdict, 0)) for verdict in findings.VERDICTS})
    assert f"Of {len(frames)} frame changes: {phrase}." in page
    sources = pd.read_csv(tables / "independent_sources.csv").groupby("period")["unit"].nunique()
    assert ("no change can be called supported" in page) == (sources.min() < findings.MIN_UNITS)
    assert ("supported" in set(frames["verdict"])) == (sources.min() >= findings.MIN_UNITS and frames["sign_survives"].any())
    assert "only 30 distinct resamples of the articles exist, all enumerated" in page  # 3 and 2 seed articles: 10 × 3


def test_articles_named_as_reversing_a_change_reverse_it(report):
    import pandas as pd

    root, _ = report
    page = (root / "reports" / "04_compare_periods.html").read_text(encoding="utf-8")
    loo = pd.read_csv(root / "reports" / "tables" / "frame_leave_one_out.csv").set_index(["measure", "left_out"])["difference"]
    full = pd.read_csv(root / "reports" / "tables" / "frame_differences.csv").set_index("measure")["difference"]
    claims = re.findall(r"framed as <em>([^<]+)</em>[^<]*(?:<code>[^<]*</code>[^<]*)*?leaving out <code>([^<]+)</code> "
                        r"(reverses|erases) it", page)
    assert claims, "no reversal named on the comparison page"
    for frame, doc, verb in claims:
        without, with_all = loo[(frame, doc)], full[frame]
        assert without * with_all < 0 or (verb == "erases" and without == 0), (frame, doc, without, with_all)


def test_topics_said_to_be_lost_without_an_article_are_not_found_without_it(report):
    import pandas as pd

    root, _ = report
    page = (root / "reports" / "04_compare_periods.html").read_text(encoding="utf-8")
    refits = pd.read_csv(root / "reports" / "tables" / "topic_shift_leave_one_out.csv").set_index(["topic", "left_out"])["found"]
    claims = re.findall(r"Topic (\d+) ·[^<]*(?:<code>[^<]*</code>[^<]*)*?it is not found without <code>([^<]+)</code>", page)
    assert claims, "no lost topic named on the comparison page"
    for topic, doc in claims:
        assert not refits[(int(topic), doc)], (topic, doc)


def test_stage_pages_link_their_tables_into_the_explorer(report):
    root, front = report
    reports = root / "reports"
    expected = {"01_load_corpus": "explore/article.html#a=", "02_topic_model": "explore/topics.html#topic-",
                "03_extract_figures": "explore/article.html#a=", "04_compare_periods": "explore/terms.html#t=",
                "index": "explore/terms.html"}
    for stem, link in expected.items():
        page = (reports / f"{stem}.html").read_text(encoding="utf-8")
        assert f'href="{link}' in page, f"{stem}.html does not link into the explorer"
    for target in ("terms.html", "topics.html", "article.html", "index.html"):
        assert (reports / "explore" / target).is_file()


def test_topics_that_vanish_without_one_article_never_reach_the_front_page(report):
    import pandas as pd

    root, front = report
    tables = root / "reports" / "tables"
    loo = pd.read_csv(tables / "topic_shift_leave_one_out.csv")
    vanished = set(loo.loc[~loo["found"].astype(bool), "topic"])
    labels = pd.read_csv(tables / "topics.csv").drop_duplicates("topic").set_index("topic")["label"]
    page = front.read_text(encoding="utf-8")
    for topic in vanished:
        assert labels[topic] not in page, f"topic {topic} ({labels[topic]}) vanishes without one article but is on the front page"
    assert ("not shown here" in page) == bool(vanished)


def test_the_corpus_page_states_the_independent_sources_the_verdicts_rest_on(report):
    import pandas as pd

    root, _ = report
    units = pd.read_csv(root / "reports" / "tables" / "independent_sources.csv")
    page = (root / "reports" / "01_load_corpus.html").read_text(encoding="utf-8")
    for period, part in units.groupby("period"):
        sources = part["unit"].nunique()
        assert f"make {sources} independent source" in page, f"01 does not state {period}'s {sources} sources"


def test_a_small_table_corpus_that_names_no_listed_actor_builds_the_whole_report(tmp_path):
    """A researcher's own small export: one CSV, invented text about ferries and timber, no actor from actors.csv."""
    from analysis.core.paths import PROJECT_ROOT

    front = build_report(str(PROJECT_ROOT / "tests" / "data" / "table_corpus" / "stories.csv"), tmp_path / "reports",
                         tmp_path / "figures", progress=False, staging=tmp_path / "staging")
    page = front.read_text(encoding="utf-8")
    assert "What changed, in brief" in page and "stories" in page
    assert '"n":6,' in (tmp_path / "reports" / "explore" / "article.html").read_text(encoding="utf-8")  # its six rows
    assert not (tmp_path / "figures" / "actor_mentions_by_period.png").exists()  # nothing to chart, and no crash


def test_a_third_period_builds_the_whole_report_and_the_front_page_counts_it(tmp_path):
    """The periods parameter allows more than two periods (the comparisons use the first two): a third one once
    stopped the front page's indicator charts. Its articles are counted, and said to be left out of the comparisons."""
    from benchmarks.synthetic import synthetic_articles, write_corpus

    articles = synthetic_articles(90, random_state=5)
    articles.loc[::3, "published"] = "2018-06-15"
    corpus = write_corpus(articles, tmp_path / "corpus")
    periods = {"2014–2015": ["2014-01-01", "2015-12-31"], "2023–2024": ["2023-01-01", "2024-12-31"],
               "2018–2019": ["2018-01-01", "2019-12-31"]}
    front = build_report(str(corpus), tmp_path / "reports", tmp_path / "figures", extra={"periods": periods},
                         progress=False, staging=tmp_path / "staging")
    text = re.sub(r"<[^>]+>", "", front.read_text(encoding="utf-8"))
    per_period = {period: int((articles["published"].str[:4].isin(["2018", "2019"]) if period == "2018–2019" else
                               articles["published"].between(*dates)).sum()) for period, dates in periods.items()}
    assert sum(per_period.values()) == 90
    assert (f"90 articles: {per_period['2014–2015']} from 2014–2015 and {per_period['2023–2024']} from 2023–2024, and "
            f"{per_period['2018–2019']} from 2018–2019, which no comparison uses") in text
