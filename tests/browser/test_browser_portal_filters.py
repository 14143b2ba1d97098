"""The leaders' map in a real browser: switch the 热力图 on, narrow the map with the filter panel
(category, time range) and see the heatmap and the counts change; clear it and see them back."""

from __future__ import annotations

import re

from tests.support.browser import ARTIFACTS, signed_in_page, wait_ready

# Whether a roads tile has a pixel of the found road's halo (#ffd200).
PAINTED_HALO = """() => [...document.querySelectorAll('.leaflet-portal-roads-pane canvas')].some((c) => {
    if (!c.width) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
        if (d[i] === 255 && d[i + 1] === 210 && d[i + 2] === 0 && d[i + 3] > 200) return true;
    }
    return false;
})"""


def _counts(page) -> tuple[int, int]:
    wait_ready(page)
    text = page.inner_text(".portal-status")
    incidents = re.search(r"视图内问题 ([\d,]+) 件", text)
    heat = re.search(r"热力图 ([\d,]+) 件", text)
    return int(incidents.group(1).replace(",", "")), int(heat.group(1).replace(",", ""))


def test_filters_change_the_heatmap_and_the_counts(live_server, browser):
    page = signed_in_page(browser, live_server, "leader1")
    wait_ready(page)

    page.locator(".leaflet-control-layers-overlays label", has_text="热力图").locator("input").check()
    page.wait_for_selector("canvas.leaflet-heatmap-layer")
    assert _counts(page) == (35, 35)  # every incident of the test county is in view
    assert "热力图" in page.inner_text(".portal-legend")

    page.click("#portal-filters summary")
    page.select_option("#portal-filters select[name=category]", label="牛皮癣")
    page.wait_for_function(
        "() => document.querySelector('.portal-status').textContent.includes('热力图 18 件')"
    )
    assert _counts(page) == (18, 18)
    assert "（1 项）" in page.inner_text("#portal-filters summary")
    page.fill("#portal-filters input[name=from]", "2024-01-01")
    page.fill("#portal-filters input[name=to]", "2024-01-10")
    page.dispatch_event("#portal-filters input[name=to]", "change")
    page.wait_for_function(  # the heat map's answer and the tiles' may come in either order
        "() => ['热力图 5 件', '视图内问题 5 件'].every(t => document.querySelector('.portal-status').textContent.includes(t))"
    )
    assert _counts(page) == (5, 5)  # posters are the even days: 0, 2, 4, 6, 8
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-heat.png"))

    page.click("#portal-filters button")
    page.wait_for_function(
        "() => document.querySelector('.portal-status').textContent.includes('热力图 35 件')"
    )
    assert _counts(page) == (35, 35)

    # 查找 a unit: it is picked out on the map, as "显示单位" does.
    page.fill("#portal-search input", "交警")
    page.press("#portal-search input", "Enter")
    page.click("#portal-search .portal-results button:has-text('交警大队')")
    page.wait_for_function(
        "() => document.querySelector('.portal-status').textContent.includes('交警大队：')"
    )
    assert "交警大队：0 个社区/网格、1 条路段" in page.inner_text(".portal-status")
    assert page.locator(".leaflet-portal-focus-pane path").count() == 1
    page.click("#portal-filters button")  # 清除筛选: the unit picked out goes too
    page.wait_for_function(
        "() => !document.querySelector('.portal-status').textContent.includes('交警大队：')"
    )
    assert page.locator(".leaflet-portal-focus-pane path").count() == 0
    assert page.input_value("#portal-show-unit") == ""

    # 查找 a road: the map goes there and draws it in a yellow halo; the next search takes it off.
    page.fill("#portal-search input", "福华")
    page.press("#portal-search input", "Enter")
    page.click("#portal-search .portal-results button:has-text('福华路')")
    page.wait_for_function(PAINTED_HALO)
    page.screenshot(path=str(ARTIFACTS / "portal-road-found.png"))
    page.fill("#portal-search input", "西园")
    page.press("#portal-search input", "Enter")
    page.click("#portal-search .portal-results button:has-text('西园社区')")
    page.wait_for_function(f"() => !({PAINTED_HALO})()")
    assert page.errors == [] and page.outside == []


