"""Data never becomes script, in a real browser (Playwright, Debian's Chromium): markup planted in
every text a user or a file can set (unit name and hotline, road, community, grid cell, category,
checklist item, a case's description, address and note, an actor's name, a change set's reason,
a 随手拍's text and its rejection reason) is shown as text on every page a leader or the public
opens, runs nothing (``window.__xss`` stays unset), and trips no Content-Security-Policy: a missed
sink would show up as a violation of the CSP the pages carry (webmap/security.py)."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from shapely.geometry import box
from werkzeug.security import generate_password_hash

from geodata.model import Assignment, IncidentEvent, User, Zone
from geodata.scores.checklists import change_checklist
from geodata.scores.months import this_month
from tests.support.browser import ARTIFACTS, map_xy, signed_in_page, wait_ready
from tests.support.web import COUNTY_CODE, PASSWORD, SINCE, csrf_token, serving
from webmap import get_store

# An attribute breaker, a tag, a script and a template-literal breaker: any sink that takes it as
# markup or code sets window.__xss (or, under the CSP, reports a violation instead).
MARK = "<img src=x onerror=window.__xss=1><script>window.__xss=1</script>\"'`${window.__xss=1}"
SHOWN = "<img src=x onerror=window.__xss=1>"  # what a page shows when it shows the mark as text
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""


def _plant(app, tmp_path) -> dict:
    """Markup in every name of the test county, and a case, a change set and two 随手拍 carrying it."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        for unit in store.list_units(county.id):
            store.update_unit(replace(unit, name=unit.name + MARK, hotline="0755-1234" + MARK))
        zones = store.list_zones(county.id)
        for zone in zones:
            store.update_zone(replace(zone, name=zone.name + MARK))
        segments = store.list_segments(county.id)
        for segment in segments:
            store.update_segment(replace(segment, name=segment.name + MARK))
        cell = store.add_zones(
            [
                Zone(
                    county.id,
                    "grid",
                    "001001",
                    "网格" + MARK,
                    box(114.0, 22.50, 114.004, 22.504),
                    zones[0].id,
                )
            ]
        )[0]
        unit = store.list_units(county.id)[2]
        store.add_user(User("xun", generate_password_hash(PASSWORD), "inspector", county.id, panel="patrol"))
        store.assign(Assignment(county.id, unit.id, "zone", cell.id, "lead", SINCE))
        month = this_month()
        for kind in ("segment", "community", "grid"):  # the checklists, as /admin/checklists changes them
            items = store.list_checklist(kind, month)
            change_checklist(
                store, kind, [replace(i, name_zh=i.name_zh + MARK) for i in items], month, "admin1"
            )
    with sqlite3.connect(tmp_path / "t.sqlite") as db:  # no store call renames the seeded categories
        db.execute("UPDATE category SET name_zh = name_zh || ?", (MARK,))
    return {"segment": segments[0].id, "community": zones[1].code}


def _file_and_change(app, leader_client) -> dict:
    """Through the API, as the pages do: a case with a note, a change set, two 随手拍 (one rejected)."""
    token = re.search(r'name="csrf-token" content="([^"]+)"', leader_client.get("/report").text).group(1)
    headers = {"X-CSRFToken": token}
    body = {"category": "parking", "lat": 22.5051, "long": 114.004, "description": "描述" + MARK,
            "address": "地址" + MARK}  # fmt: skip
    case = leader_client.post("/api/v1/incidents", json=body, headers=headers).get_json()
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        segment = store.list_segments(county.id)[1]
        store.add_incident_event(
            IncidentEvent(
                county.id,
                case["id"],
                datetime.now(UTC),
                "巡查员" + MARK,
                case["status"],
                case["status"],
                "备注" + MARK,
            )  # fmt: skip
        )
    posted = leader_client.post(
        "/api/v1/postings",
        json={"unit": "U01", "valid_from": "2026-06-01", "reason": "原因" + MARK,
              "targets": [{"kind": "segment", "id": segment.id}]},
        headers=headers,
    )  # fmt: skip
    assert posted.status_code == 201, posted.text
    anyone = app.test_client()
    public = {"X-CSRFToken": csrf_token(anyone.get("/login").text)}
    reports = [
        anyone.post(
            "/api/public/reports", data={**body, "lat": "22.5052", "long": "114.0041"}, headers=public
        )
        for _ in range(2)
    ]
    assert all(r.status_code == 201 for r in reports), reports[0].text
    reject = reports[1].get_json()
    newest = max(r["id"] for r in leader_client.get("/api/v1/public-reports").get_json()["items"])
    rejected = leader_client.post(
        f"/api/v1/public-reports/{newest}/reject", json={"reason": "理由" + MARK}, headers=headers
    )
    assert rejected.status_code == 200, rejected.text
    return {"case": case["id"], "change_set": posted.get_json()["change_set"]["id"], "segment": segment.id,
            "report": reports[0].get_json()["token"], "rejected": reject["token"]}  # fmt: skip


def _watch(page) -> None:
    page.add_init_script(WATCH)
    page.console = []
    page.on("console", lambda m: page.console.append(m.text) if "Content Security Policy" in m.text else None)


