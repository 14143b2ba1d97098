"""The cases API (/api/v1/incidents): file a report (JSON or a form with a photo), list and export
cases with filters, read one with its timeline, and move it through the workflow."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response, jsonify, request, send_from_directory, url_for
from flask_login import login_required

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ, day_span
from geodata.cases import photos
from geodata.cases import workflow as cases
from geodata.errors import Forbidden, InvalidInput, NotFound
from geodata.model import COMMUNITY_KINDS, INNER_ZONE_KINDS, Incident
from geodata.stores.store import Store
from webmap import case_rules, get_store, settings
from webmap.audit import audit
from webmap.i18n import current_lang, t
from webmap.texts.cases import zh_en
from webmap.views.common import current_county
from webmap.views.params import county_bbox, parse_bbox, parse_datetime, parse_day
from webmap.views.requests import idempotent, json_body, key_or_login, request_actor, request_viewer

bp = Blueprint("cases", __name__, url_prefix="/api/v1")
public = Blueprint("public_media", __name__)

PER_PAGE, MAX_PER_PAGE = 50, 200
MAX_PAGE = 100_000  # a page number beyond any list, and an offset SQLite can hold
MAX_CSV_ROWS = 100_000
# The case CSV's columns and their headers: Chinese by default, the codes with ?lang=en. Times are
# the county's wall clock (as on the pages), which Excel reads as dates.
CSV_COLUMNS = {
    "id": "编号", "category": "类别代码", "category_zh": "类别", "status": "状态代码", "status_zh": "状态",
    "overdue": "逾期", "reported_at": "上报时间", "deadline_at": "处置时限", "lon": "经度", "lat": "纬度",
    "address": "地址", "zone_code": "区域编码", "zone": "所在区域", "segment": "路段编号",
    "unit_code": "单位编码", "unit": "责任单位", "rework": "返工次数", "duplicate_of": "重复于",
    "source": "来源", "reporter": "上报人", "description": "描述",
}  # fmt: skip
CSV_TIMES = ("reported_at", "deadline_at")


# -- filing ----------------------------------------------------------------------------------------
@bp.post("/incidents")
def create_incident():
    store = get_store()
    actor = request_actor(store)
    county = current_county(store)
    return idempotent(store, actor, lambda: _file(store, county, actor))


def _file(store: Store, county, actor: cases.Actor) -> tuple[dict, int]:
    report, upload = report_from_request("api" if actor.name.startswith("api:") else "inspector")
    now = clock.now()
    with store.transaction():
        filed = cases.file_report(store, county, report, actor, case_rules(), now=now)
        if upload is not None:
            photos.save_photo(store, media_dir(), filed.incident, upload, actor.name, now)
    names = Names(store, county)
    return {**case_json(filed.incident, names), "message": answer_message(filed, names)}, 201


def report_from_request(source: str) -> tuple[cases.Report, photos.Upload | None]:
    """The report a request sends (JSON, or a form with a photo); a photo's GPS position stands
    in for a missing one."""
    fields, upload = _report_fields()
    if upload is not None and not (str(fields.get("lat") or "") or str(fields.get("long") or "")):
        if upload.gps is None:
            raise InvalidInput(
                "缺少位置：请在地图上选点，或上传带 GPS 信息的照片",
                en="The location is missing: pick a point on the map, or upload a photo with GPS information",
                field="lat",
            )
        fields["long"], fields["lat"] = upload.gps
    report = cases.Report(
        category=_text(fields, "category"),
        lon=fields.get("long", fields.get("lon")),
        lat=fields.get("lat"),
        description=_text(fields, "description"),
        address=_text(fields, "address"),
        contact=_text(fields, "contact"),
        source=source,
        observed_at=parse_datetime(fields.get("observed_at"), "observed_at"),
    )
    return report, upload


def _report_fields() -> tuple[dict, photos.Upload | None]:
    """The report's fields from a JSON body or a form, and its photo (checked) if any."""
    if request.mimetype == "application/json":
        return dict(json_body()), None
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        file = request.files.get("photo")
        upload = photos.read_upload(file.read()) if file and file.filename else None
        return request.form.to_dict(), upload
    raise InvalidInput(
        f"不支持的内容类型 {request.mimetype or '（无）'}：请发送 JSON 或表单",
        en=f"Unsupported content type {request.mimetype or '(none)'}: please send JSON or a form",
        field="body",
    )


