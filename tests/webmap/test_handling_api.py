"""回退, 延期, 挂账 and 督办 over HTTP: the case page offers each role its forms, the API they post
to does the step or refuses it in both languages changing nothing, and the leaders' 督办 page."""

from __future__ import annotations

import re
from datetime import timedelta

from geodata import clock
from geodata.model import COUNTY_TZ
from tests.support.web import COUNTY_CODE
from webmap import get_store

FUHUA = {"category": "parking", "lat": 22.5051, "long": 114.004, "address": "福华路 1 号"}  # 城管执法局 (U01)


def _token(client, path="/report") -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text).group(1)


def _post(client, path, body=None):
    return client.post(path, headers={"X-CSRFToken": _token(client)}, json=body if body is not None else {})


def _file(client) -> int:
    answer = _post(client, "/api/v1/incidents", FUHUA)
    assert answer.status_code == 201 and answer.get_json()["status"] == "dispatched", answer.text
    return answer.get_json()["id"]


def _case(app, case_id):
    with app.app_context():
        store = get_store()
        return store.get_incident(store.get_county(COUNTY_CODE).id, case_id)


def test_a_return_and_a_redispatch_over_http(app, case_users, leader, sign_in):
    case_id = _file(leader)
    cg = sign_in("cg")
    page = cg.get(f"/cases/{case_id}").text
    assert 'value="return"' in page and "申请延期" in page and "挂账（暂缓办理）" not in page
    refused = _post(cg, f"/api/v1/incidents/{case_id}/actions", {"action": "return"})
    assert refused.status_code == 400 and "回退需要说明理由" in refused.text
    assert refused.get_json()["error"]["field"] == "note"
    returned = _post(cg, f"/api/v1/incidents/{case_id}/actions", {"action": "return", "note": "属交警"})
    assert returned.status_code == 200 and returned.get_json()["status"] == "returned"
    page = leader.get(f"/cases/{case_id}").text
    assert "回退待审" in page and "属交警" in page and 'value="dispatch"' in page
    moved = _post(leader, f"/api/v1/incidents/{case_id}/actions", {"action": "dispatch", "unit": "U02"})
    assert moved.status_code == 200 and moved.get_json()["unit"]["code"] == "U02"
    assert "已同意" in leader.get(f"/cases/{case_id}").text


def test_an_extension_is_asked_on_the_case_page_and_approved_by_a_leader(app, case_users, leader, sign_in):
    case_id = _file(leader)
    cg, jj = sign_in("cg"), sign_in("jj")
    before = _case(app, case_id)
    local = (before.deadline_at + timedelta(days=2)).astimezone(COUNTY_TZ)
    until = local.strftime("%Y-%m-%dT%H:%M")
    path = f"/api/v1/incidents/{case_id}/extensions"
    for client, body, status, words in (
        (jj, {"deadline": until, "reason": "等路政"}, 403, "责任单位"),
        (leader, {"deadline": until, "reason": "等路政"}, 403, "责任单位"),
        (cg, {"deadline": until}, 400, "缺少延期理由"),
        (cg, {"deadline": "下周", "reason": "等路政"}, 400, "deadline 应为时间"),
    ):
        answer = _post(client, path, body)
        assert answer.status_code == status and words in answer.text, answer.text
        assert answer.get_json()["error"]["code"] in ("forbidden", "invalid_input")
    assert _case(app, case_id) == before
    asked = _post(cg, path, {"deadline": until, "reason": "等路政"})
    assert asked.status_code == 201 and asked.get_json()["state"] == "pending"
    page = leader.get(f"/cases/{case_id}").text
    assert "申请延期至" in page and "同意延期" in page
    listed = leader.get("/cases")
    assert "1</b> 件延期待审批" in listed.text  # the leaders' queue
    waiting = leader.get("/api/v1/incidents?pending=extension").get_json()
    assert [c["id"] for c in waiting["items"]] == [case_id]
    assert leader.get("/api/v1/incidents?pending=someday").status_code == 400
    request_id = asked.get_json()["id"]
    assert _post(cg, f"/api/v1/requests/{request_id}/decision", {"approve": True}).status_code == 403
    assert _post(leader, f"/api/v1/requests/{request_id}/decision", {"approve": "maybe"}).status_code == 400
    approved = _post(leader, f"/api/v1/requests/{request_id}/decision", {"approve": "1", "note": "同意"})
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    assert _case(app, case_id).deadline_at == local.replace(second=0, microsecond=0)  # the form's minute
    assert "已同意" in cg.get(f"/cases/{case_id}").text


def test_a_leader_shelves_supervises_and_the_unit_answers(app, case_users, leader, sign_in):
    case_id = _file(leader)
    cg, jj = sign_in("cg"), sign_in("jj")
    page = leader.get(f"/cases/{case_id}").text
    assert "挂账（暂缓办理）" in page and "发起督办" in page
    raised = _post(leader, f"/api/v1/incidents/{case_id}/supervisions", {"note": "今日办结", "level": "1"})
    assert raised.status_code == 201 and raised.get_json()["level"] == 1
    order_id = raised.get_json()["id"]
    assert _post(jj, f"/api/v1/supervisions/{order_id}/answer", {"answer": "已办"}).status_code == 403
    answered = _post(cg, f"/api/v1/supervisions/{order_id}/answer", {"answer": "已安排拖车"})
    assert answered.status_code == 200 and answered.get_json()["state"] == "answered"
    assert leader.get("/api/v1/dashboard").get_json()["totals"]["supervised"] == 1
    supervised = leader.get("/api/v1/incidents?pending=supervised").get_json()
    assert [c["id"] for c in supervised["items"]] == [case_id]
    listing = leader.get("/supervision?state=answered")
    assert listing.status_code == 200 and "已安排拖车" in listing.text and f"/cases/{case_id}" in listing.text
    assert leader.get("/supervision?state=open").text.count("今日办结") == 0
    assert cg.get("/supervision").status_code == 403
    assert "Supervision orders" in leader.get("/supervision?lang=en").text
    closed = _post(leader, f"/api/v1/supervisions/{order_id}/close")
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    no_date = _post(leader, f"/api/v1/incidents/{case_id}/shelve", {"plan": "整街改造"})
    assert no_date.status_code == 400 and "复查日期" in no_date.text
    shelved = _post(
        leader, f"/api/v1/incidents/{case_id}/shelve", {"plan": "整街改造", "review_on": "2099-01-01"}
    )
    assert shelved.status_code == 400 and "天之内" in shelved.text  # too far
    with app.app_context():
        today = clock.now().astimezone(COUNTY_TZ).date()
    review = (today + timedelta(days=30)).isoformat()
    shelved = _post(leader, f"/api/v1/incidents/{case_id}/shelve", {"plan": "整街改造", "review_on": review})
    assert shelved.status_code == 200 and shelved.get_json()["status"] == "shelved"
    assert "恢复办理" in leader.get(f"/cases/{case_id}").text
    back = _post(leader, f"/api/v1/incidents/{case_id}/unshelve")
    assert back.status_code == 200 and back.get_json()["status"] == "dispatched"
