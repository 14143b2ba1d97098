"""The public map's facts (layers.public_map) over a hand-made county, on both backends.

社区甲 (code 001, tier 达标) has one grid cell; 社区乙 (002) lies beside it. Units: 甲居委会 leads 甲
(its post names 张三, 13800000000: staff-only), 城管局 assists it, 交警队 leads the cell, and 甲居委会
also assists the cell (listed once). It was awarded 文明社区 in March 2025 and 文明楼院 in June 2025,
withdrawn in January 2026. Now is 5 November 2026 (CST): last month is October, when the patrol
scored 甲 80 (grade B). Closed in October: a case in 甲 and one in its cell (counted), a duplicate
in 甲, a case in 乙 (not counted); closed in September, or only handled: not counted either.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
import shapely
from shapely.geometry import LineString, Point, box

from geodata.assignments.postings import COUNTY_TZ
from geodata.errors import NotFound
from geodata.model import Assignment, County, Incident, Inspection, Photo, Segment, Unit, Zone
from geodata.scores import titles
from layers.public_map import ScoreBand, community_features, community_summary, find_community, search
from tests.support.scoring import set_score_settings

NOW = datetime(2026, 11, 5, 10, tzinfo=COUNTY_TZ)
SINCE = datetime(2025, 1, 1, tzinfo=COUNTY_TZ)
SEP, OCT = datetime(2026, 9, 12, tzinfo=COUNTY_TZ), datetime(2026, 10, 12, tzinfo=COUNTY_TZ)
PRIVATE = ("张三", "13800000000", "李四", "13900000000", "居民王五", "13700000000")


@pytest.fixture
def town(store):
    c = store.add_county(County("990008", "公开县", extent=box(114.0, 22.5, 114.1, 22.6), utm_epsg=32650))
    jia, yi = store.add_zones(
        [Zone(c.id, "community", "001", "社区甲", box(114.00, 22.50, 114.01, 22.51)),
         Zone(c.id, "community", "002", "社区乙", box(114.01, 22.50, 114.02, 22.51))]
    )  # fmt: skip
    (cell,) = store.add_zones(
        [Zone(c.id, "grid", "001001", "甲1号网格", box(114.00, 22.50, 114.005, 22.505), parent_id=jia.id)]
    )
    committee, city, police = store.add_units(
        [Unit(c.id, "JWH", "甲居委会", "community", "0755-11112222"), Unit(c.id, "CG", "城管局", hotline=""),
         Unit(c.id, "JJ", "交警队", hotline="0755-33334444")]
    )  # fmt: skip
    store.assign_many(
        [Assignment(c.id, committee.id, "zone", jia.id, "lead", SINCE, person="张三", phone="13800000000"),
         Assignment(c.id, city.id, "zone", jia.id, "assist", SINCE, person="李四", phone="13900000000"),
         Assignment(c.id, police.id, "zone", cell.id, "lead", SINCE),
         Assignment(c.id, committee.id, "zone", cell.id, "assist", SINCE)]
    )  # fmt: skip
    store.add_segments(
        [Segment(c.id, "甲路", LineString([(114.001, 22.502), (114.004, 22.502)])),
         Segment(c.id, "甲路", LineString([(114.004, 22.502), (114.009, 22.508)])),
         Segment(c.id, "社区甲后街", LineString([(114.002, 22.509), (114.003, 22.509)]))]
    )  # fmt: skip
    titles.confirm_tier(store, c, jia.id, "达标", "2026-09", None, "admin")
    titles.award_title(store, c, jia.id, "文明社区", date(2025, 3, 1), "admin")
    compound = titles.award_title(store, c, jia.id, "文明楼院", date(2025, 6, 1), "admin")
    titles.withdraw_title(store, c, compound.id, date(2026, 1, 1))
    store.add_inspections([Inspection(c.id, "zone", jia.id, "督查", "patrol", OCT, 80.0)])

    def case(zone, status, closed_at, **extra):
        point = Point(114.003, 22.503) if zone is not yi else Point(114.015, 22.505)
        return Incident(c.id, "parking", point, SEP, status, zone_id=zone.id, updated_at=closed_at,
                        reporter="居民王五", contact="13700000000", **extra)  # fmt: skip

    store.add_incidents(
        [case(jia, "closed", OCT), case(cell, "closed", OCT), case(yi, "closed", OCT),
         case(jia, "closed", SEP), case(jia, "handled", OCT)]
    )  # fmt: skip
    first = store.list_incidents(c.id)[0].id
    store.add_incidents([case(jia, "closed", OCT, duplicate_of=first)])
    return c


def test_a_communitys_public_facts(store, town):
    summary = community_summary(store, town, "001", now=NOW)
    assert (summary.name, summary.tier, summary.month) == ("社区甲", "达标", "2026-10")
    assert [(h.title, h.since) for h in summary.titles] == [("文明社区", date(2025, 3, 1))]
    assert summary.band == ScoreBand("B", 75.0, 89.0)
    assert [(g.role, g.name, g.hotline) for g in summary.guards] == [
        ("lead", "甲居委会", "0755-11112222"), ("assist", "城管局", ""), ("grid", "交警队", "0755-33334444"),
    ]  # fmt: skip
    assert summary.fixed == 2


def test_what_leaves_is_public_only(store, town):
    facts = community_summary(store, town, "001", now=NOW).as_dict()
    text = json.dumps(facts, ensure_ascii=False)
    assert not [p for p in PRIVATE if p in text]
    assert "80" not in json.dumps(facts["score_band"]) and "score" not in facts
    assert facts["score_band"] == {"grade": "B", "low": 75.0, "high": 89.0}
    assert facts["titles"] == [{"title": "文明社区", "since": "2025-03-01", "place": None}]
    assert facts["units"][0] == {"name": "甲居委会", "hotline": "0755-11112222", "role": "lead"}
    assert (facts["fixed_last_month"], facts["bbox"]) == (2, [114.0, 22.5, 114.01, 22.51])


def test_an_unscored_month_and_a_stricter_grade(store, town):
    assert community_summary(store, town, "001", now=datetime(2026, 10, 3, tzinfo=COUNTY_TZ)).band is None
    set_score_settings(store, grade_b_min=80.5)
    assert community_summary(store, town, "001", now=NOW).band == ScoreBand("C", 0.0, 80.4)
    assert community_summary(store, town, "002", now=NOW).fixed == 1


def test_only_communities_have_pages(store, town):
    with pytest.raises(NotFound, match="没有编号为“001001”的社区"):
        find_community(store, town, "001001")  # a grid cell
    with pytest.raises(NotFound):
        community_summary(store, town, "404", now=NOW)


def test_the_community_layer_carries_four_properties(store, town):
    layer = community_features(store, town)
    assert [f["properties"] for f in layer["features"]] == [
        {"code": "001", "name": "社区甲", "tier": "达标", "titles": ["文明社区"]},
        {"code": "002", "name": "社区乙", "tier": None, "titles": []},
    ]
    coords = shapely.get_coordinates(shapely.from_geojson(json.dumps(layer["features"][0]["geometry"])))
    assert (coords == coords.round(6)).all()


def test_the_community_layer_is_simplified_to_a_metre(store, town):
    jia = find_community(store, town, "001")
    wobbly = shapely.segmentize(jia.geom, 0.0001)  # a vertex every ~10 m
    bumps = [(x, y + 3e-6 * (i % 2)) for i, (x, y) in enumerate(wobbly.exterior.coords[:-1])]  # 0.3 m
    store.update_zone(Zone(**{**vars(jia), "geom": shapely.Polygon(bumps)}))
    (feature, _) = community_features(store, town)["features"]
    assert len(wobbly.exterior.coords) > 100
    assert len(feature["geometry"]["coordinates"][0]) == 5


def test_search_finds_communities_and_whole_roads(store, town):
    results = search(store, town, "甲")
    assert [(r["kind"], r["name"], r["code"]) for r in results] == [
        ("community", "社区甲", "001"), ("road", "甲路", None), ("road", "社区甲后街", None),
    ]  # fmt: skip
    assert results[1]["bbox"] == [114.001, 22.502, 114.009, 22.508]  # both segments of 甲路
    assert search(store, town, "甲路")[0]["name"] == "甲路"  # the exact name first
    assert [r["name"] for r in search(store, town, "002")] == ["社区乙"]  # by code
    assert search(store, town, "  ") == [] and len(search(store, town, "社区", limit=1)) == 1


def test_units_leading_roads_in_the_community_are_listed_too(store, town):
    sweeper, far = store.add_units(
        [Unit(town.id, "HW", "环卫所", hotline="12319"), Unit(town.id, "FAR", "远处单位")]
    )
    roads = {s.name: s for s in store.list_segments(town.id)}
    (beyond,) = store.add_segments(
        [Segment(town.id, "乙路", LineString([(114.012, 22.505), (114.018, 22.505)]))]
    )
    store.assign_many(
        [Assignment(town.id, sweeper.id, "segment", roads["社区甲后街"].id, "lead", SINCE),
         Assignment(town.id, far.id, "segment", beyond.id, "lead", SINCE)]
    )  # fmt: skip
    guards = community_summary(store, town, "001", now=NOW).guards
    assert [(g.role, g.name) for g in guards][-1] == ("road", "环卫所")
    assert "远处单位" not in {g.name for g in guards}


def test_residents_approved_reports_of_the_last_ninety_days(store, town):
    jia = find_community(store, town, "001")
    cell = next(z for z in store.list_zones(town.id, kind="grid") if z.parent_id == jia.id)

    def report(zone, days_ago, category="parking", source="public", **extra):
        at = NOW - timedelta(days=days_ago)
        return Incident(town.id, category, Point(114.003, 22.503), at, "dispatched", zone_id=zone.id,
                        source=source, contact="13700000000", updated_at=at, **extra)  # fmt: skip

    older = store.add_incident(report(jia, 80))  # filed first: newest first is filing order
    recent = store.add_incident(report(cell, 3))
    store.add_incidents(
        [report(jia, 2, duplicate_of=recent.id), report(jia, 1, source="inspector"), report(jia, 120),
         report(jia, 1, category="staff_conduct")]
    )  # fmt: skip
    store.add_photo(Photo(town.id, recent.id, "orig.jpg", "public.jpg", "image/jpeg", 10, "public", NOW))
    listed = community_summary(store, town, "001", now=NOW).reports
    assert [(r.id, r.category_zh, r.photo) for r in listed] == [
        (recent.id, "乱停车", "public.jpg"),
        (older.id, "乱停车", None),
    ]
    assert "13700000000" not in json.dumps(community_summary(store, town, "001", now=NOW).as_dict())
