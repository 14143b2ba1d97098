"""评分设置 and 检查表 in the browser (issue #20 part 4): /admin/scoring and /admin/checklists for
administrators only; a change from a month on, stored and audited together; every refusal named
on the page and the database unchanged; both pages in English; the checklist's live sum.
Today is pinned to 20 November 2026: next month is December."""

from __future__ import annotations

import html
import re

import pytest
from werkzeug.security import generate_password_hash

from geodata import clock
from geodata.audit import AuditFilter
from geodata.model import User
from scripts.bench import fuzz
from tests.support.english import chinese_outside, data_names, switch_language
from tests.support.web import COUNTY_CODE, PASSWORD, county_app, csrf_token, login
from webmap import get_store

TODAY = "2026-11-20"


@pytest.fixture
def admin(tmp_path):
    """An administrator's client on the small county, and its app."""
    with clock.pinned_to(TODAY):  # the app pins its day too: put back after the test
        app = county_app(tmp_path, today=TODAY)
        with app.app_context():
            store = get_store()
            county = store.get_county(COUNTY_CODE)
            store.add_user(User("admin1", generate_password_hash(PASSWORD), "admin", county.id))
        client = app.test_client()
        assert login(client, "admin1", PASSWORD).status_code == 302
        yield client, app


def _state(app) -> tuple:
    """What the pages may change: the settings' and checklists' history, and the changes the audit
    log records as done."""
    with app.app_context():
        store = get_store()
        done = [
            e for action in ("admin_scoring.change", "admin_checklists.change")
            for e in store.list_audit_events(AuditFilter(action=action), limit=500) if e.result == "ok"
        ]  # fmt: skip
        return store.settings_changes(), store.checklist_versions(), len(done)


def _settings_form(client, month: str = "2026-12", **changes) -> dict:
    """The form as the page for ``month`` fills it, with ``changes`` typed over it."""
    page = client.get(f"/admin/scoring?month={month}").text
    form = dict(re.findall(r'<input type="(?:text|hidden)"[^>]*name="([\w-]+)" value="([^"]*)"', page))
    return {**form, **changes}


# -- /admin/scoring --------------------------------------------------------------------------------
def test_the_settings_page_shows_what_is_in_force_and_its_empty_states(admin):
    client, _ = admin
    page = client.get("/admin/scoring")
    assert page.status_code == 200
    now = re.search(r'<table[^>]*id="settings-now">(.*?)</table>', page.text, re.S).group(1)
    assert now.count("<tr data-key=") == 11 and "A 档最低分" in now and "自始" in now
    assert 'id="settings-none-scheduled"' in page.text and 'id="settings-never-changed"' in page.text
    assert 'name="effective_month" value="2026-12"' in page.text  # next month by default
    assert 'name="grade_a_min" value="90"' in page.text and 'name="rescore"' not in page.text
    assert 'href="/admin/scoring" aria-current="page"' in page.text  # its tab in the administration


def test_a_change_from_next_month_is_scheduled_kept_and_audited(admin):
    client, app = admin
    form = _settings_form(client, grade_a_min="92", grade_b_min="80", reason="提高标准")
    answer = client.post("/admin/scoring", data=form)
    assert answer.status_code == 302
    page = client.get("/admin/scoring").text
    assert "已保存：自 2026-12 起生效（2 项参数）" in page
    scheduled = re.search(r'id="settings-scheduled">(.*?)</table>', page, re.S).group(1)
    assert "A 档最低分：<b>92</b>" in scheduled and "提高标准" in scheduled and "admin1" in scheduled
    assert 'name="grade_a_min" value="92"' in page  # the form for December shows December's values
    assert "<b>90</b>" not in scheduled
    changes, *_ = _state(app)
    assert [(c.effective_month, c.values, c.set_by) for c in changes[1:]] == [
        ("2026-12", {"grade_a_min": 92.0, "grade_b_min": 80.0}, "admin1")
    ]
    with app.app_context():
        (event,) = get_store().list_audit_events(AuditFilter(action="admin_scoring.change"))
    assert event.result == "ok" and event.object == f"score_setting_change:{changes[1].id}"
    assert event.detail["values"] == {"grade_a_min": 92.0, "grade_b_min": 80.0}
    assert event.detail["rescore"] is False


