"""Redrawing zone outlines (issue #7) on both backends, on a county drawn by hand in metres:

    y=200 +---------+---------+---------+---------+
          |   A1    |   A2    |   B1    |   B2    |      communities A = [0, 200] and B = [200, 400]
          |         |      i1 | i2      |         |      (UA leads A and its cells, UB leads B and its)
          |         |         | i3      |         |      i1 at x 195, i2 and i3 (closed) at x 205
      y=0 +---------+---------+---------+---------+
          x=0      100       200       300       400

Moving the shared edge x=200 by 10 m is refused when only one side moves (an overlap or a gap),
and applied when every zone along it is redrawn in one change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import shapely
from shapely.geometry import LineString, Point, box, mapping

from geodata.assignments.postings import revert
from geodata.assignments.routing import add_routed_incidents
from geodata.errors import Conflict, InvalidGeometry, StaleVersion, TilingError
from geodata.geo.geometry import from_metric, to_metric, utm_epsg_for
from geodata.mapedit.zone_context import edit_context
from geodata.mapedit.zones import (
    Outline,
    apply_zone_edit,
    apply_zone_edits,
    check_zone_edit,
    revert_zone_edit,
)
from geodata.model import Assignment, ChangeSet, County, GeometryEdit, Incident, Segment, Unit, Zone
from tests.support.databases import older_store

ORIGIN = (113.95, 22.58)
EPSG = utm_epsg_for(*ORIGIN)
X0, Y0 = shapely.get_coordinates(to_metric(Point(ORIGIN), EPSG))[0]
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def ll(geom):
    """A geometry drawn in metres from the county's origin, in lon/lat."""
    return from_metric(shapely.transform(geom, lambda xy: xy + (X0, Y0)), EPSG)


def outline(x0, x1):
    return mapping(ll(box(x0, 0, x1, 200)))


@pytest.fixture
def county(store):
    c = store.add_county(County("990021", "边界县", extent=ll(box(-300, -300, 700, 500)), utm_epsg=EPSG))
    ua, ub = store.add_units([Unit(c.id, "UA", "甲单位"), Unit(c.id, "UB", "乙单位")])
    a, b = store.add_zones([Zone(c.id, "community", "001", "甲社区", ll(box(0, 0, 200, 200))),
                            Zone(c.id, "community", "002", "乙社区", ll(box(200, 0, 400, 200)))])  # fmt: skip
    cells = store.add_zones(
        [Zone(c.id, "grid", f"00{p}00{n}", f"{name}{n}号网格", ll(box(x, 0, x + 100, 200)), parent.id)
         for p, name, parent, xs in ((1, "甲", a, (0, 100)), (2, "乙", b, (200, 300)))
         for n, x in enumerate(xs, start=1)]
    )  # fmt: skip
    store.add_segments([Segment(c.id, "北环路", ll(LineString([(-100, 230), (500, 230)])))])
    store.assign_many(
        [Assignment(c.id, (ua if z.code.startswith("001") else ub).id, "zone", z.id, "lead", T0)
         for z in [a, b, *cells]]
    )  # fmt: skip
    add_routed_incidents(
        store,
        [Incident(c.id, "parking", ll(Point(195, 50)), T0.replace(day=5)),
         Incident(c.id, "parking", ll(Point(205, 50)), T0.replace(day=5)),
         Incident(c.id, "sanitation", ll(Point(205, 150)), T0.replace(day=6), status="closed"),
         Incident(c.id, "posters", ll(Point(50, 100)), T0.replace(day=7))],
    )  # fmt: skip
    return c


def zones(store, county) -> dict[str, Zone]:
    return {z.name: z for z in store.list_zones(county.id)}


def snapshot(store, county):
    """What a refused edit must leave as it was."""
    return (
        [(z.id, z.version, z.geom.wkb) for z in store.list_zones(county.id)],
        [(i.id, i.zone_id, i.unit_id) for i in store.list_incidents(county.id)],
        store.count(county.id, "change_set"),
        store.count(county.id, "geometry_edit"),
    )


