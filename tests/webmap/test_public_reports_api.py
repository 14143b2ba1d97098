"""随手拍 over HTTP: anyone sends one (CSRF-checked, rate-limited per address, 429 with
Retry-After), it is public only once staff approve it, and staff moderate it from the queue."""

from __future__ import annotations

import io
import re

import pytest
from werkzeug.security import generate_password_hash

from geodata.model import User
from tests.support.web import COUNTY_CODE, PASSWORD, county_app, csrf_token, jpeg_bytes
from webmap import get_store

FUHUA = {"category": "parking", "lat": "22.5051", "long": "114.004", "description": "人行道上停满了车"}


def _anonymous(app):
    """A client with no account and the CSRF token of its (anonymous) session."""
    client = app.test_client()
    return client, csrf_token(client.get("/login").text)


def _send(client, token, form=None, **headers):
    return client.post("/api/public/reports", data=form or FUHUA, headers={"X-CSRFToken": token, **headers})


def _staff(app, sign_in, name="insp", role="inspector"):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_user(User(name, generate_password_hash(PASSWORD), role, county.id))
    client = sign_in(name)
    return client, re.search(r'name="csrf-token" content="([^"]+)"', client.get("/moderation").text).group(1)


def test_anyone_may_send_a_report_and_it_waits_unpublished(app, client):
    anyone, token = _anonymous(app)
    photo = (io.BytesIO(jpeg_bytes()), "p.jpg")
    answer = _send(anyone, token, {**FUHUA, "contact": "王五 13912345678", "photo": photo})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["state"] == "pending" and body["state_zh"] == "待审核" and body["case"] is None
    assert answer.headers["Location"] == body["url"] == f"/reports/{body['token']}"
    assert "13912345678" not in answer.text and "人行道上停满了车" not in answer.text
    tracked = client.get(f"/api/public/reports/{body['token']}")
    assert tracked.get_json()["state"] == "pending"
    assert "13912345678" not in tracked.text
    page = client.get(body["url"])
    assert page.status_code == 200 and "待审核" in page.text and "13912345678" not in page.text
    assert "Set-Cookie" not in page.headers and page.headers["Cache-Control"] == "public, max-age=30"
    assert client.get(body["url"], headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    # Not a case yet: not in Open311, not counted.
    assert "人行道上停满了车" not in client.get("/open311/v2/requests.json").text


def test_a_report_without_the_csrf_token_or_with_bad_data_is_refused(app):
    anyone, token = _anonymous(app)
    assert anyone.post("/api/public/reports", data=FUHUA).status_code == 400
    outside = _send(anyone, token, {**FUHUA, "long": "113.5"})
    assert outside.status_code == 400 and outside.get_json()["error"]["field"] == "lat"
    internal = _send(anyone, token, {**FUHUA, "category": "staff_conduct"})
    assert internal.status_code == 400 and "不受理群众上报" in internal.get_json()["error"]["message"]
    not_a_photo = _send(anyone, token, {**FUHUA, "photo": (io.BytesIO(b"GIF89a not really"), "x.gif")})
    assert not_a_photo.status_code == 400 and not_a_photo.get_json()["error"]["field"] == "photo"
    with app.app_context():
        store = get_store()
        assert store.count_public_reports(store.get_county(COUNTY_CODE).id) == 0


def _app(tmp_path, **settings):
    return county_app(tmp_path, **settings)


def test_too_many_reports_from_one_address_get_a_readable_429(tmp_path):
    app = _app(tmp_path, public_report_limit=2)
    anyone, token = _anonymous(app)
    assert [_send(anyone, token).status_code for _ in range(2)] == [201, 201]
    third = _send(anyone, token)
    assert third.status_code == 429
    error = third.get_json()["error"]
    assert error["code"] == "rate_limited" and "每小时最多提交 2 条" in error["message"]
    assert 3500 <= int(third.headers["Retry-After"]) <= 3600 and error["retry_after"] > 0
    # Another address is not held back by this one.
    other = anyone.post(
        "/api/public/reports",
        data=FUHUA,
        headers={"X-CSRFToken": token},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert other.status_code == 201


def test_staff_approve_and_the_report_becomes_a_public_case(app, client, sign_in):
    anyone, token = _anonymous(app)
    sent = _send(anyone, token, {**FUHUA, "contact": "13912345678"}).get_json()
    insp, csrf = _staff(app, sign_in)
    queue = insp.get("/api/v1/public-reports").get_json()
    (item,) = queue["items"]
    assert item["contact"] == "13912345678" and item["state"] == "pending"
    page = insp.get("/moderation")
    assert page.status_code == 200 and "13912345678" in page.text and "通过并派发" in page.text
    done = insp.post(f"/api/v1/public-reports/{item['id']}/approve", json={}, headers={"X-CSRFToken": csrf})
    assert done.status_code == 200 and done.get_json()["state"] == "approved"
    tracked = client.get(f"/api/public/reports/{sent['token']}").get_json()
    assert tracked["state_zh"] == "已受理" and tracked["case"]["unit"]["name"] == "城管执法局"
    case_id = tracked["case"]["id"]
    public = client.get(f"/open311/v2/requests/{case_id}.json").get_json()[0]
    assert public["description"] == "人行道上停满了车" and "13912345678" not in str(public)
    again = insp.post(
        f"/api/v1/public-reports/{item['id']}/reject", json={"reason": "x"}, headers={"X-CSRFToken": csrf}
    )
    assert again.status_code == 409 and "已由insp于" in again.get_json()["error"]["message"]


def test_the_tracking_code_reads_unambiguously_and_may_be_typed_loosely(app, client):
    anyone, token = _anonymous(app)
    code = _send(anyone, token, FUHUA).get_json()["token"]
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code), code
    page = client.get(f"/reports/{code}")
    assert page.status_code == 200 and f'data-copy="{code}"' in page.text and "复制查询码" in page.text
    typed = code.replace("-", " ").lower()
    assert client.get(f"/reports/{typed}").status_code == 200
    assert client.get(f"/api/public/reports/{typed}").get_json()["state"] == "pending"
    assert client.get("/reports/ZZZZ-ZZZZ-ZZZZ").status_code == 404


def test_no_case_is_preset_to_merge_into(app, sign_in):
    anyone, token = _anonymous(app)
    _send(anyone, token, {**FUHUA, "lat": "22.505", "long": "114.005"})  # beside the county's 30 cases
    insp, _ = _staff(app, sign_in)
    radios = re.findall(r'<input type="radio" name="into"[^>]*>', insp.get("/moderation").text)
    assert radios and not any("checked" in r for r in radios)  # merging is chosen, never preset


def test_rejection_shows_its_public_reason_and_needs_one(app, client, sign_in):
    anyone, token = _anonymous(app)
    sent = _send(anyone, token).get_json()
    insp, csrf = _staff(app, sign_in)
    rid = insp.get("/api/v1/public-reports").get_json()["items"][0]["id"]
    empty = insp.post(
        f"/api/v1/public-reports/{rid}/reject", json={"reason": ""}, headers={"X-CSRFToken": csrf}
    )
    assert empty.status_code == 400 and empty.get_json()["error"]["field"] == "reason"
    insp.post(
        f"/api/v1/public-reports/{rid}/reject",
        json={"reason": "问题已经处理完毕"},
        headers={"X-CSRFToken": csrf},
    )
    tracked = client.get(f"/api/public/reports/{sent['token']}").get_json()
    assert (tracked["state_zh"], tracked["public_reason"], tracked["case"]) == (
        "未受理",
        "问题已经处理完毕",
        None,
    )
    rejected = insp.get("/moderation?state=rejected").text
    assert "问题已经处理完毕" in rejected


@pytest.mark.parametrize("role", ["unit_staff"])
def test_unit_staff_and_the_public_cannot_moderate(app, sign_in, role):
    anyone, token = _anonymous(app)
    _send(anyone, token)
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        unit = store.list_units(county.id)[0]
        store.add_user(User("cg", generate_password_hash(PASSWORD), role, county.id, unit.id))
    staff = sign_in("cg")
    assert staff.get("/api/v1/public-reports").status_code == 403
    assert staff.get("/moderation").status_code == 403
    assert anyone.get("/api/v1/public-reports").status_code == 401
    assert (
        anyone.post("/api/v1/public-reports/1/approve", json={}, headers={"X-CSRFToken": token}).status_code
        == 401
    )


def test_an_unknown_token_is_a_404(client):
    answer = client.get("/api/public/reports/nope")
    assert answer.status_code == 404 and "没有查询码" in answer.get_json()["error"]["message"]


def test_behind_a_trusted_proxy_the_forwarded_address_counts(tmp_path):
    """With one trusted proxy, two residents behind it are two senders; without it, a forged
    X-Forwarded-For does not get anyone round the limit."""
    behind = _app(tmp_path / "a", public_report_limit=1, trusted_proxies=1)
    anyone, token = _anonymous(behind)
    for resident in ("198.51.100.1", "198.51.100.2"):
        assert _send(anyone, token, **{"X-Forwarded-For": resident}).status_code == 201
    assert _send(anyone, token, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    direct = _app(tmp_path / "b", public_report_limit=1)
    anyone, token = _anonymous(direct)
    assert _send(anyone, token, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 201
    assert _send(anyone, token, **{"X-Forwarded-For": "198.51.100.2"}).status_code == 429
