"""Reassigning by drawing on the demo county's real Futian streets (issue #7), through HTTP:
select with a lasso, preview, apply, stale versions, revert, and who may do what.

The demo is seeded once for the module; each test that writes works on a road of its own."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import shapely
from shapely.geometry import box, mapping, shape

from geodata.assignments.postings import day_start
from geodata.geo.geometry import from_metric, to_metric
from tests.support.web import (
    DEMO_MID_DAY,
    csrf_token,
    demo_client,
    post_json,
    store_and_county,
    three_adjacent,
)

VALID_FROM = DEMO_MID_DAY  # inside the demo year


@pytest.fixture(scope="module")
def leader(demo):
    return demo_client(demo, "leader")


def lasso_around(demo, ids: list[int], metres: float = 3.0) -> dict:
    """A GeoJSON polygon: the segments' union grown by a few metres."""
    app, _ = demo
    with app.app_context():
        store, county = store_and_county(demo)
        epsg = store.county_epsg(county.id)
        lines = [s.geom for s in store.get_targets(county.id, "segment", ids)]
    grown = shapely.buffer(shapely.union_all(to_metric(np.array(lines, dtype=object), epsg)), metres)
    return mapping(from_metric(grown, epsg))


def _select(client_token, geometry, **extra):
    return post_json(client_token, "/api/v1/selection", {"geometry": geometry, **extra})


def _counts(demo) -> dict:
    app, _ = demo
    with app.app_context():
        store, county = store_and_county(demo)
        return {t: store.count(county.id, t) for t in ("assignment", "change_set", "incident")}


def _other_unit(demo, code: str) -> str:
    app, _ = demo
    with app.app_context():
        store, county = store_and_county(demo)
        return next(u.code for u in store.list_units(county.id) if u.code != code)


def test_a_lasso_around_three_segments_of_a_road_catches_exactly_them(demo, leader):
    ids = three_adjacent(demo, 0)
    lasso = lasso_around(demo, ids)
    inside = _select(leader, lasso, mode="inside")
    assert inside.status_code == 200, inside.text
    body = inside.get_json()
    assert sorted(t["id"] for t in body["targets"]) == sorted(ids)
    first = body["targets"][0]
    assert first["kind"] == "segment" and first["version"] >= 2 and first["lead_unit"]
    assert first["geometry"]["type"] == "LineString" and first["length_m"] > 0
    assert body["totals"]["segments"] == 3
    assert body["totals"]["length_m"] == pytest.approx(sum(t["length_m"] for t in body["targets"]), abs=0.5)
    touching = _select(leader, lasso).get_json()  # touching is the default
    caught = {t["id"] for t in touching["targets"]}
    assert caught > set(ids)  # the lasso also touches the streets meeting these at their ends


@pytest.mark.parametrize(
    ("geometry", "extra", "status", "code", "message"),
    [
        ({"type": "Polygon", "coordinates": [[[114.015, 22.53], [114.025, 22.54], [114.025, 22.53],
                                              [114.015, 22.54], [114.015, 22.53]]]}, {}, 422, "invalid_geometry", "选区自相交"),
        (mapping(box(113.0, 22.0, 113.1, 22.1)), {}, 422, "invalid_geometry", "范围之外"),
        (mapping(box(22.52, 114.0, 22.53, 114.01)), {}, 422, "invalid_geometry", "经纬度顺序颠倒"),
        (mapping(box(114.0204, 22.536, 114.0205, 22.5361)), {"mode": "inside"}, 400, "empty_selection", "没有完全落在选区内的路段"),
        (mapping(box(114.0, 22.52, 114.01, 22.53)), {"mode": "around"}, 400, "invalid_input", "mode 应为"),
        (mapping(box(114.0, 22.52, 114.01, 22.53)), {"kinds": "segment"}, 400, "invalid_input", "kinds 应为列表"),
        (None, {}, 422, "invalid_geometry", "缺少选区"),
    ],
)  # fmt: skip
def test_bad_lassos_are_refused_naming_the_problem(leader, geometry, extra, status, code, message):
    answer = _select(leader, geometry, **extra)
    assert answer.status_code == status, answer.text
    error = answer.get_json()["error"]
    assert (
        error["code"] == code
        and message in error["message"]
        and error["field"] in ("geometry", "mode", "kinds")
    )


