"""Split communities into unit grid cells, on the demo and a generated county; compare with shapely.

    python -m scripts.bench.grids [--backend sqlite|postgis] [--repeat 3] [--target-m2 10000]
                                  [--zones 20000 --segments 50000]

Prints the median time of ``make_grid`` on a county without cells (everything is written), of a
re-run on unchanged input (nothing is written), and of its geometry alone (blocks, merge, split
and renoding, no store); and the median of the in-run baseline over the same communities and
streets: shapely ``polygonize`` of the clipped streets into blocks, ``union_all`` of the blocks and
``difference`` from the community (the tiling check), without merging, splitting or codes. Ratios
are ours / baseline time. Also prints the cells' area distribution and the worst tiling figures.

The generated county (``scripts.bench.generated``) is written with its communities only, so that
splitting them gives about ``--zones`` zones in all, next to ``--segments`` streets.
"""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import shapely

from geodata.geo.geometry import to_metric
from geodata.grids.make import make_grid
from geodata.grids.split import street_blocks, tile_area
from geodata.stores.store import Store
from scripts.bench.common import backend_parser, seeded_demo, timed
from scripts.bench.generated import generate_county


def main(argv=None) -> None:
    args = _parse(argv)
    with seeded_demo(args, n_incidents=500) as (store, demo):
        print(f"generating a county of {args.segments:,} segments, communities only ...", flush=True)
        generated = generate_county(store, args.zones, args.segments, seed=7, cells=False)
        for label, county in (("demo", demo), ("generated", generated)):
            _measure(label, store, county, args)


def _measure(label: str, store: Store, county, args) -> None:
    communities, streets = _metric_inputs(store, county)
    print(f"\n{label}: splitting {len(communities)} communities ...", flush=True)
    first_s, summary = _first_runs(store, county, args)
    rerun_s, rerun = timed(lambda: make_grid(store, county.code, args.target_m2), args.repeat)
    assert not rerun.written, "a re-run on unchanged input must write nothing"
    geometry_s, _ = timed(lambda: _our_geometry(communities, streets, args.target_m2), args.repeat)
    base_s, gaps_m2 = timed(lambda: _baseline(communities, streets), args.repeat)
    base = statistics.median(base_s)
    rows = [
        _row("make_grid, first run (writes every cell)", first_s, base),
        _row("make_grid, re-run (nothing to write)", rerun_s, base),
        _row("geometry only (no store)", geometry_s, base),
        _row("baseline: polygonize + union_all + difference", base_s, base),
    ]
    print(f"\n{label} county, backend {args.backend}, {len(communities)} communities, "
          f"{len(streets):,} streets, {args.repeat} runs each, medians\n")  # fmt: skip
    print(pd.DataFrame(rows).to_string(index=False))
    print()
    lines = summary.lines()
    print("\n".join(lines[:3] + lines[-1:]))
    print(f"  baseline blocks leave {gaps_m2:,.1f} m² of the communities uncovered (dangles, slivers)")


def _parse(argv):
    p = backend_parser(__doc__.splitlines()[0])
    p.add_argument("--target-m2", type=float, default=10_000)
    p.add_argument("--zones", type=int, default=20_000)
    p.add_argument("--segments", type=int, default=50_000)
    return p.parse_args(argv)


def _metric_inputs(store: Store, county) -> tuple[np.ndarray, np.ndarray]:
    """The communities and streets in the county's metric CRS, as make_grid sees them."""
    epsg = store.county_epsg(county.id)
    zones = np.asarray([z.geom for z in store.list_zones(county.id, kind="community")], dtype=object)
    lines = np.asarray([s.geom for s in store.list_segments(county.id)], dtype=object)
    return to_metric(zones, epsg), to_metric(lines, epsg)


def _first_runs(store: Store, county, args):
    """Time make_grid on a county without cells, deleting the cells (untimed) between runs."""
    seconds, summary = [], None
    for _ in range(args.repeat):
        cells = store.list_zones(county.id, kind="grid")
        store.delete_zones(county.id, [z.id for z in cells])
        (run_s,), summary = timed(lambda: make_grid(store, county.code, args.target_m2), 1)
        seconds.append(run_s)
    return seconds, summary


def _our_geometry(communities: np.ndarray, streets: np.ndarray, target_m2: float) -> int:
    tree = shapely.STRtree(streets)
    cells = 0
    for area in communities:
        lines = streets[np.sort(tree.query(area, predicate="intersects"))]
        cells += len(tile_area(street_blocks(area, lines), target_m2))
    return cells


def _baseline(communities: np.ndarray, streets: np.ndarray) -> float:
    """Plain shapely: blocks by polygonize, their union, and what of each community they miss."""
    tree = shapely.STRtree(streets)
    missed_m2 = 0.0
    for area in communities:
        lines = shapely.intersection(streets[tree.query(area, predicate="intersects")], area)
        linework = shapely.union_all(np.append(lines, shapely.boundary(area)))
        blocks = shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))
        missed_m2 += shapely.difference(area, shapely.union_all(blocks)).area
    return missed_m2


def _row(name: str, seconds: list[float], base_s: float) -> dict:
    median = statistics.median(seconds)
    return {
        "what": name,
        "median s": round(median, 3),
        "ratio to baseline (time)": round(median / base_s, 1),
    }


if __name__ == "__main__":
    main()
