"""What the leaders' map shows of a feature, in a real browser (Playwright, Debian's Chromium): a
click on a road, a community, a grid cell, a case, a case waiting for review and a cluster opens its
popup in Chinese with its links; the pointer over a road or a case names it; cluster bubbles do not
lie over one another. The demo county and its places are test_browser_portal_tiles.py's."""

from __future__ import annotations

from geodata.labels import STATUS_ZH
from layers.roads import kind_name
from tests.support.browser import ARTIFACTS, FREE_CLUSTER, map_xy, painted_tiles, signed_in_page, wait_ready
from tests.support.portal_map import WIDE, click_map_at, close_popup, go_to, map_view, switch_layer
from tests.support.web import serving


def _hover_at(page, lat: float, lon: float) -> str:
    """Move the pointer onto the place (from a little way off); the label shown by it."""
    x, y = map_xy(page, lat, lon)
    close_popup(page)
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=4)
    page.wait_for_selector(".portal-hover")
    return page.inner_text(".portal-hover")


def _link(page, text: str) -> str:
    return page.locator(".leaflet-popup-content a", has_text=text).get_attribute("href")


def test_roads_communities_cells_and_cases_open_their_popups(tiled_demo, browser):
    app, password, places = tiled_demo
    with serving(app) as base:
        # Wide enough that the middle of the map, where the places to click are, is clear of the legend.
        page = signed_in_page(browser, base, "leader", password=password, **WIDE)
        wait_ready(page)
        start = map_view(page)
        _review_popup(page, places["filed"])
        _road_popup(page, places["road"])
        _community_and_cell_popups(page, places["community"])
        go_to(page, *start)
        _cluster_popup(page)
        _case_popup(page, places["case"], places["categories"])
        assert page.errors == [] and page.outside == []


def _review_popup(page, filed) -> None:
    """审核队列 over the county, then a case waiting for a leader to pick its unit."""
    switch_layer(page, "问题", False)
    switch_layer(page, "审核队列", True)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-review.png"))
    go_to(page, filed.geom.y, filed.geom.x, 18)
    text = click_map_at(page, filed.geom.y, filed.geom.x)
    assert f"案件 #{filed.id}" in text and "待派发" in text and STATUS_ZH["filed"] in text
    assert _link(page, "查看案件") == f"/cases/{filed.id}"
    switch_layer(page, "审核队列", False)
    switch_layer(page, "问题", True)


def _road_popup(page, road) -> None:
    """A road: its name, its class, the unit leading it, its kind, and that unit's cases."""
    switch_layer(page, "问题", False)  # cases lie along the roads, over them
    go_to(page, road["lat"], road["lon"], 17)
    assert _hover_at(page, road["lat"], road["lon"]) == f"{road['name']} · {road['unit'].name}"
    assert (
        page.evaluate(
            "() => getComputedStyle(document.querySelector('.leaflet-portal-roads-pane canvas')).cursor"
        )
        == "pointer"
    )
    text = click_map_at(page, road["lat"], road["lon"])
    assert road["name"] in text and road["unit"].name in text and "道路等级" in text
    assert f"单位类别\t{kind_name(road['unit'].kind)}" in text  # what its colour stands for
    assert _link(page, "该单位的案件") == f"/cases?unit={road['unit'].code}"
    switch_layer(page, "问题", True)


def _community_and_cell_popups(page, c) -> None:
    """A community (roads and cases off, so the click lands inside it), then its grid cell there."""
    zone = c["zone"]
    switch_layer(page, "路段", False)
    switch_layer(page, "问题", False)
    go_to(page, c["lat"], c["lon"], 16)
    text = click_map_at(page, c["lat"], c["lon"])
    assert zone.name in text and zone.code in text and "等次" in text and (zone.tier or "未评定") in text
    # its lead unit today, asked for when the popup opened
    page.wait_for_function("() => !document.querySelector('.leaflet-popup').innerText.includes('查询中')")
    assert f"牵头单位\t{c['lead']}" in page.inner_text(".leaflet-popup")
    assert _link(page, "社区公开页") == f"/c/{zone.code}"
    assert _link(page, "本社区案件") == f"/cases?zone={zone.code}"
    switch_layer(page, "单元网格", True)
    text = click_map_at(page, c["lat"], c["lon"])
    assert f"单元网格 {c['cell'].code}" in text and c["cell"].name in text
    assert _link(page, "本网格案件") == f"/cases?zone={c['cell'].code}"
    switch_layer(page, "单元网格", False)
    switch_layer(page, "路段", True)
    switch_layer(page, "问题", True)


