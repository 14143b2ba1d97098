"""The coverage analysis (覆盖缺口) on both backends, checked against an independent geopandas
computation, on the demo, and as a map layer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from demo.county import seed_demo
from geodata.model import Assignment, County, Incident, Segment, Unit, Zone
from layers import coverage
from layers.coverage import coverage_report

EPSG = 32650
SINCE = datetime(2024, 1, 1, tzinfo=UTC)
NOW = datetime(2024, 6, 1, tzinfo=UTC)
BOUNDARY = box(114.000, 22.500, 114.030, 22.520)
# Communities: A leaves a strip in the west uncovered; C overlaps B; D sits inside the uncovered
# rectangle east of B, making a hole in it.
COMMUNITIES = {
    "A": ("西园社区", box(114.001, 22.500, 114.010, 22.520)),
    "B": ("东湖社区", box(114.010, 22.500, 114.020, 22.520)),
    "C": ("北岸社区", box(114.019, 22.510, 114.030, 22.520)),
    "D": ("小岛社区", box(114.022, 22.502, 114.028, 22.508)),
}
# Cells: G1 and G2 only touch; G3 overlaps G2.
CELLS = {
    "G1": ("A", box(114.001, 22.500, 114.0055, 22.510)),
    "G2": ("A", box(114.0055, 22.500, 114.010, 22.510)),
    "G3": ("B", box(114.009, 22.505, 114.012, 22.512)),
}
SEGMENTS = {
    "西园路": LineString([(114.002, 22.515), (114.008, 22.515)]),  # in A, led by A's committee
    "交界路": LineString([(114.010, 22.502), (114.010, 22.508)]),  # on the A/B border, led by B's
    "东湖路": LineString([(114.012, 22.515), (114.018, 22.515)]),  # in B, led by a stranger: warning
    "北岸路": LineString([(114.021, 22.515), (114.028, 22.515)]),  # in C, nobody
    "网格路": LineString([(114.002, 22.503), (114.004, 22.503)]),  # in A, led by G1's assist unit
    "荒地路": LineString([(114.021, 22.5005), (114.0215, 22.5005)]),  # in no community, nobody
    "外环路": LineString([(114.0002, 22.501), (114.0002, 22.519)]),  # in no community, led
}
POSTS = [  # (unit, target, role)
    ("W", "A", "lead"), ("E", "B", "lead"), ("T", "C", "assist"), ("G", "D", "lead"),
    ("W", "G1", "lead"), ("T", "G1", "assist"), ("E", "G3", "lead"),
    ("W", "西园路", "lead"), ("E", "交界路", "lead"), ("T", "东湖路", "lead"), ("T", "网格路", "lead"),
    ("T", "外环路", "lead"),
]  # fmt: skip
UNITS = {"W": "西园居委会", "E": "东湖居委会", "T": "交警大队", "G": "城管局"}


def build(store) -> County:
    """The small county above, written through the store's public interface."""
    county = store.add_county(
        County("990003", "覆盖县", extent=BOUNDARY.buffer(0.001), boundary=BOUNDARY, utm_epsg=EPSG)
    )
    cid = county.id
    units = {u.code: u for u in store.add_units([Unit(cid, k, n) for k, n in UNITS.items()])}
    zones = {
        k: z
        for k, z in zip(
            COMMUNITIES,
            store.add_zones([Zone(cid, "community", k, n, g) for k, (n, g) in COMMUNITIES.items()]),
            strict=True,
        )
    }
    cells = [Zone(cid, "grid", k, f"网格{k}", g, parent_id=zones[p].id) for k, (p, g) in CELLS.items()]
    zones.update({z.code: z for z in store.add_zones(cells)})
    segments = {s.name: s for s in store.add_segments([Segment(cid, n, g) for n, g in SEGMENTS.items()])}
    for unit, target, role in POSTS:
        kind, item = ("zone", zones[target]) if target in zones else ("segment", segments[target])
        store.assign(Assignment(cid, units[unit].id, kind, item.id, role, SINCE))
    store.add_incidents(_incidents(cid, units["W"].id))
    return county


def _incidents(cid: int, unit_id: int) -> list[Incident]:
    """Unrouted: 5 days ago and exactly 30 days ago (in the window), 40 days ago and tomorrow (not)."""
    where = Point(114.021, 22.501)
    ages = [(5, None), (5, unit_id), (40, None), (-1, None), (30, None)]
    return [Incident(cid, "parking", where, NOW - timedelta(days=d), unit_id=u) for d, u in ages]


def _metric(geoms) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=4326).to_crs(EPSG)


def _frame(geoms, **columns) -> gpd.GeoDataFrame:
    """Overlays run in lon/lat, where the outlines were drawn; areas are measured in metres."""
    return gpd.GeoDataFrame(columns, geometry=list(geoms), crs=4326)


def test_figures_agree_with_geopandas(store):
    county = build(store)
    report = coverage_report(store, county, now=NOW)
    # (a) the boundary minus every community, by geopandas overlay.
    communities = _frame(z.geom for z in store.list_zones(county.id, "community"))
    rest = gpd.overlay(_frame([BOUNDARY]), communities, how="difference")
    parts = rest.explode(index_parts=False).to_crs(EPSG).area
    parts = sorted(parts[parts >= 1].tolist(), reverse=True)
    assert [a.area_m2 for a in report.uncovered] == pytest.approx(parts, rel=1e-9)
    assert len(parts) == 2 and len(report.uncovered[0].geom.interiors) == 1  # D's hole
    assert report.county_area_m2 == pytest.approx(_metric([BOUNDARY]).area[0], rel=1e-12)
    # (d) every zone against every zone of its kind, by geopandas overlay.
    assert _overlaps(report) == pytest.approx(_geopandas_overlaps(store, county), rel=1e-9)
    assert set(_overlaps(report)) == {("B", "C"), ("G2", "G3")}  # touching G1/G2 and A/B are no overlap


