"""The vector-tile encoder of the SQLite store (geodata/mvt/encode.py): the worked examples of the
Mapbox Vector Tile spec 2.1, and the same tiles as ``mapbox_vector_tile.encode`` (the encoder it
replaced) for the same inputs. Inputs are in tile coordinates with y up, as ``mvt.in_tile`` gives
them; the spec's examples are y down, so they go through ``up``.

Where the two encoders may differ, and why ours is the one the spec asks for:
- a ring whose last vertex the grid puts on its first: mapbox-vector-tile draws a LineTo back to the
  start before ClosePath; we leave it to ClosePath (decoded, the rings are the same);
- a ring the grid leaves without area: mapbox-vector-tile writes it, and its own decoder skips it;
  we drop it, and a polygon whose exterior it was (a feature left with no ring, we leave out);
- 1, 1.0 and True in one layer: mapbox-vector-tile writes 1.0 as the int 1 (one dict for both).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
import shapely
import shapely.affinity
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)

from geodata.mvt import encode as mvt
from tests.support.mvt import (
    E,
    area2,
    check_spec,
    columns,
    comparable,
    features,
    raw_layer,
    reference,
    spec_paths,
)

PROPS = {"id": 7, "name": "红荔路（北段）", "big": 2**62, "neg": -(2**40), "minus": -1, "zero": 0}
PROPS |= {"ratio": 0.125, "tiny": -3.5e-7, "yes": True, "no": False, "empty": "", "gone": None}


def up(coords) -> list[tuple[float, float]]:
    """The spec's y-down coordinates as encode takes them."""
    return [(x, E - y) for x, y in coords]


def encode(layer: str, geoms, rows: list[dict]) -> bytes:
    return mvt.encode(layer, geoms, columns(rows))


# --- the spec's examples (section 4.3.5), exactly ---------------------------------------------


SPEC_EXAMPLES = {
    "point": (Point(25, E - 17), [9, 50, 34]),
    "multipoint": (MultiPoint(up([(5, 7), (3, 2)])), [17, 10, 14, 3, 9]),
    "line": (LineString(up([(2, 2), (2, 10), (10, 10)])), [9, 4, 4, 18, 0, 16, 16, 0]),
    "multiline": (
        MultiLineString([up([(2, 2), (2, 10), (10, 10)]), up([(1, 1), (3, 5)])]),
        [9, 4, 4, 18, 0, 16, 16, 0, 9, 17, 17, 10, 4, 8],
    ),
    "polygon": (Polygon(up([(3, 6), (8, 12), (20, 34), (3, 6)])), [9, 6, 12, 18, 10, 12, 24, 44, 15]),
    "multipolygon": (
        MultiPolygon(
            [
                Polygon(up([(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)])),
                Polygon(
                    up([(11, 11), (20, 11), (20, 20), (11, 20), (11, 11)]),
                    [up([(13, 13), (13, 17), (17, 17), (17, 13), (13, 13)])],
                ),
            ]
        ),
        [9, 0, 0, 26, 20, 0, 0, 20, 19, 0, 15, 9, 22, 2, 26, 18, 0, 0, 18, 17, 0, 15]
        + [9, 4, 13, 26, 0, 8, 8, 0, 0, 7, 15],
    ),
}


@pytest.mark.parametrize("name", SPEC_EXAMPLES)
def test_the_spec_examples_encode_as_the_spec_has_them(name):
    geom, expected = SPEC_EXAMPLES[name]
    (f,) = raw_layer(encode("l", [geom], [{}])).features
    assert list(f.geometry) == expected
    assert f.type == {"point": 1, "multipoint": 1, "line": 2, "multiline": 2}.get(name, 3)
    if f.type != 3:
        return
    # Rings given the other way round come out the same: turned, from the same first vertex.
    turned = shapely.reverse(geom)
    assert list(raw_layer(encode("l", [turned], [{}])).features[0].geometry) == expected


def test_the_layer_is_version_2_with_the_tile_extent():
    layer = raw_layer(encode("roads", [Point(1, 2)], [{}]))
    assert (layer.name, layer.version, layer.extent) == ("roads", 2, E)
    assert encode("roads", [], []) == b""


# --- the same tiles as mapbox-vector-tile -------------------------------------------------------


