"""Unit grids: the pure split/merge geometry (property tests), the demo county tiled into cells with
stable 15-digit codes, and what a change or a bad request does on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import LineString, Polygon, box

from demo.county import seed_demo
from geodata.errors import Conflict, InvalidInput
from geodata.geo.geometry import to_metric
from geodata.grids import split as gs
from geodata.grids.make import make_grid
from geodata.io.imports import reading_order
from geodata.model import Assignment, County, Segment, Zone
from geodata.stores.store import open_store

TARGET_M2 = 10_000
T0 = datetime(2026, 1, 1, tzinfo=UTC)


# -- pure geometry ------------------------------------------------------------------------------


def _assert_tiles(pieces, whole, overlap_m2=1e-3):
    """The pieces are valid polygons that cover ``whole`` without overlapping, up to rounding the
    outline to the grid the overlays run on (its length × ``GRID_M``)."""
    arr = np.asarray(pieces, dtype=object)
    rounding_m2 = whole.length * gs.GRID_M
    assert all(p.geom_type in ("Polygon", "MultiPolygon") and p.is_valid for p in arr)
    assert shapely.area(arr).sum() == pytest.approx(whole.area, abs=rounding_m2)
    union = shapely.union_all(arr, grid_size=gs.MEASURE_GRID_M)
    assert shapely.symmetric_difference(union, whole, grid_size=gs.MEASURE_GRID_M).area <= rounding_m2
    assert gs.check_tiling(pieces, whole).max_overlap_m2 <= overlap_m2


rectangles = st.builds(
    lambda w, h, angle, x, y: affinity.rotate(box(x, y, x + w, y + h), angle, origin="centroid"),
    st.floats(5, 2_000),
    st.floats(5, 2_000),
    st.floats(0, 180),
    st.floats(-1e4, 1e4),
    st.floats(-1e4, 1e4),
)


@st.composite
def star_polygons(draw):
    """Simple, often non-convex polygons on a centimetre grid: random radii at distinct angles
    (multiples of 1/64 turn) around a centre."""
    steps = sorted(draw(st.sets(st.integers(0, 63), min_size=5, max_size=24)))
    radii = np.asarray(draw(st.lists(st.floats(20, 400), min_size=len(steps), max_size=len(steps))))
    angles = np.asarray(steps) * 2 * np.pi / 64
    poly = Polygon(np.round(np.column_stack([np.cos(angles), np.sin(angles)]) * radii[:, None], 2))
    assume(poly.is_valid and poly.area > 100)
    return poly


@settings(max_examples=60, deadline=None)
@given(rectangles)
def test_halving_a_rectangle_gives_two_equal_halves(rect):
    pieces = gs.halve(rect)
    assert len(pieces) == 2
    _assert_tiles(pieces, rect)
    assert pieces[0].area == pytest.approx(rect.area / 2, abs=rect.length * gs.GRID_M)


@settings(max_examples=40, deadline=None)
@given(star_polygons(), st.floats(500, 20_000))
def test_splitting_conserves_area_and_leaves_nothing_too_big(poly, max_m2):
    pieces = gs.split_large([poly], max_m2)
    _assert_tiles(pieces, poly)
    # A cut may graze a vertex and leave a sliver joined to its neighbour: slack of 1 %.
    assert max(p.area for p in pieces) <= max_m2 * 1.01 or len(pieces) == 1


@st.composite
def partitions(draw):
    """A rectangle cut into random street blocks by guillotine cuts: (blocks, the rectangle)."""
    whole = box(0, 0, draw(st.floats(200, 1_500)), draw(st.floats(200, 1_500)))
    blocks = [whole]
    for _ in range(draw(st.integers(0, 30))):
        i = draw(st.integers(0, len(blocks) - 1))
        x0, y0, x1, y1 = blocks[i].bounds
        t = draw(st.floats(0.1, 0.9))
        if draw(st.booleans()):
            halves = [box(x0, y0, x0 + t * (x1 - x0), y1), box(x0 + t * (x1 - x0), y0, x1, y1)]
        else:
            halves = [box(x0, y0, x1, y0 + t * (y1 - y0)), box(x0, y0 + t * (y1 - y0), x1, y1)]
        blocks[i : i + 1] = halves
    return blocks, whole


@settings(max_examples=50, deadline=None)
@given(partitions(), st.floats(500, 50_000))
def test_merging_conserves_area_and_leaves_no_small_block_with_a_neighbour(partition, min_m2):
    blocks, whole = partition
    merged = gs.merge_small(blocks, min_m2)
    _assert_tiles(merged, whole)
    assert len(merged) == 1 or all(p.area >= min_m2 * (1 - 1e-9) for p in merged)


@settings(max_examples=40, deadline=None)
@given(partitions(), st.floats(2_000, 40_000))
def test_tiling_a_partition_keeps_the_tolerances(partition, target_m2):
    blocks, whole = partition
    cells = gs.tile_area(blocks, target_m2)
    check = gs.check_tiling(cells, whole)
    assert check.area_diff_pct <= 0.01 and check.max_overlap_m2 <= 1.0 and check.invalid == 0


def test_streets_cut_a_square_into_blocks_and_a_short_street_is_snapped():
    square = box(0, 0, 400, 400)
    streets = [
        LineString([(200, -50), (200, 450)]),
        LineString([(0, 200), (199.7, 200)]),  # stops 30 cm short of the north-south street
        LineString([(300, 300), (350, 350)]),  # a dead end inside a block: no new block
    ]
    blocks = gs.street_blocks(square, np.asarray(streets, dtype=object))
    assert sorted(round(b.area) for b in blocks) == [40_000, 40_000, 80_000]
    _assert_tiles(blocks, square)


# -- the demo county, once per module (SQLite) --------------------------------------------------


@pytest.fixture(scope="module")
def demo_grid(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('grid') / 'demo.sqlite'}")
    store.migrate()
    county = seed_demo(store, seed=42, n_incidents=500).county
    summary = make_grid(store, county.code, TARGET_M2)
    yield store, county, summary
    store.close()


def _cells_by_community(store, county):
    """(community, its cells) pairs."""
    cells = store.list_zones(county.id, kind="grid")
    communities = store.list_zones(county.id, kind="community")
    return [(c, [z for z in cells if z.parent_id == c.id]) for c in communities]


def test_every_demo_community_is_tiled_by_its_cells(demo_grid):
    store, county, summary = demo_grid
    epsg = store.county_epsg(county.id)
    for community, cells in _cells_by_community(store, county):
        assert cells, community.name
        check = gs.check_tiling(
            list(to_metric(np.asarray([z.geom for z in cells]), epsg)), to_metric(community.geom, epsg)
        )
        assert check.area_diff_pct <= 0.01, community.name
        assert check.max_overlap_m2 <= 1.0, community.name
        assert check.invalid == 0 and all(z.geom.geom_type == "Polygon" for z in cells)
    assert summary.total("cells") == summary.total("created") == store.count(county.id, "zone") - 12


def test_demo_cell_codes_are_15_digits_unique_and_read_west_to_east_north_to_south(demo_grid):
    store, county, _ = demo_grid
    codes = []
    for community, cells in _cells_by_community(store, county):
        assert all(z.code[:12] == community.code and len(z.code) == 15 and z.code.isdigit() for z in cells)
        assert all(z.name == f"{community.name}第{z.code[-3:]}网格" for z in cells)
        order = reading_order(to_metric(np.asarray([z.geom for z in cells]), store.county_epsg(county.id)))
        assert [cells[i].code[-3:] for i in order] == [f"{n:03d}" for n in range(1, len(cells) + 1)]
        codes += [z.code for z in cells]
    assert len(set(codes)) == len(codes)


def test_demo_cells_are_about_the_target_area(demo_grid):
    _, _, summary = demo_grid
    spread = summary.area_distribution()
    assert 0.5 * TARGET_M2 <= spread["median"] <= 1.5 * TARGET_M2
    assert spread["min"] >= 0.4 * TARGET_M2 and spread["max"] <= 2.5 * TARGET_M2
    assert all(c.check.area_diff_pct <= 0.01 and c.check.max_overlap_m2 <= 1 for c in summary.communities)


# -- both backends: refusals, routing, stability, changes ---------------------------------------


def _snapshot(store, county_id):
    return sorted((z.id, z.code, z.name, z.version, z.geom.wkb) for z in store.list_zones(county_id))


def test_bad_targets_and_counties_without_communities_are_refused_with_nothing_stored(store):
    county = store.add_county(County("440305", "小县", extent=box(114.0, 22.5, 114.02, 22.52)))
    with pytest.raises(InvalidInput, match="县区 440305 没有可划分网格的社区"):
        make_grid(store, "440305")
    store.add_zones(
        [Zone(county.id, "community", "440305001001", "东园社区", box(114.0, 22.5, 114.01, 22.51))]
    )
    store.add_segments([Segment(county.id, "东园路", LineString([(114.0, 22.505), (114.01, 22.505)]))])
    before = _snapshot(store, county.id)
    for target_m2 in (499, 1_000_001, 0):
        with pytest.raises(InvalidInput, match="应在 500 至 1,000,000 m² 之间"):
            make_grid(store, "440305", target_m2)
    assert _snapshot(store, county.id) == before
    summary = make_grid(store, "440305", 500_000)  # about 1.1 km²: two street blocks, one cell each
    assert [c.cells for c in summary.communities] == [2]
    assert sorted(z.code for z in store.list_zones(county.id, kind="grid")) == [
        "440305001001001",
        "440305001001002",
    ]


def test_the_demo_grid_routes_points_stays_stable_and_renumbers_only_what_changed(store):
    county = seed_demo(store, seed=42, n_incidents=500).county
    first = make_grid(store, county.code, TARGET_M2)
    cells = store.list_zones(county.id, kind="grid")
    assert len(cells) == first.total("created") > 12 * 20
    inside = [shapely.point_on_surface(z.geom) for z in cells[::10]]
    assert store.zones_at(county.id, inside) == [z.id for z in cells[::10]]
    before = _snapshot(store, county.id)
    again = make_grid(store, county.code, TARGET_M2)
    assert not again.written and again.total("kept") == first.total("cells")
    assert _snapshot(store, county.id) == before
    _check_a_change(store, county)
    _check_guarded_cells_stay(store, county)


def _check_a_change(store, county):
    """A new street through one community: its unchanged cells keep code and row, new cells are
    numbered after its highest, and no other community is touched."""
    changed, cell = _split_a_cell(store, county, rank=0)
    before = {z.code: z for z in store.list_zones(county.id, kind="grid")}
    summary = make_grid(store, county.code, TARGET_M2)
    after = {z.code: z for z in store.list_zones(county.id, kind="grid")}
    per = {c.name: c for c in summary.communities}
    assert all(c.created == c.deleted == c.redrawn == 0 for name, c in per.items() if name != changed.name)
    mine = per[changed.name]
    assert mine.created >= 1 and mine.deleted >= 1 and mine.kept >= mine.cells // 2
    assert cell.code not in after
    highest = max(int(code[-3:]) for code, z in before.items() if z.parent_id == changed.id)
    fresh = sorted(set(after) - set(before))
    assert [int(c[-3:]) for c in fresh] == list(range(highest + 1, highest + 1 + mine.created))
    epsg = store.county_epsg(county.id)
    for code in set(after) & set(before):  # kept: same row; at most a vertex added where a street ends
        assert after[code].id == before[code].id
        moved_m = shapely.hausdorff_distance(
            to_metric(after[code].geom, epsg), to_metric(before[code].geom, epsg)
        )
        assert moved_m < 0.05 and (moved_m == 0) == (after[code].version == before[code].version)
    assert not make_grid(store, county.code, TARGET_M2).written


def _check_guarded_cells_stay(store, county):
    """A change that would delete a cell some unit still guards is refused whole."""
    unit = store.list_units(county.id)[0]
    _, cell = _split_a_cell(store, county, rank=1)
    store.assign(Assignment(county.id, unit.id, "zone", cell.id, "lead", T0))
    before = _snapshot(store, county.id)
    with pytest.raises(Conflict, match=f"仍有单位负责的网格：.*{cell.code}"):
        make_grid(store, county.code, TARGET_M2)
    assert _snapshot(store, county.id) == before


def _split_a_cell(store, county, rank: int):
    """Add a street through the middle of the ``rank``-th largest cell, the short way across it,
    from one side of its community to the other; return the community and the cell."""
    cell = sorted(store.list_zones(county.id, kind="grid"), key=lambda z: (-z.area_m2, z.id))[rank]
    community = store.get_zone(county.id, cell.parent_id)
    minx, miny, maxx, maxy = community.geom.bounds
    centre = cell.geom.centroid
    cx0, cy0, cx1, cy1 = cell.geom.bounds
    across = LineString([(centre.x, miny - 1e-3), (centre.x, maxy + 1e-3)])
    if cy1 - cy0 > cx1 - cx0:
        across = LineString([(minx - 1e-3, centre.y), (maxx + 1e-3, centre.y)])
    parts = shapely.get_parts(shapely.intersection(across, community.geom))
    street = min(parts, key=lambda line: line.distance(centre))
    store.add_segments([Segment(county.id, "新开路", street, "residential")])
    return community, cell


def test_the_tiling_check_measures_an_overlap_and_ignores_touching_neighbours():
    whole = box(0, 0, 200, 100)
    touching = [box(0, 0, 100, 100), box(100, 0, 200, 100)]
    assert gs.check_tiling(touching, whole).max_overlap_m2 == 0.0
    overlapping = [box(0, 0, 103, 100), box(100, 0, 200, 100)]
    check = gs.check_tiling(overlapping, whole)
    assert check.max_overlap_m2 == pytest.approx(300.0) and check.area_diff_pct == 0.0
