"""A person in a real browser: sign in, open the map, see the layers, the legend and the features,
and nothing fetched from outside 127.0.0.1 (Playwright driving Debian's Chromium)."""

from __future__ import annotations

from tests.webmap.conftest import ARTIFACTS, PASSWORD, is_local


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
    page.wait_for_selector("html[data-portal-ready='1']", timeout=20_000)

    overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert {"社区", "路段", "问题"} <= {text.strip() for text in overlays}
    legend = page.locator(".portal-legend")
    assert legend.is_visible()
    assert "图例" in legend.inner_text() and "未分配" in legend.inner_text()
    # 2 communities + 3 road segments drawn as SVG, and at least one incident cluster.
    assert page.locator(".leaflet-pane svg path").count() >= 5
    assert page.locator(".incident-cluster").count() >= 1
    assert "测试县" in page.locator(".topbar").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal.png"))
    assert page_errors == []
    assert [url for url in requested if not is_local(url, live_server)] == []
