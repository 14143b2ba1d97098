"""Counties, units, zones, segments, change sets and assignments on PostGIS."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import shapely
from psycopg import errors, sql

from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.model import Assignment, ChangeSet, County, Segment, Unit, Zone
from geodata.stores.base import COUNTED_TABLES, utc

_ZONE_COLUMNS = "id, county_id, kind, code, name, parent_id, area_m2, tier, titles, version, geom"
_SEGMENT_COLUMNS = "id, county_id, name, highway, source_id, length_m, version, geom"
_IN_BBOX = "ST_Intersects(geom, ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326))"

_INSERT_ZONE = """
    INSERT INTO zone (county_id, kind, code, name, parent_id, area_m2, tier, titles, geom)
    VALUES (%(county_id)s, %(kind)s, %(code)s, %(name)s, %(parent_id)s, %(area_m2)s, %(tier)s,
            %(titles)s, %(geom)s)
    RETURNING id
"""
_UPDATE_ZONE = """
    UPDATE zone
    SET kind = %(kind)s, code = %(code)s, name = %(name)s, parent_id = %(parent_id)s,
        area_m2 = %(area_m2)s, tier = %(tier)s, titles = %(titles)s, geom = %(geom)s,
        version = version + 1
    WHERE county_id = %(county_id)s AND id = %(id)s
"""
_INSERT_SEGMENT = """
    INSERT INTO segment (county_id, name, highway, source_id, length_m, geom, geom_m)
    VALUES (%(county_id)s, %(name)s, %(highway)s, %(source_id)s, %(length_m)s, %(geom)s, %(geom_m)s)
    RETURNING id
"""
_UPDATE_SEGMENT = """
    UPDATE segment
    SET name = %(name)s, highway = %(highway)s, source_id = %(source_id)s, length_m = %(length_m)s,
        geom = %(geom)s, geom_m = %(geom_m)s, version = version + 1
    WHERE county_id = %(county_id)s AND id = %(id)s
"""
_INSERT_ASSIGNMENT = """
    INSERT INTO assignment (county_id, unit_id, target_kind, target_id, role, person, phone, duties,
                            valid_from, valid_to, change_set_id)
    VALUES (%(county_id)s, %(unit_id)s, %(target_kind)s, %(target_id)s, %(role)s, %(person)s,
            %(phone)s, %(duties)s, %(valid_from)s, %(valid_to)s, %(change_set_id)s)
    RETURNING id
"""
_LATER_LEADS = """
    SELECT id
    FROM assignment
    WHERE county_id = %(county_id)s AND target_kind = %(target_kind)s AND target_id = %(target_id)s
      AND role = 'lead' AND valid_from >= %(valid_from)s
"""
_CLOSE_LEAD = """
    UPDATE assignment
    SET valid_to = %(valid_from)s
    WHERE county_id = %(county_id)s AND target_kind = %(target_kind)s AND target_id = %(target_id)s
      AND role = 'lead' AND valid_from < %(valid_from)s
      AND (valid_to IS NULL OR valid_to > %(valid_from)s)
