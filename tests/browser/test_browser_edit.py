"""调整责任 in a real browser (issue #7): a leader draws a polygon with the mouse around three
adjacent demo segments, reads what it caught, previews and applies the change, meets another
leader's change to one of them (409) and tries again; the new unit is then on the map, in the API
and in "who guarded X today"; the change is reverted from the page. Unit staff get the page
read-only."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import shapely

from geodata.geo.geometry import from_metric, to_metric
from geodata.model import COUNTY_TZ
from tests.support.browser import ARTIFACTS, map_xy, signed_in_page, wait_edit_idle, wait_ready
from tests.support.web import DEMO_MID_DAY, demo_client, serving
from webmap import get_store


def _plan(demo) -> dict:
    """Three consecutive segments of a named demo road, short enough that a lasso around them
    fills the map at a high zoom and holds nothing else wholly; the lasso's corners to click, the
    segments' lead now and another unit to give them to."""
    app, _ = demo
    with app.app_context():
        store = get_store()
        county = store.list_counties()[0]
        epsg = store.county_epsg(county.id)
        every = store.list_segments(county.id)
        units = store.list_units(county.id)
        for a, b, c in _chains(every):
            lasso, middle_only = _lasso([a, b, c], epsg), _lasso([b], epsg)
            if sorted(s.id for s in every if lasso.contains(s.geom)) == sorted((a.id, b.id, c.id)) and [
                s.id for s in every if middle_only.contains(s.geom)
            ] == [b.id]:
                break
        else:
            raise AssertionError("no three short consecutive segments stand alone in the demo")
        ids = [a.id, b.id, c.id]
        leads = store.lead_units(county.id, "segment", ids, [datetime.now(COUNTY_TZ)] * 3)
    lead = leads[0]
    middle = b.geom.interpolate(0.5, normalized=True)
    # A stroke 30 m long across b's middle, square to it.
    line = to_metric(b.geom, epsg)
    (mx, my), (nx, ny) = (
        shapely.get_coordinates(line.interpolate(f, normalized=True))[0] for f in (0.45, 0.55)
    )
    d = np.array([ny - my, mx - nx]) / np.hypot(nx - mx, ny - my) * 15
    centre = shapely.get_coordinates(line.interpolate(0.5, normalized=True))[0]
    ends = from_metric(shapely.points([centre - d, centre + d]), epsg)
    return {
        "ids": ids,
        "leads": leads,
        "ring": _ring(lasso),
        "middle_ring": _ring(middle_only),
        "bounds": lasso.bounds,
        "names": {s.id: s.name for s in (a, b, c)},
        "old": next(u for u in units if u.id == lead),
        "new": next(u for u in units if u.id != lead and u.kind != "community"),
        "middle": (middle.y, middle.x),
        "across": [(p.y, p.x) for p in ends],
    }


def _ring(polygon) -> list[tuple[float, float]]:
    """The corners of a polygon as (lat, lon), the first not repeated."""
    return [(lat, lon) for lon, lat in list(polygon.exterior.coords)[:-1]]


def _chains(segments):
    """Segments a–b–c of one named road, end to end, 60–200 m in all, with one lead unit."""
    ends = {s.id: {tuple(np.round(s.geom.coords[i], 7)) for i in (0, -1)} for s in segments}
    roads: dict[str, list] = {}
    for s in segments:
        if s.name:
            roads.setdefault(s.name, []).append(s)
    for road in roads.values():
        for b in road:
            touching = [s for s in road if s.id != b.id and ends[s.id] & ends[b.id]]
            for a in touching:
                for c in touching:
                    if (
                        a.id < c.id
                        and not ends[a.id] & ends[c.id]
                        and 60 <= a.length_m + b.length_m + c.length_m <= 200
                    ):
                        yield a, b, c


def _lasso(segments, epsg: int):
    """The segments grown by 8 m, square-ended, with few corners (far apart on the screen)."""
    lines = to_metric(np.array([s.geom for s in segments], dtype=object), epsg)
    grown = shapely.union_all(lines).buffer(8, cap_style="square", join_style="mitre").simplify(2)
    return from_metric(grown, epsg)


def _rows(page, table: str) -> list[int]:
    return page.eval_on_selector_all(f"{table} tbody tr", "rows => rows.map((r) => Number(r.dataset.id))")


