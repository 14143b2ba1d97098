"""The administrators' units (/admin/units, issue #20 part 2) on the small county 测试县: U01 城管执法局
leads 福华路, U02 交警大队 leads 金田路, U03 环卫所 leads 西园社区. The list, a new unit (a taken
code refused, nothing stored), editing (secrets never shown whole; two administrators on the same
version: the second is a 409 naming the fields), retiring (refused while the unit guards
something, naming it), merging (one change set, in the history), in English, for admins only."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.security import generate_password_hash

from geodata import clock
from geodata.model import User
from tests.support.english import chinese_outside, data_names, switch_language
from tests.support.web import COUNTY_CODE, PASSWORD, csrf_token, login
from webmap import get_store

TOKEN, SECRET = "tok-9f8e7d6c5b4a", "SECa1b2c3d4e5f6g7h8"
ROBOT = f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}"


@pytest.fixture
def admins(app):
    """Two administrators' clients, each signed in through the real form."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        for name in ("admin1", "admin2"):
            store.add_user(User(name, generate_password_hash(PASSWORD), "admin", county_id=county.id))
    clients = []
    for name in ("admin1", "admin2"):
        client = app.test_client()
        assert login(client, name, PASSWORD).status_code == 302
        clients.append(client)
    return clients


def _units(app) -> dict:
    with app.app_context():
        store = get_store()
        return {u.code: u for u in store.list_units(store.get_county(COUNTY_CODE).id)}


def _post(client, path: str, data: dict, page: str | None = None):
    token = csrf_token(client.get(page or path).text)
    return client.post(path, data={**data, "csrf_token": token})


def _editor_units(client) -> list[str]:
    """The units the map editor's panel offers (its options, handed to startEdit)."""
    options = re.search(r"startEdit\(\w+, (\{.*?\})\);\n", client.get("/portal/edit").text).group(1)
    return [u["code"] for u in json.loads(options)["units"]]


def _form(**fields) -> dict:
    return {"name": "", "kind": "bureau", "hotline": "", "head": "", "head_phone": "", "duty_officer": "",
            "duty_phone": "", "email": "", **fields}  # fmt: skip


def test_the_list_counts_each_units_posts_today_and_searches(admins):
    admin = admins[0]
    page = admin.get("/admin/units")
    assert page.status_code == 200
    rows = dict(re.findall(r'<tr data-code="(U0\d)".*?class="num">(\d+)</td>', page.text, re.S))
    assert rows == {"U01": "1", "U02": "1", "U03": "1"}
    found = admin.get("/admin/units?q=交警").text
    assert 'data-code="U02"' in found and 'data-code="U01"' not in found
    assert 'id="units-empty"' in admin.get("/admin/units?q=nothing-like-it").text
    assert 'id="units-empty"' in admin.get("/admin/units?state=retired").text
    assert admin.get("/admin/units?state=gone").status_code == 400
    assert 'href="/admin/units" aria-current="page"' in page.text  # its tab among the sections
    assert '<a href="/admin/units"><strong>责任单位</strong>' in admin.get("/admin").text


def test_a_new_unit_is_stored_whole_and_a_taken_code_stores_nothing(app, admins):
    admin = admins[0]
    made = _post(admin, "/admin/units/new", _form(code="SJ", name="市场监管所", head="李明", head_phone="13800000000",
                                                  email="duty@sj.example.cn"))  # fmt: skip
    assert made.status_code == 303
    unit = _units(app)["SJ"]
    assert (unit.name, unit.head, unit.head_phone, unit.version) == ("市场监管所", "李明", "13800000000", 1)
    assert "已创建单位 SJ" in admin.get(made.headers["Location"]).text
    taken = _post(admin, "/admin/units/new", _form(code="U01", name="重复的单位"))
    assert taken.status_code == 409 and "单位编码 U01 在本县区已被使用" in taken.text
    assert 'value="重复的单位"' in taken.text  # what was typed is kept to correct
    bad = _post(admin, "/admin/units/new", _form(code="XX", name="某单位", duty_phone="call me"))
    assert bad.status_code == 400 and "值班电话" in bad.text
    assert _post(admin, "/admin/units/new", _form(code="a b", name="某单位")).status_code == 400
    assert _post(admin, "/admin/units/new", _form(code="YY", name="某单位", kind="castle")).status_code == 400
    assert sorted(_units(app)) == ["SJ", "U01", "U02", "U03"]


