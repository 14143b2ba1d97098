"""Cases (incidents), their events and photos and the categories they are filed under, in the SQL both
backends share (geodata/stores/interface/cases.py); each backend reads and writes incidents in bulk, and
in a box, its own way."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import shapely

from geodata.errors import NotFound
from geodata.model import (
    INCIDENT_STATUSES,
    OPEN_STATUSES,
    OVERDUE_STATUSES,
    Category,
    Incident,
    IncidentEvent,
    Photo,
)
from geodata.stores.shared.admin_settings import category_of
from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import check_choice, sql_list

# The filters of a case list, on an incident table aliased ``t`` (bbox is each backend's own).
# CAST(... AS TIMESTAMPTZ) IS NULL reads the same in both: SQLite only needs the NULL test.
# Closing is final (no step leaves 'closed'), so a closed case's updated_at is when it was closed.
INCIDENT_FILTERS = """
      AND (CAST(%(since)s AS TIMESTAMPTZ) IS NULL OR t.reported_at >= %(since)s)
      AND (CAST(%(until)s AS TIMESTAMPTZ) IS NULL OR t.reported_at < %(until)s)
      AND (CAST(%(category)s AS TEXT) IS NULL OR t.category = %(category)s)
      AND (CAST(%(source)s AS TEXT) IS NULL OR t.source = %(source)s)
      AND (CAST(%(reporter)s AS TEXT) IS NULL OR t.reporter = %(reporter)s)
      AND (CAST(%(public_only)s AS INTEGER) IS NULL
           OR t.category IN (SELECT c.code FROM category AS c WHERE c.public))
      AND (CAST(%(status)s AS TEXT) IS NULL OR t.status = %(status)s)
      AND (CAST(%(open)s AS INTEGER) IS NULL OR t.status IN {open})
      AND (CAST(%(unit)s AS INTEGER) IS NULL OR t.unit_id = %(unit)s)
      AND (CAST(%(zone)s AS INTEGER) IS NULL
           OR t.zone_id IN (SELECT z.id FROM zone AS z WHERE z.id = %(zone)s OR z.parent_id = %(zone)s))
      AND (CAST(%(overdue_at)s AS TIMESTAMPTZ) IS NULL
           OR (t.status IN {overdue} AND t.deadline_at < %(overdue_at)s))
      AND (CAST(%(duplicates)s AS INTEGER) IS NOT NULL OR t.duplicate_of IS NULL)
      AND (CAST(%(closed_since)s AS TIMESTAMPTZ) IS NULL
           OR (t.status = 'closed' AND t.updated_at >= %(closed_since)s))
      AND (CAST(%(closed_until)s AS TIMESTAMPTZ) IS NULL
           OR (t.status = 'closed' AND t.updated_at < %(closed_until)s))
      AND (CAST(%(updated_since)s AS TIMESTAMPTZ) IS NULL OR {last_step} >= %(updated_since)s)
      AND (CAST(%(updated_until)s AS TIMESTAMPTZ) IS NULL OR {last_step} < %(updated_until)s)
      AND (CAST(%(pending)s AS TEXT) IS NULL
           OR (CAST(%(pending)s AS TEXT) = 'extension' AND t.id IN (SELECT q.incident_id FROM case_request AS q
               WHERE q.kind = 'extend' AND q.state = 'pending'))
           OR (CAST(%(pending)s AS TEXT) = 'supervised' AND t.id IN (SELECT v.incident_id FROM supervision AS v
               WHERE v.state <> 'closed')))
"""
UPDATE_INCIDENT = """
    UPDATE incident
    SET category = %(category)s, status = %(status)s, description = %(description)s,
        zone_id = %(zone_id)s, segment_id = %(segment_id)s, unit_id = %(unit_id)s,
        address = %(address)s, deadline_at = %(deadline_at)s, updated_at = %(updated_at)s,
        duplicate_of = %(duplicate_of)s, review_units = %(review_units)s, rework = %(rework)s
    WHERE county_id = %(county_id)s AND id = %(id)s
