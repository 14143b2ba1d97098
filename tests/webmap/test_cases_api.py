"""The cases API: filing (JSON, form with photo, API key), idempotency, lists, CSV, the workflow."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from PIL import Image
from shapely.geometry import box
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from geodata.accounts.apikeys import issue_key
from geodata.model import Zone
from tests.support.web import COUNTY_CODE, PASSWORD, jpeg_bytes, login
from webmap import get_store

FUHUA = {"category": "parking", "lat": 22.5051, "long": 114.004, "description": "人行道停车"}
INCIDENTS = "/api/v1/incidents"


def _token(client) -> str:
    import re

    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/portal").text).group(1)


def _post(client, path, body=None, token=None, **kw):
    headers = {"X-CSRFToken": token or _token(client), **kw.pop("headers", {})}
    if body is not None:
        kw["json"] = body
    return client.post(path, headers=headers, **kw)


def _as(app, name):
    client = app.test_client()
    login(client, name, PASSWORD)
    return client


def _count(app, table="incident"):
    with app.app_context():
        store = get_store()
        return store.count(store.get_county("990001").id, table)


def test_an_inspector_files_a_report_and_is_told_who_handles_it_by_when(app, case_users):
    insp = _as(app, "insp")
    before = _count(app)
    answer = _post(insp, "/api/v1/incidents", FUHUA)
    assert answer.status_code == 201, answer.text
    case = answer.get_json()
    assert case["unit"]["name"] == "城管执法局" and case["status"] == "dispatched"
    assert case["zone"]["name"] == "西园社区" and case["category_zh"] == "乱停车"
    assert "已派发给城管执法局" in case["message"] and "前处置" in case["message"]
    assert _count(app) == before + 1


def test_a_report_kept_offline_is_dated_when_seen_within_a_week(app, case_users):
    insp = _as(app, "insp")
    now = datetime.now(UTC)
    seen = (now - timedelta(hours=5)).replace(microsecond=0)
    answer = _post(insp, INCIDENTS, {**FUHUA, "observed_at": seen.isoformat()})
    assert answer.status_code == 201, answer.text
    case = answer.get_json()
    assert datetime.fromisoformat(case["reported_at"]) == seen
    assert datetime.fromisoformat(case["deadline_at"]) > now  # the deadline runs from its arrival
    ahead = _post(insp, INCIDENTS, {**FUHUA, "observed_at": (now + timedelta(hours=1)).isoformat()})
    assert datetime.fromisoformat(ahead.get_json()["reported_at"]) <= datetime.now(UTC)  # a fast clock
    before = _count(app)
    old = _post(insp, INCIDENTS + "?lang=en", {**FUHUA, "observed_at": (now - timedelta(days=8)).isoformat()})
    assert old.status_code == 400 and old.get_json()["error"]["field"] == "observed_at"
    assert "more than 7 days ago" in old.get_json()["error"]["message"]
    naive = _post(insp, INCIDENTS, {**FUHUA, "observed_at": "2026-10-20 09:30"})
    assert naive.status_code == 400 and "需带时区" in naive.get_json()["error"]["message"]
    assert _count(app) == before  # nothing stored for a refusal


def test_a_repeated_idempotency_key_replays_the_first_answer_and_stores_nothing(app, case_users):
    insp = _as(app, "insp")
    token = _token(insp)
    first = _post(insp, "/api/v1/incidents", FUHUA, token, headers={"Idempotency-Key": "k-1"})
    again = _post(insp, "/api/v1/incidents", FUHUA, token, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    other = _post(insp, "/api/v1/incidents", {**FUHUA, "description": "另一件"}, token,
                  headers={"Idempotency-Key": "k-1"})  # fmt: skip
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert _count(app) == 35 + 1


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({**FUHUA, "lat": "北纬22"}, "lat", "纬度不是数字"),
        ({k: v for k, v in FUHUA.items() if k != "long"}, "long", "缺少经度"),
        ({**FUHUA, "lat": 39.9, "long": 116.4}, "lat", "不在测试县范围内"),
        ({**FUHUA, "lat": 114.004, "long": 22.5051}, "lat", "经纬度是否填反了"),
        ({**FUHUA, "category": "graffiti"}, "category", "未知的问题类别"),
        ({**FUHUA, "description": "x" * 2001}, "description", "描述过长"),
        ({**FUHUA, "category": 5}, "category", "应为文本"),
    ],
)
def test_bad_reports_get_a_message_naming_the_field_and_store_nothing(app, case_users, body, field, text):
    answer = _post(_as(app, "insp"), "/api/v1/incidents", body)
    assert answer.status_code in (400, 404)
    error = answer.get_json()["error"]
    assert error["field"] == field and text in error["message"]
    assert _count(app) == 35 and _count(app, "incident_event") == 0


def test_a_body_that_is_not_json_and_a_missing_login(app, case_users):
    insp = _as(app, "insp")
    answer = _post(insp, "/api/v1/incidents", data="lat=1", headers={"Content-Type": "text/plain"})
    assert (
        answer.status_code == 400 and "不支持的内容类型 text/plain" in answer.get_json()["error"]["message"]
    )
    broken = _post(insp, "/api/v1/incidents", data="{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and "不是 JSON" in broken.get_json()["error"]["message"]
    assert app.test_client().post("/api/v1/incidents", json=FUHUA).status_code == 401


def test_an_api_key_files_without_a_session_and_a_bad_key_is_refused(app, case_users):
    with app.app_context():
        _, key = issue_key(get_store(), "城市大脑", "inspector")
    client = app.test_client()
    made = client.post("/api/v1/incidents", json=FUHUA, headers={"X-API-Key": key})
    assert made.status_code == 201 and made.get_json()["reporter"] == "api:城市大脑"
    assert made.get_json()["source"] == "api"
    refused = client.post("/api/v1/incidents", json=FUHUA, headers={"X-API-Key": key + "x"})
    assert refused.status_code == 401 and "api_key 无效" in refused.get_json()["error"]["message"]


def test_a_photo_gives_the_place_when_none_is_sent_and_its_public_copy_has_no_exif(app, case_users):
    insp = _as(app, "insp")
    form = {"category": "parking", "photo": (io.BytesIO(jpeg_bytes((114.004, 22.5051))), "p.jpg")}
    answer = _post(insp, "/api/v1/incidents", data=form, content_type="multipart/form-data")
    assert answer.status_code == 201, answer.text
    case = answer.get_json()
    assert case["lon"] == pytest.approx(114.004, abs=1e-5) and case["unit"]["name"] == "城管执法局"
    detail = insp.get(f"/api/v1/incidents/{case['id']}").get_json()
    (photo,) = detail["photos"]
    original = Image.open(io.BytesIO(insp.get(photo["url"]).data))
    public = Image.open(io.BytesIO(insp.get(photo["public_url"]).data))
    assert original.getexif().get(0x010F) == "PhoneMaker"
    assert len(public.getexif()) == 0 and public.size == (64, 48)
    anyone = app.test_client()
    assert anyone.get(photo["public_url"]).status_code == 200  # the EXIF-free copy is public
    assert (
        anyone.get(
            photo["public_url"].replace(photo["public_url"].rsplit("/", 1)[1], photo["url"].rsplit("/", 1)[1])
        ).status_code
        == 404
    )
    assert anyone.get(photo["url"]).status_code == 401  # the original is for staff


def test_a_file_that_is_not_an_image_or_too_big_is_refused_and_nothing_stored(app, case_users):
    insp = _as(app, "insp")
    fake = {**FUHUA, "photo": (io.BytesIO(b"%PDF-1.4 not a photo"), "p.jpg")}
    answer = _post(insp, "/api/v1/incidents", data=fake, content_type="multipart/form-data")
    assert answer.status_code == 400 and "不是可识别的图片" in answer.get_json()["error"]["message"]
    huge = {**FUHUA, "photo": (io.BytesIO(b"\xff" * (13 * 1024 * 1024)), "p.jpg")}
    too_big = _post(insp, "/api/v1/incidents", data=huge, content_type="multipart/form-data")
    assert too_big.status_code == 413 and "上传内容过大" in too_big.get_json()["error"]["message"]
    no_place = {"category": "parking", "photo": (io.BytesIO(jpeg_bytes()), "p.jpg")}
    answer = _post(insp, "/api/v1/incidents", data=no_place, content_type="multipart/form-data")
    assert answer.status_code == 400 and "缺少位置" in answer.get_json()["error"]["message"]
    assert _count(app) == 35 and _count(app, "incident_photo") == 0


def test_a_photo_report_sent_again_with_its_key_is_filed_once_with_one_photo(app, case_users):
    """As a phone sends a report it kept offline (static/portal/offline/outbox.js): the same fields
    and photo under the same Idempotency-Key, in a new multipart body (another boundary, another
    order of the parts), by a session with a fresh CSRF token and by an API key alike."""
    with app.app_context():
        _, api_key = issue_key(get_store(), "城市大脑", "inspector")
    photo = jpeg_bytes((114.004, 22.5051))
    fields = [("category", "parking"), ("description", "人行道停车"), ("address", ""), ("lat", "")]

    def multipart(boundary: str, parts: list, image: bytes = photo) -> tuple[bytes, str]:
        values = MultiDict([*parts, ("photo", FileStorage(io.BytesIO(image), "scene.jpg", "photo"))])
        _, body = encode_multipart(values, boundary=boundary)
        return body, f"multipart/form-data; boundary={boundary}"

    for caller, key in ((_as(app, "insp"), None), (app.test_client(), api_key)):
        sent = []
        for boundary, parts in (("first-boundary", fields), ("AnOtherOne42", fields[::-1])):
            body, content_type = multipart(boundary, parts)
            headers = {"Idempotency-Key": f"kept-{bool(key)}"}
            headers.update({"X-API-Key": key} if key else {"X-CSRFToken": _token(caller)})
            sent.append(caller.post(INCIDENTS, data=body, headers=headers, content_type=content_type))
        first, again = sent
        assert first.status_code == again.status_code == 201, again.text
        assert again.get_json()["id"] == first.get_json()["id"]
        assert again.headers["Idempotent-Replayed"] == "true"
        body, content_type = multipart("third", fields, jpeg_bytes((114.0041, 22.5051)))  # another photo
        other = caller.post(INCIDENTS, data=body, headers=headers, content_type=content_type)
        assert other.status_code == 422 and other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert _count(app) == 35 + 2 and _count(app, "incident_photo") == 2


def test_the_workflow_over_http_with_permissions_and_409(app, case_users):
    case = _post(_as(app, "insp"), "/api/v1/incidents", FUHUA).get_json()
    url = f"/api/v1/incidents/{case['id']}/actions"
    jj, cg, insp = _as(app, "jj"), _as(app, "cg"), _as(app, "insp")
    assert jj.get(f"/api/v1/incidents/{case['id']}").status_code == 403  # another unit's case
    refused = _post(jj, url, {"action": "handle"})
    assert refused.status_code == 403 and "不属于您的单位" in refused.get_json()["error"]["message"]
    early = _post(insp, url, {"action": "verify"})
    assert early.status_code == 409
    assert (
        early.get_json()["error"]["status"] == "dispatched"
        and "已派发" in early.get_json()["error"]["message"]
    )
    assert _post(cg, url, {"action": "handle", "note": "已清理"}).get_json()["status"] == "handled"
    assert _post(insp, url, {"action": "reopen", "note": "仍有车"}).get_json()["rework"] == 1
    detail = cg.get(f"/api/v1/incidents/{case['id']}").get_json()
    assert detail["actions"] == ["handle", "return"]
    assert [e["to"] for e in detail["events"]] == ["filed", "dispatched", "handled", "reopened"]


def test_lists_filter_page_and_export(app, case_users, leader):
    page = leader.get("/api/v1/incidents?category=parking&per_page=5&page=2&duplicates=1").get_json()
    assert page["total"] == 17 and page["pages"] == 4 and len(page["items"]) == 5
    ids = [c["id"] for c in page["items"]]
    assert ids == sorted(ids, reverse=True)
    insp = _as(app, "insp")
    _post(insp, "/api/v1/incidents", FUHUA)
    _post(insp, "/api/v1/incidents", {**FUHUA, "lat": 22.5151, "long": 114.015})  # 金田路, 东湖社区
    west = leader.get("/api/v1/incidents?zone=001").get_json()
    assert west["total"] == 1 and west["items"][0]["zone"]["name"] == "西园社区"
    cg = _as(app, "cg").get("/api/v1/incidents?duplicates=1").get_json()  # own unit only
    assert cg["total"] == 1 and cg["items"][0]["unit"]["name"] == "城管执法局"
    text = leader.get("/api/v1/incidents.csv?category=posters").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 18 and rows[0]["类别"] == "牛皮癣" and rows[0]["状态"]
    case = leader.get(f"/api/v1/incidents/{rows[0]['编号']}").get_json()  # UTC in the API, +8 h in the CSV
    reported = datetime.fromisoformat(case["reported_at"]).astimezone(timezone(timedelta(hours=8)))
    assert rows[0]["上报时间"] == reported.strftime("%Y-%m-%d %H:%M:%S")
    english = leader.get("/api/v1/incidents.csv?category=posters&lang=en").data.decode("utf-8-sig")
    en_rows = list(csv.DictReader(io.StringIO(english)))
    assert en_rows[0]["category_zh"] == "牛皮癣" and en_rows[0]["reported_at"] == rows[0]["上报时间"]
    bad = leader.get("/api/v1/incidents?per_page=500")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "per_page"
    assert leader.get("/api/v1/incidents?unit=ZZ").status_code == 404


def test_a_courtyards_cases_are_listed_by_its_code_and_with_its_community(app, case_users, leader):
    with app.app_context():
        store = get_store()
        cid = store.get_county(COUNTY_CODE).id
        west = next(z for z in store.list_zones(cid, kind="community") if z.code == "001")
        yard = Zone(
            cid, "courtyard", "001-Y1", "西园一院", box(114.003, 22.504, 114.005, 22.506), parent_id=west.id
        )
        store.add_zones([yard])
    made = _post(_as(app, "insp"), "/api/v1/incidents", FUHUA).get_json()  # inside the courtyard
    assert made["zone"]["name"] == "西园一院"
    listed = leader.get("/api/v1/incidents?zone=001-Y1").get_json()
    assert [c["id"] for c in listed["items"]] == [made["id"]]
    assert made["id"] in [c["id"] for c in leader.get("/api/v1/incidents?zone=001").get_json()["items"]]
    missing = leader.get("/api/v1/incidents?zone=009")
    assert missing.status_code == 404 and "社区、村、楼院或网格" in missing.get_json()["error"]["message"]
