"""Open311 GeoReport v2, as FixMyStreet and other clients extend it: the updates of service
requests (``servicerequestupdates``) and the discovery document, JSON and XML, on the blueprint of
``requests.py`` (its errors in the spec's form).

An update is a public step of a case (geodata/cases/steps.py): its status as Open311 has it (open
or closed), when, and its public wording, never a staff note nor who acted. Only cases in public
categories have updates here. ``update_id`` is the step's own id: it never changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for

from geodata import clock
from geodata.cases.steps import public_step
from geodata.errors import InvalidInput
from geodata.model import OPEN_STATUSES, IncidentEvent, Photo
from webmap import get_store
from webmap.county_settings import public_hotline
from webmap.views.open311 import format as out
from webmap.views.open311.requests import FMT, _county, _when, bp, page_window

MAX_SPAN = timedelta(days=90)
DEFAULT_SPAN = timedelta(days=1)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-08T00:00:00Z"  # when this API last changed: updates, paging, discovery
FORMATS = ["application/json", "text/xml"]


@bp.get(f"/servicerequestupdates.{FMT}")
def request_updates(fmt: str):
    """The public steps taken in [start_date, end_date] (end_date inclusive; by default the last
    day; at most 90 days), oldest first, in pages like the requests."""
    store = get_store()
    county = _county(store)
    since, until = _window()
    skip, size = page_window()
    events = store.public_case_events(county.id, since, until + timedelta(microseconds=1), size, skip)
    photos: dict[int, dict[int, Photo]] = {}
    rows = []
    for e in events:
        if e.incident_id not in photos:
            photos[e.incident_id] = _photos_by_step(store, county.id, e.incident_id)
        rows.append(update_json(e, photos[e.incident_id].get(e.id)))
    return out.render(rows, fmt, "service_request_updates")


def update_json(e: IncidentEvent, photo: Photo | None) -> dict:
    step = public_step(e)
    return {
        "update_id": str(e.id),
        "service_request_id": str(e.incident_id),
        "status": "open" if e.to_status in OPEN_STATUSES else "closed",
        "updated_datetime": out.w3c(e.at),
        "description": step.wording,
        "media_url": photo and url_for("public_media.public_media", name=photo.public_name, _external=True),
    }


def _photos_by_step(store, county_id: int, incident_id: int) -> dict[int, Photo]:
    """Each photo of a case with the step it came with: the last step taken when it was added (the
    first step for a photo older than every step); a step shows the first of its photos."""
    photos = store.list_photos(county_id, incident_id)
    steps = store.incident_events(county_id, incident_id) if photos else []
    shown: dict[int, Photo] = {}
    for p in photos:
        taken = [s for s in steps if s.at <= p.created_at] or steps[:1]
        if taken and taken[-1].id is not None:
            shown.setdefault(taken[-1].id, p)
    return shown


def _window() -> tuple[datetime, datetime]:
    since, until = _when("start_date"), _when("end_date")
    if until is None:
        until = clock.now() if since is None else since + DEFAULT_SPAN
    if since is None:
        since = until - DEFAULT_SPAN
    if since > until:
        raise InvalidInput(
            "start_date 晚于 end_date", en="start_date is later than end_date", field="start_date"
        )
    if until - since > MAX_SPAN:
        raise InvalidInput(
            f"start_date 到 end_date 最多 {MAX_SPAN.days} 天，请分段读取",
            en=f"At most {MAX_SPAN.days} days from start_date to end_date: read them in shorter spans",
            field="end_date",
        )
    return since, until


# -- discovery -----------------------------------------------------------------------------------
@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str):
    """Where the API is, what it speaks, and whom to ask for a key (GeoReport v2's discovery)."""
    store = get_store()
    county = _county(store)
    hotline = public_hotline(county)
    base = url_for("open311.services", fmt="json", _external=True).rsplit("/", 1)[0]
    body = {
        "changeset": CHANGESET,
        "contact": f"{county.name}（{county.code}）" + (f"，服务热线 {hotline}" if hotline else ""),
        "key_service": f"{county.name}的系统管理员发放 API 密钥（X-API-Key） / "
        "API keys are issued by the county's administrators",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }
    return out.render(body, fmt, "discovery")
