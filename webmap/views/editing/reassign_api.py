"""Reassigning by drawing on the map (issue #7): what a drawing catches, and what a posting would
change before it is applied. Applying is ``POST /api/v1/postings`` (views/assignments.py)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user, login_required
from shapely.geometry import mapping

from geodata.assignments.preview import Change, preview
from geodata.assignments.selection import select_targets
from geodata.assignments.targets import TargetInfo
from geodata.errors import InvalidInput
from webmap.views.common import EDITORS, roles_required, store_and_county
from webmap.views.editing.assignments_api import parse_posting
from webmap.views.params import text_field
from webmap.views.requests import json_body

bp = Blueprint("edit_api", __name__, url_prefix="/api/v1")


@bp.post("/selection")
@login_required
def selection():
    """Read-only, for anyone signed in: ``{geometry, mode?, kinds?}`` → the targets caught, with
    their versions and lead units now, and totals."""
    body = json_body()
    kinds = body.get("kinds", ["segment"])
    if isinstance(kinds, str) or not isinstance(kinds, list):
        raise InvalidInput(
            'kinds 应为列表，如 ["segment", "grid"]',
            en='kinds must be a list, e.g. ["segment", "grid"]',
            field="kinds",
        )
    store, county = store_and_county()
    caught = select_targets(
        store, county, body.get("geometry"), text_field(body, "mode", "touching"), [str(k) for k in kinds]
    )
    return jsonify(
        mode=text_field(body, "mode", "touching"),
        targets=[target_json(t) for t in caught.targets],
        totals=caught.totals,
    )


@bp.post("/postings/preview")
@roles_required(*EDITORS, refusal="edit.editors_only")
def preview_posting():
    """What ``POST /postings`` with the same body would change; nothing is written."""
    author = current_user.username
    store, county = store_and_county()
    posting = parse_posting(json_body(), store, county, author, day_required=False)
    diff = preview(store, county, posting)
    return jsonify(
        unit=_unit(diff.unit),
        role=diff.role,
        valid_from=diff.valid_from.date().isoformat(),
        changes=[_change(c) for c in diff.changes],
        totals=diff.totals,
        stale=diff.stale,
    )


def _unit(unit) -> dict | None:
    return unit and {"code": unit.code, "name": unit.name}


def target_json(t: TargetInfo) -> dict:
    return {
        "kind": t.target.kind, "id": t.target.id, "name": t.name, "code": t.code, "zone_kind": t.zone_kind,
        "version": t.version, "lead_unit": t.lead and t.lead.code, "lead_unit_name": t.lead and t.lead.name,
        "length_m": t.length_m and round(t.length_m, 1), "area_m2": t.area_m2 and round(t.area_m2, 1),
        "geometry": mapping(t.geom),
    }  # fmt: skip


def _change(c: Change) -> dict:
    return {
        **target_json(c.info),
        "old_lead": _unit(c.info.lead),
        "new_lead": _unit(c.new_lead),
        "changes_lead": c.changes_lead,
        "open_cases": c.open_cases,
        "open_cases_staying": c.open_cases_staying,
    }
