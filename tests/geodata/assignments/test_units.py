"""Units as administrators keep them (issue #20 part 2), on both backends: creating one (a taken
code refused, nothing stored), editing it against the version seen, retiring it (refused while it
guards something, naming what), and merging one into another as of a day in one change set."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from shapely.geometry import LineString, box

from geodata.assignments import postings as posts
from geodata.assignments.merges import merge_units, plan_merge
from geodata.assignments.units import (
    ContactEdit,
    UnitFields,
    create_unit,
    edit_unit,
    in_service,
    retire_unit,
    unit_rows,
)
from geodata.errors import Conflict, InvalidInput, NotFound, StaleVersion
from geodata.model import County, Segment, Unit, Zone
from geodata.notify.model import UnitContact

NOW = datetime(2026, 11, 1, tzinfo=UTC)
TODAY = date(2026, 11, 1)
JAN = posts.day_start(date(2026, 1, 1))


@pytest.fixture
def county(store):
    """JJ leads 红荔路 and its 辅路 and assists 香蜜湖社区, which CG leads; HW guards nothing."""
    county = store.add_county(County("440304", "福田示范区", extent=box(114.0, 22.5, 114.1, 22.6)))
    store.add_units([Unit(county.id, "JJ", "交警大队"), Unit(county.id, "CG", "城管执法局"),
                     Unit(county.id, "HW", "环卫所")])  # fmt: skip
    store.add_zones([Zone(county.id, "community", "001", "香蜜湖社区", box(114.0, 22.5, 114.02, 22.52))])
    store.add_segments(
        [Segment(county.id, "红荔路", LineString([(114.0, 22.505), (114.01, 22.505)])),
         Segment(county.id, "红荔路辅路", LineString([(114.01, 22.505), (114.02, 22.505)]))]
    )  # fmt: skip
    road = posts.road_segments(store, county, "红荔路")
    zone = [posts.Target("zone", posts.community_of(store, county, "香蜜湖社区").id)]
    for unit, role, targets in (("JJ", "lead", road), ("CG", "lead", zone), ("JJ", "assist", zone)):
        posting = posts.Posting(
            unit, role, targets, JAN, "leader", "分兵把口", person="王强", duties=("parking",)
        )
        posts.apply_posting(store, county, posting, now=JAN)
    return county


def _unit(store, county, code):
    return store.get_unit_by_code(county.id, code)


def test_a_unit_is_created_with_its_people_and_contacts_and_a_taken_code_stores_nothing(store, county):
    fields = UnitFields(
        " 市场监管所 ", "bureau", "0755-12315", "李明", "13800000000", "张伟", "0755 8888 0000"
    )
    made = create_unit(store, county, "SJ", fields, UnitContact("duty@sj.example.cn"))
    got = store.get_unit(county.id, made.id)
    assert (got.name, got.head, got.duty_phone, got.version, got.retired_at) == (
        "市场监管所", "李明", "0755 8888 0000", 1, None,
    )  # fmt: skip
    assert store.get_unit_contact(county.id, made.id).email == "duty@sj.example.cn"
    with pytest.raises(Conflict, match="JJ") as refused:
        create_unit(store, county, "JJ", UnitFields("另一个交警"), UnitContact())
    assert refused.value.details["field"] == "code"
    with pytest.raises(InvalidInput) as bad:
        create_unit(store, county, "XX", UnitFields("某单位", duty_phone="call me"), UnitContact())
    assert bad.value.details["field"] == "duty_phone"
    with pytest.raises(InvalidInput):
        create_unit(store, county, "YY", UnitFields("某单位"), UnitContact(wecom_url="ftp://x"))
    assert sorted(u.code for u in store.list_units(county.id)) == ["CG", "HW", "JJ", "SJ"]


def test_an_edit_on_an_older_version_is_refused_naming_what_differs(store, county):
    unit = _unit(store, county, "HW")
    store.set_unit_contact(
        county.id,
        unit.id,
        UnitContact("", "", "https://oapi.dingtalk.com/robot/send?access_token=t", "SECabcdefgh1234"),
    )
    first = edit_unit(
        store, county, unit.id, 1, UnitFields("环卫所", duty_officer="赵六"), ContactEdit("hw@example.cn")
    )
    assert first.unit.version == 2 and set(first.changed) == {"duty_officer", "email"}
    kept = store.get_unit_contact(county.id, unit.id)
    assert kept.dingtalk_secret == "SECabcdefgh1234"  # an empty secret field keeps the secret
    assert first.contact["dingtalk_secret"] == "…1234" and "access_token" not in first.contact["dingtalk_url"]
    with pytest.raises(StaleVersion) as stale:
        edit_unit(
            store, county, unit.id, 1, UnitFields("环卫站", duty_officer="赵六"), ContactEdit("hw@example.cn")
        )
    assert "第 1 版" in stale.value.message and "第 2 版" in stale.value.message
    assert stale.value.details["stale"][0]["fields"] == ["name"]
    assert "name" in stale.value.en
    assert store.get_unit(county.id, unit.id).name == "环卫所"
    cleared = edit_unit(
        store, county, unit.id, 2, UnitFields("环卫站"), ContactEdit(clear=frozenset({"dingtalk"}))
    )
    assert cleared.unit.version == 3
    assert store.get_unit_contact(county.id, unit.id) == UnitContact()


def test_a_unit_with_posts_cannot_retire_and_a_retired_one_keeps_its_past(store, county):
    police = _unit(store, county, "JJ")
    with pytest.raises(Conflict) as refused:
        retire_unit(store, county, police.id, 1, TODAY, today=TODAY)
    message = refused.value.message
    assert "3 处责任" in message and "红荔路（路段 #" in message and "香蜜湖社区（001）" in message
    assert "3 posts in force" in refused.value.en
    road = posts.road_segments(store, county, "红荔路")
    posts.apply_posting(
        store,
        county,
        posts.Posting("CG", "lead", road, posts.day_start(date(2026, 6, 1)), "l", "调整"),
        now=NOW,
    )
    hw = _unit(store, county, "HW")
    retired = retire_unit(store, county, hw.id, 1, date(2026, 10, 1), today=TODAY)
    assert retired.retired_at == posts.day_start(date(2026, 10, 1)) and retired.version == 2
    assert hw.id in {u.id for u in store.list_units(county.id)}  # its past still names it
    assert hw.id not in {u.id for u in in_service(store.list_units(county.id))}
    with pytest.raises(Conflict, match="撤销"):
        posts.apply_posting(
            store,
            county,
            posts.Posting("HW", "lead", road, posts.day_start(date(2026, 12, 1)), "l", "x"),
            now=NOW,
        )
    with pytest.raises(Conflict):
        retire_unit(store, county, hw.id, 2, TODAY, today=TODAY)
    with pytest.raises(InvalidInput):
        retire_unit(store, county, police.id, 1, date(2026, 12, 1), today=TODAY)
    rows = {r.unit.code: r.posts for r in unit_rows(store, county, now=NOW)}
    assert rows == {"CG": 3, "HW": 0, "JJ": 1}


def test_a_merge_moves_every_post_in_one_change_set_and_its_revert_undoes_it(store, county):
    police, city = _unit(store, county, "JJ"), _unit(store, county, "HW")
    on = date(2026, 10, 1)
    merged = merge_units(store, county, police.id, "HW", on, 1, "admin", "机构改革", now=NOW)
    assert len(merged.opened) == 3 and merged.ended == 3
    assert {(a.target_kind, a.role, a.person) for a in merged.opened} == {
        ("segment", "lead", "王强"), ("zone", "assist", "王强"),
    }  # fmt: skip
    assert store.get_unit(county.id, police.id).retired_by == merged.change_set.id
    road = posts.road_segments(store, county, "红荔路")[0]
    before = posts.responsible(store, county, road, posts.day_start(date(2026, 9, 30)))
    after = posts.responsible(store, county, road, posts.day_start(on))
    assert (before.lead.unit_id, after.lead.unit_id) == (police.id, city.id)
    zone = posts.Target("zone", posts.community_of(store, county, "香蜜湖社区").id)
    assert [a.unit_id for a in posts.responsible(store, county, zone, NOW).assists] == [city.id]
    (summary,) = store.list_change_sets(county.id, 1)
    assert (summary.change_set.id, summary.targets, summary.change_set.reason) == (
        merged.change_set.id,
        3,
        "机构改革",
    )
    assert store.unit_assignments(county.id, police.id, posts.day_start(on), NOW) == []

    posts.revert(store, county, merged.change_set.id, "admin", "合并有误", now=NOW)
    back = store.get_unit(county.id, police.id)
    assert back.retired_at is None and back.retired_by is None
    assert posts.responsible(store, county, road, NOW).lead.unit_id == police.id
    assert [a.unit_id for a in posts.responsible(store, county, zone, NOW).assists] == [police.id]


def test_a_merge_is_refused_into_itself_a_retired_unit_or_before_a_later_change(store, county):
    police, hw = _unit(store, county, "JJ"), _unit(store, county, "HW")
    with pytest.raises(InvalidInput, match="自己"):
        plan_merge(store, county, police.id, "JJ", TODAY, 1)
    with pytest.raises(NotFound):
        plan_merge(store, county, police.id, "NOPE", TODAY, 1)
    with pytest.raises(InvalidInput, match="请选择"):
        plan_merge(store, county, police.id, " ", TODAY, 1)
    with pytest.raises(StaleVersion):
        plan_merge(store, county, police.id, "CG", TODAY, 7)
    retire_unit(store, county, hw.id, 1, TODAY, today=TODAY)
    with pytest.raises(Conflict, match="HW"):
        plan_merge(store, county, police.id, "HW", TODAY, 1)
    road = posts.road_segments(store, county, "红荔路")
    posts.apply_posting(
        store,
        county,
        posts.Posting("CG", "lead", road[:1], posts.day_start(date(2026, 6, 1)), "l", "调整"),
        now=NOW,
    )
    with pytest.raises(Conflict) as later:
        merge_units(store, county, police.id, "CG", date(2026, 3, 1), 1, "admin", "并入", now=NOW)
    assert later.value.details["earliest"] == "2026-06-01"
    assert store.get_unit(county.id, police.id).retired_at is None
    assert plan_merge(store, county, police.id, "CG", date(2026, 6, 1), 1).leads  # from that day it may
