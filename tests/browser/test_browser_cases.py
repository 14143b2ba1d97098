"""A case from a phone to its check, in a real browser (Playwright driving Debian's Chromium).

An inspector on a phone taps 福华路 on the report map, picks 乱停车, attaches a photo and sends: the
answer names 城管执法局. Its staff open the case from their list and press 处置; the inspector
presses 核查通过; the timeline shows every step. Nothing is fetched from outside 127.0.0.1.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from shapely.geometry import LineString, Point

from geodata.model import Incident, Segment
from tests.support.browser import ARTIFACTS, DESKTOP, FUHUA, PHONE, Browsing, jpeg_file, tap_map_at
from tests.support.web import COUNTY_CODE, PASSWORD
from webmap import get_store


def _act(page, label: str, note: str) -> None:
    page.fill("#action-note", note)
    with page.expect_navigation():
        page.click(f"#action-form button:text-is('{label}')")


def test_a_case_goes_from_a_phone_to_its_unit_and_back_to_the_inspector(
    app, case_users, live_server, browser, tmp_path
):
    ARTIFACTS.mkdir(exist_ok=True)
    web = Browsing(browser, live_server)

    # The inspector reports from a phone.
    phone = web.sign_in("insp", "/report", **PHONE)
    legend = phone.locator("#case-map .case-legend")
    assert legend.is_visible() and "社区边界" in legend.inner_text()
    # The roads in view by the kind of unit leading them (福华路: a bureau's), not unit by unit.
    phone.wait_for_selector("#case-map .road-units span")
    assert "职能部门" in legend.inner_text() and "城管执法局" not in legend.inner_text()
    phone.locator("#locate").tap()  # the context was granted no geolocation: refused, said in Chinese
    phone.wait_for_selector("[data-error=location]:not([hidden])")
    assert "定位权限被拒绝" in phone.inner_text("[data-error=location]")
    tap_map_at(phone, *FUHUA)
    phone.locator("#send").tap()  # no category yet: the API's message, next to the categories
    phone.wait_for_selector("[data-error=category]:not([hidden])")
    assert "缺少问题类别" in phone.inner_text("[data-error=category]")
    lat, lon = float(phone.input_value("#lat")), float(phone.input_value("#long"))
    assert abs(lat - FUHUA[0]) < 2e-5 and abs(lon - FUHUA[1]) < 2e-5
    assert "已选位置" in phone.inner_text("#picked")
    phone.locator("label.category", has_text="乱停车").tap()
    phone.set_input_files("#photo", jpeg_file(tmp_path))
    phone.fill("#description", "人行道上停了三辆车")
    with phone.expect_request(lambda r: r.url.endswith("/api/v1/incidents") and r.method == "POST") as sent:
        phone.locator("#send").tap()
    assert re.fullmatch(r"[0-9a-f]{32}", sent.value.headers["idempotency-key"])
    assert sent.value.headers["x-csrftoken"]
    phone.wait_for_selector("#result:not([hidden])")
    answer = phone.inner_text("#result-message")
    assert "已派发给城管执法局" in answer and "前处置" in answer, answer
    case_url = phone.get_attribute("#result-link", "href")
    case_id = int(case_url.rsplit("/", 1)[1])
    phone.screenshot(path=str(ARTIFACTS / "report-mobile.png"), full_page=True)

    # 城管执法局's staff find it in their list and handle it.
    staff = web.sign_in("cg", "/cases?status=open", **DESKTOP)  # where /cases leads unit staff
    assert staff.locator("a.case-id").all_inner_texts() == [f"#{case_id}"]
    staff.click(f"a.case-id:text-is('#{case_id}')")
    staff.wait_for_url(f"**/cases/{case_id}")
    assert staff.locator("#action-form button").all_inner_texts() == ["处置", "回退"]
    _act(staff, "处置", "已劝离车辆")
    assert staff.inner_text(".case-head .badge") == "已处置"

    # The inspector checks it on the phone.
    phone.goto(f"{live_server}{case_url}")
    assert phone.locator("#action-form button").all_inner_texts() == ["核查通过", "返工"]
    _act(phone, "核查通过", "现场已无车辆")
    assert phone.inner_text(".case-head .badge") == "已核查"
    steps = [" | ".join(row) for row in _timeline(phone)]
    assert steps == [
        "insp | 上报 → 待派发 | ",
        "系统 | 待派发 → 已派发 | 按分兵把口自动派发",
        "cg | 已派发 → 已处置 | 已劝离车辆",
        "insp | 已处置 → 已核查 | 现场已无车辆",
    ], steps
    assert phone.locator(".photos img").count() == 1
    phone.screenshot(path=str(ARTIFACTS / "case-page.png"), full_page=True)

    # A leader's list: a late case flagged, this one verified, and the queues.
    late = _late_case(app, case_users["U02"])
    leader = web.sign_in("leader1", "/cases?per_page=20", **DESKTOP)
    rows = leader.locator(".case-table tbody tr")
    assert (
        rows.nth(0).locator(".badge.overdue").inner_text() == "逾期"
        and f"#{late}" in rows.nth(0).inner_text()
    )
    assert f"#{case_id}" in rows.nth(1).inner_text() and "已核查" in rows.nth(1).inner_text()
    assert "1 件逾期" in leader.inner_text(".queues") and "共 37 件" in leader.inner_text(".summary")
    leader.screenshot(path=str(ARTIFACTS / "cases-list.png"), full_page=True)

    assert web.errors == []
    assert [url for url in web.requested if not web.local(url)] == []


def _late_case(app, unit) -> int:
    """A street-vending case 交警大队 should have handled two hours ago."""
    now = datetime.now(UTC)
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        return store.add_incident(
            Incident(county.id, "street_vending", Point(114.015, 22.5151), now - timedelta(hours=6),
                     "dispatched", unit_id=unit.id, deadline_at=now - timedelta(hours=2))
        ).id  # fmt: skip


def _timeline(page) -> list[list[str]]:
    """The timeline's rows as (操作人, 状态变化, 备注), the time left out."""
    rows = page.locator(".timeline .events tbody tr").all()
    return [[c.strip() for c in row.locator("td").all_inner_texts()[1:]] for row in rows]


