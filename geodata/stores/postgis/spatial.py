"""Spatial and temporal lookups on PostGIS: one SQL statement for a whole batch of points."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import shapely
from psycopg.types.json import Jsonb

from geodata.geo.geometry import metric_xy
from geodata.model import ZONE_FINENESS
from geodata.stores.postgis.encoding import PostgisEncoding
from geodata.stores.shared.checks import utc

BATCH = 50_000  # points per statement: large enough to amortise, small enough for memory

# The finest zone containing each point (``fineness``: geodata.model.ZONE_FINENESS), the smaller first.
_ZONES_AT = """
    SELECT z.id
    FROM unnest(%(xs)s::float8[], %(ys)s::float8[]) WITH ORDINALITY AS p(x, y, i)
    LEFT JOIN LATERAL (
        SELECT zone.id
        FROM zone
        WHERE zone.county_id = %(county)s
          AND ST_Intersects(zone.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326))
        ORDER BY (%(fineness)s::jsonb ->> zone.kind)::integer, zone.area_m2, zone.id
        LIMIT 1
    ) AS z ON true
    ORDER BY p.i
"""
# Points and geom_m are in the county's UTM zone (SRID 0), so distances are metres.
_NEAREST = """
    SELECT s.id, s.distance_m
    FROM unnest(%(xs)s::float8[], %(ys)s::float8[]) WITH ORDINALITY AS p(x, y, i)
    LEFT JOIN LATERAL (
        SELECT segment.id, ST_Distance(segment.geom_m, ST_MakePoint(p.x, p.y)) AS distance_m
        FROM segment
        WHERE segment.county_id = %(county)s
          AND ST_DWithin(segment.geom_m, ST_MakePoint(p.x, p.y), %(max_m)s)
        ORDER BY distance_m, segment.id
        LIMIT 1
    ) AS s ON true
    ORDER BY p.i
"""
# A plain join, not a lateral lookup per point: leads of one target never overlap, so each
# (target, time) meets at most one row, and a hash join stays fast whatever the statistics say.
_LEADS = """
    SELECT a.unit_id
    FROM unnest(%(ids)s::integer[], %(times)s::timestamptz[]) WITH ORDINALITY AS p(target_id, t, i)
    LEFT JOIN assignment AS a
      ON a.county_id = %(county)s
     AND a.target_kind = %(kind)s
     AND a.target_id = p.target_id
     AND a.role = 'lead'
     AND a.voided_by IS NULL
     AND a.valid_from <= p.t
     AND (a.valid_to IS NULL OR a.valid_to > p.t)
    ORDER BY p.i
"""


class SpatialMixin(PostgisEncoding):
    def _batched(self, query: str, params: dict, columns: dict[str, np.ndarray | list]) -> list[tuple]:
        """Run ``query`` over consecutive slices of the array parameters in ``columns``."""
        n = len(next(iter(columns.values())))
        rows: list[tuple] = []
        for start in range(0, n, BATCH):
            chunk = {k: list(v[start : start + BATCH]) for k, v in columns.items()}
            rows += self.conn.execute(query, {**params, **chunk}).fetchall()
        return rows

    def zones_at(self, county_id: int, points: Sequence) -> list[int | None]:
        if len(points) == 0:
            return []
        xy = shapely.get_coordinates(np.asarray(points, dtype=object))
        rows = self._batched(
            _ZONES_AT,
            {"county": county_id, "fineness": Jsonb(ZONE_FINENESS)},
            {"xs": xy[:, 0].tolist(), "ys": xy[:, 1].tolist()},
        )
        return [r[0] for r in rows]

    def nearest_segments(
        self, county_id: int, points: Sequence, max_m: float
    ) -> list[tuple[int, float] | None]:
        if len(points) == 0:
            return []
        pts = np.asarray(points, dtype=object)
        xy = metric_xy(shapely.get_coordinates(pts), self.county_epsg(county_id, pts))
        params = {"county": county_id, "max_m": float(max_m)}
        rows = self._batched(_NEAREST, params, {"xs": xy[:, 0].tolist(), "ys": xy[:, 1].tolist()})
        return [None if r[0] is None else (r[0], r[1]) for r in rows]

    def lead_units(self, county_id, target_kind, target_ids, at: Sequence[datetime]) -> list[int | None]:
        if len(target_ids) != len(at):
            raise ValueError("lead_units needs one time per target")
        if not any(t is not None for t in target_ids):
            return [None] * len(target_ids)
        params = {"county": county_id, "kind": target_kind}
        ids = [None if t is None else int(t) for t in target_ids]
        rows = self._batched(_LEADS, params, {"ids": ids, "times": [utc(t) for t in at]})
        return [r[0] for r in rows]
