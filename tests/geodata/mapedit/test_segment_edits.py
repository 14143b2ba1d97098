"""Splitting and merging road segments (issue #7) on both backends: the pieces answer "who guarded
it on D" as the original did, incidents follow their point, and every refusal leaves all as it was.

红荔路 runs 1 km east from ORIGIN (a vertex at 500 m). 城管 leads it from January with 环卫 assisting;
交警 leads from May; a July posting of 市场监管 was reverted (a voided row)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString

from geodata.assignments import postings as posts
from geodata.assignments.routing import add_routed_incidents
from geodata.errors import Conflict, InvalidGeometry, InvalidInput, NotFound, StaleVersion
from geodata.geo.geometry import from_metric, to_metric, utm_epsg_for
from geodata.mapedit.segments import merge_segments, split_segment
from geodata.model import County, Incident, Inspection, Segment, Unit

ORIGIN = (114.05, 22.55)
EPSG = utm_epsg_for(*ORIGIN)
NOW = datetime(2026, 11, 1, tzinfo=UTC)
JAN, MAY, JUL, SEP = (posts.day_start(date(2026, m, 1)) for m in (1, 5, 7, 9))
FEB, JUN = posts.day_start(date(2026, 2, 2)), posts.day_start(date(2026, 6, 2))  # incidents reported
ASKED = [posts.day_start(date(2026, m, d)) for m, d in ((2, 1), (6, 1), (7, 15), (12, 1))]


def _at(x: float, y: float):
    """A lon/lat point ``x``, ``y`` metres east and north of ORIGIN."""
    x0, y0 = shapely.get_coordinates(to_metric(shapely.Point(ORIGIN), EPSG))[0]
    return from_metric(shapely.Point(x0 + x, y0 + y), EPSG)


@pytest.fixture
def town(store):
    x0, y0 = shapely.get_coordinates(to_metric(shapely.Point(ORIGIN), EPSG))[0]
    extent = from_metric(shapely.box(x0 - 500, y0 - 500, x0 + 2000, y0 + 1500), EPSG)
    county = store.add_county(County("990007", "切分县", extent=extent, utm_epsg=EPSG))
    store.add_units(
        [Unit(county.id, "CG", "城管执法局"), Unit(county.id, "JJ", "交警大队"),
         Unit(county.id, "HW", "环卫所"), Unit(county.id, "SJ", "市场监管局")]
    )  # fmt: skip
    road, far, other = store.add_segments(
        [Segment(county.id, "红荔路", LineString([_at(0, 0), _at(500, 0), _at(1000, 0)]), "primary"),
         Segment(county.id, "红荔路", LineString([_at(1200, 0), _at(1600, 0)]), "primary"),
         Segment(county.id, "农园路", LineString([_at(0, 300), _at(0, 800)]))]
    )  # fmt: skip
    every = [posts.Target("segment", s.id) for s in (road, far, other)]
    main = [posts.Target("segment", road.id)]
    _post(store, county, "CG", every, JAN, person="王强", duties=("parking",))
    _post(store, county, "HW", main, JAN, role="assist")
    police = _post(store, county, "JJ", main, MAY)
    wrong = _post(store, county, "SJ", main, JUL)
    posts.revert(store, county, wrong.change_set.id, "leader", "录错", now=NOW)
    reported = [(100, 3, JUN), (650, 5, JUN), (900, 3, JUN), (950, -4, FEB)]
    add_routed_incidents(store, [Incident(county.id, "parking", _at(x, y), t) for x, y, t in reported])
    store.add_inspections([Inspection(county.id, "segment", road.id, "督查", "patrol", JUN, 88.0)])
    road = store.get_segment(county.id, road.id)  # as the postings left it (its version)
    return {"county": county, "road": road, "far": far, "other": other, "police": police}


def _post(store, county, unit, targets, since, role="lead", **kw):
    posting = posts.Posting(unit, role, targets, since, author="leader", reason="分兵把口", **kw)
    return posts.apply_posting(store, county, posting, now=NOW)


def _answers(store, county, segment_id) -> list:
    """Who led and who assisted the segment on each of the ASKED dates."""
    out = []
    for at in ASKED:
        r = posts.responsible(store, county, posts.Target("segment", segment_id), at)
        lead = r.lead and (r.lead.unit_id, r.lead.person, r.lead.duties)
        out.append((lead, [a.unit_id for a in r.assists]))
    return out


def _rows(store, county, segment_id) -> list:
    """A segment's assignment rows, all but their ids and target."""
    rows = store.assignments_of(county.id, "segment", segment_id)
    return [replace(a, id=None, target_id=None) for a in rows]


COUNTED = ("segment", "assignment", "change_set", "inspection")


