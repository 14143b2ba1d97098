"""Open311 as FixMyStreet and other clients extend it: requests in pages (each once, in a stable
order), ``updated_datetime`` with ``updated_after``/``updated_before``, the updates of requests
(only public steps, at most 90 days) and the discovery document, JSON and XML; the PyPI client
``georeport`` still reads services and a page of requests."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import requests
from georeport import GeoReport
from shapely.geometry import Point

from geodata import clock
from geodata.model import Incident, IncidentEvent
from tests.support.web import OPEN311
from webmap import get_store

SPOT = Point(114.004, 22.5051)
STAFF_NOTE = "内部：已电话联系当事人老王"


def _ids(answer) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [r["service_request_id"] for r in answer.get_json()]


def _error(answer, status: int, *texts: str) -> None:
    assert answer.status_code == status, answer.text
    (error,) = answer.get_json()
    assert error["code"] == status and all(t in error["description"] for t in texts), error


def _seed(app, cases: list[Incident], events=()) -> list[int]:
    """Store ``cases`` in bulk and the events (case index, IncidentEvent without its case) of
    them; the cases' ids, in order."""
    with app.app_context():
        store = get_store()
        county = store.get_county("990001")
        before = {c.id for c in store.list_incidents(county.id)}
        store.add_incidents([Incident(county.id, *c) for c in cases])
        ids = sorted(c.id for c in store.list_incidents(county.id) if c.id not in before)
        store.add_incident_events([
            IncidentEvent(county.id, ids[i], e.at, e.actor, e.to_status, e.from_status, e.note) for i, e in events
        ])  # fmt: skip
        return ids


def _case(category: str, reported_at: datetime, status: str = "dispatched") -> tuple:
    return (category, SPOT, reported_at, status)


def _event(at: datetime, to_status: str, actor: str = "系统", note: str = "") -> IncidentEvent:
    return IncidentEvent(0, 0, at, actor, to_status, None, note)


# -- paging --------------------------------------------------------------------------------------
def test_a_paged_read_of_2500_requests_returns_each_once(app, client):
    now = clock.now()
    public = _seed(app, [_case("parking" if i % 3 else "posters", now - timedelta(minutes=i),
                               "closed" if i % 4 == 0 else "dispatched") for i in range(2500)])  # fmt: skip
    internal = _seed(app, [_case("staff_conduct", now - timedelta(minutes=i)) for i in range(40)])
    read, page = [], 1
    while batch := _ids(client.get(f"{OPEN311}/requests.json?page_size=1000&page={page}")):
        assert len(batch) == (1000 if page < 3 else 500)
        read += batch
        page += 1
    assert page == 4 and len(read) == len(set(read)) == 2500
    assert set(read) == {str(i) for i in public} and not set(read) & {str(i) for i in internal}
    assert read == sorted(read, key=int, reverse=True)  # newest first by id: a stable order
    # The default page is 100; a filter the store cannot apply ('closed') pages the same way.
    assert _ids(client.get(f"{OPEN311}/requests.json")) == read[:100]
    closed = []
    for page in range(1, 4):
        closed += _ids(client.get(f"{OPEN311}/requests.json?status=closed&page_size=300&page={page}"))
    assert closed == [str(i) for i in public[::4]][::-1] and len(set(closed)) == 625
    root = ET.fromstring(client.get(f"{OPEN311}/requests.xml?page_size=7&page=2").data)
    assert [r.findtext("service_request_id") for r in root] == read[7:14]


@pytest.mark.parametrize(
    ("query", "texts"),
    [
        ("page_size=1001", ("page_size", "1000", "1001")),
        ("page_size=0", ("page_size",)),
        ("page=0", ("page",)),
        ("page=abc", ("page", "正整数")),
        ("page_size=-5", ("page_size",)),
        ("service_request_id=1&page_size=5000", ("page_size", "1000")),
    ],
)
def test_bad_pages_are_refused_naming_the_parameter(client, query, texts):
    _error(client.get(f"{OPEN311}/requests.json?{query}"), 400, *texts)
    _error(client.get(f"{OPEN311}/servicerequestupdates.json?{query}"), 400, *texts[:1])


def test_a_bad_page_size_in_xml_is_an_xml_error(client):
    answer = client.get(f"{OPEN311}/requests.xml?page_size=1001")
    assert answer.status_code == 400 and answer.mimetype == "application/xml"
    assert "page_size" in ET.fromstring(answer.data).findtext("error/description")


