"""The layers' fixtures: ``scored_county``, a county small enough to score by hand.

A 1 km road 红荔路 is led by 城管 (A) from August and by 交警 (B) from 16 September; a 10 ha
community is led by its committee (C). September (30 days):

    红荔路   inspections 90, 80 → 85;  2 incidents / 1 km × 2.0 = 4   → 81
    社区     inspection 95;             5 incidents / 10 ha × 1.0 = 0.5 → 94.5
    A: 81 (half the month, weight 0.5)   B: 81 (the other half)   C: 94.5 (weight 0.1 × 10 ha)

In August 红荔路 scored 70 with no incidents. Not counted: a rejected report and a duplicate.
"""

from __future__ import annotations

from datetime import date

import pytest
import shapely
from shapely.geometry import LineString

from geodata.assignments.postings import day_start
from geodata.assignments.routing import add_routed_incidents
from geodata.geo.geometry import from_metric, to_metric
from geodata.model import Assignment, County, Incident, Inspection, Segment, Unit, Zone
from tests.support.layers import EPSG, ORIGIN, at

AUG, MID_SEP = day_start(date(2026, 8, 1)), day_start(date(2026, 9, 16))


@pytest.fixture
def scored_county(store):
    x0, y0 = shapely.get_coordinates(to_metric(shapely.Point(ORIGIN), EPSG))[0]
    extent = from_metric(shapely.box(x0 - 500, y0 - 500, x0 + 1500, y0 + 1500), EPSG)
    c = store.add_county(County("990005", "评分县", extent=extent, utm_epsg=EPSG))
    a, b, cc = store.add_units(
        [Unit(c.id, "A", "城管"), Unit(c.id, "B", "交警"), Unit(c.id, "C", "社区居委会", "community")]
    )
    (road,) = store.add_segments([Segment(c.id, "红荔路", LineString([at(0, 0), at(1000, 0)]))])
    square = from_metric(shapely.box(x0, y0 + 200, x0 + 200, y0 + 700), EPSG)  # 200 m × 500 m
    (zone,) = store.add_zones([Zone(c.id, "community", "001", "社区", square)])
    store.assign_many(
        [Assignment(c.id, a.id, "segment", road.id, "lead", AUG),
         Assignment(c.id, cc.id, "zone", zone.id, "lead", AUG)]
    )  # fmt: skip
    store.assign(Assignment(c.id, b.id, "segment", road.id, "lead", MID_SEP))
    sep = day_start(date(2026, 9, 10))
    store.add_inspections(
        [Inspection(c.id, "segment", road.id, "督查", "patrol", sep, 90.0),
         Inspection(c.id, "segment", road.id, "人大", "npc", sep, 80.0),
         Inspection(c.id, "zone", zone.id, "督查", "patrol", sep, 95.0),
         Inspection(c.id, "segment", road.id, "督查", "patrol", day_start(date(2026, 8, 20)), 70.0)]
    )  # fmt: skip
    on_road = [Incident(c.id, "parking", at(100 + 300 * k, 3), sep) for k in range(2)]
    in_zone = [Incident(c.id, "sanitation", at(100, 400 + 20 * k), sep) for k in range(5)]
    not_counted = [
        Incident(c.id, "parking", at(700, 3), sep, status="rejected"),
        Incident(c.id, "parking", at(101, 3), sep, duplicate_of=None),  # made a duplicate below
    ]
    add_routed_incidents(store, on_road + in_zone + not_counted)
    last = store.list_incidents(c.id)[-1]
    store.update_incident(Incident(**{**vars(last), "duplicate_of": store.list_incidents(c.id)[0].id}))
    return c
