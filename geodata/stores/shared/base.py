"""What both backends share: input checks, derived measures, time encoding, single-point helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point

from geodata.errors import InvalidInput
from geodata.geo.geometry import areas_m2, to_metric, utm_epsg_for
from geodata.model import (
    INCIDENT_STATUSES,
    INSPECTION_PANELS,
    LANGS,
    ROLES,
    TARGET_KINDS,
    USER_ROLES,
    ZONE_KINDS,
    Assignment,
    Segment,
    User,
    Zone,
)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
COUNTED_TABLES = (
    "unit", "zone", "segment", "assignment", "incident", "incident_event", "incident_photo", "inspection",
    "change_set", "geometry_edit",
)  # fmt: skip


def utc(dt: datetime) -> datetime:
    """The same instant as an aware UTC datetime; a naive one is taken to be UTC already."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def migration_files(backend: str) -> list[Path]:
    return sorted((MIGRATIONS / backend).glob("[0-9][0-9][0-9][0-9]_*.sql"))


def kinds_list(kind: str | Sequence[str] | None) -> list[str] | None:
    """The zone kinds ``list_zones`` is asked for: one, several, or None for every kind."""
    if kind is None:
        return None
    return [kind] if isinstance(kind, str) else list(kind)


# The choices ``check_choice`` names, in Chinese.
CHOICE_ZH = {
    "zone kind": "区域类型",
    "role": "角色",
    "target kind": "对象类型",
    "panel": "评议组",
    "lang": "语言",
    "status": "状态",
    "reason": "原因",
}


def check_choice(value: str, choices: Sequence[str], what: str) -> None:
    if value not in choices:
        raise InvalidInput(
            f"未知的{CHOICE_ZH.get(what, what)} {value!r}：可选 {', '.join(choices)}",
            en=f"Unknown {what} {value!r}: choose {', '.join(choices)}",
            field=what,
        )


class BaseStore:
    """Logic that is the same whatever the database; backends inherit it."""

    backend = "base"

    def __init__(self) -> None:
        self._epsg: dict[int, int] = {}
        self.on_close = None  # set by open_store so closing the store closes its database

    # -- derived measures ----------------------------------------------------------------------
    def county_epsg(self, county_id: int, geoms: Sequence | None = None) -> int:
        """The county's local UTM EPSG code, fixed from ``geoms`` the first time it is needed."""
        if county_id in self._epsg:
            return self._epsg[county_id]
        county = self.get_county_by_id(county_id)
        if county.utm_epsg is None:
            shape = county.extent or (shapely.union_all(list(geoms)) if geoms else None)
            if shape is None:
                raise InvalidInput(
                    f"县区 {county.code} 尚无范围，无法选择本地坐标系",
                    en=f"County {county.code} has no extent yet to choose a local CRS",
                )
            c = shape.centroid
            county = self.update_county(replace(county, utm_epsg=utm_epsg_for(c.x, c.y)))
        self._epsg[county_id] = county.utm_epsg
        return county.utm_epsg

    def _prepare_zones(self, zones: Sequence[Zone]) -> list[Zone]:
        for z in zones:
            check_choice(z.kind, ZONE_KINDS, "zone kind")
        missing = [i for i, z in enumerate(zones) if z.area_m2 is None]
        zones = list(zones)
        if missing:
            county_id = zones[0].county_id
            epsg = self.county_epsg(county_id, [zones[i].geom for i in missing])
            area = areas_m2([zones[i].geom for i in missing], epsg)
            for i, a in zip(missing, area, strict=True):
                zones[i] = replace(zones[i], area_m2=float(a))
        return zones

    def _segments_metric(self, segments: Sequence[Segment]) -> tuple[list[Segment], np.ndarray]:
        """Segments with ``length_m`` filled in, and their geometries in the local CRS."""
        if not segments:
            return [], np.array([], dtype=object)
        epsg = self.county_epsg(segments[0].county_id, [s.geom for s in segments])
        metric = to_metric(np.array([s.geom for s in segments], dtype=object), epsg)
        lengths = shapely.length(metric)
        out = [
            s if s.length_m is not None else replace(s, length_m=float(length))
            for s, length in zip(segments, lengths, strict=True)
        ]
        return out, metric

    def _points_metric(self, county_id: int, points: Sequence[Point]) -> np.ndarray:
        return to_metric(np.asarray(points, dtype=object), self.county_epsg(county_id, points))

    @staticmethod
    def _check_assignment(a: Assignment) -> None:
        check_choice(a.role, ROLES, "role")
        check_choice(a.target_kind, TARGET_KINDS, "target kind")
        if a.valid_to is not None and utc(a.valid_to) <= utc(a.valid_from):
            raise InvalidInput(
                "valid_to 必须晚于 valid_from", en="valid_to must be later than valid_from", field="valid_to"
            )

    @staticmethod
    def _check_user(u: User) -> None:
        check_choice(u.role, USER_ROLES, "role")
        if not u.username.strip():
            raise InvalidInput("用户名为空", en="The username is empty", field="username")
        if u.panel is not None:
            check_choice(u.panel, INSPECTION_PANELS, "panel")
        check_choice(u.lang, LANGS, "lang")

    @staticmethod
    def _check_status(status: str) -> None:
        check_choice(status, INCIDENT_STATUSES, "status")

    # -- single-point conveniences over the vectorised calls -----------------------------------
    def zone_at(self, county_id: int, point: Point) -> int | None:
        return self.zones_at(county_id, [point])[0]

    def nearest_segment(self, county_id: int, point: Point, max_m: float) -> tuple[int, float] | None:
        return self.nearest_segments(county_id, [point], max_m)[0]

    def lead_unit(self, county_id: int, target_kind: str, target_id: int, at: datetime) -> int | None:
        return self.lead_units(county_id, target_kind, [target_id], [at])[0]

    def read_transaction(self):
        """A consistent read for a preview, holding no lock a writer waits for: PostgreSQL's plain
        transaction takes none for reads (SQLite's store overrides this)."""
        return self.transaction()

    def close(self) -> None:
        if self.on_close is not None:
            self.on_close()
