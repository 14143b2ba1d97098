"""The case categories in the browser (/admin/categories, issue #20 part 3): listed with every field
and their case counts, created (a code taken is refused), edited under a version check (409 for the
second of two administrators), a changed deadline given to the next case and not an old one,
retired behind a checkbox (filing under it refused, old cases keep it), no deleting, audited,
administrators only, and English pages in English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from geodata.audit import AuditFilter
from tests.support.admin import people
from tests.support.english import chinese_outside
from tests.support.web import COUNTY_CODE
from webmap import get_store

NEW = {"code": "illegal_stall", "name_zh": "违规摊点", "name_en": "Illegal stall", "deadline_hours": "8",
       "deadline_kind": "working", "public": "1", "sort": "20", "cc_class": "event", "cc_code": "0203"}  # fmt: skip


@pytest.fixture
def who(app):
    return people(app)


def _category(app, code: str):
    with app.app_context():
        return get_store().get_category(code)


def _row(page: str, code: str) -> str:
    return re.search(rf'<tr data-code="{code}".*?</tr>', page, re.S).group(0)


def test_the_list_shows_every_field_and_how_many_cases_use_each(who):
    page = who["admin1"].get("/admin/categories")
    assert page.status_code == 200
    parking = _row(page.text, "parking")
    assert "乱停车" in parking and "Illegal parking" in parking and "2 小时 · 自然时" in parking
    assert ">17<" in parking and "使用中" in parking and "五项整治" in parking  # 17 of the 35 cases
    staff = _row(page.text, "staff_conduct")
    assert "仅内部" in staff and ">0<" in staff
    table = re.search(r'<table[^>]*id="categories".*?</table>', page.text, re.S).group(0)
    assert "删除" not in table and "delete" not in table.lower()  # never offered


def test_a_new_category_is_created_and_a_taken_code_refused(app, who):
    admin = who["admin1"]
    answer = admin.post("/admin/categories", **NEW)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/admin/categories")
    made = _category(app, "illegal_stall")
    assert (made.name_zh, made.deadline_hours, made.deadline_kind, made.cc_class, made.cc_code) == (
        "违规摊点", 8, "working", "event", "0203"
    )  # fmt: skip
    assert "已新增问题类别“违规摊点”" in admin.get("/admin/categories").text
    again = admin.post("/admin/categories", **{**NEW, "name_zh": "另一个"})
    assert again.status_code == 409
    assert "类别编码 illegal_stall 已被使用" in again.text
    assert 'value="另一个"' in again.text  # what was typed comes back
    assert _category(app, "illegal_stall").name_zh == "违规摊点"


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"code": "Bad Code"}, 400, "类别编码 &#39;Bad Code&#39; 无效"),
        ({"deadline_hours": "abc"}, 400, "处置时限（小时）：应为整数"),
        ({"deadline_hours": "99999999999999"}, 400, "应为整数"),
        ({"deadline_hours": "0"}, 400, "处置时限应为 1 至 8760 小时"),
        ({"name_en": "摊点"}, 400, "英文名称含有中文"),
        ({"cc_class": "thing"}, 400, "未知的部件/事件分类"),
        ({"name_zh": "<script>alert(1)</script>" * 3}, 400, "中文名称过长"),
    ],
)
def test_a_bad_field_is_refused_beside_it_and_nothing_is_stored(app, who, change, status, words):
    before = len(_all(app))
    answer = who["admin1"].post("/admin/categories", **{**NEW, **change})
    assert answer.status_code == status and words in answer.text
    assert 'class="field-error"' in answer.text and "<script>alert" not in answer.text
    assert len(_all(app)) == before


def _all(app):
    with app.app_context():
        return get_store().list_categories()


def test_an_edit_is_saved_and_audited_with_what_changed(app, who):
    admin = who["admin1"]
    fields = admin.form("/admin/categories/parking", "category-form")
    assert fields["version"] == "1" and fields["deadline_hours"] == "2" and fields["public"] == "1"
    fields.update(name_en="Parked where not allowed", cc_class="event", cc_code="0301")
    fields.pop("public")  # unticked: internal only
    assert admin.post("/admin/categories/parking", **fields).status_code == 302
    saved = _category(app, "parking")
    assert (saved.name_en, saved.public, saved.cc_code, saved.version) == (
        "Parked where not allowed",
        False,
        "0301",
        2,
    )
    with app.app_context():
        (event,) = get_store().iter_audit_events(AuditFilter(action="admin_categories.save"))
    assert event.actor == "admin1" and event.object == "category:parking"
    assert event.detail["changed"]["public"] == [True, False] and event.detail["version"] == 2


def test_two_administrators_editing_the_same_category_the_second_gets_409(app, who):
    first = who["admin1"].form("/admin/categories/posters", "category-form")
    second = who["admin2"].form("/admin/categories/posters", "category-form")
    assert (
        who["admin1"].post("/admin/categories/posters", **{**first, "deadline_hours": "12"}).status_code
        == 302
    )
    late = who["admin2"].post("/admin/categories/posters", **{**second, "name_zh": "小广告"})
    assert late.status_code == 409
    assert "在您打开之后已被他人修改" in late.text and 'value="小广告"' in late.text
    kept = _category(app, "posters")
    assert (kept.name_zh, kept.deadline_hours, kept.version) == ("牛皮癣", 12, 2)
    stale = who["admin2"].post("/admin/categories/posters/retire", confirm="1", version=second["version"])
    assert stale.status_code == 409 and not _category(app, "posters").retired


def _file(who, category: str, lon: float):
    leader = who["leader1"]
    body = {"category": category, "long": lon, "lat": 22.505, "description": "测试"}
    return leader.client.post("/api/v1/incidents", json=body, headers={"X-CSRFToken": leader.token})


def test_a_changed_deadline_is_given_to_the_next_case_and_not_an_old_one(app, who):
    old = _file(who, "parking", 114.003)
    assert old.status_code == 201, old.text
    fields = who["admin1"].form("/admin/categories/parking", "category-form")
    assert (
        who["admin1"].post("/admin/categories/parking", **{**fields, "deadline_hours": "48"}).status_code
        == 302
    )
    new = _file(who, "parking", 114.007)
    assert new.status_code == 201, new.text
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        before, after = (store.get_incident(county.id, a.get_json()["id"]) for a in (old, new))
    assert before.deadline_at - before.reported_at == timedelta(hours=2)  # as it was filed
    assert after.deadline_at - after.reported_at == timedelta(hours=48)


def test_a_retired_category_is_refused_for_filing_and_old_cases_keep_it(app, who):
    admin = who["admin1"]
    old = _file(who, "manhole", 114.003).get_json()["id"]
    version = admin.form("/admin/categories/manhole", "category-retire")["version"]
    unconfirmed = admin.post("/admin/categories/manhole/retire", version=version)
    assert unconfirmed.status_code == 400 and "请勾选确认后再停用“井盖缺失”" in unconfirmed.text
    assert not _category(app, "manhole").retired
    assert admin.post("/admin/categories/manhole/retire", version=version, confirm="1").status_code == 302
    assert _category(app, "manhole").retired
    assert "起停用" in _row(admin.get("/admin/categories").text, "manhole")
    refused = _file(who, "manhole", 114.007)
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "category"
    assert (
        "已于" in refused.get_json()["error"]["message"]
        and "停用，不再受理新的案件" in refused.get_json()["error"]["message"]
    )
    assert 'value="manhole"' not in who["leader1"].get("/report").text  # not offered on the form
    assert "manhole" not in who["leader1"].get("/open311/v2/services.json").text
    assert "井盖缺失" in who["leader1"].get(f"/cases/{old}").text  # the old case still shows it
    back = admin.form("/admin/categories/manhole", "category-reinstate")
    assert admin.post("/admin/categories/manhole/reinstate", **back).status_code == 302
    assert _file(who, "manhole", 114.007).status_code == 201


def test_no_way_to_delete_a_category(who):
    admin = who["admin1"]
    for method in ("delete", "put"):
        assert getattr(admin.client, method)("/admin/categories/parking").status_code == 405


@pytest.mark.parametrize("name", ["leader1", "staff1", "insp1"])
def test_only_administrators(app, who, name):
    person = who[name]
    for url in ("/admin/categories", "/admin/categories/new", "/admin/categories/parking"):
        answer = person.get(url)
        assert answer.status_code == 403 and "只有管理员可以进入系统管理" in answer.text
    assert person.post("/admin/categories", **NEW).status_code == 403
    assert person.post("/admin/categories/parking/retire", version="1", confirm="1").status_code == 403
    assert _category(app, "parking").version == 1 and "illegal_stall" not in {c.code for c in _all(app)}
    assert app.test_client().get("/admin/categories").status_code == 302  # anyone else signs in first


def test_the_english_pages_hold_no_chinese_but_the_data(app, who):
    admin = who["admin1"]
    with app.app_context():
        names = {c.name_zh for c in get_store().list_categories()} | {"测试县"}
    for url in ("/admin/categories", "/admin/categories/new", "/admin/categories/parking"):
        page = admin.get(url + "?lang=en")
        assert page.status_code == 200 and chinese_outside(page.text, names) == [], url
    refused = admin.post("/admin/categories?lang=en", **{**NEW, "code": "parking"})
    assert "The category code parking is already used" in refused.text
    assert chinese_outside(refused.text, names | {"违规摊点"}) == []
