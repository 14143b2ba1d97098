"""The holiday calendar in the browser (/admin/holidays, issue #20 part 5): what ``flask --app app
holidays list|load|set|remove`` does (tests/webmap/test_cli_holidays.py), done by an administrator
on the page: a year listed with names, the national calendar loaded for a year, a day added,
changed and removed after a confirmation, the domain's refusals shown beside the form with
nothing changed, every change audited, administrators only, English pages in English."""

from __future__ import annotations

import re
from datetime import date

import pytest

from geodata.audit import AuditFilter
from geodata.cases.holidays_cn import national_days
from geodata.model import Holiday
from tests.support.admin import people
from tests.support.english import chinese_outside
from tests.support.web import COUNTY_CODE
from webmap import get_store

SHIPPED_2026 = [d for d in national_days() if d[0].year == 2026]


@pytest.fixture
def who(app):
    return people(app)


def _days(app, year: int = 2026) -> list[Holiday]:
    with app.app_context():
        store = get_store()
        return store.list_holidays(store.get_county(COUNTY_CODE).id, date(year, 1, 1), date(year, 12, 31))


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-day="([^"]+)"', page)


def test_an_empty_year_says_so_and_the_national_calendar_is_loaded_for_it(app, who):
    admin = who["admin1"]
    page = admin.get("/admin/holidays?year=2026")
    assert page.status_code == 200 and 'id="holidays-empty"' in page.text
    assert f"随程序提供的 2026 年全国安排中有 {len(SHIPPED_2026)} 天本县还没有" in page.text
    answer = admin.post("/admin/holidays/load", year="2026")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/admin/holidays?year=2026")
    assert [(h.day, h.kind, h.name) for h in _days(app)] == SHIPPED_2026
    assert _days(app, 2027) == []  # that year only
    listed = admin.get("/admin/holidays?year=2026").text
    assert "已载入 2026 年全国安排：新增 39 天" in listed and "节假日 33 天，调休上班 6 天" in listed
    assert _rows(listed) == [d.isoformat() for d, *_ in SHIPPED_2026]
    row = re.search(r'<tr data-day="2026-02-28".*?</tr>', listed, re.S).group(0)
    assert "星期六" in row and "调休上班日" in row and "春节" in row
    assert 'id="national-loaded"' in listed and 'id="load-national"' not in listed
    with app.app_context():
        (event,) = get_store().iter_audit_events(AuditFilter(action="admin_holidays.load"))
    assert (event.actor, event.object, event.detail["added"], event.detail["year"]) == (
        "admin1",
        f"county:{COUNTY_CODE}",
        39,
        2026,
    )


def test_a_year_with_no_shipped_days_is_refused_clearly(app, who):
    answer = who["admin1"].post("/admin/holidays/load", year="2031")
    assert answer.status_code == 400 and "没有 2031 年（只有 2026、2027 年）" in answer.text
    assert "随程序提供的全国安排没有 2031 年" in who["admin1"].get("/admin/holidays?year=2031").text
    assert _days(app, 2031) == []


def test_a_day_is_added_changed_and_removed_after_a_confirmation(app, who):
    admin = who["admin1"]
    assert admin.post("/admin/holidays/day", day="2027-02-06", kind="workday", name="春节").status_code == 302
    assert _days(app, 2027) == [Holiday(_days_county(app), date(2027, 2, 6), "workday", "春节")]
    form = admin.form("/admin/holidays?year=2027&day=2027-02-06", "holiday-form")
    assert form == {"day": "2027-02-06", "kind": "workday", "name": "春节"}
    assert admin.post("/admin/holidays/day", **{**form, "name": "春节调休"}).status_code == 302
    assert [h.name for h in _days(app, 2027)] == ["春节调休"]
    confirm = admin.get("/admin/holidays/remove?day=2027-02-06")
    assert confirm.status_code == 200 and "2027-02-06（星期六）现在是调休上班日" in confirm.text
    assert "删除后这一天按星期计，是休息日" in confirm.text
    unconfirmed = admin.post("/admin/holidays/remove", day="2027-02-06")
    assert unconfirmed.status_code == 400 and "请勾选确认后再删除 2027-02-06 的安排" in unconfirmed.text
    assert len(_days(app, 2027)) == 1
    done = admin.post("/admin/holidays/remove", day="2027-02-06", confirm="1")
    assert done.status_code == 302 and _days(app, 2027) == []
    assert admin.post("/admin/holidays/remove", day="2027-02-06", confirm="1").status_code == 404
    with app.app_context():
        events = [(e.action, e.result) for e in get_store().iter_audit_events(AuditFilter(actor="admin1"))]
    assert events[1:] == [("admin_holidays.set_day", "ok")] * 2 + [
        ("admin_holidays.remove", "refused"), ("admin_holidays.remove", "ok"), ("admin_holidays.remove", "refused")
    ]  # fmt: skip


