"""A patrol inspector scores 福华路 from a phone, in a real browser (Playwright, Debian's Chromium).

They search 福华路, pick it, score its checklist with the quick buttons and by hand — one item over
its maximum first, which the API refuses with a Chinese message next to that item — fix it, send,
and read the score. Nothing is fetched from outside 127.0.0.1.
"""

from __future__ import annotations

from werkzeug.security import generate_password_hash

from geodata.model import User
from tests.support.browser import ARTIFACTS, PHONE, Browsing, tap_inspect_map_at
from tests.support.web import COUNTY_CODE, PASSWORD
from webmap import get_store


def test_a_patrol_scores_a_road_from_a_phone(app, live_server, browser):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_user(User("xun", generate_password_hash(PASSWORD), "inspector", county.id, panel="patrol"))
        before = store.count(county.id, "inspection")
    ARTIFACTS.mkdir(exist_ok=True)
    web = Browsing(browser, live_server)
    phone = web.sign_in("xun", "/inspect", **PHONE)

    assert phone.inner_text("#panel-line").startswith("评议组：督查科")
    phone.click(".menu-button")  # the pages fold into a menu on a phone
    assert phone.locator(".site-nav a[aria-current=page]").inner_text() == "考核评分"
    phone.click(".menu-button")
    phone.wait_for_function(
        "() => document.querySelectorAll('#inspect-map .leaflet-overlay-pane path').length >= 2"
    )

    # A tap inside 西园社区, away from its roads, picks the community and shows its checklist.
    tap_inspect_map_at(phone, 22.512, 114.004)
    phone.wait_for_selector("#inspect-form:not([hidden]) .check-item")
    assert phone.inner_text("#chosen-name") == "西园社区" and phone.inner_text("#chosen-kind") == "社区"
    assert "垃圾分类、清运及时" in phone.inner_text("#checklist")

    phone.locator("#target-q").tap()
    phone.locator("#target-q").fill("福华")
    phone.locator("#search button[type=submit]").tap()
    result = phone.locator("#target-results button", has_text="福华路")
    result.wait_for()
    assert phone.locator("#target-results button").count() == 1
    result.tap()
    phone.wait_for_selector("#inspect-form:not([hidden]) .check-item")
    phone.wait_for_function("() => document.getElementById('chosen-name').textContent === '福华路'")
    assert phone.inner_text("#chosen-name") == "福华路" and phone.inner_text("#chosen-kind") == "路段"
    assert phone.locator("#inspect-map .leaflet-overlay-pane path[stroke='#b3261e']").count() == 1

    rows = phone.locator(".check-item")
    assert rows.count() == 5 and "无牛皮癣、乱张贴" in rows.nth(0).inner_text()
    rows.nth(0).locator("button", has_text="满分").tap()  # posters 20
    rows.nth(1).locator("button", has_text="扣一半").tap()  # street_vending 10
    rows.nth(2).locator("input").fill("25")  # parking: over its 20
    rows.nth(3).locator("input").fill("18.5")  # outdoor_ads
    rows.nth(4).locator("button", has_text="满分").tap()  # sanitation 20
    assert phone.inner_text("#total") == "93.5"

    phone.locator("#send").tap()
    error = rows.nth(2).locator("[data-error='items.parking']")
    error.wait_for(state="visible")
    assert "车辆停放有序" in error.inner_text() and "超出范围 0–20" in error.inner_text()
    assert phone.locator(".field-error:not([hidden])").count() == 1  # next to that item alone

    rows.nth(2).locator("input").fill("12")
    assert error.is_hidden() and phone.inner_text("#total") == "80.5"
    with phone.expect_request(lambda r: r.url.endswith("/api/v1/inspections") and r.method == "POST") as sent:
        phone.locator("#send").tap()
    assert sent.value.headers["x-csrftoken"]
    phone.wait_for_selector("#result:not([hidden])")
    assert phone.inner_text("#result-message") == "已记录：福华路 80.5 分"
    assert phone.inner_text("#result-title") == "督查科评分已提交"
    phone.screenshot(path=str(ARTIFACTS / "inspect-mobile.png"), full_page=True)

    with app.app_context():
        store = get_store()
        assert store.count(county.id, "inspection") == before + 1
    assert web.requested and all(web.local(url) for url in web.requested), [
        url for url in web.requested if not web.local(url)
    ]
    assert not web.errors, web.errors
