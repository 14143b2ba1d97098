"""Mapbox Vector Tiles from SQLite, made by ``SqliteTiles``, the store's tile builder: the tile's rows
found through the R*Trees, clipped and projected with shapely, encoded by geodata/mvt/encode.py; the
same features as the PostGIS store's ``ST_AsMVT`` (geodata/geo/tiles.py has the rules,
shared/clusters.py plans the incident clusters)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import numpy as np
import shapely

from geodata.geo import tiles
from geodata.geo.tiles import CellBox, Tile
from geodata.mvt import encode as mvt
from geodata.stores.shared import clusters
from geodata.stores.shared.cases import INCIDENT_FILTERS
from geodata.stores.sqlite.encoding import named, ts

# CROSS JOIN: SQLite joins in the order written, so the R*Tree finds the tile's few rows; left to
# itself it read every row of the county by its county index (a point tile of 1,900 incidents
# among 200,000: 204 ms, now 17). The roads and zones below likewise.
_IN_CELLS = """
    FROM incident_rtree AS r
    CROSS JOIN incident AS t ON t.id = r.id
    WHERE t.county_id = %(county)s
      AND r.maxx >= %(minx)s AND r.minx <= %(maxx)s AND r.maxy >= %(miny)s AND r.miny <= %(maxy)s
      AND t.cell_x BETWEEN %(x0)s AND %(x1)s AND t.cell_y BETWEEN %(y0)s AND %(y1)s
"""
# The points of a tile come as one row: sqlite3 lets the GIL go at each row it steps to, and with
# other threads busy each row may wait a switch interval (5 ms) to take it back. A tile of 1,900
# points read row by row took p99 159 ms with 4 threads at once, as one row 47 ms. The degrees go as
# integers, × 2^52: exact (for |degrees| >= 1), as REAL's text (15 digits) is not.
_EXACT = 2.0**52
_POINTS = f"""
    SELECT count(*) AS n, group_concat(id) AS ids,
           json_group_array(category) AS categories, json_group_array(status) AS statuses,
           group_concat(CAST(lon * {_EXACT} AS INTEGER)) AS lon, group_concat(CAST(lat * {_EXACT} AS INTEGER)) AS lat
    FROM (SELECT t.id, t.category, t.status, t.lon, t.lat {_IN_CELLS} {INCIDENT_FILTERS} LIMIT %(limit)s)
"""
_ROADS = """
    SELECT t.id, t.name, t.highway, a.unit_id, t.geom
    FROM segment_rtree AS r
    CROSS JOIN segment AS t ON t.id = r.id
    LEFT JOIN assignment AS a
      ON a.county_id = t.county_id AND a.target_kind = 'segment' AND a.target_id = t.id AND a.role = 'lead'
     AND a.voided_by IS NULL AND a.valid_from <= %(at)s AND (a.valid_to IS NULL OR a.valid_to > %(at)s)
    WHERE t.county_id = %(county)s
      AND r.maxx >= %(bminx)s AND r.minx <= %(bmaxx)s AND r.maxy >= %(bminy)s AND r.miny <= %(bmaxy)s
      AND (%(all_roads)s OR substr(t.highway, 1, instr(t.highway || '/', '/') - 1) NOT IN ({minor}))
    ORDER BY t.id
""".replace("{minor}", ", ".join(f"'{c}'" for c in tiles.MINOR_ROADS))
_ZONES = """
    SELECT t.id, t.code, t.name, t.kind, t.tier, t.geom
    FROM zone_rtree AS r
    CROSS JOIN zone AS t ON t.id = r.id
    WHERE t.county_id = %(county)s AND t.kind IN ({kinds})
      AND r.maxx >= %(bminx)s AND r.minx <= %(bmaxx)s AND r.maxy >= %(bminy)s AND r.miny <= %(bmaxy)s
    ORDER BY t.id
"""


_RAW_CLUSTERS = f"""
    SELECT t.cell_x >> %(shift)s AS cx, t.cell_y >> %(shift)s AS cy, COUNT(*) AS n,
           SUM(t.lon) AS sx, SUM(t.lat) AS sy
    {_IN_CELLS} {INCIDENT_FILTERS}
    GROUP BY 1, 2
