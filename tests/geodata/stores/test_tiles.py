"""Vector tiles on both backends (PostGIS ST_AsMVT, SQLite mapbox-vector-tile): what each layer
holds at a zoom, filters, edges shared by neighbouring tiles, and the same tiles from both."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from shapely.geometry import LineString, Point

from geodata.errors import InvalidInput
from geodata.geo import tiles
from geodata.geo.tiles import Tile
from geodata.model import Incident, Segment
from geodata.mvt import encode as mvt
from tests.support.tiles import NOW, T0, decode, features, make_town, tile_at


def test_tile_arithmetic():
    assert Tile(0, 0, 0).mercator == pytest.approx((-tiles.HALF, -tiles.HALF, tiles.HALF, tiles.HALF))
    minx, miny, maxx, maxy = Tile(1, 1, 0).lonlat
    assert (minx, maxx) == pytest.approx((0, 180)) and miny == pytest.approx(0, abs=1e-9)
    assert maxy == pytest.approx(85.0511287798)
    minx, miny, maxx, maxy = tile_at(114.01, 22.51, 14).lonlat
    assert minx <= 114.01 < maxx and miny <= 22.51 < maxy and maxx - minx == pytest.approx(360 / 2**14)
    with pytest.raises(InvalidInput, match="x 和 y 的范围为 0–3"):
        Tile(2, 4, 0)
    with pytest.raises(InvalidInput, match="缩放级别 23"):
        Tile(23, 0, 0)


def in_tile(store, county, t: Tile, **filters) -> list[Incident]:
    minx, miny, maxx, maxy = t.lonlat
    found = store.list_incidents(county.id, **filters)
    return [i for i in found if minx <= i.geom.x < maxx and miny <= i.geom.y < maxy]


def test_incidents_cluster_below_zoom_16_and_every_incident_counts_once(store, town):
    z13 = tile_at(114.01, 22.51, 13)
    clusters = features(store.vector_tile(town.id, "incidents", z13, NOW), "incidents")
    assert 1 < len(clusters) <= (1 << tiles.CLUSTER_LEVELS) ** 2
    assert sum(f["properties"]["count"] for f in clusters) == len(in_tile(store, town, z13)) > 100
    for filters in ({"category": "parking"}, {"status": "open"}):
        some = features(store.vector_tile(town.id, "incidents", z13, NOW, **filters), "incidents")
        assert sum(f["properties"]["count"] for f in some) == len(in_tile(store, town, z13, **filters))
    # The four z14 tiles under it share its incidents out, none twice.
    x, y = z13.x * 2, z13.y * 2
    quarters = [
        store.vector_tile(town.id, "incidents", Tile(14, x + i, y + j), NOW) for i in (0, 1) for j in (0, 1)
    ]
    assert sum(f["properties"]["count"] for q in quarters for f in features(q, "incidents")) == len(
        in_tile(store, town, z13)
    )


def test_incidents_are_points_from_zoom_16(store, town):
    t = tile_at(114.005, 22.505, 16)
    inside = in_tile(store, town, t)
    found = features(store.vector_tile(town.id, "incidents", t, NOW), "incidents")
    # And those within DOTS_BUFFER past its edges, which it draws a part of.
    points = [f for f in found if _within(f, 0)]
    assert sorted(f["properties"]["id"] for f in points) == sorted(i.id for i in inside) and inside
    assert len(found) > len(points) and all(_within(f, tiles.DOTS_BUFFER) for f in found)
    first = next(f for f in points if f["properties"]["id"] == inside[0].id)
    assert first["properties"]["category"] == inside[0].category and first["geometry"]["type"] == "Point"
    assert [f["properties"]["id"] for f in points] == sorted(i.id for i in inside)  # in id order
    # Each on the grid point its stored degrees round to, as both stores round them.
    at = {i.id: mvt.in_tile(t, np.array([[i.geom.x, i.geom.y]]))[0] for i in inside}
    assert all(f["geometry"]["coordinates"] == at[f["properties"]["id"]].tolist() for f in points)
    assert store.vector_tile(town.id, "incidents", tile_at(114.045, 22.545, 16), NOW) == b""


def _within(feature: dict, buffer: int) -> bool:
    return all(-buffer <= c <= tiles.EXTENT + buffer for c in feature["geometry"]["coordinates"])


def test_a_dot_a_little_past_the_edge_comes_in_both_tiles_it_is_drawn_in(store, town):
    t = tile_at(114.005, 22.505, 17)
    minx, miny, maxx, maxy = t.lonlat
    px = (maxx - minx) / 256
    store.add_incidents(
        [Incident(town.id, "stalls", Point(maxx + dx * px, (miny + maxy) / 2), T0, "dispatched") for dx in (5, -5, 20)]
    )  # fmt: skip
    east = Tile(17, t.x + 1, t.y)
    xs = [
        {f["properties"]["id"]: f["geometry"]["coordinates"][0] for f in features(tile, "incidents") if f["properties"]["category"] == "stalls"}
        for tile in (store.vector_tile(town.id, "incidents", t, NOW), store.vector_tile(town.id, "incidents", east, NOW))
    ]  # fmt: skip
    ids = sorted(xs[0].keys() | xs[1].keys())
    assert len(ids) == 3
    past, before, far = ids
    # 5 px (80 of 4096) past the edge: in the east tile, and in this one's buffer; 20 px: not here.
    assert xs[0][past] == pytest.approx(tiles.EXTENT + 80, abs=1) and xs[1][past] == pytest.approx(80, abs=1)
    assert xs[0][before] == pytest.approx(tiles.EXTENT - 80, abs=1) and xs[1][before] == pytest.approx(
        -80, abs=1
    )
    assert far not in xs[0] and xs[1][far] == pytest.approx(320, abs=1)


def test_a_crowded_tile_from_zoom_16_still_clusters(store, town, monkeypatch):
    t = tile_at(114.005, 22.505, 16)
    inside = in_tile(store, town, t)
    monkeypatch.setattr(tiles, "MAX_POINTS", len(inside) - 1)
    crowded = features(store.vector_tile(town.id, "incidents", t, NOW), "incidents")
    assert all("count" in f["properties"] and "id" not in f["properties"] for f in crowded)
    assert sum(f["properties"]["count"] for f in crowded) == len(inside) > 1
    monkeypatch.setattr(tiles, "MAX_POINTS", len(inside))
    dots = features(store.vector_tile(town.id, "incidents", t, NOW), "incidents")
    assert len([f for f in dots if _within(f, 0)]) == len(inside) and all(
        "id" in f["properties"] for f in dots
    )
    monkeypatch.setattr(tiles, "MAX_DOTS", len(dots) - 1)  # with those past its edges, too many
    assert all(
        "count" in f["properties"]
        for f in features(store.vector_tile(town.id, "incidents", t, NOW), "incidents")
    )


def test_from_zoom_17_a_crowded_tile_draws_its_dots_like_its_neighbours(store, town, monkeypatch):
    t = tile_at(114.005, 22.505, 17)
    inside = in_tile(store, town, t)
    assert len(inside) > 1
    monkeypatch.setattr(tiles, "MAX_POINTS", len(inside) - 1)  # at zoom 16 this many would cluster
    dots = features(store.vector_tile(town.id, "incidents", t, NOW), "incidents")
    assert dots and all("id" in f["properties"] for f in dots)  # up to FINE_FACTOR times more: dots
    monkeypatch.setattr(tiles, "MAX_POINTS", (len(inside) - 1) // tiles.FINE_FACTOR)
    assert all(
        "count" in f["properties"]
        for f in features(store.vector_tile(town.id, "incidents", t, NOW), "incidents")
    )  # past that, still clusters: a tile stays bounded


def test_roads_carry_the_unit_leading_them_then(store, town):
    t = tile_at(114.01, 22.51, 14)
    roads = {
        f["properties"]["name"]: f["properties"]
        for f in features(store.vector_tile(town.id, "roads", t, NOW), "roads")
    }
    police = next(u for u in store.list_units(town.id) if u.code == "JJ")
    assert roads["红荔路"]["unit_id"] == police.id and roads["红荔路"]["highway"] == "primary"
    assert "unit_id" not in roads["无名路"]  # nobody guards it
    later = features(store.vector_tile(town.id, "roads", t, datetime(2026, 12, 5, tzinfo=UTC)), "roads")
    assert {f["properties"]["unit_id"] for f in later if f["properties"]["name"] == "红荔路"} != {police.id}
    assert store.vector_tile(town.id, "roads", tile_at(114.01, 22.51, 10), NOW) == b""


def test_minor_ways_join_the_roads_from_zoom_14(store, town):
    store.add_segments(
        [Segment(town.id, "绿道", LineString([(114.002, 22.507), (114.018, 22.507)]), "footway"),
         Segment(town.id, "辅道", LineString([(114.002, 22.508), (114.018, 22.508)]), "service/primary")]
    )  # fmt: skip
    for z, expected in (
        (12, {"红荔路", "无名路"}),
        (13, {"红荔路", "无名路"}),
        (14, {"红荔路", "无名路", "绿道", "辅道"}),
    ):
        names = {
            f["properties"]["name"]
            for f in features(store.vector_tile(town.id, "roads", tile_at(114.01, 22.51, z), NOW), "roads")
        }
        assert names == expected, z


def test_zones_add_grid_cells_from_zoom_15(store, town):
    z14 = features(store.vector_tile(town.id, "zones", tile_at(114.005, 22.505, 14), NOW), "zones")
    assert [(f["properties"]["kind"], f["properties"]["tier"]) for f in z14] == [("community", "达标")]
    z15 = features(store.vector_tile(town.id, "zones", tile_at(114.005, 22.505, 15), NOW), "zones")
    assert sorted(f["properties"]["kind"] for f in z15) == ["community", "grid"]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in z15)


def test_both_backends_make_the_same_tiles(both_stores):
    sqlite, postgis = both_stores
    made = []
    for store in (sqlite, postgis):
        county = make_town(store)
        made.append(
            {
                (layer, t): decode(store.vector_tile(county.id, layer, t, NOW))
                for layer in tiles.TILE_LAYERS
                for t in (
                    tile_at(114.01, 22.51, 13),
                    tile_at(114.005, 22.505, 15),
                    tile_at(114.005, 22.505, 17),
                )
            }
        )
    for key, lite in made[0].items():
        pg = made[1][key]
        assert lite.keys() == pg.keys(), key
        for name in lite:
            a, b = lite[name]["features"], pg[name]["features"]
            assert sorted(map(_props, a)) == sorted(map(_props, b)), key
            for fa, fb in zip(sorted(a, key=_props), sorted(b, key=_props), strict=True):
                ca, cb = np.array(_coords(fa["geometry"])), np.array(_coords(fb["geometry"]))
                if ca.shape == cb.shape:  # ST_AsMVTGeom may drop a vertex the grid makes redundant
                    assert np.abs(ca - cb).max() <= 1, key


def _props(f: dict) -> str:
    """The feature's properties but its ids (numbered apart by each database) and its first vertex."""
    kept = sorted((k, v) for k, v in f["properties"].items() if k not in ("id", "unit_id"))
    return repr((kept, "unit_id" in f["properties"], _coords(f["geometry"])[0]))


def _coords(geometry: dict) -> list:
    out: list = []

    def walk(c):
        if isinstance(c[0], (int, float)):
            out.append(c[:2])
        else:
            for part in c:
                walk(part)

    walk(geometry["coordinates"])
    return out
