"""The inbox on the web: the unread count in the top bar, the page, marking read, the API, who
sees what (another unit's staff neither see nor mark a row), English, the failed deliveries page,
the units' contacts command and a bad PORTAL_SMTP_URL."""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

from geodata.audit import AuditFilter
from geodata.errors import ConfigError
from geodata.model import User
from geodata.notify.channels import Channels
from geodata.notify.model import Recipient, UnitContact
from geodata.notify.outbox import Policy, drain_once
from tests.support.web import COUNTY_CODE, PASSWORD, csrf_token
from webmap import create_app, get_store

FUHUA = {"category": "parking", "lat": 22.5051, "long": 114.004, "address": "福华路 1 号"}  # 城管执法局 (U01)


def _file(client) -> int:
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/report").text).group(1)
    answer = client.post("/api/v1/incidents", headers={"X-CSRFToken": token}, json=FUHUA)
    assert answer.status_code == 201 and answer.get_json()["status"] == "dispatched", answer.text
    return answer.get_json()["id"]


def _unread_badge(html: str) -> int | None:
    found = re.search(r'id="inbox-unread"[^>]*>(\d+)<', html)
    return int(found.group(1)) if found else None


def _row_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="\w+" data-id="(\d+)"', html)]


@pytest.fixture
def dispatched(app, case_users, leader):
    """A case filed on 福华路 by the leader, dispatched on arrival to 城管执法局 (U01); its id and
    the id of U01's notification."""
    case_id = _file(leader)
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        (row,) = store.list_notifications(county.id, Recipient(unit_id=case_users["U01"].id))
    return case_id, row.id


def test_the_units_staff_see_a_red_count_on_every_page_and_the_row_in_their_inbox(dispatched, sign_in):
    case_id, row_id = dispatched
    cg, jj = sign_in("cg"), sign_in("jj")
    for url in ("/cases?status=open", "/portal", "/scores", "/report"):
        assert _unread_badge(cg.get(url).text) == 1, url
    page = cg.get("/inbox")
    assert page.status_code == 200 and _row_ids(page.text) == [row_id]
    assert f"新派发案件 #{case_id}：乱停车" in page.text and "福华路 1 号" in page.text
    assert f'href="/cases/{case_id}"' in page.text and "同事中有一人读过即为已读" in page.text
    # another unit's staff: no count, an empty inbox that says why
    assert _unread_badge(jj.get("/report").text) is None
    empty = jj.get("/inbox").text
    assert _row_ids(empty) == [] and "案件派发到本单位、或退回返工时" in empty


