"""GCJ-02: the published forward formula, its inverse, and tiles drawn over a GCJ-02 basemap (the
data stay WGS-84; each tile draws what the offset carries into it), on both backends."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import pytest

from geodata.geo import gcj02, tiles
from geodata.geo.tiles import Tile
from tests.support.tiles import NOW, tile_at


def test_the_published_reference_point_and_the_inverse():
    # wandergis/coordtransform's example: WGS-84 (116.404, 39.915) is GCJ-02 (116.41024449916938, 39.91640428150164).
    lon, lat = gcj02.from_wgs84(116.404, 39.915)
    assert (float(lon), float(lat)) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-12)
    rng = np.random.default_rng(1)
    wgs = rng.uniform((100, 20), (125, 45), (200, 2))
    back = np.column_stack(gcj02.to_wgs84(*gcj02.from_wgs84(wgs[:, 0], wgs[:, 1])))
    assert np.abs(back - wgs).max() < 1e-9  # ~0.1 mm
    # Futian: about 520 m east and 300 m south; nothing moves outside China.
    dlon, dlat = gcj02.offset(114.05, 22.54)
    assert 0.004 < dlon < 0.006 and -0.004 < dlat < -0.002
    assert gcj02.offset(-74.0, 40.7) == (0.0, 0.0)


def _pixels(tile: Tile, lon: float, lat: float) -> np.ndarray:
    """Where a lon/lat falls in a tile of the plain grid, in tile units (y up, as decode gives it)."""
    minx, miny, maxx, maxy = tile.grid_mercator
    x, y = tiles.to_mercator(np.array([lon]), np.array([lat]))
    return np.array([(x[0] - minx), (y[0] - miny)]) / (maxx - minx) * tiles.EXTENT


def test_a_gcj02_tile_draws_each_incident_where_its_gcj02_position_falls(store, town):  # noqa: F811
    incident = store.list_incidents(town.id)[0]
    glon, glat = (float(v) for v in gcj02.from_wgs84(incident.geom.x, incident.geom.y))
    t = tile_at(glon, glat, 17)  # the basemap's tile under it
    data = store.vector_tile(town.id, "incidents", Tile(t.z, t.x, t.y, "gcj02"), NOW)
    drawn = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in _features(data)}
    assert incident.id in drawn
    # Within a pixel (16 tile units) of its GCJ-02 position; the plain tile there does not hold it.
    assert np.abs(np.array(drawn[incident.id]) - _pixels(t, glon, glat)).max() <= 16
    plain = {f["properties"].get("id") for f in _features(store.vector_tile(town.id, "incidents", t, NOW))}
    assert incident.id not in plain


def test_gcj02_tiles_of_a_zoom_draw_every_cluster_once(store, town):  # noqa: F811
    total = len(store.list_incidents(town.id))
    gx0, gy0 = (float(v) for v in gcj02.from_wgs84(113.99, 22.49))
    gx1, gy1 = (float(v) for v in gcj02.from_wgs84(114.06, 22.56))
    first, last = tile_at(gx0, gy1, 14), tile_at(gx1, gy0, 14)
    counted = 0
    for x in range(first.x, last.x + 1):
        for y in range(first.y, last.y + 1):
            data = store.vector_tile(town.id, "incidents", Tile(14, x, y, "gcj02"), NOW)
            counted += sum(f["properties"]["count"] for f in _features(data))
    assert counted == total


def _features(data: bytes) -> list[dict]:
    return mapbox_vector_tile.decode(data)["incidents"]["features"] if data else []
