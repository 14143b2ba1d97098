"""身份鉴别 at the door: failures lock an account and throttle an address; a session is a server
record that really ends (logout, idle, age), whatever copies of the cookie exist."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask_login.utils import encode_cookie

from geodata.cases.public_reports import client_key
from tests.support.web import PASSWORD, csrf_token, login
from webmap import get_store
from webmap.views.account import auth

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in the county


class Clock:
    """The fake clock behind ``webmap.views.account.auth.now``."""

    def __init__(self):
        self.at = T0

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(auth, "now", lambda: clock.at)
    return clock


def _sessions(app, username="leader1", open_only=True):
    with app.app_context():
        store = get_store()
        return store.list_user_sessions(store.get_user_by_name(username).id, open_only=open_only)


def _copy(client, app):
    """A second client carrying the same session cookie (a stolen or copied cookie)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


# -- failures ----------------------------------------------------------------------------------
def test_five_failures_lock_the_account_even_for_the_right_password(client, clock):
    for _ in range(5):
        assert login(client, "leader1", "wrong password 1").status_code == 401
        clock.advance(minutes=1)
    locked = login(client, "leader1", PASSWORD)
    assert locked.status_code == 429
    assert "已暂时锁定" in locked.text and "09:19（北京时间）" in locked.text  # the 5th failure + 15 min
    assert int(locked.headers["Retry-After"]) == 15 * 60 - 60
    assert client.get("/portal").status_code == 302

    clock.advance(minutes=14, seconds=1)  # 09:19:01: open again
    assert login(client, "leader1", PASSWORD).status_code == 302
    assert client.get("/portal").status_code == 200


def test_unknown_names_are_counted_and_answered_alike(client, clock):
    answers = [login(client, name, "wrong password 1") for name in ("leader1", "nobody")]
    assert {a.status_code for a in answers} == {401}
    assert all("用户名或密码不正确" in a.text for a in answers)
    for _ in range(4):
        login(client, "leader1", "wrong password 1")
        login(client, "nobody", "wrong password 1")
    known, unknown = login(client, "leader1", "x y z 1"), login(client, "nobody", "x y z 1")
    assert known.status_code == unknown.status_code == 429
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]
    assert "已暂时锁定" in unknown.text


