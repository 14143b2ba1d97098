"""The TileJSON's promises (layers/tilejson.py) against real tiles of 瓦片县 on both backends: every
field a tile carries is declared with its type, every declared field turns up in some tile, and
nothing is served below a layer's minzoom."""

from __future__ import annotations

from collections import defaultdict

import pytest

from geodata.geo import tiles
from geodata.geo.tiles import Tile
from layers import tilejson
from layers import tiles as tile_layer
from tests.support.tiles import NOW, decode, make_town, tile_at

TYPES = {int: "Number", float: "Number", str: "String", bool: "Boolean"}


def _tiles_over(county, z: int) -> list[Tile]:
    west, south, east, north = county.extent.bounds
    a, b = tile_at(west, north, z), tile_at(east, south, z)
    return [Tile(z, x, y) for x in range(a.x, b.x + 1) for y in range(a.y, b.y + 1)]


def _fields_found(store, county, layer: str, zooms) -> dict[str, set[str]]:
    """The properties of the layer's features in every tile over the county at ``zooms``, with the
    TileJSON type names of their values."""
    found = defaultdict(set)
    for z in zooms:
        for t in _tiles_over(county, z):
            decoded = decode(tile_layer.vector_tile(store, county, layer, t, at=NOW))
            assert set(decoded) <= {layer}, "a tile holds its own layer only"
            for feature in decoded.get(layer, {}).get("features", []):
                for name, value in feature["properties"].items():
                    found[name].add(TYPES[type(value)])
    return found


@pytest.mark.parametrize("layer", tiles.TILE_LAYERS)
def test_the_declared_fields_are_those_the_tiles_carry_with_their_types(store, layer):
    county = make_town(store)
    declared, minzoom = tilejson.LAYERS[layer]
    # clusters below POINTS_FROM_ZOOM, single incidents from it; grid cells from CELLS_FROM_ZOOM
    found = _fields_found(store, county, layer, (max(minzoom, 12), 14, 16))
    assert set(found) == set(declared), layer
    for name, types in found.items():
        assert types == {declared[name].split(":")[0]}, (layer, name, types)


def test_nothing_is_served_below_a_layers_minzoom_and_the_document_says_so(store):
    county = make_town(store)
    doc = tilejson.tilejson(county, "roads", "https://x/tiles/roads/{z}/{x}/{y}.mvt", "路段", "…", "© OSM")
    assert doc["minzoom"] == tiles.ROADS_FROM_ZOOM and doc["maxzoom"] == tiles.MAX_ZOOM == 22
    below = [tile_layer.vector_tile(store, county, "roads", t, at=NOW) for t in _tiles_over(county, 10)]
    assert below and all(data == b"" for data in below)
    assert _fields_found(store, county, "roads", (tiles.ROADS_FROM_ZOOM,))  # from it: the roads
    assert doc["bounds"] == [114.0, 22.5, 114.05, 22.55] and doc["vector_layers"][0]["id"] == "roads"
