"""Data in the browser (/admin/data, /admin/jobs; issue #20 part 6): the real Futian streets
uploaded, previewed (nothing stored) and imported by a job; refused rows that stop an import
unless skipped; files that are no geo data refused clearly; make-grid and coverage run as jobs to
done; a failing job leaves the database as it was; a job whose process died is failed; only
administrators; English pages with no Chinese of the portal's. Jobs run synchronously through the
runner's own function here; tests/webmap/test_admin_jobs.py runs them in the real thread."""

from __future__ import annotations

import io
import json
import re

import geopandas as gpd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, box

import geodata.io.streets
from geodata.audit import AuditFilter
from geodata.io import imports
from geodata.jobs.model import STALE_AFTER, Job
from geodata.jobs.run import now
from geodata.model import Assignment
from scripts.bench import fuzz
from tests.support.english import chinese_outside, data_names, switch_language
from tests.support.web import COUNTY_CODE, SINCE, admin_client, csrf_token
from webmap import create_app, get_store
from webmap.jobs import runner
from webmap.views.admin import data as data_views

FUTIAN = "440304"


def _admin_client(app, county_code: str):
    with app.app_context():
        runner().synchronous = True
    return admin_client(app, county_code)


@pytest.fixture
def futian(tmp_path):
    """A fresh portal with only the Futian county created (no extent yet) and its administrator."""
    app = create_app({"database_url": f"sqlite:///{tmp_path / 'f.sqlite'}", "instance_path": str(tmp_path),
                      "testing": True, "seed_demo_on_start": False, "default_county": FUTIAN})  # fmt: skip
    with app.app_context():
        get_store().migrate()
        imports.create_county(get_store(), FUTIAN, "福田区")
    return app, *_admin_client(app, FUTIAN)


@pytest.fixture
def admin(app):
    """The small county 测试县 (two communities, three roads) and its administrator."""
    return app, *_admin_client(app, COUNTY_CODE)


def _upload(client, token, name: str, body: bytes, kind: str = "streets", **form):
    data = {"csrf_token": token, "kind": kind, "file": (io.BytesIO(body), name), **form}
    return client.post("/admin/data", data=data, content_type="multipart/form-data")


def _count(app, code: str, table: str) -> int:
    with app.app_context():
        store = get_store()
        return store.count(store.get_county(code).id, table)


def _uploads(app) -> list:
    folder = runner_folder(app)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def runner_folder(app):
    with app.app_context():
        return runner().uploads


def _geojson(frame: gpd.GeoDataFrame) -> bytes:
    return frame.to_json().encode()


def test_the_futian_streets_are_previewed_then_imported_by_a_job(futian, shared_data):
    app, client, token = futian
    assert "还没有任务" in client.get("/admin/data").text
    body = (shared_data / "futian" / "futian_roads.geojson").read_bytes()
    sent = _upload(client, token, "福田道路.geojson", body)
    assert sent.status_code == 302 and "/admin/data/uploads/" in sent.headers["Location"]
    page = client.get(sent.headers["Location"]).text
    assert re.search(r'id="preview-read">2,567<', page) and re.search(r'id="preview-storable">2,567<', page)
    assert re.search(r'id="preview-refused">0<', page) and "没有被拒绝的行" in page
    assert "福田道路.geojson" in page and 'id="preview-map"' in page and "114.0" in page
    assert _count(app, FUTIAN, "segment") == 0  # a preview stores nothing
    upload = sent.headers["Location"].rsplit("/", 1)[1]
    stored = [p for p in _uploads(app) if p.startswith(upload)]
    assert stored and not any("福田" in p for p in stored)  # kept under its random name only
    features = client.get(f"/admin/data/uploads/{upload}/map").get_json()
    assert features["total"] == 2567 and 0 < len(features["features"]) <= 3000
    assert all(f["properties"]["ok"] for f in features["features"])

    done = client.post(f"/admin/data/uploads/{upload}/import", data={"csrf_token": token})
    assert done.status_code == 302 and re.search(r"/admin/jobs/\d+$", done.headers["Location"])
    job_page = client.get(done.headers["Location"]).text
    assert "已完成" in job_page and 'id="result-stored">' in job_page and "福田道路.geojson" in job_page
    assert "data-poll" not in job_page  # done: nothing to follow
    segments = _count(app, FUTIAN, "segment")
    assert segments >= 2567 and f"{segments:,} 条路段" in job_page
    with app.app_context():
        assert get_store().get_county(FUTIAN).extent is not None  # the first import gave the extent
        actions = [e.action for e in get_store().iter_audit_events(AuditFilter(actor="admin1"))]
    assert "admin_data.upload" in actions and "admin_data.import_upload" in actions
    assert client.get(f"/admin/data/uploads/{upload}").status_code == 404  # imported: gone
    assert not [p for p in _uploads(app) if p.startswith(upload)]
    listing = client.get("/admin/jobs").text
    assert "导入数据" in listing and "admin1" in listing and 'value="100"' in listing


