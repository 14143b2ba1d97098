"""Checklists effective from a month (issue #20 part 4), on both backends: an inspection is a sheet
against its month's checklist, and one already made keeps its items."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from shapely.geometry import LineString, box

from geodata import clock
from geodata.errors import Conflict, InvalidInput
from geodata.model import ChecklistItem, County
from geodata.scores.checklists import change_checklist, history
from geodata.scores.inspections import Evaluator, record_inspection
from tests.support.places import two_communities_and_a_road

NOVEMBER = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
OLD_SHEET = {"posters": 20, "street_vending": 20, "parking": 20, "outdoor_ads": 20, "sanitation": 10}
NEW_ITEMS = [
    ChecklistItem("segment", "posters", "无牛皮癣", 30, 1),
    ChecklistItem("segment", "parking", "停车有序", 30, 2),
    ChecklistItem("segment", "greening", "绿化完好", 40, 3),
]
PATROL = Evaluator("督查员王", "patrol")


@pytest.fixture
def place(store):
    c = store.add_county(County("990007", "检查县", extent=box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650))
    line = LineString([(114.002, 22.51), (114.008, 22.51)])
    *_, road = two_communities_and_a_road(store, c, line, since=datetime(2026, 1, 1, tzinfo=UTC))
    return c, road


def _codes(items) -> list[str]:
    return [i.code for i in items]


def test_inspections_are_sheets_against_their_months_checklist(store, place):
    county, road = place
    before = record_inspection(store, county, PATROL, "segment", road.id, OLD_SHEET, now=NOVEMBER)
    made = change_checklist(store, "segment", NEW_ITEMS, "2026-12", "admin", reason="增设绿化", now=NOVEMBER)
    assert (made.effective_month, made.total, made.follows) == ("2026-12", 100.0, 0)
    assert _codes(store.list_checklist("segment", "2026-11")) == [*OLD_SHEET]
    assert _codes(store.list_checklist("segment", "2026-12")) == ["posters", "parking", "greening"]
    assert _codes(store.list_checklist("community", "2026-12"))[:1] == ["posters"]  # its own, unchanged
    assert len(store.list_checklist(None, "2026-12")) == 3 + 5 + 5
    # a sheet of November, sent late, is still November's; December's is the new one
    late = record_inspection(store, county, PATROL, "segment", road.id, OLD_SHEET, NOVEMBER, now=DECEMBER)
    new = {"posters": 30, "parking": 15, "greening": 40}
    december = record_inspection(store, county, PATROL, "segment", road.id, new, now=DECEMBER)
    assert (before.score, late.score, december.score) == (90.0, 90.0, 85.0)
    with pytest.raises(InvalidInput, match="未知的检查项：greening"):
        record_inspection(store, county, PATROL, "segment", road.id, new, NOVEMBER, now=DECEMBER)
    kept = store.list_inspections(county.id, "segment", road.id)
    assert [(i.score, i.items) for i in kept] == [
        (90.0, OLD_SHEET), (90.0, OLD_SHEET), (85.0, new)
    ]  # fmt: skip


def test_the_history_of_a_kind(store):
    with clock.pinned_to("2026-11-20"):
        made = change_checklist(store, "segment", NEW_ITEMS, "2027-01", "甲")
        shown = history(store, "segment", "2026-11")
    assert shown.current.effective_month is None and _codes(shown.current.items) == [*OLD_SHEET]
    assert [v.id for v in shown.scheduled] == [made.id] and shown.latest_id == made.id
    assert [v.id for v in shown.versions] == [None, made.id]
    assert history(store, "segment", "2027-03").current.id == made.id
    assert history(store, "grid", "2027-03").current.id is None


def _item(code="posters", name="无牛皮癣", top=100.0, sort=1) -> ChecklistItem:
    return ChecklistItem("segment", code, name, top, sort)


@pytest.mark.parametrize(
    ("kind", "items", "month", "field", "message"),
    [
        ("segment", NEW_ITEMS[:2], "2026-12", "items", "各项满分之和为 60，应为 100"),
        ("segment", [*NEW_ITEMS, _item("extra", top=0.5)], "2026-12", "items", "之和为 100.5"),
        ("segment", NEW_ITEMS, "2026-10", "effective_month", "2026-10 已经过去"),
        ("segment", NEW_ITEMS, "2026-13", "effective_month", "应为 2000-01 至 2100-12 之间的月份"),
        ("road", NEW_ITEMS, "2026-12", "kind", "检查表的对象类型"),
        ("segment", [_item(top=50), _item(top=50)], "2026-12", "items[1].code", "代码 posters 出现了两次"),
        ("segment", [_item("Posters")], "2026-12", "items[0].code", "代码 'Posters' 无效"),
        ("segment", [_item(name="  ")], "2026-12", "items[0].name", "名称应有 1 至 100 个字"),
        ("segment", [_item(top=0), _item("b", top=100)], "2026-12", "items[0].max", "满分应大于 0"),
        ("segment", [_item(top=float("inf"))], "2026-12", "items[0].max", "满分应大于 0"),
        ("segment", [_item(sort=-1)], "2026-12", "items[0].sort", "顺序应为 0 至 9999"),
        ("segment", [], "2026-12", "items", "应有 1 至 20 项"),
        ("segment", [_item(f"i{n}", top=4) for n in range(25)], "2026-12", "items", "而不是 25 项"),
    ],
)
def test_refusals_name_the_problem_and_store_nothing(store, kind, items, month, field, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        change_checklist(store, kind, items, month, "admin", now=NOVEMBER)
    assert refused.value.details["field"] == field and refused.value.en
    assert [v.id for v in store.checklist_versions()] == [None, None, None]


def test_the_same_list_again_is_nothing_to_save(store):
    same = [
        ChecklistItem("grid", i.code, i.name_zh, i.max_score, i.sort)
        for i in store.list_checklist("grid", "2026-12")
    ]
    with pytest.raises(InvalidInput, match="没有要保存的修改"):
        change_checklist(store, "grid", same, "2026-12", "admin", now=NOVEMBER)


def test_an_edit_from_a_stale_page_is_a_conflict(store):
    first = change_checklist(store, "segment", NEW_ITEMS, "2027-01", "甲", now=NOVEMBER, seen=0)
    with pytest.raises(Conflict, match="已被修改"):
        change_checklist(store, "segment", [NEW_ITEMS[2], _item("x", top=60)], "2027-02", "乙",
                         now=NOVEMBER, seen=0)  # fmt: skip
    assert [v.id for v in store.checklist_versions("segment")] == [None, first.id]
    other = change_checklist(store, "grid", NEW_ITEMS, "2027-01", "乙", now=NOVEMBER, seen=0)  # its own kind
    assert other.follows == 0


def test_the_history_is_kept_by_the_database(store):
    change_checklist(store, "segment", NEW_ITEMS, "2027-01", "甲", now=NOVEMBER)
    for sql in (
        "UPDATE checklist_version SET reason = 'x'",
        "DELETE FROM checklist_version",
        "UPDATE checklist_version_item SET max_score = 1",
        "DELETE FROM checklist_version_item",
        "UPDATE checklist_item SET max_score = 1",
    ):
        with pytest.raises(Exception, match="append-only"), store.transaction():
            store._execute(sql)
    assert store.list_checklist("segment", "2027-01")[2].max_score == 40
