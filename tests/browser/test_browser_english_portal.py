"""The leaders' map (/portal) in English in a real browser (issue #17 part 6): with every layer on,
a road's, a community's and a cluster's popup open, a search that finds nothing and the 驾驶舱's
charts drawn, the page says nothing in Chinese but the data's names."""

from __future__ import annotations

from dataclasses import replace

from tests.support.browser import ARTIFACTS, FREE_CLUSTER, map_xy, signed_in_page, wait_ready
from tests.support.english import CJK, chinese_outside, data_names
from tests.support.web import COUNTY_CODE
from webmap import get_store

VIEW = {"viewport": {"width": 1440, "height": 900}, "locale": "en-US"}
NOBODYS_ROAD = (22.518, 114.0085)  # 无人路: no unit leads it
EAST_LAKE = (22.5035, 114.0175)  # inside 东湖社区, away from roads and cases
CHART_NAMES = """() => ['chart-trend', 'chart-status'].flatMap((id) => {
    const option = echarts.getInstanceByDom(document.getElementById(id)).getOption();
    return option.series.flatMap((s) => [s.name || ''].concat((s.data || []).map((d) => (d && d.name) || '')));
})"""


def _popup_at(page, lat: float, lon: float) -> str:
    """The popup of what lies at the place, seen from close by."""
    page.evaluate("() => window.portalMap.closePopup()")
    page.evaluate("([lat, lon]) => window.portalMap.setView([lat, lon], 17, {animate: false})", [lat, lon])
    wait_ready(page)
    x, y = map_xy(page, lat, lon)
    page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup-content")
    return page.inner_text(".leaflet-popup-content")


def test_the_map_speaks_english(app, live_server, browser):
    with app.app_context():
        store = get_store()
        store.update_user(replace(store.get_user_by_name("leader1"), lang="en"))
        names = data_names(store, store.get_county(COUNTY_CODE).id)
    page = signed_in_page(browser, live_server, "leader1", **VIEW)
    wait_ready(page)
    page.wait_for_function("() => document.documentElement.getAttribute('data-dashboard-ready') === '1'")

    road = _popup_at(page, *NOBODYS_ROAD)
    assert "Unassigned (no lead unit)" in road and "Coverage gap report" in road, road
    community = _popup_at(page, *EAST_LAKE)
    assert "Community page" in community and "Cases in this community" in community, community
    page.wait_for_selector(".leaflet-popup-content:has-text('None (coverage gap)')")
    page.evaluate(
        "() => { window.portalMap.closePopup(); window.portalMap.setView([22.51, 114.01], 15, {animate: false}); }"
    )
    wait_ready(page)
    index = page.evaluate(FREE_CLUSTER)  # the status line or the legend may lie over the first one
    assert index >= 0, "every cluster in view lies under a control of the map"
    page.locator(".leaflet-portal-clusters-pane .incident-cluster").nth(index).click()
    assert "problems" in page.inner_text(".leaflet-popup-content")

    for box in page.locator(".leaflet-control-layers-overlays input").all():
        if not box.is_checked():
            box.check()
            wait_ready(page)
    page.fill("#portal-search input", "nothing-like-it")
    page.click("#portal-search button[type=submit]")
    page.wait_for_selector(".portal-results li.none")
    page.click("#portal-filters summary")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-english.png"))
    text = page.inner_text("body")
    assert chinese_outside(text, names) == [], text
    for words in ("Legend", "Grid cells", "Heat map", "Coverage gaps", "Evaluation scores", "Review queue",
                  "Nothing found for “nothing-like-it”", "Clear filters", "Evaluation month",
                  "Problems in view", "Dashboard"):  # fmt: skip
        assert words in text, words
    assert not [name for name in page.evaluate(CHART_NAMES) if CJK.search(name)]
    heading = "() => getComputedStyle(document.querySelector('.leaflet-control-layers-overlays'), '::before').content"
    assert page.evaluate(heading) == '"Layers"'
    assert page.errors == []
