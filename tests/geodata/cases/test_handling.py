"""回退, 延期, 挂账 and 督办 on both backends (geodata/cases/handling.py and the workflow's return):
what each does, who is told, and every refusal leaving the case as it was."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from shapely.geometry import LineString, box

from geodata.cases import handling
from geodata.cases import workflow as cases
from geodata.errors import Conflict, Forbidden, InvalidInput
from geodata.model import County, User
from geodata.notify.model import Recipient
from tests.support.places import two_communities_and_a_road

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday, 17:00 in the county
T0 = datetime(2026, 1, 1, tzinfo=UTC)
LEADER = cases.Actor("leader", "leader")
RULES = handling.HandlingRules(max_extensions=2, max_extension=timedelta(days=10))


@pytest.fixture
def county(store):
    c = store.add_county(
        County("440304", "福田示范区", extent=box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650)
    )
    two_communities_and_a_road(store, c, LineString([(114.002, 22.51), (114.006, 22.51)]), since=T0)
    return c


@pytest.fixture
def leader_id(store, county):
    return store.add_user(User("lead1", "x", "leader", county_id=county.id)).id


def _unit(store, county, code):
    return next(u for u in store.list_units(county.id) if u.code == code)


def _staff(store, county, code):
    return cases.Actor(f"staff-{code}", "unit_staff", _unit(store, county, code).id)


def _case(store, county):
    """A parking case on the road: the traffic police's (JJ), due two hours after NOW."""
    filed = cases.file_report(
        store, county, cases.Report("parking", 114.004, 22.5101), cases.Actor("i", "inspector"), now=NOW
    )
    assert filed.unit.code == "JJ"
    return filed.incident


def _kinds(store, county, recipient: Recipient) -> list[str]:
    return [n.kind for n in reversed(store.list_notifications(county.id, recipient, limit=100))]


def test_a_unit_returns_a_case_and_a_leader_dispatches_it_elsewhere(store, county, leader_id):
    case = _case(store, county)
    police = _staff(store, county, "JJ")
    returned = cases.act(store, county, case.id, "return", police, "不是交通问题，属社区", now=NOW)
    assert returned.status == "returned"
    (request,) = store.case_requests(county.id, case.id, kind="return")
    assert (request.state, request.unit_id, request.reason) == (
        "pending",
        police.unit_id,
        "不是交通问题，属社区",
    )
    assert "returned" in _kinds(store, county, Recipient(user_id=leader_id))
    # It waits in the review queue with the filed ones; it is still open and may be overdue.
    assert [c.id for c in store.list_incidents(county.id, status="returned")] == [case.id]
    later = NOW + timedelta(hours=1)
    moved = cases.act(store, county, case.id, "dispatch", LEADER, "改派社区", unit_code="W", now=later)
    assert moved.status == "dispatched" and moved.unit_id == _unit(store, county, "W").id
    assert moved.deadline_at == later + timedelta(hours=2)  # a fresh deadline for the new unit
    (request,) = store.case_requests(county.id, case.id, kind="return")
    assert (request.state, request.decided_by, request.decision) == ("approved", "leader", "改派社区")
    assert _kinds(store, county, Recipient(unit_id=police.unit_id)) == ["dispatched", "return_approved"]
    assert _kinds(store, county, Recipient(unit_id=moved.unit_id)) == ["dispatched"]


def test_a_refused_return_goes_back_to_the_unit_with_its_deadline(store, county):
    case = _case(store, county)
    police = _staff(store, county, "JJ")
    cases.act(store, county, case.id, "return", police, "不归我们管", now=NOW)
    back = cases.act(store, county, case.id, "dispatch", LEADER, "路段归交警", unit_code="JJ", now=NOW)
    assert back.unit_id == police.unit_id and back.deadline_at == case.deadline_at
    (request,) = store.case_requests(county.id, case.id, kind="return")
    assert request.state == "refused"
    assert _kinds(store, county, Recipient(unit_id=police.unit_id))[-2:] == ["return_refused", "dispatched"]


@pytest.mark.parametrize(
    "who, note, error",
    [("W", "不归我们", Forbidden), ("JJ", "", InvalidInput), ("leader", "错派", Forbidden)],
)
def test_bad_returns_change_nothing(store, county, who, note, error):
    case = _case(store, county)
    actor = LEADER if who == "leader" else _staff(store, county, who)
    with pytest.raises(error) as refused:
        cases.act(store, county, case.id, "return", actor, note, now=NOW)
    assert refused.value.en  # both languages
    assert store.get_incident(county.id, case.id) == case
    assert store.case_requests(county.id, case.id) == []


