"""Cases on both backends: filing routes, deadlines, duplicates, the review queue, the workflow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import LineString, box

from geodata.cases import workflow as cases
from geodata.errors import Conflict, Forbidden, InvalidInput, NotFound
from geodata.model import County
from tests.support.places import two_communities_and_a_road

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
LEADER = cases.Actor("leader", "leader")
INSPECTOR = cases.Actor("inspector", "inspector")


@pytest.fixture
def county(store):
    """Two communities side by side along 114.01°E, each led by its committee; a road in the
    west community led by the traffic police."""
    c = store.add_county(
        County("440304", "福田示范区", extent=box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650)
    )
    two_communities_and_a_road(store, c, LineString([(114.002, 22.51), (114.006, 22.51)]), since=T0)
    return c


def _unit(store, county, code):
    return next(u for u in store.list_units(county.id) if u.code == code)


def _file(store, county, lon, lat, category="parking", now=NOW, actor=INSPECTOR, **kw):
    return cases.file_report(store, county, cases.Report(category, lon, lat, **kw), actor, now=now)


def test_a_report_is_routed_dispatched_and_given_its_categorys_deadline(store, county):
    filed = _file(store, county, 114.004, 22.5101, description="占道停车")
    case = filed.incident
    assert filed.unit.code == "JJ" and not filed.review and filed.duplicate_of is None
    assert case.status == "dispatched" and case.reporter == "inspector"
    assert case.deadline_at == NOW + timedelta(hours=2)  # 乱停车: two hours
    events = store.incident_events(county.id, case.id)
    assert [(e.from_status, e.to_status) for e in events] == [(None, "filed"), ("filed", "dispatched")]


def test_a_report_on_a_boundary_between_two_units_waits_for_a_leader(store, county):
    filed = _file(store, county, 114.01003, 22.515, category="sanitation")  # 3 m east of the line
    assert filed.review and filed.incident.status == "filed"
    assert set(filed.incident.review_units) == {_unit(store, county, "W").id, _unit(store, county, "E").id}
    queue = store.list_incidents(county.id, status="filed")
    assert [c.id for c in queue] == [filed.incident.id]
    picked = cases.act(store, county, filed.incident.id, "dispatch", LEADER, unit_code="W", now=NOW)
    assert picked.status == "dispatched" and picked.unit_id == _unit(store, county, "W").id
    assert picked.review_units == ()


def test_a_second_report_within_20_m_and_24_h_is_linked_and_not_counted(store, county):
    first = _file(store, county, 114.004, 22.5101).incident
    again = _file(store, county, 114.00415, 22.5101, now=NOW + timedelta(hours=3))  # ~15 m away
    assert again.duplicate_of == first.id and again.incident.status == "rejected"
    other_kind = _file(store, county, 114.00415, 22.5101, category="posters", now=NOW + timedelta(hours=3))
    far = _file(store, county, 114.0045, 22.5101, now=NOW + timedelta(hours=3))  # ~51 m away
    late = _file(store, county, 114.004, 22.5101, now=NOW + timedelta(hours=25))
    assert (other_kind.duplicate_of, far.duplicate_of, late.duplicate_of) == (None, None, None)
    assert store.count_incidents(county.id) == 5
    assert store.count_incidents(county.id, duplicates=False) == 4


def test_the_workflow_with_rework(store, county):
    case = _file(store, county, 114.004, 22.5101).incident
    police = cases.Actor("jj", "unit_staff", _unit(store, county, "JJ").id)
    cases.act(store, county, case.id, "handle", police, "已拖离", now=NOW)
    again = cases.act(store, county, case.id, "reopen", INSPECTOR, "仍有车辆", now=NOW)
    assert again.status == "reopened" and again.rework == 1
    cases.act(store, county, case.id, "handle", police, now=NOW)
    cases.act(store, county, case.id, "verify", INSPECTOR, now=NOW)
    done = cases.act(store, county, case.id, "close", INSPECTOR, now=NOW)
    assert done.status == "closed"
    trail = [(e.actor, e.to_status) for e in store.incident_events(county.id, case.id)]
    assert trail == [("inspector", "filed"), ("系统", "dispatched"), ("jj", "handled"),
                     ("inspector", "reopened"), ("jj", "handled"), ("inspector", "verified"),
                     ("inspector", "closed")]  # fmt: skip


def test_who_may_do_what(store, county):
    case = _file(store, county, 114.004, 22.5101).incident
    other_unit = cases.Actor("w", "unit_staff", _unit(store, county, "W").id)
    with pytest.raises(Forbidden, match="不属于您的单位"):
        cases.act(store, county, case.id, "handle", other_unit, now=NOW)
    with pytest.raises(Forbidden, match="督查员不能派发"):
        cases.act(store, county, case.id, "dispatch", INSPECTOR, now=NOW)
    with pytest.raises(Conflict, match="当前状态为“已派发”") as err:
        cases.act(store, county, case.id, "verify", INSPECTOR, now=NOW)
    assert err.value.details["status"] == "dispatched"
    with pytest.raises(InvalidInput, match="驳回需要说明理由"):
        cases.act(store, county, case.id, "reject", LEADER, now=NOW)
    with pytest.raises(NotFound, match="案件 #999 不存在"):
        cases.act(store, county, 999, "handle", LEADER, now=NOW)
    assert store.get_incident(county.id, case.id).status == "dispatched"
    assert len(store.incident_events(county.id, case.id)) == 2  # nothing was written


def test_overdue_cases(store, county):
    case = _file(store, county, 114.004, 22.5101).incident  # due in two hours
    assert not cases.is_overdue(case, NOW + timedelta(hours=1))
    assert cases.is_overdue(case, NOW + timedelta(hours=3))
    assert store.count_incidents(county.id, overdue_at=NOW + timedelta(hours=3)) == 1
    police = cases.Actor("jj", "unit_staff", case.unit_id)
    cases.act(store, county, case.id, "handle", police, now=NOW + timedelta(hours=1))
    assert store.count_incidents(county.id, overdue_at=NOW + timedelta(hours=3)) == 0


@pytest.mark.parametrize(
    ("report", "field", "message"),
    [
        (cases.Report("parking", "", 22.51), "long", "缺少经度"),
        (cases.Report("parking", "东经114", 22.51), "long", "经度不是数字"),
        (cases.Report("parking", 114.004, "nan"), "lat", "纬度不是有限的数字"),
        (cases.Report("parking", 22.51, 114.004), "lat", "经纬度是否填反了"),
        (cases.Report("parking", 116.4, 39.9), "lat", "不在福田示范区范围内"),
        (cases.Report("graffiti", 114.004, 22.51), "category", "未知的问题类别 'graffiti'"),
        (cases.Report("", 114.004, 22.51), "category", "缺少问题类别"),
        (cases.Report("parking", 114.004, 22.51, description="长" * 2001), "description", "描述过长"),
    ],
)
def test_bad_reports_store_nothing(store, county, report, field, message):
    with pytest.raises((InvalidInput, NotFound), match=message) as err:
        cases.file_report(store, county, report, INSPECTOR, now=NOW)
    assert err.value.details.get("field") == field
    assert store.count(county.id, "incident") == 0 and store.count(county.id, "incident_event") == 0


def test_case_lists_filter_and_page(store, county):
    made = [_file(store, county, 114.001 + i * 0.001, 22.505, category="posters").incident for i in range(5)]
    made.append(_file(store, county, 114.015, 22.505, category="sanitation").incident)  # east
    west = store.list_zones(county.id, kind="community")[0]
    assert store.count_incidents(county.id, zone_id=west.id) == 5
    assert store.count_incidents(county.id, category="sanitation") == 1
    assert store.count_incidents(county.id, unit_id=_unit(store, county, "E").id) == 1
    page = store.list_incidents(county.id, newest_first=True, limit=2, offset=2)
    assert [c.id for c in page] == [made[3].id, made[2].id]
    assert store.count_incidents(county.id, bbox=(114.0, 22.5, 114.0025, 22.51)) == 2
    assert store.count_incidents(county.id, status="open") == 6