def test_unit_staff_open_the_map_with_their_unit_picked_out(app, case_users, live_server, browser):
    page = signed_in_page(browser, live_server, "cg")  # staff of 城管执法局, which leads 福华路
    page.wait_for_function(
        "() => document.querySelector('.portal-status').textContent.includes('城管执法局：')"
    )
    page.wait_for_selector("html[data-portal-ready='1']")
    assert "城管执法局：0 个社区/网格、1 条路段" in page.inner_text(".portal-status")
    assert page.input_value("#portal-show-unit") == "U01"
    assert page.locator(".leaflet-portal-focus-pane path").count() == 1
    page.click("#portal-filters summary")
    page.select_option("#portal-show-unit", "")
    page.wait_for_function(
        "() => !document.querySelector('.portal-status').textContent.includes('城管执法局：')"
    )
    assert page.locator(".leaflet-portal-focus-pane path").count() == 0


def test_a_click_on_the_dashboard_filters_the_map(live_server, browser):
    page = signed_in_page(
        browser, live_server, "leader1", viewport={"width": 1400, "height": 860}, locale="zh-CN"
    )
    wait_ready(page, "dashboard")
    assert (
        page.inner_text("[data-kpi=total]") == "35" and page.inner_text("[data-kpi=closure_rate]") == "0.0%"
    )
    page.wait_for_selector("html[data-portal-ready='1']")
    # Click the January bar of the first series (牛皮癣, the largest): the map and the panel narrow.
    x, y = page.evaluate(
        """() => {
            const el = document.getElementById('chart-trend'), chart = echarts.getInstanceByDom(el);
            const [px, py] = chart.convertToPixel({seriesIndex: 0}, ['2024-01', 8]);
            const box = el.getBoundingClientRect();
            return [box.left + px, box.top + py];
        }"""
    )
    page.mouse.click(x, y)
    page.wait_for_function("() => document.querySelector('[data-kpi=total]').textContent === '16'")
    page.wait_for_function(
        "() => document.querySelector('.portal-status').textContent.includes('视图内问题 16 件')"
    )
    assert page.input_value("#portal-filters select[name=category]") == "posters"
    assert page.input_value("#portal-filters input[name=from]") == "2024-01-01"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-dashboard.png"))
    assert page.errors == [] and page.outside == []


def test_counts_wait_for_their_tiles_instead_of_growing(live_server, browser):
    page = signed_in_page(browser, live_server, "leader1")
    wait_ready(page)
    held = []
    page.route("**/tiles/incidents/**", lambda route: held.append(route))  # answered later
    page.evaluate("() => window.portalMap.setZoom(window.portalMap.getZoom() + 1, {animate: false})")
    page.wait_for_function("() => document.querySelector('.portal-status').textContent.includes('统计中')")
    assert held and not re.search(r"视图内问题 [\d,]+ 件", page.inner_text(".portal-status"))
    page.unroute("**/tiles/incidents/**")
    for route in held:
        route.continue_()
    page.wait_for_function(
        "() => /视图内问题 [\\d,]+ 件/.test(document.querySelector('.portal-status').textContent)"
    )
    assert _counts_of(page) == 35 and page.errors == []


def _counts_of(page) -> int:
    wait_ready(page)
    return int(re.search(r"视图内问题 ([\d,]+) 件", page.inner_text(".portal-status")).group(1))


def test_a_month_with_no_scores_says_so_on_the_map(live_server, browser):
    page = signed_in_page(browser, live_server, "leader1")  # the small county: no inspection at all
    wait_ready(page)
    page.locator(".leaflet-control-layers-overlays label", has_text="考核得分").locator("input").check()
    page.wait_for_function(
        "() => document.querySelector('.portal-status').textContent.includes('视图内无考核记录')"
    )
    assert "可换月份查看" in page.inner_text(".portal-status") and page.locator(".portal-month").count() == 1
    assert page.errors == []
