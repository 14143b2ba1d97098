"""Zones and road segments, in the SQL both backends share (geodata/stores/interface/features.py); each
backend reads them in a box, and many at once, its own way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import shapely

from geodata.errors import Conflict, NotFound
from geodata.labels import ZONE_KIND_ZH
from geodata.model import ZONE_KINDS, Segment, Zone
from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import kinds_list, one

INSERT_ZONE = """
    INSERT INTO zone (county_id, kind, code, name, parent_id, area_m2, tier, titles, geom, created_at)
    VALUES (%(county_id)s, %(kind)s, %(code)s, %(name)s, %(parent_id)s, %(area_m2)s, %(tier)s,
            %(titles)s, %(geom)s, %(created_at)s)
    RETURNING id
"""
UPDATE_ZONE = """
    UPDATE zone
    SET kind = %(kind)s, code = %(code)s, name = %(name)s, parent_id = %(parent_id)s,
        area_m2 = %(area_m2)s, tier = %(tier)s, titles = %(titles)s, geom = %(geom)s,
        version = version + 1
    WHERE county_id = %(county_id)s AND id = %(id)s
"""
# The zone of one of some kinds with a code (unique per county and kind), the lowest id first;
# ``{kinds}`` is one named parameter a kind, never the caller's text.
ZONE_BY_CODE = """
    SELECT *
    FROM zone
    WHERE county_id = %(c)s AND kind IN ({kinds}) AND code = %(code)s
    ORDER BY id
    LIMIT 1
"""
ZONE_ASSIGNED = """
    SELECT id
    FROM assignment
    WHERE county_id = %(c)s AND target_kind = 'zone' AND target_id = %(id)s
    LIMIT 1
"""
INSERT_SEGMENT = """
    INSERT INTO segment (county_id, name, highway, source_id, length_m, geom, geom_m)
    VALUES (%(county_id)s, %(name)s, %(highway)s, %(source_id)s, %(length_m)s, %(geom)s, %(geom_m)s)
    RETURNING id
"""
UPDATE_SEGMENT = """
    UPDATE segment
    SET name = %(name)s, highway = %(highway)s, source_id = %(source_id)s, length_m = %(length_m)s,
        geom = %(geom)s, geom_m = %(geom_m)s, version = version + 1
    WHERE county_id = %(county_id)s AND id = %(id)s
"""


class FeaturesSql(BaseStore):
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

    # -- zones and segments ------------------------------------------------------------------------
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

    def get_zone(self, county_id: int, zone_id: int) -> Zone:
        rows = self._rows(
            "SELECT * FROM zone WHERE county_id = %(c)s AND id = %(id)s", {"c": county_id, "id": zone_id}
        )
        return self._zone(one(rows, f"zone #{zone_id}"))

    def get_zone_by_code(self, county_id: int, kind: str | Sequence[str] | None, code: str) -> Zone:
        kinds = list(ZONE_KINDS) if kind is None else kinds_list(kind)
        # One parameter a kind, so that both backends find it through UNIQUE (county_id, kind, code).
        placeholders = ", ".join(f"%(k{i})s" for i in range(len(kinds)))
        params = {"c": county_id, "code": code, **{f"k{i}": k for i, k in enumerate(kinds)}}
        rows = self._rows(ZONE_BY_CODE.format(kinds=placeholders), params) if kinds else []
        if not rows:
            one_kind = kinds[0] if len(kinds) == 1 else None
            raise NotFound(
                f"本县区没有编码为 {code!r} 的{ZONE_KIND_ZH.get(one_kind, '区域')}",
                en=f"There is no {one_kind or 'zone'} with the code {code!r}",
                field="code",
            )
        return self._zone(rows[0])

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

    def get_segment(self, county_id: int, segment_id: int) -> Segment:
        rows = self._rows(
            "SELECT * FROM segment WHERE county_id = %(c)s AND id = %(id)s",
            {"c": county_id, "id": segment_id},
        )
        return self._segment(one(rows, f"segment #{segment_id}"))
