"""Web Mercator tiles (z/x/y, XYZ scheme as Leaflet asks for them) and what each vector-tile
layer holds at a zoom. Both stores build Mapbox Vector Tiles from these rules (PostGIS with
``ST_AsMVT``, SQLite with the ``mapbox-vector-tile`` package), so their tiles hold the same
features."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from geodata.errors import InvalidInput

EXTENT = 4096  # tile coordinates per side, as ST_AsMVT's default
BUFFER = 64  # lines and polygons run this far past the edge, so neighbours join without seams
MAX_ZOOM = 22
HALF = 20037508.342789244  # half the Web Mercator world, metres
R = 6378137.0

TILE_LAYERS = ("incidents", "roads", "zones")
CLUSTER_CELLS = 8  # incidents below POINTS_FROM_ZOOM: one cluster per 1/8 of a tile (32 px)
POINTS_FROM_ZOOM = 16
ROADS_FROM_ZOOM = 11
CELLS_FROM_ZOOM = 15  # grid cells join the communities from here
MAX_POINTS = 5000  # more incidents than this in a tile from POINTS_FROM_ZOOM on: clusters still


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    def __post_init__(self):
        if not 0 <= self.z <= MAX_ZOOM:
            raise InvalidInput(f"zoom {self.z} is outside 0–{MAX_ZOOM}", field="z")
        n = 1 << self.z
        if not (0 <= self.x < n and 0 <= self.y < n):
            raise InvalidInput(
                f"tile {self.z}/{self.x}/{self.y} does not exist: x and y run 0–{n - 1}", field="x"
            )

    @property
    def mercator(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in EPSG:3857 metres, as ST_TileEnvelope gives them."""
        size = 2 * HALF / (1 << self.z)
        minx = -HALF + self.x * size
        maxy = HALF - self.y * size
        return minx, maxy - size, minx + size, maxy

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


def cluster_cell(tile: Tile) -> tuple[float, float]:
    """Width and height in degrees of a cluster cell of ``tile`` (a tile's degrees split
    CLUSTER_CELLS ways: near enough square on the map within one tile)."""
    minx, miny, maxx, maxy = tile.lonlat
    return (maxx - minx) / CLUSTER_CELLS, (maxy - miny) / CLUSTER_CELLS


def buffered_lonlat(tile: Tile) -> tuple[float, float, float, float]:
    """The tile's box in degrees grown by BUFFER: lines and polygons reaching into it are drawn."""
    minx, miny, maxx, maxy = tile.mercator
    pad = (maxx - minx) * BUFFER / EXTENT
    (lon0, lon1), (lat0, lat1) = to_lonlat(
        np.array([minx - pad, maxx + pad]), np.array([miny - pad, maxy + pad])
    )
    return float(lon0), float(lat0), float(lon1), float(lat1)