def test_secrets_are_never_shown_whole_and_an_empty_secret_keeps_the_old_one(app, admins):
    admin = admins[0]
    unit = _units(app)["U03"]
    path = f"/admin/units/{unit.id}"
    saved = _post(admin, path, _form(name="环卫所", version="1", dingtalk_url=ROBOT, dingtalk_secret=SECRET))
    assert saved.status_code == 303
    page = admin.get(path).text
    assert TOKEN not in page and SECRET not in page
    assert "https://oapi.dingtalk.com/robot/send?…" in page and "…g7h8" in page
    again = _post(admin, path, _form(name="环卫所", version="2", duty_officer="赵六"))  # secret fields empty
    assert again.status_code == 303
    with app.app_context():
        store = get_store()
        contact = store.get_unit_contact(unit.county_id, unit.id)
    assert (contact.dingtalk_url, contact.dingtalk_secret) == (ROBOT, SECRET)
    cleared = _post(admin, path, _form(name="环卫所", version="3", clear_dingtalk="1"))
    assert cleared.status_code == 303
    with app.app_context():
        assert get_store().get_unit_contact(unit.county_id, unit.id).dingtalk_secret == ""
    wrong = _post(admin, path, _form(name="环卫所", version="4", wecom_url="ftp://example.cn/hook"))
    assert wrong.status_code == 400 and "机器人地址须为 http://" in wrong.text


def test_two_administrators_on_one_version_the_second_is_told_what_differs(app, admins):
    first, second = admins
    unit = _units(app)["U03"]
    path = f"/admin/units/{unit.id}"
    token = csrf_token(second.get(path).text)  # the second opens the page at version 1 …
    assert _post(first, path, _form(name="环卫站", version="1")).status_code == 303  # … the first saves
    late = second.post(
        path, data={**_form(name="环卫所", duty_officer="钱七", version="1"), "csrf_token": token}
    )
    assert late.status_code == 409
    assert "已被他人修改" in late.text and "第 1 版" in late.text and "第 2 版" in late.text
    stale = re.search(r'<table class="case-table unit-stale".*?</table>', late.text, re.S).group(0)
    assert "单位名称" in stale and "值班员" in stale and "环卫站" in stale and "钱七" in stale
    assert 'name="version" value="2"' in late.text  # the page as it is now, to redo the change on
    kept = _units(app)["U03"]
    assert (kept.name, kept.duty_officer, kept.version) == ("环卫站", "", 2)


