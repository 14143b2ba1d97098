"""The geometric core of the coverage analysis: vectorised shapely 2 on arrays of geometries.

What covers what and what overlaps what is decided in lon/lat, the CRS the outlines were drawn and
stored in: there two neighbours' shared straight edge is the same line. Projected, the same edge
becomes different chords of a curve when the neighbours have different vertices along it, and
the chords leave slivers of a square metre or more between them. Every area, length and distance
is measured in the county's metric CRS (``epsg``).

Nothing here knows the store or the report: arrays in, arrays out.
"""

from __future__ import annotations

import numpy as np
import shapely

from geodata.geo.geometry import to_metric

# A piece of uncovered area or an overlap smaller than this is floating-point dust where two
# outlines were meant to coincide, not a place anybody could guard.
MIN_GAP_M2 = 1.0
# A segment midpoint this close to a community counts as lying in it: a street on the border of
# two communities lies in both.
TOUCH_M = 0.5


def uncovered_parts(
    area: shapely.Geometry | None, covers: np.ndarray, epsg: int
) -> tuple[np.ndarray, np.ndarray]:
    """The polygons of ``area`` that no geometry of ``covers`` covers, each at least
    ``MIN_GAP_M2``, largest first (lon/lat), with their areas in m²."""
    if area is None or area.is_empty:
        return _no_polygons()
    covers = np.asarray(covers, dtype=object)
    rest = shapely.difference(area, shapely.union_all(covers)) if covers.size else area
    parts = shapely.get_parts(rest)
    parts = parts[np.isin(shapely.get_type_id(parts), (3, 6))]  # polygons; drop stray lines
    areas = shapely.area(to_metric(parts, epsg)) if parts.size else np.array([], dtype=float)
    keep = areas >= MIN_GAP_M2
    parts, areas = parts[keep], areas[keep]
    order = np.lexsort((shapely.bounds(parts)[:, 0], -areas)) if parts.size else np.array([], int)
    return parts[order], areas[order]


def overlap_pairs(geoms: np.ndarray, epsg: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) of ``geoms`` whose interiors overlap by at least ``MIN_GAP_M2``: the index
    arrays and the overlapping parts (lon/lat) with their areas in m², ordered by (i, j)."""
    geoms = np.asarray(geoms, dtype=object)
    empty = np.array([], dtype=np.int64)
    if geoms.size < 2:
        return empty, empty, np.array([], dtype=object), np.array([], dtype=float)
    left, right = shapely.STRtree(geoms).query(geoms)
    box = shapely.bounds(geoms)
    width = np.minimum(box[left, 2], box[right, 2]) - np.maximum(box[left, 0], box[right, 0])
    height = np.minimum(box[left, 3], box[right, 3]) - np.maximum(box[left, 1], box[right, 1])
    # Boxes that only touch cannot hold overlapping interiors: the cheap test first.
    keep = (left < right) & (width > 0) & (height > 0)
    left, right = left[keep], right[keep]
    # Neighbours that only share an edge (a tiling) are the common case: drop them before
    # computing any intersection.
    inner = shapely.relate_pattern(geoms[left], geoms[right], "T********")
    left, right = left[inner], right[inner]
    shapes = shapely.intersection(geoms[left], geoms[right])
    areas = shapely.area(to_metric(shapes, epsg)) if shapes.size else np.array([], dtype=float)
    keep = np.flatnonzero(areas >= MIN_GAP_M2)
    keep = keep[np.lexsort((right[keep], left[keep]))]
    return left[keep], right[keep], shapes[keep], areas[keep]


def midpoints(lines_m: np.ndarray) -> np.ndarray:
    """The point halfway along each line."""
    return shapely.line_interpolate_point(np.asarray(lines_m, dtype=object), 0.5, normalized=True)


def containing(points_m: np.ndarray, polygons_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point index, polygon index) of each point and the polygons within ``TOUCH_M`` of
    it, ordered by point then polygon."""
    polygons = np.asarray(polygons_m, dtype=object)
    empty = np.array([], dtype=np.int64)
    if polygons.size == 0 or len(points_m) == 0:
        return empty, empty
    point_idx, poly_idx = shapely.STRtree(polygons).query(
        np.asarray(points_m, dtype=object), predicate="dwithin", distance=TOUCH_M
    )
    order = np.lexsort((poly_idx, point_idx))
    return point_idx[order], poly_idx[order]


def bounds_list(geoms) -> list[list[float]]:
    """Each geometry's [minx, miny, maxx, maxy], rounded to ~0.1 m of a degree."""
    arr = np.asarray(geoms, dtype=object)
    if arr.size == 0:
        return []
    return np.round(shapely.bounds(arr), 6).tolist()


def _no_polygons() -> tuple[np.ndarray, np.ndarray]:
    return np.array([], dtype=object), np.array([], dtype=float)
