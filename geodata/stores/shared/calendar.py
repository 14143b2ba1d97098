"""A county's working calendar (migration 0019), in the SQL both backends share
(geodata/stores/interface/calendar.py). Days are written as ISO text, which SQLite keeps as it is
and PostgreSQL reads into its date column."""

from __future__ import annotations

from datetime import date

from geodata.errors import NotFound
from geodata.model import DEADLINE_KINDS, HOLIDAY_KINDS, Holiday
from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import check_choice

_SET = """
    INSERT INTO holiday (county_id, day, kind, name)
    VALUES (%(county_id)s, %(day)s, %(kind)s, %(name)s)
    ON CONFLICT (county_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name
"""


class CalendarSql(BaseStore):
    def list_holidays(self, county_id: int, first: date, last: date) -> list[Holiday]:
        rows = self._rows(
            "SELECT county_id, day, kind, name FROM holiday "
            "WHERE county_id = %(c)s AND day >= %(first)s AND day <= %(last)s ORDER BY day",
            {"c": county_id, "first": first.isoformat(), "last": last.isoformat()},
        )
        return [
            Holiday(r["county_id"], date.fromisoformat(str(r["day"])), r["kind"], r["name"]) for r in rows
        ]

    def set_holiday(self, holiday: Holiday) -> Holiday:
        check_choice(holiday.kind, HOLIDAY_KINDS, "holiday kind")
        self._execute(_SET, {**vars(holiday), "day": holiday.day.isoformat()})
        return holiday

    def remove_holiday(self, county_id: int, day: date) -> bool:
        with self.transaction():  # a write that returns rows: committed like any other
            found = self._rows(
                "DELETE FROM holiday WHERE county_id = %(c)s AND day = %(day)s RETURNING day",
                {"c": county_id, "day": day.isoformat()},
            )
        return bool(found)

    def set_category_deadline_kind(self, code: str, kind: str) -> None:
        check_choice(kind, DEADLINE_KINDS, "deadline kind")
        with self.transaction():
            found = self._rows(
                "UPDATE category SET deadline_kind = %(kind)s, version = version + 1 "
                "WHERE code = %(code)s RETURNING code",
                {"kind": kind, "code": code},
            )
        if not found:
            raise NotFound(
                f"未知的问题类别 {code!r}", en=f"Unknown problem category {code!r}", field="category"
            )
