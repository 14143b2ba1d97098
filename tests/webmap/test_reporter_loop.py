"""The reporter's loop over HTTP: the tracking page lists a case's public steps with their times,
asks after closing whether it was fixed (a plain form with the CSRF token, in both languages),
takes one answer within 7 days (未解决 reopens it and the unit's inbox says so), refuses the rest
with a 4xx in the page's language and changes nothing; Open311 shows the public steps only."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from pathlib import Path

import pytest

from geodata import clock
from geodata.audit import AuditFilter
from geodata.cases import public_reports
from geodata.cases import workflow as cases
from geodata.notify.model import Recipient
from tests.support.web import COUNTY_CODE, PASSWORD, csrf_token, login
from webmap import get_store

LEADER = cases.Actor("leader1", "leader")
STAFF_NOTE = "张三带队拖走车辆"  # a staff note: never public
PLACES = itertools.cycle([114.0025 + 0.0006 * i for i in range(8)])  # on 福华路, 60 m apart: no duplicates


def _case(app, steps=("handle", "verify", "close"), closed_ago=timedelta(hours=1)) -> dict:
    """A resident's report filed as a case of 城管执法局 and taken through ``steps``, the last one
    ``closed_ago`` before now; its token and case id."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        start = clock.now() - closed_ago - timedelta(hours=len(steps) + 1)
        report = cases.Report("parking", next(PLACES), 22.5051, "人行道上停满了车", source="public")
        r = public_reports.submit(store, county, report, None, "c", Path("/nonexistent"), now=start)
        done = public_reports.approve(store, county, r.id, LEADER, now=start + timedelta(minutes=30))
        for i, action in enumerate(steps, start=1):
            at = clock.now() - closed_ago - timedelta(hours=len(steps) - i)
            note = STAFF_NOTE if action == "handle" else ""
            cases.act(store, county, done.incident_id, action, LEADER, note, now=at)
        return {"token": r.token, "case": done.incident_id, "report": r.id}


def _state(app, case_id: int) -> tuple:
    """What an answer may change: the case, its steps, its answer and its unit's inbox."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        case = store.get_incident(county.id, case_id)
        return (
            case,
            store.incident_events(county.id, case_id),
            store.get_feedback(county.id, case_id),
            store.list_notifications(county.id, Recipient(unit_id=case.unit_id)),
        )


def _csrf(client) -> str:
    """The CSRF token of the client's (anonymous) session."""
    return csrf_token(client.get("/login").text)


def _post(client, token: str, answer: str, lang: str = ""):
    return client.post(f"/reports/{token}{lang}", data={"answer": answer, "csrf_token": _csrf(client)})


