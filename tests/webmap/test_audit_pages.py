"""The audit log from the web and the command line: what is recorded, the /admin/audit page and
its CSV (admins only), and ``audit verify``."""

from __future__ import annotations

import csv
import io
import logging
import re
import sqlite3

import pytest
from werkzeug.security import generate_password_hash

from geodata import audit as audit_log
from geodata.accounts.apikeys import issue_key
from geodata.audit import AuditFilter
from geodata.model import User
from tests.support.web import COUNTY_CODE, OPEN311, PASSWORD, admin_client, county_app, login, spec_post
from webmap import get_store

FUHUA = {"category": "parking", "lat": 22.5051, "long": 114.004, "description": "人行道停车"}


@pytest.fixture
def admin(app):
    return admin_client(app)[0]


def _token(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/portal").text).group(1)


def _events(app, **where) -> list:
    with app.app_context():
        return list(get_store().iter_audit_events(AuditFilter(**where)))


def test_every_write_request_is_recorded_with_its_actor_and_result_never_its_body(app, leader):
    made = leader.post("/api/v1/incidents", json=FUHUA, headers={"X-CSRFToken": _token(leader)})
    assert made.status_code == 201
    refused = leader.post("/api/v1/incidents", json=FUHUA)  # no CSRF token
    assert refused.status_code == 400
    events = _events(app, action="cases.create_incident")
    assert [(e.actor, e.object, e.result, e.detail) for e in events] == [
        ("leader1", "/api/v1/incidents", "ok", {"status": 201, "method": "POST"}),
        ("leader1", "/api/v1/incidents", "refused", {"status": 400, "method": "POST"}),
    ]
    assert all(len(e.address_hash) == 32 and "127.0.0.1" not in e.address_hash for e in events)
    assert "人行道停车" not in str(events)
    leader.post("/logout", data={"csrf_token": _token(leader)})
    (out,) = _events(app, action="auth.logout")
    assert out.actor == "leader1"  # who signed out, taken before the view forgot them


def test_an_api_key_is_named_as_the_actor(app):
    with app.app_context():
        _, key = issue_key(get_store(), "城市大脑", "inspector")
    client = app.test_client()
    assert client.post("/api/v1/incidents", json=FUHUA, headers={"X-API-Key": key}).status_code == 201
    assert client.post("/api/v1/incidents", json=FUHUA, headers={"X-API-Key": key + "x"}).status_code == 401
    assert [(e.actor, e.result) for e in _events(app, action="cases.create_incident")] == [
        ("api:城市大脑", "ok"),
        ("api:?", "refused"),
    ]


def test_an_export_of_personal_data_is_recorded_first_or_refused(app, leader, monkeypatch):
    answer = leader.get("/api/v1/incidents.csv?status=filed")
    assert answer.status_code == 200
    (export,) = _events(app, action="export.incidents_csv")
    assert (export.actor, export.object) == ("leader1", f"county:{COUNTY_CODE}")
    assert export.detail["filters"] == {"status": "filed"} and export.detail["rows"] >= 1

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(audit_log, "record", broken)
    refused = leader.get("/api/v1/incidents.csv")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
    assert refused.get_json()["error"]["code"] == "audit_unavailable"


def test_a_failed_audit_write_is_logged_loudly_and_the_answer_stands(app, leader, monkeypatch, caplog):
    token = _token(leader)
    monkeypatch.setattr(audit_log, "record", lambda *a, **k: 1 / 0)
    with caplog.at_level(logging.CRITICAL, logger="portal.audit"):
        made = leader.post("/api/v1/incidents", json=FUHUA, headers={"X-CSRFToken": token})
    assert made.status_code == 201
    assert any("AUDIT WRITE FAILED" in r.getMessage() and "cases.create_incident" in r.getMessage()
               for r in caplog.records)  # fmt: skip


def test_only_admins_see_the_audit_page(app, admin, leader):
    assert admin.get("/admin/audit").status_code == 200
    assert leader.get("/admin/audit").status_code == 403
    assert leader.get("/admin/audit.csv").status_code == 403
    anonymous = app.test_client().get("/admin/audit")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_page_filters_pages_and_escapes(app, admin):
    with app.app_context():
        store = get_store()
        for i in range(55):
            audit_log.record(store, "<script>alert(1)</script>" if i == 0 else "bob", "test.thing", str(i))
    page = admin.get("/admin/audit?actor=bob")
    assert page.status_code == 200
    assert page.text.count('<tr data-id="') == 50 and "共 54 条" in page.text
    assert 'aria-current="page">1<' in page.text and "actor=bob&amp;page=2" in page.text
    assert "<script>alert(1)</script>" not in admin.get("/admin/audit?action=test.thing&page=2").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in admin.get("/admin/audit?page=2&action=test.thing").text
    assert "共 0 条" in admin.get("/admin/audit?until=2020-01-01").text
    assert "共 55 条" in admin.get("/admin/audit?action=test.thing&since=2020-01-01").text


@pytest.mark.parametrize(
    "query, field",
    [
        ("since=2026-13-01", "since"),
        ("since=2026-03-02&until=2026-03-01", "until"),
        ("actor=" + "x" * 101, "actor"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(admin, query, field):
    answer = admin.get(f"/admin/audit?{query}")
    assert answer.status_code == 400 and field in answer.text


def test_the_csv_export_keeps_the_filters_and_is_itself_recorded(app, admin):
    with app.app_context():
        store = get_store()
        audit_log.record(store, "bob", "test.thing", '=HYPERLINK("x")')
        audit_log.record(store, "carol", "test.thing", "b")
    answer = admin.get("/admin/audit.csv?actor=bob")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["编号", "时间", "操作者"] and len(rows) == 2
    assert rows[1][2] == "bob" and rows[1][5] == '\'=HYPERLINK("x")'  # never a formula
    (export,) = _events(app, action="export.audit_csv")
    assert export.actor == "admin1" and export.detail == {"filters": {"actor": "bob"}, "rows": 1}


def test_cli_writes_are_recorded_and_verify_names_an_edited_row(app, runner, tmp_path):
    made = runner.invoke(args=["create-user", "bob", "--role", "leader", "--password", "Secret-pass-1"])
    assert made.exit_code == 0, made.output
    refused = runner.invoke(args=["create-user", "bob", "--role", "leader", "--password", "Secret-pass-1"])
    assert refused.exit_code == 1
    events = _events(app, action="cli.create-user")
    assert [e.result for e in events] == ["ok", "refused"]
    assert events[0].actor.startswith("cli:") and events[0].detail["user"] == "bob"
    assert "Secret-pass-1" not in str(events) and "password" not in events[0].detail["params"]
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "审计链完整：2 条" in ok.output
    with app.app_context():
        path = get_store().conn.execute("PRAGMA database_list").fetchone()[2]
    with sqlite3.connect(path) as conn:  # someone with the file edits a row behind the app's back
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("UPDATE audit_event SET actor = 'mallory' WHERE id = ?", (events[0].id,))
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and f"#{events[0].id}" in broken.output and "审计链断裂" in broken.output
    out = tmp_path / "audit.csv"
    assert runner.invoke(args=["audit", "export", str(out)]).exit_code == 0
    assert "mallory" in out.read_text(encoding="utf-8-sig")


def test_the_page_checks_the_chain_as_the_command_does(app, admin):
    """/admin/audit/verify: whole, then (a row edited behind the app's back) broken at that row."""
    page = admin.get("/admin/audit")
    assert 'href="/admin/audit/verify"' in page.text
    whole = admin.get("/admin/audit/verify")
    assert whole.status_code == 200 and 'id="audit-whole"' in whole.text and "审计链完整" in whole.text
    (login_event, *_) = _events(app, action="auth.login")
    with app.app_context():
        path = get_store().conn.execute("PRAGMA database_list").fetchone()[2]
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("UPDATE audit_event SET actor = 'mallory' WHERE id = ?", (login_event.id,))
    broken = admin.get("/admin/audit/verify")
    assert broken.status_code == 200 and 'id="audit-broken"' in broken.text
    assert f"第一条异常记录为 #{login_event.id}" in broken.text and "mallory" in broken.text


def test_a_moderation_decision_is_recorded_with_its_outcome(app, admin):
    from datetime import UTC, datetime

    from geodata.model import PublicReport

    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        report = store.add_public_report(
            PublicReport(county.id, "tok123", "parking", 114.004, 22.5051, "c1", datetime.now(UTC), "堵路")
        )
    answer = admin.post(
        f"/api/v1/public-reports/{report.id}/reject",
        json={"reason": "内容与问题无关"},
        headers={"X-CSRFToken": _token(admin)},
    )
    assert answer.status_code == 200, answer.text
    (event,) = _events(app, action="moderation.reject")
    assert (event.actor, event.object, event.detail["state"]) == (
        "admin1",
        f"public_report:{report.id}",
        "rejected",
    )
    assert event.detail["public_reason"] == "内容与问题无关"
    assert not _events(app, action="moderation.moderate")  # recorded once, not again by the hook


def test_an_open311_key_sent_in_the_form_is_named_and_the_form_never_recorded(app):

    with app.app_context():
        _, key = issue_key(get_store(), "市民热线", "inspector")
    answer = app.test_client().post(f"{OPEN311}/requests.json", data=spec_post(key))
    assert answer.status_code == 201, answer.text
    (event,) = _events(app, actor="api:市民热线")
    assert event.result == "ok" and event.detail == {"status": 201, "method": "POST"}
    assert "13800138000" not in str(event) and key not in str(event)


def test_on_postgis_writes_are_recorded_and_the_admin_reads_them(committed_postgis_url, tmp_path):
    app = county_app(tmp_path, committed_postgis_url)
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_user(User("admin1", generate_password_hash(PASSWORD), "admin", county_id=county.id))
    try:
        client = app.test_client()
        assert login(client, "admin1", PASSWORD).status_code == 302
        assert (
            client.post("/api/v1/incidents", json=FUHUA, headers={"X-CSRFToken": _token(client)}).status_code
            == 201
        )
        assert client.post("/api/v1/incidents", json=FUHUA).status_code == 400
        page = client.get("/admin/audit?action=cases.create_incident")
        assert page.status_code == 200 and page.text.count('<tr data-id="') == 2 and "拒绝" in page.text
        with app.app_context():
            assert audit_log.verify(get_store()).count == 3  # the sign-in (auth.login), two writes
    finally:
        app.extensions["portal_db"].close()


def test_a_view_may_name_the_actor_and_a_post_to_nowhere_is_recorded(app):
    from webmap.audit import audit

    with app.test_request_context("/login", method="POST", environ_base={"REMOTE_ADDR": "10.0.0.7"}):
        made = audit("auth.login", "user:ghost", "refused", actor="ghost", reason="unknown_user")
    assert (made.actor, made.result, made.detail) == ("ghost", "refused", {"reason": "unknown_user"})
    assert app.test_client().post("/no/such/page").status_code == 404
    (nowhere,) = _events(app, action="no_route")
    assert (nowhere.actor, nowhere.object, nowhere.result) == ("anonymous", "/no/such/page", "refused")
    assert made.address_hash != nowhere.address_hash  # another address, another hash
