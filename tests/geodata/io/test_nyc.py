"""The real point-in-polygon case with a known answer: NYC precincts and injury collisions."""

from __future__ import annotations

from datetime import UTC, datetime

import geopandas as gpd
import pytest

from geodata.assignments.routing import route_points
from geodata.io.imports import create_county, import_zones


@pytest.fixture(scope="module")
def collisions(shared_data):
    return gpd.read_file(shared_data / "nyc" / "nyc-injurious-collisions.geojson")


def _precinct_of_each_point(store, shared_data, collisions):
    county = create_county(store, "999001", "New York City (test data)")
    summary = import_zones(
        store, county.code, shared_data / "nyc" / "nyc-police-precincts.geojson", "community", "precinct"
    )
    assert summary.stored == 77
    county = store.get_county(county.code)
    names = {z.id: z.name for z in store.list_zones(county.id)}
    points = list(collisions.geometry.values)
    zone_ids = store.zones_at(county.id, points)
    # The single-report path gives the same answer as the bulk lookup.
    routes = route_points(store, county.id, points[:200], [datetime(2026, 1, 1, tzinfo=UTC)] * 200)
    assert [r.zone_id for r in routes] == zone_ids[:200]
    return [names.get(z) for z in zone_ids], summary


def test_nyc_collisions_fall_in_the_same_precincts_on_both_backends(both_stores, shared_data, collisions):
    answers = [_precinct_of_each_point(s, shared_data, collisions) for s in both_stores]
    (lite, lite_summary), (pg, _) = answers
    assert len(lite) == 20_644
    assert sum(p is not None for p in lite) == 20_631
    assert lite == pg
    # Two precincts are invalid as published; their repair keeps the polygonal part.
    assert len(lite_summary.repaired) == 2
