"""A county's working calendar (geodata/cases/deadlines.py; migration 0019): its holidays and make-up
workdays, and how each category's deadline counts hours. Both backends implement it with
geodata/stores/shared/calendar.py."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from geodata.model import Holiday


class CalendarStore(Protocol):
    """The days of a county's calendar that differ from the week's rule, and the deadline kind of
    the categories."""

    def list_holidays(self, county_id: int, first: date, last: date) -> list[Holiday]:
        """The county's days from ``first`` to ``last`` (both included), in date order."""

    def set_holiday(self, holiday: Holiday) -> Holiday:
        """Write the day (replacing what the county had for it); its kind must be one of
        HOLIDAY_KINDS (geodata/cases/holidays.py checks the rest before it gets here)."""

    def remove_holiday(self, county_id: int, day: date) -> bool:
        """Remove the county's entry for the day; False when it had none."""

    def set_category_deadline_kind(self, code: str, kind: str) -> None:
        """Count the category's deadline in ``kind`` hours (DEADLINE_KINDS); NotFound naming an
        unknown category."""
