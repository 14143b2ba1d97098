"""Web Mercator tiles (z/x/y, XYZ scheme as Leaflet asks for them) and what each vector-tile
layer holds at a zoom. Both stores build Mapbox Vector Tiles from these rules (PostGIS with
``ST_AsMVT``, SQLite with the ``mapbox-vector-tile`` package), so their tiles hold the same
features."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from geodata.errors import InvalidInput
from geodata.geo import gcj02
from geodata.model import COMMUNITY_KINDS, INNER_ZONE_KINDS

EXTENT = 4096  # tile coordinates per side, as ST_AsMVT's default
BUFFER = 64  # lines and polygons run this far past the edge, so neighbours join without seams
# Incidents as dots (from POINTS_FROM_ZOOM) come this far past the edge too (10 px of 256: the
# largest dot's radius), so that a dot on a tile's edge is drawn whole, half by each tile.
DOTS_BUFFER = 160
MAX_ZOOM = 22
HALF = 20037508.342789244  # half the Web Mercator world, metres
R = 6378137.0

TILE_LAYERS = ("incidents", "roads", "zones")
DISPLAYS = ("wgs84", "gcj02")  # what a basemap may be drawn in
# Incidents sit in cells of a Web-Mercator grid: 2^level cells a side, numbered like tiles (x from
# the west, y from the north), so a tile at zoom z is the cells of level L whose x >> (L - z) and
# y >> (L - z) are its x and y. Each incident keeps its level-24 cell (migration 0009).
CELL_LEVEL = 24
CLUSTER_LEVELS = 3  # incidents below POINTS_FROM_ZOOM: one cluster per cell of level z + 3 (32 px)…
FINEST_CLUSTERS = 19  # …but never finer than level 19 (~50 m), the finest the stores keep counted


def cluster_level(zoom: int, levels: int = CLUSTER_LEVELS) -> int:
    """The level of the cells clustering incidents at ``zoom`` (cells ``2**levels`` to a tile)."""
    return min(zoom + levels, FINEST_CLUSTERS)


POINTS_FROM_ZOOM = 16
ROADS_FROM_ZOOM = 11
# Below ALL_ROADS_FROM_ZOOM the county fits a few hundred pixels: its minor ways (by the first of a
# segment's OSM highway classes) are left out of the roads tiles; the streets people guard stay.
ALL_ROADS_FROM_ZOOM = 14
MINOR_ROADS = (
    "service",
    "footway",
    "path",
    "steps",
    "pedestrian",
    "track",
    "cycleway",
    "bridleway",
    "corridor",
)
CELLS_FROM_ZOOM = 15  # grid cells and courtyards join the communities (and villages) from here
MAX_POINTS = 2000  # more incidents than this in a tile (one per 30 px²) from POINTS_FROM_ZOOM on: clusters
# A tile of dots holds those within DOTS_BUFFER of it too: never more than this in all (a crowd just
# past its edge is left to clusters as well).
MAX_DOTS = 2 * MAX_POINTS
# From this zoom the limits are FINE_FACTOR times higher: a hot spot's tile shows its dots like its
# neighbours instead of bubbles beside their dots (the demo's most crowded z17 tile holds 2,508).
DOTS_ONLY_FROM_ZOOM = 17
FINE_FACTOR = 4


def zone_kinds(zoom: int) -> tuple[str, ...]:
    """The kinds of zone a zones tile at ``zoom`` holds (subdistricts never: nobody guards them)."""
    return COMMUNITY_KINDS + (INNER_ZONE_KINDS if zoom >= CELLS_FROM_ZOOM else ())


def max_points(zoom: int) -> int:
    """How many incidents a tile at ``zoom`` may draw as dots (more: clusters)."""
    return MAX_POINTS * (FINE_FACTOR if zoom >= DOTS_ONLY_FROM_ZOOM else 1)


def max_dots(zoom: int) -> int:
    """The same, counting those within DOTS_BUFFER past the tile's edges."""
    return MAX_DOTS * (FINE_FACTOR if zoom >= DOTS_ONLY_FROM_ZOOM else 1)