# -- updated_datetime ----------------------------------------------------------------------------
@pytest.fixture
def stepped(app) -> dict:
    """Three public cases reported ten days ago: one never stepped, one dispatched 5 days ago, one
    closed 2 days ago after a staff note; and an internal case stepped yesterday."""
    now = clock.now().replace(microsecond=0)
    day = timedelta(days=1)
    ids = _seed(
        app,
        [_case("parking", now - 10 * day, "filed"), _case("parking", now - 10 * day),
         _case("posters", now - 10 * day, "closed"), _case("staff_conduct", now - 10 * day)],
        [(1, _event(now - 5 * day, "dispatched", note="按分兵把口自动派发")),
         (2, _event(now - 4 * day, "dispatched", note="按分兵把口自动派发")),
         (2, _event(now - 3 * day, "handled", actor="cg1", note=STAFF_NOTE)),
         (2, _event(now - 2 * day, "closed", actor="leader1", note=STAFF_NOTE)),
         (3, _event(now - day, "dispatched", note="按分兵把口自动派发"))],
    )  # fmt: skip
    return {"now": now, "day": day, "ids": [str(i) for i in ids]}


def test_updated_datetime_is_the_last_public_step_and_filters_on_it(client, stepped):
    now, day, ids = stepped["now"], stepped["day"], stepped["ids"]
    listed = {r["service_request_id"]: r for r in client.get(f"{OPEN311}/requests.json").get_json()}
    assert set(listed) == set(ids[:3])  # the internal category is no service
    for rid, ago in zip(ids[:3], (10, 5, 2), strict=True):
        assert datetime.fromisoformat(listed[rid]["updated_datetime"]) == now - ago * day
        assert listed[rid]["updated_datetime"].endswith("+08:00")

    def w3c(t: datetime) -> str:
        return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert _ids(client.get(f"{OPEN311}/requests.json?updated_after={w3c(now - 6 * day)}")) == ids[1:3][::-1]
    # Without start_date an update filter spans all time: the fixture's cases of 2024 too.
    before = _ids(client.get(f"{OPEN311}/requests.json?updated_before={w3c(now - 5 * day)}"))
    assert before[:2] == ids[:2][::-1] and len(before) == 2 + 35
    since = f"start_date={w3c(now - 11 * day)}"
    assert (
        _ids(client.get(f"{OPEN311}/requests.json?{since}&updated_before={w3c(now - 5 * day)}"))
        == ids[:2][::-1]
    )
    window = f"updated_after={w3c(now - 3 * day)}&updated_before={w3c(now - 2 * day)}"
    assert _ids(client.get(f"{OPEN311}/requests.json?{window}")) == [ids[2]]
    # A case reported long ago and updated lately is found by its update alone.
    old = _seed(app_of(client), [_case("parking", now - 200 * day)], [(0, _event(now - day, "dispatched"))])
    assert str(old[0]) in _ids(client.get(f"{OPEN311}/requests.json?updated_after={w3c(now - 2 * day)}"))
    assert str(old[0]) not in _ids(client.get(f"{OPEN311}/requests.json"))
    _error(client.get(f"{OPEN311}/requests.json?updated_after=soon"), 400, "updated_after")
    bad = f"updated_after={w3c(now)}&updated_before={w3c(now - day)}"
    _error(client.get(f"{OPEN311}/requests.json?{bad}"), 400, "updated_after 晚于 updated_before")


def app_of(client):
    return client.application


# -- updates -------------------------------------------------------------------------------------
def test_updates_are_the_public_steps_of_public_cases(client, stepped):
    now, day, ids = stepped["now"], stepped["day"], stepped["ids"]
    span = "start_date={}&end_date={}".format(
        (now - 7 * day).strftime("%Y-%m-%dT%H:%M:%SZ"), now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    answer = client.get(f"{OPEN311}/servicerequestupdates.json?{span}")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    updates = answer.get_json()
    assert [(u["service_request_id"], u["status"]) for u in updates] == [
        (ids[1], "open"),
        (ids[2], "open"),
        (ids[2], "open"),
        (ids[2], "closed"),
    ]  # oldest first; the internal case's step is not there
    assert set(updates[0]) == {
        "update_id", "service_request_id", "status", "updated_datetime", "description", "media_url",
    }  # fmt: skip
    assert updates[0]["description"] == "已派发：按分兵把口自动派发"
    assert [u["description"] for u in updates[2:]] == ["已处置", "已结案"]  # staff's notes stay inside
    assert STAFF_NOTE not in answer.text and "cg1" not in answer.text and "leader1" not in answer.text
    assert [datetime.fromisoformat(u["updated_datetime"]) for u in updates] == [
        now - 5 * day, now - 4 * day, now - 3 * day, now - 2 * day,
    ]  # fmt: skip
    # update_id is stable: the same on a second read and across pages of two.
    assert [
        u["update_id"] for u in client.get(f"{OPEN311}/servicerequestupdates.json?{span}").get_json()
    ] == [u["update_id"] for u in updates]
    paged = [u["update_id"] for p in (1, 2, 3)
             for u in client.get(f"{OPEN311}/servicerequestupdates.json?{span}&page_size=2&page={p}").get_json()]  # fmt: skip
    assert paged == [u["update_id"] for u in updates] and len(set(paged)) == 4
    # By default, the last day; end_date alone means the day before it.
    assert [
        u["service_request_id"] for u in client.get(f"{OPEN311}/servicerequestupdates.json").get_json()
    ] == []
    root = ET.fromstring(client.get(f"{OPEN311}/servicerequestupdates.xml?{span}").data)
    assert root.tag == "service_request_updates" and [u.tag for u in root] == ["request_update"] * 4
    assert root[3].findtext("status") == "closed" and root[3].findtext("update_id") == updates[3]["update_id"]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("start_date=2024-01-01T00:00:00Z&end_date=2024-04-01T00:00:00Z", "最多 90 天"),
        ("start_date=2024-01-01T00:00:00Z", None),
        ("start_date=2024-03-01&end_date=2024-02-01", "start_date 晚于 end_date"),
        ("end_date=tomorrow", "end_date 不是 W3C 日期时间"),
        ("jurisdiction_id=110000", "unknown jurisdiction_id"),
    ],
)
def test_update_windows_are_at_most_90_days(client, query, text):
    answer = client.get(f"{OPEN311}/servicerequestupdates.json?{query}")
    if text is None:  # start_date alone: the day after it
        assert answer.status_code == 200 and answer.get_json() == []
        return
    _error(answer, 404 if "jurisdiction" in text else 400, text)
    if "90" in text:
        xml = client.get(f"{OPEN311}/servicerequestupdates.xml?{query}")
        assert xml.status_code == 400 and "90" in ET.fromstring(xml.data).findtext("error/description")


