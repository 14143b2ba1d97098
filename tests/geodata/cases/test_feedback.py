"""The reporter's loop on both backends: one answer per closed case within 7 days of its closing;
未解决 reopens it as rework and tells its unit in the same transaction; refusals change nothing;
the public steps never carry a staff note; 满意率 counts per unit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import LineString, box

from geodata.cases import feedback, public_reports, steps
from geodata.cases import workflow as cases
from geodata.model import Assignment, County, Segment, Unit, Zone
from geodata.notify.model import Recipient

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
LEADER = cases.Actor("leader1", "leader")
CLIENT = public_reports.client_key("203.0.113.7", "secret")


@pytest.fixture
def county(store):
    c = store.add_county(
        County("440304", "福田示范区", extent=box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650)
    )
    west_u, police = store.add_units(
        [Unit(c.id, "W", "西社区居委会", "community"), Unit(c.id, "JJ", "交警大队")]
    )
    (west,) = store.add_zones([Zone(c.id, "community", "001", "西社区", box(114.0, 22.5, 114.02, 22.52))])
    (road,) = store.add_segments([Segment(c.id, "红荔路", LineString([(114.002, 22.51), (114.006, 22.51)]))])
    store.assign_many(
        [Assignment(c.id, west_u.id, "zone", west.id, "lead", T0),
         Assignment(c.id, police.id, "segment", road.id, "lead", T0)]
    )  # fmt: skip
    return c


def _report(store, county, tmp_path, steps=("handle", "verify", "close"), lon=114.004):
    """A resident's report approved into a case of 交警大队, taken through ``steps`` (one hour
    apart, the last at NOW + 4 h); the report as stored."""
    report = cases.Report("parking", lon, 22.5101, "路口违停", source="public")
    r = public_reports.submit(store, county, report, None, CLIENT, tmp_path, now=NOW)
    done = public_reports.approve(store, county, r.id, LEADER, now=NOW + timedelta(hours=1))
    staff = cases.Actor("jj1", "unit_staff", done and store.get_incident(county.id, done.incident_id).unit_id)
    for i, action in enumerate(steps):
        actor = staff if action == "handle" else LEADER
        note = "已拖走，张三经办" if action == "handle" else ""
        cases.act(store, county, done.incident_id, action, actor, note, now=NOW + timedelta(hours=2 + i))
    return store.get_public_report(county.id, r.id)


CLOSED_AT = NOW + timedelta(hours=4)


def _unit_inbox(store, county, case):
    return store.list_notifications(county.id, Recipient(unit_id=case.unit_id))


def test_solved_is_kept_once_and_changes_nothing_else(store, county, tmp_path):
    r = _report(store, county, tmp_path)
    before = store.get_incident(county.id, r.incident_id)
    ask = feedback.asking(store, county, r, now=CLOSED_AT + timedelta(days=1))
    assert ask.open and ask.closed_at == CLOSED_AT and ask.answer_by == CLOSED_AT + timedelta(days=7)
    made = feedback.answer(store, county, r, "solved", now=CLOSED_AT + timedelta(days=1))
    assert (made.answer, made.incident_id, made.public_report_id) == ("solved", r.incident_id, r.id)
    assert store.get_feedback(county.id, r.incident_id) == made
    assert store.get_incident(county.id, r.incident_id) == before
    after = feedback.asking(store, county, r, now=CLOSED_AT + timedelta(days=2))
    assert after.feedback == made and not after.open


def test_unsolved_reopens_as_rework_and_tells_the_unit(store, county, tmp_path):
    r = _report(store, county, tmp_path)
    told = len(_unit_inbox(store, county, store.get_incident(county.id, r.incident_id)))
    at = CLOSED_AT + timedelta(days=6, hours=23)
    feedback.answer(store, county, r, "unsolved", now=at)
    case = store.get_incident(county.id, r.incident_id)
    assert (case.status, case.rework, case.updated_at) == ("reopened", 1, at)
    last = store.incident_events(county.id, case.id)[-1]
    assert (last.actor, last.from_status, last.to_status, last.note, last.at) == (
        steps.PUBLIC, "closed", "reopened", steps.UNSOLVED_NOTE, at,
    )  # fmt: skip
    inbox = _unit_inbox(store, county, case)
    assert len(inbox) == told + 1 and inbox[0].kind == "rework" and inbox[0].incident_id == case.id
    assert "第 1 次" in inbox[0].body and "群众反馈未解决" in inbox[0].body
    # the unit can take it up again like any rework
    staff = cases.Actor("jj1", "unit_staff", case.unit_id)
    assert cases.act(store, county, case.id, "handle", staff, now=at).status == "handled"


@pytest.mark.parametrize("given", ["solved", "unsolved"])
def test_a_second_answer_is_refused_and_changes_nothing(store, county, tmp_path, given):
    r = _report(store, county, tmp_path)
    first = feedback.answer(store, county, r, given, now=CLOSED_AT + timedelta(hours=1))
    case, events = (
        store.get_incident(county.id, r.incident_id),
        store.incident_events(county.id, r.incident_id),
    )
    for again in ("solved", "unsolved"):
        with pytest.raises(feedback.AlreadyAnswered, match="只能反馈一次") as refused:
            feedback.answer(store, county, r, again, now=CLOSED_AT + timedelta(hours=2))
        assert refused.value.status == 409 and "one answer only" in refused.value.en
    assert store.get_feedback(county.id, r.incident_id) == first
    assert store.get_incident(county.id, r.incident_id) == case
    assert store.incident_events(county.id, r.incident_id) == events


def test_an_answer_after_seven_days_is_refused(store, county, tmp_path):
    r = _report(store, county, tmp_path)
    case = store.get_incident(county.id, r.incident_id)
    late = CLOSED_AT + timedelta(days=7, seconds=1)
    assert not feedback.asking(store, county, r, now=late).open
    with pytest.raises(feedback.WindowPassed, match="7 天内") as refused:
        feedback.answer(store, county, r, "unsolved", now=late)
    assert refused.value.code == "answer_window_passed" and "has passed" in refused.value.en
    assert store.get_feedback(county.id, r.incident_id) is None
    assert store.get_incident(county.id, r.incident_id) == case
    # the last moment of the window still counts
    assert feedback.answer(store, county, r, "solved", now=CLOSED_AT + timedelta(days=7)).answer == "solved"


@pytest.mark.parametrize("steps", [(), ("handle",), ("handle", "verify")])
def test_a_case_not_closed_takes_no_answer(store, county, tmp_path, steps):
    r = _report(store, county, tmp_path, steps)
    assert feedback.asking(store, county, r, now=NOW + timedelta(hours=5)) is None
    with pytest.raises(feedback.NotClosed, match="尚未结案") as refused:
        feedback.answer(store, county, r, "solved", now=NOW + timedelta(hours=5))
    assert refused.value.code == "case_not_closed" and refused.value.en
    assert store.get_feedback(county.id, r.incident_id) is None


def test_a_pending_report_and_an_unknown_answer_are_refused(store, county, tmp_path):
    report = cases.Report("parking", 114.004, 22.5101, source="public")
    pending = public_reports.submit(store, county, report, None, CLIENT, tmp_path, now=NOW)
    with pytest.raises(feedback.NotClosed):
        feedback.answer(store, county, pending, "solved", now=NOW)
    r = _report(store, county, tmp_path)
    with pytest.raises(feedback.UnknownAnswer) as refused:
        feedback.answer(store, county, r, "maybe", now=CLOSED_AT)
    assert refused.value.details["field"] == "answer" and refused.value.status == 400
    assert store.get_feedback(county.id, r.incident_id) is None


def test_the_public_steps_carry_no_staff_note_nor_name(store, county, tmp_path):
    r = _report(store, county, tmp_path)
    feedback.answer(store, county, r, "unsolved", now=CLOSED_AT + timedelta(hours=1))
    shown = steps.public_steps(store.incident_events(county.id, r.incident_id))
    assert [s.status for s in shown] == ["filed", "dispatched", "handled", "verified", "closed", "reopened"]
    assert [s.wording for s in shown] == [
        "待派发",
        "已派发：按分兵把口自动派发",
        "已处置",
        "已核查",
        "已结案",
        "返工：群众反馈未解决",
    ]
    assert all("张三" not in s.note_zh + s.note_en and "jj1" not in s.note_zh for s in shown)
    assert shown[-1].note_en == "The reporter said the problem was not solved"
    assert shown[-1].at == CLOSED_AT + timedelta(hours=1) and shown[2].note_zh == ""


def test_counts_per_unit_are_of_the_answers_given_in_the_period(store, county, tmp_path):
    answers = ("solved", "unsolved", "solved")
    for i, given in enumerate(answers):
        r = _report(store, county, tmp_path, lon=114.0025 + 0.001 * i)
        feedback.answer(store, county, r, given, now=CLOSED_AT + timedelta(days=i))
    police = store.get_unit_by_code(county.id, "JJ").id
    assert store.feedback_counts(county.id, NOW, NOW + timedelta(days=30)) == {police: (2, 3)}
    # the third answer was given on day 2: a period ending before it counts two
    assert store.feedback_counts(county.id, NOW, CLOSED_AT + timedelta(days=1, hours=1)) == {police: (1, 2)}
    assert store.feedback_counts(county.id, NOW + timedelta(days=30), NOW + timedelta(days=60)) == {}


def test_an_answer_is_history_the_database_keeps(store, county, tmp_path):
    r = _report(store, county, tmp_path)
    made = feedback.answer(store, county, r, "solved", now=CLOSED_AT)
    for sql in ("UPDATE feedback SET answer = 'unsolved'", "DELETE FROM feedback"):
        with pytest.raises(Exception, match="append-only"), store.transaction():
            store._execute(sql)
    assert store.get_feedback(county.id, r.incident_id) == made
