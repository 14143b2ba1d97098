"""English on staff pages (issue #17 part 6): each person's language is remembered, ``?lang=``
still wins for one page, public pages follow their URL only, and an English page carries no
Chinese but the data's names. The pages moved so far: the top bar, signing in, the account page
and the error pages."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.security import generate_password_hash

from geodata import audit as audit_log
from geodata.model import Assignment, ChangeSet, User
from tests.support.english import chinese_outside, script_texts, switch_language
from tests.support.web import COUNTY_CODE, PASSWORD, csrf_token, login
from webmap import get_store

# Moved to both languages so far (the rest of the staff pages follow, a group at a time).
ENGLISH_PAGES = (
    "/account/password",
    "/no-such-page",
    "/login?lang=en",
    "/admin/audit",
    "/admin/audit?page=9",
    "/admin/audit?since=2026-02-01&until=2026-01-01",
    "/portal/change-sets",
    "/field",
)


@pytest.fixture
def names(app) -> set[str]:
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        change = store.add_change_set(
            ChangeSet(county.id, "王科长", "年中调整", datetime(2026, 6, 1, tzinfo=UTC))
        )
        unit = store.list_units(county.id)[0]
        segment = store.list_segments(county.id)[0]
        store.assign(Assignment(county.id, unit.id, "segment", segment.id, "lead", change.created_at,
                                change_set_id=change.id))  # fmt: skip
        return {county.name, change.author, change.reason}


def test_a_person_chooses_english_and_it_is_remembered(app, client, names):
    login(client, "leader1", PASSWORD)
    page = client.get("/cases").text  # a page with the top bar and its switch
    assert 'lang="zh-CN"' in page and ">English</button>" in page and "修改密码" in page
    answer = switch_language(client, "en", "/account/password?x=1")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/account/password?x=1")
    page = client.get("/account/password").text  # no ?lang: the remembered choice
    assert '<html lang="en">' in page and "Change password" in page and chinese_outside(page, names) == []
    assert ">中文</button>" in client.get("/cases").text
    assert 'lang="zh-CN"' in client.get("/account/password?lang=zh").text  # the URL wins for a page
    assert 'lang="zh-CN"' in client.get("/").text  # a public page follows its URL only (cached)
    other = app.test_client()  # the choice is the person's, wherever they sign in
    login(other, "leader1", PASSWORD)
    assert '<html lang="en">' in other.get("/account/password").text
    with app.app_context():
        store = get_store()
        assert store.get_user_by_name("leader1").lang == "en"
        (event,) = [e for e in store.list_audit_events(_filter("account.language"))]
        assert event.actor == "leader1" and event.detail["lang"] == "en"
    switch_language(client, "zh")
    assert 'lang="zh-CN"' in client.get("/account/password").text


def test_a_bad_choice_or_a_far_next_is_refused_or_ignored(client):
    login(client, "leader1", PASSWORD)
    bad = switch_language(client, "fr")
    assert bad.status_code == 400 and "语言 &#39;fr&#39; 无效" in bad.text
    away = switch_language(client, "en", "//evil.example/x")
    assert away.status_code == 302 and "evil" not in away.headers["Location"]  # back to the landing page


@pytest.mark.parametrize("path", ENGLISH_PAGES)
def test_english_pages_have_no_chinese_but_the_datas_names(app, client, names, path):
    with app.app_context():
        store = get_store()
        store.add_user(
            User("root", generate_password_hash(PASSWORD), "admin", store.get_county(COUNTY_CODE).id)
        )
        for n in range(60):  # two pages of the audit log: its pager shows
            audit_log.record(store, "root", "test.row", f"#{n}")
    login(client, "root", PASSWORD)
    switch_language(client, "en")
    if path.startswith("/login"):
        out = client.post("/logout", data={"csrf_token": csrf_token(client.get("/account/password").text)})
        assert out.headers["Location"].endswith("/login?lang=en")  # signed out in English
    page = client.get(path)
    assert page.status_code in (200, 400, 404)
    assert chinese_outside(page.text, names) == [], path
    if path == "/field":  # the outbox's script gets its texts in English too
        texts = script_texts(page.text)
        assert texts["offline"].startswith("No network") and "{n}" in texts["sent"]
    if path == "/portal/change-sets":
        assert "Changes of responsibility" in page.text and "in force" in page.text
    if path == "/admin/audit":
        assert ">Next</a>" in page.text and "Security audit log" in page.text
    if "until" in path:
        assert page.status_code == 400 and "until is before since" in page.text


def test_english_sign_in_messages(client):
    away = client.get("/portal?lang=en")  # signed out: sent to sign in, in the page's language
    query = parse_qs(urlsplit(away.headers["Location"]).query)
    assert away.status_code == 302 and query["lang"] == ["en"] and query["next"] == ["/portal?lang=en"]
    assert "Please sign in first" in client.get(away.headers["Location"]).text
    page = client.get("/login?lang=en")
    answer = client.post("/login?lang=en", data={"username": "leader1", "password": "wrong one",
                                                 "csrf_token": csrf_token(page.text)})  # fmt: skip
    assert answer.status_code == 401 and "Wrong user name or password." in answer.text
    assert (
        "Enter your password"
        in client.post(
            "/login?lang=en",
            data={"username": "leader1", "password": "", "csrf_token": csrf_token(page.text)},
        ).text
    )


def _filter(action: str):
    from geodata.audit import AuditFilter

    return AuditFilter(action=action)
