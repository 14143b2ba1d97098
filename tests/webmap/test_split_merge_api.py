"""Splitting and merging road segments of the demo county through HTTP (issue #7): the pieces keep
the original's history, the roads tile shows the edit at once, and only leaders may edit.

The demo is seeded once for the module; the tests that write work on segments of their own."""

from __future__ import annotations

import math

import mapbox_vector_tile
import pytest
import shapely

from tests.support.web import csrf_token, demo_client, post_json
from webmap import get_store

ZOOM = 16


@pytest.fixture(scope="module")
def leader(demo):
    return demo_client(demo, "leader")


def _long_segments(demo, n: int) -> list:
    """The ``n`` longest named single-line segments of the demo, longest first."""
    app, _ = demo
    with app.app_context():
        store = get_store()
        county = store.list_counties()[0]
        lines = [s for s in store.list_segments(county.id) if s.name and s.geom.geom_type == "LineString"]
    return sorted(lines, key=lambda s: (-s.length_m, s.id))[:n]


def _incidents_on(demo, ids) -> list[tuple]:
    app, _ = demo
    with app.app_context():
        store = get_store()
        county = store.list_counties()[0]
        return [(i.id, i.segment_id, i.unit_id) for i in store.segment_incidents(county.id, ids)]


def _history(client, segment_id) -> list[tuple]:
    answer = client.get(f"/api/v1/targets/segment/{segment_id}/history")
    assert answer.status_code == 200, answer.text
    return [
        (h["unit"], h["role"], h["valid_from"], h["valid_to"], h["change_set"], h["voided_by"])
        for h in answer.get_json()["history"]
    ]


def _tile_ids(client, point, version: int = 0) -> set[int]:
    """The segment ids in the roads tile of zoom ZOOM holding ``point``, asked for at the map's
    ``version`` (as the edit page asks after an edit)."""
    n = 1 << ZOOM
    x = int((point.x + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(point.y))) / math.pi) / 2 * n)
    answer = client.get(f"/tiles/roads/{ZOOM}/{x}/{y}.mvt?v={version}")
    assert answer.status_code == 200
    return {f["properties"]["id"] for f in mapbox_vector_tile.decode(answer.data)["roads"]["features"]}


def test_split_a_segment_at_its_middle_then_merge_it_back(demo, leader):
    client, _ = leader
    (road,) = _long_segments(demo, 1)
    middle = shapely.line_interpolate_point(road.geom, 0.5, normalized=True)
    history = _history(client, road.id)
    incidents = _incidents_on(demo, [road.id])
    assert history and incidents and road.id in _tile_ids(client, middle)  # the tile is now kept

    split = post_json(leader, f"/api/v1/segments/{road.id}/split",
                  {"point": [middle.x, middle.y], "version": road.version, "reason": "路口改造"})  # fmt: skip
    assert split.status_code == 201, split.text
    body = split.get_json()
    kept, new = body["segments"]
    assert (kept["id"], kept["version"]) == (road.id, road.version + 1)
    assert (new["version"], new["name"]) == (1, road.name)
    assert kept["length_m"] + new["length_m"] == pytest.approx(road.length_m, abs=0.02)
    assert kept["length_m"] == pytest.approx(road.length_m / 2, rel=0.01)
    assert body["change_set"]["reason"] == "路口改造" and body["change_set"]["geometry"]["type"] == "Point"
    assert _history(client, road.id) == _history(client, new["id"]) == history
    assert {road.id, new["id"]} <= _tile_ids(client, middle, body["map_version"])
    now_on = _incidents_on(demo, [road.id, new["id"]])
    assert sorted(i for i, _, _ in now_on) == sorted(i for i, _, _ in incidents)
    assert sum(s == new["id"] for _, s, _ in now_on) == body["moved_incidents"]
    assert [u for *_, u in sorted(now_on)] == [u for *_, u in sorted(incidents)]  # units stay

    stale = post_json(leader, f"/api/v1/segments/{road.id}/split",
                  {"point": [middle.x, middle.y], "version": road.version, "reason": "再切"})  # fmt: skip
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"

    versions = {str(road.id): kept["version"], str(new["id"]): new["version"]}
    merged = post_json(leader, "/api/v1/segments/merge",
                   {"ids": [new["id"], road.id], "versions": versions, "reason": "恢复原路段"})  # fmt: skip
    assert merged.status_code == 201, merged.text
    body = merged.get_json()
    assert (body["segment"]["id"], body["removed"]) == (road.id, [new["id"]])
    assert body["segment"]["length_m"] == pytest.approx(road.length_m, abs=0.02)
    assert _history(client, road.id) == history
    assert client.get(f"/api/v1/targets/segment/{new['id']}/history").status_code == 404
    assert sorted(_incidents_on(demo, [road.id, new["id"]])) == sorted(incidents)
    ids = _tile_ids(client, middle, body["map_version"])
    assert road.id in ids and new["id"] not in ids


