"""Issue #20's walk-through in Chromium, on a fresh database holding only the county: an
administrator with no shell creates a unit, a leader and an inspector (each then signs in with the
password shown once and is made to choose their own), uploads the Futian streets and a communities
file, reads each preview, imports them and makes the grid as background jobs; the new leader gives
a street to the new unit by drawing around it; the administrator changes a category's deadline and
the score thresholds from next month, and finds every one of those actions in the audit log."""

from __future__ import annotations

import json
import time
from pathlib import Path

from shapely.geometry import box, mapping
from werkzeug.security import generate_password_hash

from geodata import clock
from geodata.geo.geometry import from_metric, to_metric
from geodata.io.imports import create_county
from geodata.model import COUNTY_TZ, User
from geodata.scores.months import next_month
from geodata.scores.settings import settings_for
from tests.support.browser import map_xy, signed_in_page, wait_edit_idle, wait_ready
from tests.support.web import PASSWORD, serving
from webmap import create_app, get_store

CODE = "440304"
OWN = "Chosen by me 2027"
WEST, SOUTH, EAST, NORTH = 113.996, 22.516, 114.041, 22.551  # the streets' extent, a little wider
NAMES = ("香蜜湖社区", "竹林社区", "沙头社区", "车公庙社区")


def _communities(folder) -> Path:
    """A communities file: the streets' extent cut in four, each a named community."""
    mid_x, mid_y = (WEST + EAST) / 2, (SOUTH + NORTH) / 2
    boxes = [box(WEST, mid_y, mid_x, NORTH), box(mid_x, mid_y, EAST, NORTH), box(WEST, SOUTH, mid_x, mid_y),
             box(mid_x, SOUTH, EAST, mid_y)]  # fmt: skip
    features = [
        {"type": "Feature", "properties": {"name": n}, "geometry": mapping(b)}
        for n, b in zip(NAMES, boxes, strict=True)
    ]
    path = folder / "communities.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return path


def _fresh(folder):
    app = create_app({
        "database_url": f"sqlite:///{folder / 'fresh.sqlite'}", "instance_path": str(folder), "testing": True,
        "seed_demo_on_start": False, "default_county": CODE,
    })  # fmt: skip
    with app.app_context():
        store = get_store()
        store.migrate()
        county = create_county(store, CODE, "福田示范区")
        store.add_user(User("chief", generate_password_hash(PASSWORD), "admin", county_id=county.id))
    return app