@pytest.mark.parametrize(
    ("month", "changes", "status", "message"),
    [
        ("2026-12", {"weight_evaluation": "0.7"}, 400, "考评权重与办件权重之和为 1.1，应为 1"),
        ("2026-12", {"grade_b_min": "95"}, 400, "B 档最低分 95 应低于 A 档最低分 90"),
        ("2026-12", {"grade_a_min": "120"}, 400, "A 档最低分应在 0–100 之间，而不是 120"),
        ("2026-12", {"grade_a_min": "九十"}, 400, "A 档最低分”应为数值"),
        ("2026-12", {"grade_a_min": "nan"}, 400, "A 档最低分”应为数值"),
        ("2026-12", {"exposure_months": "1.5"}, 400, "曝光的连续月数应为整数"),
        ("2026-12", {}, 400, "没有要保存的修改"),
        ("2026-10", {"grade_a_min": "92"}, 400, "2026-10 已经过去"),
        ("2026-10", {"grade_a_min": "92", "rescore": "1"}, 400, "须写明原因"),
        ("2026-12", {"grade_a_min": "92", "seen": "7"}, 409, "已被修改"),
        ("2026-12", {"grade_a_min": "92", "effective_month": "2026-13"}, 400, "effective_month"),
        ("2026-12", {"grade_a_min": "92", "reason": "长" * 501}, 400, "原因过长"),
    ],
)
def test_refusals_are_named_on_the_page_and_change_nothing(admin, month, changes, status, message):
    client, app = admin
    before = _state(app)
    answer = client.post("/admin/scoring", data=_settings_form(client, month, **changes))
    assert answer.status_code == status
    error = re.search(
        r'<p class="field-error form-error" id="scoring-error"[^>]*>(.*?)</p>', answer.text, re.S
    )
    assert error and message in error.group(1), answer.text[:2000]
    assert _state(app) == before
    typed = next(iter(changes.items()), None)
    if typed and typed[0] in ("grade_a_min", "grade_b_min", "weight_evaluation"):  # kept as typed
        assert f'name="{typed[0]}" value="{typed[1]}"' in answer.text


def test_a_past_month_changes_as_an_audited_rescore_with_its_reason(admin):
    client, app = admin
    page = client.get("/admin/scoring?month=2026-10").text
    assert 'id="scoring-past"' in page and 'name="rescore"' in page
    form = _settings_form(client, "2026-10", grade_b_min="78", rescore="1", reason="市里统一口径")
    assert client.post("/admin/scoring", data=form).status_code == 302
    changes, *_ = _state(app)
    assert (changes[-1].effective_month, changes[-1].rescore, changes[-1].reason) == (
        "2026-10",
        True,
        "市里统一口径",
    )
    with app.app_context():
        (event,) = get_store().list_audit_events(AuditFilter(action="admin_scoring.change"))
    assert (event.detail["rescore"], event.detail["reason"]) == (True, "市里统一口径")
    history = re.search(
        r'id="settings-history">(.*?)</table>', client.get("/admin/scoring").text, re.S
    ).group(1)
    assert 'class="rescored"' in history and "重新计分" in history


# -- /admin/checklists -----------------------------------------------------------------------------
def _checklist_form(client, kind: str = "segment", month: str = "2026-12", **rows) -> dict:
    page = client.get(f"/admin/checklists?kind={kind}&month={month}").text
    form = dict(re.findall(r'<input type="(?:text|hidden)" name="([\w-]+)" value="([^"]*)"', page))
    return {**form, **rows}


