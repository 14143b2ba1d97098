"""Users in the browser (/admin/users, issue #20 part 1): an administrator creates a user, who signs
in with the password shown once and must change it; a taken name is refused with nothing stored;
disabling ends the user's sessions and refuses their sign-in; a reset password, signing out
everywhere and unlocking do what they say; destructive actions need 确认; an administrator cannot
lock themself out; every write is audited with its user and never a password; others get 403."""

from __future__ import annotations

import re

import pytest

from geodata.audit import AuditFilter
from geodata.model import User
from tests.support.web import PASSWORD, admin_client, csrf_token, login
from webmap import get_store

NEW_PASSWORD = "Own choice 77"


@pytest.fixture
def admin(app):
    """A client signed in as the administrator ``admin1``, and its CSRF token."""
    return admin_client(app)


def _post(admin, url: str, **form):
    client, token = admin
    return client.post(url, data={"csrf_token": token, **form})


def _create(admin, username: str, role: str = "leader", unit: str = "", panel: str = ""):
    return _post(admin, "/admin/users", username=username, role=role, unit=unit, panel=panel)


def _secret(page) -> str:
    return re.search(r'<code id="secret">([^<]+)</code>', page.text).group(1)


def _error(page) -> str:
    return re.search(r'id="form-error" role="alert">([^<]+)<', page.text).group(1)


def _user(app, username: str) -> User:
    with app.app_context():
        return get_store().get_user_by_name(username)


def _events(app, action: str) -> list:
    with app.app_context():
        return list(get_store().iter_audit_events(AuditFilter(action=action)))


def _signed_in(app, username: str, password: str):
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    return client


def test_a_new_user_signs_in_with_the_password_shown_once_and_must_change_it(app, admin):
    made = _create(admin, "cg_wang", "unit_staff", "U01")
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    password = _secret(made)
    assert "cg_wang" in made.text and "只显示一次" in made.text
    user = _user(app, "cg_wang")
    assert user.must_change_password and user.role == "unit_staff" and password not in user.password_hash
    # the list and the user's page show them, and never the password again
    listed = admin[0].get("/admin/users?q=WANG")
    assert (
        'data-username="cg_wang"' in listed.text
        and "须改密码" in listed.text
        and "城管执法局 (U01)" in listed.text
    )
    assert password not in admin[0].get(f"/admin/users/{user.id}").text
    # the new user signs in, and is sent to change the password before anything else
    client = app.test_client()
    first = login(client, "cg_wang", password)
    assert first.status_code == 302 and first.headers["Location"].endswith("/account/password")
    assert client.get("/cases").headers["Location"].endswith("/account/password")
    changed = client.post("/account/password", data={"csrf_token": csrf_token(client.get("/account/password").text),
                                                     "current": password, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})  # fmt: skip
    assert changed.status_code == 302 and client.get("/cases?status=open").status_code == 200
    (event,) = _events(app, "admin_users.create_user")
    assert (event.actor, event.object, event.result) == ("admin1", "user:cg_wang", "ok")
    assert event.detail == {"role": "unit_staff", "unit": "U01", "panel": None}
    assert password not in str(_events(app, "admin_users.create_user")) + str(_events(app, "auth.login"))


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ({"username": "LEADER1", "role": "leader"}, 409, "用户名 'LEADER1' 已被使用（已有 'leader1'）"),
        ({"username": "cg", "role": "unit_staff"}, 400, "责任单位（unit_staff）的用户必须指定单位"),
        ({"username": "cg", "role": "chief"}, 400, "未知角色 'chief'"),
        ({"username": "cg", "role": "leader", "unit": "U01"}, 400, "只有责任单位的用户"),
        ({"username": "cg", "role": "unit_staff", "unit": "U99"}, 404, "没有编码为 'U99' 的单位"),
        ({"username": "cg", "role": "leader", "panel": "npc"}, 400, "只有督查员（inspector）属于评议组"),
        ({"username": "", "role": "leader"}, 400, "用户名不能为空"),
        ({"username": "x" * 101, "role": "leader"}, 400, "最多 100 个字符"),
    ],
)
def test_a_bad_new_user_is_refused_naming_why_and_nothing_is_stored(app, admin, form, status, words):
    with app.app_context():
        before = get_store().list_users()
    answer = _post(admin, "/admin/users", **form)
    assert answer.status_code == status and words in _error(answer).replace("&#39;", "'")
    assert 'id="new-user-form"' in answer.text and '<code id="secret">' not in answer.text
    if form["username"] == "cg":
        assert 'value="cg"' in answer.text  # what was typed is kept
    with app.app_context():
        assert get_store().list_users() == before
    (event,) = _events(app, "admin_users.create_user")
    assert event.result == "refused" and event.detail["code"] in ("conflict", "invalid_input", "not_found")


