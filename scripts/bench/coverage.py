"""Coverage analysis (覆盖缺口) on the demo and on a generated county; compare with shapely.

    python -m scripts.bench.coverage [--backend sqlite|postgis] [--zones 20000 --segments 50000]
                                     [--repeat 3]

For each county prints the median time of the whole report, of its store reads and of its
computation, and the median of the in-run baseline — shapely ``union_all`` of the communities and
``difference`` from the county area, i.e. gap (a) alone on geometries already in memory — with the
ratio of the two and a check that both find the same uncovered area. Goal (issue #3): the report
at 20,000 zones under 2 s on PostGIS.

The generated county is a seeded grid: square communities of 7 × 7 square cells (~100 m), streets
along every cell edge split at each crossing plus lanes across random cells, a few communities
shrunk (uncovered area) or grown (overlaps), a few posts left empty, incidents over 60 days.
"""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geodata.demo import seed_demo
from geodata.geometry import from_metric, to_metric, utm_epsg_for
from geodata.model import Assignment, County, Incident, Segment, Unit, Zone
from geodata.routing import add_routed_incidents
from geodata.store import Store, open_store
from layers.coverage import analyse, county_area, load
from layers.coverage_checks import MIN_GAP_M2
from scripts.bench.common import backend_parser, bench_database, timed

CELLS_PER_SIDE = 7  # a community is 7 × 7 cells: 49 cells + itself = 50 zones
CELL_M = 100.0
ORIGIN = (114.30, 22.60)  # lon/lat of the generated county's south-west corner
POSTS_FROM = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def main(argv=None) -> None:
    args = _parse(argv)
    with tempfile.TemporaryDirectory() as tmp, bench_database(args, Path(tmp)) as url:
        store = open_store(url)
        store.migrate()
        print(f"seeding the demo county on {args.backend} ...", flush=True)
        demo = seed_demo(store, seed=42, n_incidents=500).county
        print(f"generating a county of {args.zones:,} zones / {args.segments:,} segments ...", flush=True)
        started = time.perf_counter()
        generated = generate_county(store, args.zones, args.segments, seed=7)
        print(f"  written in {time.perf_counter() - started:.1f} s\n", flush=True)
        rows = [
            _measure("demo", store, demo, None, args.repeat),
            _measure("generated", store, generated, NOW, args.repeat),
        ]
        store.close()
    print(f"backend {args.backend}, {args.repeat} runs each, medians in seconds\n")
    print(pd.DataFrame(rows).to_string(index=False))
    big = rows[1]
    print(f"\ngoal (issue #3): the report at 20,000 zones under 2 s on PostGIS; here {big['zones']:,} zones "
          f"on {args.backend}: {big['report s']:.2f} s, of which store reads {big['store reads s']:.2f} s")  # fmt: skip


def _parse(argv):
    p = backend_parser(__doc__.splitlines()[0])
    p.add_argument("--zones", type=int, default=20_000)
    p.add_argument("--segments", type=int, default=50_000)
    return p.parse_args(argv)


# -- measuring ---------------------------------------------------------------------------------
def _measure(label: str, store: Store, county: County, now: datetime | None, repeat: int) -> dict:
    """Time the report, its two halves and the baseline; check they agree on gap (a)."""
    report_s, report = timed(lambda: analyse(load(store, county, now=now)), repeat)
    load_s, data = timed(lambda: load(store, county, now=now), repeat)
    analyse_s, _ = timed(lambda: analyse(data), repeat)
    communities = [z.geom for z in data.zones if z.kind == "community"]
    area, _ = county_area(county)
    base_s, base_m2 = timed(lambda: _baseline(area, communities, county.utm_epsg), repeat)
    report_med, base_med = statistics.median(report_s), statistics.median(base_s)
    same = math.isclose(report.uncovered_m2, base_m2, rel_tol=1e-9, abs_tol=1e-6)
    return {
        "county": label,
        "zones": len(data.zones),
        "segments": len(data.segments),
        "report s": round(report_med, 3),
        "store reads s": round(statistics.median(load_s), 3),
        "analysis s": round(statistics.median(analyse_s), 3),
        "union+difference s": round(base_med, 3),
        "ratio report/baseline": round(report_med / base_med, 1) if base_med else None,
        "uncovered m²": round(report.uncovered_m2, 1),
        "same uncovered": "yes" if same else f"NO (baseline {base_m2:,.1f})",
        "unguarded zones": len(report.unguarded_zones),
        "unguarded segs": len(report.unguarded_segments),
        "unguarded km": round(report.unguarded_km, 2),
        "overlaps": len(report.overlaps),
        "warnings": len(report.warnings),
        "unrouted": len(report.unrouted_incidents),
    }


def _baseline(area, communities: list, epsg: int) -> float:
    """Gap (a) the plain way: one union, one difference, areas in metres."""
    rest = shapely.difference(area, shapely.union_all(communities))
    areas = shapely.area(to_metric(shapely.get_parts(rest), epsg))
    return float(areas[areas >= MIN_GAP_M2].sum())


# -- the generated county ----------------------------------------------------------------------
def generate_county(store: Store, n_zones: int, n_segments: int, seed: int) -> County:
    """Write a seeded grid county of about ``n_zones`` zones and exactly ``n_segments`` segments."""
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
        communities, cells = _zones(store, county, n_comm, side, (x0, y0), rng)
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


def _zones(store, county, n_comm, side, origin, rng):
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

    def lead(unit, kind, target):
        store.assign(Assignment(county.id, unit.id, kind, target.id, "lead", POSTS_FROM))

    index = {c.id: i for i, c in enumerate(communities)}
    for i, c in enumerate(communities):
        if rng.random() >= 0.01:
            lead(committees[i], "zone", c)
    for cell in cells:
        if rng.random() >= 0.03:
            lead(committees[index[cell.parent_id]], "zone", cell)
    for s in segments:
        if rng.random() < 0.05:
            continue
        owner = lane_owner.get(s.id, len(committees))  # a lane where no community was drawn: a bureau
        lead(
            committees[owner] if owner < len(committees) else bureaus[rng.integers(len(bureaus))],
            "segment",
            s,
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


if __name__ == "__main__":
    main()
