"""A county's working calendar kept in its ``holiday`` rows: the national calendar loaded into it
(geodata/cases/holidays_cn.py), a day set or removed by an administrator, checked first, and the
calendar read back for the deadlines of geodata/cases/deadlines.py.

Messages are in Chinese with their English beside them, as everywhere in geodata.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from geodata.cases.deadlines import WorkCalendar, deadline
from geodata.cases.holidays_cn import national_days, national_years
from geodata.errors import InvalidInput, NotFound
from geodata.labels import HOLIDAY_KIND_ZH
from geodata.model import COUNTY_TZ, HOLIDAY_KINDS, Category, Holiday
from geodata.stores.store import Store

FIRST_YEAR, LAST_YEAR = 2000, 2099  # a day outside these is a typing slip, not a calendar
MAX_NAME = 20
WEEKDAY_ZH = "一二三四五六日"
WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Days beyond a deadline's working days the calendar is read for: the longest run of days off in
# the national calendar (春节, 9 days) and its neighbouring weekends, with room to spare.
SPAN_MARGIN_DAYS = 40


def parse_day(text: str) -> date:
    """A calendar day from ``YYYY-MM-DD`` text, within FIRST_YEAR..LAST_YEAR."""
    try:
        day = date.fromisoformat(str(text).strip())
    except ValueError:
        raise InvalidInput(
            f"日期 {text!r} 无效：应为 YYYY-MM-DD，如 2026-10-01",
            en=f"The date {text!r} is invalid: write YYYY-MM-DD, e.g. 2026-10-01",
            field="day",
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            f"日期 {day} 超出范围：应在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间",
            en=f"The date {day} is out of range: it must lie in the years {FIRST_YEAR} to {LAST_YEAR}",
            field="day",
        )
    return day


def check_day(holiday: Holiday) -> Holiday:
    """The day as it will be stored (its name trimmed), or InvalidInput naming what is wrong: an
    unknown kind, a make-up workday on a weekday (it is worked anyway), a name too long."""
    if holiday.kind not in HOLIDAY_KINDS:
        choices = ", ".join(f"{k}（{HOLIDAY_KIND_ZH[k]}）" for k in HOLIDAY_KINDS)
        raise InvalidInput(
            f"未知的日历日类型 {holiday.kind!r}：可选 {choices}",
            en=f"Unknown kind of day {holiday.kind!r}: choose {', '.join(HOLIDAY_KINDS)}",
            field="kind",
        )
    weekday = holiday.day.weekday()
    if holiday.kind == "workday" and weekday < 5:
        raise InvalidInput(
            f"{holiday.day} 是星期{WEEKDAY_ZH[weekday]}，本来就上班：调休上班日只能设在周六或周日",
            en=f"{holiday.day} is a {WEEKDAY_EN[weekday]}, a working day anyway: "
            "a make-up workday must be a Saturday or a Sunday",
            field="kind",
        )
    name = holiday.name.strip()
    if len(name) > MAX_NAME:
        raise InvalidInput(
            f"名称过长：{len(name)} 字，最多 {MAX_NAME} 字",
            en=f"The name is too long: {len(name)} characters, at most {MAX_NAME}",
            field="name",
        )
    return Holiday(holiday.county_id, holiday.day, holiday.kind, name)


def set_day(store: Store, county_id: int, day: date, kind: str, name: str = "") -> Holiday:
    """Make ``day`` a holiday or a make-up workday of the county (replacing what it was)."""
    return store.set_holiday(check_day(Holiday(county_id, day, kind, name)))


def remove_day(store: Store, county_id: int, day: date) -> None:
    """Let ``day`` follow the week's rule again; NotFound when the county's calendar has no entry
    for it."""
    if not store.remove_holiday(county_id, day):
        raise NotFound(
            f"日历中没有 {day} 的节假日或调休安排",
            en=f"The calendar has no holiday or make-up workday on {day}",
            field="day",
        )


def load_national(store: Store, county_id: int, year: int | None = None) -> int:
    """Add the shipped national calendar's days (of ``year`` only, when given) the county does not
    have yet (a day an administrator set stays as they set it); how many were added.
    InvalidInput when the shipped calendar has no days of ``year``."""
    days = [d for d in national_days() if year is None or d[0].year == year]
    if not days:
        years = [str(y) for y in national_years()]
        shipped, shipped_en = "、".join(years), ", ".join(years)
        raise InvalidInput(
            f"随程序提供的全国节假日安排中没有 {year} 年（只有 {shipped} 年）：请逐日添加",
            en=f"The national calendar shipped with the portal has no days of {year} (only of {shipped_en}): "
            "please add the days one by one",
            field="year",
        )
    with store.transaction():
        have = {h.day for h in store.list_holidays(county_id, days[0][0], days[-1][0])}
        added = [Holiday(county_id, d, kind, name) for d, kind, name in days if d not in have]
        for holiday in added:
            store.set_holiday(holiday)
    return len(added)


def county_calendar(store: Store, county_id: int, first: date, last: date) -> WorkCalendar:
    """The county's working calendar for the days ``first`` to ``last``."""
    return WorkCalendar.of(store.list_holidays(county_id, first, last), span=(first, last))


def span_for(start: datetime, end: datetime, hours: float) -> tuple[date, date]:
    """The days a calendar must cover for deadlines of ``hours`` working hours from any time
    between ``start`` and ``end``: at most two calendar days a working day, and a margin."""
    working_days = math.ceil(hours / (WorkCalendar().day_length / timedelta(hours=1)))
    first = start.astimezone(COUNTY_TZ).date() - timedelta(days=1)
    return first, end.astimezone(COUNTY_TZ).date() + timedelta(days=2 * working_days + SPAN_MARGIN_DAYS)


def due(store: Store, county_id: int, category: Category, start: datetime) -> datetime:
    """The deadline of a case of ``category`` filed at ``start``, in the county's calendar (read
    only for a category counted in working hours)."""
    if category.deadline_kind == "calendar":
        return deadline(start, category.deadline_hours, "calendar", WorkCalendar())
    first, last = span_for(start, start, category.deadline_hours)
    return deadline(start, category.deadline_hours, "working", county_calendar(store, county_id, first, last))
