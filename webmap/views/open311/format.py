"""What Open311 GeoReport v2 answers look like: services, service requests and errors, as JSON
or as XML (the same fields; XML lists are wrapped, e.g. ``<service_requests><request>``).

Only what the public may see leaves here: never the reporter, the contact, who acted, or what
staff wrote in the timeline.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime

from flask import Response, current_app, url_for

from geodata.assignments.postings import COUNTY_TZ
from geodata.cases.steps import PublicStep
from geodata.labels import STATUS_ZH
from geodata.model import FIVE_RECTIFICATIONS, OPEN_STATUSES, Category, Incident, Photo

# The XML element of a list and of each of its items.
LIST_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "service_request_updates": "request_update",
    "endpoints": "endpoint",
    "formats": "format",
}
FIVE_RECTIFICATIONS_ZH = "五项整治"
OTHER_GROUP = "市容秩序"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def w3c(dt: datetime | None) -> str | None:
    """A time in the county's clock, W3C/ISO 8601 with its offset: 2024-03-01T08:30:00+08:00."""
    return dt and dt.astimezone(COUNTY_TZ).isoformat(timespec="seconds")


def due_text(dt: datetime) -> str:
    return dt.astimezone(COUNTY_TZ).strftime("%m月%d日 %H:%M")


# -- content -------------------------------------------------------------------------------------
def service_json(c: Category) -> dict:
    return {
        "service_code": c.code,
        "service_name": c.name_zh,
        "description": f"{c.name_en}；处置时限 {c.deadline_hours} {'个工作小时' if c.deadline_kind == 'working' else '小时'}",
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join((c.name_zh, c.name_en, c.code)),
        "group": FIVE_RECTIFICATIONS_ZH if c.campaign == FIVE_RECTIFICATIONS else OTHER_GROUP,
    }


def is_open(incident: Incident) -> bool:
    return incident.status in OPEN_STATUSES


def request_json(
    c: Incident,
    category: Category | None,
    unit_name: str | None,
    last_step: PublicStep | None,
    photo: Photo | None,
) -> dict:
    """One service request as the public sees it; its status notes are its latest public step
    (geodata/cases/feedback.py: what the portal or a resident wrote, never a staff note), and its
    ``updated_datetime`` when that step was taken."""
    return {
        "service_request_id": str(c.id),
        "status": "open" if is_open(c) else "closed",
        "status_notes": last_step.wording if last_step else STATUS_ZH[c.status],
        "service_name": category.name_zh if category else c.category,
        "service_code": c.category,
        "description": c.description,
        "agency_responsible": unit_name,
        "service_notice": notice(c, unit_name),
        "requested_datetime": w3c(c.reported_at),
        "updated_datetime": w3c(last_step.at if last_step else c.reported_at),
        "expected_datetime": w3c(c.deadline_at),
        "address": c.address,
        "address_id": None,
        "zipcode": None,
        "lat": round(c.geom.y, 7),
        "long": round(c.geom.x, 7),
        "media_url": photo and url_for("public_media.public_media", name=photo.public_name, _external=True),
    }


def notice(c: Incident, unit_name: str | None) -> str:
    """What will be done about a request, and by whom, by when."""
    if c.duplicate_of:
        return f"与案件 #{c.duplicate_of} 重复，已合并，不重复计数"
    if not is_open(c):
        return f"案件{STATUS_ZH[c.status]}"
    who = f"由{unit_name}负责处置" if unit_name else "待领导指定责任单位"
    return f"{who}，请于 {due_text(c.deadline_at)} 前处置" if c.deadline_at else who


# -- rendering -----------------------------------------------------------------------------------
def render(body: list | dict, fmt: str, root: str, status: int = 200) -> Response:
    """``body`` as JSON, or as XML under ``root`` (a list's items named after LIST_TAGS)."""
    if fmt == "xml":
        element = ET.Element(root)
        _fill(element, body)
        text = XML_DECLARATION + ET.tostring(element, encoding="unicode")
        return current_app.response_class(text, status=status, mimetype="application/xml")
    text = json.dumps(body, ensure_ascii=False)
    return current_app.response_class(text, status=status, mimetype="application/json")


def errors(status: int, description: str, fmt: str) -> Response:
    """The spec's error list: ``[{"code": 400, "description": "…"}]``."""
    return render([{"code": status, "description": description}], fmt, "errors", status)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, LIST_TAGS.get(element.tag, "item")), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