def _walk(rng, vertices: int, step: float = 40.0) -> np.ndarray:
    """A random walk with fractional coordinates, some steps shorter than the grid."""
    steps = rng.normal(0, step, (vertices - 1, 2)) * rng.choice([0.01, 1.0], (vertices - 1, 1))
    return rng.uniform(0, E, (1, 2)) + np.cumsum(np.vstack([[0, 0], steps]), axis=0)


def _ring(rng, x: float, y: float, radius: float, vertices: int, clockwise: bool) -> np.ndarray:
    """A wobbly circle with fractional coordinates, in either direction."""
    angle = np.linspace(0, 2 * np.pi, vertices, endpoint=False) * (-1 if clockwise else 1)
    r = radius * rng.uniform(0.85, 1.0, vertices)
    return np.column_stack([x + r * np.cos(angle), y + r * np.sin(angle)])


def _polygon(rng, holes: int, as_the_spec: bool | None = None) -> Polygon:
    """A polygon with its rings as the spec has them (y up: the exterior clockwise, the holes
    not), the other way round, or (None) each ring either way."""
    x, y = rng.uniform(300, E - 300, 2)
    ways = [as_the_spec, not as_the_spec] if as_the_spec is not None else rng.random(2) < 0.5
    inner = [_ring(rng, x + 60 * (i - holes / 2), y, 25, 9, ways[1]) for i in range(holes)]
    return Polygon(_ring(rng, x, y, 200, 30, ways[0]), inner)


def _props(rng, n: int) -> list[dict]:
    """Mixed properties, repeating across features (so values are shared), some None."""
    names = ["红荔路", "深南大道", "甲1号网格", "Main St", ""]
    return [
        {"id": int(i), "name": names[i % 5], "big": 2**62 - i % 3, "neg": -(10 ** (i % 12)),
         "ratio": round(float(rng.uniform(-5, 5)), 3) + 0.0005, "flag": bool(i % 2),
         "unit_id": None if i % 4 == 0 else int(i % 7) + 1, "tier": None if i % 3 else "达标"}
        for i in range(n)
    ]  # fmt: skip


def _cases():
    rng = np.random.default_rng(11)
    half = [(2.5, 3.5), (-0.5, 4096.5), (10.49, 10.51), (E + 63.5, -63.5)]  # rounding half to even
    yield "points", [Point(xy) for xy in rng.uniform(-64, E + 64, (200, 2))] + [Point(p) for p in half]
    yield "multipoints", [MultiPoint(rng.uniform(0, E, (int(n), 2))) for n in rng.integers(1, 6, 30)]
    yield "lines", [LineString(_walk(rng, int(n))) for n in rng.integers(2, 40, 100)]
    yield (
        "multilines",
        [MultiLineString([_walk(rng, 12) for _ in range(int(n))]) for n in rng.integers(1, 4, 40)],
    )
    yield "polygons with holes", [_polygon(rng, int(n)) for n in rng.integers(0, 3, 60)]
    yield "rings as the spec has them", [_polygon(rng, 2, as_the_spec=True) for _ in range(20)]
    yield "rings the wrong way round", [_polygon(rng, 2, as_the_spec=False) for _ in range(20)]
    yield (
        "multipolygons",
        [MultiPolygon([_polygon(rng, int(h)) for h in rng.integers(0, 2, 3)]) for _ in range(30)],
    )
    yield "degenerate and fine, mixed", [
        LineString([(10.2, 10.1), (10.4, 9.8), (9.9, 10.3)]),  # one grid point
        LineString([(100, 100), (100.3, 100.2), (150, 100)]),  # a vertex on the one before
        Polygon([(5, 5), (5.3, 5.2), (5.1, 5.4)]),  # collapses to a point
        Polygon([(0, 0), (0, 10), (10, 10), (0.3, 0.2)]),  # the last vertex onto the first
        Polygon([(0, 0), (10, 0), (10.2, 0.3)]),  # two grid points
        MultiLineString([[(7.1, 7.2), (6.9, 6.8)], [(300, 300), (320, 330)]]),  # first part collapses
        MultiPolygon([Polygon([(1, 1), (1.2, 1.1), (1.1, 1.3)]), Polygon([(50, 50), (90, 50), (70, 80)])]),
        Polygon([(0, 0), (10, 0), (20, 0), (10, 0.3)]),  # collinear: no area
        Point(3, 4),
    ]  # fmt: skip


CASES = dict(_cases())


