"""The SQL both backends run alike: counties, units, change sets, assignments, events, inspections,
users. Written once with named ``%(name)s`` parameters; each backend supplies the primitives
(``_rows``, ``_execute``, ``_insert``) and the encoders for times, geometries, lists and JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import shapely

from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.model import (
    ZONE_KIND_ZH,
    ZONE_KINDS,
    Assignment,
    ChecklistItem,
    County,
    Incident,
    IncidentEvent,
    Inspection,
    Segment,
    Unit,
    User,
    Zone,
)
from geodata.stores.shared.assignments import AssignmentsSql, one
from geodata.stores.shared.base import COUNTED_TABLES, kinds_list
from geodata.stores.shared.cases import CasesSql
from geodata.stores.shared.edits import GeometryEditsSql
from geodata.stores.shared.identity import IdentitySql
from geodata.stores.shared.maps import MapStateSql
from geodata.stores.shared.public import PublicReportsSql
from geodata.stores.shared.queries import (
    INSERT_INSPECTION,
    INSERT_SEGMENT,
    INSERT_ZONE,
    LIST_INSPECTIONS,
    UPDATE_INCIDENT,
    UPDATE_SEGMENT,
    UPDATE_ZONE,
    ZONE_ASSIGNED,
    ZONE_BY_CODE,
)
from geodata.stores.shared.reroute import RerouteSql
from geodata.stores.shared.segments import SegmentEditsSql
from geodata.stores.shared.titles import TitlesSql


class CommonSql(
    AssignmentsSql, CasesSql, GeometryEditsSql, MapStateSql, PublicReportsSql, SegmentEditsSql, TitlesSql,
    IdentitySql, RerouteSql,
):  # fmt: skip
    """Entity reading and writing shared by the SQLite and PostGIS stores."""

    # Exceptions a backend raises when a UNIQUE or one-lead constraint refuses a row.
    CONSTRAINT_ERRORS: tuple[type[Exception], ...] = ()

    def _indexed(self, table: str, row_id: int, geom) -> None:
        """Called after a zone or segment is written; the embedded backend updates its R*Tree."""

    def _unindexed(self, table: str, row_id: int) -> None:
        """Called after a zone or segment is deleted."""

    # -- row decoding --------------------------------------------------------------------------
    def _county(self, r) -> County:
        return County(
            r["code"], r["name"], r["id"], self._geom(r["extent"]), self._geom(r["boundary"]), r["utm_epsg"]
        )

    def _unit(self, r) -> Unit:
        return Unit(r["county_id"], r["code"], r["name"], r["kind"], r["hotline"], r["id"])

    def _zone(self, r, geom=None) -> Zone:
        return Zone(
            r["county_id"], r["kind"], r["code"], r["name"], geom if geom is not None else self._geom(r["geom"]), r["parent_id"],
            r["area_m2"], r["tier"], tuple(self._list(r["titles"])), r["id"], r["version"],
            self._time(r["created_at"]),
        )  # fmt: skip

    def _segment(self, r, geom=None) -> Segment:
        return Segment(
            r["county_id"], r["name"], geom if geom is not None else self._geom(r["geom"]), r["highway"], r["length_m"], r["source_id"],
            r["id"], r["version"],
        )  # fmt: skip

    def _features(self, decode, rows) -> list:
        """Rows whose ``geom`` is WKB, their geometries parsed in one vectorised call."""
        geoms = shapely.from_wkb([bytes(r["geom"]) for r in rows]) if rows else []
        return [decode(r, g) for r, g in zip(rows, geoms, strict=True)]

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

    def _assignment(self, r) -> Assignment:
        return Assignment(
            r["county_id"], r["unit_id"], r["target_kind"], r["target_id"], r["role"],
            self._time(r["valid_from"]), self._time(r["valid_to"]), r["person"], r["phone"],
            tuple(self._list(r["duties"])), r["change_set_id"], r["id"], r["closed_by"], r["voided_by"],
        )  # fmt: skip

    def _user(self, r) -> User:
        return User(
            r["username"], r["password_hash"], r["role"], r["county_id"], r["unit_id"], r["id"], r["panel"],
            bool(r["must_change_password"]), self._time(r["disabled_at"]), r["lang"],
        )  # fmt: skip

    # -- counties and units --------------------------------------------------------------------
    def add_county(self, county: County) -> County:
        params = {**vars(county), "extent": self._g(county.extent), "boundary": self._g(county.boundary)}
        try:
            row = self._insert(
                "INSERT INTO county (code, name, extent, boundary, utm_epsg) "
                "VALUES (%(code)s, %(name)s, %(extent)s, %(boundary)s, %(utm_epsg)s) RETURNING id",
                params,
            )
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"编码为 {county.code} 的县区已存在", en=f"A county with code {county.code} already exists"
            ) from None
        return replace(county, id=row[0])

    def get_county(self, code: str) -> County:
        return self._county(
            one(self._rows("SELECT * FROM county WHERE code = %(c)s", {"c": code}), f"county {code}")
        )

    def get_county_by_id(self, county_id: int) -> County:
        rows = self._rows("SELECT * FROM county WHERE id = %(id)s", {"id": county_id})
        return self._county(one(rows, f"county #{county_id}"))

    def list_counties(self) -> list[County]:
        return [self._county(r) for r in self._rows("SELECT * FROM county ORDER BY id")]

    def update_county(self, county: County) -> County:
        self._execute(
            "UPDATE county SET code = %(code)s, name = %(name)s, extent = %(extent)s, boundary = %(boundary)s, "
            "utm_epsg = %(utm_epsg)s WHERE id = %(id)s",
            {**vars(county), "extent": self._g(county.extent), "boundary": self._g(county.boundary)},
        )
        self._epsg.pop(county.id, None)
        return county

    def add_units(self, units: Sequence[Unit]) -> list[Unit]:
        out = []
        try:
            with self.transaction():
                for u in units:
                    row = self._insert(
                        "INSERT INTO unit (county_id, code, name, kind, hotline) "
                        "VALUES (%(county_id)s, %(code)s, %(name)s, %(kind)s, %(hotline)s) RETURNING id",
                        vars(u),
                    )
                    out.append(replace(u, id=row[0]))
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"单位编码 {u.code} 在本县区已被使用", en=f"Unit code {u.code} is already used in this county"
            ) from None
        return out

    def get_unit(self, county_id: int, unit_id: int) -> Unit:
        rows = self._rows(
            "SELECT * FROM unit WHERE county_id = %(c)s AND id = %(id)s", {"c": county_id, "id": unit_id}
        )
        return self._unit(one(rows, f"unit #{unit_id}"))

    def get_unit_by_code(self, county_id: int, code: str) -> Unit:
        rows = self._rows(
            "SELECT * FROM unit WHERE county_id = %(c)s AND code = %(code)s", {"c": county_id, "code": code}
        )
        if not rows:
            raise NotFound(
                f"本县区没有编码为 {code!r} 的单位",
                en=f"There is no unit with the code {code!r}",
                field="code",
            )
        return self._unit(rows[0])

    def list_units(self, county_id: int) -> list[Unit]:
        rows = self._rows("SELECT * FROM unit WHERE county_id = %(c)s ORDER BY id", {"c": county_id})
        return [self._unit(r) for r in rows]

    def update_unit(self, unit: Unit) -> Unit:
        self._execute(
            "UPDATE unit SET code = %(code)s, name = %(name)s, kind = %(kind)s, hotline = %(hotline)s "
            "WHERE county_id = %(county_id)s AND id = %(id)s",
            vars(unit),
        )
        return unit

    # -- zones and segments --------------------------------------------------------------------
    def add_zones(self, zones: Sequence[Zone]) -> list[Zone]:
        prepared = self._prepare_zones(zones)
        try:
            with self.transaction():
                ids = self._insert_many(INSERT_ZONE, [self._zone_params(z) for z in prepared])
                for z, zone_id in zip(prepared, ids, strict=True):
                    self._indexed("zone", zone_id, z.geom)
        except self.CONSTRAINT_ERRORS:
            zh, en = self._taken_code(prepared)
            raise Conflict(zh, en=en) from None
        return [replace(z, id=zone_id, version=1) for z, zone_id in zip(prepared, ids, strict=True)]

    def _taken_code(self, zones: list[Zone]) -> tuple[str, str]:
        """Say which zone's code was taken (by a stored zone, or twice in the batch), in Chinese
        and in English."""
        rows = self._rows("SELECT kind, code FROM zone WHERE county_id = %(c)s", {"c": zones[0].county_id})
        seen = {(r["kind"], r["code"]) for r in rows}
        for z in zones:
            if (z.kind, z.code) in seen:
                return (
                    f"{ZONE_KIND_ZH.get(z.kind, z.kind)}编码 {z.code} 在本县区已被使用",
                    f"The {z.kind} code {z.code} is already used in this county",
                )
            seen.add((z.kind, z.code))
        return "本县区已有区域使用了该编码", "A zone code is already used in this county"

    def update_zone(self, zone: Zone) -> Zone:
        (zone,) = self._prepare_zones([zone])
        with self.transaction():
            self._execute(UPDATE_ZONE, self._zone_params(zone))
            self._indexed("zone", zone.id, zone.geom)
        return self.get_zone(zone.county_id, zone.id)

    def delete_zones(self, county_id: int, zone_ids: Sequence[int]) -> int:
        ids = [int(i) for i in zone_ids]
        if not ids:
            return 0
        with self.transaction():
            for zone_id in ids:
                self.get_zone(county_id, zone_id)
                self._refuse_if_referenced(county_id, zone_id)
                self._execute(
                    "DELETE FROM zone WHERE county_id = %(c)s AND id = %(id)s",
                    {"c": county_id, "id": zone_id},
                )
                self._unindexed("zone", zone_id)
        return len(ids)

    def _refuse_if_referenced(self, county_id: int, zone_id: int) -> None:
        params = {"c": county_id, "id": zone_id}
        if self._rows(ZONE_ASSIGNED, params):
            raise Conflict(
                f"区域 #{zone_id} 仍有责任分配：请先结束或转移这些分配",
                en=f"Zone #{zone_id} is the target of assignments; end or move them first",
            )
        if self._rows("SELECT id FROM zone WHERE county_id = %(c)s AND parent_id = %(id)s", params):
            raise Conflict(
                f"区域 #{zone_id} 下还有其他区域：请先删除它们",
                en=f"Zone #{zone_id} is the parent of other zones; delete those first",
            )

    def _zone_params(self, z: Zone) -> dict:
        return {
            **vars(z),
            "titles": self._arr(z.titles),
            "geom": self._g(z.geom),
            "created_at": self._t(z.created_at),
        }

    def add_segments(self, segments: Sequence[Segment]) -> list[Segment]:
        segments, metric = self._segments_metric(segments)
        params = [
            {**vars(s), "geom": self._g(s.geom), "geom_m": self._g(m, 0)}
            for s, m in zip(segments, metric, strict=True)
        ]
        with self.transaction():
            ids = self._insert_many(INSERT_SEGMENT, params)
            for s, segment_id in zip(segments, ids, strict=True):
                self._indexed("segment", segment_id, s.geom)
        return [replace(s, id=segment_id, version=1) for s, segment_id in zip(segments, ids, strict=True)]

    def update_segment(self, segment: Segment) -> Segment:
        (s,), metric = self._segments_metric([replace(segment, length_m=None)])
        with self.transaction():
            self._execute(
                UPDATE_SEGMENT, {**vars(s), "geom": self._g(s.geom), "geom_m": self._g(metric[0], 0)}
            )
            self._indexed("segment", s.id, s.geom)
        return self.get_segment(s.county_id, s.id)

    def get_zone(self, county_id: int, zone_id: int) -> Zone:
        rows = self._rows(
            "SELECT * FROM zone WHERE county_id = %(c)s AND id = %(id)s", {"c": county_id, "id": zone_id}
        )
        return self._zone(one(rows, f"zone #{zone_id}"))

    def get_zone_by_code(self, county_id: int, kind: str | Sequence[str] | None, code: str) -> Zone:
        kinds = kinds_list(kind) or ([] if kind is not None else list(ZONE_KINDS))
        # One parameter a kind, so that both backends find it through UNIQUE (county_id, kind, code).
        params = {"c": county_id, "code": code, **{f"k{i}": k for i, k in enumerate(kinds)}}
        rows = kinds and self._rows(
            ZONE_BY_CODE.format(kinds=", ".join(f"%(k{i})s" for i in range(len(kinds)))), params
        )
        if not rows:
            what = ZONE_KIND_ZH.get(kinds[0], "区域") if len(kinds) == 1 else "区域"
            raise NotFound(
                f"本县区没有编码为 {code!r} 的{what}",
                en=f"There is no {kinds[0] if len(kinds) == 1 else 'zone'} with the code {code!r}",
                field="code",
            )
        return self._zone(rows[0])

    def get_segment(self, county_id: int, segment_id: int) -> Segment:
        rows = self._rows(
            "SELECT * FROM segment WHERE county_id = %(c)s AND id = %(id)s",
            {"c": county_id, "id": segment_id},
        )
        return self._segment(one(rows, f"segment #{segment_id}"))

    def count(self, county_id: int, table: str) -> int:
        if table not in COUNTED_TABLES:
            raise InvalidInput(
                f"无法统计 {table!r}：可选 {', '.join(COUNTED_TABLES)}",
                en=f"Cannot count {table!r}: choose {', '.join(COUNTED_TABLES)}",
            )
        # The table name is one of the fixed names above, never the caller's text.
        return self._rows(f"SELECT COUNT(*) AS n FROM {table} WHERE county_id = %(c)s", {"c": county_id})[0][
            "n"
        ]

    # -- incident events and inspections -------------------------------------------------------
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

    def add_inspections(self, inspections: Sequence[Inspection]) -> int:
        rows = [
            {**vars(i), "inspected_at": self._t(i.inspected_at), "items": self._obj(i.items)}
            for i in inspections
        ]
        self._execute_many(INSERT_INSPECTION, rows)
        return len(inspections)

    def list_inspections(self, county_id, target_kind=None, target_id=None) -> list[Inspection]:
        rows = self._rows(LIST_INSPECTIONS, {"county": county_id, "kind": target_kind, "target": target_id})
        return [
            Inspection(r["county_id"], r["target_kind"], r["target_id"], r["inspector"], r["panel"],
                       self._time(r["inspected_at"]), r["score"], self._dict(r["items"]), r["id"])
            for r in rows
        ]  # fmt: skip

    def list_checklist(self, target_kind: str | None = None) -> list[ChecklistItem]:
        rows = self._rows(
            "SELECT * FROM checklist_item WHERE CAST(%(k)s AS TEXT) IS NULL OR target_kind = %(k)s "
            "ORDER BY target_kind, sort, code",
            {"k": target_kind},
        )
        return [
            ChecklistItem(r["target_kind"], r["code"], r["name_zh"], r["max_score"], r["sort"]) for r in rows
        ]

    def score_settings(self) -> dict[str, tuple[float, str]]:
        rows = self._rows("SELECT key, value, description FROM score_setting ORDER BY key")
        return {r["key"]: (float(r["value"]), r["description"]) for r in rows}

    def set_score_setting(self, key: str, value: float) -> None:
        if key not in self.score_settings():
            raise NotFound(f"没有评分参数 {key!r}", en=f"There is no scoring parameter {key!r}", field="key")
        self._execute(
            "UPDATE score_setting SET value = %(v)s WHERE key = %(k)s", {"k": key, "v": float(value)}
        )

    # -- users ---------------------------------------------------------------------------------
    def add_user(self, user: User) -> User:
        self._check_user(user)
        try:
            row = self._insert(
                "INSERT INTO app_user (county_id, username, password_hash, role, unit_id, panel, "
                "must_change_password, disabled_at, lang) VALUES (%(county_id)s, %(username)s, %(password_hash)s, "
                "%(role)s, %(unit_id)s, %(panel)s, %(must_change_password)s, %(disabled_at)s, %(lang)s) RETURNING id",
                {**vars(user), "disabled_at": self._t(user.disabled_at)},
            )
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"用户名 {user.username!r} 已被使用", en=f"The username {user.username!r} is already taken"
            ) from None
        return replace(user, id=row[0])

    def get_user(self, user_id: int) -> User:
        return self._user(
            one(self._rows("SELECT * FROM app_user WHERE id = %(id)s", {"id": user_id}), f"user #{user_id}")
        )

    def get_user_by_name(self, username: str) -> User:
        rows = self._rows("SELECT * FROM app_user WHERE username = %(u)s", {"u": username})
        return self._user(one(rows, f"user {username!r}"))

    def update_user(self, user: User) -> User:
        self._check_user(user)
        self._execute(
            "UPDATE app_user SET password_hash = %(password_hash)s, role = %(role)s, county_id = %(county_id)s, "
            "unit_id = %(unit_id)s, panel = %(panel)s, must_change_password = %(must_change_password)s, "
            "disabled_at = %(disabled_at)s, lang = %(lang)s WHERE id = %(id)s",
            {**vars(user), "disabled_at": self._t(user.disabled_at)},
        )
        return self.get_user(user.id)

    def list_users(self) -> list[User]:
        return [self._user(r) for r in self._rows("SELECT * FROM app_user ORDER BY id")]

    def update_incident(self, incident):
        self._check_status(incident.status)
        self._execute(UPDATE_INCIDENT, self._incident_params(incident))
        return self.get_incident(incident.county_id, incident.id)
