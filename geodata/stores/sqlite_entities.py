"""Reading and writing the entities on SQLite (rows ⇄ dataclasses)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import shapely

from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.model import (
    Assignment,
    ChangeSet,
    County,
    Segment,
    Unit,
    Zone,
)
from geodata.stores.base import COUNTED_TABLES, utc


def ts(dt: datetime | None) -> str | None:
    """Fixed-width UTC text, so that string order is time order."""
    return None if dt is None else utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def wkb(geom) -> bytes | None:
    return None if geom is None else shapely.to_wkb(geom)


def geom(blob: bytes | None):
    return None if blob is None else shapely.from_wkb(blob)


def _one(rows, what: str):
    if not rows:
        raise NotFound(f"{what} does not exist")
    return rows[0]


def _county(r) -> County:
    return County(r["code"], r["name"], r["id"], geom(r["extent"]), geom(r["boundary"]), r["utm_epsg"])


def _zone(r) -> Zone:
    return Zone(
        r["county_id"], r["kind"], r["code"], r["name"], geom(r["geom"]), r["parent_id"],
        r["area_m2"], r["tier"], tuple(json.loads(r["titles"])), r["id"], r["version"],
    )  # fmt: skip


def _segment(r) -> Segment:
    return Segment(
        r["county_id"], r["name"], geom(r["geom"]), r["highway"], r["length_m"], r["source_id"],
        r["id"], r["version"],
    )  # fmt: skip


def _assignment(r) -> Assignment:
    return Assignment(
        r["county_id"], r["unit_id"], r["target_kind"], r["target_id"], r["role"],
        dt(r["valid_from"]), dt(r["valid_to"]), r["person"], r["phone"],
        tuple(json.loads(r["duties"])), r["change_set_id"], r["id"],
    )  # fmt: skip


class EntitiesMixin:
    # -- counties --------------------------------------------------------------------------------
    def add_county(self, county: County) -> County:
        try:
            cur = self._write(
                "INSERT INTO county (code, name, extent, boundary, utm_epsg) VALUES (?, ?, ?, ?, ?)",
                (county.code, county.name, wkb(county.extent), wkb(county.boundary), county.utm_epsg),
            )
        except sqlite3.IntegrityError:
            raise Conflict(f"a county with code {county.code} already exists") from None
        return replace(county, id=cur.lastrowid)

    def get_county(self, code: str) -> County:
        return _county(_one(self._rows("SELECT * FROM county WHERE code = ?", (code,)), f"county {code}"))

    def get_county_by_id(self, county_id: int) -> County:
        rows = self._rows("SELECT * FROM county WHERE id = ?", (county_id,))
        return _county(_one(rows, f"county #{county_id}"))

    def list_counties(self) -> list[County]:
        return [_county(r) for r in self._rows("SELECT * FROM county ORDER BY id")]

    def update_county(self, county: County) -> County:
        self._write(
            "UPDATE county SET code = ?, name = ?, extent = ?, boundary = ?, utm_epsg = ? WHERE id = ?",
            (county.code, county.name, wkb(county.extent), wkb(county.boundary), county.utm_epsg, county.id),
        )
        self._epsg.pop(county.id, None)
        return county

    # -- units -----------------------------------------------------------------------------------
    def add_units(self, units: Sequence[Unit]) -> list[Unit]:
        out = []
        with self.transaction():
            for u in units:
                try:
                    cur = self.conn.execute(
                        "INSERT INTO unit (county_id, code, name, kind, hotline) VALUES (?, ?, ?, ?, ?)",
                        (u.county_id, u.code, u.name, u.kind, u.hotline),
                    )
                except sqlite3.IntegrityError:
                    raise Conflict(f"unit code {u.code} is already used in this county") from None
                out.append(replace(u, id=cur.lastrowid))
        return out

    def get_unit(self, county_id: int, unit_id: int) -> Unit:
        rows = self._rows("SELECT * FROM unit WHERE county_id = ? AND id = ?", (county_id, unit_id))
        r = _one(rows, f"unit #{unit_id}")
        return Unit(r["county_id"], r["code"], r["name"], r["kind"], r["hotline"], r["id"])

    def list_units(self, county_id: int) -> list[Unit]:
        rows = self._rows("SELECT * FROM unit WHERE county_id = ? ORDER BY id", (county_id,))
        return [Unit(r["county_id"], r["code"], r["name"], r["kind"], r["hotline"], r["id"]) for r in rows]

    def update_unit(self, unit: Unit) -> Unit:
        self._write(
            "UPDATE unit SET code = ?, name = ?, kind = ?, hotline = ? WHERE county_id = ? AND id = ?",
            (unit.code, unit.name, unit.kind, unit.hotline, unit.county_id, unit.id),
        )
        return unit

    # -- zones and segments ----------------------------------------------------------------------
    def add_zones(self, zones: Sequence[Zone]) -> list[Zone]:
        out = []
        with self.transaction():
            for z in self._prepare_zones(zones):
                try:
                    cur = self.conn.execute(
                        "INSERT INTO zone (county_id, kind, code, name, parent_id, area_m2, tier, titles, geom) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (z.county_id, z.kind, z.code, z.name, z.parent_id, z.area_m2, z.tier,
                         json.dumps(list(z.titles), ensure_ascii=False), wkb(z.geom)),
                    )  # fmt: skip
                except sqlite3.IntegrityError:
                    raise Conflict(f"{z.kind} code {z.code} is already used in this county") from None
                self._index("zone_rtree", cur.lastrowid, z.geom)
                out.append(replace(z, id=cur.lastrowid, version=1))
        return out

    def _index(self, table: str, row_id: int, g) -> None:
        minx, miny, maxx, maxy = g.bounds
        self.conn.execute(
            f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?, ?)", (row_id, minx, maxx, miny, maxy)
        )

    def get_zone(self, county_id: int, zone_id: int) -> Zone:
        rows = self._rows("SELECT * FROM zone WHERE county_id = ? AND id = ?", (county_id, zone_id))
        return _zone(_one(rows, f"zone #{zone_id}"))

    def list_zones(self, county_id: int, kind: str | None = None, bbox=None) -> list[Zone]:
        rows = self._in_bbox("zone", county_id, bbox, "AND (:kind IS NULL OR t.kind = :kind)", {"kind": kind})
        return [_zone(r) for r in rows]

    def update_zone(self, zone: Zone) -> Zone:
        (zone,) = self._prepare_zones([zone])
        with self.transaction():
            self.conn.execute(
                "UPDATE zone SET kind = ?, code = ?, name = ?, parent_id = ?, area_m2 = ?, tier = ?, titles = ?, "
                "geom = ?, version = version + 1 WHERE county_id = ? AND id = ?",
                (zone.kind, zone.code, zone.name, zone.parent_id, zone.area_m2, zone.tier,
                 json.dumps(list(zone.titles), ensure_ascii=False), wkb(zone.geom), zone.county_id, zone.id),
            )  # fmt: skip
            self._index("zone_rtree", zone.id, zone.geom)
        return self.get_zone(zone.county_id, zone.id)

    def add_segments(self, segments: Sequence[Segment]) -> list[Segment]:
        segments, metric = self._segments_metric(segments)
        out = []
        with self.transaction():
            for s, m in zip(segments, metric, strict=True):
                cur = self.conn.execute(
                    "INSERT INTO segment (county_id, name, highway, source_id, length_m, geom, geom_m) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (s.county_id, s.name, s.highway, s.source_id, s.length_m, wkb(s.geom), wkb(m)),
                )
                self._index("segment_rtree", cur.lastrowid, s.geom)
                out.append(replace(s, id=cur.lastrowid, version=1))
        return out

    def get_segment(self, county_id: int, segment_id: int) -> Segment:
        rows = self._rows("SELECT * FROM segment WHERE county_id = ? AND id = ?", (county_id, segment_id))
        return _segment(_one(rows, f"segment #{segment_id}"))

    def list_segments(self, county_id: int, bbox=None) -> list[Segment]:
        return [_segment(r) for r in self._in_bbox("segment", county_id, bbox)]

    def update_segment(self, segment: Segment) -> Segment:
        (segment,), metric = self._segments_metric([replace(segment, length_m=None)])
        with self.transaction():
            self.conn.execute(
                "UPDATE segment SET name = ?, highway = ?, source_id = ?, length_m = ?, geom = ?, geom_m = ?, "
                "version = version + 1 WHERE county_id = ? AND id = ?",
                (segment.name, segment.highway, segment.source_id, segment.length_m, wkb(segment.geom),
                 wkb(metric[0]), segment.county_id, segment.id),
            )  # fmt: skip
            self._index("segment_rtree", segment.id, segment.geom)
        return self.get_segment(segment.county_id, segment.id)

    def count(self, county_id: int, table: str) -> int:
        if table not in COUNTED_TABLES:
            raise InvalidInput(f"cannot count {table!r}: choose {', '.join(COUNTED_TABLES)}")
        return self.conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE county_id = ?", (county_id,)
        ).fetchone()[0]

    # -- change sets and assignments -------------------------------------------------------------
    def add_change_set(self, change_set: ChangeSet) -> ChangeSet:
        cs = change_set
        cur = self._write(
            "INSERT INTO change_set (county_id, author, reason, created_at, geom) VALUES (?, ?, ?, ?, ?)",
            (cs.county_id, cs.author, cs.reason, ts(cs.created_at), wkb(cs.geom)),
        )
        return replace(cs, id=cur.lastrowid, created_at=utc(cs.created_at))

    def get_change_set(self, county_id: int, change_set_id: int) -> ChangeSet:
        rows = self._rows(
            "SELECT * FROM change_set WHERE county_id = ? AND id = ?", (county_id, change_set_id)
        )
        r = _one(rows, f"change set #{change_set_id}")
        return ChangeSet(
            r["county_id"], r["author"], r["reason"], dt(r["created_at"]), geom(r["geom"]), r["id"]
        )

    def assign(self, assignment: Assignment) -> Assignment:
        a = assignment
        self._check_assignment(a)
        start = ts(a.valid_from)
        with self.transaction():
            if a.role == "lead":
                self._close_lead(a, start)
            try:
                cur = self.conn.execute(
                    "INSERT INTO assignment (county_id, unit_id, target_kind, target_id, role, person, phone, "
                    "duties, valid_from, valid_to, change_set_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (a.county_id, a.unit_id, a.target_kind, a.target_id, a.role, a.person, a.phone,
                     json.dumps(list(a.duties)), start, ts(a.valid_to), a.change_set_id),
                )  # fmt: skip
            except sqlite3.IntegrityError as exc:
                raise Conflict(
                    f"{a.target_kind} #{a.target_id} already has a lead in that period ({exc})"
                ) from None
        return replace(
            a, id=cur.lastrowid, valid_from=utc(a.valid_from), valid_to=a.valid_to and utc(a.valid_to)
        )

    def _close_lead(self, a: Assignment, start: str) -> None:
        key = {"c": a.county_id, "k": a.target_kind, "t": a.target_id, "s": start}
        later = self._rows(
            "SELECT id FROM assignment WHERE county_id = :c AND target_kind = :k AND target_id = :t "
            "AND role = 'lead' AND valid_from >= :s",
            key,
        )
        if later:
            raise Conflict(
                f"{a.target_kind} #{a.target_id} has a lead starting on or after {start[:10]}; "
                "reassign from a later date or revert that change first"
            )
        self.conn.execute(
            "UPDATE assignment SET valid_to = :s WHERE county_id = :c AND target_kind = :k AND target_id = :t "
            "AND role = 'lead' AND valid_from < :s AND (valid_to IS NULL OR valid_to > :s)",
            key,
        )

    def assignments_of(self, county_id: int, target_kind: str, target_id: int) -> list[Assignment]:
        rows = self._rows(
            "SELECT * FROM assignment WHERE county_id = ? AND target_kind = ? AND target_id = ? "
            "ORDER BY valid_from, id",
            (county_id, target_kind, target_id),
        )
        return [_assignment(r) for r in rows]

    def assignments_at(
        self, county_id: int, at: datetime, target_kind: str | None = None
    ) -> list[Assignment]:
        rows = self._rows(
            "SELECT * FROM assignment WHERE county_id = :c AND (:k IS NULL OR target_kind = :k) "
            "AND valid_from <= :t AND (valid_to IS NULL OR valid_to > :t) ORDER BY id",
            {"c": county_id, "k": target_kind, "t": ts(at)},
        )
        return [_assignment(r) for r in rows]