def _cluster_popup(page) -> None:
    """A cluster: how many, and a button that zooms in on it."""
    # The last popup (a grid cell's) may still lie over the cluster to click.
    page.evaluate("() => { window.portalMap.closePopup(); }")
    page.wait_for_selector(".leaflet-popup", state="detached")
    # No bubble lies over another, across the tiles' edges too.
    boxes = page.eval_on_selector_all(
        ".leaflet-portal-clusters-pane .incident-cluster",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })",
    )
    assert len(boxes) >= 5
    overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _overlap(a, b)]
    assert overlaps == []
    page.screenshot(path=str(ARTIFACTS / "portal-clusters.png"))
    index = page.evaluate(FREE_CLUSTER)  # the first one no control of the map (legend, filters) covers
    assert index >= 0, "every cluster in view lies under a control of the map"
    page.locator(".leaflet-portal-clusters-pane .incident-cluster").nth(index).click()
    page.wait_for_selector(".cluster-popup")
    assert "件问题" in page.inner_text(".cluster-popup")
    zoom = page.evaluate("() => window.portalMap.getZoom()")
    page.evaluate("""() => { window.zoomed = new Promise((done) => {
        window.portalMap.once("zoomend", () => done(window.portalMap.getZoom())); }); }""")
    page.click(".cluster-popup button:has-text('放大查看')")
    assert page.evaluate("() => window.zoomed") == zoom + 2
    wait_ready(page)


def _overlap(a, b) -> bool:
    """Whether the round bubbles in boxes ``a`` and ``b`` (left, top, right, bottom) overlap."""
    (ax, ay), (bx, by) = ((a[0] + a[2]) / 2, (a[1] + a[3]) / 2), ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
    return ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 < (a[2] - a[0] + b[2] - b[0]) / 2


def _case_popup(page, case, categories) -> None:
    """A case standing alone, zoomed in to its point: number, category and status in Chinese; found
    again by 查找; its link opens the case."""
    go_to(page, case.geom.y, case.geom.x, 18)
    assert painted_tiles(page, "portal-incidents") >= 1
    label = _hover_at(page, case.geom.y, case.geom.x)
    assert label == f"案件 #{case.id} · {categories[case.category]} · {STATUS_ZH[case.status]}"
    page.screenshot(path=str(ARTIFACTS / "portal-hover.png"))
    text = click_map_at(page, case.geom.y, case.geom.x)
    assert f"案件 #{case.id}" in text
    assert categories[case.category] in text and STATUS_ZH[case.status] in text
    page.wait_for_selector(".portal-hover", state="detached")  # the popup says it now
    assert _link(page, "查看案件") == f"/cases/{case.id}"
    page.screenshot(path=str(ARTIFACTS / "portal-tiles.png"))
    # 查找 its number: the map goes there and rings its point (its tile is loaded already).
    page.fill("#portal-search input", f"#{case.id}")
    page.press("#portal-search input", "Enter")
    page.click(f"#portal-search .portal-results button:has-text('#{case.id}')")
    page.wait_for_selector(".leaflet-portal-focus-pane path", state="attached")
    assert abs(page.evaluate("() => window.portalMap.getCenter().lat") - case.geom.y) < 0.001
    text = click_map_at(page, case.geom.y, case.geom.x)
    assert f"案件 #{case.id}" in text
    page.click(".leaflet-popup-content a:has-text('查看案件')")
    page.wait_for_url(f"**/cases/{case.id}")
    assert f"案件 #{case.id}" in page.inner_text("h1")