def _edit_page(browser, base: str, password: str, bounds):
    """The edit page signed in as the leader, showing ``bounds`` (lon/lat), catching "inside"."""
    page = signed_in_page(browser, base, "leader", path="/portal/edit", password=password)
    wait_ready(page)
    minx, miny, maxx, maxy = bounds
    page.evaluate("(b) => window.portalMap.fitBounds(b, {animate: false, padding: [40, 40], maxZoom: 19})",
                  [[miny, minx], [maxy, maxx]])  # fmt: skip
    wait_ready(page)
    page.check("input[name=mode][value=inside]")
    return page


def _draw(page, ring) -> None:
    """Geoman's polygon tool, a click on each corner, a click on the first to close it."""
    page.click(".leaflet-pm-icon-polygon")
    for lat, lon in [*ring, ring[0]]:
        page.mouse.click(*map_xy(page, lat, lon))
    wait_edit_idle(page)


def test_a_leader_draws_around_three_segments_previews_applies_and_reverts(demo, browser):
    app, passwords = demo
    plan = _plan(demo)
    ids = plan["ids"]
    old, new = plan["old"], plan["new"]
    assert len(set(plan["leads"])) == 1, "the three segments should have one lead to begin with"
    day = datetime.now(COUNTY_TZ).date()
    today, yesterday = day.isoformat(), (day - timedelta(days=1)).isoformat()
    with serving(app) as base:
        page = _edit_page(browser, base, passwords["leader"], plan["bounds"])
        _draw(page, plan["ring"])
        assert sorted(_rows(page, "#edit-caught")) == sorted(ids)
        assert "3 条路段" in page.inner_text("#edit-caught-totals")
        assert page.locator("#edit-caught tbody", has_text=old.name).count() == 1

        page.select_option("#edit-unit", new.code)
        page.fill("#edit-reason", "道路移交")
        page.click("#edit-preview-button")
        page.wait_for_selector("#edit-diff tbody tr")
        assert sorted(_rows(page, "#edit-diff")) == sorted(ids)
        for row in page.locator("#edit-diff tbody tr").all_inner_texts():
            assert f"{old.name} → {new.name}" in row
        assert "所选 3 个对象中 3 个更换牵头单位" in page.inner_text("#edit-preview-totals")
        page.screenshot(path=str(ARTIFACTS / "edit-preview.png"))

        # Meanwhile another leader gives the middle segment to someone else: this change is stale.
        other, token = demo_client(demo, "leader")
        third = next(u for u in _units(app) if u.code not in (old.code, new.code) and u.kind != "community")
        made = other.post("/api/v1/postings", json={"unit": third.code, "valid_from": yesterday, "reason": "先改",
                          "targets": [{"kind": "segment", "id": ids[1]}]}, headers={"X-CSRFToken": token})  # fmt: skip
        assert made.status_code == 201, made.text
        page.click("#edit-apply")
        page.wait_for_selector("#edit-message .error")
        stale = page.inner_text("#edit-message")
        assert "已被他人修改" in stale and plan["names"][ids[1]] in stale and third.name in stale
        assert _lead(page, base, ids[0], today) == old.code  # nothing of the stale change was kept

        page.click("#edit-reselect")
        wait_edit_idle(page)
        page.click("#edit-preview-button")
        page.wait_for_selector("#edit-diff tbody tr")
        page.click("#edit-apply")
        page.wait_for_selector("#edit-message .done")
        assert "所选 3 个对象自" in page.inner_text("#edit-message")  # the preview's count
        page.screenshot(path=str(ARTIFACTS / "edit-applied.png"))

        # In the API, in "who guarded X today", on the map.
        assert [_lead(page, base, i, today) for i in ids] == [new.code] * 3
        guarded = page.request.get(f"{base}/api/v1/units/{new.code}/guarded?date={today}").json()
        assert set(ids) <= {i["target"]["id"] for i in guarded["items"] if i["target"]["kind"] == "segment"}
        page.click("#edit-clear")
        wait_ready(page)
        assert f"牵头单位{new.name}" in _popup(page, *plan["middle"]).replace("\t", "").replace("\n", "")

        # Undone from the page: every date answers as before (the middle one as the other leader left it).
        page.click("#edit-revert")
        page.wait_for_selector("#edit-message .done:has-text('已撤销')")
        assert [_lead(page, base, i, today) for i in ids] == [old.code, third.code, old.code]
        assert [_lead(page, base, i, DEMO_MID_DAY) for i in ids] == [old.code] * 3

        # The change's own page draws it; the road's timeline lists it, struck through.
        page.goto(f"{base}/portal/change-sets")
        page.click("#change-sets tbody tr:nth-child(2) a")  # the change (the first row is its revert)
        page.wait_for_selector(".change-set-map path.leaflet-interactive")
        assert page.locator(".change-set-map path.leaflet-interactive").count() == 4  # 3 segments, the lasso
        assert "已被" in page.inner_text("#change-set-state")
        page.screenshot(path=str(ARTIFACTS / "change-set.png"), full_page=True)
        page.goto(f"{base}/portal/targets/segment/{ids[1]}")
        assert page.locator("#timeline tr.voided", has_text=new.name).count() == 1
        page.screenshot(path=str(ARTIFACTS / "target-history.png"), full_page=True)
        assert page.errors == [] and page.outside == []


