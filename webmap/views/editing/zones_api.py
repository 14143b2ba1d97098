"""Redrawing zone outlines on the map (issue #7), for leaders and administrators: what the editing
page needs around a zone, what a redraw would do, and applying it as a change set
(geodata/mapedit/zones.py). Several zones are redrawn together by listing the others in ``also``."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from shapely.geometry import mapping

from geodata.errors import InvalidInput
from geodata.mapedit.zone_context import SNAP_RADIUS_M, edit_context
from geodata.mapedit.zones import (
    Outline,
    ZoneEdit,
    apply_zone_edits,
    check_zone_edits,
)
from geodata.model import Segment, Zone
from webmap import get_store
from webmap.views.common import EDITORS, current_county, roles_required, store_and_county
from webmap.views.editing.assignments_api import outlines_applied
from webmap.views.params import parse_version, text_field
from webmap.views.requests import json_body

bp = Blueprint("zone_edit_api", __name__, url_prefix="/api/v1")
MAX_LISTED_INCIDENTS = 500  # the totals count them all


@bp.get("/zones/<int:zone_id>/edit-context")
@roles_required(*EDITORS, refusal="edit.editors_only")
def context(zone_id: int):
    """The zone, its parent, the zones of its kind and the streets within 50 m, as GeoJSON."""
    store = get_store()
    found = edit_context(store, current_county(store), zone_id)
    return jsonify(
        zone=_zone_feature(found.zone, found.parent),
        parent=found.parent and _zone_feature(found.parent),
        siblings=_collection([_zone_feature(z) for z in found.siblings]),
        streets=_collection([_street_feature(s) for s in found.streets]),
        snap_radius_m=SNAP_RADIUS_M,
    )


@bp.post("/zones/<int:zone_id>/edit/preview")
@roles_required(*EDITORS, refusal="edit.editors_only")
def preview(zone_id: int):
    """``{geometry, version?, also?}`` → what the redraw would do; 422 naming each problem."""
    store, county = store_and_county()
    found = check_zone_edits(store, county, _outlines(zone_id, json_body(), version_required=False))
    units = {u.id: u.code for u in store.list_units(county.id)}
    return jsonify(_edit(found, units))


@bp.post("/zones/<int:zone_id>/edit")
@roles_required(*EDITORS, refusal="edit.editors_only")
def apply(zone_id: int):
    """``{geometry, version, reason, also?}`` → 201 with the change set and the new versions."""
    author = current_user.username
    body = json_body()
    store, county = store_and_county()
    outlines = _outlines(zone_id, body, version_required=True)
    made = apply_zone_edits(store, county, outlines, author, text_field(body, "reason"))
    answer = outlines_applied(made, store)
    return jsonify(zone=next(w for w in answer["zones"] if w["id"] == zone_id), **answer), 201


def _outlines(zone_id: int, body: dict, version_required: bool) -> list[Outline]:
    """The zone's outline, then those of ``also``: ``[{id, geometry, version}]``."""
    out = [
        Outline(
            zone_id,
            body.get("geometry"),
            parse_version(body.get("version"), "version", required=version_required),
        )
    ]
    also = body.get("also") or []
    if not isinstance(also, list):
        raise InvalidInput(
            "also 应为列表：[{id, geometry, version}]",
            en="also must be a list: [{id, geometry, version}]",
            field="also",
        )
    for i, item in enumerate(also):
        if (
            not isinstance(item, dict)
            or isinstance(item.get("id"), bool)
            or not isinstance(item.get("id"), int)
        ):
            raise InvalidInput(
                f"also[{i}] 应为 {{id, geometry, version}}，id 为整数",
                en=f"also[{i}] must be {{id, geometry, version}} with an integer id",
                field="also",
            )
        version = parse_version(item.get("version"), f"also[{i}].version", "also", version_required)
        out.append(Outline(item["id"], item.get("geometry"), version))
    return out


def _ref(zone: Zone) -> dict:
    return {"id": zone.id, "kind": zone.kind, "code": zone.code, "name": zone.name}


def _zone_feature(zone: Zone, parent: Zone | None = None) -> dict:
    properties = {**_ref(zone), "version": zone.version, "parent_id": zone.parent_id,
                  "area_m2": zone.area_m2 and round(zone.area_m2, 1)}  # fmt: skip
    if parent is not None:
        properties["parent"] = _ref(parent)
    return {"type": "Feature", "id": zone.id, "geometry": mapping(zone.geom), "properties": properties}


def _street_feature(s: Segment) -> dict:
    return {"type": "Feature", "id": s.id, "geometry": mapping(s.geom),
            "properties": {"id": s.id, "name": s.name, "highway": s.highway}}  # fmt: skip


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _edit(found: ZoneEdit, units: dict[int, str]) -> dict:
    zones = [
        {**_ref(e.zone), "version": e.zone.version, "old_area_m2": round(e.old_area_m2, 1),
         "area_m2": round(e.area_m2, 1), "gained_m2": round(e.gained_m2, 1),
         "given_up_m2": round(e.given_up_m2, 1), "cells_uncovered_m2": round(e.cells_uncovered_m2, 1),
         "cells_outside": [{**_ref(c), "outside_m2": round(m2, 1)} for c, m2 in e.cells_outside],
         "geometry": mapping(e.geom)}
        for e in found.zones
    ]  # fmt: skip
    incidents = [
        {"id": m.before.id, "status": m.before.status, "open": m.open,
         "zone_id": m.before.zone_id, "new_zone_id": m.after.zone_id,
         "unit": units.get(m.before.unit_id), "new_unit": units.get(m.after.unit_id)}
        for m in found.moved[:MAX_LISTED_INCIDENTS]
    ]  # fmt: skip
    return {
        "zones": zones,
        "neighbours": [{**_ref(z), "version": z.version} for z in found.neighbours],
        "incidents": incidents,
        "totals": found.totals,
        "stale": found.stale,
        "warnings": found.warnings,
    }
