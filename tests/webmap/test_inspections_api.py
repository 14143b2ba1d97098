"""The inspections API: checklists, a patrol scoring a segment, refusals with the field named."""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

from geodata.model import User
from tests.support.web import COUNTY_CODE, PASSWORD, login
from webmap import get_store

ITEMS = {"posters": 20, "street_vending": 18, "parking": 15, "outdoor_ads": 20, "sanitation": 17}


@pytest.fixture
def patrol(app):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_user(User("xun", generate_password_hash(PASSWORD), "inspector", county.id, panel="patrol"))
        road = next(s for s in store.list_segments(county.id) if s.name == "福华路")
    client = app.test_client()
    login(client, "xun", PASSWORD)
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/portal").text).group(1)
    return client, token, road.id


def _count(app):
    with app.app_context():
        store = get_store()
        return store.count(store.get_county(COUNTY_CODE).id, "inspection")


def test_a_patrol_scores_a_segment_against_its_checklist(app, patrol):
    client, token, road = patrol
    kinds = {i["kind"] for i in client.get("/api/v1/checklists").get_json()["items"]}
    assert kinds == {"segment", "community", "grid"}
    body = {"target_kind": "segment", "target_id": road, "items": ITEMS}
    made = client.post("/api/v1/inspections", json=body, headers={"X-CSRFToken": token})
    assert made.status_code == 201 and made.get_json()["score"] == 90.0
    assert made.get_json()["panel_zh"] == "督查科" and _count(app) == 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"target_kind": "segment", "items": ITEMS, "target_id": "x"}, 400, "target_id"),
        ({"target_kind": "segment", "items": {**ITEMS, "parking": 25}}, 400, "items.parking"),
        (
            {"target_kind": "segment", "items": ITEMS, "inspected_at": "2099-01-01T00:00:00+08:00"},
            400,
            "inspected_at",
        ),
        ({"target_kind": "segment", "items": ITEMS, "inspected_at": "昨天"}, 400, "inspected_at"),
        ({"target_kind": "segment", "items": ITEMS, "target_id": 999}, 404, None),
    ],
)
def test_bad_inspections_are_refused_with_the_field_named(app, patrol, body, status, field):
    client, token, road = patrol
    answer = client.post(
        "/api/v1/inspections", json={"target_id": road, **body}, headers={"X-CSRFToken": token}
    )
    assert answer.status_code == status
    assert answer.get_json()["error"].get("field") == field
    assert _count(app) == 0


def test_a_leader_without_a_panel_may_not_score(app, leader):
    token = re.search(r'name="csrf-token" content="([^"]+)"', leader.get("/portal").text).group(1)
    body = {"target_kind": "segment", "target_id": 1, "items": ITEMS}
    refused = leader.post("/api/v1/inspections", json=body, headers={"X-CSRFToken": token})
    assert refused.status_code == 403 and "评议组" in refused.get_json()["error"]["message"]


def test_a_retried_inspection_with_the_same_key_is_recorded_once(app, patrol):
    client, token, road = patrol
    body = {"target_kind": "segment", "target_id": road, "items": ITEMS}
    headers = {"X-CSRFToken": token, "Idempotency-Key": "insp-1"}
    first = client.post("/api/v1/inspections", json=body, headers=headers)
    again = client.post("/api/v1/inspections", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert _count(app) == 1
