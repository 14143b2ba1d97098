"""延期, 挂账 and 督办 on a case (geodata/cases/handling.py), as a JSON API the case page's forms
post to (case.js) and other systems may call, and the leaders' 督办 page (/supervision). 回退 is a
workflow action (/api/v1/incidents/<id>/actions, action "return"). Each write is one domain call:
a refusal names the problem and changes nothing; the audit log records every request."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from flask import Blueprint, jsonify, render_template, request

from geodata.cases import handling
from geodata.cases.model import SUPERVISION_STATES, CaseRequest, Supervision
from geodata.errors import InvalidInput
from geodata.model import COUNTY_TZ
from webmap import get_store, handling_rules, settings
from webmap.views.common import current_county, roles_required, store_and_county
from webmap.views.params import page_number, parse_day, parse_id, text_field
from webmap.views.requests import json_body, request_actor

bp = Blueprint("handling", __name__, url_prefix="/api/v1")
pages = Blueprint("supervision_pages", __name__)
PER_PAGE = 50


@bp.post("/incidents/<int:incident_id>/extensions")
def ask_extension(incident_id: int):
    store, actor, county, body = _write()
    asked = handling.ask_extension(
        store, county, incident_id, actor, _local_time(body.get("deadline"), "deadline"),
        text_field(body, "reason"), handling_rules(settings()),
    )  # fmt: skip
    return jsonify(record_json(asked)), 201


@bp.post("/requests/<int:request_id>/decision")
def decide(request_id: int):
    store, actor, county, body = _write()
    approve = body.get("approve")
    if approve not in (True, False, "1", "0"):
        raise InvalidInput(
            "请选择同意或不同意（approve 为 true 或 false）", en="Choose to approve or refuse (approve: true or false)",
            field="approve",
        )  # fmt: skip
    decided = handling.decide_extension(
        store, county, request_id, actor, approve in (True, "1"), text_field(body, "note")
    )
    return jsonify(record_json(decided))


@bp.post("/incidents/<int:incident_id>/shelve")
def shelve(incident_id: int):
    store, actor, county, body = _write()
    review = parse_day(body.get("review_on"), "review_on", required=False)
    case = handling.shelve(store, county, incident_id, actor, text_field(body, "plan"), review)
    return jsonify({"id": case.id, "status": case.status})


@bp.post("/incidents/<int:incident_id>/unshelve")
def unshelve(incident_id: int):
    store, actor, county, _ = _write(required=False)
    case = handling.unshelve(store, county, incident_id, actor)
    return jsonify({"id": case.id, "status": case.status, "deadline_at": case.deadline_at.isoformat()})


@bp.post("/incidents/<int:incident_id>/supervisions")
def supervise(incident_id: int):
    store, actor, county, body = _write()
    level = body.get("level", 1)
    level = parse_id(level, "level") if level not in (None, "") else 1
    order = handling.supervise(store, county, incident_id, actor, text_field(body, "note"), level)
    return jsonify(record_json(order)), 201


@bp.post("/supervisions/<int:supervision_id>/answer")
def answer(supervision_id: int):
    store, actor, county, body = _write()
    order = handling.answer_supervision(store, county, supervision_id, actor, text_field(body, "answer"))
    return jsonify(record_json(order))


@bp.post("/supervisions/<int:supervision_id>/close")
def close(supervision_id: int):
    store, actor, county, _ = _write(required=False)
    return jsonify(record_json(handling.close_supervision(store, county, supervision_id, actor)))


@pages.get("/supervision")
@roles_required("leader", "admin", refusal="supervision.leaders_only")
def supervision_page():
    """督办 for leaders: open ones first (state=open|answered|closed, by unit), paged."""
    store, county = store_and_county()
    state = request.args.get("state", "open")
    if state not in SUPERVISION_STATES:
        state = "open"
    units = store.list_units(county.id)
    unit = next((u for u in units if u.code == request.args.get("unit")), None)
    unit_id = unit.id if unit else None
    page = page_number()
    counts = {s: store.count_supervisions(county.id, s, unit_id) for s in SUPERVISION_STATES}
    total = counts[state]
    orders = store.supervisions(
        county.id, state=state, unit_id=unit_id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    by_id = {u.id: u for u in units}
    return render_template(
        "cases/supervision.html", county=county, orders=orders, units=units, unit_names=by_id, state=state,
        unit=unit, total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
        counts=counts,
        query={k: v for k, v in {"state": state, "unit": unit.code if unit else ""}.items() if v},
    )  # fmt: skip


def record_json(record: CaseRequest | Supervision) -> dict:
    """A request or a 督办 as the API answers it: its fields, times and days in ISO 8601."""
    return {k: _plain(v) for k, v in asdict(record).items()}


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _write(required: bool = True):
    store = get_store()
    actor = request_actor(store)
    county = current_county(store)
    return store, actor, county, json_body(required=required)


def _local_time(raw, field: str) -> datetime | None:
    """A time from a form (``2026-11-05T18:00``, the county's clock) or with its zone (ISO 8601)."""
    if raw is None or raw == "":
        return None
    try:
        at = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        at = None
    if at is None or not 2000 <= at.year <= 2100:
        raise InvalidInput(
            f"{field} 应为时间，如 2026-11-05T18:00",
            en=f"{field} must be a time such as 2026-11-05T18:00",
            field=field,
        )
    return at if at.tzinfo else at.replace(tzinfo=COUNTY_TZ)
