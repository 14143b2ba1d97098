"""The same workload on SQLite and on PostGIS must give the same answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geodata.assignments.routing import route_points
from geodata.model import Assignment, County, Segment, Unit, Zone

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


def _keys(store, county):
    """Ids differ between databases (sequences outlive rolled-back tests): compare stable keys."""
    zones = {z.id: z.code for z in store.list_zones(county.id)}
    segments = {s.id: n for n, s in enumerate(store.list_segments(county.id))}
    units = {u.id: u.code for u in store.list_units(county.id)}
    return zones, segments, units


def _answers(store, roads, points, times) -> dict:
    county = _load(store, roads)
    zones, segments, units = _keys(store, county)
    nearest = store.nearest_segments(county.id, points, 30.0)
    return {
        "zones": [zones.get(z) for z in store.zones_at(county.id, points)],
        "nearest": [n and segments[n[0]] for n in nearest],
        "distance_m": [n and n[1] for n in nearest],
        "routes": [
            (zones.get(r.zone_id), segments.get(r.segment_id), units.get(r.unit_id))
            for r in route_points(store, county.id, points, times)
        ],
        "length": sum(s.length_m for s in store.list_segments(county.id)),
    }


def test_same_answers_on_both_backends(both_stores, futian):
    points, times = _points(futian)
    lite, pg = (_answers(store, futian, points, times) for store in both_stores)
    assert lite["zones"] == pg["zones"]
    assert sum(z is not None for z in lite["zones"]) > 1000  # the workload really exercises the lookup
    assert lite["nearest"] == pg["nearest"]
    assert sum(n is not None for n in lite["nearest"]) > 300
    for a, b in zip(lite["distance_m"], pg["distance_m"], strict=True):
        assert (a is None and b is None) or a == pytest.approx(b, abs=0.01)
    assert lite["routes"] == pg["routes"]
    assert len({unit for _, _, unit in lite["routes"]}) >= 4
    assert lite["length"] == pytest.approx(pg["length"], rel=1e-9)
