"""Open every rendered report page in headless Chromium and list what a reader would trip over.

Checks that no script runs (the report's pages have none of their own, so any script came from the data), console
errors, failed requests, unloaded images, horizontal scroll at 1280 px and dead links; saves screenshots.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from analysis.core.paths import REPORTS_DIR

CHROMIUM_CANDIDATES = ["chromium", "chromium-browser", "google-chrome"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1280, "height": 900}
INSTALL_HINT = "Install Debian's Chromium with 'apt-get install chromium' (CI's .ci/run does this)."


def find_chromium() -> str | None:
    """Path of a Chromium executable on this machine, or None."""
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def report_pages(reports_dir: Path) -> list[Path]:
    """Every HTML page of a rendered report: front page, stage pages, code pages, tables index."""
    return sorted(reports_dir.glob("*.html")) + sorted((reports_dir / "code").glob("*.html")) + \
        sorted((reports_dir / "tables").glob("*.html"))


LINK_SCRIPT = """() => Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"""
IMAGE_SCRIPT = """() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"""
ALT_SCRIPT = """() => Array.from(document.images).filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src.slice(0, 60))"""
# Anything in the page that could run code: script elements, on* handler attributes, script URLs.
ACTIVE_CONTENT_SCRIPT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed'].includes(tag)) found.push('<' + tag + '> element');
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (attr.name.toLowerCase().startsWith('on')) found.push(attr.name + ' handler on <' + tag + '>');
      else if (/^(javascript|vbscript|data:text)/.test(value)) found.push(attr.name + '="' + attr.value.slice(0, 40) + '" on <' + tag + '>');
    }
  }
  return found;
}"""
# Runs before the page's own content: counts calls to the functions an injected script typically reaches for.
TRAP_SCRIPT = """(() => {
  window.__report_script_calls = [];
  for (const name of ['alert', 'confirm', 'prompt', 'open', 'print']) {
    window[name] = function (...args) { window.__report_script_calls.push(name + '(' + args.join(', ').slice(0, 40) + ')'); };
  }
})();"""
SCROLL_SCRIPT = """() => document.documentElement.scrollWidth - window.innerWidth"""


def check_pages(reports_dir: Path, screenshots_dir: Path | None = None, executable: str | None = None) -> list[str]:
    """Open each page from a file:// URL; return a list of problems (empty when all is well)."""
    from playwright.sync_api import sync_playwright

    executable = executable or find_chromium()
    if executable is None:
        raise RuntimeError(f"No Chromium found. {INSTALL_HINT}")
    problems: list[str] = []
    pages = report_pages(reports_dir)
    if not pages:
        return [f"no HTML pages in {reports_dir}"]
    if screenshots_dir:
        screenshots_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for path in pages:
            name = path.relative_to(reports_dir).as_posix()
            page = browser.new_page(viewport=VIEWPORT)
            page.add_init_script(TRAP_SCRIPT)
            errors, failed, dialogs = [], [], []
            page.on("dialog", lambda dialog, dialogs=dialogs: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("console", lambda message, errors=errors: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            page.on("requestfailed", lambda request, failed=failed: failed.append(request.url))
            page.goto(path.resolve().as_uri(), wait_until="load")
            problems += [f"{name}: a script from the data ran and opened a dialog: {text}" for text in dialogs]
            problems += [f"{name}: a script from the data ran: {call}" for call in page.evaluate("() => window.__report_script_calls")]
            problems += [f"{name}: active content that could run a script: {item}" for item in page.evaluate(ACTIVE_CONTENT_SCRIPT)]
            problems += [f"{name}: console error: {text}" for text in errors]
            problems += [f"{name}: failed request: {url}" for url in failed]
            problems += [f"{name}: image not loaded: {src}" for src in page.evaluate(IMAGE_SCRIPT)]
            problems += [f"{name}: image without alt text: {src}" for src in page.evaluate(ALT_SCRIPT)]
            overflow = page.evaluate(SCROLL_SCRIPT)
            if overflow > 0:
                problems.append(f"{name}: scrolls horizontally by {overflow} px at 1280 px width")
            problems += [f"{name}: {issue}" for issue in _dead_links(path, page.evaluate(LINK_SCRIPT))]
            if screenshots_dir:
                page.screenshot(path=str(screenshots_dir / (name.replace("/", "__").removesuffix(".html") + ".png")), full_page=True)
            page.close()
        browser.close()
    return problems


def _dead_links(page_path: Path, hrefs: list[str]) -> list[str]:
    """Relative links (files and #anchors) that do not resolve on disk."""
    issues = []
    for href in hrefs:
        if href.startswith(("http://", "https://", "mailto:")):
            issues.append(f"link leaves the report: {href}")
            continue
        target = href.split("#", 1)[0]
        if target and not (page_path.parent / target).resolve().exists():
            issues.append(f"broken link: {href}")
    return issues


def main() -> int:
    """``python -m tests.browser_check [reports_dir]``: check the rendered report and save screenshots."""
    reports_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else REPORTS_DIR
    problems = check_pages(reports_dir, reports_dir / "screenshots")
    for problem in problems:
        print(f"✘ {problem}")
    print(f"{len(report_pages(reports_dir))} page(s) checked, {len(problems)} problem(s); screenshots in {reports_dir / 'screenshots'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
