"""The notification tests' county: two communities and a road (tests/support/places.py), the
traffic police (JJ) leading the road, on each backend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from shapely.geometry import LineString, box

from geodata.model import County
from tests.support.places import two_communities_and_a_road

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def county(store):
    c = store.add_county(
        County("440304", "福田示范区", extent=box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650)
    )
    two_communities_and_a_road(store, c, LineString([(114.002, 22.51), (114.006, 22.51)]), since=T0)
    return c