"""
# A case's last step (its report when it has none): Open311's updated_datetime.
LAST_STEP = "COALESCE((SELECT MAX(s.at) FROM incident_event AS s WHERE s.incident_id = t.id), t.reported_at)"
INCIDENT_FILTERS = (
    INCIDENT_FILTERS.replace("{open}", sql_list(OPEN_STATUSES))
    .replace("{overdue}", sql_list(OVERDUE_STATUSES))
    .replace("{last_step}", LAST_STEP)
)
PENDING = ("extension", "supervised")
# What incident_counts may group by; MONTH_SQL (the month in the county's clock) is each backend's.
_COUNT_KEYS = {
    "category": "t.category",
    "status": "t.status",
    "unit_id": "t.unit_id",
    "reworked": "CASE WHEN t.rework > 0 THEN 1 ELSE 0 END",
    "overdue": "CASE WHEN t.status IN {overdue} AND t.deadline_at < %(now)s THEN 1 ELSE 0 END",
}

_COUNT_KEYS["overdue"] = _COUNT_KEYS["overdue"].replace("{overdue}", sql_list(OVERDUE_STATUSES))


def incident_filter_params(
    encode_time: Callable[[datetime | None], Any],
    since=None,
    until=None,
    category=None,
    status=None,
    unit_id=None,
    zone_id=None,
    overdue_at=None,
    duplicates=True,
    closed_since=None,
    closed_until=None,
    source=None,
    reporter=None,
    pending=None,
    updated_since=None,
    updated_until=None,
    public_only=False,
) -> dict:
    """The parameters of INCIDENT_FILTERS, times as a backend keeps them (``encode_time``);
    ``status`` may be 'open' (any open status); ``pending`` one of PENDING (a 延期 waiting for a
    decision, a 督办 not closed); ``updated_since`` / ``updated_until`` on the time of the case's
    last step (its report when it has none), [since, until)."""
    if status is not None and status != "open":
        check_choice(status, INCIDENT_STATUSES, "status")
    if pending is not None:
        check_choice(pending, PENDING, "pending")
    t = encode_time
    return {
        "since": t(since), "until": t(until), "category": category,
        "status": None if status == "open" else status,
        "open": 1 if status == "open" else None,
        "unit": unit_id, "zone": zone_id, "overdue_at": t(overdue_at),
        "duplicates": 1 if duplicates else None,
        "closed_since": t(closed_since), "closed_until": t(closed_until), "source": source,
        "reporter": reporter, "pending": pending, "public_only": 1 if public_only else None,
        "updated_since": t(updated_since), "updated_until": t(updated_until),
    }  # fmt: skip


class CasesSql(BaseStore):
    def _incident_filters(self, **filters) -> dict:
        return incident_filter_params(self._t, **filters)

    def _incidents(self, rows) -> list[Incident]:
        """Incident rows carrying ``lon`` and ``lat``, their points made in one vectorised call."""
        points = shapely.points([r["lon"] for r in rows], [r["lat"] for r in rows]) if rows else []
        return [
            Incident(r["county_id"], r["category"], p, self._time(r["reported_at"]), r["status"],
                     r["description"], r["source"], r["zone_id"], r["segment_id"], r["unit_id"], r["id"],
                     r["address"], r["reporter"], r["contact"], self._time(r["deadline_at"]),
                     self._time(r["updated_at"]), r["duplicate_of"],
                     tuple(int(u) for u in self._list(r["review_units"])), r["rework"])
            for r, p in zip(rows, points, strict=True)
        ]  # fmt: skip

    def _incident_params(self, i: Incident) -> dict:
        return {
            **vars(i), "reported_at": self._t(i.reported_at), "deadline_at": self._t(i.deadline_at),
            "updated_at": self._t(i.updated_at), "review_units": self._arr(str(u) for u in i.review_units),
            "lon": i.geom.x, "lat": i.geom.y,
        }  # fmt: skip

    def update_incident(self, incident):
        self._check_status(incident.status)
        self._execute(UPDATE_INCIDENT, self._incident_params(incident))
        return self.get_incident(incident.county_id, incident.id)

    # -- counting ----------------------------------------------------------------------------------
    def incident_counts(self, county_id: int, by, now, **filters) -> list[tuple]:
        keys = {**_COUNT_KEYS, "month": self.MONTH_SQL}
        unknown = [k for k in by if k not in keys]
        if unknown:
            raise ValueError(f"cannot group incidents by {unknown}: choose from {sorted(keys)}")
        columns = [f"{keys[k]} AS k{i}" for i, k in enumerate(by)]
        group = ", ".join(f"k{i}" for i in range(len(by)))
        sql = (
            f"SELECT {', '.join([*columns, 'COUNT(*) AS n'])} FROM incident AS t "
            f"WHERE t.county_id = %(county)s {INCIDENT_FILTERS}"
            + (f" GROUP BY {group} ORDER BY {group}" if by else "")
        )
        params = {"county": county_id, "now": self._t(now), **self._incident_filters(**filters)}
        return [tuple(r[f"k{i}"] for i in range(len(by))) + (r["n"],) for r in self._rows(sql, params)]

    # -- incident events ---------------------------------------------------------------------------
    def add_incident_event(self, event: IncidentEvent) -> IncidentEvent:
        self._check_status(event.to_status)
        row = self._insert(
            "INSERT INTO incident_event (county_id, incident_id, at, actor, from_status, to_status, note) "
            "VALUES (%(county_id)s, %(incident_id)s, %(at)s, %(actor)s, %(from_status)s, %(to_status)s, %(note)s) "
            "RETURNING id",
            {**vars(event), "at": self._t(event.at)},
        )
        return replace(event, id=row[0], at=self._time(self._t(event.at)))

    def add_incident_events(self, events: Sequence[IncidentEvent]) -> int:
        for status in {e.to_status for e in events}:
            self._check_status(status)
        self._execute_many(
            "INSERT INTO incident_event (county_id, incident_id, at, actor, from_status, to_status, note) "
            "VALUES (%(county_id)s, %(incident_id)s, %(at)s, %(actor)s, %(from_status)s, %(to_status)s, %(note)s)",
            [{**vars(e), "at": self._t(e.at)} for e in events],
        )
        return len(events)

    def incident_events(self, county_id: int, incident_id: int) -> list[IncidentEvent]:
        rows = self._rows(
            "SELECT * FROM incident_event WHERE county_id = %(c)s AND incident_id = %(i)s ORDER BY at, id",
            {"c": county_id, "i": incident_id},
        )
        return [
            IncidentEvent(r["county_id"], r["incident_id"], self._time(r["at"]), r["actor"], r["to_status"],
                          r["from_status"], r["note"], r["id"])
            for r in rows
        ]  # fmt: skip

    # -- categories --------------------------------------------------------------------------------
    def list_categories(self) -> list[Category]:
        rows = self._rows("SELECT * FROM category ORDER BY sort, code")
        return [category_of(r, self._time) for r in rows]

    def get_category(self, code: str) -> Category:
        for c in self.list_categories():
            if c.code == code:
                return c
        raise NotFound(f"未知的问题类别 {code!r}", en=f"Unknown problem category {code!r}", field="category")

    # -- photos ------------------------------------------------------------------------------------
    def add_photo(self, photo: Photo) -> Photo:
        row = self._insert(
            "INSERT INTO incident_photo (county_id, incident_id, name, public_name, content_type, size, "
            "uploaded_by, created_at) VALUES (%(county_id)s, %(incident_id)s, %(name)s, %(public_name)s, "
            "%(content_type)s, %(size)s, %(uploaded_by)s, %(created_at)s) RETURNING id",
            {**vars(photo), "created_at": self._t(photo.created_at)},
        )
        return replace(photo, id=row[0])

    def list_photos(self, county_id: int, incident_id: int) -> list[Photo]:
        rows = self._rows(
            "SELECT * FROM incident_photo WHERE county_id = %(c)s AND incident_id = %(i)s ORDER BY id",
            {"c": county_id, "i": incident_id},
        )
        return [self._photo(r) for r in rows]

    def get_photo(self, name: str) -> Photo:
        """The photo stored as ``name``, either its original or its public copy."""
        rows = self._rows(
            "SELECT * FROM incident_photo WHERE name = %(n)s OR public_name = %(n)s", {"n": name}
        )
        if not rows:
            raise NotFound(f"没有照片 {name!r}", en=f"No photo {name!r}")
        return self._photo(rows[0])

    def _photo(self, r) -> Photo:
        return Photo(
            r["county_id"], r["incident_id"], r["name"], r["public_name"], r["content_type"], r["size"],
            r["uploaded_by"], self._time(r["created_at"]), r["id"],
        )  # fmt: skip
