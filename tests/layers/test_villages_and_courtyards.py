"""Villages (村) where communities are scored, ranked and shown, and courtyards (楼院) where cells
are guarded, on both backends (issue #17 part 5).

    甲社区 (code A, led by 甲居委会) | 乙村 (code V, nobody leads it)
    with 甲一院 (A01) inside 甲, nobody leads it either
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from shapely.geometry import box

from geodata.errors import InvalidInput, NotFound
from geodata.model import Assignment, County, Unit, Zone
from geodata.scores import titles
from layers import search, zones
from layers.coverage import coverage_report
from layers.public_map import community_features, community_summary, find_community
from layers.public_map import search as public_search
from layers.tiers import propose_tiers
from tests.support.tiles import features, tile_at

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 5, 5, tzinfo=UTC)
AREA = box(114.00, 22.50, 114.02, 22.51)


@pytest.fixture
def place(store):
    c = store.add_county(County("990034", "城乡县", extent=AREA, boundary=AREA, utm_epsg=32650))
    (committee,) = store.add_units([Unit(c.id, "JWH", "甲居委会", "community")])
    community, village = store.add_zones([
        Zone(c.id, "community", "A", "甲社区", box(114.00, 22.50, 114.01, 22.51)),
        Zone(c.id, "village", "V", "乙村", box(114.01, 22.50, 114.02, 22.51)),
    ])  # fmt: skip
    (courtyard,) = store.add_zones(
        [
            Zone(
                c.id,
                "courtyard",
                "A01",
                "甲一院",
                box(114.002, 22.502, 114.004, 22.504),
                parent_id=community.id,
            )
        ]
    )
    store.assign(Assignment(c.id, committee.id, "zone", community.id, "lead", T0))
    return {"county": c, "community": community, "village": village, "courtyard": courtyard}


def test_a_village_is_on_the_public_map_with_its_page_and_found_by_name(store, place):
    c = place["county"]
    assert [f["properties"]["code"] for f in community_features(store, c)["features"]] == ["A", "V"]
    assert community_summary(store, c, "V", now=NOW).name == "乙村"
    (found,) = public_search(store, c, "乙")
    assert (found["kind"], found["code"]) == ("village", "V")
    with pytest.raises(NotFound, match="A01"):
        find_community(store, c, "A01")  # a courtyard has no public page


def test_the_leaders_map_finds_courtyards_and_draws_villages_as_communities(store, place):
    c = place["county"]
    assert [(r["kind"], r["code"]) for r in search.search(store, c, "甲一院")] == [("courtyard", "A01")]
    drawn = zones.features(store, c, AREA.bounds, 14)["features"]
    assert [(f["properties"]["kind"], f["properties"]["unit_name"]) for f in drawn] == [
        ("community", "甲居委会"), ("village", None)
    ]  # fmt: skip


def test_a_village_is_proposed_a_tier_and_given_one_a_courtyard_is_not(store, place):
    c = place["county"]
    assert [p.code for p in propose_tiers(store, c, "2026-04")] == ["A", "V"]
    titles.confirm_tier(store, c, place["village"].id, "达标", "2026-04", None, "admin")
    assert store.get_zone(c.id, place["village"].id).tier == "达标"
    with pytest.raises(InvalidInput, match="甲一院 不是社区或村"):
        titles.confirm_tier(store, c, place["courtyard"].id, "达标", "2026-04", None, "admin")


def test_coverage_counts_the_village_as_covering_and_names_the_unguarded_village_and_courtyard(store, place):
    report = coverage_report(store, place["county"], at=NOW)
    assert report.uncovered == []  # 甲 and 乙村 together cover the county
    gaps = [(z.kind, z.code) for z in report.unguarded_zones]
    assert gaps == [("village", "V"), ("courtyard", "A01")]


def test_the_zones_tiles_hold_villages_always_and_courtyards_with_the_cells(store, place):
    c = place["county"]
    kinds = {}
    for z in (14, 15):
        tile = tile_at(114.003, 22.503, z)
        kinds[z] = sorted(
            f["properties"]["kind"] for f in features(store.vector_tile(c.id, "zones", tile, NOW), "zones")
        )
    assert kinds == {14: ["community", "village"], 15: ["community", "courtyard"]}  # the z15 tile is in 甲


def test_a_village_overlapping_a_community_is_an_overlap_of_one_level(store, place):
    c = place["county"]
    store.add_zones([Zone(c.id, "village", "W", "丙村", box(114.009, 22.50, 114.01, 22.51))])  # in 甲社区
    (pair,) = coverage_report(store, c, at=NOW).overlaps
    assert (pair.kind, pair.names) == ("community", ("甲社区", "丙村")) and pair.area_m2 > 10_000


def test_a_courtyard_may_be_a_civilized_courtyard_and_its_community_page_says_so(store, place):
    c, yard = place["county"], place["courtyard"]
    titles.award_title(store, c, yard.id, "文明楼院", NOW.date(), "admin")
    assert store.get_zone(c.id, yard.id).titles == ("文明楼院",)
    with pytest.raises(InvalidInput, match="甲一院 是楼院，不能授予文明社区") as refused:
        titles.award_title(store, c, yard.id, "文明社区", NOW.date(), "admin")
    assert refused.value.en == "甲一院 is a courtyard: it cannot be given the title 文明社区"
    held = community_summary(store, c, "A", now=NOW).titles
    assert [(h.title, h.place) for h in held] == [("文明楼院", "甲一院")]
    assert community_summary(store, c, "V", now=NOW).titles == []  # another community's courtyard: not here