def test_exactly_90_days_is_allowed(client):
    answer = client.get(
        f"{OPEN311}/servicerequestupdates.json?start_date=2024-01-01T00:00:00Z&end_date=2024-03-31T00:00:00Z"
    )
    assert answer.status_code == 200, answer.text


# -- discovery -----------------------------------------------------------------------------------
def test_the_discovery_document_in_json_and_xml(client):
    answer = client.get(f"{OPEN311}/discovery.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    found = answer.get_json()
    assert set(found) == {"changeset", "contact", "key_service", "endpoints"}
    assert datetime.fromisoformat(found["changeset"])
    (endpoint,) = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://localhost/open311/v2" and endpoint["type"] == "production"
    assert (
        endpoint["formats"] == ["application/json", "text/xml"]
        and endpoint["changeset"] == found["changeset"]
    )
    assert client.get(f"{endpoint['url'].removeprefix('http://localhost')}/services.json").status_code == 200
    root = ET.fromstring(client.get(f"{OPEN311}/discovery.xml").data)
    assert root.tag == "discovery" and root.findtext("changeset") == found["changeset"]
    assert root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == endpoint["formats"]
    _error(client.get(f"{OPEN311}/discovery.json?jurisdiction_id=110000"), 404, "unknown jurisdiction_id")


# -- a real client over HTTP ---------------------------------------------------------------------
def test_the_georeport_client_reads_services_and_a_page_of_requests(app, live_server):
    now = clock.now()
    ids = _seed(app, [_case("parking", now - timedelta(minutes=i)) for i in range(150)])
    newest = [str(i) for i in sorted(ids, reverse=True)]
    client = GeoReport(f"{live_server}{OPEN311}", jurisdiction="990001")
    assert "parking" in [s["service_code"] for s in client.get_service_list()]
    first = client.get_service_requests()  # the client knows no paging: it reads the first page
    assert [r["service_request_id"] for r in first] == newest[:100]
    assert all(r["updated_datetime"] for r in first)
    rest = requests.get(f"{live_server}{OPEN311}/requests.json", params={"page": 2}, timeout=10).json()
    assert [r["service_request_id"] for r in rest] == newest[100:]
    xml = GeoReport(f"{live_server}{OPEN311}", jurisdiction="990001", output_format="xml")
    assert [r["service_request_id"] for r in xml.get_service_requests(status="open")] == newest[:100]
    assert client.get_service_request(newest[0])["service_code"] == "parking"


def test_a_photo_comes_with_the_step_it_was_sent_with(client):
    import io

    from PIL import Image

    from geodata.accounts.apikeys import issue_key

    with client.application.app_context():
        key = issue_key(get_store(), "市民热线", "inspector")[1]
    image = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 90, 0)).save(image, "JPEG")
    image.seek(0)
    form = {"category": "parking", "lat": "22.5051", "long": "114.004", "photo": (image, "p.jpg")}
    made = client.post("/api/v1/incidents", data=form, headers={"X-API-Key": key},
                       content_type="multipart/form-data")  # fmt: skip
    assert made.status_code == 201, made.text
    rid = str(made.get_json()["id"])
    (request,) = client.get(f"{OPEN311}/requests/{rid}.json").get_json()
    updates = [u for u in client.get(f"{OPEN311}/servicerequestupdates.json").get_json()
               if u["service_request_id"] == rid]  # fmt: skip
    assert updates and [u["media_url"] for u in updates if u["media_url"]] == [request["media_url"]]
    assert request["media_url"] and client.get(request["media_url"]).status_code == 200
