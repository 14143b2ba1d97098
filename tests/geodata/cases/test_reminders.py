"""The reminders the worker's sweep sends, on both backends: "4 working hours left" and "overdue"
once per deadline (again after a 延期), counted in working hours for a working-hours category, and
each unit's daily digest once a day from its hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import LineString, box

from geodata.cases import handling, reminders
from geodata.cases import workflow as cases
from geodata.model import County
from geodata.notify.model import Recipient
from tests.support.places import two_communities_and_a_road

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in the county
T0 = datetime(2026, 1, 1, tzinfo=UTC)
LEADER = cases.Actor("leader", "leader")


@pytest.fixture
def county(store):
    c = store.add_county(
        County("440304", "福田示范区", extent=box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650)
    )
    two_communities_and_a_road(store, c, LineString([(114.002, 22.51), (114.006, 22.51)]), since=T0)
    return c


def _file(store, county, category="parking", at=NOW, lon=114.004):
    return cases.file_report(
        store, county, cases.Report(category, lon, 22.5101), cases.Actor("i", "inspector"), now=at
    ).incident


def _kinds(store, county, unit_id) -> list[str]:
    return [
        n.kind for n in reversed(store.list_notifications(county.id, Recipient(unit_id=unit_id), limit=100))
    ]


def test_due_soon_and_overdue_once_per_deadline(store, county):
    case = _file(store, county)  # 乱停车: due in two clock hours
    police = case.unit_id
    assert reminders.remind(store, county, NOW, digest_hour=23) == {"due_soon": 1}
    assert reminders.remind(store, county, NOW + timedelta(minutes=1), digest_hour=23) == {}
    late = case.deadline_at + timedelta(minutes=1)
    assert reminders.remind(store, county, late, digest_hour=23) == {"overdue": 1}
    assert reminders.remind(store, county, late, digest_hour=23) == {}
    assert _kinds(store, county, police) == ["dispatched", "due_soon", "overdue"]
    staff = cases.Actor("staff", "unit_staff", police)
    asked = handling.ask_extension(
        store, county, case.id, staff, case.deadline_at + timedelta(hours=3), "等车", now=late
    )
    handling.decide_extension(store, county, asked.id, LEADER, True, "", late)
    assert reminders.remind(store, county, late, digest_hour=23) == {"due_soon": 1}  # the new deadline
    assert reminders.remind(store, county, late + timedelta(hours=3), digest_hour=23) == {"overdue": 1}


def test_a_working_hours_category_is_reminded_by_office_hours_left(store, county):
    store.set_category_deadline_kind("sanitation", "working")
    case = _file(store, county, "sanitation")
    evening = case.deadline_at - timedelta(hours=17)  # 17 clock hours left, most of them a night
    assert (
        reminders._hours_left(store, county, evening)("sanitation", case.deadline_at)
        <= reminders.DUE_SOON_HOURS
    )
    assert reminders.remind(store, county, evening, digest_hour=23).get("due_soon") == 1
    calendar = _file(store, county, "parking", at=evening + timedelta(hours=9), lon=114.0055)
    # a clock-hours case is counted by the clock: 17 hours before its deadline, 17 are left
    left = reminders._hours_left(store, county, calendar.deadline_at - timedelta(hours=17))
    assert left("parking", calendar.deadline_at) == 17


def test_each_unit_gets_its_digest_once_a_day_from_its_hour(store, county):
    case = _file(store, county)
    late = case.deadline_at + timedelta(hours=2)  # 13:00 in the county: the case is overdue
    assert "digest" not in reminders.remind(store, county, late, digest_hour=14)
    assert reminders.remind(store, county, late, digest_hour=12)["digest"] == 1
    assert reminders.remind(store, county, late + timedelta(hours=1), digest_hour=12)["digest"] == 0
    (digest,) = [
        n for n in store.list_notifications(county.id, Recipient(unit_id=case.unit_id)) if n.kind == "digest"
    ]
    assert digest.incident_id is None and "在办 1 件，今日到期 0 件，已逾期 1 件" in digest.body
    assert "1 open, 0 due today, 1 overdue" in digest.body_en
    next_day = late + timedelta(days=1)
    assert reminders.remind(store, county, next_day, digest_hour=12)["digest"] == 1
