"""The inspections API (/api/v1): the checklists, and scoring a target against its checklist."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from geodata.cases.workflow import Actor
from geodata.labels import PANEL_ZH
from geodata.scores.inspections import Evaluator, check_evaluator, record_inspection
from geodata.scores.months import this_month
from webmap import get_store
from webmap.views.common import store_and_county
from webmap.views.params import parse_datetime, parse_id, parse_month, text_field
from webmap.views.requests import idempotent, json_body

bp = Blueprint("inspections", __name__, url_prefix="/api/v1")


@bp.get("/checklists")
@login_required
def checklists():
    """The checklists in force this month, or in ``?month=YYYY-MM`` (a sheet filled for a day of
    another month is scored against that month's)."""
    raw = request.args.get("month")
    month = parse_month(raw) if raw else this_month()
    items = get_store().list_checklist(request.args.get("kind") or None, month)
    return jsonify(
        month=month,
        panels=PANEL_ZH,
        items=[{"kind": i.target_kind, "code": i.code, "name": i.name_zh, "max": i.max_score} for i in items],
    )


@bp.post("/inspections")
@login_required
def create_inspection():
    evaluator = Evaluator(current_user.username, current_user.panel, current_user.unit_id)
    check_evaluator(evaluator)  # who may, before what was sent (403 before 400)
    body = json_body()
    store, county = store_and_county()

    def record() -> tuple[dict, int]:
        made = record_inspection(
            store, county, evaluator, text_field(body, "target_kind"), _target_id(body.get("target_id")),
            body.get("items"), _when(body.get("inspected_at")),
        )  # fmt: skip
        return {
            "target_kind": made.target_kind, "target_id": made.target_id, "score": made.score,
            "items": made.items, "panel": made.panel, "panel_zh": PANEL_ZH[made.panel],
            "inspected_at": made.inspected_at.isoformat(),
        }, 201  # fmt: skip

    # A phone that lost the answer sends again with the same Idempotency-Key: recorded once.
    actor = Actor(current_user.username, current_user.role, current_user.unit_id)
    return idempotent(store, actor, record)


def _target_id(raw) -> int:
    return parse_id(raw, "target_id")


def _when(raw) -> datetime | None:
    return parse_datetime(raw, "inspected_at")