def test_preview_lists_old_and_new_units_km_and_open_cases_and_writes_nothing(demo, leader):
    ids = three_adjacent(demo, 1)
    targets = _select(leader, lasso_around(demo, ids), mode="inside").get_json()["targets"]
    old = targets[0]["lead_unit"]
    new = _other_unit(demo, old)
    before = _counts(demo)
    body = {"unit": new, "role": "lead", "valid_from": VALID_FROM,
            "targets": [{"kind": "segment", "id": t["id"], "version": t["version"]} for t in targets]}  # fmt: skip
    answer = post_json(leader, "/api/v1/postings/preview", body)
    assert answer.status_code == 200, answer.text
    diff = answer.get_json()
    assert [(c["old_lead"]["code"], c["new_lead"]["code"], c["changes_lead"]) for c in diff["changes"]] == [
        (t["lead_unit"], new, True) for t in targets
    ]
    km = sum(t["length_m"] for t in targets) / 1000
    assert diff["totals"]["length_km"] == pytest.approx(km, abs=0.001) and diff["stale"] == []
    assert diff["totals"]["open_cases"] == _open_cases_moving(demo, ids, new) > 0
    assert diff["totals"]["open_cases"] == sum(c["open_cases"] for c in diff["changes"])
    assert _counts(demo) == before
    unknown = post_json(leader, "/api/v1/postings/preview", {**body, "unit": "NOPE"})
    assert unknown.status_code == 404 and "NOPE" in unknown.get_json()["error"]["message"]


def _open_cases_moving(demo, ids, new_code) -> int:
    """Open cases on the segments since VALID_FROM held by another unit, counted straight from the store."""
    app, _ = demo
    with app.app_context():
        store, county = store_and_county(demo)
        new = next(u.id for u in store.list_units(county.id) if u.code == new_code)
        since = day_start(date.fromisoformat(VALID_FROM))
        cases = store.list_incidents(county.id, status="open", duplicates=False, since=since)
        return sum(1 for c in cases if c.segment_id in ids and c.unit_id != new)


def test_apply_then_responsible_shows_the_new_unit_versions_bump_and_a_stale_change_is_refused(demo, leader):
    app, _ = demo
    ids = three_adjacent(demo, 2)
    lasso = lasso_around(demo, ids)
    targets = _select(leader, lasso, mode="inside").get_json()["targets"]
    new = _other_unit(demo, targets[0]["lead_unit"])
    seen = [{"kind": "segment", "id": t["id"], "version": t["version"]} for t in targets]
    body = {"unit": new, "valid_from": VALID_FROM, "reason": "划线调整", "targets": seen, "geometry": lasso}
    made = post_json(leader, "/api/v1/postings", body)
    assert made.status_code == 201, made.text
    versions = {v["id"]: v["version"] for v in made.get_json()["versions"]}
    assert versions == {t["id"]: t["version"] + 1 for t in targets}
    client, _ = leader
    lead = client.get(f"/api/v1/targets/segment/{ids[0]}/responsible?date={VALID_FROM}").get_json()["lead"]
    assert lead["unit"] == new
    again = _select(leader, lasso, mode="inside").get_json()["targets"]
    assert {t["id"]: t["version"] for t in again} == versions
    with app.app_context():
        store, county = store_and_county(demo)
        change = store.get_change_set(county.id, made.get_json()["change_set"]["id"])
        assert change.geom.geom_type == "Polygon" and change.geom.contains(shape(again[0]["geometry"]))

    before = _counts(demo)
    stale = post_json(
        leader, "/api/v1/postings", {**body, "unit": targets[0]["lead_unit"]}
    )  # the old versions
    assert stale.status_code == 409, stale.text
    error = stale.get_json()["error"]
    assert error["code"] == "stale_version" and "请刷新后重新选择" in error["message"]
    assert sorted(
        (s["id"], s["version"], s["current_version"], s["lead_unit"]) for s in error["stale"]
    ) == sorted((t["id"], t["version"], t["version"] + 1, new) for t in targets)
    assert _counts(demo) == before
    preview = post_json(leader, "/api/v1/postings/preview", body).get_json()
    assert len(preview["stale"]) == 3 and preview["totals"]["stale"] == 3

    undone = post_json(
        leader, f"/api/v1/change-sets/{made.get_json()['change_set']['id']}/revert", {"reason": "撤销"}
    )
    assert undone.status_code == 201, undone.text
    after_revert = _select(leader, lasso, mode="inside").get_json()["targets"]
    assert {t["id"]: t["version"] for t in after_revert} == {i: v + 1 for i, v in versions.items()}
    assert all(t["lead_unit"] == targets[0]["lead_unit"] for t in after_revert)


def test_staff_may_select_but_not_preview_or_apply_and_the_public_nothing(demo):
    ids = three_adjacent(demo, 0)
    lasso = lasso_around(demo, ids)
    staff = demo_client(demo, "staff")
    assert _select(staff, lasso, mode="inside").status_code == 200
    body = {
        "unit": "CGJ",
        "valid_from": VALID_FROM,
        "reason": "x",
        "targets": [{"kind": "segment", "id": ids[0]}],
    }
    for url in ("/api/v1/postings/preview", "/api/v1/postings"):
        refused = post_json(staff, url, body)
        assert refused.status_code == 403 and "只有领导和管理员" in refused.get_json()["error"]["message"]
    app, _ = demo
    public = app.test_client()
    token = csrf_token(public.get("/login").text)
    for url, payload in (("/api/v1/selection", {"geometry": lasso}), ("/api/v1/postings/preview", body),
                         ("/api/v1/postings", body)):  # fmt: skip
        answer = public.post(url, json=payload, headers={"X-CSRFToken": token})
        assert answer.status_code == 401, (url, answer.status_code)
