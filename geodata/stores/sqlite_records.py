"""Incidents, their events, inspections and users on SQLite (rows ⇄ dataclasses)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import replace

import shapely

from geodata.errors import Conflict
from geodata.model import Incident, IncidentEvent, Inspection, User
from geodata.stores.base import utc
from geodata.stores.sqlite_entities import _one, dt, ts


def _incident(r) -> Incident:
    return Incident(
        r["county_id"], r["category"], shapely.Point(r["lon"], r["lat"]), dt(r["reported_at"]),
        r["status"], r["description"], r["source"], r["zone_id"], r["segment_id"], r["unit_id"],
        r["id"],
    )  # fmt: skip


def _user(r) -> User:
    return User(r["username"], r["password_hash"], r["role"], r["county_id"], r["unit_id"], r["id"])


class RecordsMixin:
    # -- incidents, events, inspections ----------------------------------------------------------
    def add_incidents(self, incidents: Sequence[Incident]) -> int:
        for status in {i.status for i in incidents}:
            self._check_status(status)
        with self.transaction():
            # Ids are given here so the R*Tree rows can be written in the same executemany pass.
            first = self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM incident").fetchone()[0]
            self.conn.executemany(
                "INSERT INTO incident (id, county_id, category, status, description, source, reported_at, lon, lat, "
                "zone_id, segment_id, unit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(first + n, i.county_id, i.category, i.status, i.description, i.source, ts(i.reported_at),
                  i.geom.x, i.geom.y, i.zone_id, i.segment_id, i.unit_id) for n, i in enumerate(incidents)],
            )  # fmt: skip
            self.conn.executemany(
                "INSERT INTO incident_rtree VALUES (?, ?, ?, ?, ?)",
                [(first + n, i.geom.x, i.geom.x, i.geom.y, i.geom.y) for n, i in enumerate(incidents)],
            )
        return len(incidents)

    def get_incident(self, county_id: int, incident_id: int) -> Incident:
        rows = self._rows("SELECT * FROM incident WHERE county_id = ? AND id = ?", (county_id, incident_id))
        return _incident(_one(rows, f"incident #{incident_id}"))

    def update_incident(self, incident: Incident) -> Incident:
        i = incident
        self._check_status(i.status)
        self._write(
            "UPDATE incident SET category = ?, status = ?, description = ?, zone_id = ?, segment_id = ?, "
            "unit_id = ? WHERE county_id = ? AND id = ?",
            (i.category, i.status, i.description, i.zone_id, i.segment_id, i.unit_id, i.county_id, i.id),
        )
        return self.get_incident(i.county_id, i.id)

    def list_incidents(
        self, county_id, bbox=None, since=None, until=None, category=None, limit=None, offset=0
    ):
        extra = (
            "AND (:since IS NULL OR t.reported_at >= :since) AND (:until IS NULL OR t.reported_at < :until) "
            "AND (:cat IS NULL OR t.category = :cat)"
        )
        params = {"since": ts(since), "until": ts(until), "cat": category}
        rows = self._in_bbox("incident", county_id, bbox, extra, params, limit=limit, offset=offset)
        return [_incident(r) for r in rows]

    def iter_incidents(self, county_id: int, batch: int = 10_000) -> Iterator[list[Incident]]:
        last = 0
        while True:
            rows = self._rows(
                "SELECT * FROM incident WHERE county_id = ? AND id > ? ORDER BY id LIMIT ?",
                (county_id, last, batch),
            )
            if not rows:
                return
            last = rows[-1]["id"]
            yield [_incident(r) for r in rows]

    def add_incident_event(self, event: IncidentEvent) -> IncidentEvent:
        self._check_status(event.to_status)
        e = event
        cur = self._write(
            "INSERT INTO incident_event (county_id, incident_id, at, actor, from_status, to_status, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (e.county_id, e.incident_id, ts(e.at), e.actor, e.from_status, e.to_status, e.note),
        )
        return replace(e, id=cur.lastrowid, at=utc(e.at))

    def incident_events(self, county_id: int, incident_id: int) -> list[IncidentEvent]:
        rows = self._rows(
            "SELECT * FROM incident_event WHERE county_id = ? AND incident_id = ? ORDER BY at, id",
            (county_id, incident_id),
        )
        return [
            IncidentEvent(r["county_id"], r["incident_id"], dt(r["at"]), r["actor"], r["to_status"],
                          r["from_status"], r["note"], r["id"])
            for r in rows
        ]  # fmt: skip

    def add_inspections(self, inspections: Sequence[Inspection]) -> int:
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO inspection (county_id, target_kind, target_id, inspector, panel, inspected_at, score, "
                "items) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(i.county_id, i.target_kind, i.target_id, i.inspector, i.panel, ts(i.inspected_at), i.score,
                  json.dumps(i.items)) for i in inspections],
            )  # fmt: skip
        return len(inspections)

    def list_inspections(self, county_id, target_kind=None, target_id=None) -> list[Inspection]:
        rows = self._rows(
            "SELECT * FROM inspection WHERE county_id = :c AND (:k IS NULL OR target_kind = :k) "
            "AND (:t IS NULL OR target_id = :t) ORDER BY inspected_at, id",
            {"c": county_id, "k": target_kind, "t": target_id},
        )
        return [
            Inspection(r["county_id"], r["target_kind"], r["target_id"], r["inspector"], r["panel"],
                       dt(r["inspected_at"]), r["score"], json.loads(r["items"]), r["id"])
            for r in rows
        ]  # fmt: skip

    # -- users -----------------------------------------------------------------------------------
    def add_user(self, user: User) -> User:
        self._check_user(user)
        try:
            cur = self._write(
                "INSERT INTO app_user (county_id, username, password_hash, role, unit_id) VALUES (?, ?, ?, ?, ?)",
                (user.county_id, user.username, user.password_hash, user.role, user.unit_id),
            )
        except sqlite3.IntegrityError:
            raise Conflict(f"the username {user.username!r} is already taken") from None
        return replace(user, id=cur.lastrowid)

    def get_user(self, user_id: int) -> User:
        return _user(_one(self._rows("SELECT * FROM app_user WHERE id = ?", (user_id,)), f"user #{user_id}"))

    def get_user_by_name(self, username: str) -> User:
        rows = self._rows("SELECT * FROM app_user WHERE username = ?", (username,))
        return _user(_one(rows, f"user {username!r}"))

    def update_user(self, user: User) -> User:
        self._check_user(user)
        self._write(
            "UPDATE app_user SET password_hash = ?, role = ?, county_id = ?, unit_id = ? WHERE id = ?",
            (user.password_hash, user.role, user.county_id, user.unit_id, user.id),
        )
        return self.get_user(user.id)

    def list_users(self) -> list[User]:
        return [_user(r) for r in self._rows("SELECT * FROM app_user ORDER BY id")]