def test_the_page_lists_the_public_steps_and_asks_only_after_closing(app, client):
    open_case = _case(app, steps=("handle",))
    page = client.get(f"/reports/{open_case['token']}")
    assert page.status_code == 200 and "处理经过" in page.text
    assert page.text.count('<li class="step-') == 3  # filed, dispatched, handled
    assert "按分兵把口自动派发" in page.text and STAFF_NOTE not in page.text and "leader1" not in page.text
    assert "问题解决了吗" not in page.text and "<form" not in page.text.split("<main")[-1]
    assert page.headers["Cache-Control"] == "public, max-age=30" and "Set-Cookie" not in page.headers

    closed = _case(app)
    page = client.get(f"/reports/{closed['token']}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert page.text.count('<li class="step-') == 5 and STAFF_NOTE not in page.text
    times = re.findall(r"<time datetime=\"[^\"]+\">(\d{4}-\d\d-\d\d \d\d:\d\d)</time>", page.text)
    assert len(times) == 5 and times == sorted(times)
    form = re.search(
        r'<form class="feedback-form" method="post" action="([^"]+)">(.*?)</form>', page.text, re.S
    )
    assert form and form.group(1) == f"/reports/{closed['token']}"
    assert 'name="csrf_token"' in form.group(2)
    assert re.findall(r'name="answer" value="(\w+)">([^<]+)<', form.group(2)) == [
        ("solved", "已解决"), ("unsolved", "未解决"),
    ]  # fmt: skip
    assert "请于" in page.text and "前回答" in page.text
    tracked = client.get(f"/api/public/reports/{closed['token']}").get_json()
    assert [s["status"] for s in tracked["steps"]] == ["filed", "dispatched", "handled", "verified", "closed"]
    assert tracked["steps"][2]["note_zh"] == "" and STAFF_NOTE not in str(tracked)
    assert tracked["feedback"]["open"] is True and tracked["feedback"]["answer"] is None


def test_the_english_page_asks_in_english(app, client):
    closed = _case(app)
    page = client.get(f"/reports/{closed['token']}?lang=en")
    assert "What has been done" in page.text and "Was it fixed?" in page.text
    assert ">Solved<" in page.text and ">Not solved<" in page.text
    assert "Dispatched automatically" in page.text and "按分兵把口" not in page.text
    assert f'action="/reports/{closed["token"]}?lang=en"' in page.text


def test_unsolved_reopens_the_case_and_the_unit_is_told(app, client):
    closed = _case(app)
    _, _, _, inbox_before = _state(app, closed["case"])
    answer = _post(client, closed["token"], "unsolved")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/reports/{closed['token']}#feedback")
    case, events, given, inbox = _state(app, closed["case"])
    assert (case.status, case.rework, given.answer) == ("reopened", 1, "unsolved")
    assert (events[-1].actor, events[-1].note) == ("公众", "群众反馈未解决")
    assert len(inbox) == len(inbox_before) + 1 and inbox[0].kind == "rework"
    page = client.get(f"/reports/{closed['token']}")
    assert "反馈：未解决" in page.text and "退回责任单位返工" in page.text
    assert 'name="answer"' not in page.text and "返工" in page.text and "群众反馈未解决" in page.text
    with app.app_context():
        (row,) = get_store().list_audit_events(AuditFilter(action="public_reports.answer"))
    assert (row.actor, row.object, row.result) == ("anonymous", f"public_report:{closed['report']}", "ok")
    assert row.detail == {"incident_id": closed["case"], "answer": "unsolved"}


def test_solved_is_kept_and_thanked(app, client):
    closed = _case(app)
    assert _post(client, closed["token"], "solved", "?lang=en").status_code == 303
    case, _, given, _ = _state(app, closed["case"])
    assert (case.status, case.rework, given.answer) == ("closed", 0, "solved")
    page = client.get(f"/reports/{closed['token']}?lang=en")
    assert "Answered on" in page.text and "Solved." in page.text and "Thank you" in page.text


@pytest.mark.parametrize("lang", ["", "?lang=en"])
def test_a_second_answer_is_refused_with_a_message_and_changes_nothing(app, client, lang):
    closed = _case(app)
    assert _post(client, closed["token"], "solved").status_code == 303
    before = _state(app, closed["case"])
    again = _post(client, closed["token"], "unsolved", lang)
    assert again.status_code == 409 and 'id="feedback-error"' in again.text
    assert ("a case takes one answer only" if lang else "每件案件只能反馈一次") in again.text
    assert _state(app, closed["case"]) == before


def test_an_answer_after_seven_days_is_refused_and_changes_nothing(app, client):
    late = _case(app, closed_ago=timedelta(days=7, minutes=5))
    page = client.get(f"/reports/{late['token']}")
    assert "已过期" in page.text and 'name="answer"' not in page.text
    before = _state(app, late["case"])
    csrf = _csrf(client)
    answer = client.post(f"/reports/{late['token']}", data={"answer": "unsolved", "csrf_token": csrf})
    assert answer.status_code == 409 and "结案后 7 天内" in answer.text
    english = client.post(
        f"/reports/{late['token']}?lang=en", data={"answer": "unsolved", "csrf_token": csrf}
    )
    assert english.status_code == 409 and "that time has passed" in english.text
    assert _state(app, late["case"]) == before and before[2] is None


def test_other_refusals_change_nothing(app, client):
    not_closed = _case(app, steps=("handle", "verify"))
    closed = _case(app)
    csrf = _csrf(client)
    before = [_state(app, c["case"]) for c in (not_closed, closed)]
    early = client.post(f"/reports/{not_closed['token']}", data={"answer": "solved", "csrf_token": csrf})
    assert early.status_code == 409 and "尚未结案" in early.text
    unknown = client.post(f"/reports/{closed['token']}", data={"answer": "maybe", "csrf_token": csrf})
    assert unknown.status_code == 400 and "无法识别的回答" in unknown.text
    no_csrf = client.post(f"/reports/{closed['token']}", data={"answer": "unsolved"})
    assert no_csrf.status_code == 400
    nobody = client.post("/reports/ABCD-EFGH-JKMN", data={"answer": "solved", "csrf_token": csrf})
    assert nobody.status_code == 404
    assert [_state(app, c["case"]) for c in (not_closed, closed)] == before


def test_open311_status_notes_are_the_latest_public_step(app, client):
    handled = _case(app, steps=("handle",))
    (read,) = client.get(f"/open311/v2/requests/{handled['case']}.json").get_json()
    assert read["status_notes"] == "已处置" and STAFF_NOTE not in str(read)  # the staff note stays internal
    closed = _case(app)
    assert _post(client, closed["token"], "unsolved").status_code == 303
    (read,) = client.get(f"/open311/v2/requests/{closed['case']}.json").get_json()
    assert read["status"] == "open" and read["status_notes"] == "返工：群众反馈未解决"


def test_scores_show_each_units_satisfaction_of_the_month(app, client):
    for given in ("solved", "unsolved", "solved"):
        assert _post(client, _case(app)["token"], given).status_code == 303
    leader = app.test_client()
    assert login(leader, "leader1", PASSWORD).status_code == 302
    month = clock.local_now().strftime("%Y-%m")
    page = leader.get(f"/scores?month={month}")
    assert page.status_code == 200 and "<th>满意率</th>" in page.text
    rows = {
        name: cell
        for name, cell in re.findall(
            r'<td data-label="单位">([^<]+)</td>.*?<td data-label="满意率" class="num satisfaction">(.*?)</td>',
            page.text,
            re.S,
        )
    }
    assert set(rows) == {"城管执法局", "交警大队", "环卫所"}
    assert rows["城管执法局"].startswith("66.7%") and "（2/3）" in rows["城管执法局"]
    assert "—" in rows["交警大队"] and "—" in rows["环卫所"]
    units = {
        u["code"]: u["satisfaction"] for u in leader.get(f"/api/v1/scores?month={month}").get_json()["units"]
    }
    assert units["U01"] == {"solved": 2, "answered": 3, "rate_pct": 66.7}
    assert units["U02"] == {"solved": 0, "answered": 0, "rate_pct": None}
    english = leader.get(f"/scores?month={month}&lang=en")
    assert "<th>Satisfaction</th>" in english.text and "(2 of 3)" in english.text
