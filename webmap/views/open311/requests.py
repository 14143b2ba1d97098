"""Open311 GeoReport v2 (/open311/v2): services and service requests, JSON and XML.

Services are the public case categories; a service request is a case. Anyone may read them (what
the public may see, see ``open311_format``); filing one needs an ``api_key``. The jurisdiction is
the county, by its code. Errors come in the spec's form, ``[{"code": 400, "description": "…"}]``.
Lists come in pages (``page``, ``page_size``), newest first by id, so that pages read one after
another give each request once (pin ``end_date`` while paging, and requests filed meanwhile stay
out). The updates of requests and the discovery document are in ``updates.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ
from geodata.cases import workflow as cases
from geodata.cases.categories import offered
from geodata.cases.steps import public_steps
from geodata.errors import InvalidInput, NotFound, PortalError
from geodata.model import County, Incident
from geodata.stores.store import Store
from webmap import case_rules, get_store
from webmap.views.cases.present import Names, answer_message
from webmap.views.common import current_county
from webmap.views.errors import describe
from webmap.views.open311 import format as out
from webmap.views.params import county_bbox, day_in_range, parse_bbox, parse_id, positive_int
from webmap.views.requests import idempotent, request_actor

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

FMT = "<any(json, xml):fmt>"
MAX_RESULTS = 1000  # ids in one service_request_id
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000
MAX_PAGE = 100_000
SCAN_BATCH = 1000
DEFAULT_WINDOW = timedelta(days=90)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


# -- services ------------------------------------------------------------------------------------
@bp.get(f"/services.{FMT}")
def services(fmt: str):
    store = get_store()
    _county(store)
    # A retired category is no service any more; its old requests still name it.
    return out.render([out.service_json(c) for c in offered(list(_public(store).values()))], fmt, "services")


@bp.get(f"/services/<code>.{FMT}")
def service_definition(code: str, fmt: str):
    store = get_store()
    _county(store)
    if code not in _public(store):
        raise NotFound(
            f"没有这项服务：service_code {code!r}",
            en=f"There is no such service: service_code {code!r}",
            field="service_code",
        )
    return out.render({"service_code": code, "attributes": []}, fmt, "service_definition")


# -- filing --------------------------------------------------------------------------------------
@bp.post(f"/requests.{FMT}")
def create_request(fmt: str):
    store = get_store()
    actor = request_actor(store)
    county = _county(store)
    answer = idempotent(store, actor, lambda: _file(store, county, actor))
    if fmt == "json":
        return answer
    xml = out.render(json.loads(answer.get_data()), fmt, "service_requests", answer.status_code)
    xml.headers.extend((k, v) for k, v in answer.headers.items() if k == "Idempotent-Replayed")
    return xml


def _file(store: Store, county: County, actor: cases.Actor) -> tuple[list, int]:
    """File the spec's form as a case; the answer says which unit handles it by when."""
    if request.mimetype not in FORM_TYPES:
        raise InvalidInput(
            "请以表单（application/x-www-form-urlencoded）提交",
            en="Please send a form (application/x-www-form-urlencoded)",
            field="body",
        )
    form = request.form
    code = form.get("service_code", "").strip()
    if not code:
        raise InvalidInput(
            "缺少 service_code（问题类别）",
            en="service_code (the problem category) is missing",
            field="service_code",
        )
    if code not in _public(store):
        raise InvalidInput(
            f"未知的 service_code：{code!r}", en=f"Unknown service_code: {code!r}", field="service_code"
        )
    for field in ("lat", "long"):
        if not form.get(field, "").strip():
            raise InvalidInput(
                f"缺少 {field}：请提供经纬度（暂不支持仅凭地址定位）",
                en=f"{field} is missing: please give longitude and latitude (a place by address alone is not supported yet)",
                field=field,
            )
    name = form.get("last_name", "").strip() + form.get("first_name", "").strip()
    contact = " / ".join(v for v in (name, *(form.get(k, "").strip() for k in ("phone", "email"))) if v)
    report = cases.Report(
        code, form["long"], form["lat"], form.get("description", ""), form.get("address_string", ""),
        contact, source="open311",
    )  # fmt: skip
    filed = cases.file_report(store, county, report, actor, case_rules(), now=clock.now())
    answer = {
        "service_request_id": str(filed.incident.id),
        "service_notice": answer_message(filed, Names(store, county)),
        "account_id": None,
    }
    return [answer], 201