def _overlaps(report) -> dict:
    return {tuple(o.codes): o.area_m2 for o in report.overlaps}


def _geopandas_overlaps(store, county) -> dict:
    zones = store.list_zones(county.id)
    frame = _frame((z.geom for z in zones), code=[z.code for z in zones], kind=[z.kind for z in zones])
    pairs = gpd.overlay(frame, frame, how="intersection", keep_geom_type=True).to_crs(EPSG)
    pairs = pairs[(pairs.kind_1 == pairs.kind_2) & (pairs.code_1 < pairs.code_2) & (pairs.area >= 1)]
    return {(r.code_1, r.code_2): r.geometry.area for r in pairs.itertuples()}


def test_unguarded_targets_agree_with_plain_filtering(store):
    county = build(store)
    report = coverage_report(store, county, now=NOW)
    zones = [z for z in store.list_zones(county.id) if z.kind in ("community", "grid")]
    zone_leads = store.lead_units(county.id, "zone", [z.id for z in zones], [NOW] * len(zones))
    assert [z.code for z in report.unguarded_zones] == [
        z.code for z, lead in zip(zones, zone_leads, strict=True) if lead is None
    ]
    assert {z.code for z in report.unguarded_zones} == {"C", "G2"}
    segments = store.list_segments(county.id)
    leads = store.lead_units(county.id, "segment", [s.id for s in segments], [NOW] * len(segments))
    open_segments = [s for s, lead in zip(segments, leads, strict=True) if lead is None]
    assert (
        [s.name for s in report.unguarded_segments] == [s.name for s in open_segments] == ["北岸路", "荒地路"]
    )
    assert report.unguarded_km == pytest.approx(sum(s.length_m for s in open_segments) / 1000)
    since = NOW - timedelta(days=30)
    expected = [
        i.id for i in store.list_incidents(county.id) if i.unit_id is None and since <= i.reported_at < NOW
    ]
    assert [i.id for i in report.unrouted_incidents] == expected and len(expected) == 2


def test_warnings_name_leads_with_no_post_in_their_community(store):
    county = build(store)
    report = coverage_report(store, county, now=NOW)
    assert [(w.name, w.unit_name, [c["name"] for c in w.communities]) for w in report.warnings] == [
        ("东湖路", "交警大队", ["东湖社区"])
    ]
    # The border street lies in both communities; the cell's assisting unit counts as posted in A.
    assert report.unguarded_segments[0].communities == ("北岸社区",)
    assert report.unguarded_segments[1].communities == ()


def test_before_any_post_everything_is_unguarded(store):
    county = build(store)
    report = coverage_report(store, county, at=SINCE - timedelta(days=1))
    assert len(report.unguarded_zones) == len(COMMUNITIES) + len(CELLS)
    assert len(report.unguarded_segments) == len(SEGMENTS)
    assert report.warnings == [] and report.now == report.at


def test_same_report_on_both_backends(both_stores):
    sqlite_store, postgis_store = both_stores
    reports = [
        _without_ids(coverage_report(s, build(s), now=NOW).to_dict()) for s in (sqlite_store, postgis_store)
    ]
    assert reports[0] == reports[1]
    assert reports[0]["summary"]["uncovered_parts"] == 2


def _without_ids(value):
    """Ids differ between databases (sequences outlive rolled-back tests): drop them."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in ("id", "zone_ids", "unit_id")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def test_the_demo_gaps_left_on_purpose_appear(store):
    demo = seed_demo(store, seed=42, n_incidents=500)
    report = coverage_report(store, demo.county)
    community, *roads = demo.unguarded
    assert [z.name for z in report.unguarded_zones] == [community]
    open_names = {s.name.split("/")[0].removesuffix("辅路") for s in report.unguarded_segments}
    assert set(roads) <= open_names
    road_ids = {s.id for s in store.list_segments(demo.county.id) if s.name.split("/")[0] in roads}
    assert road_ids <= {s.id for s in report.unguarded_segments}
    assert report.area_source == "extent" and 0 < report.uncovered_m2 < report.county_area_m2
    assert report.overlaps == []  # the demo's communities tile without overlap


def test_the_layer_draws_the_gaps_in_the_viewport(store):
    county = build(store)
    whole = coverage.features(store, county, BOUNDARY.bounds, 15, at=NOW)
    gaps = {}
    for f in whole["features"]:
        gaps.setdefault(f["properties"]["gap"], []).append(f["properties"].get("name"))
    assert gaps == {
        "uncovered": [None, None],
        "unguarded_zone": ["北岸社区", "网格G2"],
        "unguarded_segment": ["北岸路", "荒地路"],
    }
    west = coverage.features(store, county, (114.0, 22.5, 114.006, 22.52), 15, at=NOW)
    assert [f["properties"]["gap"] for f in west["features"]] == ["uncovered", "unguarded_zone"]
    outside = coverage.features(store, county, (120.0, 30.0, 120.1, 30.1), 15, at=NOW)
    assert outside["features"] == []


def test_a_county_without_data_has_an_empty_report(store):
    county = store.add_county(County("990009", "空县"))
    report = coverage_report(store, county, now=NOW)
    assert report.area_source == "none" and report.county_area_m2 == 0
    assert report.summary()["covered_share"] is None
    assert all(report.to_dict()[kind] == [] for kind in ("uncovered", "unguarded_zones", "warnings"))
    assert coverage.features(store, county, BOUNDARY.bounds, 15)["features"] == []
