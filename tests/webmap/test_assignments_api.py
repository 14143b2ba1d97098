"""The 分兵把口 API and commands: post, ask, revert — through HTTP and the CLI."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from werkzeug.security import generate_password_hash

from geodata import clock
from geodata.model import User
from tests.support.web import login
from webmap import get_store


def _token(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/portal").text).group(1)


def _post(client, url, body, token=None):
    headers = {"X-CSRFToken": token or _token(client)}
    return client.post(url, json=body, headers=headers)


def _segment_id(app, name):
    with app.app_context():
        store = get_store()
        county = store.list_counties()[0]
        return next(s.id for s in store.list_segments(county.id) if s.name == name)


def _lead(client, segment_id, day):
    answer = client.get(f"/api/v1/targets/segment/{segment_id}/responsible?date={day}")
    assert answer.status_code == 200, answer.text
    return answer.get_json()["lead"]


def test_post_a_road_then_revert(app, leader):
    road = _segment_id(app, "福华路")
    assert _lead(leader, road, "2025-06-01")["unit"] == "U01"
    made = _post(leader, "/api/v1/postings", {
        "unit": "U02", "road": "福华路", "valid_from": "2025-03-15", "reason": "调整",
        "person": "王强", "phone": "13800000000", "duties": ["parking"],
    })  # fmt: skip
    assert made.status_code == 201, made.text
    change = made.get_json()["change_set"]
    assert [a["unit_name"] for a in made.get_json()["assignments"]] == ["交警大队"]
    assert _lead(leader, road, "2025-03-14")["unit"] == "U01"
    assert _lead(leader, road, "2025-03-15")["person"] == "王强"

    undone = _post(leader, f"/api/v1/change-sets/{change['id']}/revert", {"reason": "录错了"})
    assert undone.status_code == 201 and undone.get_json()["change_set"]["reverts"] == change["id"]
    assert _lead(leader, road, "2025-06-01")["unit"] == "U01"
    history = leader.get(f"/api/v1/targets/segment/{road}/history").get_json()["history"]
    assert [(h["unit"], h["voided_by"] is not None) for h in history] == [("U01", False), ("U02", True)]
    again = _post(leader, f"/api/v1/change-sets/{change['id']}/revert", {})
    assert again.status_code == 409 and "已被变更单" in again.get_json()["error"]["message"]


def test_what_a_unit_guarded_in_a_month(leader):
    answer = leader.get("/api/v1/units/U01/guarded?month=2024-05").get_json()
    assert [i["name"] for i in answer["items"]] == ["福华路"]
    assert answer["total_length_m"] == pytest.approx(617, rel=0.01)
    day = leader.get("/api/v1/units/U03/guarded?date=2024-05-01").get_json()
    assert [i["target"]["kind"] for i in day["items"]] == ["zone"] and day["total_area_m2"] > 1e6


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"unit": "U02", "road": "福华路", "reason": "x"}, 400, "缺少 valid_from"),
        ({"unit": "U02", "road": "福华路", "reason": "x", "valid_from": "15/03/2025"}, 400, "YYYY-MM-DD"),
        ({"unit": "ZZ", "road": "福华路", "reason": "x", "valid_from": "2025-03-15"}, 404, "没有单位 'ZZ'"),
        ({"unit": "U02", "road": "深南大道", "reason": "x", "valid_from": "2025-03-15"}, 404, "没有名为 '深南大道' 的道路"),
        ({"unit": "U02", "targets": [{"kind": "segment"}], "reason": "x", "valid_from": "2025-03-15"}, 400,
         "targets must be a list"),
        ({"unit": "U02", "road": "福华路", "reason": "x", "valid_from": "2023-01-01"}, 409, "起的牵头单位"),
    ],
)  # fmt: skip
def test_bad_postings_are_refused_and_change_nothing(app, leader, body, status, message):
    answer = _post(leader, "/api/v1/postings", body)
    assert answer.status_code == status, answer.text
    assert message in answer.get_json()["error"]["message"]
    with app.app_context():
        store = get_store()
        assert store.count(store.list_counties()[0].id, "change_set") == 0


def test_writes_need_the_csrf_token_and_an_editor(app, leader):
    refused = leader.post("/api/v1/postings", json={"unit": "U02"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    with app.app_context():
        get_store().add_user(User("insp", generate_password_hash("pw-insp-1"), "inspector"))
    inspector = app.test_client()
    login(inspector, "insp", "pw-insp-1")
    forbidden = _post(inspector, "/api/v1/postings", {"unit": "U02"})
    assert forbidden.status_code == 403 and "只有领导和管理员" in forbidden.get_json()["error"]["message"]
    assert app.test_client().get("/api/v1/units/U01/guarded?month=2024-05").status_code == 401


def test_bad_questions(leader):
    today = leader.get("/api/v1/targets/segment/1/responsible")  # no date: the portal's today
    assert today.status_code == 200 and today.get_json()["date"] == clock.today().isoformat()
    assert leader.get("/api/v1/targets/segment/1/responsible?date=1.5.2025").status_code == 400
    assert leader.get("/api/v1/targets/segment/999/responsible?date=2025-01-01").status_code == 404
    assert leader.get("/api/v1/targets/road/1/history").status_code == 400
    assert (
        "格式有误，应为 YYYY-MM"
        in leader.get("/api/v1/units/U01/guarded?month=May").get_json()["error"]["message"]
    )


def test_the_same_through_the_cli(app, runner):
    done = runner.invoke(args=["assign", "--county", "990001", "--unit", "U02", "--road", "福华路",
                               "--from", "2025-03-15", "--reason", "调整", "--person", "王强"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "on 1 targets from 2025-03-15" in done.output
    road = _segment_id(app, "福华路")
    who = runner.invoke(args=["who", "--county", "990001", "--segment", str(road), "--on", "2025-03-15"])
    assert "lead:    交警大队" in who.output
    history = runner.invoke(args=["who", "--county", "990001", "--segment", str(road)])
    assert "2024-01-01 – before 2025-03-15  lead   城管执法局" in history.output
    guarded = runner.invoke(args=["guarded", "--county", "990001", "--unit", "U02", "--month", "2025-03"])
    assert "2 posts" in guarded.output
    change = re.search(r"change set #(\d+)", done.output).group(1)
    undone = runner.invoke(args=["revert", change, "--county", "990001", "--reason", "录错"])
    assert undone.exit_code == 0 and f"reverts #{change}" in undone.output
    refused = runner.invoke(args=["revert", change, "--county", "990001", "--reason", "again"])
    assert (
        refused.exit_code == 1 and "Error: 变更单 #" in refused.output and "Traceback" not in refused.output
    )
    bad = runner.invoke(
        args=["assign", "--county", "990001", "--unit", "U02", "--from", "2025-03-15", "--reason", "x"]
    )
    assert bad.exit_code == 1 and "没有选中任何区域或路段" in bad.output


def test_reroutes_a_stopped_change_still_owes_are_finished_by_the_cli(app, runner):
    with app.app_context():
        store = get_store()
        county = store.get_county("990001")
        store.add_pending_reroute(county.id, datetime(2024, 1, 1, tzinfo=UTC), None)
    both = runner.invoke(args=["reroute", "--pending", "--since", "2024-01-01"])
    assert both.exit_code == 2 and "either --since DAY or --pending" in both.output
    done = runner.invoke(args=["reroute", "--pending"])
    assert done.exit_code == 0 and "incidents re-attributed" in done.output, done.output
    with app.app_context():
        assert get_store().pending_reroutes() == []
