"""The explorer pages in headless Chromium from file://: search a term, read its sentences from both periods, open an
article and see its highlighted figure, no console errors or network; hostile titles and text run nothing."""

import pytest
from explorer_fixtures import HOSTILE_OUTLET, HOSTILE_TITLE, write_hostile_corpus

from analysis.explorer.pages import write_explorer
from analysis.run import open_run
from tests.browser_check import CHROMIUM_ARGS, INSTALL_HINT, VIEWPORT, find_chromium

pytestmark = pytest.mark.browser
PERIODS = {"early": ["2015-01-01", "2015-12-31"], "late": ["2024-01-01", "2024-12-31"]}


@pytest.fixture(scope="module")
def browser():
    if find_chromium() is None:
        pytest.skip(f"No Chromium on this machine. {INSTALL_HINT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page that records console errors, page errors and every request that is not a local file."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport=VIEWPORT)
        self.errors, self.remote = [], []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: None if request.url.startswith("file://") else self.remote.append(request.url))


@pytest.fixture(scope="module")
def seed_explorer(tmp_path_factory):
    root = tmp_path_factory.mktemp("seed_explorer")
    run = open_run({"reports_dir": str(root / "reports"), "figures_dir": str(root / "figures")})
    return run, write_explorer(run)


@pytest.mark.slow
def test_search_a_term_read_both_periods_and_open_an_article(browser, seed_explorer):
    run, pages = seed_explorer
    row = pages.terms.set_index("term").loc["russia"]
    watched = Watched(browser)
    page = watched.page
    page.goto((pages.folder / "terms.html").as_uri())
    page.fill("#term-search", "russi")
    page.click("button.term-choice[data-term='russia']")
    page.wait_for_selector("section.contexts[data-period='b'] li.context")
    for side, period, total in (("a", run.period_a, row["sentences_a"]), ("b", run.period_b, row["sentences_b"])):
        section = page.locator(f"section.contexts[data-period='{side}']")
        assert section.locator("h3").inner_text().startswith(f"{period}: {int(total)} sentence(s)")
        assert section.locator("li.context").count() == min(int(total), 100)
        assert section.locator("li.context mark.term-hit").first.inner_text().lower() == "russia"
    # The first 2014–2015 sentence opens its article, scrolled to the paragraph, with figures highlighted.
    page.locator("section.contexts[data-period='a'] a.article-link").first.click()
    page.wait_for_selector("div.article-text mark.mark-figure")
    assert "article.html#a=" in page.url
    assert page.locator("p.para.focus").count() == 1
    figure = page.locator("div.article-text mark.mark-figure").first
    assert figure.inner_text() and figure.get_attribute("title").startswith("figure: ")
    assert page.locator("p.removed del").count() >= 1  # boilerplate lines shown struck through
    assert watched.errors == [] and watched.remote == []


@pytest.mark.slow
def test_frame_and_actor_words_are_shown_the_same_way(browser, seed_explorer):
    _, pages = seed_explorer
    putin = pages.terms.set_index("term").loc["putin", "dictionary"]
    assert putin == "actor: Vladimir Putin"
    watched = Watched(browser)
    page = watched.page
    page.goto((pages.folder / "terms.html").as_uri())
    page.select_option("#term-filter", "actor: ")
    page.fill("#term-search", "pu")
    assert page.locator("button.term-choice").all_inner_texts()[0].startswith("putin ")
    page.fill("#term-search", "economic")
    assert page.locator("#term-suggestions").inner_text() == "No counted term matches."  # not an actor
    page.fill("#term-search", "putin")
    page.press("#term-search", "Enter")
    page.wait_for_selector("section.contexts li.context")
    assert putin in page.locator("#term-details").inner_text()
    assert watched.errors == [] and watched.remote == []


@pytest.mark.slow
def test_topic_and_article_pages_link_to_each_other(browser, seed_explorer):
    run, pages = seed_explorer
    watched = Watched(browser)
    page = watched.page
    page.goto((pages.folder / "topics.html").as_uri())
    page.wait_for_selector("section.topic")
    assert page.locator("section.topic").count() == run.topics().k
    page.locator("section.topic ol.topic-articles a.article-link").first.click()
    page.wait_for_selector("ol.article-topics a")
    page.locator("ol.article-topics a").first.click()
    page.wait_for_selector("section.topic")
    assert "topics.html#topic-" in page.url
    page.goto((pages.folder / "index.html").as_uri())
    page.wait_for_selector("table.articles a.article-link")
    assert page.locator("table.articles tbody tr").count() == len(run.corpus.documents)
    assert watched.errors == [] and watched.remote == []


def test_hostile_titles_and_text_run_nothing(browser, tmp_path):
    corpus_dir = write_hostile_corpus(tmp_path / "corpus")
    run = open_run({"corpus_dir": str(corpus_dir), "periods": PERIODS, "reports_dir": str(tmp_path / "reports"),
                    "figures_dir": str(tmp_path / "figures")})
    pages = write_explorer(run)
    number = run.corpus.documents["doc_id"].tolist().index("early-0")
    watched = Watched(browser)
    page = watched.page
    page.goto((pages.folder / "article.html").as_uri() + f"#a={number}")
    page.wait_for_selector("div.article-text p.para")
    assert page.locator("main h1").inner_text() == HOSTILE_TITLE  # shown as text
    assert HOSTILE_OUTLET in page.locator("dl.metadata").inner_text()
    assert "<script>" in page.locator("div.article-text").inner_text()
    assert page.locator("dl.metadata a").count() == 0  # a javascript: address is shown, never linked
    page.hover("div.article-text p.para >> nth=0")
    page.goto((pages.folder / "terms.html").as_uri() + "#t=pipeline")
    page.wait_for_selector("section.contexts li.context")
    page.goto((pages.folder / "index.html").as_uri())
    page.fill("#article-filter", "gas talks")
    page.wait_for_selector("table.articles a.article-link")
    assert page.locator("table.articles a.article-link").first.inner_text() == HOSTILE_TITLE
    page.goto((pages.folder / "topics.html").as_uri())
    page.wait_for_selector("section.topic")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("main script, main img, main b").count() == 0
    assert watched.errors == [] and watched.remote == []


def test_every_article_opens_from_its_shard(browser, tmp_path, monkeypatch):
    from playwright.sync_api import expect

    from analysis.explorer import pages as explorer_pages

    run = open_run({"reports_dir": str(tmp_path / "reports"), "figures_dir": str(tmp_path / "figures")})
    monkeypatch.setattr(explorer_pages, "SHARD_BYTES", 40_000)  # the seed articles spread over several shards
    pages = write_explorer(run)
    assert len(list((pages.folder / "articles").glob("*.js"))) > 1
    watched = Watched(browser)
    for number, title in enumerate(run.corpus.documents["title"]):
        watched.page.goto((pages.folder / "article.html").as_uri() + f"#a={number}")
        expect(watched.page.locator("main h1")).to_have_text(title)  # waits: a new hash re-renders without a reload
        assert watched.page.locator("div.article-text p.para").count() > 0
    assert watched.errors == [] and watched.remote == []
