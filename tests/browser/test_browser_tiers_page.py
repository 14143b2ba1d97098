"""The 社区等次与文明称号 page (/scores/tiers) in Chromium: the administrator's buttons on the demo
county (the page over HTTP: tests/webmap/test_tiers_page.py)."""

from __future__ import annotations

from tests.support.web import DEMO_MONTH, serving

MONTH = DEMO_MONTH


def test_an_administrators_buttons_work_in_a_browser(demo, browser):
    """Confirm a tier and award a title with the page's own buttons (today, in the county's
    clock: a date the server must not take for the future)."""
    app, passwords = demo
    with serving(app) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/login?next=/scores/tiers?month={MONTH}")
        page.fill("#username", "admin")
        page.fill("#password", passwords["admin"])
        page.click("button[type=submit]")
        decided = page.locator("text=已评定").count()
        page.locator("button:has-text('确认')").first.click()
        page.wait_for_function(f"() => document.body.innerText.split('已评定').length - 1 > {decided}")
        current = page.locator("text=现行").count()
        page.locator("button:has-text('授予称号')").click()
        page.wait_for_function(f"() => document.body.innerText.split('现行').length - 1 > {current}")
        assert errors == []
