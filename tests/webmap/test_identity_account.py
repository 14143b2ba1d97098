"""身份鉴别 of one's own account: changing the password (/account/password) ends the other sessions;
a password set by someone else (create-user, set-password) is changed before anything else."""

from __future__ import annotations

import pytest

from tests.support.web import PASSWORD, csrf_token, login
from webmap import get_store

NEW = "Another pass 77"


def _change(client, current=PASSWORD, new=NEW, confirm=None):
    page = client.get("/account/password")
    data = {"current": current, "new": new, "confirm": new if confirm is None else confirm}
    return client.post("/account/password", data={**data, "csrf_token": csrf_token(page.text)})


def _copy(client, app):
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_the_account_menu_links_to_the_password_page(leader):
    assert 'href="/account/password">修改密码</a>' in leader.get("/portal").text
    page = leader.get("/account/password")
    assert page.status_code == 200 and "当前密码" in page.text and "确认新密码" in page.text


def test_the_page_needs_a_session(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login?next=/account/password" in response.headers["Location"]


def test_changing_the_password_ends_the_other_sessions_only(app, leader):
    copy, elsewhere = _copy(leader, app), app.test_client()
    login(elsewhere, "leader1", PASSWORD)
    response = _change(leader)
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal")
    assert leader.get("/portal").status_code == 200  # this session stays
    assert copy.get("/portal").status_code == 200  # (the same session)
    page = elsewhere.get("/portal", follow_redirects=True)
    assert page.request.path == "/login" and "登录已失效" in page.text
    fresh = app.test_client()
    assert login(fresh, "leader1", PASSWORD).status_code == 401
    assert login(fresh, "leader1", NEW).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong password 1", NEW, None, "当前密码不正确"),
        (PASSWORD, "abcdefgh", None, "现缺：大写字母、数字、符号（含空格）"),
        (PASSWORD, "LEADER1", None, "不能与用户名相同"),
        (PASSWORD, PASSWORD, None, "新密码不能与当前密码相同"),
        (PASSWORD, NEW, "Another pass 78", "两次输入的新密码不一致"),
        (PASSWORD, "Aa1" * 70, None, "密码最多 200 个字符"),
        ("", NEW, None, "请输入当前密码"),
    ],
)
def test_refusals_name_the_field(app, leader, current, new, confirm, message):
    response = _change(leader, current, new, confirm)
    assert response.status_code == 400 and message in response.text
    with app.app_context():
        assert get_store().get_user_by_name("leader1").password_hash.startswith(("scrypt", "pbkdf2"))
    assert login(app.test_client(), "leader1", PASSWORD).status_code == 302  # unchanged


def test_the_change_needs_the_csrf_token(leader):
    response = leader.post("/account/password", data={"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert response.status_code == 400 and "安全令牌" in response.text


def test_guessing_the_current_password_locks_like_signing_in(app, leader):
    for _ in range(5):
        assert _change(leader, current="wrong password 1").status_code == 400
    locked = _change(leader)
    assert locked.status_code == 429 and "已暂时锁定" in locked.text and locked.headers["Retry-After"]
    assert login(app.test_client(), "leader1", PASSWORD).status_code == 429


def test_a_user_created_by_an_administrator_changes_the_password_first(app, runner, client):
    result = runner.invoke(args=["create-user", "zhao", "--role", "leader", "--password", "Given pass 1"])
    assert result.exit_code == 0, result.output
    response = login(client, "zhao", "Given pass 1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    for path in ("/portal", "/cases"):
        assert client.get(path).headers["Location"].endswith("/account/password")
    api = client.get("/api/v1/units")
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "password_change_required"
    assert "请先修改密码" in api.get_json()["error"]["message"]
    form = client.get("/account/password")
    assert form.status_code == 200 and form.text.count("您的密码由管理员设置") == 1  # said once, not thrice
    assert _change(client, "Given pass 1", "Own pass 2").status_code == 302
    assert client.get("/portal").status_code == 200 and client.get("/api/v1/units").status_code == 200
    with app.app_context():
        assert get_store().get_user_by_name("zhao").must_change_password is False


def test_set_password_ends_every_session_and_asks_for_a_change(app, runner, leader):
    copy = _copy(leader, app)
    weak = runner.invoke(args=["set-password", "leader1"], input="a\na\n")
    assert weak.exit_code == 1 and "Error: 密码不符合要求：至少 8 个字符" in weak.output
    result = runner.invoke(args=["set-password", "leader1"], input="Reset pass 9\nReset pass 9\n")
    assert result.exit_code == 0 and "(1 sessions ended)" in result.output
    assert leader.get("/portal").status_code == 302 and copy.get("/api/v1/units").status_code == 401
    response = login(leader, "leader1", "Reset pass 9")
    assert response.headers["Location"].endswith("/account/password")
    missing = runner.invoke(args=["set-password", "nobody"], input="Reset pass 9\nReset pass 9\n")
    assert missing.exit_code == 1 and missing.output.startswith("Error: ")
