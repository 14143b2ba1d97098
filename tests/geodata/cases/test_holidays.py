"""A county's working calendar on both backends (geodata/cases/holidays.py, migration 0019): the
national calendar a new county gets, days set and removed, refusals that leave it as it was, and a
case filed in a working-hour category given its deadline through the calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from shapely.geometry import LineString, box

from geodata.cases import holidays
from geodata.cases import workflow as cases
from geodata.cases.holidays_cn import national_days
from geodata.errors import InvalidInput, NotFound
from geodata.io.imports import create_county
from geodata.model import COUNTY_TZ, County, Holiday
from tests.support.places import two_communities_and_a_road

ALL = (date(2000, 1, 1), date(2099, 12, 31))


def cst(*args) -> datetime:
    return datetime(*args, tzinfo=COUNTY_TZ)


# -- the shipped data --------------------------------------------------------------------------------
def test_the_shipped_2026_calendar_is_the_state_councils_notice():
    days = {d: (kind, name) for d, kind, name in national_days() if d.year == 2026}
    off = sorted(d for d, (kind, _) in days.items() if kind == "holiday")
    worked = sorted(d for d, (kind, _) in days.items() if kind == "workday")
    # 元旦 3 + 春节 9 + 清明 3 + 劳动节 5 + 端午 3 + 中秋 3 + 国庆 7 days off.
    assert len(off) == 33 and off[0] == date(2026, 1, 1) and off[-1] == date(2026, 10, 7)
    assert days[date(2026, 2, 15)] == ("holiday", "春节") and days[date(2026, 2, 23)] == ("holiday", "春节")
    assert worked == [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                      date(2026, 9, 20), date(2026, 10, 10)]  # fmt: skip
    assert all(d.weekday() >= 5 for d in worked)


def test_2027_ships_the_statutory_days_only():
    days = [(d, kind) for d, kind, _ in national_days() if d.year == 2027]
    assert all(kind == "holiday" for _, kind in days)  # no 调休 until the notice is entered
    # 元旦 1 + 春节 4 + 清明 1 + 劳动节 2 + 端午 1 + 中秋 1 + 国庆 3: 国务院令第795号.
    assert len(days) == 13
    assert [d for d, _ in days if d.month == 2] == [date(2027, 2, d) for d in (5, 6, 7, 8)]


# -- storage -----------------------------------------------------------------------------------------
def test_a_new_county_gets_the_national_calendar_once(store):
    county = create_county(store, "440304", "福田区")
    stored = store.list_holidays(county.id, *ALL)
    assert [(h.day, h.kind, h.name) for h in stored] == national_days()
    assert holidays.load_national(store, county.id) == 0  # loading again adds nothing
    other = store.add_county(County("440305", "南山区"))
    assert store.list_holidays(other.id, *ALL) == []  # each county its own
    assert holidays.load_national(store, other.id) == len(national_days())


def test_days_are_set_replaced_listed_by_span_and_removed(store):
    county = store.add_county(County("440304", "福田区"))
    holidays.set_day(store, county.id, date(2027, 2, 20), "workday", " 春节 ")  # a Saturday
    holidays.set_day(store, county.id, date(2027, 2, 9), "holiday", "春节")
    holidays.set_day(store, county.id, date(2027, 2, 9), "holiday", "春节（补假）")  # replaces
    got = store.list_holidays(county.id, date(2027, 2, 1), date(2027, 2, 28))
    assert got == [Holiday(county.id, date(2027, 2, 9), "holiday", "春节（补假）"),
                   Holiday(county.id, date(2027, 2, 20), "workday", "春节")]  # fmt: skip
    assert store.list_holidays(county.id, date(2027, 2, 10), date(2027, 2, 19)) == []
    holidays.remove_day(store, county.id, date(2027, 2, 9))
    assert [h.day for h in store.list_holidays(county.id, *ALL)] == [date(2027, 2, 20)]
    with pytest.raises(NotFound) as missing:
        holidays.remove_day(store, county.id, date(2027, 2, 9))
    assert missing.value.en == "The calendar has no holiday or make-up workday on 2027-02-09"


@pytest.mark.parametrize(
    ("day", "kind", "zh", "en"),
    [
        ("2027-02-30", "holiday", "日期 '2027-02-30' 无效", "The date '2027-02-30' is invalid"),
        ("1999-10-01", "holiday", "超出范围", "out of range"),
        ("2027-02-09", "vacation", "未知的日历日类型 'vacation'", "Unknown kind of day 'vacation'"),
        ("2027-02-10", "workday", "2027-02-10 是星期三，本来就上班", "2027-02-10 is a Wednesday"),
    ],
)
def test_bad_days_are_refused_and_nothing_changes(store, day, kind, zh, en):
    county = store.add_county(County("440304", "福田区"))
    holidays.set_day(store, county.id, date(2027, 2, 10), "holiday", "春节")
    before = store.list_holidays(county.id, *ALL)
    with pytest.raises(InvalidInput) as refused:
        holidays.set_day(store, county.id, holidays.parse_day(day), kind, "春节")
    assert zh in refused.value.message and en in refused.value.en
    assert store.list_holidays(county.id, *ALL) == before


def test_the_store_refuses_a_kind_the_caller_did_not_check(store):
    county = store.add_county(County("440304", "福田区"))
    with pytest.raises(InvalidInput):
        store.set_holiday(Holiday(county.id, date(2027, 2, 10), "weekend"))
    with pytest.raises(InvalidInput):
        store.set_category_deadline_kind("posters", "weekly")
    with pytest.raises(NotFound):
        store.set_category_deadline_kind("no_such_category", "working")
    assert store.list_holidays(county.id, *ALL) == []


# -- filing ------------------------------------------------------------------------------------------
@pytest.fixture
def county(store):
    c = create_county(store, "440304", "福田区")
    c = store.update_county(County(c.code, c.name, c.id, box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650))
    two_communities_and_a_road(store, c, LineString([(114.002, 22.51), (114.006, 22.51)]), cst(2026, 1, 1))
    return c


def _file(store, county, category, now):
    report = cases.Report(category, 114.004, 22.5101)
    return cases.file_report(store, county, report, cases.Actor("inspector", "inspector"), now=now).incident


def test_existing_categories_keep_clock_hours(store, county):
    assert {c.deadline_kind for c in store.list_categories()} == {"calendar"}
    case = _file(store, county, "posters", cst(2026, 2, 13, 17, 50))
    assert case.deadline_at == cst(2026, 2, 14, 17, 50)  # 牛皮癣: 24 clock hours, as before


def test_a_working_hour_category_is_filed_with_its_deadline_in_the_county_calendar(store, county):
    store.set_category_deadline_kind("posters", "working")
    assert store.get_category("posters").deadline_kind == "working"
    # The Spring Festival case of test_deadlines.py: Friday 13 February 2026 17:50, 24 working hours.
    case = _file(store, county, "posters", cst(2026, 2, 13, 17, 50))
    assert case.deadline_at == cst(2026, 2, 26, 11, 50)
    assert store.get_incident(county.id, case.id).deadline_at == cst(2026, 2, 26, 11, 50)
    # An administrator makes Thursday 26 February a holiday too: the next case runs a day longer.
    holidays.set_day(store, county.id, date(2026, 2, 26), "holiday", "春节（延长）")
    later = _file(store, county, "posters", cst(2026, 2, 13, 17, 50) + timedelta(minutes=1))
    assert later.deadline_at == cst(2026, 2, 27, 11, 51)
    # A calendar-hour category beside it: 乱停车, 2 clock hours.
    parked = _file(store, county, "parking", cst(2026, 2, 13, 17, 50))
    assert parked.deadline_at == cst(2026, 2, 13, 19, 50)