def test_a_right_password_resets_the_count(client, clock):
    for _ in range(2):
        for _ in range(4):
            assert login(client, "leader1", "wrong password 1").status_code == 401
        assert login(client, "leader1", PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/portal").text)})
    assert login(client, "leader1", "wrong password 1").status_code == 401  # the 9th: still not locked


def test_one_address_is_throttled_across_accounts(app, clock):
    client = app.test_client()
    for i in range(20):
        assert login(client, f"user{i}", "wrong password 1").status_code == 401
    refused = login(client, "leader1", PASSWORD)
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.text and 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert login(elsewhere, "leader1", PASSWORD).status_code == 302


def test_the_address_limit_is_a_setting(app, clock, monkeypatch):
    settings = app.extensions["portal_settings"]
    monkeypatch.setitem(app.extensions, "portal_settings", replace(settings, login_address_max_failures=3))
    client = app.test_client()
    for i in range(3):
        assert login(client, f"user{i}", "wrong password 1").status_code == 401
    assert login(client, "leader1", PASSWORD).status_code == 429


def test_failures_are_kept_by_name_and_address_hash(app, clock):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    login(client, "LEADER1 ", "wrong password 1")
    with app.app_context():
        store = get_store()
        assert len(store.login_failures(T0, username="leader1")) == 1  # trimmed and case-folded
        assert store.login_failures(T0, client="203.0.113.7") == []  # never the address itself
        assert len(store.login_failures(T0, client=client_key("203.0.113.7", app.secret_key))) == 1


@pytest.mark.parametrize("password", ["", "x" * 10_000])
def test_empty_and_huge_passwords_are_refused_without_hashing(client, monkeypatch, password):
    def no_hashing(*args):
        raise AssertionError("a refused form must not be hashed")

    monkeypatch.setattr("geodata.accounts.credentials.check_password_hash", no_hashing)
    response = login(client, "leader1", password)
    assert response.status_code == 400
    assert ("请输入密码" if not password else "密码最多 200 个字符") in response.text


# -- sessions ----------------------------------------------------------------------------------
def test_each_sign_in_is_a_new_server_session(app, client, clock):
    before = client.get("/login") and client.get_cookie("session").value
    login(client, "leader1", PASSWORD)
    assert client.get_cookie("session").value != before
    second = app.test_client()
    login(second, "leader1", PASSWORD)
    (newer, older) = _sessions(app)
    assert newer.id != older.id and len(newer.id) == 64  # a SHA-256, not the token
    assert newer.created_at == T0 and newer.client and newer.user_agent.startswith("Werkzeug")


def test_a_copied_cookie_is_dead_after_logout(app, client, clock):
    login(client, "leader1", PASSWORD)
    copy = _copy(client, app)
    assert copy.get("/portal").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/portal").text)})
    assert copy.get("/portal").status_code == 302
    assert copy.get("/api/v1/units").status_code == 401
    assert _sessions(app, open_only=False)[0].end_reason == "logout"


def test_an_idle_session_is_signed_out(app, client, clock):
    login(client, "leader1", PASSWORD)
    clock.advance(minutes=20)
    assert client.get("/portal").status_code == 200  # used: idle time starts again
    clock.advance(minutes=29)
    assert client.get("/portal").status_code == 200
    copy = _copy(client, app)
    clock.advance(minutes=31)
    page = client.get("/portal", follow_redirects=True)
    assert page.request.path == "/login" and "登录已超时，请重新登录" in page.text
    api = copy.get("/api/v1/units")
    assert api.status_code == 401 and api.get_json()["error"]["message"] == "登录已超时，请重新登录。"
    assert _sessions(app, open_only=False)[0].end_reason == "idle"


def test_a_session_ends_after_its_maximum_age_however_busy(app, client, clock):
    login(client, "leader1", PASSWORD)
    for _ in range(12 * 3 - 1):
        clock.advance(minutes=20)
        assert client.get("/api/v1/units").status_code == 200
    clock.advance(minutes=20)  # 12 h after sign-in
    assert client.get("/api/v1/units").status_code == 401
    assert _sessions(app, open_only=False)[0].end_reason == "expired"


def test_last_seen_is_written_at_most_once_a_minute(app, client, clock):
    login(client, "leader1", PASSWORD)
    clock.advance(seconds=59)
    for _ in range(5):
        assert client.get("/api/v1/units").status_code == 200
    assert _sessions(app)[0].last_seen_at == T0
    clock.advance(seconds=1)
    client.get("/api/v1/units")
    assert _sessions(app)[0].last_seen_at == T0 + timedelta(minutes=1)


def test_a_remember_cookie_signs_no_one_in(app, clock):
    with app.app_context():
        user_id = get_store().get_user_by_name("leader1").id
    with app.test_request_context():
        remember = encode_cookie(str(user_id))
    client = app.test_client()
    client.set_cookie("remember_token", remember)
    assert client.get("/portal").status_code == 302
    assert client.get("/api/v1/units").status_code == 401


def test_a_disabled_user_is_signed_out_and_kept_out(app, client, runner, clock):
    login(client, "leader1", PASSWORD)
    result = runner.invoke(args=["disable-user", "leader1"])
    assert result.exit_code == 0 and "leader1 disabled (1 sessions ended)" in result.output
    assert client.get("/portal").status_code == 302
    refused = login(client, "leader1", PASSWORD)
    assert refused.status_code == 403 and "该账号已停用" in refused.text
    assert login(client, "leader1", "wrong password 1").status_code == 401  # says nothing more
    assert runner.invoke(args=["enable-user", "leader1"]).exit_code == 0
    assert login(client, "leader1", PASSWORD).status_code == 302


def test_sign_out_everywhere(app, runner, clock):
    clients = [app.test_client() for _ in range(2)]
    for c in clients:
        login(c, "leader1", PASSWORD)
    result = runner.invoke(args=["sign-out-everywhere", "leader1"])
    assert result.exit_code == 0 and "2 sessions of leader1 ended" in result.output
    assert [c.get("/portal").status_code for c in clients] == [302, 302]
    page = clients[0].get("/portal", follow_redirects=True)
    assert "登录已失效" in page.text
    assert runner.invoke(args=["sign-out-everywhere", "nobody"]).output.startswith("Error: ")


# -- the audit log -------------------------------------------------------------------------------
def _audit(app, action):
    from geodata.audit import AuditFilter

    with app.app_context():
        events = get_store().iter_audit_events(AuditFilter(action=action))
        return [(e.actor, e.object, e.result, e.detail) for e in events]


def test_identity_events_reach_the_audit_log(app, client, runner, clock):
    for _ in range(5):
        login(client, "leader1", "wrong password 1")
    login(client, "leader1", PASSWORD)
    clock.advance(minutes=16)
    login(client, "leader1", PASSWORD)
    copy = _copy(client, app)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/portal").text)})
    copy.get("/portal")
    login(client, "leader1", PASSWORD)
    clock.advance(minutes=31)
    client.get("/portal")
    assert runner.invoke(args=["sign-out-everywhere", "leader1"]).exit_code == 0

    logins = _audit(app, "auth.login")
    assert logins[:5] == [("leader1", "user:leader1", "refused", {"reason": "bad_credentials"})] * 5
    assert logins[5:] == [
        ("leader1", "user:leader1", "refused", {"reason": "account_locked"}),
        ("leader1", "user:leader1", "ok", {}),
        ("leader1", "user:leader1", "ok", {}),
    ]
    assert _audit(app, "auth.account_locked") == [("leader1", "user:leader1", "ok", {"minutes": 15.0})]
    assert _audit(app, "auth.logout") == [("leader1", "user:leader1", "ok", {})]
    assert _audit(app, "auth.session_expired") == [("leader1", "user:leader1", "ok", {"reason": "idle"})]
    (ended,) = _audit(app, "cli.sign-out-everywhere")
    assert ended[0].startswith("cli:") and ended[3]["sessions_ended"] == 0