OVERFLOW = """() => [...document.querySelectorAll('body *')]
    .filter((el) => { const b = el.getBoundingClientRect(); return b.width && b.right > innerWidth + 1; })
    .map((el) => el.tagName + '.' + el.className)"""


def test_an_inspector_on_a_phone_lands_on_the_field_home(app, case_users, live_server, browser):
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "insp")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/field")
    assert page.evaluate(OVERFLOW) == []  # nothing wider than the phone
    page.click(".menu-button")  # every page is one tap away, inside the screen
    links = page.locator(".site-nav a")
    assert "随手拍审核" in links.all_inner_texts() and page.evaluate(OVERFLOW) == []
    for i in range(links.count()):
        b = links.nth(i).bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= 390 and b["y"] + b["height"] <= 844
    page.click(".menu-button")
    tile = page.locator(".field-tile.primary")
    box = tile.bounding_box()
    assert box["height"] >= 48 and box["x"] >= 0 and box["x"] + box["width"] <= 390  # a thumb's target
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "field-phone.png"))
    tile.click()
    page.wait_for_url("**/report")


# Move the report map (no animation) and say the newest id Leaflet had stamped on its layers: the
# layers a later answer draws get higher ones (L.stamp counts up), and the move aborts the answers
# still on their way for the view before.
MOVE = """([lat, lon, zoom]) => {
    const map = window.reportMap;
    let newest = 0;
    map.eachLayer((layer) => { newest = Math.max(newest, L.stamp(layer)); });
    map.setView([lat, lon], zoom, {animate: false});
    return newest;
}"""
# Whether the roads of the move are drawn and named: a road drawn after ``newest`` has its label
# open (case.js draws and labels them in one go, closing the labels of the view before), and the
# page holds only the open labels: a closed one fades out for 200 ms before it leaves the page
# (Leaflet's fadeAnimation), and the test reads the labels from the page.
ROADS_DRAWN_SINCE = """(newest) => {
    let open = 0, fresh = false;
    window.reportMap.eachLayer((layer) => {
        const tip = layer.getTooltip && layer.getTooltip();
        if (tip && tip.options.className === "road-label" && layer.isTooltipOpen()) {
            open += 1;
            fresh ||= L.stamp(layer) > newest;
        }
    });
    return fresh && document.querySelectorAll(".road-label").length === open;
}"""


def test_a_road_of_many_pieces_is_named_once_on_the_report_map(app, live_server, browser):
    with app.app_context():
        store = get_store()
        cid = store.get_county(COUNTY_CODE).id
        store.add_segments(
            [Segment(cid, "福华路", LineString([(114.008, 22.505), (114.0095, 22.505)])),
             Segment(cid, "福华路", LineString([(114.0095, 22.505), (114.011, 22.505)])),
             Segment(cid, "福华一路", LineString([(114.002, 22.5052), (114.008, 22.5052)]))]  # 20 m above
        )  # fmt: skip
    web = Browsing(browser, live_server)
    page = web.sign_in("leader1", "/report", **DESKTOP)
    before = page.evaluate(MOVE, [FUHUA[0], FUHUA[1] + 0.003, 17])
    page.wait_for_function(ROADS_DRAWN_SINCE, arg=before)  # the roads of this move drawn, named
    labels = page.locator(".road-label").all_inner_texts()
    assert labels.count("福华路") == 1  # three pieces in view, one name
    boxes = page.eval_on_selector_all(
        ".road-label",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })",
    )
    for i, a in enumerate(boxes):  # and no name over another
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (labels, boxes)
    assert web.errors == []
