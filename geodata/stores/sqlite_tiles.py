"""Mapbox Vector Tiles from SQLite: the tile's rows found through the R*Trees, clustered in SQL,
clipped and projected with shapely, encoded by ``mapbox-vector-tile``; the same features as the
PostGIS store's ``ST_AsMVT`` (geodata/tiles.py has the rules)."""

from __future__ import annotations

from datetime import datetime

import mapbox_vector_tile
import numpy as np
import shapely

from geodata import tiles
from geodata.stores.queries import INCIDENT_FILTERS
from geodata.stores.sqlite_entities import ts
from geodata.tiles import Tile

_IN_TILE = """
    FROM incident AS t
    JOIN incident_rtree AS r ON r.id = t.id
    WHERE t.county_id = %(county)s
      AND r.maxx >= %(minx)s AND r.minx <= %(maxx)s AND r.maxy >= %(miny)s AND r.miny <= %(maxy)s
      AND t.lon >= %(minx)s AND t.lon < %(maxx)s AND t.lat >= %(miny)s AND t.lat < %(maxy)s
"""
_CLUSTERS = f"""
    SELECT COUNT(*) AS count, AVG(t.lon) AS lon, AVG(t.lat) AS lat
    {_IN_TILE} {INCIDENT_FILTERS}
    GROUP BY CAST((t.lon - %(minx)s) / %(cell_x)s AS INTEGER), CAST((t.lat - %(miny)s) / %(cell_y)s AS INTEGER)
"""
_POINTS = f"SELECT t.id, t.category, t.status, t.lon, t.lat {_IN_TILE} {INCIDENT_FILTERS} ORDER BY t.id LIMIT %(limit)s"
_ROADS = """
    SELECT t.id, t.name, t.highway, a.unit_id, t.geom
    FROM segment AS t
    JOIN segment_rtree AS r ON r.id = t.id
    LEFT JOIN assignment AS a
      ON a.county_id = t.county_id AND a.target_kind = 'segment' AND a.target_id = t.id AND a.role = 'lead'
     AND a.voided_by IS NULL AND a.valid_from <= %(at)s AND (a.valid_to IS NULL OR a.valid_to > %(at)s)
    WHERE t.county_id = %(county)s
      AND r.maxx >= %(bminx)s AND r.minx <= %(bmaxx)s AND r.maxy >= %(bminy)s AND r.miny <= %(bmaxy)s
    ORDER BY t.id
"""
_ZONES = """
    SELECT t.id, t.code, t.name, t.kind, t.tier, t.geom
    FROM zone AS t
    JOIN zone_rtree AS r ON r.id = t.id
    WHERE t.county_id = %(county)s AND t.kind IN ({kinds})
      AND r.maxx >= %(bminx)s AND r.minx <= %(bmaxx)s AND r.maxy >= %(bminy)s AND r.miny <= %(bmaxy)s
    ORDER BY t.id
"""


class TilesMixin:
    def vector_tile(self, county_id: int, layer: str, tile: Tile, at: datetime, **filters) -> bytes:
        minx, miny, maxx, maxy = tile.lonlat
        bminx, bminy, bmaxx, bmaxy = tiles.buffered_lonlat(tile)
        params = dict(county=county_id, minx=minx, miny=miny, maxx=maxx, maxy=maxy,
                      bminx=bminx, bminy=bminy, bmaxx=bmaxx, bmaxy=bmaxy)  # fmt: skip
        if layer == "incidents":
            params.update(self._incident_filters(**filters))
            if tile.z >= tiles.POINTS_FROM_ZOOM:
                rows = self._rows(_POINTS, {**params, "limit": tiles.MAX_POINTS + 1})
                if len(rows) <= tiles.MAX_POINTS:
                    props = [{"id": r["id"], "category": r["category"], "status": r["status"]} for r in rows]
                    return _points(tile, layer, rows, props)
            cell_x, cell_y = tiles.cluster_cell(tile)
            rows = self._rows(_CLUSTERS, {**params, "cell_x": cell_x, "cell_y": cell_y})
            return _points(tile, layer, rows, [{"count": r["count"]} for r in rows])
        if layer == "roads":
            if tile.z < tiles.ROADS_FROM_ZOOM:
                return b""
            rows = self._rows(_ROADS, {**params, "at": ts(at)})
            return _shapes(tile, layer, rows, ("id", "name", "highway", "unit_id"))
        if layer == "zones":
            kinds = "'community', 'grid'" if tile.z >= tiles.CELLS_FROM_ZOOM else "'community'"
            rows = self._rows(_ZONES.format(kinds=kinds), params)
            return _shapes(tile, layer, rows, ("id", "code", "name", "kind", "tier"))
        raise ValueError(f"no tile layer {layer!r}")


def _points(tile: Tile, layer: str, rows, props: list[dict]) -> bytes:
    if not rows:
        return b""
    xy = _in_tile(tile, np.array([(r["lon"], r["lat"]) for r in rows], dtype=float))
    return _encode(layer, shapely.points(xy), props)


def _shapes(tile: Tile, layer: str, rows, columns: tuple[str, ...]) -> bytes:
    """Lines or polygons in tile coordinates, clipped to the tile grown by BUFFER, empty ones
    dropped."""
    if not rows:
        return b""
    geoms = shapely.transform(shapely.from_wkb([r["geom"] for r in rows]), lambda xy: _in_tile(tile, xy))
    edge = tiles.EXTENT + tiles.BUFFER
    clipped = shapely.clip_by_rect(geoms, -tiles.BUFFER, -tiles.BUFFER, edge, edge)
    keep = ~shapely.is_empty(clipped)
    props = [{c: r[c] for c in columns} for r in rows]
    return _encode(layer, clipped[keep], [p for p, k in zip(props, keep, strict=True) if k])


def _in_tile(tile: Tile, lonlat: np.ndarray) -> np.ndarray:
    """Degrees to the tile's integer grid (0–EXTENT, y up: the encoder turns it down), rounded as
    ST_AsMVTGeom rounds."""
    minx, miny, maxx, maxy = tile.mercator
    x, y = tiles.to_mercator(lonlat[:, 0], lonlat[:, 1])
    scale = tiles.EXTENT / (maxx - minx)
    return np.round(np.column_stack([(x - minx) * scale, (y - miny) * scale]))


def _encode(layer: str, geoms, props: list[dict]) -> bytes:
    """A Mapbox Vector Tile of one layer; properties that are None are left out, as ST_AsMVT does."""
    if len(props) == 0:
        return b""
    features = [
        {"geometry": g, "properties": {k: v for k, v in p.items() if v is not None}}
        for g, p in zip(geoms, props, strict=True)
    ]
    return mapbox_vector_tile.encode(
        [{"name": layer, "features": features}], default_options={"extents": tiles.EXTENT}
    )
