"""A person in a real browser: sign in, open the map, see the layers, the legend and the features,
and nothing fetched from outside 127.0.0.1 (Playwright driving Debian's Chromium)."""

from __future__ import annotations

from layers.roads import UNGUARDED_COLOUR, kind_colour
from tests.support.browser import ARTIFACTS, is_local, painted_tiles, wait_ready
from tests.support.web import PASSWORD


def test_leader_signs_in_and_sees_the_map(live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    requested, page_errors = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    # Anything from outside would be recorded above, then refused here.
    page.route(
        "**/*",
        lambda route: route.continue_() if is_local(route.request.url, live_server) else route.abort(),
    )

    page.goto(f"{live_server}/portal")
    assert "/login" in page.url
    page.fill("#username", "leader1")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/portal")
    wait_ready(page)

    overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert {"社区", "路段", "问题"} <= {text.strip() for text in overlays}
    legend = page.locator(".portal-legend")
    assert legend.is_visible()
    assert "图例" in legend.inner_text() and "未分配" in legend.inner_text()
    # Communities, roads and incidents come as vector tiles, drawn on canvas: both communities
    # named, 福华路 in its lead unit's kind's colour (城管执法局, a bureau), 无人路 grey, the incidents as
    # points (the county fills the screen at zoom 16).
    tiles = [url for url in requested if ".mvt" in url]
    assert {"zones", "roads", "incidents"} <= {url.split("/tiles/")[1].split("/")[0] for url in tiles}
    assert not any("/api/v1/layers/" in url for url in requested)  # no GeoJSON for these any more
    assert sorted(page.locator(".zone-label").all_inner_texts()) == ["东湖社区", "西园社区"]
    assert painted_tiles(page, "portal-zones") >= 1
    assert painted_tiles(page, "portal-roads", kind_colour("bureau")) >= 1
    assert painted_tiles(page, "portal-roads", UNGUARDED_COLOUR) >= 1
    assert painted_tiles(page, "portal-incidents") >= 1
    assert "视图内问题 35 件" in page.inner_text(".portal-status")
    assert "测试县" in page.locator(".topbar").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal.png"))
    assert page_errors == []
    assert [url for url in requested if not is_local(url, live_server)] == []


def test_a_map_whose_session_ended_asks_to_sign_in_again(live_server, browser):
    """Tiles refused with 401 (the session is gone) send the page to the login, not to an empty map."""
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page.goto(f"{live_server}/login?next=/portal")
    page.fill("#username", "leader1")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    wait_ready(page)
    page.context.clear_cookies()
    page.evaluate("() => { window.portalMap.setZoom(window.portalMap.getZoom() + 1, {animate: false}); }")
    page.wait_for_url("**/login**")
    assert page.locator("#username").is_visible()
