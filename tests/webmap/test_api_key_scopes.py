"""API keys carry a role and, for unit staff, a unit, and see exactly what that user sees (tiles,
heat, layers, lists, exports, case actions); keys travel only in the ``X-API-Key`` header, except
the ``api_key`` field of an Open311 POST form (DESIGN §11)."""

from __future__ import annotations

from datetime import timedelta

import mapbox_vector_tile
import pytest
from shapely.geometry import Point

from geodata.accounts.apikeys import check_key, issue_key, key_hash
from geodata.errors import InvalidInput, Unauthorized
from geodata.model import ApiKey, Incident
from tests.support.tiles import tile_at
from tests.support.web import COUNTY_CODE, EXTENT, SINCE, spec_post
from webmap import get_store

WHOLE = ",".join(map(str, EXTENT))
TILE = tile_at(114.005, 22.505, 14)
SCOPED_GETS = (
    f"/tiles/incidents/{TILE.z}/{TILE.x}/{TILE.y}.mvt",
    f"/api/v1/heat?bbox={WHOLE}&zoom=15",
    f"/api/v1/layers/incidents?bbox={WHOLE}&zoom=18",
    "/api/v1/incidents?per_page=200",
    "/api/v1/incidents.csv",
)


@pytest.fixture
def units_cases(app, case_users) -> dict:
    """Four dispatched cases of 城管执法局 (U01) and three of 交警大队 (U02) beside the county's
    35 unrouted ones; the ids of one case of each unit, and a key per role and unit."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_incidents(
            [
                Incident(
                    county.id,
                    "parking",
                    Point(114.005 + i * 1e-4, 22.5052),
                    SINCE + timedelta(days=i),
                    "dispatched",
                    unit_id=case_users["U01" if i < 4 else "U02"].id,
                )  # fmt: skip
                for i in range(7)
            ]
        )
        keys = {
            "U01": issue_key(store, "城管大屏", "unit_staff", case_users["U01"])[1],
            "U02": issue_key(store, "交警大屏", "unit_staff", case_users["U02"])[1],
            "leader": issue_key(store, "指挥中心", "leader")[1],
        }
    ids = _ids(app)  # U01's four, then U02's three
    return {"U01": ids[0], "U02": ids[-1], "keys": keys}


def _ids(app) -> list[int]:
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        return sorted(c.id for c in store.list_incidents(county.id, None, status="dispatched"))


def _same(answer) -> object:
    """What to compare of an answer: the tile's features, the JSON, or the CSV's text."""
    assert answer.status_code == 200, answer.text[:300]
    if answer.mimetype == "application/vnd.mapbox-vector-tile":
        return mapbox_vector_tile.decode(answer.data)
    return answer.get_json() if answer.is_json else answer.text


def test_a_unit_staff_key_sees_what_its_units_staff_see(app, units_cases, sign_in):
    key = {"X-API-Key": units_cases["keys"]["U01"]}
    cg, leader = sign_in("cg"), sign_in("leader1")
    for url in SCOPED_GETS:
        by_key, by_person = _same(app.test_client().get(url, headers=key)), _same(cg.get(url))
        assert by_key == by_person, url
        assert by_key != _same(leader.get(url)), f"{url}: the unit's view is the whole county's"
    listed = app.test_client().get("/api/v1/incidents", headers=key).get_json()
    assert listed["total"] == 4 and {i["unit"]["code"] for i in listed["items"]} == {"U01"}
    heat = app.test_client().get(SCOPED_GETS[1], headers=key)
    assert heat.get_json()["total"] == 4 and "X-API-Key" in heat.vary
    leaders_key = {"X-API-Key": units_cases["keys"]["leader"]}
    assert app.test_client().get("/api/v1/incidents", headers=leaders_key).get_json()["total"] == 42


def test_a_unit_staff_key_reads_and_handles_its_units_cases_only(app, units_cases):
    client, key = app.test_client(), {"X-API-Key": units_cases["keys"]["U01"]}
    mine, theirs = units_cases["U01"], units_cases["U02"]
    read = client.get(f"/api/v1/incidents/{mine}", headers=key)
    assert read.status_code == 200 and read.get_json()["actions"] == ["handle", "return"]
    assert client.get(f"/api/v1/incidents/{theirs}", headers=key).status_code == 403
    refused = client.post(f"/api/v1/incidents/{theirs}/actions", json={"action": "handle"}, headers=key)
    assert refused.status_code == 403 and "不属于您的单位" in refused.get_json()["error"]["message"]
    done = client.post(f"/api/v1/incidents/{mine}/actions", json={"action": "handle"}, headers=key)
    assert done.status_code == 200 and done.get_json()["status"] == "handled"


@pytest.mark.parametrize(
    "url",
    [*SCOPED_GETS, "/open311/v2/requests.json", "/api/v1/units", "/portal"],
)
def test_a_key_in_a_query_string_is_refused_naming_the_header(app, units_cases, url):
    key = units_cases["keys"]["leader"]
    answer = app.test_client().get(url + ("&" if "?" in url else "?") + f"api_key={key}")
    assert answer.status_code == 400
    assert "API key 只能放在 X-API-Key 请求头中" in answer.text


def test_a_key_outside_the_header_is_refused_on_writes_too(app, units_cases):
    client, key = app.test_client(), units_cases["keys"]["leader"]
    case = units_cases["U01"]
    in_query = client.post(f"/api/v1/incidents/{case}/actions?api_key={key}", json={"action": "reject"})
    assert in_query.status_code == 400 and "X-API-Key" in in_query.get_json()["error"]["message"]
    in_form = client.post(f"/api/v1/incidents/{case}/actions", data={"api_key": key, "action": "reject"})
    assert in_form.status_code == 400 and "X-API-Key" in in_form.get_json()["error"]["message"]
    with app.app_context():
        store = get_store()
        assert store.get_incident(store.get_county(COUNTY_CODE).id, case).status == "dispatched"


def test_open311_still_takes_the_key_as_a_form_field(app, units_cases):
    key = units_cases["keys"]["leader"]
    client = app.test_client()
    filed = client.post("/open311/v2/requests.json", data=spec_post(key))
    assert filed.status_code == 201 and filed.get_json()[0]["service_request_id"]
    in_query = client.post(f"/open311/v2/requests.json?api_key={key}", data=spec_post(None, api_key=None))
    assert in_query.status_code == 400 and "X-API-Key" in in_query.get_json()[0]["description"]


def test_a_unit_staff_key_needs_a_unit_and_only_it_takes_one(app, case_users, runner):
    with app.app_context():
        store = get_store()
        with pytest.raises(InvalidInput, match="必须指定单位"):
            issue_key(store, "无单位", "unit_staff")
        with pytest.raises(InvalidInput, match="只有责任单位"):
            issue_key(store, "领导带单位", "leader", case_users["U01"])
        assert store.list_api_keys() == []
    made = runner.invoke(args=["create-api-key", "城管对接", "--role", "unit_staff", "--unit", "U01"])
    assert made.exit_code == 0 and "unit U01" in made.output, made.output
    refused = runner.invoke(args=["create-api-key", "无单位", "--role", "unit_staff"])
    assert refused.exit_code != 0 and "必须指定单位" in refused.output
    unknown = runner.invoke(args=["create-api-key", "错单位", "--role", "unit_staff", "--unit", "U99"])
    assert unknown.exit_code != 0 and "U99" in unknown.output
    with app.app_context():
        (stored,) = get_store().list_api_keys()
    assert (stored.name, stored.role, stored.unit_id) == ("城管对接", "unit_staff", case_users["U01"].id)


def test_a_unit_staff_key_from_before_units_is_refused_when_used(store):
    """A key stored without a unit (issued before migration 0014) would see every unit's cases."""
    old = store.add_api_key(ApiKey("旧钥匙", "unit_staff", key_hash("pk_old"), SINCE))
    assert store.api_key_by_hash(key_hash("pk_old")) == old and old.unit_id is None
    with pytest.raises(Unauthorized, match="未绑定单位"):
        check_key(store, "pk_old")


def test_a_keys_unit_is_stored_on_both_backends(store):
    from tests.support.web import build_county

    unit = build_county(store)["units"][1]
    stored, key = issue_key(store, "交警对接", "unit_staff", unit)
    assert stored.unit_id == unit.id and check_key(store, key) == stored
    assert store.list_api_keys() == [stored]
