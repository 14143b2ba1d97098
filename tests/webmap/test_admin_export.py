"""导出数据 (/admin/export) and ``flask export-all``/``export … .zip`` on the demo: the whole county
as one GeoPackage (counts and Chinese names as stored, its QGIS styles), downloaded by
administrators only and recorded as an export; a layer as a zipped Shapefile from the command."""

from __future__ import annotations

import re
import sqlite3
import zipfile

import geopandas as gpd
import pyogrio

from geodata.labels import STATUS_ZH
from tests.support.english import switch_language
from tests.support.web import demo_client, store_and_county
from webmap.views.admin.export import _making


def test_an_administrator_downloads_the_county_as_one_geopackage(demo, tmp_path):
    client, token = demo_client(demo, "admin")
    page = client.get("/admin/export")
    assert page.status_code == 200 and 'id="export-gpkg"' in page.text and "导出数据" in page.text
    assert 'href="/admin/export"' in client.get("/admin").text
    answer = client.post("/admin/export", data={"csrf_token": token})
    assert answer.status_code == 200 and answer.mimetype == "application/geopackage+sqlite3"
    assert (
        "attachment" in answer.headers["Content-Disposition"]
        and ".gpkg" in answer.headers["Content-Disposition"]
    )
    path = tmp_path / "all.gpkg"
    path.write_bytes(answer.data)
    app, _ = demo
    with app.app_context():
        store, county = store_and_county(demo)
        communities = store.list_zones(county.id, ("community", "village"))
        n_segments, n_cases = store.count(county.id, "segment"), store.count(county.id, "incident")
        n_units = len(store.list_units(county.id))
    layers = dict(pyogrio.list_layers(path))
    stored = [z for z in communities if z.kind == "community"]
    frame = gpd.read_file(path, layer="communities")
    assert len(frame) == len(stored) > 0 and set(frame["name"]) == {z.name for z in stored}
    assert len(gpd.read_file(path, layer="segments")) == n_segments > 0
    assert pyogrio.read_info(path, layer="cases")["features"] == n_cases > 0
    assert len(pyogrio.read_dataframe(path, layer="units")) == n_units > 0
    unit_scores = pyogrio.read_dataframe(path, layer="unit_scores")
    assert len(unit_scores) == n_units and unit_scores["score"].notna().any()
    assert {"score", "grade", "score_month"} <= set(frame.columns) and frame["score"].notna().any()
    assert set(frame["grade"]) <= {"A", "B", "C", ""}
    assert (
        layers["assignment_history"] is None
        and pyogrio.read_info(path, layer="assignment_history")["features"] > 0
    )
    with sqlite3.connect(path) as db:
        styled = {r[0] for r in db.execute("select f_table_name from layer_styles")}
    assert {"communities", "segments", "cases"} <= styled and styled <= set(layers)


def test_the_export_is_recorded_and_refused_to_others(demo):
    client, token = demo_client(demo, "admin")
    client.post("/admin/export", data={"csrf_token": token})
    audit = client.get("/admin/audit?action=export.geopackage").text
    assert "export.geopackage" in audit and "county:" in audit
    for role in ("leader", "staff", "inspector"):
        other, other_token = demo_client(demo, role)
        assert other.get("/admin/export").status_code == 403
        refused = other.post("/admin/export", data={"csrf_token": other_token})
        assert refused.status_code == 403 and refused.mimetype != "application/geopackage+sqlite3"
    anonymous = demo[0].test_client()
    assert anonymous.post("/admin/export").status_code in (302, 400, 401, 403)


def test_the_export_page_in_english(demo):
    client, _ = demo_client(demo, "admin")
    switch_language(client, "en")
    page = client.get("/admin/export").text
    assert "Make and download the GeoPackage" in page and "导出" not in page


def test_the_commands_write_a_shapefile_and_the_geopackage(demo, tmp_path):
    app, _ = demo
    runner = app.test_cli_runner()
    done = runner.invoke(args=["export", "zones", str(tmp_path / "zones.shp.zip")])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(tmp_path / "zones.shp.zip") as archive:
        assert {"zones.shp", "zones.dbf", "zones.cpg", "zones.prj", "zones.shx", "fields.csv"} <= set(
            archive.namelist()
        )
    zones = gpd.read_file(f"zip://{tmp_path / 'zones.shp.zip'}")
    with app.app_context():
        store, county = store_and_county(demo)
        names = {z.name for z in store.list_zones(county.id)}
    assert len(zones) == store_count(app, "zone") and set(zones["name"]) == names
    done = runner.invoke(args=["export-all", str(tmp_path / "all.gpkg")])
    assert done.exit_code == 0, done.output
    assert "wrote" in done.output and "layer_styles: " in done.output
    assert "segments" in dict(pyogrio.list_layers(tmp_path / "all.gpkg"))
    refused = runner.invoke(args=["export-all", str(tmp_path / "all.zip")])
    assert refused.exit_code != 0 and ".gpkg" in refused.output


def store_count(app, table: str) -> int:
    with app.app_context():
        store, county = store_and_county((app, None))
        return store.count(county.id, table)


def test_the_cases_list_offers_its_cases_as_a_zipped_shapefile(demo, tmp_path):
    client, _ = demo_client(demo, "leader")
    page = client.get("/cases?status=closed").text
    link = re.search(r'id="cases-shp" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith("/api/v1/incidents.zip?") and "status=closed" in link
    answer = client.get(link)
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    (tmp_path / "cases.zip").write_bytes(answer.data)
    with zipfile.ZipFile(tmp_path / "cases.zip") as archive:
        assert {"cases.shp", "cases.cpg", "cases.prj", "fields.csv"} <= set(archive.namelist())
        mapping = archive.read("fields.csv").decode("utf-8-sig")
    assert "category_z,category_zh,类别" in mapping and "reported_a,reported_at,上报时间" in mapping
    frame = gpd.read_file(f"zip://{tmp_path / 'cases.zip'}")
    app, _ = demo
    with app.app_context():
        store, county = store_and_county(demo)
        closed = store.count_incidents(county.id, None, status="closed")
    assert (
        len(frame) == closed > 0
        and set(frame["status"]) == {"closed"}
        and set(frame["status_zh"]) == {STATUS_ZH["closed"]}
    )
    empty = client.get("/api/v1/incidents.zip?from=2099-01-01")
    assert empty.status_code == 200 and empty.mimetype == "application/zip"
    assert client.get("/api/v1/incidents.zip?from=2026-02-30").status_code == 400
    assert demo[0].test_client().get("/api/v1/incidents.zip").status_code in (302, 401)


def test_a_second_export_while_one_is_made_is_refused(demo):
    client, token = demo_client(demo, "admin")
    assert _making.acquire(blocking=False)
    try:
        refused = client.post("/admin/export", data={"csrf_token": token})
    finally:
        _making.release()
    assert refused.status_code == 409  # in the admin's language (an earlier test may have switched it)
    assert "另一个导出正在进行" in refused.text or "Another export is being made" in refused.text
    assert client.post("/admin/export", data={"csrf_token": token}).status_code == 200