def test_a_unit_guarding_something_is_not_retired_and_a_retired_one_is_offered_no_more(app, admins):
    admin = admins[0]
    units = _units(app)
    path = f"/admin/units/{units['U01'].id}"
    today = clock.today().isoformat()
    unticked = _post(admin, f"{path}/retire", {"version": "1", "on": today}, page=path)
    assert unticked.status_code == 400 and "请先勾选" in unticked.text
    refused = _post(admin, f"{path}/retire", {"version": "1", "on": today, "confirm": "1"}, page=path)
    assert refused.status_code == 409 and "福华路（路段 #" in refused.text and "1 处责任" in refused.text
    assert _units(app)["U01"].retired_at is None
    assert _post(admin, "/admin/units/new", _form(code="LS", name="临时专班")).status_code == 303
    spare = _units(app)["LS"]
    later = (clock.today() + timedelta(days=1)).isoformat()
    assert _post(admin, f"/admin/units/{spare.id}/retire", {"version": "1", "on": later, "confirm": "1"},
                 page=f"/admin/units/{spare.id}").status_code == 400  # fmt: skip
    done = _post(admin, f"/admin/units/{spare.id}/retire", {"version": "1", "on": today, "confirm": "1"},
                 page=f"/admin/units/{spare.id}")  # fmt: skip
    assert done.status_code == 303 and _units(app)["LS"].retired_at is not None
    assert f"已于 {today} 撤销" in admin.get(f"/admin/units/{spare.id}").text
    assert 'data-code="LS"' in admin.get("/admin/units?state=retired").text
    assert _editor_units(admin) == ["U01", "U02", "U03"]  # the editor offers it no post
    token = re.search(r'name="csrf-token" content="([^"]+)"', admin.get("/portal").text).group(1)
    posting = {"unit": "LS", "road": "无人路", "valid_from": today, "reason": "试试"}
    answer = admin.post("/api/v1/postings", json=posting, headers={"X-CSRFToken": token})
    assert answer.status_code == 409 and answer.get_json()["error"]["field"] == "unit"
    with app.app_context():
        case = get_store().list_incidents(spare.county_id, limit=1)[0]
    dispatch = {"action": "dispatch", "unit": "LS"}
    answer = admin.post(f"/api/v1/incidents/{case.id}/actions", json=dispatch, headers={"X-CSRFToken": token})
    assert answer.status_code == 409 and "LS" in answer.get_json()["error"]["message"]
    offered = admin.get(f"/cases/{case.id}").text
    assert 'value="U02"' in offered and 'value="LS"' not in offered  # nor is it offered a case


def test_a_merge_is_reviewed_then_confirmed_and_is_one_change_set_in_the_history(app, admins):
    admin = admins[0]
    units = _units(app)
    merge = f"/admin/units/{units['U01'].id}/merge"
    today = clock.today().isoformat()
    form = admin.get(merge).text
    assert 'value="U02"' in form and 'value="U01"' not in form  # never into itself
    assert (
        _post(admin, merge, {"into": "U01", "on": today, "version": "1", "reason": "合并"}).status_code == 400
    )
    review = _post(admin, merge, {"into": "U02", "on": today, "version": "1", "reason": "机构改革"})
    assert review.status_code == 200 and "福华路" in review.text and 'id="merge-confirm-box"' in review.text
    assert _units(app)["U01"].retired_at is None  # a review writes nothing
    unticked = _post(
        admin, merge, {"into": "U02", "on": today, "version": "1", "reason": "机构改革", "step": "confirm"}
    )
    assert unticked.status_code == 400 and _units(app)["U01"].retired_at is None
    done = _post(
        admin, merge, {"into": "U02", "on": today, "version": "1", "reason": "机构改革", "confirm": "1"}
    )
    assert done.status_code == 303
    merged = _units(app)["U01"]
    assert merged.retired_by is not None
    assert f"#{merged.retired_by}" in admin.get(done.headers["Location"]).text
    history = admin.get("/portal/change-sets").text
    assert "机构改革" in history and f"/portal/change-sets/{merged.retired_by}" in history
    diff = admin.get(f"/portal/change-sets/{merged.retired_by}")
    assert diff.status_code == 200 and "福华路" in diff.text and "交警大队" in diff.text
    assert _post(admin, "/admin/units/new", _form(code="KB", name="空白单位")).status_code == 303
    empty = f"/admin/units/{_units(app)['KB'].id}/merge"
    nothing = _post(
        admin, empty, {"into": "U02", "on": today, "version": "1", "reason": "撤并", "confirm": "1"}
    )
    assert nothing.status_code == 303 and _units(app)["KB"].retired_by is not None  # a merge of no post
    assert admin.get(f"/portal/change-sets/{_units(app)['KB'].retired_by}").status_code == 200
    again = _post(
        admin, merge, {"into": "U02", "on": today, "version": "2", "reason": "再来", "confirm": "1"}
    )
    assert again.status_code == 409  # a retired unit is not merged twice
    into_retired = f"/admin/units/{units['U03'].id}/merge"
    answer = _post(
        admin, into_retired, {"into": "U01", "on": today, "version": "1", "reason": "x", "confirm": "1"}
    )
    assert answer.status_code == 409 and "已于" in answer.text


