"""Encoding Mapbox Vector Tiles in Python (``mapbox-vector-tile``), for what a store builds outside
SQL: every SQLite tile, and the incident clusters of both stores. Coordinates are rounded to the
tile's grid as ``ST_AsMVTGeom`` rounds them, so both stores' tiles hold the same features."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import shapely

from geodata import tiles
from geodata.tiles import Tile


def points(tile: Tile, layer: str, lonlat: np.ndarray, props: list[dict]) -> bytes:
    """Points at ``lonlat`` (n, 2) with their properties; empty bytes for none."""
    if len(props) == 0:
        return b""
    return encode(layer, shapely.points(in_tile(tile, np.asarray(lonlat, dtype=float))), props)


def shapes(tile: Tile, layer: str, geoms, props: list[dict]) -> bytes:
    """Lines or polygons (lon/lat) in tile coordinates, clipped to the tile grown by BUFFER, empty
    ones dropped."""
    if len(props) == 0:
        return b""
    geoms = shapely.transform(np.asarray(geoms, dtype=object), lambda xy: in_tile(tile, xy))
    edge = tiles.EXTENT + tiles.BUFFER
    clipped = shapely.clip_by_rect(geoms, -tiles.BUFFER, -tiles.BUFFER, edge, edge)
    keep = ~shapely.is_empty(clipped)
    return encode(layer, clipped[keep], [p for p, k in zip(props, keep, strict=True) if k])


def in_tile(tile: Tile, lonlat: np.ndarray) -> np.ndarray:
    """Degrees to the tile's integer grid (0–EXTENT, y up: the encoder turns it down)."""
    minx, miny, maxx, maxy = tile.mercator
    x, y = tiles.to_mercator(lonlat[:, 0], lonlat[:, 1])
    scale = tiles.EXTENT / (maxx - minx)
    return np.round(np.column_stack([(x - minx) * scale, (y - miny) * scale]))


def encode(layer: str, geoms, props: list[dict]) -> bytes:
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