def _streets_with_two_bad_rows() -> gpd.GeoDataFrame:
    lines = [LineString([(114.001, 22.501 + i / 1000), (114.009, 22.501 + i / 1000)]) for i in range(3)]
    lines += [LineString([(116.40, 39.90), (116.41, 39.90)]), None]
    names = ["一路", "二路", "三路", "远方路", "空路"]
    return gpd.GeoDataFrame({"name": names, "highway": ["residential"] * 5}, geometry=lines, crs=4326)


def test_refused_rows_store_nothing_unless_skipped(admin):
    app, client, token = admin
    before = _count(app, COUNTY_CODE, "segment")
    sent = _upload(client, token, "roads.geojson", _geojson(_streets_with_two_bad_rows()))
    page = client.get(sent.headers["Location"]).text
    assert re.search(r'id="preview-storable">3<', page) and re.search(r'id="preview-refused">2<', page)
    rows = re.findall(r'<tr data-row="(\d+)">.*?</tr>', page, re.S)
    assert rows == ["4", "5"]
    assert "在县区范围之外" in page and "远方路" in page and "没有几何图形" in page
    upload = sent.headers["Location"].rsplit("/", 1)[1]
    refused = client.post(f"/admin/data/uploads/{upload}/import", data={"csrf_token": token})
    assert refused.status_code == 400 and "有 2 行被拒绝" in refused.text and "跳过被拒绝的行" in refused.text
    assert _count(app, COUNTY_CODE, "segment") == before
    with app.app_context():
        assert get_store().count_jobs(get_store().get_county(COUNTY_CODE).id) == 0
    done = client.post(
        f"/admin/data/uploads/{upload}/import", data={"csrf_token": token, "skip_refused": "yes"}
    )
    job_page = client.get(done.headers["Location"]).text
    assert "已完成" in job_page and "跳过被拒绝的行" in job_page
    assert re.findall(r'<tr data-row="(\d+)">', job_page) == ["4", "5"] and "在县区范围之外" in job_page
    assert _count(app, COUNTY_CODE, "segment") == before + 3


def _projected_roads() -> bytes:
    frame = _streets_with_two_bad_rows().iloc[:3].to_crs(32650)
    return frame.set_crs(None, allow_override=True).to_json().encode()


@pytest.mark.parametrize(
    ("name", "body", "form", "said"),
    [
        ("notes.txt", b"hello", {}, "is not a GeoJSON, GeoPackage"),
        ("roads.geojson", b"hello, not json", {}, "could not be read as geojson"),
        ("roads.geojson", b"", {}, "roads.geojson is empty"),
        ("points.csv", b"a,b\n1,2\n", {}, "has no lon and lat columns"),
        ("roads.shp", b"x" * 100, {}, "upload a Shapefile as a zip"),
        ("roads.geojson", None, {}, "declares no usable CRS"),
        ("roads.geojson", None, {"crs": "EPSG:nonsense"}, "is not a CRS: write it as EPSG:N"),
        ("roads.geojson", b"", {"kind": "spaceships"}, "Unknown kind of import"),
        (
            "areas.geojson",
            "communities",
            {},
            "holds Polygon geometries, not the LineString or MultiLineString",
        ),
    ],
)
def test_a_file_that_is_no_geo_data_is_refused_clearly(admin, name, body, form, said):
    app, client, token = admin
    switch_language(client, "en", "/admin/data")
    if body is None:
        body = _projected_roads()
    elif body == "communities":
        body = _geojson(
            gpd.GeoDataFrame({"name": ["西区"]}, geometry=[box(114.0, 22.5, 114.01, 22.51)], crs=4326)
        )
    kind = form.pop("kind", "streets")
    answer = _upload(client, token, name, body, kind, **form)
    assert answer.status_code == 400, answer.text[:500]
    assert said in answer.text.replace("&#39;", "'")
    assert _uploads(app) == []  # nothing kept of a refused upload
    assert _count(app, COUNTY_CODE, "segment") == 3


