"""Redrawing zone outlines through HTTP on the demo county (issue #7): the editing page's context,
a refused preview, a shared vertex of two communities moved in one change (the zones tile shows it
at once), a stale version, and who may do it. The demo is seeded once for the module."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import pytest
from shapely.geometry import mapping

from geodata.mvt import encode as mvt
from tests.support.places import moved_vertex, shared_vertex
from tests.support.tiles import tile_at
from tests.support.web import csrf_token, demo_client, post_json
from webmap import get_store


@pytest.fixture(scope="module")
def leader(demo):
    return demo_client(demo, "leader")


@pytest.fixture(scope="module")
def edge(demo):
    app, _ = demo
    with app.app_context():
        store = get_store()
        return shared_vertex(store, store.list_counties()[0])


def test_the_edit_context_has_the_zone_its_neighbours_and_the_streets_near_it(leader, edge):
    a, b, _, _ = edge
    client, _ = leader
    answer = client.get(f"/api/v1/zones/{a.id}/edit-context")
    assert answer.status_code == 200, answer.text
    body = answer.get_json()
    zone = body["zone"]["properties"]
    assert (zone["id"], zone["kind"], zone["code"], zone["version"]) == (a.id, "community", a.code, a.version)
    assert body["zone"]["geometry"]["type"] in ("Polygon", "MultiPolygon") and body["parent"] is None
    assert b.id in {f["id"] for f in body["siblings"]["features"]}
    streets = body["streets"]["features"]
    assert streets and all(
        f["geometry"]["type"] == "LineString" and "name" in f["properties"] for f in streets
    )
    assert client.get("/api/v1/zones/999999/edit-context").status_code == 404


def test_a_preview_that_pushes_into_the_neighbour_is_refused_naming_it(leader, edge):
    a, b, v, to = edge
    answer = post_json(leader, f"/api/v1/zones/{a.id}/edit/preview",
                   {"geometry": mapping(moved_vertex(a.geom, v, to)), "version": a.version})  # fmt: skip
    assert answer.status_code == 422, answer.text
    error = answer.get_json()["error"]
    assert error["code"] == "tiling" and f"与{b.name}（{b.code}）新增重叠" in error["message"]
    (problem,) = error["problems"]
    assert problem["kind"] == "overlap" and problem["other"]["id"] == b.id and problem["area_m2"] > 1
    assert problem["geometry"]["type"] in ("Polygon", "MultiPolygon")


def _tile_vertices(client, zone_id: int, tile, version: int = 0) -> set[tuple[int, int]]:
    """The zone's vertices in a zones tile asked for at the map's ``version`` (as the edit page
    asks after an edit)."""
    answer = client.get(f"/tiles/zones/{tile.z}/{tile.x}/{tile.y}.mvt?v={version}")
    assert answer.status_code == 200
    found = set()
    for f in mapbox_vector_tile.decode(answer.data)["zones"]["features"]:
        if f["properties"]["id"] == zone_id:
            found |= {tuple(xy) for xy in np.asarray(_flat(f["geometry"]["coordinates"])).astype(int)}
    return found


def _flat(coords) -> list:
    if coords and isinstance(coords[0], int | float):
        return [coords[:2]]
    return [xy for c in coords for xy in _flat(c)]


def test_moving_a_shared_vertex_of_two_communities_is_applied_and_shows_at_once(demo, leader, edge):
    a, b, v, to = edge
    client, _ = leader
    responsible = client.get(f"/api/v1/targets/zone/{a.id}/responsible").get_json()
    tile = tile_at(*to, 16)
    where = tuple(int(c) for c in mvt.in_tile(tile, np.array([to]))[0])
    assert where not in _tile_vertices(client, a.id, tile)  # and the tile is kept now
    body = {"geometry": mapping(moved_vertex(a.geom, v, to)), "version": a.version, "reason": "界线按实地调整",
            "also": [{"id": b.id, "geometry": mapping(moved_vertex(b.geom, v, to)), "version": b.version}]}  # fmt: skip
    preview = post_json(leader, f"/api/v1/zones/{a.id}/edit/preview", body)
    assert preview.status_code == 200, preview.text
    diff = preview.get_json()
    assert {z["id"] for z in diff["zones"]} == {a.id, b.id} and diff["stale"] == []
    assert sum(z["area_m2"] for z in diff["zones"]) == pytest.approx(a.area_m2 + b.area_m2, abs=0.5)

    made = post_json(leader, f"/api/v1/zones/{a.id}/edit", body)
    assert made.status_code == 201, made.text
    answer = made.get_json()
    assert answer["zone"]["id"] == a.id and answer["zone"]["version"] == a.version + 1
    assert {(z["id"], z["version"]) for z in answer["zones"]} == {
        (a.id, a.version + 1),
        (b.id, b.version + 1),
    }
    assert answer["change_set"]["reason"] == "界线按实地调整" and answer["rerouted"] >= 0
    assert client.get(f"/api/v1/targets/zone/{a.id}/responsible").get_json() == responsible
    version = answer["map_version"]
    assert where in _tile_vertices(client, a.id, tile, version) and where in _tile_vertices(
        client, b.id, tile, version
    )

    stale = post_json(leader, f"/api/v1/zones/{a.id}/edit", body)  # the versions seen before
    assert stale.status_code == 409, stale.text
    error = stale.get_json()["error"]
    assert error["code"] == "stale_version" and "请刷新后重新选择" in error["message"]
    assert {(s["id"], s["version"], s["current_version"]) for s in error["stale"]} == {
        (a.id, a.version, a.version + 1), (b.id, b.version, b.version + 1)
    }  # fmt: skip

    # 撤销 draws both back, and the tiles show it at the version the answer gives; once only.
    revert = f"/api/v1/change-sets/{answer['change_set']['id']}/revert"
    undone = post_json(leader, revert, {"reason": "撤销界线调整"})
    assert undone.status_code == 201, undone.text
    back = undone.get_json()
    assert back["change_set"]["reverts"] == answer["change_set"]["id"]
    assert {(z["id"], z["version"]) for z in back["zones"]} == {(a.id, a.version + 2), (b.id, b.version + 2)}
    assert where not in _tile_vertices(client, a.id, tile, back["map_version"])
    again = post_json(leader, revert, {"reason": "再撤销"})
    assert again.status_code == 409 and f"已被变更单 #{back['change_set']['id']} 撤销" in again.text


def test_bad_requests_name_the_field(leader, edge):
    a, _, _, _ = edge
    url = f"/api/v1/zones/{a.id}/edit"
    version = leader[0].get(f"/api/v1/zones/{a.id}/edit-context").get_json()["zone"]["properties"]["version"]
    cases = [
        ({"geometry": mapping(a.geom), "reason": "x"}, "version"),
        ({"geometry": mapping(a.geom), "version": version, "reason": " "}, "reason"),
        ({"geometry": mapping(a.geom), "version": version, "reason": "x", "also": {"id": 1}}, "also"),
        ({"geometry": {"type": "Point", "coordinates": [114.05, 22.54]}, "version": version, "reason": "x"},
         "geometry"),
    ]  # fmt: skip
    for body, name in cases:
        answer = post_json(leader, url, body)
        assert answer.status_code in (400, 422) and answer.get_json()["error"]["field"] == name, answer.text


def test_staff_may_not_edit_outlines_and_the_public_must_sign_in(demo, edge):
    a, _, _, _ = edge
    staff = demo_client(demo, "staff")
    body = {"geometry": mapping(a.geom), "version": a.version, "reason": "x"}
    assert staff[0].get(f"/api/v1/zones/{a.id}/edit-context").status_code == 403
    for url in (f"/api/v1/zones/{a.id}/edit/preview", f"/api/v1/zones/{a.id}/edit"):
        assert post_json(staff, url, body).status_code == 403
    app, _ = demo
    public = app.test_client()
    token = csrf_token(public.get("/login").text)
    assert public.get(f"/api/v1/zones/{a.id}/edit-context").status_code == 401
    for url in (f"/api/v1/zones/{a.id}/edit/preview", f"/api/v1/zones/{a.id}/edit"):
        assert public.post(url, json=body, headers={"X-CSRFToken": token}).status_code == 401
