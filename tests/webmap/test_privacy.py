"""No private data on any public response (issue #8): recognisable private strings are seeded
where staff keep them (a reporter's name and phone, a staff member's name and phone, a user name,
an internal note, an unpublished or rejected 随手拍, an internal category's case, an exact score),
then every page an anonymous visitor can reach by following links, every public API answer and
every Open311 answer (JSON and XML) is scanned for them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urljoin, urlparse

from shapely.geometry import Point
from werkzeug.security import generate_password_hash

from geodata.assignments.postings import COUNTY_TZ
from geodata.cases import public_reports
from geodata.cases import workflow as cases
from geodata.model import Assignment, Incident, IncidentEvent, Inspection, User
from layers.scores import previous_month
from tests.support.web import COUNTY_CODE
from webmap import get_store
from webmap.views.cases.api import media_dir

SCORE = 83.17  # the community's exact score last month: only its band (B) is public
PRIVATE = {
    "reporter": "隐私上报人乙",
    "reporter phone": "13800001111",
    "staff person": "隐私责任人丙",
    "staff phone": "13900002222",
    "user name": "privacy_user_ding",
    "internal note": "内部备注戊领导批示",
    "pending text": "未公开描述己",
    "pending contact": "13700003333",
    "rejected text": "被驳回描述辛",
    "internal case": "内部类别案件壬",
    "approved contact": "13600004444",
    "exact score": f"{SCORE}",
}
APPROVED_TEXT = "已公开的随手拍描述"  # public once approved: the scan must find it (it can see)
MAX_RESPONSES = 400


def _seed(app) -> dict:
    now = datetime.now(UTC)
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        units = store.list_units(county.id)
        west = next(z for z in store.list_zones(county.id) if z.code == "001")
        store.add_user(User(PRIVATE["user name"], generate_password_hash("x"), "leader", county.id))
        store.assign(
            Assignment(county.id, units[1].id, "zone", west.id, "assist", datetime(2024, 1, 1, tzinfo=UTC),
                       person=PRIVATE["staff person"], phone=PRIVATE["staff phone"])
        )  # fmt: skip
        case = store.add_incident(
            Incident(county.id, "parking", Point(114.004, 22.5051), now, "dispatched", "路口违停",
                     zone_id=west.id, unit_id=units[0].id, reporter=PRIVATE["reporter"],
                     contact=PRIVATE["reporter phone"], updated_at=now)
        )  # fmt: skip
        store.add_incident_event(
            IncidentEvent(
                county.id, case.id, now, "leader1", "handled", "dispatched", PRIVATE["internal note"]
            )
        )
        store.add_incident(
            Incident(county.id, "staff_conduct", Point(114.005, 22.506), now, "dispatched",
                     PRIVATE["internal case"], zone_id=west.id, updated_at=now)
        )  # fmt: skip
        month = previous_month(now.astimezone(COUNTY_TZ).strftime("%Y-%m"))
        month_day = datetime.fromisoformat(month + "-10T12:00:00+08:00")
        store.add_inspections([Inspection(county.id, "zone", west.id, "insp", "patrol", month_day, SCORE)])
        client = public_reports.client_key("203.0.113.9", "k")
        leader = cases.Actor("leader1", "leader")
        tokens = {}
        for key, text, contact in (
            ("pending", PRIVATE["pending text"], PRIVATE["pending contact"]),
            ("rejected", PRIVATE["rejected text"], ""),
            ("approved", APPROVED_TEXT, PRIVATE["approved contact"]),
        ):
            report = cases.Report("posters", 114.006, 22.507, text, contact=contact, source="public")
            r = public_reports.submit(store, county, report, None, client, media_dir(), now=now)
            tokens[key] = r.token
            if key == "rejected":
                public_reports.reject(store, county, r.id, leader, "照片和描述无法确认问题")
            if key == "approved":
                public_reports.approve(store, county, r.id, leader)
        ids = [c.id for c in store.list_incidents(county.id)]
        return {"tokens": tokens, "incident_ids": ids, "west": west.code}


def _scan(client, start: list[str]) -> dict[str, str]:
    """GET every URL reachable from ``start`` by following same-site links and sources (HTML
    href/src and URLs in JSON), anonymously; the bodies by URL."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < MAX_RESPONSES:
        url = queue.pop(0)
        if url in seen:
            continue
        answer = client.get(url)
        if answer.status_code == 405:  # a form's action: nothing to read
            continue
        assert answer.status_code in (200, 302, 401, 404), (url, answer.status_code)  # 302/401: staff only
        body = answer.get_data(as_text=True) if _texty(answer) else ""
        seen[url] = body
        for link in re.findall(r'(?:href|src)="([^"#]+)"|"(/\w[^"\s]*)"', body):
            target = urljoin(url, link[0] or link[1]).replace("&amp;", "&")
            parts = urlparse(target)
            if parts.netloc in ("", "localhost") and not parts.path.startswith(("/login", "/logout")):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def _texty(answer) -> bool:
    return answer.mimetype.startswith(
        ("text/", "application/json", "application/xml", "application/javascript")
    )


def test_no_public_response_carries_private_data(app):
    seeded = _seed(app)
    client = app.test_client()
    tokens, ids = seeded["tokens"], seeded["incident_ids"]
    start = ["/", "/?lang=en", "/c/001", "/c/002", "/c/002?lang=en", "/reports/new",
             "/api/public/communities", f"/api/public/communities/{seeded['west']}", "/api/public/search?q=社区",
             "/api/public/search?q=路", "/api/public/roads?bbox=114,22.5,114.02,22.52&zoom=16",
             "/open311/v2/services.json", "/open311/v2/services.xml", "/open311/v2/requests.json",
             "/open311/v2/requests.xml", "/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z",
             "/ogcapi/collections?f=html", "/ogcapi/collections/cases/items?limit=1000",
             "/ogcapi/collections/cases/items?limit=1000&f=html", "/ogcapi/collections/road-segments/items",
             "/ogcapi/collections/communities/items", "/ogcapi/collections/scores/items"]  # fmt: skip
    start += [f"/reports/{t}" for t in tokens.values()] + [
        f"/api/public/reports/{t}" for t in tokens.values()
    ]
    start += [f"/open311/v2/requests/{i}.json" for i in ids] + [f"/open311/v2/requests/{i}.xml" for i in ids]
    bodies = _scan(client, start)
    assert len(bodies) >= len(start)
    leaks = [(what, url) for url, body in bodies.items() for what, text in PRIVATE.items() if text in body]
    assert leaks == []
    # The scan sees what is public: the approved report's text (Open311) and its tracking state.
    assert any(APPROVED_TEXT in body for body in bodies.values())
    assert "已受理" in bodies[f"/api/public/reports/{tokens['approved']}"]
    assert "照片和描述无法确认问题" in bodies[f"/api/public/reports/{tokens['rejected']}"]