def test_a_projected_file_is_read_with_the_crs_given(admin):
    app, client, token = admin
    sent = _upload(client, token, "roads.geojson", _projected_roads(), crs="EPSG:32650")
    assert sent.status_code == 302
    assert re.search(r'id="preview-storable">3<', client.get(sent.headers["Location"]).text)


def test_no_file_and_a_file_too_large_are_refused(admin, monkeypatch):
    app, client, token = admin
    missing = client.post("/admin/data", data={"csrf_token": token, "kind": "streets"})
    assert missing.status_code == 400 and "请选择要上传的文件" in missing.text
    monkeypatch.setattr(data_views, "MAX_UPLOAD_MB", 1)
    big = _upload(client, token, "big.geojson", b" " * (2 << 20))
    assert big.status_code == 413 and "最大 1 MB" in big.text
    assert _uploads(app) == []


def _start(client, token, job: str, **form):
    return client.post("/admin/jobs", data={"csrf_token": token, "job": job, **form})


def test_make_grid_and_coverage_run_as_jobs_to_done_with_results(admin):
    app, client, token = admin
    unconfirmed = _start(client, token, "make_grid", target_m2="20000")
    assert unconfirmed.status_code == 400 and "请勾选“确认”" in unconfirmed.text
    assert _start(client, token, "make_grid", target_m2="1", confirm="yes").status_code == 400
    assert _start(client, token, "drop_tables").status_code == 400
    grid = _start(client, token, "make_grid", target_m2="20000", confirm="yes")
    page = client.get(grid.headers["Location"]).text
    cells = int(re.search(r'id="result-cells">([\d,]+)<', page).group(1).replace(",", ""))
    with app.app_context():
        store = get_store()
        stored = store.list_zones(store.get_county(COUNTY_CODE).id, kind="grid")
    assert cells == len(stored) > 2 and "已完成" in page and "新建" in page
    report = _start(client, token, "coverage", at="2024-06-01")
    page = client.get(report.headers["Location"]).text
    assert "已完成" in page and re.search(r'id="result-segments">1 条', page)  # 无人路 has no lead
    job_id = int(report.headers["Location"].rsplit("/", 1)[1])
    answer = client.get(f"/admin/jobs/{job_id}.json").get_json()
    assert (answer["state"], answer["progress"], answer["finished"], answer["kind"]) == (
        "done",
        100,
        True,
        "coverage",
    )
    assert client.get("/admin/jobs/999999.json").status_code == 404


def test_a_failing_job_leaves_the_database_as_it_was_and_says_why(admin, monkeypatch):
    app, client, token = admin
    original = geodata.io.streets._store_segments

    def store_then_crash(store, segments, progress):
        original(store, segments, progress)  # written inside the job's transaction …
        raise MemoryError("out of memory")  # … then undone

    monkeypatch.setattr(geodata.io.streets, "_store_segments", store_then_crash)
    with app.app_context():
        version = get_store().map_version()
    sent = _upload(client, token, "roads.geojson", _geojson(_streets_with_two_bad_rows().iloc[:3]))
    upload = sent.headers["Location"].rsplit("/", 1)[1]
    done = client.post(f"/admin/data/uploads/{upload}/import", data={"csrf_token": token})
    page = client.get(done.headers["Location"]).text
    assert (
        "失败" in page and "MemoryError" in page and "未保存任何数据" in page and 'class="job-error"' in page
    )
    assert _count(app, COUNTY_CODE, "segment") == 3
    with app.app_context():
        assert get_store().map_version() == version
    assert client.get(f"/admin/data/uploads/{upload}").status_code == 200  # kept: it may be tried again

    # a grid that would delete a cell a unit guards: refused by the job, nothing changed
    monkeypatch.undo()
    _start(client, token, "make_grid", target_m2="20000", confirm="yes")
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        cells = store.list_zones(county.id, kind="grid")
        unit = store.list_units(county.id)[0]
        store.assign(Assignment(county.id, unit.id, "zone", cells[0].id, "lead", SINCE))
    again = _start(client, token, "make_grid", target_m2="100000", confirm="yes")
    page = client.get(again.headers["Location"]).text
    assert "失败" in page and cells[0].code in page
    with app.app_context():
        assert [z.id for z in get_store().list_zones(county.id, kind="grid")] == [z.id for z in cells]


