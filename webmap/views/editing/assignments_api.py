"""The 分兵把口 API: post units to zones and segments, ask who guarded what, revert a change set."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from geodata import clock
from geodata.assignments import postings as posts
from geodata.assignments.selection import check_drawing, parse_drawing
from geodata.errors import InvalidInput
from geodata.mapedit.zones import AppliedZoneEdit, undo
from webmap.views.common import EDITORS, roles_required, store_and_county
from webmap.views.params import parse_day, parse_id, parse_month, parse_version, text_field, text_list
from webmap.views.requests import json_body

bp = Blueprint("assignments", __name__, url_prefix="/api/v1")


@bp.post("/postings")
@roles_required(*EDITORS, refusal="edit.editors_only")
def create_posting():
    author = current_user.username
    store, county = store_and_county()
    posting = parse_posting(json_body(), store, county, author)
    applied = posts.apply_posting(store, county, posting)
    return jsonify(_applied(applied, store, county)), 201


@bp.post("/change-sets/<int:change_set_id>/revert")
@roles_required(*EDITORS, refusal="edit.editors_only")
def revert_change_set(change_set_id: int):
    author = current_user.username
    body = json_body(required=False)
    store, county = store_and_county()
    reason = text_field(body, "reason").strip() or "撤销"
    applied = undo(store, county, change_set_id, author, reason)
    if isinstance(applied, AppliedZoneEdit):  # it redrew outlines: they are drawn back
        return jsonify(outlines_applied(applied, store)), 201
    return jsonify(_applied(applied, store, county)), 201


@bp.get("/targets/<kind>/<int:target_id>/responsible")
@login_required
def responsible(kind: str, target_id: int):
    store, county = store_and_county()
    day = parse_day(request.args.get("date"), "date", required=False) or today()  # default: today
    answer = posts.responsible(store, county, posts.Target(kind, target_id), posts.day_start(day))
    units = _units(store, county)
    return jsonify(
        date=day.isoformat(),
        lead=answer.lead and _assignment(answer.lead, units),
        assists=[_assignment(a, units) for a in answer.assists],
    )


@bp.get("/targets/<kind>/<int:target_id>/history")
@login_required
def history(kind: str, target_id: int):
    store, county = store_and_county()
    units = _units(store, county)
    rows = posts.history(store, county, posts.Target(kind, target_id))
    return jsonify(history=[_assignment(a, units) for a in rows])


@bp.get("/units/<code>/guarded")
@login_required
def guarded(code: str):
    store, county = store_and_county()
    since, until = _period(request.args)
    items = posts.guarded(store, county, code, since, until)
    return jsonify(
        unit=code,
        since=since.isoformat(),
        until=until.isoformat(),
        total_length_m=round(sum(i.length_m or 0 for i in items), 1),
        total_area_m2=round(sum(i.area_m2 or 0 for i in items), 1),
        items=[_guarded(i) for i in items],
    )


def _period(args):
    """``month=YYYY-MM`` or ``date=YYYY-MM-DD`` (that whole day)."""
    if args.get("month"):
        return posts.month_span(parse_month(args["month"]))
    return posts.day_span(parse_day(args.get("date"), "date"))


def parse_posting(body, store, county, author: str, day_required: bool = True) -> posts.Posting:
    """A posting from its JSON; ``valid_from`` may be left out (today) when not ``day_required``.
    ``targets`` may carry the ``version`` the editor saw, ``geometry`` the shape they drew."""
    if not isinstance(body, dict):
        raise InvalidInput("请以 JSON 对象发送责任分配", en="Send the posting as a JSON object")
    day = parse_day(body.get("valid_from"), "valid_from", required=day_required) or today()
    drawn = body.get("geometry")
    return posts.Posting(
        unit_code=text_field(body, "unit"),
        role=text_field(body, "role", "lead"),
        targets=_targets(body, store, county),
        valid_from=posts.day_start(day),
        author=author,
        reason=text_field(body, "reason"),
        person=text_field(body, "person"),
        phone=text_field(body, "phone"),
        duties=text_list(body, "duties"),
        geom=None if drawn is None else check_drawing(county, parse_drawing(drawn)),
        versions=_versions(body),
    )


def today():
    """Today in the county's clock."""
    return clock.today()


