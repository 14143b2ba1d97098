"""Spatial and temporal lookups on SQLite: R*Tree prefilter in SQL, exact answers in vectorised shapely."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from geodata.geo.geometry import metric_xy
from geodata.model import ZONE_FINENESS
from geodata.stores.sqlite.encoding import SqliteEncoding

_BBOX_JOIN = """
    SELECT t.*
    FROM {table}_rtree AS r
    CROSS JOIN {table} AS t ON t.id = r.id  -- the R*Tree first, not every row of the county
    WHERE t.county_id = :county
      AND r.maxx >= :minx AND r.minx <= :maxx
      AND r.maxy >= :miny AND r.miny <= :maxy
"""
_ALL = """
    SELECT t.*
    FROM {table} AS t
    WHERE t.county_id = :county
"""
METRES_PER_DEGREE = 111_320.0
FEW_TARGETS = 500
# SQLite has no portable floor(); CAST truncates toward zero, so step back one for negatives.


def _nones(values: np.ndarray) -> list[int | None]:
    """Integer ids with -1 meaning 'none', as a list of int or None."""
    return [None if v < 0 else int(v) for v in values.tolist()]


def _utc_us(values) -> np.ndarray:
    """Times (datetimes or ISO text) as int64 microseconds since the epoch, UTC."""
    if len(values) == 0:
        return np.array([], dtype=np.int64)
    stamps = pd.to_datetime(pd.Series(values), utc=True, format="ISO8601")
    return stamps.dt.as_unit("us").astype("int64").to_numpy()


class SpatialMixin(SqliteEncoding):
    def _in_bbox(self, table, county_id, bbox, extra="", params=None, limit=None, offset=0, order="t.id"):
        """Rows of ``table`` (zone, segment, incident) whose geometry intersects ``bbox``."""
        if bbox is not None and table == "incident":
            # R*Tree boxes are 32-bit floats rounded outwards; the point's own columns are exact.
            extra += " AND t.lon BETWEEN :minx AND :maxx AND t.lat BETWEEN :miny AND :maxy"
        sql = (_ALL if bbox is None else _BBOX_JOIN).format(table=table) + extra + f" ORDER BY {order}"
        args = {"county": county_id, **(params or {})}
        if bbox is not None:
            args.update(zip(("minx", "miny", "maxx", "maxy"), bbox, strict=True))
        exact = bbox is not None and table != "incident"
        if limit is not None and not exact:
            sql += " LIMIT :limit OFFSET :offset"
            args.update(limit=limit, offset=offset)
        rows = self._rows(sql, args)
        if exact and rows:
            geoms = shapely.from_wkb([r["geom"] for r in rows])
            keep = shapely.intersects(geoms, shapely.box(*bbox))
            rows = [r for r, k in zip(rows, keep, strict=True) if k]
        return rows

    def _candidates(self, table, county_id, bbox, columns):
        sql = _BBOX_JOIN.format(table=table).replace("t.*", ", ".join(f"t.{c}" for c in columns))
        args = dict(zip(("minx", "miny", "maxx", "maxy"), bbox, strict=True), county=county_id)
        return self._rows(sql, args)

    def zones_at(self, county_id: int, points: Sequence) -> list[int | None]:
        pts = np.asarray(points, dtype=object)
        if len(pts) == 0:
            return []
        rows = self._candidates(
            "zone", county_id, shapely.total_bounds(pts), ("id", "kind", "area_m2", "geom")
        )
        if not rows:
            return [None] * len(pts)
        ids = np.array([r["id"] for r in rows])
        fineness = np.array([ZONE_FINENESS[r["kind"]] for r in rows])
        area = np.array([r["area_m2"] for r in rows])
        zones = shapely.from_wkb([r["geom"] for r in rows])
        shapely.prepare(zones)
        xy = shapely.get_coordinates(pts)
        p_idx, z_idx = STRtree(zones).query(pts)  # candidate pairs by bounding box
        hits = np.zeros(len(p_idx), dtype=bool)
        for z in np.unique(z_idx):  # one prepared, vectorised test per zone
            sel = np.flatnonzero(z_idx == z)
            hits[sel] = shapely.intersects_xy(zones[z], xy[p_idx[sel], 0], xy[p_idx[sel], 1])
        p_idx, z_idx = p_idx[hits], z_idx[hits]
        best = np.lexsort((ids[z_idx], area[z_idx], fineness[z_idx], p_idx))
        p_idx, z_idx = p_idx[best], z_idx[best]
        first = np.unique(p_idx, return_index=True)[1]
        out = np.full(len(pts), -1, dtype=np.int64)
        out[p_idx[first]] = ids[z_idx[first]]
        return _nones(out)

    def nearest_segments(
        self, county_id: int, points: Sequence, max_m: float
    ) -> list[tuple[int, float] | None]:
        pts = np.asarray(points, dtype=object)
        if len(pts) == 0:
            return []
        minx, miny, maxx, maxy = shapely.total_bounds(pts)
        dlat = 1.5 * max_m / METRES_PER_DEGREE
        dlon = dlat / max(math.cos(math.radians(max(abs(miny), abs(maxy)))), 0.01)
        bbox = (minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)
        rows = self._candidates("segment", county_id, bbox, ("id", "geom_m"))
        if not rows:
            return [None] * len(pts)
        starts, ends, owner = _pieces(shapely.from_wkb([r["geom_m"] for r in rows]))
        ids = np.array([r["id"] for r in rows])[owner]
        # Boxes of the pieces grown by max_m: a point inside one is a candidate for that piece.
        grown = shapely.box(*(np.minimum(starts, ends) - max_m).T, *(np.maximum(starts, ends) + max_m).T)
        xy = metric_xy(shapely.get_coordinates(pts), self.county_epsg(county_id, pts))
        q_idx, t_idx = STRtree(grown).query(shapely.points(xy))  # sorted by point
        dist = _point_segment_distance(xy[q_idx], starts[t_idx], ends[t_idx])
        keep = dist <= max_m
        q_idx, seg, dist = q_idx[keep], ids[t_idx[keep]], dist[keep]
        q_idx, seg, dist = _first_per_group(q_idx, dist, seg)
        out: list[tuple[int, float] | None] = [None] * len(pts)
        for q, segment_id, d in zip(q_idx.tolist(), seg.tolist(), dist.tolist(), strict=True):
            out[q] = (segment_id, d)
        return out

    def lead_units(self, county_id, target_kind, target_ids, at: Sequence[datetime]) -> list[int | None]:
        if len(target_ids) != len(at):
            raise ValueError("lead_units needs one time per target")
        wanted = np.array([-1 if t is None else t for t in target_ids], dtype=np.int64)
        if not (wanted >= 0).any():
            return [None] * len(wanted)
        sql = (
            "SELECT target_id, unit_id, valid_from, valid_to FROM assignment "
            "WHERE county_id = ? AND target_kind = ? AND role = 'lead' AND voided_by IS NULL"
        )
        args: tuple = (county_id, target_kind)
        targets = np.unique(wanted[wanted >= 0]).tolist()
        if len(targets) <= FEW_TARGETS:  # one report: read its few targets' leads, not the county's
            sql += f" AND target_id IN ({', '.join('?' * len(targets))})"
            args += tuple(targets)
        rows = self._rows(sql, args)
        leads = pd.DataFrame(
            {
                "target": np.array([r["target_id"] for r in rows], dtype=np.int64),
                "unit": np.array([r["unit_id"] for r in rows], dtype=np.int64),
                "start": _utc_us([r["valid_from"] for r in rows]),
                "end": _utc_us([r["valid_to"] or "9999-12-31T00:00:00+00:00" for r in rows]),
            }
        )
        return _nones(_in_force(wanted, _utc_us(list(at)), leads))


def _pieces(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each line cut into its two-point pieces: start and end coordinates, and the line's index.

    Small pieces have tight boxes, so the tree prunes far better than with whole streets; the
    distance to a line is the least distance to its pieces, so the answers do not change."""
    parts, part_of = shapely.get_parts(lines, return_index=True)
    coords, coord_of = shapely.get_coordinates(parts, return_index=True)
    first = np.flatnonzero(coord_of[1:] == coord_of[:-1])
    return coords[first], coords[first + 1], part_of[coord_of[first]]