def test_a_job_whose_process_died_is_shown_failed(admin):
    app, client, token = admin
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        job = store.add_job(Job(county.id, "make_grid", "admin1", {}, created_at=now() - 2 * STALE_AFTER))
        store.claim_job(county.id, job.id, "host:1:gone", now() - STALE_AFTER - STALE_AFTER / 10)
    page = client.get(f"/admin/jobs/{job.id}").text
    assert "失败" in page and "运行该任务的进程已停止" in page
    assert client.get(f"/admin/jobs/{job.id}.json").get_json()["state"] == "failed"


def test_only_administrators(app, admin, sign_in):
    leader = sign_in("leader1")
    for url in ("/admin/data", "/admin/jobs", "/admin/jobs/1", "/admin/jobs/1.json",
                "/admin/data/uploads/AAAAAAAAAAAAAAAAAAAAAA", "/admin/data/uploads/AAAAAAAAAAAAAAAAAAAAAA/map"):  # fmt: skip
        assert leader.get(url).status_code == 403, url
        assert app.test_client().get(url).status_code == 302, url
    token = csrf_token(leader.get("/account/password").text)
    for url in ("/admin/data", "/admin/jobs", "/admin/data/uploads/AAAAAAAAAAAAAAAAAAAAAA/import"):
        assert leader.post(url, data={"csrf_token": token, "job": "coverage"}).status_code == 403, url
    with app.app_context():
        assert get_store().count_jobs(get_store().get_county(COUNTY_CODE).id) == 0


def test_the_pages_in_english_carry_no_chinese_of_the_portals(admin):
    app, client, token = admin
    switch_language(client, "en", "/admin/data")
    with app.app_context():
        store = get_store()
        names = data_names(store, store.get_county(COUNTY_CODE).id) | {
            "远方路",
            "空路",
            "一路",
            "二路",
            "三路",
        }
    assert not chinese_outside(client.get("/admin/data").text, names)
    assert not chinese_outside(client.get("/admin/jobs").text, names)  # the empty state
    sent = _upload(client, token, "roads.geojson", _geojson(_streets_with_two_bad_rows()))
    preview = client.get(sent.headers["Location"]).text
    assert "lies outside the county&#39;s extent" in preview and "it has no geometry" in preview
    assert not chinese_outside(preview, names)
    upload = sent.headers["Location"].rsplit("/", 1)[1]
    refused = client.post(f"/admin/data/uploads/{upload}/import", data={"csrf_token": token})
    assert "Skip refused rows" in refused.text and not chinese_outside(refused.text, names)
    done = client.post(
        f"/admin/data/uploads/{upload}/import", data={"csrf_token": token, "skip_refused": "yes"}
    )
    grid = _start(client, token, "make_grid", target_m2="20000", confirm="yes")
    report = _start(client, token, "coverage")
    for answer in (done, grid, report):
        page = client.get(answer.headers["Location"]).text
        assert "Done" in page and not chinese_outside(page, names), chinese_outside(page, names)
    listing = client.get("/admin/jobs").text
    assert "Data import" in listing and not chinese_outside(listing, names)
    job_id = int(report.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/admin/jobs/{job_id}.json").get_json()["state_name"] == "Done"
    assert not chinese_outside(
        json.dumps(client.get(f"/admin/jobs/{job_id}.json").get_json(), ensure_ascii=False), names
    )


# -- hostile forms ---------------------------------------------------------------------------------
values = st.one_of(
    st.sampled_from(
        fuzz.TEXTS + ["make_grid", "coverage", "yes", "streets", "community", "EPSG:4547", "1e400"]
    ),
    st.text(max_size=12),
)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(data=st.data())
def test_no_form_input_gets_a_5xx_nor_starts_a_job_it_should_not(admin, data):
    app, client, token = admin
    path = data.draw(st.sampled_from(["/admin/data", "/admin/jobs", "/admin/data/uploads/x/import"]))
    form = data.draw(st.dictionaries(st.sampled_from(["job", "target_m2", "at", "confirm", "kind", "crs",
                                                      "name_field", "skip_refused"]), values, max_size=5))  # fmt: skip
    answer = client.post(path, data=fuzz.query([("csrf_token", token), *form.items()]),
                         content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert answer.status_code < 500, (path, form, answer.text[:300])
    if answer.status_code == 302:  # a job was started: a grid only with 确认, and only these kinds
        assert path == "/admin/jobs" and form.get("job") in ("make_grid", "coverage"), form
        assert form["job"] == "coverage" or form.get("confirm") == "yes", form