def _sign_in(page, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", name)
    page.fill("#password", password)
    page.click("button[type=submit]")


def _new_user(page, base: str, name: str, role: str, panel: str = "") -> str:
    """Create a user on /admin/users/new; the first password the page shows once."""
    page.goto(f"{base}/admin/users/new")
    page.fill("#new-user-form input[name=username]", name)
    page.select_option("#new-user-form select[name=role]", role)
    if panel:
        page.select_option("#new-user-form select[name=panel]", panel)
    page.click("#new-user-form button[type=submit]")
    return page.locator("#secret").inner_text().strip()


def _upload(page, base: str, kind: str, path: Path, name_field: str = "") -> dict:
    """Upload a file on /admin/data; the preview's counts (nothing is stored yet)."""
    page.goto(f"{base}/admin/data")
    page.select_option("#upload-form select[name=kind]", kind)
    page.set_input_files("#upload-form input[name=file]", str(path))
    if name_field:
        page.fill("#upload-form input[name=name_field]", name_field)
    page.click("#upload-form button[type=submit]")
    return {k: page.locator(f"#preview-{k}").inner_text() for k in ("read", "storable", "refused")}


def _finished(page, limit_s: float = 180) -> str:
    """Wait on a job's page until it is done or failed (reloading: the page polls too); its state."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        state = page.locator("#job-state .badge").get_attribute("class")
        if "job-done" in state or "job-failed" in state:
            return state
        page.wait_for_timeout(1000)
        page.reload()
    raise AssertionError(f"the job did not finish in {limit_s} s: {page.locator('#job-status').inner_text()}")


def _lone_segment(app) -> tuple[int, list, tuple]:
    """A named street segment 60–200 m long that a lasso 8 m around it catches alone: its id, the
    lasso's corners (lat, lon) and its bounds."""
    with app.app_context():
        store = get_store()
        county = store.get_county(CODE)
        epsg = store.county_epsg(county.id)
        every = store.list_segments(county.id)
        for segment in every:
            if not segment.name or not 60 <= segment.length_m <= 200:
                continue
            grown = (
                to_metric(segment.geom, epsg).buffer(8, cap_style="square", join_style="mitre").simplify(2)
            )
            lasso = from_metric(grown, epsg)
            if [s.id for s in every if lasso.contains(s.geom)] == [segment.id]:
                ring = [(lat, lon) for lon, lat in list(lasso.exterior.coords)[:-1]]
                return segment.id, ring, lasso.bounds
    raise AssertionError("no street segment stands alone in the imported streets")


def _assign_by_drawing(browser, base: str, app) -> int:
    """The new leader draws a lasso around one street on /portal/edit and gives it to the new unit."""
    segment_id, ring, (minx, miny, maxx, maxy) = _lone_segment(app)
    page = signed_in_page(browser, base, "leader1", path="/portal/edit", password=OWN)
    wait_ready(page)
    page.evaluate("(b) => window.portalMap.fitBounds(b, {animate: false, padding: [40, 40], maxZoom: 19})",
                  [[miny, minx], [maxy, maxx]])  # fmt: skip
    wait_ready(page)
    page.check("input[name=mode][value=inside]")
    page.click(".leaflet-pm-icon-polygon")
    for lat, lon in [*ring, ring[0]]:
        page.mouse.click(*map_xy(page, lat, lon))
    wait_edit_idle(page)
    caught = page.eval_on_selector_all(
        "#edit-caught tbody tr", "rows => rows.map((r) => Number(r.dataset.id))"
    )
    assert caught == [segment_id]
    page.select_option("#edit-unit", "CGJ")
    page.fill("#edit-reason", "分兵把口：新建单位包路段")
    page.click("#edit-preview-button")
    page.wait_for_selector("#edit-diff tbody tr")
    page.click("#edit-apply")
    page.wait_for_selector("#edit-message .done")
    assert page.errors == [] and page.outside == []
    page.context.close()
    return segment_id


def test_an_administrator_sets_up_the_county_in_the_browser(browser, tmp_path, shared_data):
    app = _fresh(tmp_path)
    with serving(app) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        _sign_in(page, base, "chief", PASSWORD)

        page.goto(f"{base}/admin")  # the one way in, from the bar
        assert page.locator("#admin-sections a").count() >= 8

        page.goto(f"{base}/admin/units/new")
        page.fill("#unit-code", "CGJ")
        page.fill("#unit-name", "区城管执法局")
        page.click("#unit-form button[type=submit]")
        page.goto(f"{base}/admin/units")
        assert page.locator("text=区城管执法局").count() == 1

        passwords = {"leader1": _new_user(page, base, "leader1", "leader")}
        passwords["inspector1"] = _new_user(page, base, "inspector1", "inspector", "patrol")
        for name, first in passwords.items():  # each signs in and must choose their own password
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
            own = context.new_page()
            _sign_in(own, base, name, first)
            assert own.url.endswith("/account/password")
            own.fill("input[name=current]", first)
            own.fill("input[name=new]", OWN)
            own.fill("input[name=confirm]", OWN)
            own.click("form[action='/account/password'] button[type=submit]")
            assert "/account/password" not in own.url
            context.close()

        preview = _upload(page, base, "streets", shared_data / "futian" / "futian_roads.geojson")
        assert preview == {"read": "2,567", "storable": "2,567", "refused": "0"}
        page.click("#import-form button[type=submit]")  # a job: its page follows it
        assert "job-done" in _finished(page)
        preview = _upload(page, base, "community", _communities(tmp_path), name_field="name")
        assert preview == {"read": "4", "storable": "4", "refused": "0"}
        page.click("#import-form button[type=submit]")
        assert "job-done" in _finished(page)
        page.goto(f"{base}/admin/data")
        page.check("#grid-form input[name=confirm]")
        page.click("#grid-form button[type=submit]")
        assert "job-done" in _finished(page)
        page.goto(f"{base}/admin/jobs")
        assert page.locator("#jobs tr.job-done").count() == 3
        drawn = _assign_by_drawing(browser, base, app)
        lead = page.request.get(f"{base}/api/v1/targets/segment/{drawn}/responsible").json()["lead"]
        assert lead["unit"] == "CGJ"

        page.goto(f"{base}/admin/categories/parking")
        page.fill("#category-form input[name=deadline_hours]", "6")
        page.click("#category-form button[type=submit]")
        page.goto(f"{base}/admin/categories")
        assert "6" in page.locator("tr[data-code=parking]").inner_text()

        page.goto(f"{base}/admin/scoring")  # the form opens on next month
        page.fill("#scoring-form input[name=grade_a_min]", "92")
        page.click("#scoring-save")
        assert page.locator("text=92").count() >= 1  # among the scheduled changes

        page.goto(f"{base}/admin/audit")  # newest first: these are the whole log but the sign-ins
        log = page.locator("#audit-events").inner_text()
        for action in (
            "admin_units.new_unit", "admin_users.create_user", "auth.password_change", "admin_categories.save",
            "admin_scoring.change", "admin_data.upload", "admin_data.import_upload", "admin_jobs.start_job", "assignments.create_posting",
        ):  # fmt: skip
            assert action in log, action
        assert log.count("admin_users.create_user") == 2 and log.count("auth.password_change") == 2
        assert errors == []
    with app.app_context():
        store = get_store()
        county = store.get_county(CODE)
        assert [u.code for u in store.list_units(county.id)] == ["CGJ"]
        assert store.count(county.id, "segment") >= 2567  # the streets, cut where they cross
        zones = store.list_zones(county.id)
        assert sorted(z.name for z in zones if z.kind == "community") == sorted(NAMES)
        assert sum(z.kind == "grid" for z in zones) > 4  # the grid cut along the streets
        assert {u.username: u.must_change_password for u in store.list_users()} == {
            "chief": False, "leader1": False, "inspector1": False,
        }  # fmt: skip
        assert store.get_category("parking").deadline_hours == 6
        this_month = clock.now().astimezone(COUNTY_TZ).strftime("%Y-%m")
        assert settings_for(store, this_month)["grade_a_min"] == 90
        assert settings_for(store, next_month(this_month))["grade_a_min"] == 92