def test_the_unit_pages_are_english_on_english_pages(app, admins):
    admin = admins[0]
    switch_language(admin, "en")
    unit = _units(app)["U01"]
    with app.app_context():
        store = get_store()
        names = data_names(store, unit.county_id)
    for path in ("/admin/units", "/admin/units/new", f"/admin/units/{unit.id}", f"/admin/units/{unit.id}/merge",
                 "/admin/units?q=zzz"):  # fmt: skip
        page = admin.get(path)
        assert page.status_code == 200, path
        assert chinese_outside(page.text, names) == [], path
    assert 'href="/admin/units" aria-current="page"' in admin.get(f"/admin/units/{unit.id}").text  # its tab
    review = _post(admin, f"/admin/units/{unit.id}/merge", {"into": "U02", "on": clock.today().isoformat(),
                                                            "version": "1", "reason": "reorganised"})  # fmt: skip
    assert review.status_code == 200 and "pass to" in review.text
    assert chinese_outside(review.text, names | {"福华路"}) == []
    stale = _post(admin, f"/admin/units/{unit.id}", _form(name="城管局", version="7"))
    assert stale.status_code == 409 and "was changed by someone else" in stale.text
    assert chinese_outside(stale.text, names | {"城管局"}) == []
    refused = _post(admin, f"/admin/units/{unit.id}/retire", {"version": "1", "on": clock.today().isoformat(),
                                                              "confirm": "1"}, page=f"/admin/units/{unit.id}")  # fmt: skip
    assert refused.status_code == 409 and "still has 1 posts in force" in refused.text
    assert chinese_outside(refused.text, names | {"福华路"}) == []


def test_other_roles_are_refused_every_unit_page(app, leader):
    unit = _units(app)["U01"]
    token = re.search(r'name="csrf-token" content="([^"]+)"', leader.get("/portal").text).group(1)
    for path in (
        "/admin/units",
        "/admin/units/new",
        f"/admin/units/{unit.id}",
        f"/admin/units/{unit.id}/merge",
    ):
        assert leader.get(path).status_code == 403, path
    for path in ("/admin/units/new", f"/admin/units/{unit.id}", f"/admin/units/{unit.id}/retire"):
        assert leader.post(path, data={**_form(code="ZZ", name="x"), "csrf_token": token}).status_code == 403
    assert "ZZ" not in _units(app)


def test_the_edits_are_in_the_audit_log_without_their_secrets(app, admins):
    admin = admins[0]
    unit = _units(app)["U02"]
    _post(
        admin,
        f"/admin/units/{unit.id}",
        _form(name="交警大队", version="1", dingtalk_url=ROBOT, dingtalk_secret=SECRET),
    )
    log = admin.get("/admin/audit?action=admin_units.unit_page").text
    assert "unit:U02" in log and TOKEN not in log and SECRET not in log


FIELDS = ["code", "name", "kind", "hotline", "head_phone", "email", "wecom_url", "dingtalk_url", "dingtalk_secret",
          "version", "on", "confirm", "into", "reason", "step", "back", "clear_dingtalk"]  # fmt: skip
hostile = st.one_of(
    st.sampled_from(["", " ", "1", "0", "-1", "2**31", "9" * 30, "9999-12-31", "0001-01-01", "U01", "U02",
                     "bureau", "x" * 700, "<script>", "\u202e", "%00"]),
    st.text(max_size=12),
)  # fmt: skip


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(data=st.data())
def test_hostile_forms_never_get_a_5xx(app, admins, data):
    admin = admins[0]
    unit = _units(app)["U03"]
    path = data.draw(st.sampled_from(["/admin/units/new", f"/admin/units/{unit.id}", f"/admin/units/{unit.id}/retire",
                                      f"/admin/units/{unit.id}/merge"]))  # fmt: skip
    fields = data.draw(st.dictionaries(st.sampled_from(FIELDS), hostile, max_size=6))
    token = csrf_token(admin.get(f"/admin/units/{unit.id}").text)
    answer = admin.post(path, data={**fields, "csrf_token": token})
    assert answer.status_code < 500, (path, fields, answer.text[:300])
