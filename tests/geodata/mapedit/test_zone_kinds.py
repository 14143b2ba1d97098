"""村 (village) and 楼院 (courtyard) beside 街道, 社区 and 单元网格 (issue #17 part 5), on both backends:
an older database upgrades keeping its zones and what refers to them, import-zones stores the new
kinds, a courtyard wins routing over its community, and an unknown kind is still refused.

    y=200 +-------------------+-------------------+
          |  甲社区 (community) |  乙村 (village)    |
          |   +-----+         |                   |      院 = [20, 80] × [20, 80], a courtyard
          |   | 院  |  +--+    |                   |      格 = [60, 100] × [60, 100], a grid cell
          |   +-----+  +--+    |                   |      overlapping the courtyard's corner
      y=0 +-------------------+-------------------+
          x=0                200                 400
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, box, mapping
from shapely.testing import assert_geometries_equal

from geodata.assignments.routing import route_points
from geodata.errors import Forbidden, InvalidInput, TilingError
from geodata.geo.geometry import from_metric, to_metric, utm_epsg_for
from geodata.io import imports as io
from geodata.mapedit.zone_context import edit_context
from geodata.mapedit.zones import Outline, check_zone_edit
from geodata.model import (
    ZONE_FINENESS,
    ZONE_KINDS,
    Assignment,
    County,
    Incident,
    Inspection,
    TierDecision,
    TitleAward,
    Unit,
    Zone,
)
from geodata.scores.inspections import Evaluator, record_inspection
from tests.support.databases import older_store
from tests.support.io import CODE, EAST, WEST, row_counts, streets_county, write_layer

ORIGIN = (113.95, 22.58)
EPSG = utm_epsg_for(*ORIGIN)
X0, Y0 = shapely.get_coordinates(to_metric(Point(ORIGIN), EPSG))[0]
T0 = datetime(2026, 1, 1, tzinfo=UTC)
MARCH = datetime(2026, 3, 10, 9, tzinfo=UTC)


@pytest.fixture
def county(store, tmp_path) -> County:
    """The test county with the street grid, whose hull became its extent."""
    return streets_county(store, tmp_path)


def ll(geom):
    """A shape drawn in metres from ORIGIN, as lon/lat."""
    return from_metric(shapely.transform(geom, lambda xy: xy + (X0, Y0)), EPSG)


def at(x: float, y: float) -> Point:
    return ll(Point(x, y))


def test_the_kinds_and_their_fineness():
    assert ZONE_KINDS == ("subdistrict", "community", "village", "courtyard", "grid")
    assert set(ZONE_FINENESS) == set(ZONE_KINDS)
    fineness = [ZONE_FINENESS[k] for k in ("grid", "courtyard", "community", "subdistrict")]
    assert fineness == sorted(fineness) and len(set(fineness)) == 4  # finest first, as before
    assert ZONE_FINENESS["village"] == ZONE_FINENESS["community"]


# -- the upgrade --------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_an_older_database_keeps_its_zones_and_their_references_on_upgrade(backend, tmp_path, request):
    with older_store(request, backend, tmp_path, knew="zone_kinds.sql") as (store, newer):
        old = _an_older_county(store)
        assert store.migrate() == [p.name for p in newer]
        _the_older_county_is_whole(store, old)
        _the_new_kinds_are_stored_and_the_rules_still_hold(store, old)


def _an_older_county(store) -> dict:
    """A county with zones and every kind of row that refers to a zone."""
    c = store.add_county(County("990031", "旧县", extent=ll(box(-300, -300, 700, 500)), utm_epsg=EPSG))
    (unit,) = store.add_units([Unit(c.id, "JWH", "甲居委会")])
    (community,) = store.add_zones(
        [Zone(c.id, "community", "990031001001", "甲社区", ll(box(0, 0, 200, 200)))]
    )
    (cell,) = store.add_zones(
        [
            Zone(
                c.id,
                "grid",
                "990031001001001",
                "甲1号网格",
                ll(box(60, 60, 100, 100)),
                parent_id=community.id,
            )
        ]
    )
    community = store.update_zone(community)  # version 2
    store.assign(Assignment(c.id, unit.id, "zone", community.id, "lead", T0))
    store.add_tier_decision(TierDecision(c.id, community.id, "2026-01", "达标", "admin", T0, "达标"))
    store.award_title(TitleAward(c.id, community.id, "文明社区", date(2026, 1, 5), "admin"))
    store.add_incidents(
        [Incident(c.id, "parking", at(150, 150), MARCH, zone_id=community.id, unit_id=unit.id)]
    )
    store.add_inspections([Inspection(c.id, "zone", cell.id, "督查员", "patrol", MARCH, 90.0, {})])
    community, cell = store.get_zone(c.id, community.id), store.get_zone(c.id, cell.id)  # as they now are
    assert community.version >= 2
    return {"county": c, "unit": unit, "community": community, "cell": cell}


def _the_older_county_is_whole(store, old: dict) -> None:
    c, community, cell = old["county"], old["community"], old["cell"]
    zones = {z.id: z for z in store.list_zones(c.id)}
    assert sorted(zones) == sorted([community.id, cell.id])
    for before in (community, cell):
        after = zones[before.id]
        assert (after.kind, after.code, after.name, after.parent_id, after.version, after.area_m2) == (
            before.kind, before.code, before.name, before.parent_id, before.version, before.area_m2
        )  # fmt: skip
        assert_geometries_equal(after.geom, before.geom, normalize=True)
    assert [d.tier for d in store.list_tier_decisions(c.id, community.id)] == ["达标"]
    assert [a.title for a in store.list_titles(c.id, community.id)] == ["文明社区"]
    assert [i.zone_id for i in store.list_incidents(c.id)] == [community.id]
    assert [i.target_id for i in store.list_inspections(c.id, "zone")] == [cell.id]
    assert store.zones_at(c.id, [at(150, 150), at(80, 80)]) == [community.id, cell.id]  # the spatial index
    assert store.lead_units(c.id, "zone", [community.id], [MARCH]) == [old["unit"].id]


def _the_new_kinds_are_stored_and_the_rules_still_hold(store, old: dict) -> None:
    c, community = old["county"], old["community"]
    version = store.map_version()
    village, courtyard = store.add_zones([
        Zone(c.id, "village", "990031001002", "乙村", ll(box(200, 0, 400, 200))),
        Zone(c.id, "courtyard", "990031001001002", "甲一院", ll(box(20, 20, 80, 80)), parent_id=community.id),
    ])  # fmt: skip
    assert store.map_version() > version  # the zone table's triggers came back with it
    assert store.get_zone(c.id, courtyard.id).parent_id == community.id
    assert store.zones_at(c.id, [at(30, 30), at(300, 100)]) == [courtyard.id, village.id]
    # The database still refuses what it refused: an unknown kind, and losing a referenced zone.
    with pytest.raises(Exception, match="(?i)check"):
        store._execute("UPDATE zone SET kind = 'district' WHERE id = %(id)s", {"id": village.id})
    with pytest.raises(Exception, match="(?i)foreign key"):
        store._execute("DELETE FROM zone WHERE id = %(id)s", {"id": community.id})
    assert store.get_zone(c.id, village.id).kind == "village"


# -- import-zones --------------------------------------------------------------------------------------


def _zones_file(tmp_path, name: str, names: list[str], geoms: list):
    return write_layer(gpd.GeoDataFrame({"name": names}, geometry=geoms, crs=4326), "geojson", tmp_path, name)


def test_import_zones_stores_villages_and_courtyards_in_their_parents(store, county, tmp_path):
    io.import_zones(store, CODE, _zones_file(tmp_path, "west", ["西园社区"], [WEST]), "community")
    summary = io.import_zones(store, CODE, _zones_file(tmp_path, "east", ["东湖村"], [EAST]), "village")
    assert summary.stored == 1 and summary.layer == "village zones"
    yards = [box(114.001, 22.511, 114.003, 22.513), box(114.012, 22.501, 114.014, 22.503)]
    summary = io.import_zones(
        store, CODE, _zones_file(tmp_path, "yards", ["西园一院", "东湖一院"], yards), "courtyard"
    )
    assert summary.stored == 2
    cell = box(114.001, 22.501, 114.004, 22.504)
    io.import_zones(store, CODE, _zones_file(tmp_path, "cell", ["西园一网格"], [cell]), "grid")
    zones = {z.name: z for z in store.list_zones(county.id)}
    west, east = zones["西园社区"], zones["东湖村"]
    assert (west.kind, east.kind) == ("community", "village")
    # 社区 and 村 are numbered together, as are a community's courtyards and cells: one code each.
    assert (west.code, east.code) == (f"{CODE}001001", f"{CODE}001002")
    assert (zones["西园一院"].kind, zones["西园一院"].parent_id, zones["西园一院"].code) == (
        "courtyard", west.id, f"{west.code}001"
    )  # fmt: skip
    assert (zones["东湖一院"].parent_id, zones["东湖一院"].code) == (east.id, f"{east.code}001")
    assert (zones["西园一网格"].parent_id, zones["西园一网格"].code) == (west.id, f"{west.code}002")
    assert [z.name for z in store.list_zones(county.id, kind=("community", "village"))] == [
        "西园社区",
        "东湖村",
    ]


def test_the_overlap_check_of_an_import_stays_within_one_kind(store, county, tmp_path):
    io.import_zones(store, CODE, _zones_file(tmp_path, "west", ["西园社区"], [WEST]), "community")
    yard = box(114.001, 22.511, 114.003, 22.513)
    io.import_zones(store, CODE, _zones_file(tmp_path, "yard", ["西园一院"], [yard]), "courtyard")  # in 西园
    before = row_counts(store, county.id)
    bigger = _zones_file(tmp_path, "bigger", ["西园大院"], [box(114.002, 22.512, 114.004, 22.514)])
    with pytest.raises(InvalidInput, match="1 行中有 1 行与已有的楼院重叠，未保存任何数据") as refused:
        io.import_zones(store, CODE, bigger, "courtyard")
    assert "overlaps stored courtyard 西园一院" in refused.value.message
    assert row_counts(store, county.id) == before
    # a village over a community is a matter for the coverage report (同级区域重叠), not a refusal here
    assert io.import_zones(store, CODE, _zones_file(tmp_path, "v", ["西园村"], [WEST]), "village").stored == 1


def test_an_unknown_kind_is_refused_in_chinese_naming_the_kinds(store, county, tmp_path):
    before = row_counts(store, county.id)
    with pytest.raises(InvalidInput) as refused:
        io.import_zones(store, CODE, _zones_file(tmp_path, "west", ["西园社区"], [WEST]), "district")
    assert refused.value.message == (
        "未知的区域类型 'district'：可选 subdistrict（街道）、community（社区）、village（村）、"
        "courtyard（楼院）、grid（单元网格）"
    )
    assert refused.value.details["field"] == "kind" and row_counts(store, county.id) == before


# -- routing -------------------------------------------------------------------------------------------


def test_the_finest_zone_wins_routing_a_courtyard_over_its_community(store):
    c = store.add_county(County("990032", "路由县", extent=ll(box(-300, -300, 700, 500)), utm_epsg=EPSG))
    ua, uy, uv = store.add_units(
        [Unit(c.id, "UA", "甲社区居委会"), Unit(c.id, "UY", "物业"), Unit(c.id, "UV", "乙村委会")]
    )
    community, village = store.add_zones([
        Zone(c.id, "community", "A", "甲社区", ll(box(0, 0, 200, 200))),
        Zone(c.id, "village", "V", "乙村", ll(box(200, 0, 400, 200))),
    ])  # fmt: skip
    courtyard, cell = store.add_zones([
        Zone(c.id, "courtyard", "A01", "甲一院", ll(box(20, 20, 80, 80)), parent_id=community.id),
        Zone(c.id, "grid", "A001", "甲1号网格", ll(box(60, 60, 100, 100)), parent_id=community.id),
    ])  # fmt: skip
    (district,) = store.add_zones([Zone(c.id, "subdistrict", "S", "某街道", ll(box(-100, -100, 500, 300)))])
    for unit, zone in ((ua, community), (uy, courtyard), (uv, village)):
        store.assign(Assignment(c.id, unit.id, "zone", zone.id, "lead", T0))
    points = [at(30, 30), at(150, 150), at(70, 70), at(90, 90), at(300, 100), at(-50, -50)]
    routes = route_points(store, c.id, points, [MARCH] * len(points))
    assert [r.zone_id for r in routes] == [
        courtyard.id,
        community.id,
        cell.id,
        cell.id,
        village.id,
        district.id,
    ]
    # the courtyard's lead unit answers there; the cell has none (a coverage gap, as before)
    assert [r.unit_id for r in routes] == [uy.id, ua.id, None, None, uv.id, None]


# -- redrawing outlines ---------------------------------------------------------------------------------


def _drawn_county(store):
    c = store.add_county(County("990033", "界线县", extent=ll(box(-300, -300, 700, 500)), utm_epsg=EPSG))
    community, village = store.add_zones([
        Zone(c.id, "community", "A", "甲社区", ll(box(0, 0, 200, 200))),
        Zone(c.id, "village", "V", "乙村", ll(box(200, 0, 400, 200))),
    ])  # fmt: skip
    (courtyard,) = store.add_zones(
        [Zone(c.id, "courtyard", "A01", "甲一院", ll(box(20, 20, 80, 80)), parent_id=community.id)]
    )
    return c, community, village, courtyard


def test_a_community_and_a_village_share_their_edge_as_two_communities_do(store):
    c, community, village, _ = _drawn_county(store)
    with pytest.raises(TilingError, match="甲社区将与乙村（V）新增重叠 2,000.0 m²"):
        check_zone_edit(store, c, community.id, mapping(ll(box(0, 0, 210, 200))), community.version)
    also = [Outline(village.id, mapping(ll(box(210, 0, 400, 200))), village.version)]
    preview = check_zone_edit(
        store, c, community.id, mapping(ll(box(0, 0, 210, 200))), community.version, also=also
    )
    assert {e.zone.name for e in preview.zones} == {"甲社区", "乙村"}
    assert [s.name for s in edit_context(store, c, village.id).siblings] == ["甲社区"]


def test_a_courtyard_may_shrink_but_not_leave_its_community(store):
    c, _, _, courtyard = _drawn_county(store)
    smaller = check_zone_edit(store, c, courtyard.id, mapping(ll(box(20, 20, 60, 60))), courtyard.version)
    assert [e.zone.name for e in smaller.zones] == ["甲一院"]  # what it gives up stays the community's
    with pytest.raises(TilingError, match="甲一院将有 .* m² 超出甲社区"):
        check_zone_edit(store, c, courtyard.id, mapping(ll(box(-20, 20, 80, 80))), courtyard.version)


# -- inspections -----------------------------------------------------------------------------------------

COMMUNITY_ITEMS = {"posters": 20, "street_vending": 15, "parking": 20, "outdoor_ads": 15, "sanitation": 30}
GRID_ITEMS = {"posters": 20, "street_vending": 20, "parking": 20, "outdoor_ads": 10, "sanitation": 30}


def test_a_village_is_scored_as_a_community_and_a_courtyard_as_a_cell(store):
    c, community, village, courtyard = _drawn_county(store)
    (committee,) = store.add_units([Unit(c.id, "JWH", "甲居委会", "community")])
    store.assign(Assignment(c.id, committee.id, "zone", community.id, "lead", T0))
    patrol, npc = Evaluator("督查员王", "patrol"), Evaluator("人大代表李", "npc")
    assert record_inspection(store, c, npc, "zone", village.id, COMMUNITY_ITEMS, now=MARCH).score == 100
    assert record_inspection(store, c, patrol, "zone", courtyard.id, GRID_ITEMS, now=MARCH).score == 100
    with pytest.raises(Forbidden, match="不评议单元网格和楼院"):
        record_inspection(store, c, npc, "zone", courtyard.id, GRID_ITEMS, now=MARCH)
    # a community committee scores the courtyards of the community it leads, as it does its cells
    resident = Evaluator("居委会赵", "community", committee.id)
    assert record_inspection(store, c, resident, "zone", courtyard.id, GRID_ITEMS, now=MARCH).score == 100
    (district,) = store.add_zones([Zone(c.id, "subdistrict", "S", "某街道", ll(box(-100, -100, 500, 300)))])
    with pytest.raises(InvalidInput, match="街道不直接考核：请选择社区、村、楼院、网格或路段"):
        record_inspection(store, c, patrol, "zone", district.id, COMMUNITY_ITEMS, now=MARCH)
