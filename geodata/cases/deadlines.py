"""A case's deadline in working time (DESIGN §10, §12): a county's working calendar and the two
pure functions over it, ``deadline`` and ``working_hours_between``. No store: the calendar is
handed in (geodata/cases/holidays.py loads a county's from its ``holiday`` rows).

A *working* category's N hours are office minutes on working days: a weekday that is not a
holiday, or a make-up workday (调休上班) on a weekend. A case filed outside office hours starts
counting at the next opening, and the deadline is the moment its last office minute ends (so it
may be the closing time itself, 12:00 or 18:00, never the lunch break or the night). A
*calendar* category keeps the clock's hours: ``start + hours``.

Times are aware datetimes; days and office hours are those of the county's clock (COUNTY_TZ).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from geodata.errors import InvalidInput
from geodata.labels import DEADLINE_KIND_ZH
from geodata.model import COUNTY_TZ, DEADLINE_KINDS, Holiday

# A county's office hours (Shenzhen's government offices; the demo is Futian): 7 hours a working
# day. Kept here, in one place, until counties have a settings table of their own (the
# administration issue); a WorkCalendar takes other hours as they are.
OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(14), time(18)))
DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked and when the office is open. ``span`` (first, last day, inclusive)
    is the range the holidays were loaded for: a computation that runs past it is refused rather
    than silently read as an ordinary week (None: the days given are all there is)."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # make-up workdays (调休上班) on weekends
    office_hours: tuple[tuple[time, time], ...] = OFFICE_HOURS
    span: tuple[date, date] | None = None
    day_length: timedelta = field(init=False)

    def __post_init__(self) -> None:
        hours = self.office_hours
        overlapping = any(closes > opens for (_, closes), (opens, _) in zip(hours, hours[1:], strict=False))
        if not hours or overlapping or any(a >= b for a, b in hours):
            raise ValueError(f"office hours must be ascending, non-overlapping periods: {hours}")
        monday = date(2000, 1, 3)  # any day: office hours are the same every working day
        length = sum((_at(monday, b) - _at(monday, a) for a, b in hours), timedelta(0))
        object.__setattr__(self, "day_length", length)

    @classmethod
    def of(
        cls,
        days: Iterable[Holiday],
        office_hours: tuple[tuple[time, time], ...] = OFFICE_HOURS,
        span: tuple[date, date] | None = None,
    ) -> WorkCalendar:
        """The calendar of a county's holiday rows."""
        days = list(days)
        return cls(
            frozenset(d.day for d in days if d.kind == "holiday"),
            frozenset(d.day for d in days if d.kind == "workday"),
            office_hours,
            span,
        )

    def is_working_day(self, day: date) -> bool:
        self._check_known(day)
        if day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() < 5

    def periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The office's open periods on ``day`` (none on a day off), in the county's clock."""
        if not self.is_working_day(day):
            return []
        return [(_at(day, a), _at(day, b)) for a, b in self.office_hours]

    def _check_known(self, day: date) -> None:
        if self.span is not None and not self.span[0] <= day <= self.span[1]:
            # A caller's mistake (the span is chosen from the hours asked for), never a user's.
            raise ValueError(f"{day} is outside the calendar loaded for {self.span[0]}..{self.span[1]}")


def deadline(start: datetime, hours: float, kind: str, calendar: WorkCalendar) -> datetime:
    """When ``hours`` of a ``kind`` category ('working' or 'calendar') have run from ``start``,
    in ``start``'s time zone."""
    if kind not in DEADLINE_KINDS:
        raise InvalidInput(
            f"未知的时限计算方式 {kind!r}：可选 {', '.join(f'{k}（{DEADLINE_KIND_ZH[k]}）' for k in DEADLINE_KINDS)}",
            en=f"Unknown deadline kind {kind!r}: choose {', '.join(DEADLINE_KINDS)}",
            field="deadline_kind",
        )
    _aware(start)
    remaining = timedelta(hours=hours)
    if kind == "calendar" or remaining <= timedelta(0):
        return start + remaining
    local = start.astimezone(COUNTY_TZ)
    day = local.date()
    while True:
        # A whole day still short of the deadline is passed over without building its hours: the
        # demo's 33,000 working-hour deadlines take 0.8 s so (measured on this machine).
        if local < _at(day, calendar.office_hours[0][0]) and calendar.day_length < remaining:
            if calendar.is_working_day(day):
                remaining -= calendar.day_length
            day += DAY
            continue
        for opens, closes in calendar.periods(day):
            begin = max(opens, local)
            if begin >= closes:
                continue
            if closes - begin >= remaining:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= closes - begin
        day += DAY


def working_hours_between(a: datetime, b: datetime, calendar: WorkCalendar) -> float:
    """The office hours of working days from ``a`` to ``b`` (negative when ``b`` is earlier): what
    is left of a working deadline, or how late a case was in working time."""
    _aware(a)
    _aware(b)
    if b < a:
        return -working_hours_between(b, a, calendar)
    a, b = a.astimezone(COUNTY_TZ), b.astimezone(COUNTY_TZ)
    total, day = timedelta(0), a.date()
    while day <= b.date():
        whole = a <= _at(day, calendar.office_hours[0][0]) and _at(day, calendar.office_hours[-1][1]) <= b
        if whole:
            total += calendar.day_length if calendar.is_working_day(day) else timedelta(0)
        else:
            for opens, closes in calendar.periods(day):
                total += max(timedelta(0), min(closes, b) - max(opens, a))
        day += DAY
    return total / timedelta(hours=1)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=COUNTY_TZ)


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError(f"{moment} has no time zone: deadlines need aware times")