def test_the_checklist_page_shows_the_items_their_sum_and_its_script(admin):
    client, _ = admin
    page = client.get("/admin/checklists").text
    now = re.search(r'<table[^>]*id="checklist-now">(.*?)</table>', page, re.S).group(1)
    assert now.count("<tr data-code=") == 5 and "车辆停放有序" in now
    assert re.search(r'<output class="checklist-sum ok" id="checklist-sum"[^>]*>合计 100 / 100 · ', page)
    assert '<script type="module" src="/static/portal/pages/checklist.js"></script>' in page
    assert "data-texts=" in page and 'id="checklist-none-scheduled"' in page
    assert 'name="items-4-code" value="sanitation"' in page and 'name="items-5-code" value=""' in page
    grid = client.get("/admin/checklists?kind=grid").text
    assert 'href="/admin/checklists?kind=grid" aria-current="page"' in grid and "环境整洁" in grid
    assert client.get("/admin/checklists?kind=road").status_code == 400


def test_an_edited_checklist_takes_effect_from_its_month(admin):
    client, app = admin
    form = _checklist_form(client, **{"items-4-remove": "1", "items-0-max": "30", "items-5-code": "greening",
                                      "items-5-name": "绿化完好", "items-5-max": "10", "items-5-sort": "6"})  # fmt: skip
    answer = client.post("/admin/checklists", data=form)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/admin/checklists?kind=segment")
    page = client.get("/admin/checklists").text
    assert "已保存：路段检查表自 2026-12 起生效（5 项）" in page
    scheduled = re.search(r'id="checklist-scheduled">(.*?)</div>', page, re.S).group(1)
    assert "绿化完好" in scheduled and "路面干净" not in scheduled
    _, versions, *_ = _state(app)
    assert [i.code for i in versions[-1].items] == [
        "posters",
        "street_vending",
        "parking",
        "outdoor_ads",
        "greening",
    ]
    with app.app_context():
        (event,) = get_store().list_audit_events(AuditFilter(action="admin_checklists.change"))
    assert event.detail["items"]["greening"] == 10.0 and event.detail["kind"] == "segment"
    api = client.get("/api/v1/checklists?kind=segment&month=2026-12").get_json()
    assert [i["code"] for i in api["items"]][-1] == "greening"
    assert client.get("/api/v1/checklists?kind=segment").get_json()["month"] == "2026-11"
    assert "sanitation" in [
        i["code"] for i in client.get("/api/v1/checklists?kind=segment").get_json()["items"]
    ]


@pytest.mark.parametrize(
    ("rows", "status", "message", "invalid"),
    [
        ({"items-0-max": "10"}, 400, "各项满分之和为 90，应为 100", None),
        ({"items-0-max": "二十"}, 400, "第 1 行的满分不是数字", "items-0-max"),
        ({"items-2-sort": "1.5"}, 400, "第 3 行的顺序应为整数", "items-2-sort"),
        ({"items-1-code": "posters"}, 400, "代码 posters 出现了两次", "items-1-code"),
        ({"items-3-name": " "}, 400, "名称应有 1 至 100 个字", "items-3-name"),
        ({"items-5-code": "Bad Code", "items-5-name": "新项", "items-5-max": "0"}, 400, "代码 'Bad Code' 无效",
         "items-5-code"),
        ({"effective_month": "2026-10", "items-0-max": "25", "items-1-max": "15"}, 400, "2026-10 已经过去", None),
        ({"seen": "3", "items-0-max": "25", "items-1-max": "15"}, 409, "已被修改", None),
        ({}, 400, "没有要保存的修改", None),
    ],
)  # fmt: skip
def test_checklist_refusals_are_named_and_change_nothing(admin, rows, status, message, invalid):
    client, app = admin
    before = _state(app)
    answer = client.post("/admin/checklists", data=_checklist_form(client, **rows))
    assert answer.status_code == status, answer.text[:1500]
    error = re.search(r'id="checklist-error"[^>]*>(.*?)</p>', answer.text, re.S)
    assert error and message in html.unescape(error.group(1))
    assert _state(app) == before
    if invalid:
        assert re.search(rf'name="{invalid}" value="[^"]*"[^>]*aria-invalid="true"', answer.text)