def test_an_extension_is_asked_and_approved_keeping_the_first_deadline(store, county, leader_id):
    case = _case(store, county)
    police = _staff(store, county, "JJ")
    until = case.deadline_at + timedelta(days=3)
    request = handling.ask_extension(store, county, case.id, police, until, "需协调路政", RULES, NOW)
    assert (request.state, request.old_deadline_at, request.deadline_at) == (
        "pending",
        case.deadline_at,
        until,
    )
    assert store.get_incident(county.id, case.id).deadline_at == case.deadline_at  # not yet
    assert "extension_asked" in _kinds(store, county, Recipient(user_id=leader_id))
    with pytest.raises(Conflict, match="待审批"):
        handling.ask_extension(store, county, case.id, police, until, "再问一次", RULES, NOW)
    decided = handling.decide_extension(store, county, request.id, LEADER, True, "同意", NOW)
    assert decided.state == "approved"
    assert store.get_incident(county.id, case.id).deadline_at == until
    assert _kinds(store, county, Recipient(unit_id=police.unit_id))[-1] == "extension_approved"
    with pytest.raises(Conflict, match="已审批"):
        handling.decide_extension(store, county, request.id, LEADER, False, "改主意", NOW)
    first = min(r.old_deadline_at for r in store.case_requests(county.id, case.id, kind="extend"))
    assert first == case.deadline_at


def test_extensions_are_bounded(store, county):
    case = _case(store, county)
    police = _staff(store, county, "JJ")
    before = store.get_incident(county.id, case.id)
    for until, error, words in (
        (case.deadline_at - timedelta(hours=1), InvalidInput, "须晚于当前时限"),
        (case.deadline_at + timedelta(days=11), InvalidInput, "天的上限"),
    ):
        with pytest.raises(error, match=words):
            handling.ask_extension(store, county, case.id, police, until, "理由", RULES, NOW)
    with pytest.raises(InvalidInput, match="缺少延期理由"):
        handling.ask_extension(
            store, county, case.id, police, case.deadline_at + timedelta(days=1), " ", RULES, NOW
        )
    with pytest.raises(Forbidden):
        handling.ask_extension(
            store,
            county,
            case.id,
            _staff(store, county, "W"),
            case.deadline_at + timedelta(days=1),
            "理由",
            RULES,
            NOW,
        )
    assert store.get_incident(county.id, case.id) == before and store.case_requests(county.id, case.id) == []
    for n in range(2):  # two granted, the third refused
        asked = handling.ask_extension(
            store, county, case.id, police, store.get_incident(county.id, case.id).deadline_at + timedelta(days=1),
            f"第 {n + 1} 次", RULES, NOW,
        )  # fmt: skip
        handling.decide_extension(store, county, asked.id, LEADER, True, "", NOW)
    with pytest.raises(Conflict, match="最多 2 次"):
        handling.ask_extension(store, county, case.id, police, NOW + timedelta(days=5), "第 3 次", RULES, NOW)


def test_a_refused_extension_keeps_the_deadline(store, county):
    case = _case(store, county)
    police = _staff(store, county, "JJ")
    asked = handling.ask_extension(
        store, county, case.id, police, case.deadline_at + timedelta(days=1), "等", RULES, NOW
    )
    with pytest.raises(Forbidden):
        handling.decide_extension(store, county, asked.id, police, True, "自己批", NOW)
    with pytest.raises(InvalidInput, match="需要说明理由"):
        handling.decide_extension(store, county, asked.id, LEADER, False, "", NOW)
    handling.decide_extension(store, county, asked.id, LEADER, False, "两小时内可办", NOW)
    assert store.get_incident(county.id, case.id).deadline_at == case.deadline_at
    assert _kinds(store, county, Recipient(unit_id=police.unit_id))[-1] == "extension_refused"


def test_a_case_on_record_is_not_overdue_and_comes_back_on_its_review_day(store, county):
    case = _case(store, county)
    review = date(2026, 11, 20)
    with pytest.raises(InvalidInput, match="复查日期"):
        handling.shelve(store, county, case.id, LEADER, "整条街改造", None, NOW)
    with pytest.raises(InvalidInput, match="缺少挂账的整改计划"):
        handling.shelve(store, county, case.id, LEADER, "", review, NOW)
    with pytest.raises(InvalidInput, match="须在今天"):
        handling.shelve(store, county, case.id, LEADER, "整条街改造", date(2026, 11, 2), NOW)
    with pytest.raises(Forbidden):
        handling.shelve(store, county, case.id, _staff(store, county, "JJ"), "整条街改造", review, NOW)
    assert store.get_incident(county.id, case.id) == case
    shelved = handling.shelve(store, county, case.id, LEADER, "整条街改造", review, NOW)
    assert shelved.status == "shelved"
    late = NOW + timedelta(days=5)
    assert store.count_incidents(county.id, overdue_at=late) == 0
    assert store.count_incidents(county.id, status="open") == 1
    assert handling.sweep(store, county, RULES, late)["unshelved"] == 0  # not yet
    back_at = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 on the review day
    assert handling.sweep(store, county, RULES, back_at)["unshelved"] == 1
    back = store.get_incident(county.id, case.id)
    assert back.status == "dispatched" and back.deadline_at == back_at + timedelta(hours=2)
    (request,) = store.case_requests(county.id, case.id, kind="shelve")
    assert (request.state, request.reason, request.review_on) == ("ended", "整条街改造", review)
    assert handling.sweep(store, county, RULES, back_at)["unshelved"] == 0  # once


