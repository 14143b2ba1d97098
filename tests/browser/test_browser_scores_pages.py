"""The 争先创优 page (/scores) in Chromium: a screenshot of the demo's ranking as a leader sees it
(its texts and months over HTTP: tests/webmap/test_scores_pages.py)."""

from __future__ import annotations

from tests.support.browser import ARTIFACTS, is_local
from tests.support.web import DEMO_MONTH, serving

MONTH = DEMO_MONTH


def test_browser_screenshot_of_the_ranking(demo, browser):
    """The page as a leader sees it, saved to tests/artifacts/scores.png."""
    app, password = demo[0], demo[1]["leader"]
    with serving(app) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.route("**/*", lambda r: r.continue_() if is_local(r.request.url, base) else r.abort())
        page.goto(f"{base}/login?next=/scores?month={MONTH}")
        page.fill("#username", "leader")
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_selector(".score-table")
        page.click(".rules summary")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "scores.png"), full_page=True)
        assert page.locator(".score-table tbody tr").count() >= 10
