"""Route random points into the demo county's zones and segments; compare with geopandas.

    python -m scripts.bench.route [--points 1000000] [--backend sqlite|postgis] [--repeat 3]

Prints points/s for the zone lookup and the nearest-segment lookup of the store, the same for
geopandas ``sjoin`` / ``sjoin_nearest`` run in this process on the same data, their ratios, and a
check that the answers are identical.
"""

from __future__ import annotations

import statistics

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.geo.geometry import to_metric
from geodata.model import ZONE_FINENESS
from scripts.bench.common import backend_parser, seeded_demo, timed

MAX_M = 30.0


def main(argv=None) -> None:
    args = _parse(argv)
    with seeded_demo(args, n_incidents=1000) as (store, county):
        points = _random_points(store, county, args.points)
        print(f"{args.points:,} points, {args.repeat} runs each, backend {args.backend}\n")
        zones_gdf, segs_gdf = _frames(store, county)
        rows = [
            _compare(
                "point → zone",
                lambda: store.zones_at(county.id, points),
                lambda: _sjoin_zone(points, zones_gdf),
                args,
            ),
            _compare(
                "point → nearest segment",
                lambda: [n and n[0] for n in store.nearest_segments(county.id, points, MAX_M)],
                lambda: _sjoin_nearest(points, segs_gdf, county.utm_epsg or store.county_epsg(county.id)),
                args,
            ),
        ]
    print(pd.DataFrame(rows).to_string(index=False))


def _parse(argv):
    p = backend_parser(__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=1_000_000)
    return p.parse_args(argv)


def _random_points(store, county, n: int) -> np.ndarray:
    """Half near streets (where routing matters), half anywhere in the extent; seeded."""
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = county.extent.bounds
    lines = shapely.line_merge(shapely.union_all([s.geom for s in store.list_segments(county.id)]))
    near = shapely.line_interpolate_point(lines, rng.uniform(0, 1, n // 2), normalized=True)
    near = shapely.get_coordinates(near) + rng.normal(0, 0.0002, (n // 2, 2))
    anywhere = np.column_stack([rng.uniform(minx, maxx, n - n // 2), rng.uniform(miny, maxy, n - n // 2)])
    return shapely.points(np.vstack([near, anywhere]))


def _frames(store, county):
    zones = store.list_zones(county.id)
    segs = store.list_segments(county.id)
    zones_gdf = gpd.GeoDataFrame(
        {"zone_id": [z.id for z in zones], "fine": [(ZONE_FINENESS[z.kind], z.area_m2, z.id) for z in zones]},
        geometry=[z.geom for z in zones],
        crs=4326,
    )
    segs_gdf = gpd.GeoDataFrame(
        {"segment_id": [s.id for s in segs]}, geometry=[s.geom for s in segs], crs=4326
    )
    return zones_gdf, segs_gdf


def _sjoin_zone(points, zones_gdf) -> list:
    pts = gpd.GeoDataFrame(geometry=points, crs=4326)
    joined = gpd.sjoin(pts, zones_gdf, predicate="intersects", how="left")
    joined = joined.sort_values(
        "fine",
        key=lambda s: s.map(lambda v: v if isinstance(v, tuple) else (max(ZONE_FINENESS.values()) + 1,)),
    )
    first = joined[~joined.index.duplicated(keep="first")].sort_index()
    return [None if pd.isna(v) else int(v) for v in first.zone_id]


def _sjoin_nearest(points, segs_gdf, epsg: int) -> list:
    pts = gpd.GeoDataFrame(geometry=to_metric(points, epsg), crs=epsg)
    segs = segs_gdf.set_geometry(to_metric(segs_gdf.geometry.values, epsg), crs=epsg)
    joined = gpd.sjoin_nearest(pts, segs, max_distance=MAX_M, how="left")
    best = joined.groupby(level=0).segment_id.min().reindex(range(len(points)))
    return [None if pd.isna(v) else int(v) for v in best]


def _compare(name, ours, baseline, args) -> dict:
    our_s, our_answer = timed(ours, args.repeat)
    base_s, base_answer = timed(baseline, args.repeat)
    same = our_answer == base_answer
    differing = sum(a != b for a, b in zip(our_answer, base_answer, strict=True))
    return {
        "lookup": name,
        "store median s": round(statistics.median(our_s), 3),
        "store points/s": f"{args.points / statistics.median(our_s):,.0f}",
        "geopandas median s": round(statistics.median(base_s), 3),
        "geopandas points/s": f"{args.points / statistics.median(base_s):,.0f}",
        "ratio (store/geopandas speed)": round(statistics.median(base_s) / statistics.median(our_s), 2),
        "identical answers": "yes" if same else f"NO ({differing} differ)",
    }


if __name__ == "__main__":
    main()
