"""Selecting by drawing, previewing a posting, and refusing changes built on stale versions
(issue #7), on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from shapely.geometry import LineString, Point, Polygon, box, mapping

from geodata.assignments import postings as posts
from geodata.assignments.preview import preview
from geodata.assignments.routing import add_routed_incidents
from geodata.assignments.selection import select_targets
from geodata.assignments.targets import Target
from geodata.errors import EmptySelection, InvalidGeometry, InvalidInput, NotFound, StaleVersion
from geodata.model import Assignment, County, Incident, Segment, Unit, Zone

NOW = datetime(2026, 11, 1, tzinfo=UTC)
JAN = posts.day_start(date(2026, 1, 1))
MAR_3 = posts.day_start(date(2026, 3, 3))
EXTENT = box(114.0, 22.5, 114.1, 22.6)
# 红荔路 in four pieces of ~514 m along lat 22.505, 农园路 north-south at lon 114.03.
HONGLI = [LineString([(114.0 + 0.005 * i, 22.505), (114.005 + 0.005 * i, 22.505)]) for i in range(4)]
NONGYUAN = LineString([(114.03, 22.5), (114.03, 22.52)])
COMMUNITY = box(114.0, 22.5, 114.025, 22.52)
CELL = box(114.0, 22.5, 114.01, 22.51)


@pytest.fixture
def world(store):
    """Two units; 红荔路's pieces led by 交警大队 since January, 农园路 and the zones unguarded."""
    county = store.add_county(County("440304", "福田示范区", extent=EXTENT))
    police, city = store.add_units([Unit(county.id, "JJ", "交警大队"), Unit(county.id, "CG", "城管执法局")])
    (community,) = store.add_zones([Zone(county.id, "community", "001", "香蜜湖社区", COMMUNITY)])
    (cell,) = store.add_zones([Zone(county.id, "grid", "001001", "香蜜湖1号网格", CELL, community.id)])
    segments = store.add_segments([Segment(county.id, "红荔路", g) for g in HONGLI])
    segments += store.add_segments([Segment(county.id, "农园路", NONGYUAN)])
    store.assign_many([Assignment(county.id, police.id, "segment", s.id, "lead", JAN) for s in segments[:4]])
    return dict(county=county, police=police, city=city, community=community, cell=cell, segments=segments)


def _ids(selection):
    return [(t.target.kind, t.target.id) for t in selection.targets]


def _segs(world, *which):
    return [("segment", world["segments"][i].id) for i in which]


def _post(unit, targets, since=MAR_3, reason="划线调整", **kw):
    return posts.Posting(unit, "lead", targets, since, author="leader", reason=reason, **kw)


# -- selecting ---------------------------------------------------------------------------------
def test_a_polygon_catches_what_it_touches_or_what_lies_wholly_inside(store, world):
    county = world["county"]
    lasso = box(114.004, 22.503, 114.016, 22.507)  # from inside piece 0 to inside piece 3
    touching = select_targets(store, county, mapping(lasso), at=NOW)
    assert _ids(touching) == _segs(world, 0, 1, 2, 3)
    inside = select_targets(store, county, lasso, mode="inside", at=NOW)
    assert _ids(inside) == _segs(world, 1, 2)
    second = inside.targets[0]
    assert (second.name, second.version, second.lead.code) == ("红荔路", 2, "JJ")  # assigned: version 2
    assert second.length_m == pytest.approx(514, rel=0.01)
    assert inside.totals == {
        "segments": 2,
        "zones": 0,
        "length_m": pytest.approx(1029, rel=0.01),
        "area_m2": 0,
    }


def test_zones_are_caught_only_when_asked_for_by_kind(store, world):
    county = world["county"]
    around_cell = box(113.999, 22.499, 114.011, 22.511)
    both = select_targets(store, county, around_cell, kinds=("grid", "community", "segment"), at=NOW)
    assert [t.target.kind for t in both.targets] == ["segment", "segment", "segment", "zone", "zone"]
    zones = [t for t in both.targets if t.target.kind == "zone"]
    assert [(z.zone_kind, z.name, z.lead) for z in zones] == [("community", "香蜜湖社区", None),
                                                              ("grid", "香蜜湖1号网格", None)]  # fmt: skip
    assert zones[1].area_m2 == pytest.approx(1.14e6, rel=0.02)
    cells = select_targets(store, county, around_cell, mode="inside", kinds=["grid", "community"], at=NOW)
    assert _ids(cells) == [("zone", world["cell"].id)]  # the community reaches beyond the lasso