def test_marking_read_reads_it_for_the_whole_unit_and_another_unit_cannot(app, dispatched, sign_in):
    _, row_id = dispatched
    with app.app_context():  # a second member of U01's duty desk
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        u01 = store.get_unit_by_code(county.id, "U01")
        store.add_user(User("cg2", generate_password_hash(PASSWORD), "unit_staff", county.id, u01.id))
    cg, cg2, jj = sign_in("cg"), sign_in("cg2"), sign_in("jj")
    refused = jj.post(f"/inbox/{row_id}/read", data={"csrf_token": csrf_token(jj.get("/inbox").text)})
    assert refused.status_code == 404
    no_token = cg.post(f"/inbox/{row_id}/read")
    assert no_token.status_code == 400
    assert _unread_badge(cg.get("/report").text) == 1  # neither changed it
    done = cg.post(f"/inbox/{row_id}/read", data={"csrf_token": csrf_token(cg.get("/inbox").text)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/inbox")
    assert _unread_badge(cg2.get("/report").text) is None  # read for the unit
    assert "cg 于" in cg2.get("/inbox").text and "已读" in cg2.get("/inbox").text
    with app.app_context():
        store = get_store()
        events = store.list_audit_events(
            __import__("geodata.audit", fromlist=["AuditFilter"]).AuditFilter(), limit=10
        )
    marks = [(e.actor, e.result) for e in events if e.action == "inbox.mark_read"]
    assert ("cg", "ok") in marks and ("jj", "refused") in marks


def test_mark_all_read_and_the_unread_filter(dispatched, leader, sign_in):
    cg = sign_in("cg")
    token = csrf_token(cg.get("/inbox").text)
    answer = cg.post("/inbox/read-all", data={"csrf_token": token}, follow_redirects=True)
    assert answer.status_code == 200 and "已将 1 条消息标为已读" in answer.text
    assert "没有未读消息" in cg.get("/inbox?unread=1").text
    assert _unread_badge(cg.get("/report").text) is None


def test_the_inbox_in_english(dispatched, sign_in):
    case_id, _ = dispatched
    page = sign_in("cg").get("/inbox?lang=en").text
    assert "<title>Inbox · " in page and f"Case #{case_id} dispatched to you: Illegal parking" in page
    assert "Mark read" in page and "新派发" not in page


def test_the_api_lists_counts_and_marks_only_the_readers_rows(dispatched, sign_in):
    case_id, row_id = dispatched
    cg, jj = sign_in("cg"), sign_in("jj")
    listed = cg.get("/api/v1/inbox").get_json()
    assert listed["unread"] == 1 and [i["id"] for i in listed["items"]] == [row_id]
    assert listed["items"][0]["incident_id"] == case_id and listed["items"][0]["read_at"] is None
    assert jj.get("/api/v1/inbox").get_json() == {
        "unread": 0,
        "total": 0,
        "page": 1,
        "per_page": 20,
        "items": [],
    }
    token = re.search(r'name="csrf-token" content="([^"]+)"', jj.get("/inbox").text).group(1)
    assert (
        jj.post("/api/v1/inbox/read", json={"ids": [row_id]}, headers={"X-CSRFToken": token}).status_code
        == 404
    )
    token = re.search(r'name="csrf-token" content="([^"]+)"', cg.get("/inbox").text).group(1)
    for bad in ({}, {"ids": []}, {"ids": ["1"]}, {"ids": list(range(101))}, {"all": 1}):
        answer = cg.post("/api/v1/inbox/read", json=bad, headers={"X-CSRFToken": token})
        assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "ids", bad
    assert cg.post("/api/v1/inbox/read", json={"ids": [row_id]}).status_code == 400  # no CSRF token
    marked = cg.post("/api/v1/inbox/read", json={"ids": [row_id, row_id]}, headers={"X-CSRFToken": token})
    assert marked.get_json() == {"marked": 1, "unread": 0}
    assert cg.get("/api/v1/inbox?unread=1").get_json()["items"] == []


def test_administrators_see_the_deliveries_given_up(app, case_users, leader, sign_in):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.set_unit_contact(county.id, case_users["U01"].id, UnitContact("duty@cg.example.cn"))
    _file(leader)
    with app.app_context():  # no PORTAL_SMTP_URL: the e-mail fails, and one try is all it gets
        counts = drain_once(get_store(), Channels(), "test", Policy(max_tries=1))
    assert counts["failed"] == 1
    with app.app_context():
        store = get_store()
        store.add_user(
            User("admin1", generate_password_hash(PASSWORD), "admin", store.get_county(COUNTY_CODE).id)
        )
    page = sign_in("admin1").get("/admin/deliveries").text
    assert (
        'id="failed-deliveries"' in page
        and "duty@cg.example.cn" in page
        and "PORTAL_SMTP_URL is not set" in page
    )
    assert "电子邮件" in page
    assert leader.get("/admin/deliveries").status_code == 403


def test_units_contact_sets_and_checks_a_units_contacts_and_never_shows_the_secret(app, runner):
    secret = "SECabcdef0123456789"
    answer = runner.invoke(
        args=["units", "contact", "U02", "--email", "duty@jj.example.cn", "--dingtalk-url",
              "https://oapi.dingtalk.com/robot/send?access_token=t", "--dingtalk-secret", secret]
    )  # fmt: skip
    assert answer.exit_code == 0, answer.output
    assert "duty@jj.example.cn" in answer.output and secret not in answer.output and "…6789" in answer.output
    assert "access_token=t" not in answer.output
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        contact = store.get_unit_contact(county.id, store.get_unit_by_code(county.id, "U02").id)
        assert contact.dingtalk_secret == secret and contact.email == "duty@jj.example.cn"
        (event,) = store.list_audit_events(AuditFilter(action="cli.units-contact"), limit=1)
        assert secret not in str(event.detail) and event.detail["unit"] == "U02"
        assert "access_token" not in str(event.detail)  # the robot's token is in its URL's query
        assert event.detail["contact"]["dingtalk_url"] == "https://oapi.dingtalk.com/robot/send?…"
    refused = runner.invoke(args=["units", "contact", "U02", "--wecom-url", "ftp://robot.example/x"])
    assert refused.exit_code == 1 and "http://" in refused.output
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        assert store.get_unit_contact(county.id, store.get_unit_by_code(county.id, "U02").id).wecom_url == ""


def test_a_bad_smtp_url_stops_the_start_naming_the_setting(tmp_path):
    with pytest.raises(ConfigError) as refused:
        create_app({"database_url": f"sqlite:///{tmp_path / 't.sqlite'}", "instance_path": str(tmp_path),
                    "testing": True, "smtp_url": "smtp://mail.example.cn:notaport"})  # fmt: skip
    assert "PORTAL_SMTP_URL" in refused.value.message and "PORTAL_SMTP_URL" in refused.value.en
