"""Selecting targets by drawing on the map (issue #7): a lasso polygon, or a line that catches what
it crosses, checked as DESIGN §5 asks and matched against the county's segments and zones.

The stores prefilter by bounding box (R*Tree on SQLite, GiST on PostGIS); the exact test is one
vectorised shapely predicate over the candidates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geodata import clock
from geodata.assignments.targets import TargetInfo, describe
from geodata.errors import EmptySelection, InvalidGeometry, InvalidInput
from geodata.geo.geometry import (
    EXTENT_MARGIN_DEG,
    LINEAR,
    MAX_VERTICES,
    POLYGONAL,
    from_metric,
    looks_like_lonlat,
    repair_polygon,
    to_metric,
)
from geodata.labels import TARGET_KIND_EN, TARGET_KIND_ZH
from geodata.model import County
from geodata.stores.store import Store

MODES = ("touching", "inside")  # touching: any contact; inside: wholly within the drawn area
SELECTABLE = ("segment", "community", "village", "courtyard", "grid", "subdistrict")  # zones by their kind
LINE_TOLERANCE_M = 5.0  # a drawn line catches what passes within this distance of it


@dataclass
class Selection:
    """What a drawing caught, segments first, each kind by id; ``geom`` is the drawing as checked
    (a freehand polygon's tiny self-touch repaired), kept for the change set's audit."""

    geom: BaseGeometry
    targets: list[TargetInfo] = field(default_factory=list)

    @property
    def totals(self) -> dict:
        return {
            "segments": sum(t.target.kind == "segment" for t in self.targets),
            "zones": sum(t.target.kind == "zone" for t in self.targets),
            "length_m": round(sum(t.length_m or 0 for t in self.targets), 1),
            "area_m2": round(sum(t.area_m2 or 0 for t in self.targets), 1),
        }


def cap(text: str) -> str:
    """``text`` with its first letter upper-case (the rest, a zone's name say, left alone)."""
    return text[:1].upper() + text[1:]


def parse_drawing(raw: object, noun: str = "选区", noun_en: str = "the selection") -> BaseGeometry:
    """A GeoJSON geometry (or a Feature holding one) as a shapely geometry; InvalidGeometry
    saying what is wrong otherwise (``noun`` names the drawing in the message, ``noun_en`` in English)."""
    if isinstance(raw, Mapping) and raw.get("type") == "Feature":
        raw = raw.get("geometry")
    if not isinstance(raw, Mapping) or not raw.get("type"):
        raise InvalidGeometry(
            "缺少选区：geometry 应为 GeoJSON 几何对象（Polygon 或 LineString）",
            en="The selection is missing: geometry must be a GeoJSON geometry (Polygon or LineString)",
            field="geometry",
        )
    if count_vertices(raw.get("coordinates")) > MAX_VERTICES:
        raise InvalidGeometry(
            f"{noun}的顶点过多：最多 {MAX_VERTICES} 个，请简化后再提交",
            en=f"{cap(noun_en)} has too many vertices: at most {MAX_VERTICES}; please simplify it and send it again",
            field="geometry",
        )
    try:
        return shape(raw)
    except Exception as exc:  # shapely raises several kinds for malformed coordinates
        raise InvalidGeometry(
            f"{noun}不是有效的 GeoJSON {raw.get('type')}：{exc}",
            en=f"{cap(noun_en)} is not a valid GeoJSON {raw.get('type')}: {exc}",
            field="geometry",
        ) from None


def count_vertices(coordinates, limit: int = MAX_VERTICES) -> int:
    """The positions in a GeoJSON ``coordinates`` array, counted until past ``limit`` (without
    building the geometry: a drawing of a million vertices is refused cheaply)."""
    if not isinstance(coordinates, list) or not coordinates:
        return 0
    if not isinstance(coordinates[0], list):
        return 1  # a position
    total = 0
    for part in coordinates:
        total += count_vertices(part, limit - total)
        if total > limit:
            break
    return total


def check_drawing(
    county: County, geom: BaseGeometry, noun: str = "选区", noun_en: str = "the selection"
) -> BaseGeometry:
    """A drawn selection checked as DESIGN §5 asks: a polygon or a line, finite lon/lat, valid
    (a repair is kept only when it changes the area by at most 0.1 %), and touching the county.
    ``noun`` names the drawing in the messages (a zone's new outline, say)."""
    if geom is None or geom.is_empty:
        raise InvalidGeometry(
            f"{noun}是空的：请在地图上画出多边形或线",
            en=f"{cap(noun_en)} is empty: please draw a polygon or a line on the map",
            field="geometry",
        )
    if geom.geom_type not in POLYGONAL + LINEAR:
        raise InvalidGeometry(
            f"{noun}应为多边形或线，而不是 {geom.geom_type}",
            en=f"{cap(noun_en)} must be a polygon or a line, not a {geom.geom_type}",
            field="geometry",
        )
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise InvalidGeometry(
            f"{noun}坐标含有非数值（NaN 或无穷大）",
            en=f"{cap(noun_en)} has coordinates that are not numbers (NaN or infinite)",
            field="geometry",
        )
    if shapely.get_num_coordinates(geom) > MAX_VERTICES:
        raise InvalidGeometry(
            f"{noun}的顶点过多：最多 {MAX_VERTICES} 个，请简化后再提交",
            en=f"{cap(noun_en)} has too many vertices: at most {MAX_VERTICES}; please simplify it and send it again",
            field="geometry",
        )
    _check_reach(county, geom, noun, noun_en)  # before the validity check, whose cost grows with the drawing
    if geom.geom_type in POLYGONAL and not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        fixed = repair_polygon(geom)
        if fixed is None:
            what = f"{noun}自相交" if "Self-intersection" in reason else f"{noun}图形无效"
            what_en = f"{cap(noun_en)} {'crosses itself' if 'Self-intersection' in reason else 'is not a valid shape'}"
            raise InvalidGeometry(
                f"{what}，请重新绘制（{reason}）",
                en=f"{what_en}; please draw it again ({reason})",
                field="geometry",
            )
        geom = fixed
    _check_place(county, geom, noun, noun_en)
    return geom


def _check_place(county: County, geom: BaseGeometry, noun: str, noun_en: str) -> None:
    """Refuse coordinates that are not lon/lat, are swapped, or lie wholly outside the county."""
    area = county.boundary or county.extent
    lonlat = looks_like_lonlat(geom.bounds)
    if area is None or (lonlat and area.intersects(geom)):
        return
    swapped = shapely.transform(geom, lambda xy: xy[:, ::-1])
    if looks_like_lonlat(swapped.bounds) and area.intersects(swapped):
        raise InvalidGeometry(
            f"{noun}的经纬度顺序颠倒了：GeoJSON 坐标应为 [经度, 纬度]",
            en=f"{cap(noun_en)} has longitude and latitude swapped: GeoJSON coordinates are [longitude, latitude]",
            field="geometry",
        )
    if not lonlat:
        raise InvalidGeometry(
            f"{noun}坐标不是经纬度：应为 WGS-84 的 [经度, 纬度]",
            en=f"{cap(noun_en)} is not in longitude/latitude: use WGS-84 [longitude, latitude]",
            field="geometry",
        )
    raise InvalidGeometry(
        f"{noun}在{county.name}范围之外：请在本县区内绘制",
        en=f"{cap(noun_en)} lies outside {county.name}: please draw within the county",
        field="geometry",
    )


def _check_reach(county: County, geom: BaseGeometry, noun: str, noun_en: str) -> None:
    """Refuse a drawing reaching past the county's extent by more than EXTENT_MARGIN_DEG (a
    whole-world polygon catches nothing more, and costs a worker its memory); by its bounds only.
    One wholly outside (or swapped) is left to ``_check_place``, which says so."""
    area = county.boundary or county.extent
    if area is None or _within_reach(area.bounds, geom.bounds):
        return
    x0, y0, x1, y1 = area.bounds
    gx0, gy0, gx1, gy1 = geom.bounds
    if gx0 <= x1 and gx1 >= x0 and gy0 <= y1 and gy1 >= y0:  # over the county, and far past it
        raise InvalidGeometry(
            f"{noun}伸到{county.name}范围之外过远：请在本县区内绘制",
            en=f"{cap(noun_en)} reaches too far outside {county.name}: please draw within the county",
            field="geometry",
        )


def _within_reach(extent: tuple, bounds: tuple) -> bool:
    m = EXTENT_MARGIN_DEG
    return (bounds[0] >= extent[0] - m and bounds[1] >= extent[1] - m
            and bounds[2] <= extent[2] + m and bounds[3] <= extent[3] + m)  # fmt: skip


def catch_area(store: Store, county: County, geom: BaseGeometry, tolerance_m: float) -> BaseGeometry:
    """The area a checked drawing catches in: a polygon itself; a line grown by ``tolerance_m``
    metres on each side (in the county's metric CRS)."""
    if geom.geom_type in POLYGONAL:
        return geom
    epsg = store.county_epsg(county.id)
    return from_metric(shapely.buffer(to_metric(geom, epsg), tolerance_m), epsg)


def check_choices(mode: str, kinds: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    if mode not in MODES:
        raise InvalidInput(
            f"mode 应为 touching（接触即选中）或 inside（完全在选区内），而不是 {mode!r}",
            en=f"mode must be touching (selected when touched) or inside (wholly within the selection), not {mode!r}",
            field="mode",
        )
    unknown = [k for k in kinds if k not in SELECTABLE]
    if not kinds or unknown:
        raise InvalidInput(
            f"kinds 只能取 {', '.join(SELECTABLE)}，而不是 {', '.join(map(repr, unknown)) or '空'}",
            en=f"kinds must be among {', '.join(SELECTABLE)}, not {', '.join(map(repr, unknown)) or 'nothing'}",
            field="kinds",
        )
    return mode, tuple(k for k in SELECTABLE if k in kinds)


def select_targets(
    store: Store,
    county: County,
    geom: BaseGeometry | Mapping,
    mode: str = "touching",
    kinds: Sequence[str] = ("segment",),
    at: datetime | None = None,
    tolerance_m: float = LINE_TOLERANCE_M,
) -> Selection:
    """The segments and zones (of ``kinds``) a drawing catches, wholly ``inside`` it or
    ``touching`` it, with their versions and their lead units at ``at`` (now by default).

    ``geom``: lon/lat GeoJSON or a shapely geometry. InvalidGeometry for a drawing that is not a
    valid polygon or line inside the county, EmptySelection when it catches nothing."""
    mode, kinds = check_choices(mode, kinds)
    drawn = check_drawing(county, geom if isinstance(geom, BaseGeometry) else parse_drawing(geom))
    area = catch_area(store, county, drawn, tolerance_m)
    shapely.prepare(area)
    caught = []
    for kind in kinds:
        if kind == "segment":
            candidates = store.list_segments(county.id, bbox=area.bounds)
        else:
            candidates = store.list_zones(county.id, kind=kind, bbox=area.bounds)
        geoms = np.array([c.geom for c in candidates], dtype=object)
        test = shapely.covers if mode == "inside" else shapely.intersects
        keep = test(area, geoms) if candidates else np.array([], dtype=bool)
        caught += [c for c, k in zip(candidates, keep, strict=True) if k]
    if not caught:
        wanted = "或".join(TARGET_KIND_ZH[k] for k in kinds)
        how = "完全落在选区内的" if mode == "inside" else "与选区接触的"
        wanted_en = " or ".join(TARGET_KIND_EN[k] for k in kinds)
        how_en = "lies wholly inside" if mode == "inside" else "touches"
        raise EmptySelection(
            f"没有{how}{wanted}：请重新圈选",
            en=f"No {wanted_en} {how_en} the selection: please select again",
            field="geometry",
        )
    return Selection(drawn, describe(store, county, caught, at or clock.now()))
