"""The Store contract: every test runs on SQLite and on PostGIS through the public interface only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import shapely
from shapely.geometry import LineString, Point, box
from shapely.testing import assert_geometries_equal

from geodata.assignments.routing import add_routed_incidents, route_points
from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.model import (
    Assignment,
    ChangeSet,
    County,
    Incident,
    IncidentEvent,
    Inspection,
    Segment,
    Unit,
    User,
    Zone,
)
from tests.support.contract import CELL, COMMUNITY, EXTENT, MARCH, T0


def test_migrate_is_idempotent(store):
    assert store.migrate() == []
    assert store.schema_version() >= 1


def test_county_round_trip_and_errors(store, county):
    got = store.get_county("440304")
    assert (got.id, got.name) == (county.id, "福田示范区")
    assert_geometries_equal(got.extent, EXTENT, normalize=True)
    assert store.get_county_by_id(county.id).code == "440304"
    assert [c.code for c in store.list_counties()] == ["440304"]
    with pytest.raises(NotFound, match="县区 999999"):
        store.get_county("999999")
    with pytest.raises(Conflict, match="440304"):
        store.add_county(County("440304", "again"))
    store.update_county(County("440304", "福田区", county.id, EXTENT, utm_epsg=32650))
    assert store.get_county("440304").name == "福田区"


def test_units(store, world, county):
    units = store.list_units(county.id)
    assert [u.name for u in units] == ["交警大队", "城管执法局"]
    assert store.get_unit(county.id, world["police"].id).hotline == "12345"
    with pytest.raises(Conflict, match="JJ"):
        store.add_units([Unit(county.id, "JJ", "duplicate")])
    store.update_unit(Unit(county.id, "JJ", "交警一大队", id=world["police"].id))
    assert store.get_unit(county.id, world["police"].id).name == "交警一大队"
    with pytest.raises(NotFound):
        store.get_unit(county.id, 10_000)


def test_units_and_zones_by_code(store, world, county):
    assert store.get_unit_by_code(county.id, "CG").id == world["city"].id
    with pytest.raises(NotFound, match="'XX'"):
        store.get_unit_by_code(county.id, "XX")
    other = store.add_county(County("440305", "南山区", extent=EXTENT))
    with pytest.raises(NotFound):  # codes are a county's own
        store.get_unit_by_code(other.id, "CG")
    # A code is unique per kind: a courtyard may share its community's.
    (courtyard,) = store.add_zones([Zone(county.id, "courtyard", "001", "花园楼院", CELL)])
    community = store.get_zone_by_code(county.id, "community", "001")
    assert (community.id, community.name) == (world["community"].id, "香蜜湖社区")
    assert_geometries_equal(community.geom, COMMUNITY, normalize=True)
    assert store.get_zone_by_code(county.id, "courtyard", "001").id == courtyard.id
    assert store.get_zone_by_code(county.id, ("village", "courtyard"), "001").id == courtyard.id
    assert store.get_zone_by_code(county.id, None, "001").id == world["community"].id  # the lowest id
    assert store.get_zone_by_code(county.id, "grid", "001001").id == world["cell"].id
    for kind, code in (("grid", "001"), ("community", "002"), ((), "001")):
        with pytest.raises(NotFound):
            store.get_zone_by_code(county.id, kind, code)


def test_zones_store_geometry_area_and_versions(store, world, county):
    community = store.get_zone(county.id, world["community"].id)
    assert_geometries_equal(community.geom, COMMUNITY, normalize=True)
    # 0.05° × 0.05° at 22.5°N is about 5.14 km × 5.53 km.
    assert community.area_m2 == pytest.approx(28.4e6, rel=0.01)
    assert [z.code for z in store.list_zones(county.id, kind="grid")] == ["001001"]
    assert [z.code for z in store.list_zones(county.id, kind=("grid", "community"))] == ["001", "001001"]
    assert store.list_zones(county.id, kind=()) == []
    assert [z.code for z in store.list_zones(county.id, bbox=(114.02, 22.52, 114.03, 22.53))] == ["001"]
    assert store.list_zones(county.id, bbox=(114.07, 22.57, 114.08, 22.58)) == []
    # Version 1 when added, 2 once ``world`` assigned its lead (an assignment is a change of the
    # target too: issue #7 refuses edits drawn on an older version), 3 after this update.
    assert community.version == 2
    community.name = "香蜜湖社区（新）"
    updated = store.update_zone(community)
    assert (updated.name, updated.version) == ("香蜜湖社区（新）", 3)
    with pytest.raises(InvalidInput, match="区域类型"):
        store.add_zones([Zone(county.id, "block", "x", "x", CELL)])
    before = store.count(county.id, "zone")
    with pytest.raises(Conflict, match="单元网格编码 001002 在本县区已被使用"):
        store.add_zones([Zone(county.id, "grid", code, "x", CELL) for code in ("001002", "001003", "001002")])
    with pytest.raises(Conflict, match="社区编码 001 在本县区已被使用"):
        store.add_zones([Zone(county.id, "community", "001", "x", CELL)])
    assert store.count(county.id, "zone") == before  # nothing of a refused batch stays


def test_delete_zones_refuses_what_is_still_referenced(store, world, county):
    spare = store.add_zones(
        [Zone(county.id, "grid", "001002", "香蜜湖2号网格", box(114.01, 22.5, 114.02, 22.51))]
    )[0]
    with pytest.raises(Conflict, match="仍有责任分配"):
        store.delete_zones(county.id, [spare.id, world["community"].id])
    assert store.get_zone(county.id, spare.id).code == "001002"  # nothing deleted
    assert store.delete_zones(county.id, [spare.id, world["cell"].id]) == 2
    assert [z.code for z in store.list_zones(county.id)] == ["001"]
    assert store.zones_at(county.id, [Point(114.015, 22.505)]) == [world["community"].id]
    with pytest.raises(NotFound):
        store.delete_zones(county.id, [spare.id])


def test_segments_length_and_bbox(store, world, county):
    ew = store.get_segment(county.id, world["ew"].id)
    assert ew.length_m == pytest.approx(2056, rel=0.005)  # 0.02° of longitude at 22.5°N
    assert ew.highway == "primary"
    found = store.list_segments(county.id, bbox=(114.025, 22.51, 114.035, 22.515))
    assert [s.name for s in found] == ["农园路"]
    assert len(store.list_segments(county.id)) == 2
    assert (ew.version, store.get_segment(county.id, world["ns"].id).version) == (2, 1)  # ew has a lead
    moved = store.update_segment(
        Segment(county.id, "红荔路", LineString([(114.0, 22.505), (114.01, 22.505)]), id=ew.id)
    )
    assert moved.version == 3  # 1 added, 2 assigned (world), 3 moved
    assert moved.length_m == pytest.approx(ew.length_m / 2, rel=0.001)


def test_zones_at_picks_the_finest_zone(store, world, county):
    points = [Point(114.005, 22.505), Point(114.04, 22.54), Point(114.09, 22.59), Point(120, 30)]
    assert store.zones_at(county.id, points) == [world["cell"].id, world["community"].id, None, None]
    assert store.zones_at(county.id, []) == []


def test_nearest_segments_within_distance(store, world, county):
    near_ew = Point(114.01, 22.5052)  # about 22 m north of 红荔路
    far = Point(114.01, 22.506)  # about 111 m
    answers = store.nearest_segments(county.id, [near_ew, far, Point(114.03, 22.51)], 30)
    assert answers[0][0] == world["ew"].id
    assert answers[0][1] == pytest.approx(22.1, abs=0.5)
    assert answers[1] is None
    assert answers[2] == (world["ns"].id, pytest.approx(0, abs=0.05))


def test_assign_closes_the_previous_lead(store, world, county):
    ew = world["ew"].id
    cs = store.add_change_set(
        ChangeSet(county.id, "leader", "路段调整", MARCH, geom=box(114.0, 22.5, 114.02, 22.51))
    )
    store.assign(Assignment(county.id, world["city"].id, "segment", ew, "lead", MARCH, change_set_id=cs.id))
    history = store.assignments_of(county.id, "segment", ew)
    assert [(a.unit_id, a.valid_from, a.valid_to) for a in history] == [
        (world["police"].id, T0, MARCH),
        (world["city"].id, MARCH, None),
    ]
    assert history[1].change_set_id == cs.id
    assert store.get_change_set(county.id, cs.id).reason == "路段调整"
    times = [
        datetime(2025, 12, 31, tzinfo=UTC),
        datetime(2026, 2, 28, tzinfo=UTC),
        MARCH,
        datetime(2027, 1, 1),
    ]
    assert store.lead_units(county.id, "segment", [ew] * 4, times) == [
        None,
        world["police"].id,
        world["city"].id,
        world["city"].id,
    ]
    assert store.lead_units(county.id, "segment", [None, world["ns"].id], [MARCH, MARCH]) == [None, None]


def test_a_target_never_has_two_leads(store, world, county):
    ew = world["ew"].id
    store.assign(Assignment(county.id, world["city"].id, "segment", ew, "lead", MARCH))
    with pytest.raises(Conflict, match="起的牵头单位"):
        store.assign(
            Assignment(county.id, world["police"].id, "segment", ew, "lead", datetime(2026, 2, 1, tzinfo=UTC))
        )
    with pytest.raises(InvalidInput, match="角色"):
        store.assign(Assignment(county.id, world["city"].id, "segment", ew, "boss", MARCH))
    assert len(store.assignments_of(county.id, "segment", ew)) == 2


def test_assists_and_assignments_at(store, world, county):
    store.assign(
        Assignment(
            county.id, world["police"].id, "zone", world["community"].id, "assist", T0, duties=("parking",)
        )
    )
    in_force = store.assignments_at(county.id, MARCH)
    assert {(a.target_kind, a.role) for a in in_force} == {
        ("zone", "lead"),
        ("segment", "lead"),
        ("zone", "assist"),
    }
    assist = [a for a in in_force if a.role == "assist"][0]
    assert assist.duties == ("parking",)
    assert store.assignments_at(county.id, datetime(2025, 1, 1, tzinfo=UTC)) == []
    assert len(store.assignments_at(county.id, MARCH, target_kind="segment")) == 1


def test_routing_follows_design_section_6(store, world, county):
    on_street = Point(114.005, 22.5051)  # in the cell, 11 m from the guarded 红荔路
    off_street = Point(114.04, 22.54)  # in the community, no street near
    on_unguarded = Point(114.0301, 22.51)  # on 农园路 (no lead) inside the community
    outside = Point(114.09, 22.59)
    routes = route_points(store, county.id, [on_street, off_street, on_unguarded, outside], [MARCH] * 4)
    assert routes[0].segment_id == world["ew"].id and routes[0].unit_id == world["police"].id
    assert routes[0].zone_id == world["cell"].id
    assert (routes[1].segment_id, routes[1].unit_id) == (None, world["city"].id)
    assert (routes[2].segment_id, routes[2].unit_id) == (world["ns"].id, world["city"].id)
    assert routes[3] == routes[3].__class__(None, None, None, None)
    before = route_points(store, county.id, [on_street], [datetime(2025, 6, 1, tzinfo=UTC)])[0]
    assert before.unit_id is None  # nobody guarded anything before 2026


def test_incidents_bulk_routed_listed_and_filtered(store, world, county):
    incidents = [
        Incident(county.id, "parking", Point(114.005, 22.5051), datetime(2026, 2, 1, tzinfo=UTC)),
        Incident(county.id, "posters", Point(114.04, 22.54), datetime(2026, 3, 5, tzinfo=UTC)),
        Incident(county.id, "parking", Point(114.09, 22.59), datetime(2026, 4, 1, tzinfo=UTC)),
    ]
    assert add_routed_incidents(store, incidents) == 3
    stored = store.list_incidents(county.id)
    assert [i.unit_id for i in stored] == [world["police"].id, world["city"].id, None]
    assert [i.category for i in store.list_incidents(county.id, category="parking")] == ["parking", "parking"]
    assert len(store.list_incidents(county.id, since=MARCH)) == 2
    assert len(store.list_incidents(county.id, until=MARCH)) == 1
    assert len(store.list_incidents(county.id, bbox=(114.0, 22.5, 114.05, 22.55))) == 2
    assert [i.category for i in store.list_incidents(county.id, limit=1, offset=1)] == ["posters"]
    first = store.get_incident(county.id, stored[0].id)
    assert_geometries_equal(first.geom, Point(114.005, 22.5051))
    assert first.reported_at == datetime(2026, 2, 1, tzinfo=UTC)
    assert sum(len(b) for b in store.iter_incidents(county.id, batch=2)) == 3
    first.status, first.unit_id = "dispatched", world["city"].id
    updated = store.update_incident(first)
    assert (updated.status, updated.unit_id, updated.reported_at) == (
        "dispatched",
        world["city"].id,
        first.reported_at,
    )
    assert store.count(county.id, "incident") == 3


def test_incident_events_and_inspections(store, world, county):
    add_routed_incidents(store, [Incident(county.id, "sanitation", Point(114.04, 22.54), T0)])
    (incident,) = store.list_incidents(county.id)
    store.add_incident_event(IncidentEvent(county.id, incident.id, T0, "inspector1", "filed"))
    store.add_incident_event(
        IncidentEvent(county.id, incident.id, MARCH, "leader", "dispatched", "filed", "派遣")
    )
    events = store.incident_events(county.id, incident.id)
    assert [(e.from_status, e.to_status) for e in events] == [(None, "filed"), ("filed", "dispatched")]
    with pytest.raises(InvalidInput, match="状态"):
        store.add_incident_event(IncidentEvent(county.id, incident.id, MARCH, "x", "lost"))
    store.add_inspections(
        [Inspection(county.id, "segment", world["ew"].id, "督查员", "patrol", T0, 92.5, {"posters": 18.5})]
    )
    (insp,) = store.list_inspections(county.id, target_kind="segment")
    assert (insp.score, insp.items, insp.inspected_at) == (92.5, {"posters": 18.5}, T0)
    assert store.list_inspections(county.id, target_kind="zone") == []


def test_users(store, county):
    user = store.add_user(User("leader1", "hash", "leader", county.id))
    assert store.get_user(user.id).username == "leader1"
    assert store.get_user_by_name("leader1").role == "leader"
    with pytest.raises(Conflict, match="leader1"):
        store.add_user(User("leader1", "hash", "admin"))
    with pytest.raises(InvalidInput, match="未知的角色 'mayor'"):
        store.add_user(User("x", "hash", "mayor"))
    with pytest.raises(NotFound, match="nobody"):
        store.get_user_by_name("nobody")
    assert [u.username for u in store.list_users()] == ["leader1"]
    store.update_user(User("leader1", "new hash", "admin", county.id, id=user.id))
    assert (store.get_user(user.id).role, store.get_user(user.id).password_hash) == ("admin", "new hash")


def test_a_failed_transaction_stores_nothing(store, world, county):
    before = store.count(county.id, "segment")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_segments([Segment(county.id, "新路", LineString([(114.05, 22.55), (114.06, 22.55)]))])
        raise RuntimeError("refused half way")
    assert store.count(county.id, "segment") == before
    with pytest.raises(InvalidInput):
        store.count(county.id, "app_user; DROP TABLE zone")


def test_counties_do_not_see_each_other(store, world, county):
    other = store.add_county(County("110101", "东城区", extent=EXTENT))
    assert store.list_zones(other.id) == []
    assert store.zones_at(other.id, [Point(114.005, 22.505)]) == [None]
    assert store.nearest_segments(other.id, [Point(114.005, 22.505)], 30) == [None]
    with pytest.raises(NotFound):
        store.get_zone(other.id, world["community"].id)
    assert shapely.equals(store.get_county("110101").extent, EXTENT)