def test_disabling_needs_confirming_ends_the_sessions_and_refuses_sign_in(app, admin):
    leader_id = _user(app, "leader1").id
    leader = _signed_in(app, "leader1", PASSWORD)
    unconfirmed = _post(admin, f"/admin/users/{leader_id}/disable")
    assert unconfirmed.status_code == 400 and "请勾选“确认”" in _error(unconfirmed)
    assert _user(app, "leader1").disabled_at is None and leader.get("/portal").status_code == 200
    done = _post(admin, f"/admin/users/{leader_id}/disable", confirm="yes")
    assert done.status_code == 302
    page = admin[0].get(done.headers["Location"]).text
    assert "已停用 leader1，结束了 1 个会话" in page and "已停用</span>" in page
    assert leader.get("/portal").status_code == 302  # its session is over
    assert login(app.test_client(), "leader1", PASSWORD).status_code == 403
    (event,) = _events(app, "admin_users.disable_user")[-1:]
    assert (event.object, event.result, event.detail) == ("user:leader1", "ok", {"sessions_ended": 1})
    assert _post(admin, f"/admin/users/{leader_id}/enable").status_code == 302
    assert login(app.test_client(), "leader1", PASSWORD).status_code == 302


def test_an_administrator_cannot_lock_themself_out(app, admin):
    me = _user(app, "admin1")
    page = admin[0].get(f"/admin/users/{me.id}").text
    assert 'id="user-self"' in page
    refused = _post(admin, f"/admin/users/{me.id}/disable", confirm="yes")
    assert refused.status_code == 403 and "不能停用自己的账号" in _error(refused)
    demoted = _post(admin, f"/admin/users/{me.id}", role="leader")
    assert demoted.status_code == 403 and "不能取消自己的管理员角色" in _error(demoted)
    reset = _post(admin, f"/admin/users/{me.id}/password", confirm="yes")
    assert reset.status_code == 403 and "修改密码" in _error(reset)
    assert _user(app, "admin1") == me
    # signing oneself out everywhere keeps this session
    other = _signed_in(app, "admin1", PASSWORD)
    assert _post(admin, f"/admin/users/{me.id}/sign-out", confirm="yes").status_code == 302
    assert other.get("/admin").status_code == 302 and admin[0].get("/admin").status_code == 200


def test_a_reset_password_is_shown_once_ends_the_sessions_and_must_be_changed(app, admin):
    leader_id = _user(app, "leader1").id
    leader = _signed_in(app, "leader1", PASSWORD)
    assert _post(admin, f"/admin/users/{leader_id}/password").status_code == 400  # not confirmed
    assert login(app.test_client(), "leader1", PASSWORD).status_code == 302  # nothing changed
    reset = _post(admin, f"/admin/users/{leader_id}/password", confirm="yes")
    assert reset.status_code == 200 and reset.headers["Cache-Control"] == "no-store"
    password = _secret(reset)
    assert "结束了 2 个会话" in reset.text  # the two sign-ins above
    assert leader.get("/portal").status_code == 302
    assert login(app.test_client(), "leader1", PASSWORD).status_code == 401
    client = app.test_client()
    assert login(client, "leader1", password).headers["Location"].endswith("/account/password")
    refusal, event = _events(app, "admin_users.reset_password")
    assert (refusal.result, refusal.detail["field"], event.result) == ("refused", "confirm", "ok")
    assert event.object == "user:leader1" and password not in str(event.detail)