def _versions(body: dict) -> dict[posts.Target, int]:
    """The version the editor saw of each target that gives one (``targets[i].version``)."""
    versions = {}
    for i, t in enumerate(_target_list(body)):
        if not isinstance(t, dict) or t.get("version") is None:
            continue
        version = parse_version(t["version"], f"targets[{i}].version", "targets")
        versions[posts.Target(str(t.get("kind")), parse_id(t.get("id"), f"targets[{i}].id"))] = version
    return versions


def _targets(body: dict, store, county) -> list[posts.Target]:
    """Targets listed one by one, or a road by name, or a community's cells or segments."""
    if body.get("road"):
        return posts.road_segments(store, county, text_field(body, "road"))
    if body.get("community"):
        what = body.get("what", "segments")
        if what not in ("cells", "segments", "community"):
            raise InvalidInput(
                "what 应为 cells（网格）、segments（路段）或 community（社区）",
                en="what must be cells, segments or community",
                field="what",
            )
        if what == "community":
            return [posts.Target("zone", posts.community_of(store, county, text_field(body, "community")).id)]
        pick = posts.community_cells if what == "cells" else posts.community_segments
        return pick(store, county, text_field(body, "community"))
    targets = _target_list(body)
    if not all(isinstance(t, dict) and isinstance(t.get("kind"), str) and "id" in t for t in targets):
        raise InvalidInput(
            "targets 应为 [{kind, id}] 列表（targets must be a list of {kind, id}）",
            en="targets must be a list of {kind, id}",
            field="targets",
        )
    return [posts.Target(t["kind"], parse_id(t.get("id"), f"targets[{i}].id")) for i, t in enumerate(targets)]


def _target_list(body: dict) -> list:
    targets = body.get("targets") or []
    if not isinstance(targets, list):
        raise InvalidInput(
            "targets 应为 [{kind, id}] 列表（targets must be a list of {kind, id}）",
            en="targets must be a list of {kind, id}",
            field="targets",
        )
    return targets


def _units(store, county) -> dict:
    return {u.id: u for u in store.list_units(county.id)}


def _assignment(a, units: dict) -> dict:
    unit = units.get(a.unit_id)
    return {
        "id": a.id, "unit": unit and unit.code, "unit_name": unit and unit.name, "role": a.role,
        "target": {"kind": a.target_kind, "id": a.target_id}, "person": a.person, "phone": a.phone,
        "duties": list(a.duties), "valid_from": a.valid_from.isoformat(),
        "valid_to": a.valid_to and a.valid_to.isoformat(), "change_set": a.change_set_id,
        "voided_by": a.voided_by,
    }  # fmt: skip


def _guarded(i: posts.GuardedItem) -> dict:
    return {
        "target": {"kind": i.target.kind, "id": i.target.id}, "name": i.name, "code": i.code, "role": i.role,
        "valid_from": i.valid_from.isoformat(), "valid_to": i.valid_to and i.valid_to.isoformat(),
        "length_m": i.length_m, "area_m2": i.area_m2,
    }  # fmt: skip


def _applied(applied: posts.Applied, store, county) -> dict:
    units = _units(store, county)
    cs = applied.change_set
    return {
        "change_set": {"id": cs.id, "author": cs.author, "reason": cs.reason,
                       "created_at": cs.created_at.isoformat(), "reverts": cs.reverts},
        "assignments": [_assignment(a, units) for a in applied.assignments],
        "rerouted": applied.rerouted,
        "versions": [{"kind": t.kind, "id": t.id, "version": v} for t, v in applied.versions.items()],
        "map_version": store.map_version(),  # the page asks for its tiles at this version (v=)
    }  # fmt: skip


def outlines_applied(made: AppliedZoneEdit, store) -> dict:
    """An applied outline edit (or its revert): the change set, the zones' new versions and areas."""
    cs = made.change_set
    return {
        "change_set": {"id": cs.id, "author": cs.author, "reason": cs.reason,
                       "created_at": cs.created_at.isoformat(), "reverts": cs.reverts},
        "zones": [{"id": z.id, "version": z.version, "area_m2": round(z.area_m2, 1)} for z in made.zones],
        "rerouted": made.rerouted,
        "warnings": made.edit.warnings,
        "map_version": store.map_version(),  # the page asks for its tiles at this version (v=)
    }  # fmt: skip
