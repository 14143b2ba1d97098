"""The map's data at scale over HTTP: vector tiles and heat bins, filtered like the case list,
for a signed-in person or an API key, with ETags (304) and private caching; unit staff see only
their own unit's incidents."""

from __future__ import annotations

import re

import mapbox_vector_tile
import pytest

from geodata.accounts.apikeys import issue_key
from tests.support.tiles import tile_at
from tests.support.web import COUNTY_CODE, EXTENT
from webmap import get_store

WHOLE = ",".join(map(str, EXTENT))


def _counts(answer) -> int:
    layer = mapbox_vector_tile.decode(answer.data).get("incidents", {"features": []})
    return sum(f["properties"].get("count", 1) for f in layer["features"])


def _url(layer: str, lon: float, lat: float, z: int, query: str = "") -> str:
    t = tile_at(lon, lat, z)
    return f"/tiles/{layer}/{t.z}/{t.x}/{t.y}.mvt{query}"


def test_tiles_need_a_login_or_an_api_key(app, client):
    refused = client.get(_url("incidents", 114.005, 22.505, 14))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"
    with app.app_context():
        _, key = issue_key(get_store(), "大屏", "leader")
    answer = client.get(_url("incidents", 114.005, 22.505, 14), headers={"X-API-Key": key})
    assert answer.status_code == 200 and answer.mimetype == "application/vnd.mapbox-vector-tile"
    assert _counts(answer) == 30  # the test county's tight group near 福华路


def test_a_tile_is_filtered_like_the_case_list_and_revalidated_by_etag(leader):
    url = _url("incidents", 114.005, 22.505, 14)
    whole = leader.get(url)
    assert _counts(whole) == 30
    assert _counts(leader.get(url + "?category=parking")) == 15
    assert _counts(leader.get(url + "?from=2024-01-01&to=2024-01-10")) == 10
    assert whole.headers["Cache-Control"] == "private, max-age=60" and whole.headers["ETag"]
    again = leader.get(url, headers={"If-None-Match": whole.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    roads = mapbox_vector_tile.decode(leader.get(_url("roads", 114.005, 22.505, 14)).data)["roads"]
    assert {f["properties"]["name"] for f in roads["features"]} >= {"福华路"}


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [("/tiles/lakes/14/1/1.mvt", 404, "可用的瓦片图层：incidents, roads, zones"),
     ("/tiles/incidents/3/9/0.mvt", 400, "x 和 y 的范围为 0–7"),
     ("/tiles/incidents/14/13380/7140.mvt?category=fireworks", 404, "fireworks"),
     ("/tiles/incidents/14/13380/7140.mvt?crs=bd09", 400, "坐标系 'bd09' 未知")],
)  # fmt: skip
def test_bad_tile_requests_say_what_is_wrong(leader, path, status, words):
    answer = leader.get(path)
    assert answer.status_code == status and words in answer.get_json()["error"]["message"]


def test_tiles_for_a_gcj02_basemap_draw_the_same_incidents_moved(leader):
    url = _url("incidents", 114.005, 22.505, 13)
    plain, shifted = leader.get(url), leader.get(url + "?crs=gcj02")
    assert shifted.status_code == 200 and shifted.data != plain.data
    assert shifted.headers["ETag"] != plain.headers["ETag"]


def test_heat_bins_sum_to_the_viewports_incidents(leader):
    answer = leader.get(f"/api/v1/heat?bbox={WHOLE}&zoom=15")
    body = answer.get_json()
    assert body["total"] == 35 == sum(n for _, _, n in body["bins"]) and body["max"] >= 5
    assert leader.get(f"/api/v1/heat?bbox={WHOLE}&zoom=15&category=posters").get_json()["total"] == 18
    assert answer.headers["Cache-Control"] == "private, max-age=60"
    missing = leader.get("/api/v1/heat?zoom=15")
    assert missing.status_code == 400 and "bbox is required" in missing.get_json()["error"]["message"]


def test_unit_staff_see_their_units_incidents_only(app, case_users, sign_in):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        mine = store.count_incidents(county.id, unit_id=case_users["U01"].id)
    assert mine < 35  # fewer than the leader sees
    cg = sign_in("cg")
    assert cg.get(f"/api/v1/heat?bbox={WHOLE}&zoom=15").get_json()["total"] == mine
    assert _counts(cg.get(_url("incidents", 114.005, 22.505, 14))) == mine


def _road_units(client, url: str) -> dict[str, set[int | None]]:
    roads = mapbox_vector_tile.decode(client.get(url).data)["roads"]["features"]
    units: dict[str, set[int | None]] = {}
    for f in roads:
        units.setdefault(f["properties"]["name"], set()).add(f["properties"].get("unit_id"))
    return units


def test_a_kept_roads_tile_shows_a_reassignment_at_once(app, leader):
    url = _url("roads", 114.005, 22.505, 14)
    before = _road_units(leader, url)["福华路"]
    assert _road_units(leader, url)["福华路"] == before  # served again from the cache
    with app.app_context():
        store = get_store()
        county = store.list_counties()[0]
        units = {u.code: u.id for u in store.list_units(county.id)}
    assert before == {units["U01"]}
    token = re.search(r'name="csrf-token" content="([^"]+)"', leader.get("/portal").text).group(1)
    made = leader.post(
        "/api/v1/postings",
        json={"unit": "U02", "road": "福华路", "valid_from": "2025-03-15", "reason": "调整"},
        headers={"X-CSRFToken": token},
    )
    assert made.status_code == 201, made.text
    # The page asks at the map's version its edit made (tiles.js): the new lead at once.
    assert _road_units(leader, f"{url}?v={made.get_json()['map_version']}")["福华路"] == {units["U02"]}
