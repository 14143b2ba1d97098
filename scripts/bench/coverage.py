"""Coverage analysis (覆盖缺口) on the demo and on a generated county; compare with shapely.

    python -m scripts.bench.coverage [--backend sqlite|postgis] [--zones 20000 --segments 50000]
                                     [--repeat 3]

For each county prints the median time of the whole report, of its store reads and of its
computation, and the median of the in-run baseline — shapely ``union_all`` of the communities and
``difference`` from the county area, i.e. gap (a) alone on geometries already in memory — with the
ratio of the two and a check that both find the same uncovered area. Goal (issue #3): the report
at 20,000 zones under 2 s on PostGIS.

The generated county is described in ``scripts.bench.generated``.
"""

from __future__ import annotations

import math
import statistics
import time
from datetime import datetime

import pandas as pd
import shapely

from geodata.geo.geometry import to_metric
from geodata.model import County
from geodata.stores.store import Store
from layers.coverage import analyse, county_area, load
from layers.coverage_checks import MIN_GAP_M2
from scripts.bench.common import backend_parser, seeded_demo, timed
from scripts.bench.generated import NOW, generate_county


def main(argv=None) -> None:
    args = _parse(argv)
    with seeded_demo(args, n_incidents=500) as (store, demo):
        print(f"generating a county of {args.zones:,} zones / {args.segments:,} segments ...", flush=True)
        started = time.perf_counter()
        generated = generate_county(store, args.zones, args.segments, seed=7)
        print(f"  written in {time.perf_counter() - started:.1f} s\n", flush=True)
        rows = [
            _measure("demo", store, demo, None, args.repeat),
            _measure("generated", store, generated, NOW, args.repeat),
        ]
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


if __name__ == "__main__":
    main()