def _text(fields: dict, name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{name} 应为文本", en=f"{name} must be text", field=name)
    return value


def answer_message(filed: cases.Filed, names: Names) -> str:
    """What the reporter is told: merged, waiting for a leader, or dispatched and by when."""
    case = filed.incident
    if filed.duplicate_of:
        return t("cases.filed.duplicate", id=filed.duplicate_of)
    due = case.deadline_at.astimezone(COUNTY_TZ).strftime(t("cases.filed.due_format"))
    if filed.review:
        return t("cases.filed.review", id=case.id, due=due)
    return t("cases.filed.dispatched", unit=names.unit(case.unit_id)["name"], id=case.id, due=due)


# -- reading ---------------------------------------------------------------------------------------
@bp.get("/incidents")
@key_or_login
def list_incidents():
    store = get_store()
    return jsonify(listing(store, current_county(store)))


def listing(store: Store, county) -> dict:
    """One page of the cases the request's filters pick, newest first (the API and /cases)."""
    filters, bbox = list_filters(store, county)
    page, per_page = page_number(), page_size()
    total = store.count_incidents(county.id, bbox, **filters)
    rows = store.list_incidents(
        county.id, bbox, limit=per_page, offset=(page - 1) * per_page, newest_first=True, **filters
    )
    names = Names(store, county)
    return {
        "total": total, "page": page, "per_page": per_page, "pages": max(1, -(-total // per_page)),
        "items": [case_json(c, names) for c in rows],
    }  # fmt: skip


@bp.get("/incidents.csv")
@key_or_login
def export_incidents():
    store = get_store()
    county = current_county(store)
    filters, bbox = list_filters(store, county)
    rows = store.list_incidents(county.id, bbox, limit=MAX_CSV_ROWS, newest_first=True, **filters)
    # Reporters' contacts leave here: recorded first, and refused when that cannot be recorded.
    audit("export.incidents_csv", f"county:{county.code}", required=True, rows=len(rows),
          filters={k: v for k, v in request.args.items() if v})  # fmt: skip
    names = Names(store, county)
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 with a BOM as Chinese, not mojibake
    english = current_lang() == "en"
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS if english else CSV_COLUMNS.values())
    for c in rows:
        row = _flat(case_json(c, names))
        writer.writerow(_county_time(row[k]) if k in CSV_TIMES else row[k] for k in CSV_COLUMNS)
    stamp = clock.local_now().strftime("%Y%m%d")
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="cases-{county.code}-{stamp}.csv"'},
    )


@bp.get("/incidents/<int:incident_id>")
@key_or_login
def get_incident(incident_id: int):
    store = get_store()
    county = current_county(store)
    case = visible_case(store, county, incident_id)
    names = Names(store, county)
    actor = request_viewer(store)
    return jsonify(
        **case_json(case, names),
        events=[
            {"at": e.at.isoformat(), "actor": e.actor, "from": e.from_status, "to": e.to_status,
             "to_zh": cases.STATUS_ZH[e.to_status], "note": e.note}
            for e in store.incident_events(county.id, case.id)
        ],
        photos=[{"url": url_for("cases.media", name=p.name),
                 "public_url": url_for("public_media.public_media", name=p.public_name)}
                for p in store.list_photos(county.id, case.id)],
        actions=cases.allowed_actions(case, actor),
    )  # fmt: skip


@bp.post("/incidents/<int:incident_id>/actions")
def act(incident_id: int):
    store = get_store()
    actor = request_actor(store)
    county = current_county(store)
    body = json_body()
    case = cases.act(
        store, county, incident_id, _text(body, "action"), actor, _text(body, "note"),
        _text(body, "unit") or None,
    )  # fmt: skip
    return jsonify(case_json(case, Names(store, county)))


# -- photos ----------------------------------------------------------------------------------------
def media_dir() -> Path:
    return Path(settings().instance_path) / "media"


@bp.get("/media/<name>", endpoint="media")
@login_required
def media(name: str):
    """A case photo for staff: the original (with its EXIF) or the public copy."""
    store = get_store()
    photo = store.get_photo(name)
    visible_case(store, store.get_county_by_id(photo.county_id), photo.incident_id)  # unit staff: theirs
    return send_from_directory(media_dir(), name, mimetype=photo.content_type, max_age=86400)


@public.get("/media/<name>")
def public_media(name: str):
    """The copy without EXIF of a photo of a public category's case, for anyone (Open311 clients,
    the public map); originals and internal cases' photos are not served here."""
    store = get_store()
    photo = store.get_photo(name)
    case = store.get_incident(photo.county_id, photo.incident_id)
    if name != photo.public_name or not store.get_category(case.category).public:
        raise NotFound(f"没有照片 {name!r}", en=f"No photo {name!r}")
    return send_from_directory(media_dir(), name, mimetype=photo.content_type, max_age=86400)


# -- helpers ---------------------------------------------------------------------------------------
class Names:
    """Units and zones by id, fetched once per request, for turning ids into codes and names."""

    def __init__(self, store: Store, county):
        self.units = {u.id: u for u in store.list_units(county.id)}
        self.categories = {c.code: c for c in store.list_categories()}
        self._store, self._county, self._zones = store, county, {}

    def unit(self, unit_id):
        u = self.units.get(unit_id)
        return u and {"code": u.code, "name": u.name, "hotline": u.hotline}

    def zone(self, zone_id):
        if zone_id is None:
            return None
        if zone_id not in self._zones:
            z = self._store.get_zone(self._county.id, zone_id)
            self._zones[zone_id] = {"code": z.code, "name": z.name, "kind": z.kind}
        return self._zones[zone_id]


def case_json(c: Incident, names: Names) -> dict:
    category = names.categories.get(c.category)
    now = clock.now()
    return {
        "id": c.id, "category": c.category, "category_zh": category.name_zh if category else c.category,
        "status": c.status, "status_zh": cases.STATUS_ZH[c.status], "overdue": cases.is_overdue(c, now),
        "reported_at": c.reported_at.isoformat(),
        "deadline_at": c.deadline_at and c.deadline_at.isoformat(),
        "updated_at": c.updated_at and c.updated_at.isoformat(),
        "lon": round(c.geom.x, 7), "lat": round(c.geom.y, 7), "address": c.address,
        "description": c.description, "zone": names.zone(c.zone_id), "segment_id": c.segment_id,
        "unit": names.unit(c.unit_id), "review_units": [names.unit(u) for u in c.review_units],
        "duplicate_of": c.duplicate_of, "rework": c.rework, "source": c.source,
        "reporter": c.reporter, "contact": c.contact,
    }  # fmt: skip


def _county_time(iso: str | None) -> str:
    return datetime.fromisoformat(iso).astimezone(COUNTY_TZ).strftime("%Y-%m-%d %H:%M:%S") if iso else ""


def _flat(j: dict) -> dict:
    zone, unit = j["zone"] or {}, j["unit"] or {}
    return {
        **j, "zone_code": zone.get("code", ""), "zone": zone.get("name", ""), "segment": j["segment_id"] or "",
        "unit_code": unit.get("code", ""), "unit": unit.get("name", ""), "overdue": "是" if j["overdue"] else "",
    }  # fmt: skip


def visible_case(store: Store, county, incident_id: int) -> Incident:
    case = store.get_incident(county.id, incident_id)
    viewer = request_viewer(store)
    if viewer.role == "unit_staff" and case.unit_id != viewer.unit_id:
        zh, en = zh_en("cases.api.not_yours", id=incident_id)
        raise Forbidden(zh, en=en)
    return case


def list_filters(store: Store, county) -> tuple[dict, tuple | None]:
    """The list filters from the query string; unit staff only ever see their own unit's cases."""
    a = request.args
    filters: dict = {"duplicates": a.get("duplicates") == "1"}
    if a.get("status"):
        filters["status"] = a["status"]
    if a.get("category"):
        store.get_category(a["category"])
        filters["category"] = a["category"]
    if a.get("unit"):
        filters["unit_id"] = _unit_id(store, county, a["unit"])
    if a.get("zone"):
        filters["zone_id"] = _zone_id(store, county, a["zone"])
    if a.get("from"):
        filters["since"] = cases_day(parse_day(a["from"], "from"))
    if a.get("to"):
        filters["until"] = cases_day(parse_day(a["to"], "to"), end=True)
    if a.get("overdue") == "1":
        filters["overdue_at"] = clock.now()
    viewer = request_viewer(store)  # a person or an API key: the same scope
    if a.get("mine") == "1":  # the cases the viewer reported
        filters["reporter"] = viewer.name
    if viewer.role == "unit_staff":
        filters["unit_id"] = viewer.unit_id
    bbox = county_bbox(parse_bbox(a["bbox"]), county) if a.get("bbox") else None
    return filters, bbox


def cases_day(day, end: bool = False) -> datetime:
    start, following = day_span(day)
    return following if end else start


def _unit_id(store: Store, county, code: str) -> int:
    try:
        return store.get_unit_by_code(county.id, code).id
    except NotFound:
        zh, en = zh_en("cases.api.no_unit", code=repr(code))
        raise NotFound(zh, en=en, field="unit") from None


def _zone_id(store: Store, county, code: str) -> int:
    try:  # one row by its code, not every zone with its geometry on every tile
        return store.get_zone_by_code(county.id, COMMUNITY_KINDS + INNER_ZONE_KINDS, code).id
    except NotFound:
        zh, en = zh_en("cases.api.no_zone", code=repr(code))
        raise NotFound(zh, en=en, field="zone") from None


def page_number() -> int:
    return _positive_int("page", 1, MAX_PAGE)


def page_size() -> int:
    return _positive_int("per_page", PER_PAGE, MAX_PER_PAGE)


def _positive_int(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if not raw:
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        zh, en = zh_en("cases.api.not_positive", name=name, raw=repr(raw[:20]))
        raise InvalidInput(zh, en=en, field=name)
    value = int(text)
    if not 1 <= value <= maximum:
        zh, en = zh_en("cases.api.out_of_range", name=name, maximum=maximum, value=value)
        raise InvalidInput(zh, en=en, field=name)
    return value