"""


def srid(geom, code: int = 4326):
    """The geometry tagged with its SRID, as PostGIS columns expect (None stays None)."""
    return None if geom is None else shapely.set_srid(geom, code)


def plain(geom):
    """A geometry as read back, without its SRID, like every other shapely object here."""
    return None if geom is None else shapely.set_srid(geom, 0)


def one(rows: list, what: str):
    if not rows:
        raise NotFound(f"{what} does not exist")
    return rows[0]


def _county(r) -> County:
    return County(r["code"], r["name"], r["id"], plain(r["extent"]), plain(r["boundary"]), r["utm_epsg"])


def _zone(r) -> Zone:
    return Zone(
        r["county_id"], r["kind"], r["code"], r["name"], plain(r["geom"]), r["parent_id"],
        r["area_m2"], r["tier"], tuple(r["titles"]), r["id"], r["version"],
    )  # fmt: skip


def _segment(r) -> Segment:
    return Segment(
        r["county_id"], r["name"], plain(r["geom"]), r["highway"], r["length_m"], r["source_id"],
        r["id"], r["version"],
    )  # fmt: skip


def assignment_from_row(r) -> Assignment:
    return Assignment(
        r["county_id"], r["unit_id"], r["target_kind"], r["target_id"], r["role"], r["valid_from"],
        r["valid_to"], r["person"], r["phone"], tuple(r["duties"]), r["change_set_id"], r["id"],
    )  # fmt: skip


def _bbox(bbox) -> dict:
    return dict(zip(("minx", "miny", "maxx", "maxy"), bbox, strict=True))


class EntitiesMixin:
    # -- counties ------------------------------------------------------------------------------
    def add_county(self, county: County) -> County:
        try:
            row = self._write(
                "INSERT INTO county (code, name, extent, boundary, utm_epsg) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (county.code, county.name, srid(county.extent), srid(county.boundary), county.utm_epsg),
            ).fetchone()
        except errors.UniqueViolation:
            raise Conflict(f"a county with code {county.code} already exists") from None
        return replace(county, id=row[0])

    def get_county(self, code: str) -> County:
        return _county(one(self._rows("SELECT * FROM county WHERE code = %s", (code,)), f"county {code}"))

    def get_county_by_id(self, county_id: int) -> County:
        rows = self._rows("SELECT * FROM county WHERE id = %s", (county_id,))
        return _county(one(rows, f"county #{county_id}"))

    def list_counties(self) -> list[County]:
        return [_county(r) for r in self._rows("SELECT * FROM county ORDER BY id")]

    def update_county(self, county: County) -> County:
        self._write(
            "UPDATE county SET code = %s, name = %s, extent = %s, boundary = %s, utm_epsg = %s WHERE id = %s",
            (
                county.code,
                county.name,
                srid(county.extent),
                srid(county.boundary),
                county.utm_epsg,
                county.id,
            ),
        )
        self._epsg.pop(county.id, None)
        return county

    # -- units ---------------------------------------------------------------------------------
    def add_units(self, units: Sequence[Unit]) -> list[Unit]:
        out = []
        try:
            with self.transaction():
                for u in units:
                    row = self.conn.execute(
                        "INSERT INTO unit (county_id, code, name, kind, hotline) "
                        "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                        (u.county_id, u.code, u.name, u.kind, u.hotline),
                    ).fetchone()
                    out.append(replace(u, id=row[0]))
        except errors.UniqueViolation:
            raise Conflict(f"unit code {u.code} is already used in this county") from None
        return out

    def get_unit(self, county_id: int, unit_id: int) -> Unit:
        rows = self._rows("SELECT * FROM unit WHERE county_id = %s AND id = %s", (county_id, unit_id))
        r = one(rows, f"unit #{unit_id}")
        return Unit(r["county_id"], r["code"], r["name"], r["kind"], r["hotline"], r["id"])

    def list_units(self, county_id: int) -> list[Unit]:
        rows = self._rows("SELECT * FROM unit WHERE county_id = %s ORDER BY id", (county_id,))
        return [Unit(r["county_id"], r["code"], r["name"], r["kind"], r["hotline"], r["id"]) for r in rows]

    def update_unit(self, unit: Unit) -> Unit:
        self._write(
            "UPDATE unit SET code = %s, name = %s, kind = %s, hotline = %s WHERE county_id = %s AND id = %s",
            (unit.code, unit.name, unit.kind, unit.hotline, unit.county_id, unit.id),
        )
        return unit

    # -- zones and segments --------------------------------------------------------------------
    def add_zones(self, zones: Sequence[Zone]) -> list[Zone]:
        out = []
        try:
            with self.transaction():
                for z in self._prepare_zones(zones):
                    params = {**vars(z), "titles": list(z.titles), "geom": srid(z.geom)}
                    row = self.conn.execute(_INSERT_ZONE, params).fetchone()
                    out.append(replace(z, id=row[0], version=1))
        except errors.UniqueViolation:
            raise Conflict(f"{z.kind} code {z.code} is already used in this county") from None
        return out

    def get_zone(self, county_id: int, zone_id: int) -> Zone:
        rows = self._rows(
            f"SELECT {_ZONE_COLUMNS} FROM zone WHERE county_id = %s AND id = %s", (county_id, zone_id)
        )
        return _zone(one(rows, f"zone #{zone_id}"))

    def list_zones(self, county_id: int, kind: str | None = None, bbox=None) -> list[Zone]:
        where = "county_id = %(county)s AND (%(kind)s::text IS NULL OR kind = %(kind)s)"
        if bbox is not None:
            where += f" AND {_IN_BBOX}"
        params = {"county": county_id, "kind": kind, **(_bbox(bbox) if bbox else {})}
        rows = self._rows(f"SELECT {_ZONE_COLUMNS} FROM zone WHERE {where} ORDER BY id", params)
        return [_zone(r) for r in rows]

    def update_zone(self, zone: Zone) -> Zone:
        (zone,) = self._prepare_zones([zone])
        self._write(_UPDATE_ZONE, {**vars(zone), "titles": list(zone.titles), "geom": srid(zone.geom)})
        return self.get_zone(zone.county_id, zone.id)

    def add_segments(self, segments: Sequence[Segment]) -> list[Segment]:
        segments, metric = self._segments_metric(segments)
        out = []
        with self.transaction():
            for s, m in zip(segments, metric, strict=True):
                params = {**vars(s), "geom": srid(s.geom), "geom_m": m}
                row = self.conn.execute(_INSERT_SEGMENT, params).fetchone()
                out.append(replace(s, id=row[0], version=1))
        return out

    def get_segment(self, county_id: int, segment_id: int) -> Segment:
        rows = self._rows(
            f"SELECT {_SEGMENT_COLUMNS} FROM segment WHERE county_id = %s AND id = %s",
            (county_id, segment_id),
        )
        return _segment(one(rows, f"segment #{segment_id}"))

    def list_segments(self, county_id: int, bbox=None) -> list[Segment]:
        where = "county_id = %(county)s" + (f" AND {_IN_BBOX}" if bbox is not None else "")
        params = {"county": county_id, **(_bbox(bbox) if bbox else {})}
        rows = self._rows(f"SELECT {_SEGMENT_COLUMNS} FROM segment WHERE {where} ORDER BY id", params)
        return [_segment(r) for r in rows]

    def update_segment(self, segment: Segment) -> Segment:
        (segment,), metric = self._segments_metric([replace(segment, length_m=None)])
        self._write(_UPDATE_SEGMENT, {**vars(segment), "geom": srid(segment.geom), "geom_m": metric[0]})
        return self.get_segment(segment.county_id, segment.id)

    def count(self, county_id: int, table: str) -> int:
        if table not in COUNTED_TABLES:
            raise InvalidInput(f"cannot count {table!r}: choose {', '.join(COUNTED_TABLES)}")
        query = sql.SQL("SELECT COUNT(*) FROM {} WHERE county_id = %s").format(sql.Identifier(table))
        return self.conn.execute(query, (county_id,)).fetchone()[0]

    # -- change sets and assignments -----------------------------------------------------------
    def add_change_set(self, change_set: ChangeSet) -> ChangeSet:
        cs = change_set
        row = self._write(
            "INSERT INTO change_set (county_id, author, reason, created_at, geom) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (cs.county_id, cs.author, cs.reason, utc(cs.created_at), srid(cs.geom)),
        ).fetchone()
        return replace(cs, id=row[0], created_at=utc(cs.created_at))

    def get_change_set(self, county_id: int, change_set_id: int) -> ChangeSet:
        rows = self._rows(
            "SELECT * FROM change_set WHERE county_id = %s AND id = %s", (county_id, change_set_id)
        )
        r = one(rows, f"change set #{change_set_id}")
        return ChangeSet(r["county_id"], r["author"], r["reason"], r["created_at"], plain(r["geom"]), r["id"])

    def assign(self, assignment: Assignment) -> Assignment:
        self._check_assignment(assignment)
        a = replace(
            assignment,
            valid_from=utc(assignment.valid_from),
            valid_to=assignment.valid_to and utc(assignment.valid_to),
        )
        params = {**vars(a), "duties": list(a.duties)}
        try:
            with self.transaction():
                if a.role == "lead":
                    if self._rows(_LATER_LEADS, params):
                        raise Conflict(
                            f"{a.target_kind} #{a.target_id} has a lead starting on or after "
                            f"{a.valid_from:%Y-%m-%d}; reassign from a later date or revert that change first"
                        )
                    self.conn.execute(_CLOSE_LEAD, params)
                row = self.conn.execute(_INSERT_ASSIGNMENT, params).fetchone()
        except errors.ExclusionViolation:
            raise Conflict(f"{a.target_kind} #{a.target_id} already has a lead in that period") from None
        return replace(a, id=row[0])

    def assignments_of(self, county_id: int, target_kind: str, target_id: int) -> list[Assignment]:
        rows = self._rows(
            "SELECT * FROM assignment WHERE county_id = %s AND target_kind = %s AND target_id = %s "
            "ORDER BY valid_from, id",
            (county_id, target_kind, target_id),
        )
        return [assignment_from_row(r) for r in rows]

    def assignments_at(
        self, county_id: int, at: datetime, target_kind: str | None = None
    ) -> list[Assignment]:
        rows = self._rows(
            "SELECT * FROM assignment WHERE county_id = %(c)s AND (%(k)s::text IS NULL OR target_kind = %(k)s) "
            "AND valid_from <= %(t)s AND (valid_to IS NULL OR valid_to > %(t)s) ORDER BY id",
            {"c": county_id, "k": target_kind, "t": utc(at)},
        )
        return [assignment_from_row(r) for r in rows]