def test_the_sum_shown_after_a_refusal_is_of_what_was_typed(admin):
    client, _ = admin
    answer = client.post("/admin/checklists", data=_checklist_form(client, **{"items-0-max": "32.5"}))
    assert re.search(
        r'<output class="checklist-sum off" id="checklist-sum"[^>]*>合计 112.5 / 100 · 多了 12.5 分<',
        answer.text,
    )
    assert 'name="items-0-max" value="32.5"' in answer.text


# -- who, and in which language --------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/admin/scoring", "/admin/checklists"])
def test_only_administrators_may_open_or_post(admin, url):
    _, app = admin
    before = _state(app)
    leader = app.test_client()
    with clock.pinned_to(TODAY):
        assert login(leader, "leader1", PASSWORD).status_code == 302
        page = leader.get(url)
        assert page.status_code == 403 and "只有管理员可以进入系统管理" in page.text
        token = csrf_token(leader.get("/account/password").text)
        assert leader.post(url, data={"csrf_token": token, "grade_a_min": "92"}).status_code == 403
        assert app.test_client().get(url).status_code == 302  # signed out: to the sign-in page
    assert _state(app) == before


def test_both_pages_are_in_english_on_english_pages(admin):
    client, app = admin
    _post_ok = client.post("/admin/scoring", data=_settings_form(client, grade_a_min="92", reason="提高标准"))
    assert _post_ok.status_code == 302
    switch_language(client, "en")
    with app.app_context():
        names = data_names(get_store(), get_store().get_county(COUNTY_CODE).id) | {"提高标准"}
    for url in ("/admin/scoring", "/admin/scoring?month=2026-10", "/admin/checklists?kind=community"):
        page = client.get(url).text
        assert chinese_outside(page, names) == [], url
    scoring = client.get("/admin/scoring").text
    assert "<h1>Score settings</h1>" in scoring and "Lowest score of grade A: <b>92</b>" in scoring
    checklist = client.get("/admin/checklists").text
    assert re.search(r'id="checklist-sum"[^>]*>Total 100 / 100 · The maxima sum to 100', checklist)
    refused = client.post("/admin/scoring", data=_settings_form(client, weight_handling="0.5"))
    assert "would sum to 1.1, not 1" in refused.text and chinese_outside(refused.text, names) == []


def test_hostile_input_in_every_field_is_refused_and_changes_nothing(admin):
    """The fuzzer's values (scripts/bench/fuzz.py) in each field of both forms and their queries:
    never a 5xx, and no change but a sound one."""
    client, app = admin
    before = _state(app)
    scoring, checklist = _settings_form(client), _checklist_form(client)
    fields = [("/admin/scoring", scoring, k) for k in ("effective_month", "seen", "grade_a_min", "reason")]
    fields += [("/admin/checklists", checklist, k) for k in ("kind", "effective_month", "items-0-max", "seen",
                                                              "items-0-sort", "items-0-code")]  # fmt: skip
    for url, form, field in fields:
        for value in fuzz.TEXTS:
            body = fuzz.query(sorted({**form, field: value, "rescore": "1"}.items()))
            answer = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
            assert answer.status_code < 500, (url, field, value, answer.status_code)
            # a sound order or code ("7", "lead") is a change: saved once, the page then stale (409)
            assert answer.status_code != 302 or field in ("items-0-code", "items-0-sort"), (url, field, value)
            quoted = fuzz.quote(value, safe="", errors="surrogatepass")
            page = client.get(f"{url}?month={quoted}&kind={quoted}&page={quoted}")
            assert page.status_code < 500, (url, value)
    changes, versions, _ = _state(app)
    assert changes == before[0] and len(versions) <= len(before[1]) + 1
