"""Vector tiles in tests: the tile over a place at a zoom, a tile decoded and the features of a
layer, the day the tile tests stand on, and 瓦片县 (``make_town``; the ``town`` fixture) to draw."""

from __future__ import annotations

from datetime import UTC, datetime

import mapbox_vector_tile
import numpy as np
from shapely.geometry import LineString, Point, box

from geodata.geo.tiles import Tile
from geodata.model import Assignment, County, Incident, Segment, Unit, Zone

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def tile_at(lon: float, lat: float, z: int) -> Tile:
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n)
    return Tile(z, x, y)


def features(data: bytes, layer: str) -> list[dict]:
    return decode(data).get(layer, {}).get("features", [])


T0 = datetime(2026, 1, 1, tzinfo=UTC)


def decode(data: bytes) -> dict:
    return mapbox_vector_tile.decode(data) if data else {}


def make_town(store):
    c = store.add_county(County("990009", "瓦片县", extent=box(114.0, 22.5, 114.05, 22.55), utm_epsg=32650))
    police, city = store.add_units([Unit(c.id, "JJ", "交警大队"), Unit(c.id, "CG", "城管局")])
    (community,) = store.add_zones(
        [Zone(c.id, "community", "001", "甲社区", box(114.0, 22.5, 114.02, 22.52), tier="达标")]
    )
    store.add_zones(
        [Zone(c.id, "grid", "001001", "甲1号网格", box(114.0, 22.5, 114.01, 22.51), parent_id=community.id)]
    )
    guarded, unguarded = store.add_segments(
        [Segment(c.id, "红荔路", LineString([(114.001, 22.505), (114.019, 22.505)]), "primary"),
         Segment(c.id, "无名路", LineString([(114.008, 22.5098), (114.012, 22.5098)]))]
    )  # fmt: skip
    store.assign(Assignment(c.id, police.id, "segment", guarded.id, "lead", T0))
    store.assign(Assignment(c.id, city.id, "segment", guarded.id, "lead", datetime(2026, 12, 1, tzinfo=UTC)))
    rng = np.random.default_rng(3)
    xy = np.column_stack([rng.uniform(114.0, 114.02, 300), rng.uniform(22.5, 22.52, 300)])
    store.add_incidents(
        [Incident(c.id, "parking" if i % 3 else "posters", Point(x, y), T0, "closed" if i % 5 == 0 else "dispatched")
         for i, (x, y) in enumerate(xy.tolist())]
    )  # fmt: skip
    return c
