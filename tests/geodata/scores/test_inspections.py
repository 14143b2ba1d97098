"""Inspections against their checklists, and who may score what, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import LineString, box

from geodata.errors import Forbidden, InvalidInput, NotFound
from geodata.model import County, Zone
from geodata.scores.inspections import Evaluator, record_inspection
from tests.support.places import two_communities_and_a_road

NOW = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
FULL_SEGMENT = {"posters": 20, "street_vending": 20, "parking": 20, "outdoor_ads": 20, "sanitation": 20}


@pytest.fixture
def place(store):
    c = store.add_county(County("990006", "考核县", extent=box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650))
    line = LineString([(114.002, 22.51), (114.008, 22.51)])
    (committee, _, _), (west, east), road = two_communities_and_a_road(store, c, line, since=T0)
    (cell,) = store.add_zones([Zone(c.id, "grid", "001001", "西社区1号网格", box(114.0, 22.5, 114.005, 22.505),
                                    parent_id=west.id)])  # fmt: skip
    return {"county": c, "west": west, "east": east, "cell": cell, "road": road, "committee": committee}


def test_a_patrol_scores_a_segment_out_of_100(store, place):
    items = {**FULL_SEGMENT, "parking": 12.5, "sanitation": 18}
    made = record_inspection(store, place["county"], Evaluator("督查员王", "patrol"), "segment",
                             place["road"].id, items, now=NOW)  # fmt: skip
    assert made.score == 90.5 and made.items["parking"] == 12.5
    (stored,) = store.list_inspections(place["county"].id, "segment", place["road"].id)
    assert (stored.score, stored.panel, stored.inspector) == (90.5, "patrol", "督查员王")


def test_a_community_checklist_has_its_own_maxima(store, place):
    items = {"posters": 20, "street_vending": 15, "parking": 20, "outdoor_ads": 15, "sanitation": 15}
    made = record_inspection(store, place["county"], Evaluator("人大代表李", "npc"), "zone",
                             place["west"].id, items, now=NOW)  # fmt: skip
    assert made.score == 85.0


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"items": {**FULL_SEGMENT, "parking": 21}}, InvalidInput, "超出范围 0–20"),
        ({"items": {**FULL_SEGMENT, "parking": "好"}}, InvalidInput, "不是数字"),
        (
            {"items": {k: v for k, v in FULL_SEGMENT.items() if k != "parking"}},
            InvalidInput,
            "缺少检查项“车辆停放有序”",
        ),
        ({"items": {**FULL_SEGMENT, "graffiti": 3}}, InvalidInput, "未知的检查项：graffiti"),
        ({"at": NOW + timedelta(days=3)}, InvalidInput, "不能为将来的时间评分"),
        ({"evaluator": Evaluator("无组", None)}, Forbidden, "不属于任何评议组"),
        ({"target_id": 999}, NotFound, "路段 #999 不存在"),
        ({"target_kind": "building"}, InvalidInput, "未知的考核对象类型"),
    ],
)
def test_bad_inspections_store_nothing(store, place, change, error, message):
    args = {"evaluator": Evaluator("督查员王", "patrol"), "target_kind": "segment",
            "target_id": place["road"].id, "items": FULL_SEGMENT, "at": None, **change}  # fmt: skip
    with pytest.raises(error, match=message):
        record_inspection(store, place["county"], args["evaluator"], args["target_kind"], args["target_id"],
                          args["items"], args["at"], now=NOW)  # fmt: skip
    assert store.count(place["county"].id, "inspection") == 0


def test_a_committee_scores_only_what_is_handed_down_to_its_community(store, place):
    c, committee = place["county"], place["committee"]
    member = Evaluator("居委会张", "community", committee.id)
    grid_items = {"posters": 20, "street_vending": 20, "parking": 20, "outdoor_ads": 10, "sanitation": 30}
    assert record_inspection(store, c, member, "zone", place["cell"].id, grid_items, now=NOW).score == 100
    with pytest.raises(Forbidden, match="不在本社区的责任范围内"):
        record_inspection(store, c, member, "zone", place["east"].id, grid_items, now=NOW)
    with pytest.raises(Forbidden, match="不在本社区的责任范围内"):
        record_inspection(store, c, member, "segment", place["road"].id, FULL_SEGMENT, now=NOW)
    with pytest.raises(Forbidden, match="不评议单元网格"):
        record_inspection(
            store, c, Evaluator("政协委员赵", "cppcc"), "zone", place["cell"].id, grid_items, now=NOW
        )
    assert store.count(c.id, "inspection") == 1


def test_a_cell_cannot_be_scored_for_a_time_before_it_was_drawn(store, place):
    c = place["county"]
    (new_cell,) = store.add_zones(
        [Zone(c.id, "grid", "001002", "西社区2号网格", box(114.005, 22.5, 114.01, 22.505), parent_id=place["west"].id,
              created_at=NOW - timedelta(days=1))]
    )  # fmt: skip
    assert store.get_zone(c.id, new_cell.id).created_at == NOW - timedelta(days=1)
    grid_items = {"posters": 20, "street_vending": 20, "parking": 20, "outdoor_ads": 10, "sanitation": 30}
    patrol = Evaluator("督查员王", "patrol")
    with pytest.raises(InvalidInput, match="才划定，不能为之前的时间评分"):
        record_inspection(store, c, patrol, "zone", new_cell.id, grid_items, NOW - timedelta(days=2), now=NOW)
    assert record_inspection(store, c, patrol, "zone", new_cell.id, grid_items, now=NOW).score == 100
    assert store.count(c.id, "inspection") == 1
