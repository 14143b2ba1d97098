"""A resident on a phone, without an account, in a real browser (Playwright, Debian's Chromium):
opens the map of the demo county, sees the communities by tier, finds one by name, taps it, reads
the popup, follows it to the community's page with its units and hotlines, and switches to
English. Nothing is fetched from outside 127.0.0.1.
"""

from __future__ import annotations

import pytest

from geodata.scores import titles
from layers.score_map import default_month
from layers.tiers import propose_tiers
from tests.support.browser import ARTIFACTS, PHONE, is_local, map_xy, wait_ready
from tests.support.web import serving
from webmap import get_store
from webmap.i18n import EN


@pytest.fixture(scope="module")
def rated_demo(demo):
    """The demo (its tiers and titles are seeded with it: webmap/demo_face.py) with last month's
    proposed tiers confirmed too; a titled community to look for, with its lead unit's hotline,
    how many communities there are and how many hold a title."""
    app, _ = demo
    with app.app_context():
        store = get_store()
        county = store.get_county("440304")
        month = default_month()
        for p in propose_tiers(store, county, month):
            if p.proposed:
                titles.confirm_tier(store, county, p.zone_id, p.proposed, month, p.proposed, "admin")
        communities = store.list_zones(county.id, kind="community")
        titled = [z for z in communities if z.titles]
        target = titled[0]
        (lead,) = [a for a in store.assignments_of(county.id, "zone", target.id) if a.role == "lead"]
        hotline = store.get_unit(county.id, lead.unit_id).hotline
    return app, target, hotline, len(communities), len(titled)


@pytest.fixture(scope="module")
def demo_server(rated_demo):
    with serving(rated_demo[0]) as base:
        yield base


def test_a_resident_finds_a_community_on_a_phone(rated_demo, demo_server, browser):
    _, target, hotline, n_communities, n_titled = rated_demo
    context = browser.new_context(**PHONE)
    requested, errors = [], []
    context.on("request", lambda request: requested.append(request.url))
    context.route("**/*", lambda r: r.continue_() if is_local(r.request.url, demo_server) else r.abort())
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{demo_server}/")
    wait_ready(page, "public")
    assert page.locator(".leaflet-overlay-pane path.community").count() == n_communities
    assert page.locator(".leaflet-overlay-pane path.tier-unrated").count() < n_communities  # tiers drawn
    assert page.locator(".title-marks").count() == n_titled > 0
    page.wait_for_function("() => document.querySelectorAll('.leaflet-roads-pane path').length > 100")
    legend = page.locator("#public-legend")
    assert legend.is_visible() and "精品" in legend.inner_text() and "文明巷弄" in legend.inner_text()
    assert "OpenStreetMap" in page.inner_text(".leaflet-control-attribution")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "public-home.png"))

    page.locator("#public-q").tap()
    page.locator("#public-q").fill(target.name[:2])
    page.locator("#public-search button[type=submit]").tap()
    result = page.locator("#public-results button", has_text=target.name)
    result.wait_for()
    result.tap()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert target.name in popup.inner_text() and "查看社区详情" in popup.inner_text()
    assert page.locator("path.community.picked").count() == 1  # the pick outlined
    assert page.locator(".community-label", has_text=target.name).is_visible()  # and named (zoom ≥ 13)
    page.screenshot(path=str(ARTIFACTS / "public-picked.png"))
    page.locator(".leaflet-popup-close-button").tap()
    popup.wait_for(state="detached")

    # A tap inside the community (away from its title marks) opens the same popup.
    lon, lat = target.geom.representative_point().coords[0]
    page.evaluate(f"window.publicMap.setView([{lat}, {lon}], 16, {{animate: false}})")
    page.touchscreen.tap(*map_xy(page, lat, lon, "publicMap"))
    popup.wait_for()
    assert target.name in popup.inner_text()
    with page.expect_navigation():
        page.locator(".popup-more").tap()
    assert page.url.endswith(f"/c/{target.code}")
    page.wait_for_selector("html[data-public-ready='1']")
    units = page.inner_text(".guards")
    assert "牵头单位" in units and hotline in units
    assert page.locator("#public-map path.community").count() == 1
    page.screenshot(path=str(ARTIFACTS / "public-community.png"), full_page=True)

    with page.expect_navigation():
        page.locator(".lang-switch").tap()
    assert page.url.endswith(f"/c/{target.code}?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    text = page.inner_text("main")
    for key in ("community.units", "role.lead", "community.hotline", "community.back"):
        assert EN[key] in text, key
    assert errors == []
    assert [url for url in requested if not is_local(url, demo_server)] == []
    context.close()