def _first_per_group(group: np.ndarray, dist: np.ndarray, ids: np.ndarray):
    """Per run of equal ``group`` values (sorted): the least distance, ties to the lowest id."""
    if len(group) == 0:
        return group, ids, dist
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    least = np.repeat(np.minimum.reduceat(dist, starts), np.diff(np.r_[starts, len(group)]))
    ids = np.where(dist == least, ids, np.iinfo(np.int64).max)
    return group[starts], np.minimum.reduceat(ids, starts), least[starts]


def _point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance from each point p to the segment a–b (all (n, 2) arrays).

    Past either end the distance is to that end point itself, computed as GEOS does, so that a
    point equidistant from two streets meeting at a junction ties exactly on both backends."""
    ab = b - a
    length2 = np.einsum("ij,ij->i", ab, ab)
    along = np.einsum("ij,ij->i", p - a, ab) / np.where(length2 > 0, length2, 1.0)
    foot = np.where((along <= 0)[:, None], a, np.where((along >= 1)[:, None], b, a + along[:, None] * ab))
    d = p - foot
    return np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])


def _in_force(targets: np.ndarray, times: np.ndarray, leads: pd.DataFrame) -> np.ndarray:
    """For each (target, time), the unit of the lead row whose [start, end) holds the time, or -1."""
    out = np.full(len(targets), -1, dtype=np.int64)
    if leads.empty:
        return out
    asked = pd.DataFrame({"pos": np.arange(len(targets)), "target": targets, "t": times})
    asked = asked[asked.target >= 0].sort_values("t")
    # Leads of one target never overlap, so the latest start at or before t is the only candidate.
    joined = pd.merge_asof(asked, leads.sort_values("start"), left_on="t", right_on="start", by="target")
    ok = joined.unit.notna() & (joined.t < joined.end)
    out[joined.pos[ok].to_numpy()] = joined.unit[ok].to_numpy().astype(np.int64)
    return out
