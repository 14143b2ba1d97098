"""Issue #21 part 5 on both backends: a layer as a zipped Shapefile (UTF-8 .cpg, 10-character field
names and their mapping) and the whole county in one GeoPackage with QGIS styles, the units and the
assignment history, each opened in GDAL's ogrinfo and in geopandas."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
import zipfile
from datetime import UTC, datetime
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from geodata.errors import InvalidFile
from geodata.io import imports as io_
from geodata.io.export_all import Scores, export_all
from geodata.io.shapefile import fit_text, short_names, write_shapefile
from geodata.model import Assignment, ChangeSet, Unit
from tests.support.io import CODE, EAST, WEST, incident_rows, write_layer

N_SEGMENTS = 7
ogrinfo = shutil.which("ogrinfo")
needs_ogrinfo = pytest.mark.skipif(ogrinfo is None, reason="ogrinfo (Debian's gdal-bin) is not installed")


@pytest.fixture
def filled(store, county, tmp_path):
    """Two communities, a unit leading the eastern one and assisting on a road, one case there."""
    communities = gpd.GeoDataFrame({"name": ["西园社区", "东湖社区"]}, geometry=[WEST, EAST], crs=4326)
    io_.import_zones(store, CODE, write_layer(communities, "geojson", tmp_path, "c"), "community")
    lead, helper = store.add_units([Unit(county.id, "U01", "城管执法局"), Unit(county.id, "U02", "交警大队")])
    east = next(z for z in store.list_zones(county.id) if z.name == "东湖社区")
    road = store.list_segments(county.id)[0]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    change = store.add_change_set(ChangeSet(county.id, "admin", "划分责任区", start))
    store.assign_many([
        Assignment(county.id, lead.id, "zone", east.id, "lead", start, change_set_id=change.id),
        Assignment(county.id, lead.id, "segment", road.id, "lead", start, change_set_id=change.id),
        Assignment(county.id, helper.id, "segment", road.id, "assist", start, change_set_id=change.id),
    ])  # fmt: skip
    io_.import_incidents(store, CODE, write_layer(incident_rows([(114.0151, 22.512)]), "csv", tmp_path, "i"))
    return county, east, road


def test_short_names_are_unique_deterministic_and_ten_characters():
    columns = ["id", "category", "category_name", "category_note", "Category_n", "a_very_long_name"]
    names = short_names(columns)
    assert names == short_names(columns)
    assert names["category_name"] == "category_n" and names["category_note"] == "category_2"
    assert names["Category_n"] == "Category_3"  # dBASE compares names without case
    assert all(len(n) <= 10 for n in names.values())
    assert len({n.lower() for n in names.values()}) == len(columns)


@pytest.mark.parametrize("suffix", [".zip", ".shp.zip"])
def test_every_layer_as_a_zipped_shapefile(store, filled, tmp_path, suffix):
    _, east, road = filled
    for layer, n in (("zones", 2), ("segments", N_SEGMENTS), ("incidents", 1)):
        path = tmp_path / f"{layer}{suffix}"
        assert io_.export_layer(store, CODE, layer, path).written == n
        with zipfile.ZipFile(path) as archive:
            parts = set(archive.namelist())
            assert {f"{layer}.{p}" for p in ("shp", "shx", "dbf", "prj", "cpg")} | {"fields.csv"} == parts
            assert archive.read(f"{layer}.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
            assert "WGS" in archive.read(f"{layer}.prj").decode()
            mapping = list(csv.reader(io.StringIO(archive.read("fields.csv").decode("utf-8-sig"))))
        assert mapping[0] == ["short_name", "full_name", "label_zh"]
        frame = gpd.read_file(f"zip://{path}")
        assert len(frame) == n and frame.crs.to_epsg() == 4326
        assert set(frame.columns) - {"geometry"} == {row[0] for row in mapping[1:]}
        if layer == "incidents":
            assert ["category_n", "category_name", "类别"] in mapping and [
                "unit_name",
                "unit_name",
                "责任单位",
            ] in mapping
            assert (frame.iloc[0]["zone_name"], frame.iloc[0]["unit_name"]) == ("东湖社区", "城管执法局")
    zones = gpd.read_file(f"zip://{tmp_path / ('zones' + suffix)}")
    assert set(zones["name"]) == {"西园社区", "东湖社区"}  # Chinese intact through the .cpg


@needs_ogrinfo
def test_gdal_reads_the_shapefile_and_the_geopackage(store, filled, tmp_path):
    io_.export_layer(store, CODE, "zones", tmp_path / "zones.zip")
    shown = _ogrinfo(f"/vsizip/{tmp_path / 'zones.zip'}", "zones")
    assert "Feature Count: 2" in shown and "东湖社区" in shown and "Polygon" in shown
    export_all(store, CODE, tmp_path / "all.gpkg")
    listed = _ogrinfo(str(tmp_path / "all.gpkg"), summary=True)
    for name in ("communities", "segments", "cases", "units", "assignment_history", "layer_styles"):
        assert name in listed
    assert "Feature Count: 1" in _ogrinfo(str(tmp_path / "all.gpkg"), "cases")
    shown = _ogrinfo(str(tmp_path / "all.gpkg"), "communities")
    assert "Feature Count: 2" in shown and "城管执法局" in shown


def _ogrinfo(source: str, layer: str | None = None, summary: bool = False) -> str:
    args = [ogrinfo, "-ro", *(["-so"] if summary else ["-al"] if layer is None else []), source]
    args += [layer] if layer else []
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def test_the_whole_county_in_one_geopackage(store, filled, tmp_path):
    county, east, road = filled
    path = tmp_path / "all.gpkg"
    seen = []
    summary = export_all(store, CODE, path, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] and len(seen) > 3
    layers = dict(pyogrio.list_layers(path))
    assert layers["communities"] == "MultiPolygon" and layers["segments"] == "MultiLineString"
    assert layers["cases"] == "Point" and layers["units"] is None and layers["assignment_history"] is None
    assert "unit_scores" not in layers  # no scores asked for
    communities = gpd.read_file(path, layer="communities")
    assert len(communities) == summary.layers["communities"] == 2
    row = communities.set_index("name").loc["东湖社区"]
    assert (row["lead_unit"], row["assist_units"]) == ("城管执法局", "")
    segments = gpd.read_file(path, layer="segments").set_index("id")
    assert len(segments) == N_SEGMENTS
    assert (segments.loc[road.id, "lead_unit"], segments.loc[road.id, "assist_units"]) == (
        "城管执法局",
        "交警大队",
    )
    assert len(gpd.read_file(path, layer="cases")) == 1
    units = pyogrio.read_dataframe(path, layer="units")
    assert set(units["name"]) == {"城管执法局", "交警大队"}
    history = pyogrio.read_dataframe(path, layer="assignment_history")
    assert len(history) == 3 and set(history["change_reason"]) == {"划分责任区"}
    assert set(history["role"]) == {"lead", "assist"}
    with sqlite3.connect(path) as db:
        styles = db.execute(
            "select f_table_name, f_geometry_column, styleQML, useAsDefault from layer_styles"
        ).fetchall()
        geometry_column = db.execute(
            "select column_name from gpkg_geometry_columns where table_name='cases'"
        ).fetchone()
    assert {s[0] for s in styles} == {"communities", "segments", "cases"}
    assert all(s[1] == geometry_column[0] and s[2].startswith("<!DOCTYPE qgis") and s[3] == 1 for s in styles)
    assert "215,25,28,255" in dict((s[0], s[2]) for s in styles)["cases"]
    for name, _, style, _ in styles:  # well-formed QML: one simple symbol of the layer's geometry
        root = ElementTree.fromstring(style)
        symbol = root.find("renderer-v2/symbols/symbol")
        assert root.tag == "qgis" and root.find("renderer-v2").get("type") == "singleSymbol"
        assert symbol.get("type") == {"communities": "fill", "segments": "line", "cases": "marker"}[name]
        assert (
            symbol.find("layer/prop[@k='color']") is not None
            or symbol.find("layer/prop[@k='line_color']") is not None
        )


def test_export_all_refuses_other_files(store, county, tmp_path):
    with pytest.raises(InvalidFile, match="只能写 .gpkg"):
        export_all(store, CODE, tmp_path / "all.zip")
    with pytest.raises(InvalidFile, match="不存在"):
        export_all(store, CODE, tmp_path / "nowhere" / "all.gpkg")


def test_last_months_scores_go_on_the_zones_and_segments(store, filled, tmp_path):
    _, east, road = filled
    scores = Scores("2026-01", {("zone", east.id): (88.5, "B"), ("segment", road.id): (91.0, "A")},
                    [("U01", "城管执法局", 90.0, "A", 1), ("U02", "交警大队", None, None, None)])  # fmt: skip
    path = tmp_path / "scored.gpkg"
    summary = export_all(store, CODE, path, scores=lambda county: scores)
    communities = gpd.read_file(path, layer="communities").set_index("name")
    assert (communities.loc["东湖社区", "score"], communities.loc["东湖社区", "grade"]) == (88.5, "B")
    assert pd.isna(communities.loc["西园社区", "score"]) and set(communities["score_month"]) == {"2026-01"}
    segments = gpd.read_file(path, layer="segments").set_index("id")
    assert (segments.loc[road.id, "score"], segments.loc[road.id, "grade"]) == (91.0, "A")
    units = pyogrio.read_dataframe(path, layer="unit_scores")
    assert summary.layers["unit_scores"] == len(units) == 2 and units.iloc[0]["name"] == "城管执法局"
    assert pd.isna(units.iloc[1]["score"])


def test_a_long_chinese_text_is_cut_at_a_characters_end(tmp_path):
    props = pd.DataFrame({"id": [1, 2], "description": ["井盖破损" * 100, "短"]})
    geoms = np.asarray([Point(114.0, 22.5), Point(114.01, 22.51)], dtype=object)
    assert fit_text("井盖破损" * 100) == ("井盖破损" * 100)[:84] and fit_text("a" * 300) == "a" * 254
    assert fit_text("短") == "短" and fit_text(None) is None and fit_text(3) == 3
    list(write_shapefile(tmp_path / "c.zip", "cases", iter([(props, geoms)]), {}, "Point"))
    frame = gpd.read_file(f"zip://{tmp_path / 'c.zip'}")
    assert list(frame["descriptio"]) == [("井盖破损" * 100)[:84], "短"]  # 84 × 3 bytes ≤ 254