def _days_county(app) -> int:
    with app.app_context():
        return get_store().get_county(COUNTY_CODE).id


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        ({"day": "1999-10-01", "kind": "holiday"}, "day", "日期 1999-10-01 超出范围"),
        ({"day": "2027-02-30", "kind": "holiday"}, "day", "日期 &#39;2027-02-30&#39; 无效"),
        ({"day": "", "kind": "holiday"}, "day", "无效"),
        ({"day": "2027-02-10", "kind": "workday"}, "kind", "2027-02-10 是星期三，本来就上班"),
        ({"day": "2027-02-10", "kind": "vacation"}, "kind", "未知的日历日类型 &#39;vacation&#39;"),
        ({"day": "2027-02-10", "kind": "holiday", "name": "<script>x</script>" * 2}, "name", "名称过长"),
    ],
)
def test_the_domains_refusals_show_beside_the_form_and_nothing_changes(app, who, form, field, words):
    answer = who["admin1"].post("/admin/holidays/day", **form)
    assert answer.status_code == 400 and words in answer.text
    assert f'id="error-{field}"' in answer.text and "<script>x" not in answer.text
    assert _days(app, 2027) == [] and _days(app, 1999) == []


def test_bad_years_and_days_in_the_address_are_refused(who):
    admin = who["admin1"]
    for url in ("/admin/holidays?year=99999", "/admin/holidays?year=1999", "/admin/holidays?year=x",
                "/admin/holidays?day=2026-13-01", "/admin/holidays/remove?day=nope"):  # fmt: skip
        assert admin.get(url).status_code == 400, url


@pytest.mark.parametrize("name", ["leader1", "staff1", "insp1"])
def test_only_administrators(app, who, name):
    person = who[name]
    assert person.get("/admin/holidays").status_code == 403
    assert person.get("/admin/holidays/remove?day=2026-10-01").status_code == 403
    assert person.post("/admin/holidays/load", year="2026").status_code == 403
    assert person.post("/admin/holidays/day", day="2027-02-09", kind="holiday").status_code == 403
    assert _days(app) == [] and _days(app, 2027) == []


def test_the_english_pages_hold_no_chinese_but_the_data(app, who):
    admin = who["admin1"]
    assert (
        "2026 was loaded: 39 days added"
        in admin.client.post(
            "/admin/holidays/load?lang=en",
            data={"csrf_token": admin.token, "year": "2026"},
            follow_redirects=True,
        ).text
    )
    names = {name for *_, name in SHIPPED_2026} | {"测试县"}
    for url in ("/admin/holidays?year=2026", "/admin/holidays?year=2031", "/admin/holidays?year=2026&day=2026-10-01",
                "/admin/holidays/remove?day=2026-10-01", "/admin/holidays/remove?day=2026-10-02"):  # fmt: skip
        page = admin.get(url + "&lang=en" if "?" in url else url + "?lang=en")
        assert page.status_code == 200 and chinese_outside(page.text, names) == [], url
    refused = admin.post("/admin/holidays/day?lang=en", day="2027-02-10", kind="workday")
    assert "2027-02-10 is a Wednesday, a working day anyway" in refused.text
    assert chinese_outside(refused.text, names) == []
