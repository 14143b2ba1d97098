"""The store contract, continued: which incidents the list filters pick, and counting them
grouped (both backends: every test takes ``store``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import Point, box

from geodata.model import Incident, Zone
from tests.support.contract import MARCH, T0


def test_incidents_filtered_by_when_they_were_closed(store, world, county):
    """Closed in [closed_since, closed_until): a closed case's last update is its closing; a case
    in another state is never counted, whenever it changed; the zone filter takes in the cells."""
    community = world["community"].id
    (cell,) = store.add_zones([Zone(county.id, "grid", "001002", "香蜜湖2号网格", box(114.01, 22.5, 114.02, 22.51),
                                    parent_id=community)])  # fmt: skip
    cell = cell.id
    feb = datetime(2026, 2, 1, tzinfo=UTC)

    def case(zone_id, status, updated_at, **extra):
        return Incident(county.id, "parking", Point(114.004, 22.504), feb - timedelta(days=3), status,
                        zone_id=zone_id, updated_at=updated_at, **extra)  # fmt: skip

    store.add_incidents(
        [case(community, "closed", feb),  # the first instant counts
         case(cell, "closed", feb + timedelta(days=20)),
         case(community, "closed", MARCH),  # the end is excluded
         case(community, "handled", feb + timedelta(days=5)),
         case(None, "closed", feb + timedelta(days=9))]
    )  # fmt: skip
    first = store.list_incidents(county.id)[0].id
    store.add_incidents([case(cell, "closed", feb + timedelta(days=2), duplicate_of=first)])
    window = {"closed_since": feb, "closed_until": MARCH}
    assert store.count_incidents(county.id, zone_id=community, duplicates=False, **window) == 2
    assert store.count_incidents(county.id, zone_id=community, **window) == 3
    assert store.count_incidents(county.id, zone_id=cell, duplicates=False, **window) == 1
    assert store.count_incidents(county.id, duplicates=False, **window) == 3
    assert store.count_incidents(county.id, closed_since=MARCH) == 1
    assert {i.status for i in store.list_incidents(county.id, closed_until=MARCH)} == {"closed"}


def test_incidents_filtered_by_source(store, world, county):
    """Residents' cases (source 'public') apart from inspectors' and API clients'."""
    store.add_incidents(
        [Incident(county.id, "parking", Point(114.004, 22.504), T0 + timedelta(hours=h), source=source)
         for h, source in enumerate(("inspector", "public", "api", "public"))]
    )  # fmt: skip
    public = store.list_incidents(county.id, source="public", newest_first=True)
    assert [i.reported_at for i in public] == [T0 + timedelta(hours=3), T0 + timedelta(hours=1)]
    assert store.count_incidents(county.id, source="api") == 1
    assert store.count_incidents(county.id) == 4


def test_incident_counts_group_by_month_category_unit_and_flags(store, world, county):
    """Months in the county's clock (UTC+8): 16:30 UTC on 31 January is 1 February there."""
    unit = world["city"].id
    late_jan = datetime(2026, 1, 31, 16, 30, tzinfo=UTC)
    store.add_incidents(
        [Incident(county.id, "parking", Point(114.004, 22.504), late_jan, "dispatched", unit_id=unit,
                  deadline_at=late_jan + timedelta(hours=2)),
         Incident(county.id, "parking", Point(114.004, 22.504), T0, "closed", unit_id=unit, rework=1),
         Incident(county.id, "posters", Point(114.004, 22.504), T0, "dispatched")]
    )  # fmt: skip
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert store.incident_counts(county.id, ("month", "category"), now) == [
        ("2026-01", "parking", 1), ("2026-01", "posters", 1), ("2026-02", "parking", 1),
    ]  # fmt: skip
    assert store.incident_counts(county.id, ("unit_id", "overdue"), now, category="parking") == [
        (unit, 0, 1),
        (unit, 1, 1),
    ]
    assert store.incident_counts(county.id, ("reworked",), now) == [(0, 2), (1, 1)]
    assert store.incident_counts(county.id, (), now, status="open") == [(2,)]
    with pytest.raises(ValueError, match="cannot group incidents by"):
        store.incident_counts(county.id, ("colour",), now)


def test_public_only_leaves_out_internal_categories(store, county):
    """``public_only`` keeps the cases of public categories (the OGC API's and Open311's public
    subset), in the list, its pages and the count, with the other filters."""
    at = datetime(2026, 2, 1, tzinfo=UTC)
    store.add_incidents(
        [Incident(county.id, category, Point(114.004, 22.504), at + timedelta(hours=i))
         for i, category in enumerate(("parking", "staff_conduct", "posters", "staff_conduct", "parking"))]
    )  # fmt: skip
    public = store.list_incidents(county.id, public_only=True)
    assert [c.category for c in public] == ["parking", "posters", "parking"]
    assert store.count_incidents(county.id, public_only=True) == 3
    assert store.count_incidents(county.id) == 5
    assert [c.id for c in store.list_incidents(county.id, limit=2, offset=1, public_only=True)] == [
        c.id for c in public[1:3]
    ]
    assert store.count_incidents(county.id, public_only=True, category="staff_conduct") == 0
    assert store.count_incidents(county.id, public_only=True, since=at + timedelta(hours=1)) == 2
