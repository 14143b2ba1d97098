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


def test_browser_the_two_parts_and_the_handling_table_on_a_phone(demo, browser):
    """At 390×844 the ranking and the handling table are cards that fit the screen: each unit's
    total, both parts and its 办件指标 labelled, nothing wider than the phone (screenshots
    scores-phone.png and scores-handling-phone.png)."""
    app, password = demo[0], demo[1]["leader"]
    with serving(app) as base:
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
        page.route("**/*", lambda r: r.continue_() if is_local(r.request.url, base) else r.abort())
        page.goto(f"{base}/login?next=/scores?month={MONTH}")
        page.fill("#username", "leader")
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_selector("#handling-table")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "scores-phone.png"))
        page.locator("#handling-table").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "scores-handling-phone.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("#score-formula").is_visible()
        first = page.locator("#handling-table tbody tr").first
        rate = first.locator("td").nth(4)  # 按期结案率, labelled on its own line
        assert rate.is_visible()
        label = rate.evaluate("td => getComputedStyle(td, '::before').content")
        assert "按期结案率" in label
        box = rate.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        parts = page.locator(".score-table tbody tr").first.locator("td.handling_part")
        assert "办件得分" in parts.evaluate("td => getComputedStyle(td, '::before').content")
        numbers = page.locator("#handling-table td.num").all_inner_texts()
        assert any(n.endswith("%") for n in numbers)  # the demo's month has rates, not only —