# -- reading -------------------------------------------------------------------------------------
@bp.get(f"/requests.{FMT}")
def list_requests(fmt: str):
    store = get_store()
    county = _county(store)
    public = _public(store)
    ids = _ids(request.args.get("service_request_id", ""))
    page_window()  # a bad page or page_size is refused even when ids pick the requests
    if ids:  # the spec: ids override every other filter
        found = [c for c in (_incident(store, county, i) for i in ids) if c and c.category in public]
    else:
        found = _search(store, county, public)
    return out.render(_requests_json(store, county, found), fmt, "service_requests")


@bp.get(f"/requests/<rid>.{FMT}")
def get_request(rid: str, fmt: str):
    store = get_store()
    county = _county(store)
    case = _incident(store, county, rid) if rid.isdigit() else None
    if case is None or case.category not in _public(store):
        raise NotFound(
            f"没有这个服务请求：service_request_id {rid!r}",
            en=f"There is no such service request: service_request_id {rid!r}",
            field="service_request_id",
        )
    return out.render(_requests_json(store, county, [case]), fmt, "service_requests")


def _search(store: Store, county: County, public: dict) -> list[Incident]:
    """The page of the newest requests matching the query's filters."""
    a = request.args
    filters: dict = {}
    codes = _choices("service_code", public)
    if len(codes) == 1:
        filters["category"] = next(iter(codes))
    statuses = _choices("status", ("open", "closed"))
    if statuses == {"open"}:
        filters["status"] = "open"
    since, until = _when("start_date"), _when("end_date")
    if since and until and since > until:
        raise InvalidInput(
            "start_date 晚于 end_date", en="start_date is later than end_date", field="start_date"
        )
    updated_since, updated_until = _when("updated_after"), _when("updated_before")
    if updated_since and updated_until and updated_since > updated_until:
        raise InvalidInput(
            "updated_after 晚于 updated_before",
            en="updated_after is later than updated_before",
            field="updated_after",
        )
    if updated_since is not None:
        filters["updated_since"] = updated_since
    if updated_until is not None:
        filters["updated_until"] = updated_until + timedelta(microseconds=1)  # inclusive too
    if since is None and updated_since is None and updated_until is None:
        since = (until or clock.now()) - DEFAULT_WINDOW  # the spec's default: the last 90 days
    if since is not None:
        filters["since"] = since
    if until is not None:
        filters["until"] = until + timedelta(microseconds=1)  # end_date is inclusive
    bbox = county_bbox(parse_bbox(a["bbox"]), county) if a.get("bbox") else None
    opens = {s == "open" for s in statuses}  # {True}: open, {False}: closed, both or none: any
    return _scan(
        store, county, bbox, filters,
        lambda c: c.category in (codes or public) and (not opens or out.is_open(c) in opens),
    )  # fmt: skip


def _scan(store: Store, county: County, bbox, filters: dict, wanted: Callable[[Incident], bool]):
    """Read the store newest first (by id: a stable order), keeping what ``wanted`` keeps (what the
    store cannot filter: 'closed', several codes, internal categories), and answer the query's
    page of what is kept."""
    skip, size = page_window()
    found: list[Incident] = []
    offset = 0
    while len(found) < size:
        batch = store.list_incidents(
            county.id, bbox, limit=SCAN_BATCH, offset=offset, newest_first=True, duplicates=False, **filters
        )
        kept = [c for c in batch if wanted(c)]
        found += kept[skip:]
        skip = max(0, skip - len(kept))
        if len(batch) < SCAN_BATCH:
            break
        offset += SCAN_BATCH
    return found[:size]