def test_overdue_cases_are_supervised_at_level_1_then_2_once_each(store, county, leader_id):
    case = _case(store, county)
    police = Recipient(unit_id=_unit(store, county, "JJ").id)
    assert handling.sweep(store, county, RULES, case.deadline_at + timedelta(hours=23))["supervision_1"] == 0
    day = case.deadline_at + timedelta(hours=25)
    assert handling.sweep(store, county, RULES, day)["supervision_1"] == 1
    assert handling.sweep(store, county, RULES, day)["supervision_1"] == 0  # once
    assert _kinds(store, county, police)[-1] == "supervision_1"
    assert "supervision_1" not in _kinds(store, county, Recipient(user_id=leader_id))
    two_days = case.deadline_at + timedelta(hours=49)
    done = handling.sweep(store, county, RULES, two_days)
    assert (done["supervision_1"], done["supervision_2"]) == (0, 1)
    assert _kinds(store, county, Recipient(user_id=leader_id))[-1] == "supervision_2"
    orders = store.supervisions(county.id, case.id)
    assert sorted((o.level, o.state, o.raised_by) for o in orders) == [
        (1, "open", "系统"),
        (2, "open", "系统"),
    ]
    assert store.count_supervisions(county.id, state="open") == 2


def test_a_supervision_is_raised_by_hand_answered_by_its_unit_and_closed_with_the_case(store, county):
    case = _case(store, county)
    police = _staff(store, county, "JJ")
    with pytest.raises(InvalidInput, match="缺少督办要求"):
        handling.supervise(store, county, case.id, LEADER, "", 1, NOW)
    with pytest.raises(Forbidden):
        handling.supervise(store, county, case.id, police, "自己督办", 1, NOW)
    order = handling.supervise(store, county, case.id, LEADER, "市民反映强烈，今日办结", 1, NOW)
    assert store.count_supervisions(county.id) == 1
    with pytest.raises(Forbidden, match="不是发给您单位的"):
        handling.answer_supervision(store, county, order.id, _staff(store, county, "W"), "已办", NOW)
    assert store.get_supervision(county.id, order.id) == order
    answered = handling.answer_supervision(store, county, order.id, police, "已安排拖车", NOW)
    assert (answered.state, answered.answer, answered.answered_by) == ("answered", "已安排拖车", police.name)
    with pytest.raises(Conflict, match="已答复"):
        handling.answer_supervision(store, county, order.id, police, "再答", NOW)
    for action, actor in (("handle", police), ("verify", LEADER), ("close", LEADER)):
        cases.act(store, county, case.id, action, actor, now=NOW)
    closed = store.get_supervision(county.id, order.id)
    assert (closed.state, closed.closed_by) == ("closed", cases.SYSTEM)


def test_a_returned_case_keeps_the_unit_a_leader_gave_it_when_the_map_changes(store, county):
    case = _case(store, county)
    cases.act(store, county, case.id, "return", _staff(store, county, "JJ"), "属社区", now=NOW)
    moved = cases.act(store, county, case.id, "dispatch", LEADER, unit_code="W", now=NOW)
    routed_again = replace(store.get_incident(county.id, case.id), unit_id=_unit(store, county, "JJ").id)
    store.reroute_incidents([routed_again])
    assert store.get_incident(county.id, case.id).unit_id == moved.unit_id


def test_a_backlog_of_overdue_cases_is_supervised_a_batch_at_a_time(store, county, monkeypatch):
    monkeypatch.setattr(handling, "SWEEP_BATCH", 1)
    first = _case(store, county)
    second = cases.file_report(  # 150 m along the road: not a duplicate
        store, county, cases.Report("parking", 114.0055, 22.5101), cases.Actor("i", "inspector"), now=NOW
    ).incident
    assert second.status == "dispatched"
    later = NOW + timedelta(days=2)
    raised = [handling.sweep(store, county, RULES, later)["supervision_1"] for _ in range(3)]
    assert raised == [1, 1, 0]
    assert {o.incident_id for o in store.supervisions(county.id, state="open")} == {first.id, second.id}