def test_a_drawn_line_catches_what_passes_within_a_few_metres(store, world):
    county = world["county"]
    across = LineString([(114.0075, 22.500), (114.0075, 22.510)])  # crosses piece 1 only
    assert _ids(select_targets(store, county, across, at=NOW)) == _segs(world, 1)
    # 3 m north of 红荔路 (lat degrees of ~111 km): within the 5 m tolerance; 10 m north: not.
    along = LineString([(114.0060, 22.505 + 3 / 111_000), (114.0140, 22.505 + 3 / 111_000)])
    assert _ids(select_targets(store, county, along, at=NOW)) == _segs(world, 1, 2)
    with pytest.raises(EmptySelection, match="没有完全落在选区内的路段"):
        select_targets(store, county, along, mode="inside", at=NOW)
    far = LineString([(114.0060, 22.505 + 10 / 111_000), (114.0140, 22.505 + 10 / 111_000)])
    with pytest.raises(EmptySelection, match="没有与选区接触的路段"):
        select_targets(store, county, far, at=NOW)
    traced = LineString([(113.9999, 22.505 + 1 / 111_000), (114.0101, 22.505 + 1 / 111_000)])
    assert _ids(select_targets(store, county, traced, mode="inside", at=NOW)) == _segs(world, 0, 1)


@pytest.mark.parametrize(
    ("drawing", "error", "message"),
    [
        (Polygon([(114.0, 22.5), (114.01, 22.51), (114.01, 22.5), (114.0, 22.51)]), InvalidGeometry, "选区自相交"),
        (box(114.5, 22.5, 114.6, 22.6), InvalidGeometry, "范围之外"),
        (box(22.503, 114.004, 22.507, 114.016), InvalidGeometry, "经纬度顺序颠倒"),
        (box(500_000, 2_480_000, 500_100, 2_480_100), InvalidGeometry, "不是经纬度"),
        (Point(114.005, 22.505), InvalidGeometry, "应为多边形或线"),
        ({"type": "Polygon", "coordinates": [[[114.0, 22.5], [114.01, 22.51]]]}, InvalidGeometry, "不是有效的 GeoJSON"),
        ({"coordinates": []}, InvalidGeometry, "缺少选区"),
        (box(114.05, 22.55, 114.06, 22.56), EmptySelection, "没有与选区接触的路段"),
    ],
)  # fmt: skip
def test_bad_drawings_are_refused_naming_the_problem(store, world, drawing, error, message):
    with pytest.raises(error, match=message):
        select_targets(store, world["county"], drawing, at=NOW)


def test_a_tiny_self_touch_of_a_freehand_lasso_is_repaired(store, world):
    # A spike out and back along the top edge: invalid, but its repair keeps the area.
    ring = [(114.004, 22.503), (114.016, 22.503), (114.016, 22.507), (114.010, 22.507),
            (114.010, 22.5071), (114.010, 22.507), (114.004, 22.507)]  # fmt: skip
    lasso = Polygon(ring)
    assert not lasso.is_valid
    caught = select_targets(store, world["county"], lasso, mode="inside", at=NOW)
    assert _ids(caught) == _segs(world, 1, 2) and caught.geom.is_valid


def test_bad_mode_or_kinds(store, world):
    with pytest.raises(InvalidInput, match="mode 应为 touching"):
        select_targets(store, world["county"], EXTENT, mode="within")
    with pytest.raises(InvalidInput, match="kinds 只能取"):
        select_targets(store, world["county"], EXTENT, kinds=("road",))


# -- versions --------------------------------------------------------------------------------
def _version(store, world, kind, target_id):
    return store.get_targets(world["county"].id, kind, [target_id])[0].version


def test_assignments_and_their_revert_bump_the_versions_of_what_they_touch(store, world):
    county, (s0, s1, *_rest, ns) = world["county"], world["segments"]
    assert [_version(store, world, "segment", s.id) for s in (s0, s1, ns)] == [2, 2, 1]
    assert [s.id for s in store.get_targets(county.id, "segment", [ns.id, s0.id, 10_000])] == [s0.id, ns.id]
    applied = posts.apply_posting(
        store, county, _post("CG", [Target("segment", s1.id), Target("zone", world["cell"].id)]), now=NOW
    )
    assert applied.versions == {Target("segment", s1.id): 3, Target("zone", world["cell"].id): 2}
    assert [_version(store, world, "segment", s.id) for s in (s0, s1)] == [2, 3]
    assert _version(store, world, "zone", world["cell"].id) == 2
    posts.revert(store, county, applied.change_set.id, "leader", "撤销", now=NOW)
    assert [_version(store, world, "segment", s.id) for s in (s0, s1)] == [2, 4]
    assert _version(store, world, "zone", world["cell"].id) == 3


