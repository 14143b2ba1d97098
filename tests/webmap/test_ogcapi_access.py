"""Who reads what at /ogcapi: anonymous callers see the public collections and the public subset
of cases; staff (a session, an X-API-Key, HTTP Basic over the same users) see the staff-only scores
and every case of their scope; Basic respects the login throttle and never opens a session."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from shapely.geometry import Point
from werkzeug.security import generate_password_hash

from geodata.accounts.apikeys import issue_key
from geodata.model import Incident, Inspection, User
from tests.support.ogcapi import ITEMS, add_zones
from tests.support.web import COUNTY_CODE, PASSWORD, county_app, login
from webmap import get_store

INSPECTED = datetime(2025, 6, 10, 2, tzinfo=UTC)


@pytest.fixture
def ogc(tmp_path):
    """The test county with: a case of the internal category 执法人员作风 with a contact, a repeat
    of case 1, a case of 城管执法局 (U01), an inspection of 西园社区 in June 2025, a unit staff user
    of U01 and keys of a leader and of U01's staff."""
    app = county_app(tmp_path)
    add_zones(app)
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        units = {u.code: u for u in store.list_units(county.id)}
        zone = store.get_zone_by_code(county.id, "community", "001")
        store.add_incidents([
            Incident(county.id, "staff_conduct", Point(114.006, 22.506), INSPECTED, description="队员态度差",
                     contact="张三 13800000000"),
            Incident(county.id, "parking", Point(114.005, 22.505), INSPECTED, duplicate_of=1),
            Incident(county.id, "parking", Point(114.007, 22.507), INSPECTED, unit_id=units["U01"].id),
        ])  # fmt: skip
        store.add_inspections([Inspection(county.id, "zone", zone.id, "insp", "A", INSPECTED, 88.0)])
        store.add_user(User("cg", generate_password_hash(PASSWORD), "unit_staff", county.id, units["U01"].id))
        app.config["KEYS"] = {
            "leader": issue_key(store, "统计局", "leader")[1],
            "unit": issue_key(store, "城管对接", "unit_staff", units["U01"])[1],
        }
    return app


def _basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _ids(client, collection: str, headers=None, query: str = "") -> list:
    answer = client.get(ITEMS.format(collection) + "?limit=1000" + query, headers=headers or {})
    assert answer.status_code == 200, answer.text
    return answer.get_json()["features"]


def test_anonymous_sees_the_public_subset_of_cases_and_no_scores(ogc):
    client = ogc.test_client()
    listed = [c["id"] for c in client.get("/ogcapi/collections").get_json()["collections"]]
    assert "cases" in listed and "scores" not in listed
    assert client.get(ITEMS.format("scores")).status_code == 404
    assert client.get("/ogcapi/collections/scores").get_json()["code"] == "not_found"
    cases = _ids(client, "cases")
    assert len(cases) == 36  # the county's 35, and U01's; not the internal one, not the repeat
    assert {f["properties"]["category"] for f in cases} == {"parking", "posters"}
    text = str(cases)
    assert "张三" not in text and "13800000000" not in text and "队员态度差" not in text
    staff = _ids(client, "cases", {"X-API-Key": ogc.config["KEYS"]["leader"]})
    (internal,) = (f["id"] for f in staff if f["properties"]["category"] == "staff_conduct")
    assert client.get(f"/ogcapi/collections/cases/items/{internal}").status_code == 404


@pytest.mark.parametrize("how", ["key", "basic", "session"])
def test_staff_see_scores_and_every_case(ogc, how):
    client = ogc.test_client()
    headers = {}
    if how == "key":
        headers = {"X-API-Key": ogc.config["KEYS"]["leader"]}
    elif how == "basic":
        headers = _basic("leader1", PASSWORD)
    else:
        assert login(client, "leader1", PASSWORD).status_code == 302
    listed = [c["id"] for c in client.get("/ogcapi/collections", headers=headers).get_json()["collections"]]
    assert "scores" in listed
    cases = _ids(client, "cases", headers)
    assert len(cases) == 38 and "staff_conduct" in {f["properties"]["category"] for f in cases}
    assert "张三" not in str(cases)  # staff read contacts on the case pages, not here
    scores = _ids(client, "scores", headers, "&datetime=2025-06-15")
    assert [(f["properties"]["name"], f["properties"]["score"]) for f in scores] == [("西园社区", 88.0)]
    assert _ids(client, "scores", headers, "&datetime=2025-07-15") == []


def test_unit_staff_see_their_units_cases_only(ogc):
    for headers in ({"X-API-Key": ogc.config["KEYS"]["unit"]}, _basic("cg", PASSWORD)):
        cases = _ids(ogc.test_client(), "cases", headers)
        assert [f["properties"]["unit_code"] for f in cases] == ["U01"], headers


def test_cases_by_the_time_reported(ogc):
    client = ogc.test_client()
    day = _ids(client, "cases", query="&datetime=2024-01-03")
    assert [f["properties"]["reported_at"][:10] for f in day] == ["2024-01-03"]
    assert len(_ids(client, "cases", query="&datetime=2024-01-03/2024-01-05")) == 3
    assert len(_ids(client, "cases", query="&datetime=2025-01-01/..")) == 1
    assert len(_ids(client, "cases", query="&datetime=../2024-01-02")) == 2


def test_basic_never_opens_a_session_and_counts_failures(ogc):
    client = ogc.test_client()
    good = client.get(ITEMS.format("scores"), headers=_basic("leader1", PASSWORD))
    assert good.status_code == 200 and "Set-Cookie" not in good.headers
    assert client.get(ITEMS.format("scores")).status_code == 404  # no session was left behind
    wrong = client.get(ITEMS.format("scores"), headers=_basic("leader1", "not it"))
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Basic")
    assert wrong.get_json()["code"] == "unauthorized"
    for _ in range(5):
        client.get(ITEMS.format("scores"), headers=_basic("leader1", "not it"))
    locked = client.get(ITEMS.format("scores"), headers=_basic("leader1", PASSWORD))
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    with ogc.app_context():
        refused = [
            e for e in get_store().iter_audit_events() if (e.action, e.result) == ("auth.login", "refused")
        ]
    assert len(refused) == 7  # five wrong passwords, then two while locked
    assert refused[-1].detail.get("reason") == "account_locked"


def test_a_wrong_key_is_a_401(ogc):
    answer = ogc.test_client().get("/ogcapi/collections", headers={"X-API-Key": "nonsense"})
    assert answer.status_code == 401 and answer.get_json()["code"] == "unauthorized"