def test_moving_a_communitys_edge_into_its_neighbour_alone_is_refused_naming_the_overlap(store, county):
    a = zones(store, county)["甲社区"]
    before = snapshot(store, county)
    for attempt in (
        lambda: check_zone_edit(store, county, a.id, outline(0, 210), a.version),
        lambda: apply_zone_edit(store, county, a.id, outline(0, 210), "leader", "东移", a.version),
    ):
        with pytest.raises(TilingError, match="甲社区将与乙社区（002）新增重叠 2,000.0 m²") as refused:
            attempt()
        (problem,) = refused.value.details["problems"]
        assert problem["kind"] == "overlap" and problem["other"]["code"] == "002"
        assert problem["area_m2"] == pytest.approx(2000, abs=0.5)
        assert shapely.geometry.shape(problem["geometry"]).area > 0
        assert snapshot(store, county) == before


def test_a_vertex_dragged_into_the_neighbour_is_refused_though_the_rest_of_the_edge_is_shared(store, county):
    a = zones(store, county)["甲社区"]
    notch = ll(shapely.Polygon([(0, 0), (200, 0), (200, 50), (210, 100), (200, 150), (200, 200), (0, 200)]))
    with pytest.raises(TilingError, match="新增重叠 500.0 m²"):
        check_zone_edit(store, county, a.id, mapping(notch), a.version)


def test_moving_it_inward_alone_leaves_a_gap_and_is_refused(store, county):
    a = zones(store, county)["甲社区"]
    with pytest.raises(TilingError, match="甲社区让出的 2,000.0 m² 将不属于任何社区") as refused:
        apply_zone_edit(store, county, a.id, outline(0, 190), "leader", "西移")
    assert [p["kind"] for p in refused.value.details["problems"]] == ["gap"]
    assert store.get_zone(county.id, a.id).version == a.version


def test_moving_the_shared_edge_of_both_communities_is_applied_and_reports_the_cells_left_outside(
    store, county
):
    z = zones(store, county)
    a, b = z["甲社区"], z["乙社区"]
    also = [Outline(b.id, outline(210, 400), b.version)]
    preview = check_zone_edit(store, county, a.id, outline(0, 210), a.version, also=also)
    edited = {e.zone.name: e for e in preview.zones}
    assert edited["甲社区"].gained_m2 == pytest.approx(2000, abs=0.5)
    assert edited["乙社区"].given_up_m2 == pytest.approx(2000, abs=0.5)
    assert [(c.name, round(m2)) for c, m2 in edited["乙社区"].cells_outside] == [("乙1号网格", 2000)]
    assert edited["甲社区"].cells_uncovered_m2 == pytest.approx(2000, abs=0.5)
    assert preview.moved == [] and preview.stale == []  # the cells still hold the incidents

    made = apply_zone_edit(store, county, a.id, outline(0, 210), "leader", "按新界线", a.version, also=also)
    assert [(w.id, w.version) for w in made.zones] == [(a.id, a.version + 1), (b.id, b.version + 1)]
    assert sum(w.area_m2 for w in made.zones) == pytest.approx(a.area_m2 + b.area_m2, abs=0.01)


def test_a_shared_edge_moved_with_the_cells_along_it_re_attributes_the_incidents_across_it(store, county):
    z = zones(store, county)
    a, b, a2, b1 = z["甲社区"], z["乙社区"], z["甲2号网格"], z["乙1号网格"]
    units = {u.code: u.id for u in store.list_units(county.id)}
    outlines = [Outline(a.id, outline(0, 210), a.version), Outline(b.id, outline(210, 400), b.version),
                Outline(a2.id, outline(100, 210), a2.version), Outline(b1.id, outline(210, 300), b1.version)]  # fmt: skip
    version = store.map_version()
    preview = check_zone_edit(store, county, a.id, outline(0, 210), a.version, also=outlines[1:])
    assert sorted((m.before.zone_id, m.after.zone_id, m.after.unit_id, m.open) for m in preview.moved) == [
        (b1.id, a2.id, units["UA"], False), (b1.id, a2.id, units["UA"], True)
    ]  # fmt: skip
    assert preview.totals["open_cases"] == 1 and preview.totals["open_cases_changing_unit"] == 1
    assert all(not e.cells_outside and not e.cells_uncovered_m2 for e in preview.zones)

    made = apply_zone_edits(store, county, outlines, "leader", "甲乙社区界线东移 10 米", T0)
    assert made.rerouted == 2 and store.map_version() > version
    after = zones(store, county)
    total = sum(after[n].area_m2 for n in ("甲社区", "乙社区"))
    assert total == pytest.approx(a.area_m2 + b.area_m2, abs=0.01)
    assert after["甲社区"].area_m2 == pytest.approx(42_000, abs=1)
    assert {after[n.name].version for n in (a, b, a2, b1)} == {a.version + 1}
    moved = {(round(i.geom.x, 7), i.zone_id, i.unit_id) for i in store.list_incidents(county.id)}
    assert (round(ll(Point(205, 50)).x, 7), a2.id, units["UA"]) in moved
    assert (round(ll(Point(195, 50)).x, 7), a2.id, units["UA"]) in moved
    edits = store.geometry_edits(county.id, change_set_id=made.change_set.id)
    assert [(e.target_id, e.version) for e in edits] == sorted((w.id, w.version) for w in made.zones)
    first = store.geometry_edits(county.id, "zone", a.id)[0]
    assert first.before.equals(a.geom) and first.after.equals(after["甲社区"].geom)
    cs = store.get_change_set(county.id, made.change_set.id)
    assert cs.reason == "甲乙社区界线东移 10 米" and len(cs.geom.geoms) == 4
    with pytest.raises(Conflict, match="调整的是区域边界"):
        revert(store, county, cs.id, "leader", "撤销")


