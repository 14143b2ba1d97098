"""The same workload on SQLite and on PostGIS must give the same answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geodata.model import Assignment, County, Segment, Unit, Zone
from geodata.routing import route_points

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def futian(shared_data):
    return gpd.read_file(shared_data / "futian" / "futian_roads.geojson")


def _load(store, roads: gpd.GeoDataFrame, rng_seed: int = 7):
    """Real Futian streets, a 4×4 grid of communities, leads on half the streets, some reassigned."""
    county = store.add_county(County("440304", "福田示范区", extent=box(*roads.total_bounds)))
    units = store.add_units([Unit(county.id, f"U{i:02d}", f"单位{i}") for i in range(6)])
    segments = store.add_segments(
        [
            Segment(county.id, r.name if isinstance(r.name, str) else "", r.geometry, str(r.highway))
            for r in roads.itertuples()
        ]
    )
    minx, miny, maxx, maxy = roads.total_bounds
    xs, ys = np.linspace(minx, maxx, 5), np.linspace(miny, maxy, 5)
    cells = [box(xs[i], ys[j], xs[i + 1], ys[j + 1]) for i in range(4) for j in range(4)]
    zones = store.add_zones(
        [Zone(county.id, "community", f"{k:03d}", f"社区{k}", g) for k, g in enumerate(cells)]
    )
    rng = np.random.default_rng(rng_seed)
    for seg in segments[::2]:
        unit = units[rng.integers(len(units))]
        store.assign(Assignment(county.id, unit.id, "segment", seg.id, "lead", T0))
    for seg in segments[::10]:
        store.assign(Assignment(county.id, units[0].id, "segment", seg.id, "lead", T0 + timedelta(days=90)))
    for zone in zones[:-2]:
        store.assign(Assignment(county.id, units[1].id, "zone", zone.id, "lead", T0))
    return county


def _points(roads, n=3000, seed=11):
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = roads.total_bounds
    pts = shapely.points(rng.uniform(minx - 0.01, maxx + 0.01, n), rng.uniform(miny - 0.01, maxy + 0.01, n))
    times = [T0 + timedelta(days=int(d)) for d in rng.integers(-30, 200, n)]
    return list(pts), times


def test_same_answers_on_both_backends(both_stores, futian):
    answers = []
    points, times = _points(futian)
    for store in both_stores:
        county = _load(store, futian)
        answers.append(
            {
                "zones": store.zones_at(county.id, points),
                "nearest": store.nearest_segments(county.id, points, 30.0),
                "routes": route_points(store, county.id, points, times),
                "length": sum(s.length_m for s in store.list_segments(county.id)),
            }
        )
    lite, pg = answers
    assert lite["zones"] == pg["zones"]
    assert sum(z is not None for z in lite["zones"]) > 1000  # the workload really exercises the lookup
    assert [n and n[0] for n in lite["nearest"]] == [n and n[0] for n in pg["nearest"]]
    assert sum(n is not None for n in lite["nearest"]) > 300
    for a, b in zip(lite["nearest"], pg["nearest"], strict=True):
        if a is not None:
            assert a[1] == pytest.approx(b[1], abs=0.01)
    assert [(r.zone_id, r.segment_id, r.unit_id) for r in lite["routes"]] == [
        (r.zone_id, r.segment_id, r.unit_id) for r in pg["routes"]
    ]
    assert len({r.unit_id for r in lite["routes"]}) >= 4
    assert lite["length"] == pytest.approx(pg["length"], rel=1e-9)
