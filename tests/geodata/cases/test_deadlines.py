"""Deadlines in working time (geodata/cases/deadlines.py), pure: five cases worked out by hand in
the shipped national calendar, and hypothesis properties over calendars of random holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.cases.deadlines import OFFICE_HOURS, WorkCalendar, deadline, working_hours_between
from geodata.cases.holidays_cn import national_days
from geodata.errors import InvalidInput
from geodata.model import COUNTY_TZ, Holiday

NATIONAL = WorkCalendar.of(Holiday(1, d, kind, name) for d, kind, name in national_days())


def cst(*args) -> datetime:
    return datetime(*args, tzinfo=COUNTY_TZ)


# -- the five cases of the done-when, by hand ------------------------------------------------------
def test_spring_festival_2026():
    # Filed Friday 13 February 17:50, 24 working hours. Friday: 17:50–18:00, 10 min. Saturday the
    # 14th is a make-up workday: 7 h (7 h 10 min). 15–23 February: 春节, off. Tuesday 24th 7 h
    # (14 h 10), Wednesday 25th 7 h (21 h 10), Thursday 26th the last 2 h 50: 09:00–11:50.
    assert deadline(cst(2026, 2, 13, 17, 50), 24, "working", NATIONAL) == cst(2026, 2, 26, 11, 50)


def test_national_day_week_2026():
    # Filed Wednesday 30 September 10:00, 24 working hours. That day: 10–12 and 14–18, 6 h.
    # 1–7 October: 国庆, off. Thursday 8th 7 h (13 h), Friday 9th 7 h (20 h), Saturday 10th a make-up
    # workday: 09–12 (23 h) and 14:00–15:00 the last hour.
    assert deadline(cst(2026, 9, 30, 10, 0), 24, "working", NATIONAL) == cst(2026, 10, 10, 15, 0)


def test_a_make_up_saturday_counts_and_a_plain_saturday_does_not():
    # Filed Friday 27 February 2026 16:00, 8 working hours. Friday 16–18: 2 h. Saturday 28th is a
    # make-up workday: 09–12 (5 h) and 14:00–17:00 the last 3 h.
    assert deadline(cst(2026, 2, 27, 16, 0), 8, "working", NATIONAL) == cst(2026, 2, 28, 17, 0)
    # The same a week later: Saturday 7 March and Sunday 8th are off, so Monday the 9th: 09–12
    # (5 h), 14:00–17:00 the last 3 h.
    assert deadline(cst(2026, 3, 6, 16, 0), 8, "working", NATIONAL) == cst(2026, 3, 9, 17, 0)
    # Sunday 20 September 2026 is one too: filed that day at 08:00 (before opening), 4 h: 09–12
    # and 14:00–15:00.
    assert deadline(cst(2026, 9, 20, 8, 0), 4, "working", NATIONAL) == cst(2026, 9, 20, 15, 0)


def test_friday_at_17_50():
    # Friday 4 December 2026 17:50, 8 working hours: 10 min on Friday, Saturday and Sunday off,
    # Monday the 7th 7 h (7 h 10), Tuesday the 8th the last 50 min: 09:00–09:50.
    due = deadline(cst(2026, 12, 4, 17, 50), 8, "working", NATIONAL)
    assert due == cst(2026, 12, 8, 9, 50)
    # The same start in UTC (09:50Z) gives the same moment, in UTC.
    assert deadline(datetime(2026, 12, 4, 9, 50, tzinfo=UTC), 8, "working", NATIONAL) == due
    assert working_hours_between(cst(2026, 12, 4, 17, 50), due, NATIONAL) == 8


def test_a_calendar_hour_category_keeps_the_clock():
    # 乱停车, 2 clock hours: Friday 4 December 17:50 → 19:50, office or not; over 春节 too.
    assert deadline(cst(2026, 12, 4, 17, 50), 2, "calendar", NATIONAL) == cst(2026, 12, 4, 19, 50)
    assert deadline(cst(2026, 2, 16, 23, 0), 72, "calendar", NATIONAL) == cst(2026, 2, 19, 23, 0)


def test_an_unknown_kind_is_refused_in_both_languages():
    with pytest.raises(InvalidInput) as refused:
        deadline(cst(2026, 12, 4, 9, 0), 8, "weekdays", NATIONAL)
    assert "weekdays" in refused.value.message and "工作时" in refused.value.message
    assert refused.value.en == "Unknown deadline kind 'weekdays': choose working, calendar"


def test_a_calendar_refuses_a_day_it_was_not_loaded_for():
    loaded = WorkCalendar(span=(date(2026, 12, 1), date(2026, 12, 10)))
    assert deadline(cst(2026, 12, 4, 17, 50), 8, "working", loaded) == cst(2026, 12, 8, 9, 50)
    with pytest.raises(ValueError, match="outside the calendar"):
        deadline(cst(2026, 12, 4, 17, 50), 80, "working", loaded)


# -- properties ------------------------------------------------------------------------------------
SPAN_START = date(2026, 1, 1)
days = st.integers(0, 120).map(lambda n: SPAN_START + timedelta(days=n))
calendars = st.builds(
    lambda off, extra: WorkCalendar(frozenset(off), frozenset(d for d in extra if d.weekday() >= 5)),
    st.sets(days, max_size=30),
    st.sets(days, max_size=10),
)
starts = st.builds(
    lambda day, minute: datetime.combine(day, time(0), tzinfo=COUNTY_TZ) + timedelta(minutes=minute),
    days,
    st.integers(0, 24 * 60 - 1),
)
hours = st.integers(1, 120)
PROPERTIES = settings(max_examples=200, deadline=None)


def _in_office(moment: datetime, calendar: WorkCalendar) -> bool:
    local = moment.astimezone(COUNTY_TZ)
    return calendar.is_working_day(local.date()) and any(a <= local.time() <= b for a, b in OFFICE_HOURS)


@PROPERTIES
@given(calendars, starts, hours, st.sampled_from(["working", "calendar"]))
def test_a_deadline_is_never_before_its_start(calendar, start, n, kind):
    due = deadline(start, n, kind, calendar)
    assert due > start
    assert kind == "working" or due == start + timedelta(hours=n)


@PROPERTIES
@given(calendars, starts, hours, hours)
def test_more_hours_never_give_an_earlier_deadline(calendar, start, a, b):
    low, high = sorted((a, b))
    assert deadline(start, low, "working", calendar) <= deadline(start, high, "working", calendar)


@PROPERTIES
@given(calendars, starts, starts)
def test_a_later_start_never_gives_an_earlier_deadline(calendar, a, b):
    early, late = sorted((a, b))
    assert deadline(early, 16, "working", calendar) <= deadline(late, 16, "working", calendar)


@PROPERTIES
@given(calendars, starts, hours)
def test_working_hours_between_inverts_deadline(calendar, start, n):
    assert working_hours_between(start, deadline(start, n, "working", calendar), calendar) == n


@PROPERTIES
@given(calendars, starts, starts)
def test_working_hours_between_is_antisymmetric_and_additive(calendar, a, b):
    middle = a + (b - a) / 2
    forward = working_hours_between(a, b, calendar)
    assert forward == pytest.approx(-working_hours_between(b, a, calendar))
    halves = working_hours_between(a, middle, calendar) + working_hours_between(middle, b, calendar)
    assert forward == pytest.approx(halves)


@PROPERTIES
@given(calendars, starts, hours)
def test_a_working_deadline_lands_in_office_hours_of_a_working_day(calendar, start, n):
    due = deadline(start, n, "working", calendar)
    assert _in_office(due, calendar)
    assert due.astimezone(COUNTY_TZ).date() not in calendar.holidays - calendar.workdays
