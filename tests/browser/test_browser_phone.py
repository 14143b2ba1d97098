"""Every page on a phone (390×844), for each kind of user: nothing wider than the screen, so no
page scrolls sideways and no control sits off-screen (issue #17). A wide table may scroll inside
its own box, and map tiles are clipped by the map; anything else past the right edge fails."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from geodata.model import User
from tests.support.browser import ARTIFACTS, OVERFLOW, PHONE, wait_ready
from tests.support.web import COUNTY_CODE, PASSWORD
from webmap import get_store

KEPT = ("/portal", "/inspect", "/report", "/cases", "/field")  # screenshots kept in tests/artifacts
PAGES = {
    "leader1": ["/portal", "/portal/edit", "/portal/coverage", "/portal/change-sets", "/cases", "/cases/1",
                "/portal/targets/segment/1", "/report", "/moderation", "/scores", "/scores/tiers",
                "/account/password"],
    "root": ["/admin/audit", "/portal"],
    "xun": ["/field", "/inspect", "/report", "/cases?mine=1", "/moderation", "/scores"],
    "cg": ["/cases?status=open", "/portal", "/report", "/scores"],
    "": ["/", "/reports/new", "/login", "/c/001", "/c/001?lang=en", "/?lang=en"],
}  # fmt: skip


@pytest.fixture
def phone_users(app, case_users):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_user(User("xun", generate_password_hash(PASSWORD), "inspector", county.id, panel="patrol"))
        store.add_user(User("root", generate_password_hash(PASSWORD), "admin", county.id))


@pytest.mark.parametrize("username", list(PAGES))
def test_no_page_is_wider_than_a_phone(app, phone_users, live_server, browser, username):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    if username:
        page.goto(f"{live_server}/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
    wide = {}
    for path in PAGES[username]:
        answer = page.goto(live_server + path)
        assert answer.status == 200, path
        page.wait_for_load_state("networkidle")
        found = page.evaluate(OVERFLOW)
        if path.split("?")[0] in KEPT:  # looked at by a person, as a leader, inspector or staff would
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(
                path=str(ARTIFACTS / f"phone-{username}{path.split('?')[0].replace('/', '-')}.png")
            )
        if found["page"] > 390 or found["elements"]:
            wide[path] = found
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"phone-wide-{username or 'public'}-{len(wide)}.png"))
    context.close()
    assert wide == {}


def test_the_leaders_map_on_a_phone_folds_its_layer_list_and_legend(app, phone_users, live_server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "leader1")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    wait_ready(page)
    toggle = page.locator(".leaflet-control-layers .layers-toggle")
    overlay = page.locator(".leaflet-control-layers-overlays label", has_text="热力图")
    assert toggle.inner_text().strip().endswith("图层") and not overlay.is_visible()
    assert not page.locator(".portal-legend details").evaluate("d => d.open")  # the map first
    toggle.click()
    assert overlay.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    overlay.locator("input").check()
    page.wait_for_selector("canvas.leaflet-heatmap-layer")
    toggle.click()
    assert not overlay.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 1  # folding hides the list, not the layer
    context.close()
    desk = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    desk.goto(f"{live_server}/login")
    desk.fill("#username", "leader1")
    desk.fill("#password", PASSWORD)
    desk.click("button[type=submit]")
    wait_ready(desk)
    assert (
        desk.locator(".layers-toggle").count() == 0
        and desk.locator(".leaflet-control-layers-list").is_visible()
    )