def _units(app):
    with app.app_context():
        store = get_store()
        return store.list_units(store.list_counties()[0].id)


def _lead(page, base: str, segment_id: int, day: str) -> str | None:
    lead = page.request.get(f"{base}/api/v1/targets/segment/{segment_id}/responsible?date={day}").json()[
        "lead"
    ]
    return lead and lead["unit"]


def _popup(page, lat: float, lon: float) -> str:
    page.evaluate("() => { window.portalMap.closePopup(); }")
    page.mouse.click(*map_xy(page, lat, lon))
    page.wait_for_selector(".leaflet-popup-content")
    return page.inner_text(".leaflet-popup-content")


def test_a_leader_cuts_a_road_in_two_and_merges_the_pieces_back(demo, browser):
    app, passwords = demo
    plan = _plan(demo)
    a, b, c = plan["ids"]
    with serving(app) as base:
        page = _edit_page(browser, base, passwords["leader"], plan["bounds"])
        _draw(page, plan["ring"])
        assert sorted(_rows(page, "#edit-caught")) == sorted([a, b, c])

        page.fill("#edit-reason", "路口改造")
        page.click(f"#edit-caught button[data-split='{b}']")
        assert "要切分的位置" in page.inner_text("#edit-message")
        page.mouse.click(*map_xy(page, *plan["middle"]))
        page.wait_for_selector("#edit-message .done")
        assert "切分为" in page.inner_text("#edit-message")
        page.screenshot(path=str(ARTIFACTS / "edit-split.png"))
        caught = _rows(page, "#edit-caught")
        assert len(caught) == 4 and {a, b, c} < set(caught)
        (piece,) = set(caught) - {a, b, c}
        assert _lead_now(page, base, piece) == _lead_now(page, base, b)  # the piece kept the history

        page.click("#edit-clear")
        _draw(page, plan["middle_ring"])
        assert sorted(_rows(page, "#edit-caught")) == sorted([b, piece])
        page.click("#edit-merge")
        page.wait_for_selector("#edit-message .done")
        assert f"合并为路段 #{min(b, piece)}" in page.inner_text("#edit-message")
        assert _rows(page, "#edit-caught") == [min(b, piece)]
        assert page.errors == [] and page.outside == []


def _lead_now(page, base: str, segment_id: int) -> str | None:
    day = datetime.now(COUNTY_TZ).date().isoformat()
    return _lead(page, base, segment_id, day)


def _stroke(page, points) -> None:
    """手绘: press at the first (lat, lon), move through the others, let go at the last."""
    page.click(".portal-freehand a")
    page.mouse.move(*map_xy(page, *points[0]))
    page.mouse.down()
    for lat, lon in points[1:]:
        page.mouse.move(*map_xy(page, lat, lon), steps=4)
    page.mouse.up()
    wait_edit_idle(page)


def test_a_freehand_lasso_and_a_freehand_stroke_select_what_they_surround_and_cross(demo, browser):
    app, passwords = demo
    plan = _plan(demo)
    ids, ring = plan["ids"], plan["ring"]
    with serving(app) as base:
        page = _edit_page(browser, base, passwords["leader"], plan["bounds"])
        _stroke(page, [*ring, ring[0]])  # round the three and back to the start: a lasso
        assert sorted(_rows(page, "#edit-caught")) == sorted(ids)
        assert page.evaluate("() => window.portalMap.dragging.enabled()")  # the map pans again

        page.check("input[name=mode][value=touching]")
        _stroke(page, plan["across"])  # a line across the middle one
        assert plan["ids"][1] in _rows(page, "#edit-caught")
        assert page.errors == [] and page.outside == []