@pytest.mark.parametrize("name", CASES)
def test_the_same_features_as_mapbox_vector_tile(name):
    geoms = CASES[name]
    props = _props(np.random.default_rng(5), len(geoms))
    ours, theirs = encode("l", geoms, props), reference(geoms, props)
    check_spec(ours)
    found = comparable(features(ours))
    assert found == comparable(features(theirs))
    assert len(found) >= len(geoms) - 4 and found[0][1]
    if name != "degenerate and fine, mixed":
        assert ours == theirs  # byte for byte, key and value tables included
    else:  # mapbox-vector-tile keeps two polygons without area; its decoder finds no ring in them
        assert len(features(theirs)) == len(features(ours)) + 2 == len(geoms) - 2


def test_rings_are_oriented_as_the_spec_says():
    rng = np.random.default_rng(2)
    polygons = [_polygon(rng, 2, as_the_spec=bool(i % 2)) for i in range(10)]
    ours = encode("l", polygons, [{}] * 10)
    for f in raw_layer(ours).features:
        rings = [vertices for vertices, _ in spec_paths(f.geometry)]
        assert [np.sign(area2(r)) for r in rings] == [1, -1, -1]
    # And mapbox-vector-tile's decoder, reading y up, finds one polygon of three rings in each.
    assert [f["geometry"]["type"] for f in features(ours)] == ["Polygon"] * 10
    assert all(len(f["geometry"]["coordinates"]) == 3 for f in features(ours))


@given(
    st.lists(st.tuples(st.floats(-80, E + 80), st.floats(-80, E + 80)), min_size=3, max_size=25),
    st.floats(0.2, 0.8),
)
@settings(max_examples=150, deadline=None)
def test_any_line_and_valid_polygon_as_mapbox_vector_tile(xy, hole_scale):
    line = LineString(xy)
    hull = shapely.convex_hull(shapely.MultiPoint(xy))
    assume(hull.geom_type == "Polygon")
    hole = shapely.affinity.scale(hull, hole_scale, hole_scale, origin="centroid")
    polygon = Polygon(hull.exterior, [hole.exterior])
    # On rings the grid makes invalid, mapbox-vector-tile orients by GEOS (the turn at the top
    # vertex), the spec and we by the signed area: the two may differ there, and only there.
    assume(shapely.is_valid(shapely.transform(polygon, np.round)))
    geoms, props = [line, polygon], [{"id": 1}, {"id": 2}]
    ours = encode("l", geoms, props)
    check_spec(ours)
    assert comparable(features(ours)) == comparable(features(reference(geoms, props)))


# --- what is dropped ----------------------------------------------------------------------------


def test_what_the_grid_collapses_is_dropped_and_properties_stay_with_their_features():
    geoms = [
        LineString([(10.2, 10.1), (10.4, 9.8)]),
        Polygon([(0, 0), (10, 0), (20, 0)]),  # three vertices on a line
        None,
        Point(),
        GeometryCollection([Point(1, 1)]),  # as mapbox-vector-tile, not written
        LineString([(1, 1), (4, 5)]),
    ]
    found = features(encode("l", geoms, [{"id": i} for i in range(6)]))
    assert [(f["properties"], f["geometry"]["coordinates"]) for f in found] == [({"id": 5}, [[1, 1], [4, 5]])]
    assert features(encode("l", geoms[:2], [{"id": 0}, {"id": 1}])) == []


def test_a_polygon_goes_with_its_exterior_and_keeps_what_is_left_of_it():
    hole = [(20, 20), (40, 20), (40, 40), (20, 40)]
    collapsed_outside = Polygon([(0, 0), (0.3, 0.1), (0.2, 0.4)], [hole])  # invalid, as a grid leaves it
    collapsed_hole = Polygon(
        [(0, 0), (100, 0), (100, 100), (0, 100)], [[(50, 50), (50.2, 50.1), (50.1, 50.3)]]
    )
    two_parts = MultiPolygon(
        [Polygon([(1, 1), (1.2, 1.1), (1.1, 1.3)]), Polygon([(50, 50), (90, 50), (70, 80)])]
    )
    layer = raw_layer(encode("l", [collapsed_outside, collapsed_hole, two_parts], [{}] * 3))
    assert [f.type for f in layer.features] == [3, 3]
    square, (part,) = (spec_paths(f.geometry) for f in layer.features)
    assert len(square) == 1 and square[0][0] == [(0, E), (0, E - 100), (100, E - 100), (100, E)]
    assert part == ([(50, E - 50), (70, E - 80), (90, E - 50)], True)  # turned, from its first vertex