def _snapshot(store, county) -> dict:
    """Everything a split or merge writes."""
    return {
        "counts": {t: store.count(county.id, t) for t in COUNTED},
        "segments": [(s.id, s.version, s.length_m, s.geom.wkb) for s in store.list_segments(county.id)],
        "incidents": [(i.id, i.segment_id, i.unit_id) for i in store.list_incidents(county.id)],
        "map_version": store.map_version(),
    }


def test_a_split_gives_both_pieces_the_whole_history_and_moves_far_incidents(store, town):
    county, road = town["county"], town["road"]
    before = _answers(store, county, road.id)
    rows = _rows(store, county, road.id)
    units = [i.unit_id for i in sorted(store.list_incidents(county.id), key=lambda i: i.geom.x)]
    cg, jj = (posts.find_unit(store, county, c).id for c in ("CG", "JJ"))
    assert [lead[0] for lead, _ in before] == [cg, jj, jj, jj]  # never the voided 市场监管
    assert any(r.voided_by is not None for r in rows)  # a voided row to copy

    click = _at(600, 6)  # 6 m off the road
    done = split_segment(store, county, road.id, click, "leader", "路口改造", version=road.version, now=NOW)

    kept, new = done.kept, done.new
    assert (kept.id, kept.version, new.version) == (road.id, road.version + 1, 1)
    assert (new.name, new.highway, new.source_id) == (road.name, road.highway, road.source_id)
    assert kept.length_m == pytest.approx(600, abs=0.01) and new.length_m == pytest.approx(400, abs=0.01)
    assert kept.length_m + new.length_m == pytest.approx(road.length_m, abs=0.01)
    assert _answers(store, county, kept.id) == _answers(store, county, new.id) == before
    assert _rows(store, county, new.id) == _rows(store, county, kept.id) == rows
    assert done.copied_assignments == len(rows)
    for at in ASKED:
        assert len(set(store.lead_units(county.id, "segment", [kept.id, new.id], [at, at]))) == 1

    west_to_east = sorted(store.list_incidents(county.id), key=lambda i: i.geom.x)
    assert [i.segment_id for i in west_to_east] == [kept.id, new.id, new.id, new.id]
    assert [i.unit_id for i in west_to_east] == units and done.moved_incidents == 3

    change = store.get_change_set(county.id, done.change_set.id)
    assert (change.author, change.reason) == ("leader", "路口改造")
    assert change.geom.distance(_at(600, 0)) < 1e-7
    assert [i.target_id for i in store.list_inspections(county.id, "segment")] == [road.id]
    near_end = store.list_segments(county.id, bbox=_at(900, 0).buffer(1e-5).bounds)
    assert [s.id for s in near_end] == [new.id]  # the new piece is found by its box
    assert store.nearest_segment(county.id, _at(980, 4), 30)[0] == new.id


def test_a_revert_after_a_split_undoes_that_posting_on_both_pieces(store, town):
    county, road = town["county"], town["road"]
    done = split_segment(store, county, road.id, _at(600, 0), "leader", "路口改造", now=NOW)
    posts.revert(store, county, town["police"].change_set.id, "leader", "交警不再牵头", now=NOW)
    june = ASKED[1]
    leads = store.lead_units(county.id, "segment", [road.id, done.new.id], [june, june])
    assert leads == [posts.find_unit(store, county, "CG").id] * 2
    with pytest.raises(Conflict, match="无可撤销"):
        posts.revert(store, county, done.change_set.id, "leader", "撤销切分", now=NOW)


@pytest.mark.parametrize(
    ("point", "version", "segment", "error", "message"),
    [
        ((600, 25), None, "road", InvalidGeometry, "切分点离路段 #.*有 25.0 米，超过 15 米"),
        ((1.0, 1), None, "road", InvalidGeometry, "端点太近：切出的两段分别长 1.0 米和 999.0 米"),
        ((600, 0), 0, "road", StaleVersion, "1 个对象在您选择之后已被修改（红荔路）"),
        ((600, 0), None, "missing", NotFound, "路段 #99999 不存在"),
        ((600, 0), None, "no reason", InvalidInput, "请填写调整原因"),
    ],
)  # fmt: skip
def test_a_refused_split_changes_nothing(store, town, point, version, segment, error, message):
    county, road = town["county"], town["road"]
    before = _snapshot(store, county)
    segment_id = 99_999 if segment == "missing" else road.id
    reason = "" if segment == "no reason" else "切分"
    with pytest.raises(error, match=message):
        split_segment(store, county, segment_id, _at(*point), "leader", reason, version=version, now=NOW)
    assert _snapshot(store, county) == before


