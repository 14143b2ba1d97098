"""Monthly scores against a county small enough to compute by hand, on both backends.

A 1 km road 红荔路 is led by 城管 (A) from August and by 交警 (B) from 16 September; a 10 ha
community is led by its committee (C). September (30 days):

    红荔路   inspections 90, 80 → 85;  2 incidents / 1 km × 2.0 = 4   → 81
    社区     inspection 95;             5 incidents / 10 ha × 1.0 = 0.5 → 94.5
    A: 81 (half the month, weight 0.5)   B: 81 (the other half)   C: 94.5 (weight 0.1 × 10 ha)

so C is first (grade A), A and B share second place (grade B). In August 红荔路 scored 70 with no
incidents, so A's change is +11 and B, new to the road, has none.
"""

from __future__ import annotations

from datetime import date

import pytest
import shapely
from shapely.geometry import LineString

from geodata.assignments import day_start
from geodata.geometry import from_metric, to_metric, utm_epsg_for
from geodata.model import Assignment, County, Incident, Inspection, Segment, Unit, Zone
from geodata.routing import add_routed_incidents
from layers.scores import exposure_list, month_scores

ORIGIN = (114.05, 22.55)
EPSG = utm_epsg_for(*ORIGIN)
AUG, MID_SEP = day_start(date(2026, 8, 1)), day_start(date(2026, 9, 16))


def _at(x: float, y: float):
    """A lon/lat point ``x``, ``y`` metres east and north of ORIGIN."""
    x0, y0 = shapely.get_coordinates(to_metric(shapely.Point(ORIGIN), EPSG))[0]
    return from_metric(shapely.Point(x0 + x, y0 + y), EPSG)


@pytest.fixture
def county(store):
    x0, y0 = shapely.get_coordinates(to_metric(shapely.Point(ORIGIN), EPSG))[0]
    extent = from_metric(shapely.box(x0 - 500, y0 - 500, x0 + 1500, y0 + 1500), EPSG)
    c = store.add_county(County("990005", "评分县", extent=extent, utm_epsg=EPSG))
    a, b, cc = store.add_units(
        [Unit(c.id, "A", "城管"), Unit(c.id, "B", "交警"), Unit(c.id, "C", "社区居委会", "community")]
    )
    (road,) = store.add_segments([Segment(c.id, "红荔路", LineString([_at(0, 0), _at(1000, 0)]))])
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
    on_road = [Incident(c.id, "parking", _at(100 + 300 * k, 3), sep) for k in range(2)]
    in_zone = [Incident(c.id, "sanitation", _at(100, 400 + 20 * k), sep) for k in range(5)]
    not_counted = [
        Incident(c.id, "parking", _at(700, 3), sep, status="rejected"),
        Incident(c.id, "parking", _at(101, 3), sep, duplicate_of=None),  # made a duplicate below
    ]
    add_routed_incidents(store, on_road + in_zone + not_counted)
    last = store.list_incidents(c.id)[-1]
    store.update_incident(Incident(**{**vars(last), "duplicate_of": store.list_incidents(c.id)[0].id}))
    return c


def test_scores_by_hand_with_a_mid_month_reassignment(store, county):
    assert store.list_segments(county.id)[0].length_m == pytest.approx(1000, abs=0.01)
    assert store.list_zones(county.id)[0].area_m2 == pytest.approx(100_000, rel=1e-4)
    sep = month_scores(store, county, "2026-09")
    road = next(t for t in sep.targets.values() if t.kind == "segment")
    zone = next(t for t in sep.targets.values() if t.kind == "zone")
    assert (road.inspections, road.mean, road.incidents) == (2, 85.0, 2)
    assert road.penalty == pytest.approx(4.0, abs=1e-3) and road.score == pytest.approx(81.0, abs=0.01)
    assert (zone.incidents, zone.score) == (5, pytest.approx(94.5, abs=0.01))
    units = {u.code: u for u in sep.units}
    assert [(u.code, u.score, u.grade, u.rank) for u in sep.units] == [
        ("C", 94.5, "A", 1), ("A", 81.0, "B", 2), ("B", 81.0, "B", 2),
    ]  # fmt: skip
    assert units["A"].weight == pytest.approx(0.5, abs=1e-3)  # 1 km for 15 of 30 days
    assert units["C"].weight == pytest.approx(1.0, abs=1e-3)  # 10 ha × 0.1
    assert (units["A"].previous, units["A"].change) == (70.0, 11.0)
    assert (units["B"].previous, units["B"].change) == (None, None)


def test_a_month_without_inspections_scores_nobody_and_settings_change_grades(store, county):
    assert month_scores(store, county, "2026-07").units[0].score is None
    store.set_score_setting("grade_b_min", 85.0)
    grades = {u.code: u.grade for u in month_scores(store, county, "2026-09").units}
    assert grades == {"C": "A", "A": "C", "B": "C"}


def test_the_exposure_list_names_units_at_the_bottom_two_months_running(store, county):
    store.set_score_setting("exposure_bottom_n", 2)
    (exposed,) = exposure_list(store, county, "2026-09")  # B is new to the list; C is first
    assert exposed.unit.code == "A"
    assert exposed.months == [("2026-08", 70.0, "C"), ("2026-09", 81.0, "B")]
    assert [(t.name, t.score) for t in exposed.worst] == [("红荔路", 81.0)]
    store.set_score_setting("exposure_months", 1)
    assert [e.unit.code for e in exposure_list(store, county, "2026-09")] == ["A", "B"]