def test_a_cell_may_not_leave_its_community_nor_overlap_the_cells_next_door(store, county):
    z = zones(store, county)
    with pytest.raises(TilingError) as refused:
        apply_zone_edit(store, county, z["甲2号网格"].id, outline(100, 210), "leader", "扩大网格")
    found = {(p["kind"], p["other"]["name"]) for p in refused.value.details["problems"]}
    assert found == {("overlap", "乙1号网格"), ("outside", "甲社区")}
    assert "甲2号网格将有 2,000.0 m² 超出甲社区" in refused.value.message
    with pytest.raises(TilingError, match="将不属于甲社区内任何单元网格"):
        apply_zone_edit(store, county, z["甲2号网格"].id, outline(110, 200), "leader", "缩小网格")


def test_a_stale_version_is_refused_and_nothing_changes(store, county):
    a = zones(store, county)["甲社区"]
    b = zones(store, county)["乙社区"]
    store.update_zone(a)  # someone else saved 甲社区 meanwhile
    before = snapshot(store, county)
    with pytest.raises(StaleVersion) as stale:
        apply_zone_edit(store, county, a.id, outline(0, 210), "leader", "东移", a.version,
                        also=[Outline(b.id, outline(210, 400), b.version)])  # fmt: skip
    assert [(s["id"], s["version"], s["current_version"]) for s in stale.value.details["stale"]] == [
        (a.id, a.version, a.version + 1)
    ]
    assert snapshot(store, county) == before
    listed = check_zone_edit(
        store, county, a.id, outline(0, 210), a.version, also=[Outline(b.id, outline(210, 400))]
    )
    assert [s["id"] for s in listed.stale] == [a.id]  # a preview lists it


def _east_by_10(store, county):
    z = zones(store, county)
    outlines = [Outline(z[n].id, outline(x0, x1), z[n].version) for n, x0, x1 in
                (("甲社区", 0, 210), ("乙社区", 210, 400), ("甲2号网格", 100, 210), ("乙1号网格", 210, 300))]  # fmt: skip
    return apply_zone_edits(store, county, outlines, "leader", "东移 10 米", T0)


def test_an_outline_edit_is_reverted_as_a_change_set_drawing_the_zones_back(store, county):
    first = zones(store, county)
    homes = {i.id: (i.zone_id, i.unit_id) for i in store.list_incidents(county.id)}
    made = _east_by_10(store, county)
    assert {(i.id, i.zone_id) for i in store.list_incidents(county.id)} != {
        (k, v[0]) for k, v in homes.items()
    }

    back = revert_zone_edit(store, county, made.change_set.id, "leader", "撤销东移")
    assert back.change_set.reverts == made.change_set.id and back.rerouted == 2
    now = zones(store, county)
    for name in ("甲社区", "乙社区", "甲2号网格", "乙1号网格"):
        assert now[name].geom.equals_exact(first[name].geom, 1e-9), name
        assert now[name].version == first[name].version + 2
    assert {i.id: (i.zone_id, i.unit_id) for i in store.list_incidents(county.id)} == homes
    (summary,) = store.list_change_sets(county.id, 1, 0, made.change_set.id)
    assert summary.reverted_by == back.change_set.id
    history = store.geometry_edits(county.id, "zone", first["甲社区"].id)
    assert [e.change_set_id for e in history] == [made.change_set.id, back.change_set.id]
    assert history[1].before.equals(history[0].after) and history[1].after.equals(history[0].before)

    before = snapshot(store, county)
    with pytest.raises(Conflict, match=f"已被变更单 #{back.change_set.id} 撤销"):
        revert_zone_edit(store, county, made.change_set.id, "leader", "再撤销")
    with pytest.raises(Conflict, match="本身是一次撤销"):
        revert_zone_edit(store, county, back.change_set.id, "leader", "撤销撤销")
    assert snapshot(store, county) == before