def test_merging_the_pieces_back_gives_the_original_segment_its_incidents_and_history(store, town):
    county, road = town["county"], town["road"]
    rows = store.assignments_of(county.id, "segment", road.id)
    before = _snapshot(store, county)
    first = split_segment(store, county, road.id, _at(600, 0), "leader", "切分", now=NOW)
    second = split_segment(store, county, road.id, _at(500, 0), "leader", "在拐点切分", now=NOW)  # a vertex
    assert (second.kept.length_m, second.new.length_m) == pytest.approx((500, 100), abs=0.01)
    pieces = [road.id, second.new.id, first.new.id]
    store.add_inspections([Inspection(county.id, "segment", first.new.id, "人大", "npc", NOW, 70.0)])
    versions = {s.id: s.version for s in store.get_targets(county.id, "segment", pieces)}

    done = merge_segments(store, county, pieces[::-1], "leader", "恢复原路段", versions=versions, now=NOW)

    merged = done.segment
    assert (merged.id, sorted(done.removed)) == (road.id, sorted(pieces[1:]))
    assert merged.version == versions[road.id] + 1
    assert merged.length_m == pytest.approx(road.length_m, abs=0.01)
    shapes = to_metric(np.array([merged.geom, road.geom], dtype=object), EPSG)
    assert shapely.hausdorff_distance(*shapes) < 1e-3
    assert merged.geom.coords[0] == road.geom.coords[0]  # runs the way the original ran
    assert store.assignments_of(county.id, "segment", road.id) == rows
    for gone in pieces[1:]:
        with pytest.raises(NotFound):
            store.get_segment(county.id, gone)
        kept_history = store.assignments_of(county.id, "segment", gone)  # history only grows
        assert kept_history and all(a.voided_by is not None for a in kept_history)
        assert done.change_set.id in {a.voided_by for a in kept_history}
    assert {i.segment_id for i in store.list_incidents(county.id) if i.segment_id in pieces} == {road.id}
    assert [i.target_id for i in store.list_inspections(county.id, "segment")] == [road.id, road.id]
    after = _snapshot(store, county)
    assert after["incidents"] == before["incidents"]
    # Two splits and the merge; the inspection added; the splits' copies, voided by the merge.
    grown = {
        "change_set": 3,
        "inspection": 1,
        "assignment": first.copied_assignments + second.copied_assignments,
    }
    assert after["counts"] == {k: n + grown.get(k, 0) for k, n in before["counts"].items()}
    assert done.moved_incidents == 3 and done.moved_inspections == 1
    assert store.get_change_set(county.id, done.change_set.id).geom.geom_type == "LineString"
    assert [s.id for s in store.list_segments(county.id, bbox=_at(900, 0).buffer(1e-5).bounds)] == [road.id]
    assert store.nearest_segment(county.id, _at(980, 4), 30)[0] == road.id


def _assist_from_september(store, town, new_id):
    _post(store, town["county"], "SJ", [posts.Target("segment", new_id)], SEP, role="assist")


def _lead_from_september(store, town, new_id):
    _post(store, town["county"], "SJ", [posts.Target("segment", new_id)], SEP)


@pytest.mark.parametrize(
    ("pick", "change", "error", "message"),
    [
        (("road", "other"), None, InvalidInput, r"路段 #\d+（红荔路）与 #\d+（农园路）不是同一条路"),
        (("road", "far"), None, InvalidInput, r"路段 #\d+（红荔路）与 #\d+（红荔路）首尾不相接"),
        (("road", "new"), _lead_from_september, Conflict,
         r"责任记录不同：2026-09-01 起 #\d+ 由 交警大队 牵头，#\d+ 由 市场监管局 牵头"),
        (("road", "new"), _assist_from_september, Conflict,
         r"2026-09-01 起 #\d+ 的协助单位为 环卫所，#\d+ 的协助单位为 环卫所、市场监管局"),
        (("road",), None, InvalidInput, "合并至少需要两个不同的路段"),
        (("road", "new"), "stale", StaleVersion, "已被修改"),
    ],
)  # fmt: skip
def test_a_refused_merge_changes_nothing(store, town, pick, change, error, message):
    county = town["county"]
    split = split_segment(store, county, town["road"].id, _at(600, 0), "leader", "切分", now=NOW)
    ids = {**{k: town[k].id for k in ("road", "far", "other")}, "new": split.new.id}
    if callable(change):
        change(store, town, split.new.id)
    versions = {ids["road"]: 1} if change == "stale" else None
    before = _snapshot(store, county)
    with pytest.raises(error, match=message):
        merge_segments(store, county, [ids[k] for k in pick], "leader", "合并", versions=versions, now=NOW)
    assert _snapshot(store, county) == before
