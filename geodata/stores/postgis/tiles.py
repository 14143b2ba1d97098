"""Mapbox Vector Tiles from PostGIS, made by ``PostgisTiles``, the store's tile builder: the features
of a tile chosen, clipped and encoded in SQL (``ST_AsMVTGeom``, ``ST_AsMVT``), but for incident
clusters (planned by shared/clusters.py, a few dozen points encoded in Python); the rules of what a
layer holds at a zoom are geodata/geo/tiles.py."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import psycopg
from psycopg.rows import dict_row

from geodata.geo import tiles
from geodata.geo.tiles import CellBox, Tile
from geodata.stores.shared import clusters
from geodata.stores.shared.cases import INCIDENT_FILTERS
from geodata.stores.shared.checks import utc

# The incidents of a block of cells: found by box through the GiST index, kept by cell number (a
# point on a tile's edge is in exactly one tile).
_IN_CELLS = """
    t.county_id = %(county)s
    AND t.geom && ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326)
    AND t.cell_x BETWEEN %(x0)s AND %(x1)s AND t.cell_y BETWEEN %(y0)s AND %(y1)s
"""
_MVT_GEOM = (
    "ST_AsMVTGeom(ST_Transform({geom}, 3857), ST_MakeEnvelope(%(ex0)s, %(ey0)s, %(ex1)s, %(ey1)s, 3857), "
    "{extent}, {buffer}, true)"
)
_POINTS = f"""
    SELECT t.id, t.category, t.status,
           {_MVT_GEOM.format(geom="t.geom", extent=tiles.EXTENT, buffer=tiles.DOTS_BUFFER)} AS geom
    FROM incident AS t
    WHERE {_IN_CELLS} {INCIDENT_FILTERS}
    ORDER BY t.id
    LIMIT %(limit)s
"""
# One pass: how many there are (up to MAX_DOTS + 1) and, if not too many, their tile.
_POINTS_TILE = f"""
    WITH p AS ({_POINTS})
    SELECT (SELECT COUNT(*) FROM p), (SELECT ST_AsMVT(m, %(layer)s, {tiles.EXTENT}, 'geom') FROM p AS m
                                      WHERE m.geom IS NOT NULL AND (SELECT COUNT(*) FROM p) <= %(limit)s - 1)
"""
# OFFSET 0 keeps the planner from pushing "geom IS NOT NULL" into the scan, where it computed
# ST_AsMVTGeom twice per row (a county-wide roads tile took 28 ms instead of 6).
_ENCODE = (
    "SELECT ST_AsMVT(m, %(layer)s, {extent}, 'geom') FROM ({rows} OFFSET 0) AS m WHERE m.geom IS NOT NULL"
)
_ROADS = f"""
    SELECT s.id, s.name, s.highway, a.unit_id,
           {_MVT_GEOM.format(geom="s.geom", extent=tiles.EXTENT, buffer=tiles.BUFFER)} AS geom
    FROM segment AS s
    LEFT JOIN assignment AS a
      ON a.county_id = s.county_id AND a.target_kind = 'segment' AND a.target_id = s.id AND a.role = 'lead'
     AND a.voided_by IS NULL AND a.valid_from <= %(at)s AND (a.valid_to IS NULL OR a.valid_to > %(at)s)
    WHERE s.county_id = %(county)s
      AND s.geom && ST_MakeEnvelope(%(bminx)s, %(bminy)s, %(bmaxx)s, %(bmaxy)s, 4326)
      AND (%(all_roads)s OR split_part(s.highway, '/', 1) <> ALL(%(minor)s))
"""
_ZONES = f"""
    SELECT z.id, z.code, z.name, z.kind, z.tier,
           {_MVT_GEOM.format(geom="z.geom", extent=tiles.EXTENT, buffer=tiles.BUFFER)} AS geom
    FROM zone AS z
    WHERE z.county_id = %(county)s AND z.kind = ANY(%(kinds)s)
      AND z.geom && ST_MakeEnvelope(%(bminx)s, %(bminy)s, %(bmaxx)s, %(bmaxy)s, 4326)
"""


_RAW_CLUSTERS = f"""
    SELECT t.cell_x >> %(shift)s AS cx, t.cell_y >> %(shift)s AS cy, COUNT(*) AS n,
           SUM(ST_X(t.geom)) AS sx, SUM(ST_Y(t.geom)) AS sy
    FROM incident AS t
    WHERE {_IN_CELLS} {INCIDENT_FILTERS}
    GROUP BY 1, 2