def page_window() -> tuple[int, int]:
    """How many to skip and how many to answer: ``page`` (from 1) of ``page_size`` (at most
    MAX_PAGE_SIZE; more is refused, naming the maximum)."""
    size = positive_int("page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    return (positive_int("page", 1, MAX_PAGE) - 1) * size, size


def _requests_json(store: Store, county: County, found: list[Incident]) -> list[dict]:
    names = Names(store, county)
    rows = []
    for c in found:
        events = store.incident_events(county.id, c.id)
        photos = store.list_photos(county.id, c.id)
        unit = names.unit(c.unit_id)
        rows.append(
            out.request_json(
                c, names.categories.get(c.category), unit and unit["name"], public_steps(events)[-1] if events else None,
                photos[0] if photos else None,
            )
        )  # fmt: skip
    return rows


# -- parameters ----------------------------------------------------------------------------------
def _county(store: Store) -> County:
    """The county served; NotFound when ``jurisdiction_id`` names another."""
    county = current_county(store)
    wanted = request.values.get("jurisdiction_id", "").strip()
    if wanted and wanted != county.code:
        raise NotFound(
            f"unknown jurisdiction_id {wanted!r}：本服务受理的是{county.name}（{county.code}）",
            en=f"Unknown jurisdiction_id {wanted!r}: this service takes requests for {county.name} ({county.code})",
            field="jurisdiction_id",
        )
    return county


def _public(store: Store) -> dict:
    """The public categories by code: internal ones are no Open311 service."""
    return {c.code: c for c in store.list_categories() if c.public}


def _incident(store: Store, county: County, rid: str | int) -> Incident | None:
    try:
        return store.get_incident(county.id, parse_id(rid, "service_request_id"))
    except (NotFound, InvalidInput):  # an id past 64 bits is no request either
        return None


def _ids(raw: str) -> list[int]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise InvalidInput(
            f"service_request_id 应为以逗号分隔的编号：{raw!r}",
            en=f"service_request_id must be ids separated by commas: {raw!r}",
            field="service_request_id",
        )
    if len(parts) > MAX_RESULTS:
        raise InvalidInput(
            f"service_request_id 一次最多 {MAX_RESULTS} 个",
            en=f"At most {MAX_RESULTS} service_request_id at a time",
            field="service_request_id",
        )
    return [parse_id(p, "service_request_id") for p in parts]


def _choices(field: str, allowed) -> set[str]:
    """A comma-separated parameter's values, each one of ``allowed``."""
    values = {v.strip() for v in request.args.get(field, "").split(",") if v.strip()}
    unknown = sorted(values - set(allowed))
    if unknown:
        raise InvalidInput(
            f"{field} 取值无效：{', '.join(unknown)}",
            en=f"Invalid {field}: {', '.join(unknown)}",
            field=field,
        )
    return values


def _when(field: str) -> datetime | None:
    """A W3C datetime (2024-03-01T00:00:00Z); without an offset it is the county's clock."""
    raw = request.args.get(field, "").strip()
    if not raw:
        return None
    raw = re.sub(r" (\d\d:?\d\d)$", r"+\1", raw)  # a '+' sent unencoded arrives as a space
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"{field} 不是 W3C 日期时间（如 2024-03-01T00:00:00+08:00）：{raw!r}",
            en=f"{field} is not a W3C date-time (such as 2024-03-01T00:00:00+08:00): {raw!r}",
            field=field,
        ) from None
    day_in_range(when.date(), field)
    return when if when.tzinfo else when.replace(tzinfo=COUNTY_TZ)


# -- errors --------------------------------------------------------------------------------------
@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str):
    """Any other path or method under /open311/v2, so that its error too is in the spec's form."""
    urls = current_app.url_map.bind_to_environ(request.environ)
    allowed = [m for m in ("GET", "POST") if urls.match(method=m)[0] != request.endpoint]
    if allowed:
        raise MethodNotAllowed(allowed, f"该接口不支持 {request.method} 请求，可用：{', '.join(allowed)}")
    raise NotFound(
        f"没有这个 Open311 接口：/open311/v2/{rest}",
        en=f"There is no such Open311 endpoint: /open311/v2/{rest}",
    )


@bp.errorhandler(PortalError)
@bp.errorhandler(HTTPException)
def error(exc: Exception) -> Response:
    """Errors in the spec's form, XML when the path asked for XML."""
    status, _, message = describe(exc)
    if status >= 500:
        current_app.logger.error("%s: %s", type(exc).__name__, message, exc_info=exc)
        message = "internal error"
    response = out.errors(status, message, "xml" if request.path.endswith(".xml") else "json")
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response
