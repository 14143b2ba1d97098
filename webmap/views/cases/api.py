"""The cases API (/api/v1/incidents): file a report (JSON or a form with a photo), list and export
cases with filters (a CSV, or a zipped Shapefile: /api/v1/incidents.zip), read one with its
timeline, and move it through the workflow."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Blueprint, Response, jsonify, request, send_from_directory, url_for
from flask_login import login_required

from geodata import clock
from geodata.cases import photos
from geodata.cases import workflow as cases
from geodata.errors import Forbidden, InvalidInput, NotFound
from geodata.io.shapefile import shapefile_zip
from geodata.labels import STATUS_ZH
from geodata.model import Incident
from geodata.stores.store import Store
from webmap import case_rules, get_store, settings
from webmap.audit import audit
from webmap.i18n import current_lang, zh_en
from webmap.views.cases.present import Names, answer_message, case_json, county_time, flat_row
from webmap.views.common import current_county, store_and_county
from webmap.views.filters import case_filters
from webmap.views.params import page_number, page_size, parse_datetime
from webmap.views.requests import idempotent, json_body, key_or_login, request_actor, request_viewer

bp = Blueprint("cases", __name__, url_prefix="/api/v1")
public = Blueprint("public_media", __name__)

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
    photo = (media_dir(), upload) if upload is not None else None
    filed = cases.file_report(store, county, report, actor, case_rules(), photo=photo)
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


# -- reading ---------------------------------------------------------------------------------------
@bp.get("/incidents")
@key_or_login
def list_incidents():
    store = get_store()
    return jsonify(listing(store, current_county(store)))


def listing(store: Store, county) -> dict:
    """One page of the cases the request's filters pick, newest first (the API and /cases)."""
    chosen = case_filters(store, county)
    filters, bbox = chosen.store_filters(), chosen.bbox
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
    store, county = store_and_county()
    chosen = case_filters(store, county)
    rows = store.list_incidents(
        county.id, chosen.bbox, limit=MAX_CSV_ROWS, newest_first=True, **chosen.store_filters()
    )
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
        row = flat_row(case_json(c, names))
        writer.writerow(county_time(row[k]) if k in CSV_TIMES else row[k] for k in CSV_COLUMNS)
    stamp = clock.local_now().strftime("%Y%m%d")
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="cases-{county.code}-{stamp}.csv"'},
    )


@bp.get("/incidents.zip")
@key_or_login
def export_incidents_shapefile():
    """The cases the filters pick as a zipped Shapefile (points; the CSV's columns, their short
    names mapped in fields.csv), recorded as an export as the CSV is."""
    store, county = store_and_county()
    chosen = case_filters(store, county)
    rows = store.list_incidents(
        county.id, chosen.bbox, limit=MAX_CSV_ROWS, newest_first=True, **chosen.store_filters()
    )
    audit("export.incidents_shapefile", f"county:{county.code}", required=True, rows=len(rows),
          filters={k: v for k, v in request.args.items() if v})  # fmt: skip
    names = Names(store, county)
    table = [
        [r["id"], *(_dbf_text(county_time(r[k]) if k in CSV_TIMES else r[k]) for k in list(CSV_COLUMNS)[1:])]
        for r in (flat_row(case_json(c, names)) for c in rows)
    ]
    made = shapefile_zip("cases", table, list(CSV_COLUMNS), [c.geom for c in rows], CSV_COLUMNS, "Point")
    stamp = clock.local_now().strftime("%Y%m%d")
    return Response(made, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="cases-{county.code}-{stamp}.shp.zip"'})  # fmt: skip


def _dbf_text(value) -> str:
    return "" if value is None else str(value)


@bp.get("/incidents/<int:incident_id>")
@key_or_login
def get_incident(incident_id: int):
    store, county = store_and_county()
    case = visible_case(store, county, incident_id)
    names = Names(store, county)
    actor = request_viewer(store)
    return jsonify(
        **case_json(case, names),
        events=[
            {"at": e.at.isoformat(), "actor": e.actor, "from": e.from_status, "to": e.to_status,
             "to_zh": STATUS_ZH[e.to_status], "note": e.note}
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


def visible_case(store: Store, county, incident_id: int) -> Incident:
    case = store.get_incident(county.id, incident_id)
    viewer = request_viewer(store)
    if viewer.role == "unit_staff" and case.unit_id != viewer.unit_id:
        zh, en = zh_en("cases.api.not_yours", id=incident_id)
        raise Forbidden(zh, en=en)
    return case
