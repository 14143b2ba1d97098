"""The reporter told by e-mail (issue #19 part 1): a resident who leaves an address and agrees is
sent, at a real local SMTP server, the moderation of their 随手拍 and then each public step of its
case, with the link to its tracking page and never a staff note; an address without consent (or
consent without an address, or not an address) is refused with nothing kept; the tracking page
shows the address masked and stops the e-mails, forgetting it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from geodata import clock
from geodata.audit import AuditFilter
from geodata.cases import public_reports
from geodata.cases import workflow as cases
from geodata.notify.channels import Channels, parse_smtp_url
from geodata.notify.outbox import Policy, drain_once
from tests.support.receivers import SmtpReceiver, smtp_server
from tests.support.web import COUNTY_CODE, csrf_token
from webmap import get_store

LEADER = cases.Actor("leader1", "leader")
STAFF_NOTE = "张三带队拖走车辆"
ADDRESS = "wang.fang@example.cn"
FORM = {"category": "parking", "long": "114.0031", "lat": "22.5051", "description": "人行道上停满了车"}


def _send(client, **extra):
    token = csrf_token(client.get("/login").text)
    return client.post("/api/public/reports", data={**FORM, **extra}, headers={"X-CSRFToken": token})


def _count(app) -> int:
    with app.app_context():
        store = get_store()
        return store.count_public_reports(store.get_county(COUNTY_CODE).id)


def _deliver(app, smtp_url: str):
    with app.app_context():
        channels = Channels(parse_smtp_url(smtp_url), timeout_s=5, public_url="https://cc.example.cn")
        return drain_once(get_store(), channels, "test", Policy(max_tries=1))


def test_the_reporter_who_agreed_gets_each_step_by_e_mail_and_can_stop_it(app, client):
    sent = _send(client, notify_email=ADDRESS, email_updates="1")
    assert sent.status_code == 201, sent.text
    token = sent.get_json()["token"]
    assert ADDRESS not in sent.text and ADDRESS not in client.get(f"/api/public/reports/{token}").text
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        r = store.public_report_by_token(token)
        assert r.notify_email == ADDRESS
        done = public_reports.approve(store, county, r.id, LEADER)
        start = clock.now() - timedelta(hours=1)
        for i, action in enumerate(("handle", "verify"), start=1):
            note = STAFF_NOTE if action == "handle" else ""
            cases.act(store, county, done.incident_id, action, LEADER, note, now=start + timedelta(minutes=i))
    receiver = SmtpReceiver()
    with smtp_server(receiver) as url:
        assert _deliver(app, url)["sent"] == 3  # accepted, then handled and verified
    mails = receiver.messages
    assert [m["To"] for m in mails] == [ADDRESS] * 3
    assert mails[0]["Subject"] == f"您的随手拍已受理：案件 #{done.incident_id}"
    assert [m["Subject"] for m in mails[1:]] == [f"您的随手拍有新进展：{s}" for s in ("已处置", "已核查")]
    bodies = [m.get_content() for m in mails]
    assert all(f"https://cc.example.cn/reports/{token}" in b and token in b for b in bodies)
    assert all(STAFF_NOTE not in b and "leader1" not in b for b in bodies)
    assert all("不再接收邮件" in b for b in bodies)

    page = client.get(f"/reports/{token}")
    assert "w***@example.cn" in page.text and ADDRESS not in page.text
    assert page.headers["Cache-Control"] == "private, no-store"
    form_token = csrf_token(page.text)
    stopped = client.post(f"/reports/{token}/email", data={"csrf_token": form_token})
    assert stopped.status_code == 303 and stopped.headers["Location"].endswith(
        f"/reports/{token}?email=stopped#email"
    )
    assert "已停止邮件通知" in client.get(stopped.headers["Location"]).text
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        assert store.public_report_by_token(token).notify_email == ""
        cases.act(
            store, county, done.incident_id, "close", LEADER, "", now=clock.now() - timedelta(minutes=1)
        )
        assert store.count_deliveries(county.id, "pending") == 0  # the reporter is told no more
        (logged,) = store.list_audit_events(AuditFilter(action="public_reports.stop_email"))
        assert ADDRESS not in str(logged)


def test_an_address_needs_consent_and_consent_needs_an_address(app, client):
    before = _count(app)
    for extra, says in (
        ({"notify_email": ADDRESS}, "没有勾选"),
        ({"email_updates": "1"}, "没有填写电子邮箱"),
        ({"notify_email": "wang.fang", "email_updates": "1"}, "不是电子邮箱地址"),
        ({"notify_email": "a@" + "b" * 260 + ".cn", "email_updates": "on"}, "不是电子邮箱地址"),
    ):
        answer = _send(client, **extra)
        assert answer.status_code == 400, extra
        error = answer.get_json()["error"]
        assert error["field"] == "notify_email" and says in error["message"], error
    assert _count(app) == before


def test_a_declined_report_says_why_and_a_reporter_without_an_address_gets_nothing(app, client):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        report = cases.Report("parking", 114.0037, 22.5051, "车", source="public")
        told = public_reports.submit(
            store, county, report, None, "c1", Path("/nonexistent"), email=ADDRESS, consent=True
        )
        quiet = public_reports.submit(store, county, report, None, "c2", Path("/nonexistent"))
        public_reports.reject(store, county, told.id, LEADER, "照片和描述无法确认问题")
        public_reports.reject(store, county, quiet.id, LEADER, "照片和描述无法确认问题")
    receiver = SmtpReceiver()
    with smtp_server(receiver) as url:
        assert _deliver(app, url)["sent"] == 1
    (mail,) = receiver.messages
    assert mail["To"] == ADDRESS and mail["Subject"] == "您的随手拍未予受理"
    assert "理由：照片和描述无法确认问题" in mail.get_content()
    assert re.search(rf"https://cc\.example\.cn/reports/{told.token}", mail.get_content())
