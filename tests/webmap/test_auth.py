"""Signing in and out, CSRF on every form, and what an anonymous visitor is refused."""

from __future__ import annotations

from tests.support.web import PASSWORD, csrf_token, login


def test_login_page_speaks_chinese_and_carries_a_csrf_token(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert 'lang="zh-CN"' in page.text
    assert "用户名" in page.text and "密码" in page.text and "登录" in page.text
    assert csrf_token(page.text)


def test_login_then_portal_then_logout(client):
    response = login(client, "leader1", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/portal")
    assert client.get("/portal").status_code == 200

    page = client.get("/portal")
    response = client.post("/logout", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert client.get("/portal").status_code == 302


def test_wrong_password_and_unknown_user_are_refused_alike(client):
    wrong = login(client, "leader1", "not the password")
    unknown = login(client, "nobody", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.text
    assert client.get("/portal").status_code == 302


def test_empty_form_names_the_missing_fields(client):
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 400
    assert "请输入用户名" in response.text and "请输入密码" in response.text


def test_login_post_without_csrf_token_is_refused(client):
    client.get("/login")
    response = client.post("/login", data={"username": "leader1", "password": PASSWORD})
    assert response.status_code == 400
    assert "安全令牌" in response.text
    assert client.get("/portal").status_code == 302


def test_logout_without_csrf_token_is_refused(leader):
    assert leader.post("/logout").status_code == 400
    assert leader.get("/portal").status_code == 200


def test_logout_is_not_a_get(leader):
    assert leader.get("/logout").status_code == 405
    assert leader.get("/portal").status_code == 200


def test_portal_requires_login_and_comes_back_after_it(client):
    response = client.get("/portal")
    assert response.status_code == 302
    assert "/login?next=/portal" in response.headers["Location"]
    response = login(client, "leader1", PASSWORD, next_url="/portal")
    assert response.headers["Location"].endswith("/portal")


def test_next_never_leaves_the_site(client):
    response = login(client, "leader1", PASSWORD, next_url="//evil.example/x")
    assert response.headers["Location"].endswith("/portal")


def test_root_is_the_public_map_for_anonymous_callers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'id="public-map"' in response.text and "Location" not in response.headers
    assert client.get("/portal").status_code == 302  # the leaders' map still asks to sign in


def test_api_answers_anonymous_callers_with_json_401(client):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "unauthorized", "message": "请先登录。"}}
    response = client.get("/api/v1/layers/roads?bbox=114,22.5,114.02,22.52&zoom=14")
    assert response.status_code == 401
