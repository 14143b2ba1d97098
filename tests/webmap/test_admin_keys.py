"""API keys in the browser (/admin/keys, issue #20 part 1), and the account pages in English and
under hostile forms: a key made on the page works as X-API-Key and shows when it was last used; a
revoked key is refused at once; revoking needs 确认; the pages carry no Chinese but the data's on an
English page; no form input gets a 5xx."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.audit import AuditFilter
from scripts.bench import fuzz
from tests.support.english import chinese_outside, data_names, switch_language
from tests.support.web import COUNTY_CODE, admin_client
from webmap import get_store


@pytest.fixture
def admin(app):
    return admin_client(app)


def _post(admin, url: str, **form):
    client, token = admin
    return client.post(url, data={"csrf_token": token, **form})


def _key_row(page: str, name: str) -> str:
    return re.search(rf'<tr data-key="{name}".*?</tr>', page, re.S).group(0)


def test_a_key_made_on_the_page_works_shows_its_last_use_and_is_revoked(app, admin):
    client = admin[0]
    assert "还没有 API key" in client.get("/admin/keys").text
    made = _post(admin, "/admin/keys", name="城管大屏", role="unit_staff", unit="U01")
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    key = re.search(r'<code id="secret">([^<]+)</code>', made.text).group(1)
    row = _key_row(client.get("/admin/keys").text, "城管大屏")
    assert "从未使用" in row and "城管执法局 (U01)" in row and "责任单位" in row and key not in row
    assert app.test_client().get("/api/v1/layers", headers={"X-API-Key": key}).status_code == 200
    row = _key_row(client.get("/admin/keys").text, "城管大屏")
    assert "从未使用" not in row and re.search(r'class="last-used">\d{4}-\d\d-\d\d \d\d:\d\d<', row)
    with app.app_context():
        (stored,) = get_store().list_api_keys()
    assert stored.last_used_at is not None and key not in stored.key_hash
    # revoking needs 确认, then the key is refused at once
    refused = _post(admin, f"/admin/keys/{stored.id}/revoke")
    assert refused.status_code == 400 and "请勾选“确认”" in refused.text
    assert app.test_client().get("/api/v1/layers", headers={"X-API-Key": key}).status_code == 200
    done = _post(admin, f"/admin/keys/{stored.id}/revoke", confirm="yes")
    assert done.status_code == 302 and "已停用 API key “城管大屏”" in client.get("/admin/keys").text
    assert app.test_client().get("/api/v1/layers", headers={"X-API-Key": key}).status_code == 401
    again = _post(admin, f"/admin/keys/{stored.id}/revoke", confirm="yes")
    assert again.status_code == 409 and "已于此前停用" in again.text
    assert _post(admin, "/admin/keys/999999/revoke", confirm="yes").status_code == 404
    with app.app_context():
        events = list(get_store().iter_audit_events(AuditFilter(actor="admin1")))
    made_event = next(e for e in events if e.action == "admin_keys.create_key")
    assert (made_event.object, made_event.detail) == (
        "api_key:城管大屏",
        {"role": "unit_staff", "unit": "U01"},
    )
    assert [e.result for e in events if e.action == "admin_keys.revoke_key"] == [
        "refused",
        "ok",
        "refused",
        "refused",
    ]
    assert key not in str([e.detail for e in events])


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ({"name": "城管大屏", "role": "unit_staff"}, 400, "必须指定单位"),
        ({"name": "大屏", "role": "leader", "unit": "U01"}, 400, "只有责任单位"),
        ({"name": "", "role": "leader"}, 400, "API key 需要名称"),
        ({"name": "大屏", "role": "chief"}, 400, "未知角色"),
        ({"name": "已有", "role": "leader"}, 409, "已存在"),
    ],
)
def test_a_bad_key_is_refused_and_none_is_made(app, admin, form, status, words):
    assert _post(admin, "/admin/keys", name="已有", role="leader").status_code == 200
    answer = _post(admin, "/admin/keys", **form)
    assert answer.status_code == status and words in answer.text and '<code id="secret">' not in answer.text
    with app.app_context():
        assert [k.name for k in get_store().list_api_keys()] == ["已有"]


def test_the_account_pages_are_in_english(app, admin):
    client = admin[0]
    switch_language(client, "en")
    made = _post(admin, "/admin/users", username="wang", role="inspector", panel="npc")
    key = _post(admin, "/admin/keys", name="screen", role="leader")
    duplicate = _post(admin, "/admin/users", username="wang", role="leader")
    with app.app_context():
        store = get_store()
        names = data_names(store, store.get_county(COUNTY_CODE).id)
        wang = store.get_user_by_name("wang").id
    assert "NPC deputies" in client.get("/admin/users").text
    assert duplicate.status_code == 409 and "The username &#39;wang&#39; is already taken" in duplicate.text
    pages = {"made": made, "key": key, "duplicate": duplicate}
    for url in ("/admin", "/admin/users", "/admin/users/new", f"/admin/users/{wang}", "/admin/keys",
                "/admin/users?q=nobody"):  # fmt: skip
        pages[url] = client.get(url)
    for what, page in pages.items():
        assert page.status_code < 500 and chinese_outside(page.text, names) == [], what
    assert "Users" in pages["/admin"].text and "API keys" in pages["/admin"].text


# -- hostile forms ---------------------------------------------------------------------------------
FORMS = [
    "/admin/users", "/admin/users/{id}", "/admin/users/{id}/disable", "/admin/users/{id}/enable",
    "/admin/users/{id}/password", "/admin/users/{id}/sign-out", "/admin/users/{id}/unlock", "/admin/keys",
    "/admin/keys/{id}/revoke",
]  # fmt: skip
FIELDS = ["username", "role", "unit", "panel", "name", "confirm", "q", "page"]
values = st.one_of(
    st.sampled_from(fuzz.TEXTS + ["leader", "unit_staff", "inspector", "admin", "community", "npc", "yes"]),
    st.text(max_size=12),
)


@settings(
    max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(data=st.data())
def test_no_form_input_gets_a_5xx(app, admin, data):
    path = data.draw(st.sampled_from(FORMS)).replace(
        "{id}", data.draw(st.sampled_from(["1", "2", "3", "999999"]))
    )
    form = data.draw(st.dictionaries(st.sampled_from(FIELDS), values, max_size=5))
    client, token = admin
    body = fuzz.query([("csrf_token", token), *form.items()])  # lone surrogates too, as a client may send
    answer = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code < 500, (path, form, answer.text[:300])
    if answer.status_code == 200:  # a user or key was made: the secret is shown once
        assert '<code id="secret">' in answer.text