"""


class PostgisTiles:
    """The tiles of one PostGIS connection, the store's collaborator for ``vector_tile`` and
    ``incident_clusters``: features chosen, clipped and encoded in SQL; incident clusters planned by
    shared/clusters.py and encoded by geodata/mvt/encode.py."""

    # The tile queries are never prepared: after five runs of a prepared statement PostgreSQL may
    # keep one generic plan, blind to how much of the county a tile's box covers (a county-wide
    # roads tile went from 6 to 26 ms). Each is planned for its own box.

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def vector_tile(self, county_id: int, layer: str, tile: Tile, at: datetime, **filters) -> bytes:
        if layer == "incidents":
            return self.incidents(county_id, tile, **filters)
        params = _tile_params(county_id, tile)
        if layer == "roads":
            if tile.z < tiles.ROADS_FROM_ZOOM:
                return b""
            sql = _ENCODE.format(extent=tiles.EXTENT, rows=_ROADS)
            every = tile.z >= tiles.ALL_ROADS_FROM_ZOOM
            params.update(layer=layer, at=utc(at), all_roads=every, minor=list(tiles.MINOR_ROADS))
            return _bytes(self.conn.execute(sql, params, prepare=False))
        if layer == "zones":
            kinds = list(tiles.zone_kinds(tile.z))
            sql = _ENCODE.format(extent=tiles.EXTENT, rows=_ZONES)
            return _bytes(self.conn.execute(sql, {**params, "layer": layer, "kinds": kinds}, prepare=False))
        raise ValueError(f"no tile layer {layer!r}")

    def incidents(self, county_id: int, tile: Tile, **filters) -> bytes:
        """Clusters (tiles.cluster_level); from POINTS_FROM_ZOOM on the incidents themselves instead,
        when the clusters (counted first, from the bins) hold no more than max_points(zoom)."""
        level = tiles.cluster_level(tile.z)
        found = self.incident_clusters(county_id, level, tiles.tile_cells(tile, level), **filters)
        centres, counts = clusters.drawn(tile, level, *found)
        params = clusters.dots_params(county_id, tile, counts, filters, _utc)
        dots = self._dots(tile, params) if params is not None else None
        return dots if dots is not None else clusters.clusters_tile(tile, centres, counts)

    def incident_clusters(self, county_id: int, level: int, cells: CellBox, **filters):
        statements = clusters.cluster_statements(_RAW_CLUSTERS, county_id, level, cells, filters, _utc)
        return clusters.merge([self._cluster_table(sql, params) for sql, params in statements])

    def _cluster_table(self, sql: str, params: dict) -> np.ndarray:
        """A clusters statement's rows as an array (n, 5) of cx, cy, n, sx, sy."""
        with self.conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(sql, params).fetchall()
        return np.array([(r["cx"], r["cy"], r["n"], r["sx"], r["sy"]) for r in rows], dtype=float).reshape(
            -1, 5
        )

    def _dots(self, tile: Tile, params: dict) -> bytes | None:
        """The tile of single incidents, or None when there are more than max_dots(zoom)."""
        params = {**params, **_envelope(tile), "layer": "incidents"}
        limit = tiles.max_dots(tile.z) + 1
        found, data = self.conn.execute(_POINTS_TILE, {**params, "limit": limit}, prepare=False).fetchone()
        if found > tiles.max_dots(tile.z):
            return None
        return bytes(data) if data is not None else b""


def _utc(dt: datetime | None) -> datetime | None:
    return None if dt is None else utc(dt)


def _tile_params(county_id: int, tile: Tile) -> dict:
    bminx, bminy, bmaxx, bmaxy = tiles.buffered_lonlat(tile)
    return dict(county=county_id, bminx=bminx, bminy=bminy, bmaxx=bmaxx, bmaxy=bmaxy, **_envelope(tile))


def _envelope(tile: Tile) -> dict:
    """The tile's box in metres for ST_AsMVTGeom (ST_TileEnvelope's, unless shifted for display)."""
    return dict(zip(("ex0", "ey0", "ex1", "ey1"), tile.mercator, strict=True))


def _bytes(cursor) -> bytes:
    row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""