def _open(page, url: str, text_somewhere: bool = True) -> None:
    """Open ``url`` and check nothing ran and nothing tripped the CSP; with ``text_somewhere``, that
    the mark is shown as text on the page."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    _assert_clean(page, url)
    if text_somewhere:
        try:
            page.wait_for_function("(s) => document.body.innerText.includes(s)", arg=SHOWN)
        except PlaywrightTimeout:
            pytest.fail(f"the mark is not shown as text on {url}")


def _assert_clean(page, where: str) -> None:
    state = page.evaluate("() => ({xss: window.__xss, csp: window.__csp})")
    assert state["xss"] is None, f"markup ran on {where}"
    assert state["csp"] == [] and page.console == [], (
        f"CSP violations on {where}: {state['csp']} {page.console}"
    )
    assert page.errors == [], f"script errors on {where}: {page.errors}"


def _zoom(page, lat: float, lon: float, z: int) -> None:
    page.evaluate(
        "([lat, lon, z]) => window.portalMap.setView([lat, lon], z, {animate: false})", [lat, lon, z]
    )
    wait_ready(page)


def _popup_text(page, lat: float, lon: float) -> str:
    page.evaluate("() => window.portalMap.closePopup()")
    x, y = map_xy(page, lat, lon)
    page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup-content")
    return page.inner_text(".leaflet-popup-content")


def _leaders_map(page, base: str) -> None:
    """/portal: the legend, a road's popup and hover label, a community's popup, all as text."""
    page.goto(f"{base}/portal")
    wait_ready(page)
    assert SHOWN in page.inner_text(".portal-legend")
    _zoom(page, 22.505, 114.003, 18)
    assert SHOWN in _popup_text(page, 22.505, 114.003)  # 福华路
    page.evaluate("() => window.portalMap.closePopup()")
    x, y = map_xy(page, 22.505, 114.0035)
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=4)
    page.wait_for_selector(".portal-hover")
    assert SHOWN in page.inner_text(".portal-hover")
    _zoom(page, 22.503, 114.017, 17)
    assert SHOWN in _popup_text(page, 22.503, 114.017)  # 东湖社区
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "markup-portal.png"))
    _assert_clean(page, "/portal")


def _inspect(browser, base: str) -> None:
    """/inspect for a patrol: a road found by name, and its checklist (the items carry the mark)."""
    page = signed_in_page(browser, base, "xun", "/inspect")
    _watch(page)
    _open(page, f"{base}/inspect", text_somewhere=False)
    page.fill("#target-q", "福华")
    page.click("#search button[type=submit]")
    page.locator("#target-results button").first.click()
    page.wait_for_selector("#inspect-form:not([hidden]) .check-item")
    assert SHOWN in page.inner_text("#chosen-name") and SHOWN in page.inner_text("#checklist")
    _assert_clean(page, "/inspect")


def _public_map(page, base: str) -> None:
    """The public map: a community's popup names it as text."""
    _open(page, f"{base}/", text_somewhere=False)
    b = page.locator("#public-map").bounding_box()
    page.mouse.click(b["x"] + b["width"] * 0.3, b["y"] + b["height"] * 0.5)
    page.wait_for_selector(".community-popup")
    assert SHOWN in page.inner_text(".community-popup")
    _assert_clean(page, "/")


def _revert(page, base: str, change_set: int) -> None:
    """撤销此变更 works from its script file (no inline handler) and opens the new change set."""
    _open(page, f"{base}/portal/change-sets/{change_set}")
    page.fill("#revert-reason", "撤销" + MARK)
    page.click("#revert-form button[type=submit]")
    page.wait_for_url(re.compile(rf".*/portal/change-sets/(?!{change_set}$)\d+$"))
    page.wait_for_load_state("networkidle")
    assert SHOWN in page.inner_text("body")
    _assert_clean(page, page.url)


def test_planted_markup_is_text_everywhere_and_trips_no_csp(app, leader, tmp_path, browser):
    ids = {**_plant(app, tmp_path), **_file_and_change(app, leader)}
    with serving(app) as base:
        page = signed_in_page(browser, base, "leader1", "/portal", viewport={"width": 1440, "height": 900})
        _watch(page)
        _leaders_map(page, base)
        for path in ["/cases", f"/cases/{ids['case']}", "/report", "/moderation", "/portal/change-sets",
                     f"/portal/change-sets/{ids['change_set']}", f"/portal/targets/segment/{ids['segment']}",
                     "/portal/coverage", "/portal/edit", "/scores/tiers"]:  # fmt: skip
            _open(page, base + path)
        _inspect(browser, base)
        _open(page, f"{base}/scores", text_somewhere=False)  # no month scored yet: no names to show
        _open(page, f"{base}/cases/{ids['case']}")
        page.screenshot(path=str(ARTIFACTS / "markup-case.png"), full_page=True)
        _revert(page, base, ids["change_set"])
        anyone = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
        anyone.errors = []
        anyone.on("pageerror", lambda error: anyone.errors.append(str(error)))
        _watch(anyone)
        _public_map(anyone, base)
        for path in [f"/c/{ids['community']}", "/reports/new", f"/reports/{ids['report']}",
                     f"/reports/{ids['rejected']}"]:  # fmt: skip
            _open(anyone, base + path)
        assert page.outside == []