def test_an_outline_edit_redrawn_since_is_not_reverted_and_nothing_changes(store, county):
    made = _east_by_10(store, county)
    a = zones(store, county)["甲社区"]
    store.update_zone(a)  # someone saved 甲社区 again since
    before = snapshot(store, county)
    with pytest.raises(StaleVersion) as stale:
        revert_zone_edit(store, county, made.change_set.id, "leader", "撤销")
    assert [s["id"] for s in stale.value.details["stale"]] == [a.id]
    assert snapshot(store, county) == before
    posted = store.add_change_set(ChangeSet(county.id, "leader", "无边界", T0))
    with pytest.raises(Conflict, match=f"变更单 #{posted.id} 没有调整区域边界"):
        revert_zone_edit(store, county, posted.id, "leader", "撤销")


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Polygon", "coordinates": [[list(ll(Point(*p)).coords[0]) for p in
          ((0, 0), (200, 200), (200, 0), (0, 200), (0, 0))]]}, "甲社区的新边界自相交"),
        (mapping(shapely.transform(ll(box(0, 0, 200, 200)), lambda xy: xy[:, ::-1])), "甲社区的新边界的经纬度顺序颠倒了"),
        (mapping(ll(LineString([(0, 0), (200, 200)]))), "甲社区的新边界应为多边形"),
        (mapping(box(100.0, 10.0, 100.1, 10.1)), "甲社区的新边界在边界县范围之外"),
        (None, "缺少甲社区的新边界"),
    ],
)  # fmt: skip
def test_invalid_outlines_are_refused_naming_the_zone(store, county, geometry, message):
    a = zones(store, county)["甲社区"]
    with pytest.raises(InvalidGeometry, match=message):
        check_zone_edit(store, county, a.id, geometry, a.version)


def test_a_z_coordinate_is_dropped(store, county):
    a = zones(store, county)["甲社区"]
    ring = [list(ll(Point(*p)).coords[0]) + [5.0] for p in ((0, 0), (200, 0), (200, 200), (0, 200), (0, 0))]
    answer = check_zone_edit(store, county, a.id, {"type": "Polygon", "coordinates": [ring]}, a.version)
    assert answer.zones[0].geom.has_z is False and answer.moved == []


def test_the_edit_context_has_the_zone_its_parent_siblings_and_streets_within_50_m(store, county):
    z = zones(store, county)
    near = edit_context(store, county, z["甲2号网格"].id)
    assert near.parent.name == "甲社区"
    assert {s.name for s in near.siblings} == {"甲1号网格", "乙1号网格"}
    assert [s.name for s in near.streets] == ["北环路"]  # 30 m north of the cell
    community = edit_context(store, county, z["甲社区"].id)
    assert [s.name for s in community.siblings] == ["乙社区"] and community.parent is None


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_an_older_database_gains_the_outline_history_on_upgrade(backend, tmp_path, request):
    with older_store(request, backend, tmp_path, knew="geometry_edit.sql") as (store, newer):
        c = store.add_county(County("990022", "旧县", extent=ll(box(-300, -300, 700, 500)), utm_epsg=EPSG))
        (zone,) = store.add_zones([Zone(c.id, "community", "001", "旧社区", ll(box(0, 0, 200, 200)))])
        cs = store.add_change_set(ChangeSet(c.id, "admin", "旧的调整", T0))
        assert store.migrate()[0] == newer[0].name
        assert (
            store.get_zone(c.id, zone.id).name == "旧社区"
            and store.get_change_set(c.id, cs.id).reason == "旧的调整"
        )
        (kept,) = store.add_geometry_edits(
            [GeometryEdit(c.id, cs.id, "zone", zone.id, 2, zone.geom, ll(box(0, 0, 210, 200)))]
        )
        (read,) = store.geometry_edits(c.id, "zone", zone.id)
        assert read.id == kept.id and read.version == 2 and read.after.equals(kept.after)
