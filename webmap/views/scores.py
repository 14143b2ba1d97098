"""Monthly scores (/api/v1/scores): the units' ranking with grades, and every scored target."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify, request
from flask_login import login_required

from geodata.assignments import COUNTY_TZ, month_span
from geodata.errors import InvalidInput
from layers.scores import month_scores
from webmap import get_store
from webmap.views.common import current_county

bp = Blueprint("scores", __name__, url_prefix="/api/v1")


@bp.get("/scores")
@login_required
def scores():
    store = get_store()
    county = current_county(store)
    month = request.args.get("month") or _last_month()
    since, _ = month_span(month)
    if since > datetime.now(COUNTY_TZ):
        raise InvalidInput(f"{month} 尚未到来，不能评分", field="month")
    result = month_scores(store, county, month)
    return jsonify(
        month=month,
        units=[
            {"code": u.code, "name": u.name, "score": u.score, "grade": u.grade, "rank": u.rank,
             "previous": u.previous, "change": u.change, "targets": u.targets}
            for u in result.units
        ],
        targets=[
            {"kind": t.kind, "id": t.id, "name": t.name, "score": t.score, "inspections": t.inspections,
             "mean": round(t.mean, 2), "incidents": t.incidents, "penalty": round(t.penalty, 2)}
            for t in sorted(result.targets.values(), key=lambda t: (t.score, t.kind, t.id))
        ],
    )  # fmt: skip


def _last_month() -> str:
    first = datetime.now(COUNTY_TZ).replace(day=1)
    return f"{first.year - 1}-12" if first.month == 1 else f"{first.year}-{first.month - 1:02d}"
