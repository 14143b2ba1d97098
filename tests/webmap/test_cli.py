"""The Flask CLI commands on a temporary SQLite file: summaries, prompts and one-line errors."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, box

from webmap import create_app, get_store

CODE = "990004"


@pytest.fixture
def cli_app(tmp_path):
    return create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 't.sqlite'}",
            "instance_path": str(tmp_path),
            "testing": True,
            "seed_demo_on_start": False,
            "default_county": CODE,
        }
    )


@pytest.fixture
def run(cli_app):
    """Invoke a command; return (exit code, output)."""
    runner = cli_app.test_cli_runner()

    def invoke(*args, input=None):
        result = runner.invoke(args=[str(a) for a in args], input=input)
        assert "Traceback" not in result.output
        return result.exit_code, result.output

    invoke("init-db")
    return invoke


def _counts(app) -> dict:
    with app.app_context():
        store = get_store()
        cid = store.get_county(CODE).id
        return {t: store.count(cid, t) for t in ("zone", "segment", "incident", "unit")}


def test_init_db_twice(cli_app):
    runner = cli_app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == second.exit_code == 0
    assert "applied 0001_init.sql" in first.output
    assert "the database is up to date" in second.output


def test_a_county_from_import_to_export(run, cli_app, tmp_path):
    streets = gpd.GeoDataFrame(
        {"name": ["福华路", "金田路"], "highway": ["primary", "secondary"]},
        geometry=[
            LineString([(114.0, 22.505), (114.02, 22.505)]),
            LineString([(114.01, 22.5), (114.01, 22.51)]),
        ],
        crs=4326,
    )
    streets.to_file(tmp_path / "streets.gpkg")
    zones = gpd.GeoDataFrame({"社区": ["西园社区"]}, geometry=[box(114.0, 22.5, 114.01, 22.51)], crs=4326)
    zones.to_file(tmp_path / "zones.geojson")
    (tmp_path / "units.csv").write_text("code,name,hotline\nCGJ,城管执法局,0755-1\n")
    (tmp_path / "incidents.csv").write_text(
        "category,reported_at,lon,lat\n牛皮癣,2026-05-01 10:00,114.005,22.5051\nparking,2026-05-02,114.0099,22.503\n"
    )
    assert run("create-county", CODE, "测试县") == (0, f"created county 测试县 ({CODE}); its extent comes "
                                                     "from the first streets or zones imported\n")  # fmt: skip
    code, out = run("import-streets", tmp_path / "streets.gpkg")
    assert code == 0 and "streets.gpkg: read 2, stored 4 segments" in out
    code, out = run("import-zones", tmp_path / "zones.geojson", "--kind", "community", "--name-field", "社区")
    assert code == 0 and "stored 1 community zones" in out
    code, out = run("import-units", tmp_path / "units.csv", "--county", CODE)
    assert code == 0 and "stored 1 units" in out
    code, out = run("import-incidents", tmp_path / "incidents.csv")
    assert code == 0 and "read 2, stored 2 incidents" in out
    code, out = run("export", "incidents", tmp_path / "out.geojson")
    assert code == 0 and "wrote 2 incidents" in out
    exported = gpd.read_file(tmp_path / "out.geojson")
    assert list(exported["zone_name"]) == ["西园社区", "西园社区"]
    for lang, column in (("zh", "所在区域"), ("en", "zone_name")):  # a CSV: Chinese headers by default
        code, out = run(
            "export", "incidents", tmp_path / f"{lang}.csv", *(["--lang", "en"] if lang == "en" else [])
        )
        assert code == 0 and "wrote 2 incidents" in out
        assert (tmp_path / f"{lang}.csv").read_text(encoding="utf-8-sig").splitlines()[0].count(column) == 1
    assert _counts(cli_app) == {"zone": 1, "segment": 4, "incident": 2, "unit": 1}


def test_refusals_are_one_error_line_and_store_nothing(run, cli_app, tmp_path):
    run("create-county", CODE, "测试县")
    (tmp_path / "x.txt").write_text("hello")
    code, out = run("import-streets", tmp_path / "x.txt")
    assert code == 1
    assert out.strip().splitlines()[-1] == (
        "Error: x.txt 不是 GeoJSON, GeoPackage, zipped Shapefile, OSM PBF or CSV 文件"
    )
    run("import-zones", _square(tmp_path), "--kind", "community")
    (tmp_path / "far.csv").write_text("category,reported_at,lon,lat\nparking,2026-01-01,116.4,39.9\n")
    code, out = run("import-incidents", tmp_path / "far.csv")
    assert code == 1 and "Error: far.csv：1 行中有 1 行被拒绝，未保存任何数据：row 1:" in out
    code, out = run("import-zones", _square(tmp_path), "--kind", "district")
    assert (
        code == 1 and "Error: 未知的区域类型 'district'：可选 subdistrict（街道）、community（社区）" in out
    )
    assert run("create-county", "12345", "短码")[0] == 1
    code, out = run("export", "roads", tmp_path / "r.csv")
    assert code == 1 and "Error: 未知的图层 'roads'" in out
    assert _counts(cli_app) == {"zone": 1, "segment": 0, "incident": 0, "unit": 0}


def test_import_zones_takes_villages_and_courtyards(run, cli_app, tmp_path):
    run("create-county", CODE, "测试县")
    village = _one_zone(tmp_path, "西园村", box(114.0, 22.5, 114.01, 22.51))
    code, out = run("import-zones", village, "--kind", "village")
    assert code == 0 and "stored 1 village zones" in out
    code, out = run("import-zones", _one_zone(tmp_path, "西园一院", box(114.002, 22.502, 114.004, 22.504)),
                    "--kind", "courtyard")  # fmt: skip
    assert code == 0 and "stored 1 courtyard zones" in out
    with cli_app.app_context():
        store = get_store()
        zones = {z.kind: z for z in store.list_zones(store.get_county(CODE).id)}
    assert zones["courtyard"].parent_id == zones["village"].id and zones["courtyard"].name == "西园一院"


def _one_zone(tmp_path, name: str, geom):
    path = tmp_path / f"{name}.geojson"
    gpd.GeoDataFrame({"name": [name]}, geometry=[geom], crs=4326).to_file(path)
    return path


def _square(tmp_path):
    path = tmp_path / "square.geojson"
    gpd.GeoDataFrame({"name": ["西园社区"]}, geometry=[box(114.0, 22.5, 114.01, 22.51)], crs=4326).to_file(
        path
    )
    return path


def test_create_user_prompts_and_refuses(run, cli_app):
    code, out = run("create-user", "zhang", "--role", "leader", input="Secret 42\nSecret 42\n")
    assert code == 0 and "created user zhang (leader)" in out
    code, out = run("create-user", "li", "--role", "chief", "--password", "x")
    assert (code, out) == (1, "Error: 未知角色 'chief'：可选 admin、leader、unit_staff 或 inspector\n")
    code, out = run("create-user", "zhang", "--role", "admin", "--password", "Secret 43")
    assert code == 1 and "Error: 用户名 'zhang' 已被使用" in out
    code, out = run("create-user", "a", "--role", "admin", "--password", "a")
    assert code == 1 and "Error: 密码不符合要求：至少 8 个字符（现为 1 个）" in out
    code, out = run("create-user", "wang", "--role", "leader", input="one\ntwo\nOne two 3\nOne two 3\n")
    assert code == 0 and "Error: The two entered values do not match." in out


def test_seed_demo_prints_its_users(run, cli_app):
    code, out = run("seed-demo", "--seed", "3", "--incidents", "200")
    assert code == 0, out
    assert "福田示范区 (440304) seeded" in out and "incident: 200" in out
    for role in ("admin", "leader", "unit_staff", "inspector"):
        assert role in out
    code, out = run("seed-demo", "--incidents", "10")
    assert code == 1 and "Error: 本数据库中已有演示县区 440304" in out and "--refresh" in out


def test_a_stale_demo_is_noticed_and_refresh_makes_it_anew_keeping_the_old_file(run, cli_app, tmp_path):
    from datetime import UTC, date, datetime

    from demo.county import demo_ends

    code, out = run("seed-demo", "--today", "15.1.2027")
    assert code != 0 and "应为 YYYY-MM-DD" in out
    code, out = run("seed-demo", "--seed", "3", "--incidents", "200", "--today", "2027-01-15")
    assert code == 0 and "its year: 2026-01-01 to 2027-01-15" in out, out
    with cli_app.app_context():
        store = get_store()
        assert demo_ends(store) is None  # made for a later day: fresh
        assert demo_ends(store, now=datetime(2027, 1, 15, 12, tzinfo=UTC)) is None  # that evening in 福田
        ends = demo_ends(store, now=datetime(2027, 1, 16, 12, tzinfo=UTC))  # a day on: stale
        assert ends == date(2027, 1, 15)
    code, out = run("seed-demo", "--refresh", "--seed", "3", "--incidents", "300")
    assert code == 0, out
    kept = [p.name for p in tmp_path.glob("t.sqlite.*.old")]
    assert len(kept) == 1 and f"kept as {kept[0]}" in out and "incident: 300" in out
    with cli_app.app_context():
        store = get_store()
        (county,) = store.list_counties()
        assert store.count(county.id, "incident") == 300
        assert any(z.tier for z in store.list_zones(county.id, kind="community"))  # tiers, as make run's
        assert sum(store.count_public_reports(county.id, s) for s in ("pending", "approved", "rejected")) > 0
    import sqlite3

    with sqlite3.connect(tmp_path / kept[0]) as old:
        assert old.execute("SELECT COUNT(*) FROM incident").fetchone()[0] == 200  # the old demo, whole