def test_sign_out_everywhere_and_edit(app, admin, case_users):
    leader_id = _user(app, "leader1").id
    phones = [_signed_in(app, "leader1", PASSWORD) for _ in range(2)]
    assert _post(admin, f"/admin/users/{leader_id}/sign-out").status_code == 400
    assert all(p.get("/portal").status_code == 200 for p in phones)
    done = _post(admin, f"/admin/users/{leader_id}/sign-out", confirm="yes")
    assert "已结束 leader1 的 2 个会话" in admin[0].get(done.headers["Location"]).text
    assert all(p.get("/portal").status_code == 302 for p in phones)
    # an inspector becomes a residents' committee's evaluator of U02
    insp = _user(app, "insp")
    refused = _post(admin, f"/admin/users/{insp.id}", role="inspector", panel="community")
    assert refused.status_code == 400 and "必须指定单位" in _error(refused)
    assert _user(app, "insp") == insp
    saved = _post(admin, f"/admin/users/{insp.id}", role="inspector", panel="community", unit="U02")
    assert saved.status_code == 302
    changed = _user(app, "insp")
    assert (changed.panel, changed.unit_id) == ("community", case_users["U02"].id)
    (event,) = _events(app, "admin_users.edit_user")[-1:]
    assert event.detail["before"]["panel"] is None and event.detail["after"] == {
        "role": "inspector", "unit": "U02", "panel": "community"
    }  # fmt: skip


def test_unlock_after_failed_sign_ins(app, admin):
    for _ in range(5):
        assert login(app.test_client(), "leader1", "wrong password 1").status_code == 401
    assert login(app.test_client(), "Leader1 ", PASSWORD).status_code == 429  # locked, whatever the case
    leader_id = _user(app, "leader1").id
    page = admin[0].get(f"/admin/users/{leader_id}").text
    assert "已锁定</span>" in page and "锁定至" in page
    assert "已锁定" in admin[0].get("/admin/users?q=leader").text
    unlocked = _post(admin, f"/admin/users/{leader_id}/unlock")
    assert "已解除 leader1 的锁定（清除 5 次失败记录）" in admin[0].get(unlocked.headers["Location"]).text
    assert login(app.test_client(), "leader1", PASSWORD).status_code == 302


def test_the_list_searches_filters_pages_and_has_an_empty_state(app, admin, case_users):
    client = admin[0]
    page = client.get("/admin/users").text
    assert re.findall(r'data-username="([^"]+)"', page) == ["leader1", "admin1", "insp", "cg", "jj"]
    assert "共 5 人" in page and "从未登录" in page
    staff = client.get("/admin/users?role=unit_staff").text
    assert re.findall(r'data-username="([^"]+)"', staff) == ["cg", "jj"]
    assert "没有符合条件的用户" in client.get("/admin/users?q=nobody").text
    assert "第 9 页没有内容" in client.get("/admin/users?page=9").text
    for bad in ("role=chief", "q=" + "x" * 51, "page=0"):
        assert client.get(f"/admin/users?{bad}").status_code == 400, bad
    assert client.get("/admin/users/999999").status_code == 404


def test_other_roles_are_refused_everywhere(app, admin, case_users, sign_in):
    leader_id = _user(app, "leader1").id
    for name in ("leader1", "cg", "insp"):
        client = sign_in(name)
        token = csrf_token(client.get("/account/password").text)
        for url in ("/admin/users", "/admin/users/new", f"/admin/users/{leader_id}", "/admin/keys"):
            answer = client.get(url)
            assert answer.status_code == 403 and "只有管理员可以进入系统管理" in answer.text, (name, url)
        for url in ("/admin/users", f"/admin/users/{leader_id}/disable", f"/admin/users/{leader_id}/password",
                    "/admin/keys"):  # fmt: skip
            data = {"csrf_token": token, "confirm": "yes", "username": "sneaky", "role": "admin", "name": "k"}
            assert client.post(url, data=data).status_code == 403, (name, url)
    with app.app_context():
        store = get_store()
        assert "sneaky" not in [u.username for u in store.list_users()] and store.list_api_keys() == []
    assert _user(app, "leader1").disabled_at is None
