"""The vector-tile encoder through ``points`` and ``shapes``: features in degrees projected into a
tile (plain or shifted for a GCJ-02 basemap), clipped at its buffer, and encoded as
``mapbox_vector_tile.encode`` encodes the same clipped features (tests/geodata/mvt/test_mvt.py has the
encoder's own cases)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon

from geodata.geo import tiles
from geodata.geo.tiles import Tile
from geodata.mvt import encode as mvt
from tests.support.mvt import E, check_spec, columns, comparable, features, reference

# --- through points() and shapes(): projected, clipped at the tile's buffer ---------------------


@pytest.fixture
def calls(monkeypatch):
    """The layers points() and shapes() hand to encode, as they hand them."""
    made, real = [], mvt.encode

    def spy(layer, geoms, props):
        made.append((list(geoms), {k: list(v) for k, v in props.items()}))
        return real(layer, geoms, props)

    monkeypatch.setattr(mvt, "encode", spy)
    return made


@pytest.mark.parametrize("display", tiles.DISPLAYS)
def test_shapes_crossing_the_tile_edge_as_mapbox_vector_tile(calls, display):
    tile = Tile(15, 26765, 14277, display)
    minx, miny, maxx, maxy = tile.lonlat
    w, h = maxx - minx, maxy - miny
    geoms = [
        LineString([(minx - w, miny + h / 3), (maxx + w, miny + h / 2)]),  # across, both edges
        LineString([(minx + w / 2, miny + h / 2), (minx + w / 2, maxy + h)]),  # out at the north
        Polygon(shapely.box(minx - w, miny - h, maxx + w, maxy + h).exterior),  # around the tile
        shapely.box(maxx - w / 4, miny + h / 4, maxx + w / 4, miny + h / 2).difference(
            shapely.box(maxx - w / 8, miny + h / 3, maxx + w / 200, miny + h * 0.4)
        ),  # cut at the buffer; its hole crosses the tile's edge but not the buffer's
        MultiPolygon(
            [shapely.box(minx, miny, minx + w / 5, miny + h / 5),
             shapely.box(maxx + w, miny, maxx + 2 * w, maxy)]  # this part is outside
        ),
        LineString([(maxx + w, miny), (maxx + 2 * w, maxy)]),  # outside: shapes leaves it out
    ]  # fmt: skip
    props = [{"id": i, "name": f"{i}号"} for i in range(len(geoms))]
    ours = mvt.shapes(tile, "l", geoms, columns(props))
    ((clipped, _),) = calls
    assert shapely.is_empty(clipped).tolist() == [False] * 5 + [True]  # encode drops it
    check_spec(ours)
    found = comparable(features(ours))
    assert [f["properties"]["id"] for f in features(ours)] == [0, 1, 2, 3, 4]
    assert found == comparable(features(reference(clipped[:5], props[:5])))
    xy = np.array([c for f in features(ours) for c in _vertices(f["geometry"]["coordinates"])])
    assert xy.min() == -tiles.BUFFER and xy.max() == E + tiles.BUFFER  # clipped at the buffer


def test_points_from_degrees_as_mapbox_vector_tile(calls):
    tile = Tile(16, 53531, 28554)
    minx, miny, maxx, maxy = tile.lonlat
    rng = np.random.default_rng(4)
    lonlat = np.column_stack([rng.uniform(minx, maxx, 300), rng.uniform(miny, maxy, 300)])
    props = [{"id": i, "category": ("parking", "posters")[i % 2], "status": None} for i in range(300)]
    ours = mvt.points(tile, "l", lonlat, columns(props))
    ((geoms, _),) = calls
    assert ours == reference(geoms, props)
    found = features(ours)
    assert len(found) == 300 and found[7]["properties"] == {"id": 7, "category": "posters"}
    assert mvt.points(tile, "l", np.empty((0, 2)), {"id": []}) == b""


def _vertices(coords) -> list:
    if isinstance(coords[0], (int, float)):
        return [coords]
    return [v for c in coords for v in _vertices(c)]
