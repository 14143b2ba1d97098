"""Mapbox Vector Tiles from PostGIS: the features of a tile chosen, clipped and encoded in SQL
(``ST_AsMVTGeom``, ``ST_AsMVT``); the rules of what a layer holds at a zoom are geodata/tiles.py."""

from __future__ import annotations

from datetime import datetime

from geodata import tiles
from geodata.stores.base import utc
from geodata.stores.queries import INCIDENT_FILTERS
from geodata.tiles import Tile

# The tile's envelope in metres, and its box in degrees (points are kept where
# minx <= x < maxx and miny <= y < maxy, so a point on an edge is in exactly one tile).
_IN_TILE = """
    t.county_id = %(county)s
    AND t.geom && ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326)
    AND ST_X(t.geom) >= %(minx)s AND ST_X(t.geom) < %(maxx)s
    AND ST_Y(t.geom) >= %(miny)s AND ST_Y(t.geom) < %(maxy)s
"""
_MVT_GEOM = (
    "ST_AsMVTGeom(ST_Transform({geom}, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s), {extent}, {buffer}, true)"
)
_CLUSTERS = f"""
    WITH cells AS (
        SELECT COUNT(*)::integer AS count, AVG(ST_X(t.geom)) AS lon, AVG(ST_Y(t.geom)) AS lat
        FROM incident AS t
        WHERE {_IN_TILE} {INCIDENT_FILTERS}
        GROUP BY floor((ST_X(t.geom) - %(minx)s) / %(cell_x)s), floor((ST_Y(t.geom) - %(miny)s) / %(cell_y)s)
    )
    SELECT ST_AsMVT(m, 'incidents', {tiles.EXTENT}, 'geom')
    FROM (SELECT count, {
    _MVT_GEOM.format(geom="ST_SetSRID(ST_MakePoint(lon, lat), 4326)", extent=tiles.EXTENT, buffer=0)
} AS geom
          FROM cells) AS m
"""
_POINTS = f"""
    SELECT t.id, t.category, t.status, {_MVT_GEOM.format(geom="t.geom", extent=tiles.EXTENT, buffer=0)} AS geom
    FROM incident AS t
    WHERE {_IN_TILE} {INCIDENT_FILTERS}
    ORDER BY t.id
    LIMIT %(limit)s
"""
_ENCODE = "SELECT ST_AsMVT(m, %(layer)s, {extent}, 'geom') FROM ({rows}) AS m WHERE m.geom IS NOT NULL"
_ROADS = f"""
    SELECT s.id, s.name, s.highway, a.unit_id,
           {_MVT_GEOM.format(geom="s.geom", extent=tiles.EXTENT, buffer=tiles.BUFFER)} AS geom
    FROM segment AS s
    LEFT JOIN assignment AS a
      ON a.county_id = s.county_id AND a.target_kind = 'segment' AND a.target_id = s.id AND a.role = 'lead'
     AND a.voided_by IS NULL AND a.valid_from <= %(at)s AND (a.valid_to IS NULL OR a.valid_to > %(at)s)
    WHERE s.county_id = %(county)s
      AND s.geom && ST_MakeEnvelope(%(bminx)s, %(bminy)s, %(bmaxx)s, %(bmaxy)s, 4326)
"""
_ZONES = f"""
    SELECT z.id, z.code, z.name, z.kind, z.tier,
           {_MVT_GEOM.format(geom="z.geom", extent=tiles.EXTENT, buffer=tiles.BUFFER)} AS geom
    FROM zone AS z
    WHERE z.county_id = %(county)s AND z.kind = ANY(%(kinds)s)
      AND z.geom && ST_MakeEnvelope(%(bminx)s, %(bminy)s, %(bmaxx)s, %(bmaxy)s, 4326)
"""


class TilesMixin:
    def vector_tile(self, county_id: int, layer: str, tile: Tile, at: datetime, **filters) -> bytes:
        params = _tile_params(county_id, tile)
        if layer == "incidents":
            params.update(self._incident_filters(**filters))
            if tile.z >= tiles.POINTS_FROM_ZOOM:
                rows = _ENCODE.format(extent=tiles.EXTENT, rows=_POINTS)
                found = self.conn.execute(
                    f"SELECT COUNT(*) FROM ({_POINTS}) AS p", {**params, "limit": tiles.MAX_POINTS + 1}
                ).fetchone()[0]
                if found <= tiles.MAX_POINTS:
                    return _bytes(
                        self.conn.execute(rows, {**params, "layer": layer, "limit": tiles.MAX_POINTS})
                    )
            cell_x, cell_y = tiles.cluster_cell(tile)
            return _bytes(self.conn.execute(_CLUSTERS, {**params, "cell_x": cell_x, "cell_y": cell_y}))
        if layer == "roads":
            if tile.z < tiles.ROADS_FROM_ZOOM:
                return b""
            sql = _ENCODE.format(extent=tiles.EXTENT, rows=_ROADS)
            return _bytes(self.conn.execute(sql, {**params, "layer": layer, "at": utc(at)}))
        if layer == "zones":
            kinds = ["community", "grid"] if tile.z >= tiles.CELLS_FROM_ZOOM else ["community"]
            sql = _ENCODE.format(extent=tiles.EXTENT, rows=_ZONES)
            return _bytes(self.conn.execute(sql, {**params, "layer": layer, "kinds": kinds}))
        raise ValueError(f"no tile layer {layer!r}")


def _tile_params(county_id: int, tile: Tile) -> dict:
    minx, miny, maxx, maxy = tile.lonlat
    bminx, bminy, bmaxx, bmaxy = tiles.buffered_lonlat(tile)
    return dict(county=county_id, z=tile.z, x=tile.x, y=tile.y, minx=minx, miny=miny, maxx=maxx, maxy=maxy,
                bminx=bminx, bminy=bminy, bmaxx=bmaxx, bmaxy=bmaxy)  # fmt: skip


def _bytes(cursor) -> bytes:
    row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""
