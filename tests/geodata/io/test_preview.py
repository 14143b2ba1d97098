"""The preview of an upload (issue #20 part 6) on both backends: for every kind it stores nothing,
names each refused row with its reason in both languages, and agrees with the import that skips
the refused rows (what it calls storable is what is stored); a file of the wrong kind is refused."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from geodata.errors import InvalidGeometry
from geodata.io import imports as io
from geodata.io.preview import WrongKind, preview_file
from tests.support.io import CODE, WEST, incident_rows, row_counts, write_layer


def _refused(preview) -> dict[int, tuple[str, str]]:
    return {r.row: (r.en, r.zh) for r in preview.refused}


def test_zones_overlapping_are_refused_rows_and_skipping_stores_the_others(store, county, tmp_path):
    io.import_zones(store, CODE, write_layer(gpd.GeoDataFrame({"name": ["西园社区"]}, geometry=[WEST], crs=4326),
                                        "geojson", tmp_path, "west"), "community")  # fmt: skip
    frame = gpd.GeoDataFrame(
        {"name": ["东湖社区", "南山社区", "北山社区", "", "邻里社区"]},
        geometry=[box(114.009, 22.50, 114.02, 22.52), box(114.02, 22.50, 114.03, 22.511),
                  box(114.02, 22.51, 114.03, 22.52), box(114.03, 22.50, 114.04, 22.51),
                  box(114.00, 22.52, 114.01, 22.53)],
        crs=4326,
    )  # fmt: skip
    path, before = write_layer(frame, "geojson", tmp_path, "new"), row_counts(store, county.id)
    preview = preview_file(store, county, path, "community")
    assert (preview.read, preview.storable, preview.refused_total) == (5, 2, 3)
    refused = _refused(preview)
    assert (
        refused[1][0].startswith("overlaps stored community 西园社区")
        and "与已有的社区 西园社区" in refused[1][1]
    )
    assert refused[3][0].startswith("overlaps row 2 (南山社区)") and refused[3][1].startswith(
        "与第 2 行（南山社区）重叠"
    )
    assert refused[4] == ("it has no 'name'", "没有 'name'")
    assert row_counts(store, county.id) == before  # the preview stored nothing
    summary = io.import_zones(store, CODE, path, "community", skip_refused=True)
    assert (
        summary.stored == preview.storable == 2 and "3 of 5 rows refused and left out" in summary.skipped[0]
    )
    assert {z.name for z in store.list_zones(county.id)} == {"西园社区", "南山社区", "邻里社区"}


def test_units_refused_rows_are_named_and_skipped(store, county, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("code,name\nCGJ,城管执法局\nCGJ,重复的\n,无名单位\nJJ,交警大队\n", encoding="utf-8")
    preview = preview_file(store, county, path, "units")
    assert (preview.read, preview.storable, preview.refused_total) == (4, 2, 2)
    assert _refused(preview) == {
        2: ("unit code 'CGJ' is already taken", "单位编码 'CGJ' 已被占用"),
        3: ("a unit needs both a code and a name", "单位需要编码和名称"),
    }
    assert preview.bounds is None and store.list_units(county.id) == []
    assert io.import_units(store, CODE, path, skip_refused=True).stored == 2
    assert sorted(u.code for u in store.list_units(county.id)) == ["CGJ", "JJ"]


def test_incidents_refused_rows_are_named_and_skipped(store, county, tmp_path):
    rows = incident_rows(
        [(114.01, 22.505), (116.4, 39.9), (114.011, 22.505), (114.012, 22.505)],
        categories=["parking", "parking", "spaceships", "乱停车"],
        times=[
            "2026-03-01T09:00:00+08:00",
            "2026-03-01T09:00:00+08:00",
            "yesterday",
            "2026-03-02T09:00:00+08:00",
        ],
    )
    path = write_layer(rows, "csv", tmp_path)
    preview = preview_file(store, county, path, "incidents")
    assert (preview.read, preview.storable, preview.refused_total) == (4, 2, 2)
    refused = _refused(preview)
    assert "outside the county's extent" in refused[2][0] and "在县区范围之外" in refused[2][1]
    assert "unknown category 'spaceships'" in refused[3][0] and "不是日期和时间" in refused[3][1]
    assert store.count(county.id, "incident") == 0
    summary = io.import_incidents(store, CODE, path, skip_refused=True)
    assert summary.stored == preview.storable and store.count(county.id, "incident") == 2


def test_streets_preview_agrees_with_the_import_that_skips(store, county, tmp_path):
    frame = gpd.GeoDataFrame(
        {"name": ["新一路", "远路", "新二路"]},
        geometry=[LineString([(114.001, 22.502), (114.004, 22.502)]), LineString([(120.0, 30.0), (120.1, 30.0)]),
                  LineString([(114.001, 22.503), (114.004, 22.503)])],
        crs=4326,
    )  # fmt: skip
    path, before = write_layer(frame, "gpkg", tmp_path, "roads"), store.count(county.id, "segment")
    preview = preview_file(store, county, path, "streets")
    assert (preview.storable, list(_refused(preview))) == (2, [2])
    assert preview.bounds == pytest.approx([114.001, 22.502, 114.004, 22.503])
    assert store.count(county.id, "segment") == before
    summary = io.import_streets(store, CODE, path, skip_refused=True)
    assert summary.stored == 2 and store.count(county.id, "segment") == before + 2
    with pytest.raises(InvalidGeometry) as refused:
        io.import_streets(store, CODE, path)  # without skipping, the file is refused as before
    assert "1 of 3 rows refused, nothing stored: row 2 (远路)" in refused.value.en


def test_a_file_of_the_wrong_kind_is_refused(store, county, tmp_path):
    points = gpd.GeoDataFrame({"name": ["甲"]}, geometry=[Point(114.01, 22.505)], crs=4326)
    path = write_layer(points, "geojson", tmp_path, "points")
    with pytest.raises(WrongKind) as refused:
        preview_file(store, county, path, "streets")
    assert refused.value.en.startswith("points.geojson holds Point geometries, not the LineString")
    assert "不是道路所需的线" in refused.value.message and refused.value.details["field"] == "kind"


def test_a_first_preview_writes_nothing_to_a_county_without_extent(store, tmp_path):
    county = io.create_county(store, CODE, "测试县")
    path = write_layer(
        gpd.GeoDataFrame({"name": ["西园社区"]}, geometry=[WEST], crs=4326), "geojson", tmp_path
    )
    preview = preview_file(store, county, path, "community")
    assert preview.storable == 1
    again = store.get_county(CODE)
    assert again.extent is None and again.utm_epsg is None
