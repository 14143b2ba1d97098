"""Importers and export on the SQLite store: every format, every bad input, the real data."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Polygon, box

from geodata.errors import Conflict, InvalidFile, InvalidGeometry, InvalidInput
from geodata.io import imports as io
from geodata.model import COUNTY_TZ, Assignment, Unit
from tests.support.io import CODE, EAST, STREETS, WEST, incident_rows, row_counts, write_layer

EXTENT = (114.00, 22.50, 114.02, 22.52)

N_SEGMENTS = 7


# -- streets ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "zip", "csv"])
def test_streets_every_format_split_at_intersections(store, tmp_path, fmt):
    io.create_county(store, CODE, "测试县")
    summary = io.import_streets(store, CODE, write_layer(STREETS, fmt, tmp_path))
    county = store.get_county(CODE)
    segments = store.list_segments(county.id)
    assert (summary.read, summary.stored, len(segments)) == (4, N_SEGMENTS, N_SEGMENTS)
    by_name = pd.Series([s.name for s in segments]).value_counts().to_dict()
    assert by_name == {"福华路": 3, "金田路": 2, "益田路": 1, "高架桥": 1}
    assert {s.highway for s in segments if s.name == "金田路"} == {"secondary"}
    total_m = sum(s.length_m for s in segments)
    geodesic_m = sum(Geod(ellps="WGS84").geometry_length(g) for g in STREETS.geometry)
    assert total_m == pytest.approx(geodesic_m, rel=0.01)
    # A county with no extent takes the streets' hull and their UTM zone.
    assert county.utm_epsg == 32650 and county.extent.covers(STREETS.union_all())


def test_projected_crs_is_reprojected(store, tmp_path):
    """A CGCS2000 Gauss-Krüger file (EPSG:4547) lands where its lon/lat twin would."""
    io.create_county(store, CODE, "测试县")
    io.import_streets(store, CODE, write_layer(STREETS.to_crs(4547), "gpkg", tmp_path))
    segments = store.list_segments(store.get_county(CODE).id)
    start = shapely.get_coordinates(segments[0].geom)[0]
    assert start == pytest.approx([114.000, 22.505], abs=1e-6)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_no_crs_and_not_lonlat_is_refused_until_declared(store, tmp_path):
    io.create_county(store, CODE, "测试县")
    path = write_layer(STREETS.to_crs(32650).set_crs(None, allow_override=True), "zip", tmp_path)
    with pytest.raises(InvalidFile) as refused:
        io.import_streets(store, CODE, path)
    assert refused.value.en == (
        "layer.zip has no CRS and its coordinates are not longitude/latitude; declare it with --crs EPSG:N"
    )
    assert store.count(store.get_county(CODE).id, "segment") == 0
    assert io.import_streets(store, CODE, path, crs="EPSG:32650").stored == N_SEGMENTS


def test_futian_total_length_within_one_percent_of_geodesic(store, shared_data):
    path = shared_data / "futian" / "futian_roads.geojson"
    io.create_county(store, "440304", "福田示范区")
    summary = io.import_streets(store, "440304", path)
    segments = store.list_segments(store.get_county("440304").id)
    total_m = sum(s.length_m for s in segments)
    geod = Geod(ellps="WGS84")
    geodesic_m = sum(geod.geometry_length(g) for g in gpd.read_file(path).geometry)
    assert summary.stored == len(segments) >= 2567
    assert abs(total_m / geodesic_m - 1) < 0.01
    assert any(s.name == "深南大道" and s.highway == "primary" for s in segments)


# -- zones -----------------------------------------------------------------------------------------


def test_nyc_precincts_two_repaired(store, shared_data):
    io.create_county(store, "990003", "纽约测试")
    summary = io.import_zones(
        store, "990003", shared_data / "nyc" / "nyc-police-precincts.geojson", "community", "precinct"
    )
    zones = store.list_zones(store.get_county("990003").id)
    assert (summary.read, summary.stored, len(zones)) == (77, 77, 77)
    assert len(summary.repaired) == 2
    assert any("(61)" in r for r in summary.repaired) and any("(113)" in r for r in summary.repaired)
    assert all(z.geom.is_valid and z.geom.geom_type in ("Polygon", "MultiPolygon") for z in zones)


def test_grids_get_their_community_and_15_digit_codes(store, county, tmp_path):
    communities = gpd.GeoDataFrame({"name": ["西园社区", "东湖社区"]}, geometry=[WEST, EAST], crs=4326)
    io.import_zones(store, CODE, write_layer(communities, "gpkg", tmp_path, "c"), "community")
    cells = [box(114.000, 22.510, 114.005, 22.520), box(114.005, 22.510, 114.010, 22.520)]
    cells += [box(114.010, 22.500, 114.015, 22.510)]
    grid = gpd.GeoDataFrame({"name": ["一格", "二格", "三格"]}, geometry=cells, crs=4326)
    io.import_zones(store, CODE, write_layer(grid, "geojson", tmp_path, "g"), "grid")
    zones = {z.name: z for z in store.list_zones(county.id)}
    assert zones["西园社区"].code == "990002001001" and zones["东湖社区"].code == "990002001002"
    assert zones["一格"].parent_id == zones["西园社区"].id and zones["三格"].parent_id == zones["东湖社区"].id
    assert [zones[n].code for n in ("一格", "二格", "三格")] == [
        "990002001001001",
        "990002001001002",
        "990002001002001",
    ]


def test_small_repair_kept_large_repair_refuses_the_file(store, county, tmp_path):
    spike = Polygon([(114.0, 22.5), (114.004, 22.5), (114.004, 22.504), (114.002, 22.504),
                     (114.002, 22.502), (114.002, 22.504), (114.0, 22.504)])  # fmt: skip
    bowtie = Polygon([(114.01, 22.51), (114.014, 22.514), (114.014, 22.51), (114.01, 22.514)])
    good = gpd.GeoDataFrame({"name": ["尖角社区"]}, geometry=[spike], crs=4326)
    summary = io.import_zones(store, CODE, write_layer(good, "geojson", tmp_path, "ok"), "community")
    assert summary.stored == 1 and len(summary.repaired) == 1
    bad = gpd.GeoDataFrame({"name": ["好社区", "蝴蝶社区"]}, geometry=[WEST, bowtie], crs=4326)
    with pytest.raises(InvalidGeometry) as refused:
        io.import_zones(store, CODE, write_layer(bad, "geojson", tmp_path, "bad"), "community")
    assert "row 2 (蝴蝶社区)" in refused.value.message and "more than the 0.1%" in refused.value.message
    assert store.count(county.id, "zone") == 1


def test_missing_name_field_is_refused(store, county, tmp_path):
    frame = gpd.GeoDataFrame({"title": ["西园"]}, geometry=[WEST], crs=4326)
    before = row_counts(store, county.id)
    with pytest.raises(InvalidFile, match=r"没有 'name' 字段；请用 --name-field 指定正确的字段"):
        io.import_zones(store, CODE, write_layer(frame, "geojson", tmp_path), "community")
    assert row_counts(store, county.id) == before
    assert (
        io.import_zones(store, CODE, write_layer(frame, "geojson", tmp_path), "community", "title").stored
        == 1
    )


# -- bad files -------------------------------------------------------------------------------------


def test_not_a_geo_file(store, county, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("hello")
    with pytest.raises(InvalidFile) as refused:
        io.import_streets(store, CODE, path)
    assert refused.value.en == "x.txt is not a GeoJSON, GeoPackage, zipped Shapefile, OSM PBF or CSV file"


def test_garbage_with_a_geo_name(store, county, tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("hello world")
    with pytest.raises(InvalidFile, match="x.geojson 无法按 geojson 读取"):
        io.import_zones(store, CODE, path, "community")


@pytest.mark.parametrize("content", ["", '{"type": "FeatureCollection", "features": []}'])
def test_empty_file(store, county, tmp_path, content):
    path = tmp_path / "empty.geojson"
    path.write_text(content)
    before = row_counts(store, county.id)
    with pytest.raises(InvalidFile, match="empty.geojson 是空"):
        io.import_streets(store, CODE, path)
    assert row_counts(store, county.id) == before


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_nan_coordinates_name_the_row(store, county, tmp_path):
    lines = [LineString([(114.001, 22.501), (114.002, 22.502)])] * 2
    lines.append(LineString([(114.001, 22.501), (float("nan"), 22.502)]))
    frame = gpd.GeoDataFrame({"name": ["甲路", "乙路", "丙路"]}, geometry=lines, crs=4326)
    before = row_counts(store, county.id)
    with pytest.raises(InvalidGeometry, match=r"row 3 \(丙路\): it has NaN or infinite coordinates"):
        io.import_streets(store, CODE, write_layer(frame, "gpkg", tmp_path))
    assert row_counts(store, county.id) == before


# -- incidents -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_incidents_routed_on_arrival(store, county, tmp_path, fmt):
    unit = store.add_units([Unit(county.id, "U01", "城管执法局")])[0]
    segment = next(s for s in store.list_segments(county.id) if s.name == "益田路")
    store.assign(
        Assignment(county.id, unit.id, "segment", segment.id, "lead", datetime(2026, 1, 1, tzinfo=UTC))
    )
    rows = incident_rows([(114.0151, 22.512), (114.0021, 22.5171)], ["乱停车", "sanitation"])
    summary = io.import_incidents(store, CODE, write_layer(rows, fmt, tmp_path))
    incidents = store.list_incidents(county.id)
    assert (summary.read, summary.stored) == (2, 2)
    assert [i.category for i in incidents] == ["parking", "sanitation"]
    assert incidents[0].segment_id == segment.id and incidents[0].unit_id == unit.id
    assert incidents[1].segment_id is None and incidents[1].unit_id is None
    assert incidents[0].reported_at == datetime(2026, 3, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("points", "categories", "times", "message"),
    [
        ([(114.01, 22.51), (22.511, 114.011)], None, None, r"row 2: longitude and latitude look swapped"),
        ([(116.40, 39.90)], None, None, r"row 1: \(116\.40000, 39\.90000\) lies outside the county's extent"),
        ([(114.01, 22.51), (float("nan"), 22.51)], None, None, "row 2: it has NaN or infinite coordinates"),
        ([(114.01, 22.51)] * 2, ["parking", "graffiti"], None, "row 2: unknown category 'graffiti'"),
        ([(114.01, 22.51)], None, ["last tuesday"], "row 1: 'last tuesday' is not a date and time"),
    ],
)
def test_bad_incidents_store_nothing(store, county, tmp_path, points, categories, times, message):
    rows = incident_rows(points, categories, times)
    before = row_counts(store, county.id)
    with pytest.raises(InvalidInput, match=message):
        io.import_incidents(store, CODE, write_layer(rows, "csv", tmp_path))
    assert row_counts(store, county.id) == before


def test_a_bad_row_in_a_later_chunk_rolls_back_earlier_chunks(store, county, tmp_path):
    rows = incident_rows([(114.01, 22.51)] * 5 + [(116.4, 39.9)])
    with pytest.raises(InvalidGeometry, match="row 6"):
        io.import_incidents(store, CODE, write_layer(rows, "csv", tmp_path), chunk_rows=2)
    assert store.count(county.id, "incident") == 0


def test_nyc_collisions_land_in_their_precincts(store, shared_data):
    io.create_county(store, "990003", "纽约测试")
    nyc = shared_data / "nyc"
    io.import_zones(store, "990003", nyc / "nyc-police-precincts.geojson", "community", "precinct")
    when = datetime(2024, 1, 1, tzinfo=UTC)
    summary = io.import_incidents(
        store, "990003", nyc / "nyc-injurious-collisions.geojson", category="parking", reported_at=when
    )
    incidents = store.list_incidents(store.get_county("990003").id)
    assert summary.stored == 20644
    assert sum(i.zone_id is not None for i in incidents) == 20631


# -- units and counties ----------------------------------------------------------------------------


def test_units_from_csv(store, county, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("code,name,kind,hotline\nCGJ,城管执法局,bureau,0755-12345\nJJDD,交警大队,,\n")
    assert io.import_units(store, CODE, path).stored == 2
    units = {u.code: u for u in store.list_units(county.id)}
    assert units["CGJ"].hotline == "0755-12345" and units["JJDD"].kind == "bureau"
    path.write_text("code,name\nHWS,环卫所\nCGJ,又一个城管\n")
    with pytest.raises(InvalidInput, match="row 2 \\(CGJ\\): unit code 'CGJ' is already taken"):
        io.import_units(store, CODE, path)
    assert store.count(county.id, "unit") == 2
    path.write_text("code,title\nHWS,环卫所\n")
    with pytest.raises(InvalidFile, match="没有 'name' 列"):
        io.import_units(store, CODE, path)


def test_create_county_checks_its_code_and_takes_a_boundary(store, tmp_path):
    with pytest.raises(InvalidInput, match="应为 6 位 GB/T 2260 行政区划代码"):
        io.create_county(store, "44A304", "福田")
    boundary = gpd.GeoDataFrame({"name": ["福田"]}, geometry=[box(*EXTENT)], crs=4326)
    county = io.create_county(store, CODE, "测试县", write_layer(boundary, "geojson", tmp_path))
    assert county.utm_epsg == 32650 and county.boundary.equals(box(*EXTENT))
    with pytest.raises(Conflict, match="县区 990002 已存在"):
        io.create_county(store, CODE, "又一个")


# -- export ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ["geojson", "gpkg", "csv"])
def test_export_every_layer(store, county, tmp_path, ext):
    communities = gpd.GeoDataFrame({"name": ["西园社区", "东湖社区"]}, geometry=[WEST, EAST], crs=4326)
    io.import_zones(store, CODE, write_layer(communities, "geojson", tmp_path, "c"), "community")
    unit = store.add_units([Unit(county.id, "U01", "城管执法局")])[0]
    east = next(z for z in store.list_zones(county.id) if z.name == "东湖社区")
    store.assign(Assignment(county.id, unit.id, "zone", east.id, "lead", datetime(2026, 1, 1, tzinfo=UTC)))
    io.import_incidents(store, CODE, write_layer(incident_rows([(114.0151, 22.512)]), "csv", tmp_path, "i"))
    read = partial(pd.read_csv, encoding="utf-8-sig") if ext == "csv" else gpd.read_file
    for layer, n in (("zones", 2), ("segments", N_SEGMENTS), ("incidents", 1)):
        summary = io.export_layer(store, CODE, layer, tmp_path / f"{layer}.{ext}", lang="en")
        frame = read(tmp_path / f"{layer}.{ext}")
        assert summary.written == len(frame) == n
    zones = read(tmp_path / f"zones.{ext}")
    assert {"kind", "code", "name"} <= set(zones.columns)
    incident = read(tmp_path / f"incidents.{ext}").iloc[0]
    assert (incident["zone_name"], incident["unit_name"]) == ("东湖社区", "城管执法局")
    assert incident["zone_id"] == east.id and incident["unit_id"] == unit.id and incident["segment_id"] > 0
    if ext == "csv":
        assert (incident["lon"], incident["lat"]) == pytest.approx((114.0151, 22.512))
        assert "wkt" in zones.columns


def test_a_csv_is_for_excel_chinese_headers_and_the_countys_time(store, county, tmp_path):
    io.import_incidents(store, CODE, write_layer(incident_rows([(114.0151, 22.512)]), "csv", tmp_path, "i"))
    (case,) = store.list_incidents(county.id, None)
    local = case.reported_at.astimezone(COUNTY_TZ)
    io.export_layer(store, CODE, "incidents", tmp_path / "zh.csv")
    raw = (tmp_path / "zh.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1  # one BOM: Excel reads UTF-8
    (row,) = pd.read_csv(tmp_path / "zh.csv", encoding="utf-8-sig").to_dict("records")
    assert {"编号", "类别", "上报时间", "所在区域", "责任单位", "经度", "纬度"} <= set(row)
    assert row["上报时间"] == f"{local:%Y-%m-%d %H:%M:%S}"  # the county's clock, as the pages show
    io.export_layer(store, CODE, "incidents", tmp_path / "en.csv", lang="en")
    (row,) = pd.read_csv(tmp_path / "en.csv", encoding="utf-8-sig").to_dict("records")
    assert row["reported_at"] == local.isoformat() and row["reported_at"].endswith("+08:00")
    with pytest.raises(InvalidInput, match="未知的语言 'fr'"):
        io.export_layer(store, CODE, "incidents", tmp_path / "fr.csv", lang="fr")


def test_export_refuses_unknown_layer_and_extension(store, county, tmp_path):
    with pytest.raises(InvalidInput, match="未知的图层 'roads'"):
        io.export_layer(store, CODE, "roads", tmp_path / "r.geojson")
    with pytest.raises(InvalidFile, match="导出只能写 .geojson、.gpkg、.csv 或 .zip"):
        io.export_layer(store, CODE, "zones", tmp_path / "r.kml")