def test_a_ring_ends_with_close_path_not_a_line_back_to_its_start():
    ring = Polygon([(0, 0), (0, 10), (10, 10), (0.3, 0.2)])  # the last vertex rounds onto the first
    (f,) = raw_layer(encode("l", [ring], [{}])).features
    ((vertices, closed),) = spec_paths(f.geometry)
    assert closed and vertices == [(0, E), (0, E - 10), (10, E - 10)]
    (g,) = raw_layer(reference([ring], [{}])).features
    assert spec_paths(g.geometry)[0][0] == vertices + [(0, E)]  # mapbox-vector-tile goes back first


def test_the_cursor_runs_on_across_parts_and_skips_collapsed_ones():
    lines = MultiLineString([[(2, 2), (2, 10)], [(7.1, 7.2), (6.9, 6.8)], [(3, 3), (5, 4)]])
    (f,) = raw_layer(encode("l", [lines], [{}])).features
    # MoveTo (2, E-2), LineTo +(0, -8); then MoveTo +(1, +7) from (2, E-10), where the first part
    # ended (the collapsed one is not drawn), LineTo +(2, -1).
    assert list(f.geometry) == [9, 4, 2 * (E - 2), 10, 0, 15, 9, 2, 14, 10, 4, 1]


# --- properties ---------------------------------------------------------------------------------


def test_properties_keep_their_types_and_none_is_left_out():
    props = [
        dict(PROPS),
        {"id": 1, "ratio": 1.0, "yes": 1, "name": "红荔路（北段）", "when": datetime.now(UTC)},
    ]
    found = features(encode("l", [Point(1, 1), Point(2, 2)], props))
    first = {k: v for k, v in PROPS.items() if v is not None}
    assert [f["properties"] for f in found] == [
        first,
        {"id": 1, "ratio": 1.0, "yes": 1, "name": "红荔路（北段）"},
    ]
    assert [type(v) for v in found[0]["properties"].values()] == [type(v) for v in first.values()]
    # 1, 1.0 and True stay apart (mapbox-vector-tile would write 1.0 as the int 1).
    assert [type(found[1]["properties"][k]) for k in ("id", "ratio", "yes")] == [int, float, int]
    assert type(found[0]["properties"]["yes"]) is bool


def test_ints_only_a_uint64_holds_go_in_uint_value_and_larger_ones_are_left_out():
    props = [{"id": 1, "n": 2**63}, {"id": 2, "n": 2**64}, {"id": 3, "n": -(2**63) - 1}]
    layer = raw_layer(encode("l", [Point(1, 1), Point(2, 2), Point(3, 3)], props))
    assert [v.uint_value for v in layer.values if v.HasField("uint_value")] == [2**63]
    assert [f["properties"] for f in features(encode("l", [Point(1, 1), Point(2, 2), Point(3, 3)], props))] == [
        {"id": 1, "n": 2**63}, {"id": 2}, {"id": 3}
    ]  # fmt: skip


def test_an_int_in_a_column_of_ints_and_in_another_column_is_one_value():
    props = [{"id": 7, "unit_id": 7, "name": "甲"}, {"id": 8, "unit_id": None, "name": None}]
    layer = raw_layer(encode("l", [Point(1, 1), Point(2, 2)], props))
    assert [v.int_value or v.string_value for v in layer.values] == [7, "甲", 8]
    assert [list(f.tags) for f in layer.features] == [[0, 0, 1, 0, 2, 1], [0, 2]]


def test_keys_and_values_are_written_once_per_layer():
    props = [
        {"category": ("parking", "posters")[i % 2], "count": i % 3, "open": i % 2 == 0} for i in range(50)
    ]
    layer = raw_layer(encode("l", [Point(i, i) for i in range(50)], props))
    assert list(layer.keys) == ["category", "count", "open"]
    written = [(field.name, value) for v in layer.values for field, value in v.ListFields()]
    assert written == [("string_value", "parking"), ("int_value", 0), ("bool_value", True)] + [
        ("string_value", "posters"), ("int_value", 1), ("bool_value", False), ("int_value", 2)
    ]  # fmt: skip
    assert all(len(f.tags) == 6 for f in layer.features)
