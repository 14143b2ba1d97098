"""Open311 GeoReport v2: services, filing a request as the spec shows, reading requests with
filters, errors in the spec's form (JSON and XML), privacy, and the PyPI client ``georeport``."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
import requests
from georeport import GeoReport
from PIL import Image

from geodata.accounts.apikeys import issue_key
from geodata.cases import workflow as cases
from tests.support.web import OPEN311, spec_post
from webmap import get_store

PUBLIC_CODES = [
    "posters", "street_vending", "parking", "outdoor_ads", "sanitation", "construction_waste",
    "road_damage", "manhole", "greenery",
]  # fmt: skip
PRIVATE = ("zhang.san@example.cn", "13800138000", "张三", "api:")


@pytest.fixture
def key(app) -> str:
    with app.app_context():
        return issue_key(get_store(), "市民热线", "inspector")[1]


def _count(app, table="incident") -> int:
    with app.app_context():
        store = get_store()
        return store.count(store.get_county("990001").id, table)


def _error(answer, status: int, text: str) -> None:
    """A spec-style JSON error: ``[{"code": status, "description": "…text…"}]``."""
    assert answer.status_code == status, answer.text
    (error,) = answer.get_json()
    assert error["code"] == status and text in error["description"], error


def _file(client, key: str, **changes) -> str:
    answer = client.post(f"{OPEN311}/requests.json", data=spec_post(key, **changes))
    assert answer.status_code == 201, answer.text
    return answer.get_json()[0]["service_request_id"]


def _ids(answer) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [r["service_request_id"] for r in answer.get_json()]


# -- services ------------------------------------------------------------------------------------
def test_services_list_the_public_categories_in_json_and_xml(client):
    listed = client.get(f"{OPEN311}/services.json").get_json()
    assert [s["service_code"] for s in listed] == PUBLIC_CODES  # 执法人员作风 is internal
    parking = listed[2]
    assert parking["service_name"] == "乱停车" and "Illegal parking" in parking["description"]
    assert parking["metadata"] is False and parking["type"] == "realtime" and parking["group"] == "五项整治"
    answer = client.get(f"{OPEN311}/services.xml?jurisdiction_id=990001")
    assert answer.mimetype == "application/xml"
    assert answer.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(answer.data)
    assert root.tag == "services" and [s.findtext("service_code") for s in root] == PUBLIC_CODES
    assert root[2].findtext("service_name") == "乱停车" and root[2].findtext("metadata") == "false"


def test_a_service_definition_and_unknown_services_or_jurisdictions(client):
    assert client.get(f"{OPEN311}/services/parking.json").get_json() == {
        "service_code": "parking", "attributes": [],
    }  # fmt: skip
    root = ET.fromstring(client.get(f"{OPEN311}/services/parking.xml").data)
    assert root.tag == "service_definition" and root.findtext("service_code") == "parking"
    _error(client.get(f"{OPEN311}/services/graffiti.json"), 404, "没有这项服务")
    _error(client.get(f"{OPEN311}/services/staff_conduct.json"), 404, "没有这项服务")
    _error(client.get(f"{OPEN311}/services.json?jurisdiction_id=110000"), 404, "unknown jurisdiction_id")
    answer = client.get(f"{OPEN311}/services/graffiti.xml")
    assert answer.status_code == 404
    error = ET.fromstring(answer.data)
    assert error.tag == "errors" and error.find("error/code").text == "404"
    assert "没有这项服务" in error.find("error/description").text


# -- filing --------------------------------------------------------------------------------------
def test_a_post_made_as_the_spec_shows_creates_a_case(app, client, key):
    answer = client.post(f"{OPEN311}/requests.json", data=spec_post(key))
    assert answer.status_code == 201 and answer.mimetype == "application/json"
    (made,) = answer.get_json()
    assert set(made) == {"service_request_id", "service_notice", "account_id"} and made["account_id"] is None
    assert "已派发给城管执法局" in made["service_notice"] and "前处置" in made["service_notice"]
    assert _count(app) == 36
    with app.app_context():
        store = get_store()
        case = store.get_incident(store.get_county("990001").id, int(made["service_request_id"]))
    assert case.source == "open311" and case.reporter == "api:市民热线" and case.address == "福华路 12 号"
    assert case.contact == "张三 / 13800138000 / zhang.san@example.cn"

    (read,) = client.get(f"{OPEN311}/requests/{made['service_request_id']}.json").get_json()
    assert read["service_request_id"] == made["service_request_id"] and read["status"] == "open"
    assert read["agency_responsible"] == "城管执法局" and read["service_name"] == "乱停车"
    assert read["status_notes"] == "已派发：按分兵把口自动派发" and read["description"] == "人行道上停了车"
    assert (read["lat"], read["long"], read["address"]) == (22.5051, 114.004, "福华路 12 号")
    requested = datetime.fromisoformat(read["requested_datetime"])
    assert read["requested_datetime"].endswith("+08:00")
    assert datetime.fromisoformat(read["expected_datetime"]) - requested == timedelta(hours=2)


def test_private_strings_never_appear_in_what_open311_answers(client, key):
    rid = _file(client, key)
    for path in (f"requests/{rid}.json", f"requests/{rid}.xml", "requests.json", "requests.xml"):
        text = client.get(f"{OPEN311}/{path}").text
        assert rid in text and not [s for s in PRIVATE if s in text], path


@pytest.mark.parametrize(
    ("changes", "status", "text"),
    [
        ({"lat": None}, 400, "缺少 lat"),
        ({"long": "东经114"}, 400, "经度不是数字"),
        ({"lat": "39.9", "long": "116.4"}, 400, "不在测试县范围内"),
        ({"service_code": "graffiti"}, 400, "未知的 service_code"),
        ({"service_code": "staff_conduct"}, 400, "未知的 service_code"),
        ({"service_code": None}, 400, "缺少 service_code"),
        ({"description": "长" * 2001}, 400, "描述过长"),
        ({"api_key": "pk_wrong"}, 401, "api_key 无效"),
        ({"api_key": None}, 401, "api_key"),
        ({"jurisdiction_id": "110000"}, 404, "unknown jurisdiction_id"),
    ],
)
def test_bad_posts_are_refused_in_the_spec_form_and_store_nothing(app, client, key, changes, status, text):
    _error(client.post(f"{OPEN311}/requests.json", data=spec_post(key, **changes)), status, text)
    assert _count(app) == 35 and _count(app, "incident_event") == 0


def test_errors_of_xml_requests_are_xml_and_a_json_body_is_refused(app, client, key):
    answer = client.post(f"{OPEN311}/requests.xml", data=spec_post(key, lat="北纬22"))
    assert answer.status_code == 400 and answer.mimetype == "application/xml"
    error = ET.fromstring(answer.data).find("error")
    assert error.findtext("code") == "400" and "纬度不是数字" in error.findtext("description")
    as_json = client.post(f"{OPEN311}/requests.json", json=spec_post(key), headers={"X-API-Key": key})
    _error(as_json, 400, "请以表单")
    assert _count(app) == 35


def test_a_repeated_idempotency_key_gives_the_same_request_and_stores_nothing(app, client, key):
    headers = {"Idempotency-Key": "o311-1"}
    first = client.post(f"{OPEN311}/requests.json", data=spec_post(key), headers=headers)
    again = client.post(f"{OPEN311}/requests.json", data=spec_post(key), headers=headers)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert _count(app) == 36
    other = client.post(
        f"{OPEN311}/requests.json", data=spec_post(key, description="另一件"), headers=headers
    )
    _error(other, 422, "已用于另一个不同的请求")
    xml = [client.post(f"{OPEN311}/requests.xml", data=spec_post(key), headers={"Idempotency-Key": "o311-2"})
           for _ in range(2)]  # fmt: skip
    assert [a.status_code for a in xml] == [201, 201] and xml[1].headers["Idempotent-Replayed"] == "true"
    ids = [ET.fromstring(a.data).findtext("request/service_request_id") for a in xml]
    assert ids[0] == ids[1] and ids[0] != first.get_json()[0]["service_request_id"]
    assert _count(app) == 37  # the XML one is a duplicate of the first, stored once


# -- reading -------------------------------------------------------------------------------------
@pytest.fixture
def three(app, client, key) -> dict:
    """A parking case on 福华路, a posters case on 金田路 rejected (closed), and a duplicate."""
    parking = _file(client, key)
    posters = _file(client, key, service_code="posters", lat="22.5151", long="114.015")
    duplicate = _file(client, key, description="同一辆车")
    with app.app_context():
        store = get_store()
        county = store.get_county("990001")
        cases.act(store, county, int(posters), "reject", cases.Actor("leader1", "leader"), "不属实")
    return {"parking": parking, "posters": posters, "duplicate": duplicate}


def test_requests_of_the_last_90_days_newest_first_without_duplicates(client, three):
    assert _ids(client.get(f"{OPEN311}/requests.json")) == [three["posters"], three["parking"]]
    (closed,) = client.get(f"{OPEN311}/requests.json?status=closed").get_json()
    assert closed["status"] == "closed" and closed["status_notes"] == "已驳回"  # staff's note stays internal
    assert _ids(client.get(f"{OPEN311}/requests.json?status=open")) == [three["parking"]]
    assert len(_ids(client.get(f"{OPEN311}/requests.json?status=open,closed"))) == 2
    assert _ids(client.get(f"{OPEN311}/requests.json?service_code=posters")) == [three["posters"]]
    assert len(_ids(client.get(f"{OPEN311}/requests.json?service_code=posters,parking"))) == 2
    assert _ids(client.get(f"{OPEN311}/requests.json?bbox=114.01,22.51,114.02,22.52")) == [three["posters"]]
    root = ET.fromstring(client.get(f"{OPEN311}/requests.xml?status=open").data)
    assert root.tag == "service_requests" and [r.findtext("service_request_id") for r in root] == [
        three["parking"]
    ]


def test_requests_by_id_include_a_duplicate_and_skip_unknown_ids(client, three):
    wanted = f"{three['duplicate']},{three['parking']},9999"
    assert _ids(client.get(f"{OPEN311}/requests.json?service_request_id={wanted}")) == [
        three["duplicate"], three["parking"],
    ]  # fmt: skip
    (dup,) = client.get(f"{OPEN311}/requests/{three['duplicate']}.json").get_json()
    assert dup["status"] == "closed" and f"与案件 #{three['parking']} 重复" in dup["service_notice"]
    _error(client.get(f"{OPEN311}/requests/9999.json"), 404, "没有这个服务请求")
    _error(client.get(f"{OPEN311}/requests.json?service_request_id=abc"), 400, "service_request_id")
    answer = client.get(f"{OPEN311}/requests/9999.xml")
    assert answer.status_code == 404 and ET.fromstring(answer.data).findtext("error/code") == "404"


def test_date_windows_in_w3c_form(client, three):
    # The fixture's 35 cases were reported daily at 00:00 UTC from 2024-01-01; end_date is inclusive.
    window = "start_date=2024-01-01T00:00:00Z&end_date=2024-01-30T00:00:00Z"
    assert len(_ids(client.get(f"{OPEN311}/requests.json?{window}"))) == 30
    assert len(_ids(client.get(f"{OPEN311}/requests.json?end_date=2024-02-04T00:00:00Z"))) == 35
    # Without an offset a time is the county's (UTC+8); a '+' sent unencoded arrives as a space.
    assert len(_ids(client.get(f"{OPEN311}/requests.json?start_date=2024-02-01"))) == 4 + 2
    assert len(_ids(client.get(f"{OPEN311}/requests.json?start_date=2024-02-01T00:00:00+08:00"))) == 4 + 2


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ("start_date=yesterday", 400, "start_date 不是 W3C 日期时间"),
        ("end_date=2024-13-01", 400, "end_date 不是 W3C 日期时间"),
        ("start_date=2024-02-01&end_date=2024-01-01", 400, "start_date 晚于 end_date"),
        ("status=pending", 400, "status 取值无效"),
        ("service_code=graffiti", 400, "service_code 取值无效"),
        ("bbox=1,2,3", 400, "bbox"),
        ("jurisdiction_id=110000", 404, "unknown jurisdiction_id"),
    ],
)
def test_bad_queries_name_the_parameter(client, query, status, text):
    _error(client.get(f"{OPEN311}/requests.json?{query}"), status, text)


def test_a_photo_gives_the_public_copy_as_media_url(app, client, key):
    image = io.BytesIO()
    Image.new("RGB", (32, 24), (0, 90, 200)).save(image, "JPEG")
    image.seek(0)
    form = {"category": "parking", "lat": "22.5051", "long": "114.004", "photo": (image, "p.jpg")}
    made = client.post("/api/v1/incidents", data=form, headers={"X-API-Key": key},
                       content_type="multipart/form-data")  # fmt: skip
    assert made.status_code == 201, made.text
    rid = made.get_json()["id"]
    with app.app_context():
        (photo,) = get_store().list_photos(get_store().get_county("990001").id, rid)
    (read,) = client.get(f"{OPEN311}/requests/{rid}.json").get_json()
    assert read["media_url"] == f"http://localhost/media/{photo.public_name}"
    assert client.get(read["media_url"]).status_code == 200  # a client without a session can fetch it


def test_other_paths_and_methods_get_spec_errors(client):
    _error(client.get(f"{OPEN311}/nothing.json"), 404, "没有这个 Open311 接口")
    _error(client.get(f"{OPEN311}/requests/1.csv"), 404, "没有这个 Open311 接口")
    refused = client.delete(f"{OPEN311}/requests.json")
    _error(refused, 405, "不支持 DELETE")
    assert refused.headers["Allow"] == "GET, POST"


# -- a real client over HTTP ---------------------------------------------------------------------
def test_the_georeport_client_lists_our_services_and_reads_our_requests(live_server, key):
    made = requests.post(f"{live_server}{OPEN311}/requests.json", data=spec_post(key), timeout=10)
    assert made.status_code == 201, made.text
    rid = made.json()[0]["service_request_id"]

    client = GeoReport(f"{live_server}{OPEN311}", jurisdiction="990001")
    assert [s["service_code"] for s in client.get_service_list()] == PUBLIC_CODES
    assert client.get_service_definition("parking")["attributes"] == []
    assert [r["service_request_id"] for r in client.get_service_requests(status="open")] == [rid]
    assert client.get_service_requests(service_request_id=rid)[0]["agency_responsible"] == "城管执法局"
    assert client.get_service_request(rid)["service_code"] == "parking"

    xml = GeoReport(f"{live_server}{OPEN311}", jurisdiction="990001", output_format="xml")
    assert [s["service_code"] for s in xml.get_service_list()] == PUBLIC_CODES
    assert xml.get_service_request(rid)["agency_responsible"] == "城管执法局"
    assert xml.get_service_requests()["service_request_id"] == rid  # xmltodict: one item is a dict
    with pytest.raises(requests.HTTPError):
        GeoReport(f"{live_server}{OPEN311}", jurisdiction="110000").get_service_list()
