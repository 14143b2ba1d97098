"""Geometry rules (DESIGN §5): the county's local metric CRS, and the checks every geometry passes.

Storage is EPSG:4326 (lon, lat). Lengths, areas and distances are computed in the county's UTM zone.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info
from shapely.geometry.base import BaseGeometry

from geodata.errors import InvalidGeometry

# How far outside a county's extent a geometry may reach before it is refused (degrees, ~5 km).
EXTENT_MARGIN_DEG = 0.05
# A drawing (a selection, a posting's shape, a zone's new outline) has at most this many vertices:
# more is no hand's work, and the checks on it (validity, overlay with the neighbours) grow with it.
MAX_VERTICES = 5_000
# make_valid may change a polygon's area by at most this fraction before the repair is refused.
MAX_REPAIR_AREA_CHANGE = 0.001

POLYGONAL = ("Polygon", "MultiPolygon")
LINEAR = ("LineString", "MultiLineString")


def utm_epsg_for(lon: float, lat: float) -> int:
    """The EPSG code of the WGS 84 UTM zone containing (lon, lat)."""
    infos = query_utm_crs_info(
        datum_name="WGS 84",
        area_of_interest=AreaOfInterest(lon, lat, lon, lat),
    )
    if not infos:
        raise InvalidGeometry(
            f"没有 UTM 带覆盖经度 {lon}、纬度 {lat}", en=f"No UTM zone covers lon {lon}, lat {lat}"
        )
    # Prefer the zone whose central meridian is closest to the point.
    zone = int(math.floor((lon + 180) / 6)) + 1
    wanted = (32600 if lat >= 0 else 32700) + zone
    codes = [int(i.code) for i in infos]
    return wanted if wanted in codes else codes[0]


@lru_cache(maxsize=32)
def _to_metric(epsg: int) -> Transformer:
    return Transformer.from_crs(4326, epsg, always_xy=True)


@lru_cache(maxsize=32)
def _from_metric(epsg: int) -> Transformer:
    return Transformer.from_crs(epsg, 4326, always_xy=True)


def to_metric(geoms, epsg: int):
    """Project lon/lat geometries (one or an array) into the metric CRS ``epsg``."""
    tr = _to_metric(epsg)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def metric_xy(lonlat: np.ndarray, epsg: int) -> np.ndarray:
    """Project an (n, 2) array of lon/lat coordinates into the metric CRS ``epsg``."""
    return np.column_stack(_to_metric(epsg).transform(lonlat[:, 0], lonlat[:, 1]))


def from_metric(geoms, epsg: int):
    tr = _from_metric(epsg)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def lengths_m(geoms, epsg: int) -> np.ndarray:
    return shapely.length(to_metric(np.asarray(geoms, dtype=object), epsg))


def areas_m2(geoms, epsg: int) -> np.ndarray:
    return shapely.area(to_metric(np.asarray(geoms, dtype=object), epsg))


def reproject(geoms, src: str | int | CRS):
    """Reproject geometries from ``src`` to EPSG:4326 (lon, lat order)."""
    tr = Transformer.from_crs(CRS.from_user_input(src), 4326, always_xy=True)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def looks_like_lonlat(bounds) -> bool:
    minx, miny, maxx, maxy = bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def check_geometry(
    geom: BaseGeometry | None,
    types: tuple[str, ...],
    extent: BaseGeometry | None = None,
) -> tuple[BaseGeometry, str | None]:
    """Check one geometry against DESIGN §5; return it (perhaps repaired) and a repair note.

    Raises InvalidGeometry naming the reason: missing, wrong type, not finite, not lon/lat,
    swapped lon/lat, outside the county, or invalid beyond a 0.1 % repair.
    """
    if geom is None or geom.is_empty:
        raise InvalidGeometry("几何图形缺失或为空", en="The geometry is missing or empty")
    if geom.geom_type not in types:
        raise InvalidGeometry(
            f"应为 {' 或 '.join(types)}，而不是 {geom.geom_type}",
            en=f"A {geom.geom_type} was given where {' or '.join(types)} is expected",
        )
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        raise InvalidGeometry(
            "几何图形的坐标含有非数值（NaN 或无穷大）", en="The geometry has NaN or infinite coordinates"
        )
    if not looks_like_lonlat(geom.bounds):
        raise InvalidGeometry(
            f"坐标 {tuple(round(c, 4) for c in coords[0])} 不是经纬度（请用 --crs 声明文件的坐标系）",
            en=f"Coordinates {tuple(round(c, 4) for c in coords[0])} are not longitude/latitude "
            "(declare the file's CRS with --crs)",
        )
    if extent is not None:
        _check_inside(geom, extent)
    note = None
    if not geom.is_valid:
        geom, note = _repair(geom, types)
    return geom, note


def _check_inside(geom: BaseGeometry, extent: BaseGeometry) -> None:
    area = extent.buffer(EXTENT_MARGIN_DEG)
    if area.intersects(geom):
        return
    swapped = shapely.transform(geom, lambda xy: xy[:, ::-1])
    x, y = shapely.get_coordinates(geom)[0]
    if area.intersects(swapped):
        raise InvalidGeometry(
            f"经纬度似乎颠倒了：({x:.5f}, {y:.5f}) 在县区之外，({y:.5f}, {x:.5f}) 在县区之内；GeoJSON 的顺序为经度、纬度",
            en=f"Longitude and latitude look swapped: ({x:.5f}, {y:.5f}) lies outside the county, "
            f"({y:.5f}, {x:.5f}) inside it; GeoJSON order is longitude, latitude",
        )
    raise InvalidGeometry(
        f"({x:.5f}, {y:.5f}) 在县区范围之外", en=f"({x:.5f}, {y:.5f}) lies outside the county's extent"
    )


def _repair(geom: BaseGeometry, types: tuple[str, ...]) -> tuple[BaseGeometry, str]:
    reason = shapely.is_valid_reason(geom)
    fixed = shapely.make_valid(geom)
    if fixed.geom_type == "GeometryCollection":
        # Keep the part of the wanted dimension (e.g. the polygons of a bow-tie's repair).
        parts = [g for g in fixed.geoms if g.geom_type in types + ("Polygon", "LineString")]
        parts = [g for g in parts if g.geom_type in _family(types)]
        fixed = shapely.union_all(parts) if parts else fixed
    if fixed.geom_type not in types and not ("MultiPolygon" in types and fixed.geom_type == "Polygon"):
        raise InvalidGeometry(
            f"几何图形无效（{reason}），修复后为 {fixed.geom_type}",
            en=f"Invalid geometry ({reason}) and its repair is a {fixed.geom_type}",
        )
    if geom.geom_type in POLYGONAL:
        before, after = abs(_signed_area(geom)), fixed.area
        change = abs(after - before) / before if before else 1.0
        if change > MAX_REPAIR_AREA_CHANGE:
            raise InvalidGeometry(
                f"几何图形无效（{reason}）；修复会使面积改变 {change:.1%}，超过允许的 {MAX_REPAIR_AREA_CHANGE:.1%}",
                en=f"Invalid geometry ({reason}); repairing it would change its area by "
                f"{change:.1%}, more than the {MAX_REPAIR_AREA_CHANGE:.1%} allowed",
            )
    return fixed, f"repaired: {reason}"


def repair_polygon(geom: BaseGeometry) -> BaseGeometry | None:
    """``make_valid``'s repair of an invalid (multi)polygon, when it keeps the polygonal parts and
    the area as drawn within MAX_REPAIR_AREA_CHANGE; None when the repair would change what was meant."""
    fixed = shapely.make_valid(geom)
    parts = [g for g in shapely.get_parts(fixed) if g.geom_type in POLYGONAL]
    if not parts:
        return None
    fixed = shapely.union_all(parts)
    before = abs(_signed_area(geom))
    change = abs(fixed.area - before) / before if before else 1.0
    return fixed if change <= MAX_REPAIR_AREA_CHANGE else None


def _family(types: tuple[str, ...]) -> tuple[str, ...]:
    if set(types) & set(POLYGONAL):
        return POLYGONAL
    if set(types) & set(LINEAR):
        return LINEAR
    return types


def _signed_area(geom: BaseGeometry) -> float:
    """Area by the shoelace sum of the rings as drawn, which is what the author meant to enclose."""
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    total = 0.0
    for p in polys:
        total += abs(_ring_area(p.exterior.coords)) - sum(abs(_ring_area(r.coords)) for r in p.interiors)
    return total


def _ring_area(coords) -> float:
    xy = np.asarray(coords)
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