@dataclass(frozen=True)
class Tile:
    """A tile of the XYZ grid of a basemap drawn in ``display`` coordinates. Over a GCJ-02 basemap
    (geodata/geo/gcj02.py) the tile draws the WGS-84 features that the GCJ-02 offset carries into it,
    moved by the offset at its centre (constant across one tile to well under a pixel): the data
    stay WGS-84, only the drawing moves."""

    z: int
    x: int
    y: int
    display: str = "wgs84"

    def __post_init__(self):
        if not 0 <= self.z <= MAX_ZOOM:
            raise InvalidInput(
                f"缩放级别 {self.z} 超出 0–{MAX_ZOOM}", en=f"Zoom {self.z} is outside 0–{MAX_ZOOM}", field="z"
            )
        n = 1 << self.z
        if not (0 <= self.x < n and 0 <= self.y < n):
            raise InvalidInput(
                f"瓦片 {self.z}/{self.x}/{self.y} 不存在：x 和 y 的范围为 0–{n - 1}",
                en=f"Tile {self.z}/{self.x}/{self.y} does not exist: x and y run 0–{n - 1}",
                field="x",
            )
        if self.display not in DISPLAYS:
            raise InvalidInput(
                f"坐标系 {self.display!r} 未知，可选：{'、'.join(DISPLAYS)}",
                en=f"Unknown coordinate system {self.display!r}: choose {', '.join(DISPLAYS)}",
                field="crs",
            )

    @cached_property
    def shift(self) -> tuple[float, float]:
        """Metres (east, north) the drawing moves: 0 but over a GCJ-02 basemap."""
        if self.display == "wgs84":
            return 0.0, 0.0
        minx, miny, maxx, maxy = self.grid_mercator
        centre = to_lonlat(np.array([(minx + maxx) / 2]), np.array([(miny + maxy) / 2]))  # GCJ-02
        wx, wy = to_mercator(*gcj02.to_wgs84(*centre))
        return float((minx + maxx) / 2 - wx[0]), float((miny + maxy) / 2 - wy[0])

    @property
    def shifted(self) -> bool:
        return self.display != "wgs84"

    def holds(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Which WGS-84 points the tile draws: those whose displayed position is inside its box of the
        grid (west and south edges in, east and north out), so each is drawn by exactly one tile."""
        if self.shifted:
            lon, lat = gcj02.from_wgs84(lon, lat)
        x, y = to_mercator(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        minx, miny, maxx, maxy = self.grid_mercator
        return (x >= minx) & (x < maxx) & (y >= miny) & (y < maxy)

    @property
    def grid_mercator(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in EPSG:3857 metres of the tile in the grid, as ST_TileEnvelope
        gives them."""
        size = 2 * HALF / (1 << self.z)
        minx = -HALF + self.x * size
        maxy = HALF - self.y * size
        return minx, maxy - size, minx + size, maxy

    @property
    def mercator(self) -> tuple[float, float, float, float]:
        """The WGS-84 Web Mercator box of what the tile draws: its box in the grid moved back by
        ``shift``."""
        minx, miny, maxx, maxy = self.grid_mercator
        dx, dy = self.shift
        return minx - dx, miny - dy, maxx - dx, maxy - dy

    @property
    def lonlat(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in degrees."""
        minx, miny, maxx, maxy = self.mercator
        (lon0, lon1), (lat0, lat1) = to_lonlat(np.array([minx, maxx]), np.array([miny, maxy]))
        return float(lon0), float(lat0), float(lon1), float(lat1)


def to_mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = np.clip(lat, -85.05112878, 85.05112878)
    return np.radians(lon) * R, np.log(np.tan(math.pi / 4 + np.radians(lat) / 2)) * R


def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.degrees(x / R), np.degrees(2 * np.arctan(np.exp(y / R)) - math.pi / 2)


CellBox = tuple[int, int, int, int]  # (x0, y0, x1, y1) of one level, both ends included


def tile_cells(tile: Tile, level: int) -> CellBox:
    """The cells of ``level`` that make up ``tile`` (those it touches, when shifted); past the
    finest level (a tile of zoom 20 and up, level 19) the one cell that holds it."""
    if tile.shifted:
        return bbox_cells(tile.lonlat, level)
    shift = level - tile.z
    if shift < 0:
        x, y = tile.x >> -shift, tile.y >> -shift
        return x, y, x, y
    return tile.x << shift, tile.y << shift, ((tile.x + 1) << shift) - 1, ((tile.y + 1) << shift) - 1


def bbox_cells(bbox: tuple[float, float, float, float], level: int) -> CellBox:
    """The cells of ``level`` that a lon/lat box touches."""
    minx, miny, maxx, maxy = bbox
    n = 1 << level
    x, y = to_mercator(np.array([minx, maxx]), np.array([maxy, miny]))
    col = np.clip(np.floor((x + HALF) / (2 * HALF) * n), 0, n - 1).astype(int)
    row = np.clip(np.floor((HALF - y) / (2 * HALF) * n), 0, n - 1).astype(int)
    return int(col[0]), int(row[0]), int(col[1]), int(row[1])


def cells_lonlat(cells: CellBox, level: int, pad: float = 1e-9) -> tuple[float, float, float, float]:
    """The lon/lat box of a block of cells, grown by ``pad`` degrees so that a search by box finds
    every incident of the cells (the cell numbers then say exactly which ones belong)."""
    x0, y0, x1, y1 = cells
    size = 2 * HALF / (1 << level)
    (lon0, lon1), (lat0, lat1) = to_lonlat(
        np.array([-HALF + x0 * size, -HALF + (x1 + 1) * size]),
        np.array([HALF - (y1 + 1) * size, HALF - y0 * size]),
    )
    return float(lon0) - pad, float(lat0) - pad, float(lon1) + pad, float(lat1) + pad


def buffered_lonlat(tile: Tile, buffer: int = BUFFER) -> tuple[float, float, float, float]:
    """The tile's box in degrees grown by ``buffer``: lines and polygons reaching into it are drawn."""
    minx, miny, maxx, maxy = tile.mercator
    pad = (maxx - minx) * buffer / EXTENT
    (lon0, lon1), (lat0, lat1) = to_lonlat(
        np.array([minx - pad, maxx + pad]), np.array([miny - pad, maxy + pad])
    )
    return float(lon0), float(lat0), float(lon1), float(lat1)