@pytest.mark.parametrize(
    ("url", "body", "status", "field", "message"),
    [
        ("split", {"point": [114.0, 22.0], "reason": "x"}, 422, "point", "超过 15 米"),
        ("split", {"point": "114.05,22.54", "reason": "x"}, 400, "point", "point 应为切分点的 [经度, 纬度]"),
        ("split", {"point": "middle"}, 400, "reason", "请填写调整原因"),
        ("split", {"point": "middle", "reason": "x", "version": "3"}, 400, "version", "version 应为正整数"),
        ("merge", {"ids": "1,2", "reason": "x"}, 400, "ids", "ids 应为路段编号列表"),
        ("merge", {"ids": "two roads", "reason": "x"}, 400, "ids", "不是同一条路，不能合并"),
        ("merge", {"ids": "two roads", "reason": "x", "versions": {"a": 1}}, 400, "versions", "不是整数"),
    ],
)  # fmt: skip
def test_bad_edits_are_refused_naming_the_problem(demo, leader, url, body, status, field, message):
    first, second = _long_segments(demo, 2)
    if body.get("point") == "middle":
        middle = shapely.line_interpolate_point(first.geom, 0.5, normalized=True)
        body = {**body, "point": [middle.x, middle.y]}
    if body.get("ids") == "two roads":
        other = next(s for s in _long_segments(demo, 50) if s.name != first.name)
        body = {**body, "ids": [first.id, other.id]}
    path = f"/api/v1/segments/{first.id}/split" if url == "split" else "/api/v1/segments/merge"
    before = _incidents_on(demo, [first.id, second.id]), first.version
    answer = post_json(leader, path, body)
    assert answer.status_code == status, answer.text
    error = answer.get_json()["error"]
    assert message in error["message"] and error["field"] == field
    after = _incidents_on(demo, [first.id, second.id]), _long_segments(demo, 1)[0].version
    assert after == before


def test_unit_staff_may_not_split_or_merge_and_the_public_must_sign_in(demo):
    first, second = _long_segments(demo, 2)
    middle = shapely.line_interpolate_point(first.geom, 0.5, normalized=True)
    requests = [(f"/api/v1/segments/{first.id}/split", {"point": [middle.x, middle.y], "reason": "x"}),
                ("/api/v1/segments/merge", {"ids": [first.id, second.id], "reason": "x"})]  # fmt: skip
    staff = demo_client(demo, "staff")
    for url, body in requests:
        refused = post_json(staff, url, body)
        assert refused.status_code == 403, refused.text
        assert "只有领导和管理员" in refused.get_json()["error"]["message"]
    app, _ = demo
    public = app.test_client()
    token = csrf_token(public.get("/login").text)
    for url, body in requests:
        assert public.post(url, json=body, headers={"X-CSRFToken": token}).status_code == 401
    assert _long_segments(demo, 1)[0].version == first.version
