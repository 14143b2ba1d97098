"""Postings (who guards what from when), questions about them, and re-routing, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from shapely.geometry import LineString, Point, box

from geodata.assignments import postings as posts
from geodata.assignments.routing import add_routed_incidents
from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.model import County, Incident, Segment, Unit, Zone

NOW = datetime(2026, 11, 1, tzinfo=UTC)
JAN = posts.day_start(date(2026, 1, 1))
MAR_3 = posts.day_start(date(2026, 3, 3))
MAR_20 = posts.day_start(date(2026, 3, 20))


@pytest.fixture
def county(store):
    county = store.add_county(County("440304", "福田示范区", extent=box(114.0, 22.5, 114.1, 22.6)))
    store.add_units([Unit(county.id, "JJ", "交警大队"), Unit(county.id, "CG", "城管执法局")])
    store.add_zones([Zone(county.id, "community", "001", "香蜜湖社区", box(114.0, 22.5, 114.02, 22.52))])
    store.add_segments(
        [
            Segment(county.id, "红荔路", LineString([(114.0, 22.505), (114.01, 22.505)])),
            Segment(county.id, "红荔路辅路", LineString([(114.01, 22.505), (114.02, 22.505)])),
            Segment(county.id, "农园路", LineString([(114.03, 22.5), (114.03, 22.52)])),
        ]
    )
    return county


def _post(unit, targets, since=JAN, **kw):
    return posts.Posting(unit, "lead", targets, since, author="leader", reason="分兵把口", **kw)


def test_a_whole_road_by_name_then_a_mid_year_correction_reroutes(store, county):
    hongli = posts.road_segments(store, county, "红荔路")
    assert len(hongli) == 2  # the road and its 辅路
    applied = posts.apply_posting(
        store, county, _post("JJ", hongli, person="王强", duties=("parking",)), now=JAN
    )
    assert [a.person for a in applied.assignments] == ["王强", "王强"]
    add_routed_incidents(
        store, [Incident(county.id, "parking", Point(114.005, 22.5051), datetime(2026, 4, 1))]
    )
    (incident,) = store.list_incidents(county.id)
    police, city = (posts.find_unit(store, county, c).id for c in ("JJ", "CG"))
    assert incident.unit_id == police

    correction = posts.apply_posting(store, county, _post("CG", hongli, since=MAR_3), now=NOW)
    assert correction.rerouted == 1  # the April case now belongs to city management
    assert store.get_incident(county.id, incident.id).unit_id == city
    on_march_2 = posts.responsible(store, county, hongli[0], posts.day_start(date(2026, 3, 2)))
    assert on_march_2.lead.unit_id == police
    assert posts.responsible(store, county, hongli[0], MAR_3).lead.unit_id == city

    undone = posts.revert(store, county, correction.change_set.id, "leader", "录入错误", now=NOW)
    assert undone.rerouted == 1
    assert store.get_incident(county.id, incident.id).unit_id == police
    assert posts.responsible(store, county, hongli[0], MAR_3).lead.unit_id == police


def test_what_a_unit_guarded_in_a_month_with_lengths_and_areas(store, county):
    posts.apply_posting(store, county, _post("JJ", posts.road_segments(store, county, "红荔路")), now=JAN)
    community = posts.community_of(store, county, "香蜜湖社区")
    posts.apply_posting(store, county, _post("CG", [posts.Target("zone", community.id)]), now=JAN)
    posts.apply_posting(
        store, county, _post("CG", posts.road_segments(store, county, "红荔路"), since=MAR_3), now=NOW
    )
    march = posts.month_span("2026-03")
    police = posts.guarded(store, county, "JJ", *march)
    assert [(i.name, i.valid_to) for i in police] == [("红荔路", MAR_3), ("红荔路辅路", MAR_3)]
    assert sum(i.length_m for i in police) == pytest.approx(2056, rel=0.01)
    city = posts.guarded(store, county, "CG", *march)
    assert {i.target.kind for i in city} == {"zone", "segment"}
    assert [i.area_m2 for i in city if i.target.kind == "zone"][0] == pytest.approx(4.7e6, rel=0.05)
    assert posts.guarded(store, county, "JJ", *posts.month_span("2026-04")) == []


def test_segments_inside_a_community(store, county):
    inside = posts.community_segments(store, county, "001")
    names = {store.get_segment(county.id, t.id).name for t in inside}
    assert names == {"红荔路", "红荔路辅路"}  # 农园路 lies east of the community


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"unit_code": "XX"}, NotFound, "没有单位 'XX'"),
        ({"role": "boss"}, InvalidInput, "未知的责任类型 'boss'"),
        ({"duties": ("graffiti",)}, InvalidInput, "未知的责任类别 graffiti"),
        ({"targets": []}, InvalidInput, "没有选中任何区域或路段"),
        ({"targets": [posts.Target("segment", 99_999)]}, NotFound, "路段 #99999 不存在"),
        ({"reason": " "}, InvalidInput, "请填写调整原因"),
    ],
)
def test_bad_postings_change_nothing(store, county, change, error, message):
    good = _post("JJ", posts.road_segments(store, county, "红荔路"))
    with pytest.raises(error, match=message):
        posts.apply_posting(store, county, posts.Posting(**{**vars(good), **change}), now=NOW)
    assert store.count(county.id, "assignment") == 0 and store.count(county.id, "change_set") == 0


def test_a_second_lead_for_the_same_time_is_refused_whole(store, county):
    hongli = posts.road_segments(store, county, "红荔路")
    posts.apply_posting(store, county, _post("JJ", hongli[1:], since=MAR_3), now=NOW)
    with pytest.raises(Conflict, match="已有自 .* 起的牵头单位"):
        posts.apply_posting(store, county, _post("CG", hongli, since=JAN), now=NOW)
    assert store.count(county.id, "assignment") == 1  # the first target of the refused set rolled back too


def test_month_and_road_errors(store, county):
    with pytest.raises(InvalidInput, match="格式有误，应为 YYYY-MM"):
        posts.month_span("2026/03")
    with pytest.raises(NotFound, match="没有名为 '深南大道' 的道路"):
        posts.road_segments(store, county, "深南大道")
    with pytest.raises(NotFound, match="尚未划分网格"):
        posts.community_cells(store, county, "001")


def test_one_posting_naming_a_target_twice_is_refused_before_the_database(store, county):
    hongli = posts.road_segments(store, county, "红荔路")
    with pytest.raises(Conflict, match=f"路段 #{hongli[0].id} 在一次调整中同一时段被指定了两个牵头单位"):
        posts.apply_posting(store, county, _post("JJ", [hongli[0], *hongli]), now=NOW)
    assert store.count(county.id, "assignment") == 0 and store.count(county.id, "change_set") == 0


def test_a_bulk_posting_closes_every_lead_in_force_in_one_go(store, county):
    segments = posts.road_segments(store, county, "红荔路")
    posts.apply_posting(store, county, _post("JJ", segments), now=NOW)
    moved = posts.apply_posting(store, county, _post("CG", segments, since=MAR_3), now=NOW)
    city = posts.find_unit(store, county, "CG").id
    assert [a.unit_id for a in moved.assignments] == [city, city]
    for target in segments:
        first, second = posts.history(store, county, target)
        assert (first.valid_to, second.valid_from, second.valid_to) == (MAR_3, MAR_3, None)
        assert first.closed_by == moved.change_set.id


# -- rerouting after a change: short writes, nothing lost ----------------------------------------
def _incidents_on_hongli(store, county, n):
    add_routed_incidents(
        store,
        [
            Incident(county.id, "parking", Point(114.001 + i * 0.001, 22.5051), datetime(2026, 4, 1))
            for i in range(n)
        ],
    )


def test_a_reroute_runs_in_batches_and_writes_only_the_routing(store, county):
    hongli = posts.road_segments(store, county, "红荔路")
    posts.apply_posting(store, county, _post("JJ", hongli), now=JAN)
    _incidents_on_hongli(store, county, 5)
    first = store.list_incidents(county.id)[0]
    store.update_incident(replace(first, status="dispatched", description="已派发"))
    posts.apply_posting(store, county, _post("CG", hongli, since=MAR_3), now=MAR_3)  # nothing after yet

    changed = posts.reroute(store, county, MAR_3, batch=2)  # 3 batches: 2, 2, 1

    city = posts.find_unit(store, county, "CG").id
    assert changed == 5
    assert {i.unit_id for i in store.list_incidents(county.id)} == {city}
    kept = store.get_incident(county.id, first.id)
    assert (kept.status, kept.description) == ("dispatched", "已派发")
    assert posts.reroute(store, county, MAR_3, batch=2) == 0


def test_a_change_made_while_a_batch_is_routed_is_not_overwritten(store, county, monkeypatch):
    hongli = posts.road_segments(store, county, "红荔路")
    posts.apply_posting(store, county, _post("JJ", hongli), now=JAN)
    _incidents_on_hongli(store, county, 3)
    posts.apply_posting(store, county, _post("CG", hongli, since=MAR_3), now=MAR_3)
    routed_before_the_race = posts._moved
    raced = []

    def moved_then_someone_posts(*args):
        moved = routed_before_the_race(*args)
        if not raced:  # another leader's correction commits after this batch was routed
            raced.append(MAR_20)
            posts.apply_posting(store, county, _post("JJ", hongli, since=MAR_20), now=NOW)
        return moved

    monkeypatch.setattr(posts, "_moved", moved_then_someone_posts)
    posts.reroute(store, county, MAR_3)

    police = posts.find_unit(store, county, "JJ").id
    assert raced and {i.unit_id for i in store.list_incidents(county.id)} == {police}


def test_a_reroute_cut_short_is_owed_and_finished_later(store, county, monkeypatch):
    hongli = posts.road_segments(store, county, "红荔路")
    posts.apply_posting(store, county, _post("JJ", hongli), now=JAN)
    _incidents_on_hongli(store, county, 2)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the worker stopped after the change committed

    monkeypatch.setattr(posts, "reroute", killed)
    with pytest.raises(KeyboardInterrupt):
        posts.apply_posting(store, county, _post("CG", hongli, since=MAR_3), now=NOW)
    monkeypatch.undo()

    police, city = (posts.find_unit(store, county, c).id for c in ("JJ", "CG"))
    assert {i.unit_id for i in store.list_incidents(county.id)} == {police}  # the change is in, routes not
    (owed,) = store.pending_reroutes()
    assert owed[1:] == (county.id, MAR_3)
    assert posts.settle_pending(store) == 2
    assert {i.unit_id for i in store.list_incidents(county.id)} == {city}
    assert store.pending_reroutes() == []
