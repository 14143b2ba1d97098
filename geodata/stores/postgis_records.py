"""Incidents, their events, inspections and users on PostGIS."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from psycopg import errors
from psycopg.types.json import Jsonb

from geodata.errors import Conflict
from geodata.model import Incident, IncidentEvent, Inspection, User
from geodata.stores.base import utc
from geodata.stores.postgis_entities import one, plain

_INCIDENT_COLUMNS = (
    "id, county_id, category, status, description, source, reported_at, geom, zone_id, segment_id, unit_id"
)
_COPY_INCIDENTS = """
    COPY incident (county_id, category, status, description, source, reported_at, geom,
                   zone_id, segment_id, unit_id)
    FROM STDIN
"""
_LIST_INCIDENTS = f"""
    SELECT {_INCIDENT_COLUMNS}
    FROM incident
    WHERE county_id = %(county)s
      AND (%(bbox)s::boolean IS NULL
           OR ST_Intersects(geom, ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326)))
      AND (%(since)s::timestamptz IS NULL OR reported_at >= %(since)s)
      AND (%(until)s::timestamptz IS NULL OR reported_at < %(until)s)
      AND (%(category)s::text IS NULL OR category = %(category)s)
    ORDER BY id
    LIMIT %(limit)s OFFSET %(offset)s
"""


def _incident(r) -> Incident:
    return Incident(
        r["county_id"], r["category"], plain(r["geom"]), r["reported_at"], r["status"], r["description"],
        r["source"], r["zone_id"], r["segment_id"], r["unit_id"], r["id"],
    )  # fmt: skip


def _user(r) -> User:
    return User(r["username"], r["password_hash"], r["role"], r["county_id"], r["unit_id"], r["id"])


class RecordsMixin:
    # -- incidents -----------------------------------------------------------------------------
    def add_incidents(self, incidents: Sequence[Incident]) -> int:
        for status in {i.status for i in incidents}:
            self._check_status(status)
        with self.transaction(), self.conn.cursor() as cur, cur.copy(_COPY_INCIDENTS) as copy:
            for i in incidents:
                copy.write_row(
                    (i.county_id, i.category, i.status, i.description, i.source, utc(i.reported_at),
                     f"SRID=4326;POINT({i.geom.x!r} {i.geom.y!r})", i.zone_id, i.segment_id, i.unit_id)
                )  # fmt: skip
        return len(incidents)

    def get_incident(self, county_id: int, incident_id: int) -> Incident:
        rows = self._rows(
            f"SELECT {_INCIDENT_COLUMNS} FROM incident WHERE county_id = %s AND id = %s",
            (county_id, incident_id),
        )
        return _incident(one(rows, f"incident #{incident_id}"))

    def update_incident(self, incident: Incident) -> Incident:
        i = incident
        self._check_status(i.status)
        self._write(
            "UPDATE incident SET category = %s, status = %s, description = %s, zone_id = %s, "
            "segment_id = %s, unit_id = %s WHERE county_id = %s AND id = %s",
            (i.category, i.status, i.description, i.zone_id, i.segment_id, i.unit_id, i.county_id, i.id),
        )
        return self.get_incident(i.county_id, i.id)

    def list_incidents(
        self, county_id, bbox=None, since=None, until=None, category=None, limit=None, offset=0
    ):
        minx, miny, maxx, maxy = bbox if bbox is not None else (None,) * 4
        params = {
            "county": county_id, "bbox": True if bbox is not None else None,
            "minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy,
            "since": since and utc(since), "until": until and utc(until), "category": category,
            "limit": limit, "offset": offset,
        }  # fmt: skip
        return [_incident(r) for r in self._rows(_LIST_INCIDENTS, params)]

    def iter_incidents(self, county_id: int, batch: int = 10_000) -> Iterator[list[Incident]]:
        last = 0
        while True:
            rows = self._rows(
                f"SELECT {_INCIDENT_COLUMNS} FROM incident WHERE county_id = %s AND id > %s ORDER BY id LIMIT %s",
                (county_id, last, batch),
            )
            if not rows:
                return
            last = rows[-1]["id"]
            yield [_incident(r) for r in rows]

    # -- events and inspections ----------------------------------------------------------------
    def add_incident_event(self, event: IncidentEvent) -> IncidentEvent:
        self._check_status(event.to_status)
        e = event
        row = self._write(
            "INSERT INTO incident_event (county_id, incident_id, at, actor, from_status, to_status, note) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (e.county_id, e.incident_id, utc(e.at), e.actor, e.from_status, e.to_status, e.note),
        ).fetchone()
        return replace(e, id=row[0], at=utc(e.at))

    def incident_events(self, county_id: int, incident_id: int) -> list[IncidentEvent]:
        rows = self._rows(
            "SELECT * FROM incident_event WHERE county_id = %s AND incident_id = %s ORDER BY at, id",
            (county_id, incident_id),
        )
        return [
            IncidentEvent(r["county_id"], r["incident_id"], r["at"], r["actor"], r["to_status"],
                          r["from_status"], r["note"], r["id"])
            for r in rows
        ]  # fmt: skip

    def add_inspections(self, inspections: Sequence[Inspection]) -> int:
        with self.transaction(), self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO inspection (county_id, target_kind, target_id, inspector, panel, inspected_at, "
                "score, items) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [(i.county_id, i.target_kind, i.target_id, i.inspector, i.panel, utc(i.inspected_at), i.score,
                  Jsonb(i.items)) for i in inspections],
            )  # fmt: skip
        return len(inspections)

    def list_inspections(self, county_id, target_kind=None, target_id=None) -> list[Inspection]:
        rows = self._rows(
            "SELECT * FROM inspection WHERE county_id = %(c)s AND (%(k)s::text IS NULL OR target_kind = %(k)s) "
            "AND (%(t)s::integer IS NULL OR target_id = %(t)s) ORDER BY inspected_at, id",
            {"c": county_id, "k": target_kind, "t": target_id},
        )
        return [
            Inspection(r["county_id"], r["target_kind"], r["target_id"], r["inspector"], r["panel"],
                       r["inspected_at"], r["score"], r["items"], r["id"])
            for r in rows
        ]  # fmt: skip

    # -- users ---------------------------------------------------------------------------------
    def add_user(self, user: User) -> User:
        self._check_user(user)
        try:
            row = self._write(
                "INSERT INTO app_user (county_id, username, password_hash, role, unit_id) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (user.county_id, user.username, user.password_hash, user.role, user.unit_id),
            ).fetchone()
        except errors.UniqueViolation:
            raise Conflict(f"the username {user.username!r} is already taken") from None
        return replace(user, id=row[0])

    def get_user(self, user_id: int) -> User:
        return _user(one(self._rows("SELECT * FROM app_user WHERE id = %s", (user_id,)), f"user #{user_id}"))

    def get_user_by_name(self, username: str) -> User:
        rows = self._rows("SELECT * FROM app_user WHERE username = %s", (username,))
        return _user(one(rows, f"user {username!r}"))

    def update_user(self, user: User) -> User:
        self._check_user(user)
        self._write(
            "UPDATE app_user SET password_hash = %s, role = %s, county_id = %s, unit_id = %s WHERE id = %s",
            (user.password_hash, user.role, user.county_id, user.unit_id, user.id),
        )
        return self.get_user(user.id)

    def list_users(self) -> list[User]:
        return [_user(r) for r in self._rows("SELECT * FROM app_user ORDER BY id")]
