"""The inspections API (/api/v1): the checklists, and scoring a target against its checklist."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from geodata.cases import Actor
from geodata.errors import InvalidInput
from geodata.inspections import Evaluator, record_inspection
from geodata.model import PANEL_ZH
from webmap import get_store
from webmap.views.common import current_county
from webmap.views.requests import idempotent, json_body

bp = Blueprint("inspections", __name__, url_prefix="/api/v1")


@bp.get("/checklists")
@login_required
def checklists():
    items = get_store().list_checklist(request.args.get("kind") or None)
    return jsonify(
        panels=PANEL_ZH,
        items=[{"kind": i.target_kind, "code": i.code, "name": i.name_zh, "max": i.max_score} for i in items],
    )


@bp.post("/inspections")
@login_required
def create_inspection():
    body = json_body()
    store = get_store()
    county = current_county(store)
    evaluator = Evaluator(current_user.username, current_user.panel, current_user.unit_id)

    def record() -> tuple[dict, int]:
        made = record_inspection(
            store, county, evaluator, str(body.get("target_kind", "")), _target_id(body.get("target_id")),
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
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).strip().isdigit():
        raise InvalidInput(f"target_id 应为整数编号，而不是 {raw!r}", field="target_id")
    return int(raw)


def _when(raw) -> datetime | None:
    if raw in (None, ""):
        return None
    try:
        at = datetime.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput(f"inspected_at 不是 ISO 8601 时间：{raw!r}", field="inspected_at") from None
    if at.tzinfo is None:
        raise InvalidInput("inspected_at 需带时区，如 2026-10-20T09:30:00+08:00", field="inspected_at")
    return at
