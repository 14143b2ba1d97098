"""A patrol inspector who chose English scores 福华路 from a phone (Playwright, Debian's Chromium):
what inspect.js writes — the map's hint, the kinds, the checklist's heading, the quick buttons, the
count of items left, the result — is English (the texts it gets from the page)."""

from __future__ import annotations

import re

from werkzeug.security import generate_password_hash

from geodata.model import User
from tests.support.browser import PHONE, Browsing, tap_inspect_map_at
from tests.support.web import COUNTY_CODE, PASSWORD
from webmap import get_store


def test_an_english_inspector_scores_a_road(app, live_server, browser):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        user = User(
            "xun", generate_password_hash(PASSWORD), "inspector", county.id, panel="patrol", lang="en"
        )
        store.add_user(user)
    web = Browsing(browser, live_server)
    phone = web.sign_in("xun", "/inspect", **PHONE)

    assert phone.inner_text("#panel-line").startswith("Panel: Inspection office")
    assert phone.inner_text(".map-hint") == "Tap a road or community\nto choose what to score"
    phone.wait_for_function(
        "() => document.querySelectorAll('#inspect-map .leaflet-overlay-pane path').length >= 2"
    )
    tap_inspect_map_at(phone, 22.512, 114.004)  # inside 西园社区, away from its roads
    phone.wait_for_selector("#inspect-form:not([hidden]) .check-item")
    assert phone.inner_text("#chosen-kind") == "Community"
    assert phone.inner_text("#checklist-kind") == "(Community checklist)"

    phone.locator("#target-q").fill("福华")
    phone.locator("#search button[type=submit]").tap()
    result = phone.locator("#target-results button", has_text="福华路")
    result.wait_for()
    assert "Road segment" in result.inner_text() and re.search(r"about \d+ m", result.inner_text())
    result.tap()
    phone.wait_for_function("() => document.getElementById('chosen-name').textContent === '福华路'")
    assert phone.inner_text("#chosen-kind") == "Road segment"

    rows = phone.locator(".check-item")
    assert rows.count() == 5 and "out of 20" in rows.nth(0).inner_text()
    rows.nth(0).locator("button", has_text="Full").tap()
    assert phone.inner_text("#missing") == "4 items not scored yet"
    rows.nth(1).locator("button", has_text="Half").tap()
    rows.nth(2).locator("input").fill("12")
    rows.nth(3).locator("input").fill("18.5")
    rows.nth(4).locator("button", has_text="Full").tap()
    assert phone.inner_text("#total") == "80.5" and phone.inner_text("#missing") == ""

    phone.locator("#send").tap()
    phone.wait_for_selector("#result:not([hidden])")
    assert phone.inner_text("#result-title") == "Score sent (Inspection office)"
    assert phone.inner_text("#result-message") == "Recorded: 福华路, 80.5 points"
    assert phone.inner_text("#again") == "Score the next one"
    assert not web.errors, web.errors
