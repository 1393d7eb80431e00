"""Every rendered page opens in headless Chromium from disk with no errors, loaded images, no sideways scroll."""

import pytest

from tests.browser_check import INSTALL_HINT, _dead_links, check_pages, find_chromium


@pytest.mark.browser
@pytest.mark.slow
def test_rendered_pages_pass_the_browser_checks(built_report):
    if find_chromium() is None:
        pytest.skip(f"No Chromium on this machine. {INSTALL_HINT}")
    root, _ = built_report
    screenshots = root / "reports" / "screenshots"
    problems = check_pages(root / "reports", screenshots)
    assert problems == []
    for name in ("index.png", "01_load_corpus.png"):
        assert (screenshots / name).read_bytes().startswith(b"\x89PNG"), name


def test_dead_links_are_reported(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("x", encoding="utf-8")
    (tmp_path / "there.html").write_text("x", encoding="utf-8")
    issues = _dead_links(page, ["there.html", "there.html#a", "#top", "missing.html", "https://example.org"])
    assert issues == ["broken link: missing.html", "link leaves the report: https://example.org"]