def test_a_change_built_on_a_stale_version_is_refused_whole_naming_what_changed(store, world):
    county, (s0, s1, s2, *_) = world["county"], world["segments"]
    targets = [Target("segment", s.id) for s in (s0, s1, s2)]
    seen = {t: 2 for t in targets}
    posts.apply_posting(store, county, _post("CG", targets[1:2], versions={targets[1]: 2}), now=NOW)
    before = (store.count(county.id, "assignment"), store.count(county.id, "change_set"))
    with pytest.raises(StaleVersion, match="1 个对象在您选择之后已被修改（红荔路）") as refused:
        posts.apply_posting(store, county, _post("JJ", targets, since=NOW, versions=seen), now=NOW)
    assert refused.value.status == 409
    assert refused.value.details["stale"] == [
        {"kind": "segment", "id": s1.id, "name": "红荔路", "version": 2, "current_version": 3,
         "lead_unit": "CG", "lead_unit_name": "城管执法局"},
    ]  # fmt: skip
    assert (store.count(county.id, "assignment"), store.count(county.id, "change_set")) == before
    assert _version(store, world, "segment", s0.id) == 2  # nothing of the refused change stayed
    fresh = {**seen, targets[1]: 3}
    done = posts.apply_posting(store, county, _post("JJ", targets, since=NOW, versions=fresh), now=NOW)
    assert sorted(done.versions.values()) == [3, 3, 4]


def test_a_missing_target_is_named(store, world):
    with pytest.raises(NotFound, match="路段 #99999 不存在"):
        posts.apply_posting(store, world["county"], _post("CG", [Target("segment", 99_999)]), now=NOW)


# -- preview ---------------------------------------------------------------------------------
def _incident(county, x, y, day, status="filed"):
    return Incident(county.id, "parking", Point(x, y), datetime(2026, *day, tzinfo=UTC), status)


def test_preview_lists_old_and_new_leads_lengths_and_the_open_cases_that_move(store, world):
    county, cell = world["county"], world["cell"]
    s1 = world["segments"][1]
    store.assign(Assignment(county.id, world["city"].id, "zone", cell.id, "lead", JAN))
    add_routed_incidents(store, [
        *(_incident(county, 114.0075, 22.5051, (2, d)) for d in (1, 2, 3)),  # on piece 1, before March 3
        _incident(county, 114.0076, 22.5051, (4, 1)),  # on piece 1, after: moves
        _incident(county, 114.0077, 22.5051, (4, 2), status="closed"),  # closed: never counted
        _incident(county, 114.005, 22.508, (4, 3)),  # in the cell, far from any street: the cell's
        _incident(county, 114.03, 22.51, (4, 4)),  # on 农园路: not a target
    ])  # fmt: skip
    counts = {t: store.count(county.id, t) for t in ("assignment", "change_set", "incident")}
    targets = [Target("segment", s1.id), Target("zone", cell.id)]
    diff = preview(store, county, _post("CG", targets, reason="", versions={targets[0]: 1}))
    seg, zone = diff.changes
    assert (seg.info.lead.code, seg.new_lead.code, seg.changes_lead) == ("JJ", "CG", True)
    assert (seg.open_cases, seg.open_cases_staying) == (1, 3)
    assert (zone.info.lead.code, zone.new_lead.code, zone.changes_lead) == ("CG", "CG", False)
    assert (zone.open_cases, zone.open_cases_staying) == (0, 1)  # already 城管执法局's
    assert diff.totals == {
        "targets": 2, "lead_changes": 1, "length_m": pytest.approx(514, rel=0.01),
        "length_km": pytest.approx(0.514, rel=0.01), "area_m2": pytest.approx(1.14e6, rel=0.02),
        "open_cases": 1, "open_cases_staying": 4, "stale": 1,
    }  # fmt: skip
    assert diff.stale[0]["id"] == s1.id and diff.stale[0]["current_version"] == 2
    police = preview(store, county, _post("JJ", targets[1:]))
    assert (police.changes[0].open_cases, police.changes[0].open_cases_staying) == (1, 0)
    assist = preview(store, county, posts.Posting("JJ", "assist", targets, MAR_3, "leader", ""))
    assert [c.open_cases for c in assist.changes] == [0, 0] and assist.totals["lead_changes"] == 0
    assert {t: store.count(county.id, t) for t in counts} == counts  # nothing written
    with pytest.raises(NotFound, match="没有单位 'ZZ'"):
        preview(store, county, _post("ZZ", targets))


def test_applying_moves_the_open_cases_the_preview_said(store, world):
    county, s1 = world["county"], world["segments"][1]
    add_routed_incidents(store, [_incident(county, 114.0075, 22.5051, (m, 1)) for m in (2, 4, 5)])
    target = Target("segment", s1.id)
    said = preview(store, county, _post("CG", [target]))
    assert said.changes[0].open_cases == 2
    applied = posts.apply_posting(
        store, county, _post("CG", [target], geom=box(114.006, 22.504, 114.009, 22.506)), now=NOW
    )
    assert applied.rerouted == said.changes[0].open_cases
    city = world["city"].id
    assert store.count_incidents(county.id, unit_id=city, status="open") == 2
    assert store.get_change_set(county.id, applied.change_set.id).geom.equals(
        box(114.006, 22.504, 114.009, 22.506)
    )
