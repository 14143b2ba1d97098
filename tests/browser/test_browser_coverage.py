"""The coverage layer on the leaders' map in Chromium, on the small county 测试县 (the report over
HTTP and the command line: tests/webmap/test_coverage_views.py)."""

from __future__ import annotations

from tests.support.browser import ARTIFACTS, is_local, overlay, wait_ready
from tests.support.web import PASSWORD

AT = "2024-02-01"


def test_a_leader_switches_the_coverage_layer_on(live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", lambda r: r.continue_() if is_local(r.request.url, live_server) else r.abort())
    page.goto(f"{live_server}/login?next=/portal")
    page.fill("#username", "leader1")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    wait_ready(page)
    red = ".leaflet-portal-coverage-pane path[stroke='#d7191c']"
    assert page.locator(red).count() == 0  # off by default
    overlay(page, "覆盖缺口").check()
    page.wait_for_function(f'() => document.querySelectorAll("{red}").length >= 2')
    assert "覆盖缺口" in page.locator(".portal-legend").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-coverage.png"))
    # A row of the report opens its place on the map, with the layer on and the place ringed.
    page.goto(f"{live_server}/portal/coverage?at={AT}")
    page.locator("#unguarded_segments + table a.maplink").first.click()
    page.wait_for_selector(".leaflet-portal-focus-pane path", state="attached")
    # The ring comes with whichever layer brings the place first; the gap layer may come after it.
    page.wait_for_selector(red, state="attached")
    assert page.locator(red).count() >= 1
    assert errors == []