"""


class SqliteTiles:
    """The tiles of one SQLite connection, the store's collaborator for ``vector_tile`` and
    ``incident_clusters``: rows read here, clusters planned by shared/clusters.py, encoded by
    geodata/mvt/encode.py."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def vector_tile(self, county_id: int, layer: str, tile: Tile, at: datetime, **filters) -> bytes:
        if layer == "incidents":
            return self.incidents(county_id, tile, **filters)
        bminx, bminy, bmaxx, bmaxy = tiles.buffered_lonlat(tile)
        params = dict(county=county_id, bminx=bminx, bminy=bminy, bmaxx=bmaxx, bmaxy=bmaxy)
        if layer == "roads":
            if tile.z < tiles.ROADS_FROM_ZOOM:
                return b""
            rows = self._rows(
                _ROADS, {**params, "at": ts(at), "all_roads": tile.z >= tiles.ALL_ROADS_FROM_ZOOM}
            )
            return _shapes(tile, layer, rows, ("id", "name", "highway", "unit_id"))
        if layer == "zones":
            kinds = ", ".join(f"'{kind}'" for kind in tiles.zone_kinds(tile.z))  # ours, not a request's
            rows = self._rows(_ZONES.format(kinds=kinds), params)
            return _shapes(tile, layer, rows, ("id", "code", "name", "kind", "tier"))
        raise ValueError(f"no tile layer {layer!r}")

    def incidents(self, county_id: int, tile: Tile, **filters) -> bytes:
        """Clusters (tiles.cluster_level); from POINTS_FROM_ZOOM on the incidents themselves instead,
        when the clusters (counted first, from the bins) hold no more than max_points(zoom)."""
        level = tiles.cluster_level(tile.z)
        found = self.incident_clusters(county_id, level, tiles.tile_cells(tile, level), **filters)
        centres, counts = clusters.drawn(tile, level, *found)
        params = clusters.dots_params(county_id, tile, counts, filters, ts)
        dots = self._dots(tile, params) if params is not None else None
        return dots if dots is not None else clusters.clusters_tile(tile, centres, counts)

    def incident_clusters(self, county_id: int, level: int, cells: CellBox, **filters):
        statements = clusters.cluster_statements(_RAW_CLUSTERS, county_id, level, cells, filters, ts)
        return clusters.merge([self._cluster_table(sql, params) for sql, params in statements])

    def _rows(self, sql: str, params: dict) -> list[sqlite3.Row]:
        cur = self.conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(named(sql), params).fetchall()

    def _cluster_table(self, sql: str, params: dict) -> np.ndarray:
        """A clusters statement's rows as an array (n, 5) of cx, cy, n, sx, sy."""
        # One row, for the GIL (as _POINTS); JSON's 15 digits are ample for a sum of degrees.
        (found,) = self._rows(
            f"SELECT json_group_array(json_array(cx, cy, n, sx, sy)) AS t FROM ({sql})", params
        )
        return np.array(json.loads(found["t"]), dtype=float).reshape(-1, 5)

    def _dots(self, tile: Tile, params: dict) -> bytes | None:
        """The tile of single incidents, or None when there are more than max_dots(zoom)."""
        (found,) = self._rows(_POINTS, {**params, "limit": tiles.max_dots(tile.z) + 1})
        if found["n"] > tiles.max_dots(tile.z):
            return None
        if found["n"] == 0:
            return b""
        ids = _ints(found["ids"])
        order = np.argsort(ids)  # by id, as the PostGIS store's tile
        lonlat = np.column_stack([_ints(found["lon"]), _ints(found["lat"])])[order] / _EXACT
        props = {"id": ids[order].tolist()}
        for name, column in (("category", "categories"), ("status", "statuses")):
            values = json.loads(found[column])
            props[name] = [values[i] for i in order.tolist()]
        return mvt.points(tile, "incidents", lonlat, props, buffer=tiles.DOTS_BUFFER)


def _ints(text: str) -> np.ndarray:
    """group_concat's integers."""
    return np.fromstring(text, dtype=np.int64, sep=",")


def _shapes(tile: Tile, layer: str, rows, columns: tuple[str, ...]) -> bytes:
    if not rows:
        return b""
    *values, geoms = zip(*rows, strict=True)
    return mvt.shapes(tile, layer, shapely.from_wkb(geoms), dict(zip(columns, values, strict=True)))
