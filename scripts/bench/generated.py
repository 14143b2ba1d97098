"""A generated county for the benchmarks: big, seeded, and shaped like a real one.

Square communities of 7 × 7 square cells (~100 m), streets along every cell edge split at each
crossing plus lanes across random cells, a few communities shrunk (uncovered area) or grown
(overlaps), a few posts left empty, incidents over the 60 days before ``NOW``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import shapely

from geodata.assignments.routing import add_routed_incidents
from geodata.geo.geometry import from_metric, to_metric, utm_epsg_for
from geodata.model import Assignment, County, Incident, Segment, Unit, Zone
from geodata.stores.store import Store

CELLS_PER_SIDE = 7  # a community is 7 × 7 cells: 49 cells + itself = 50 zones
CELL_M = 100.0
ORIGIN = (114.30, 22.60)  # lon/lat of the generated county's south-west corner
POSTS_FROM = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def generate_county(store: Store, n_zones: int, n_segments: int, seed: int, cells: bool = True) -> County:
    """Write a seeded grid county of about ``n_zones`` zones and exactly ``n_segments`` segments;
    without ``cells``, only its communities (as many as with them), for ``make_grid`` to split."""
    rng = np.random.default_rng(seed)
    n_comm = max(1, n_zones // (CELLS_PER_SIDE**2 + 1))
    side = math.ceil(math.sqrt(n_comm))
    epsg = utm_epsg_for(*ORIGIN)
    x0, y0 = shapely.get_coordinates(to_metric(shapely.Point(ORIGIN), epsg))[0]
    span = side * CELLS_PER_SIDE * CELL_M
    boundary = from_metric(shapely.box(x0, y0, x0 + span, y0 + span), epsg)
    with store.transaction():
        county = store.add_county(
            County("990777", "生成县", extent=boundary, boundary=boundary, utm_epsg=epsg)
        )
        committees, bureaus = _units(store, county, n_comm, rng)
        communities, cells = _zones(store, county, n_comm, side, (x0, y0), rng, cells)
        segments, lane_owner = _segments(store, county, side, (x0, y0), n_segments, rng)
        _posts(store, county, communities, cells, segments, lane_owner, committees, bureaus, rng)
        _incidents(store, county, boundary, rng)
    return store.get_county("990777")


def _units(store, county, n_comm, rng):
    committees = store.add_units(
        [Unit(county.id, f"JWH{i:04d}", f"第{i + 1}社区居委会", "community") for i in range(n_comm)]
    )
    bureaus = store.add_units([Unit(county.id, f"BU{i:02d}", f"县直单位{i + 1}") for i in range(20)])
    return committees, bureaus


def _zones(store, county, n_comm, side, origin, rng, with_cells):
    """Communities (2 % shrunk by 20 m, 1 % grown by 10 m) and their cells."""
    x0, y0 = origin
    size = CELLS_PER_SIDE * CELL_M
    cx, cy = np.divmod(np.arange(n_comm), side)
    squares = shapely.box(x0 + cx * size, y0 + cy * size, x0 + (cx + 1) * size, y0 + (cy + 1) * size)
    change = rng.random(n_comm)
    squares = np.where(change < 0.02, shapely.buffer(squares, -20.0, join_style="mitre"), squares)
    squares = np.where(change > 0.99, shapely.buffer(squares, 10.0, join_style="mitre"), squares)
    polys = from_metric(squares, county.utm_epsg)
    communities = store.add_zones(
        [Zone(county.id, "community", f"C{i:05d}", f"第{i + 1}社区", g) for i, g in enumerate(polys)]
    )
    if not with_cells:
        return communities, []
    k = np.arange(CELLS_PER_SIDE**2)
    kx, ky = np.divmod(k, CELLS_PER_SIDE)
    cells = []
    for i, c in enumerate(communities):
        ox, oy = x0 + cx[i] * size, y0 + cy[i] * size
        boxes = from_metric(
            shapely.box(ox + kx * CELL_M, oy + ky * CELL_M, ox + (kx + 1) * CELL_M, oy + (ky + 1) * CELL_M),
            county.utm_epsg,
        )
        cells += [
            Zone(county.id, "grid", f"C{i:05d}G{j:02d}", f"第{i + 1}社区{j + 1}号网格", g, parent_id=c.id)
            for j, g in enumerate(boxes)
        ]
    return communities, store.add_zones(cells)


def _segments(store, county, side, origin, n_segments, rng):
    """Streets on the cell edges, split at every crossing, then lanes across random cells; each
    lane remembers the community it crosses."""
    x0, y0 = origin
    n = side * CELLS_PER_SIDE
    i, j = np.meshgrid(np.arange(n), np.arange(n + 1), indexing="ij")
    i, j = i.ravel(), j.ravel()
    horizontal = shapely.linestrings(np.stack([
        np.column_stack([x0 + i * CELL_M, y0 + j * CELL_M]), np.column_stack([x0 + (i + 1) * CELL_M, y0 + j * CELL_M])
    ], axis=1))  # fmt: skip
    vertical = shapely.linestrings(np.stack([
        np.column_stack([x0 + j * CELL_M, y0 + i * CELL_M]), np.column_stack([x0 + j * CELL_M, y0 + (i + 1) * CELL_M])
    ], axis=1))  # fmt: skip
    lines = np.concatenate([horizontal, vertical])[:n_segments]
    n_lanes = max(0, n_segments - len(lines))
    lane_cells = rng.choice(n * n, size=n_lanes, replace=n_lanes > n * n)
    lx, ly = np.divmod(lane_cells, n)
    lanes = shapely.linestrings(np.stack([
        np.column_stack([x0 + lx * CELL_M + 10, y0 + (ly + 0.5) * CELL_M]),
        np.column_stack([x0 + (lx + 1) * CELL_M - 10, y0 + (ly + 0.5) * CELL_M]),
    ], axis=1))  # fmt: skip
    lane_owner = (lx // CELLS_PER_SIDE) * side + ly // CELLS_PER_SIDE
    geoms = from_metric(np.concatenate([lines, lanes]), county.utm_epsg)
    names = [f"{k % 97 + 1}号路" for k in range(len(lines))] + [""] * n_lanes
    segments = store.add_segments([Segment(county.id, name, g) for name, g in zip(names, geoms, strict=True)])
    return segments, dict(zip((s.id for s in segments[len(lines) :]), lane_owner.tolist(), strict=True))


def _posts(store, county, communities, cells, segments, lane_owner, committees, bureaus, rng):
    """Committees lead their community and cells, bureaus the streets, committees their lanes;
    1 % of communities, 3 % of cells and 5 % of segments are left without a lead."""

    index = {c.id: i for i, c in enumerate(communities)}
    posts = [(committees[i], "zone", c) for i, c in enumerate(communities) if rng.random() >= 0.01]
    posts += [(committees[index[cell.parent_id]], "zone", cell) for cell in cells if rng.random() >= 0.03]
    for s in segments:
        if rng.random() < 0.05:
            continue
        owner = lane_owner.get(s.id, len(committees))  # a lane where no community was drawn: a bureau
        unit = committees[owner] if owner < len(committees) else bureaus[rng.integers(len(bureaus))]
        posts.append((unit, "segment", s))
    store.assign_many(
        [Assignment(county.id, unit.id, kind, target.id, "lead", POSTS_FROM) for unit, kind, target in posts]
    )


def _incidents(store, county, boundary, rng, n: int = 20_000):
    """Incidents over the 60 days before NOW, anywhere in the county, routed as on arrival."""
    minx, miny, maxx, maxy = boundary.bounds
    points = shapely.points(rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n))
    ages = rng.uniform(0, 60 * 86400, n)
    incidents = [
        Incident(county.id, "sanitation", p, NOW - timedelta(seconds=float(a)))
        for p, a in zip(points, ages, strict=True)
    ]
    add_routed_incidents(store, incidents)
