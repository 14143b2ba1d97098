"""Community tiers and civilized titles (/api/v1): proposals from the month's scores, an
administrator's confirmation, titles awarded and withdrawn on dates."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from geodata.errors import NotFound
from geodata.model import COMMUNITY_KINDS
from geodata.scores import titles
from layers.tiers import propose_tiers
from webmap.views.common import ADMINS, roles_required, store_and_county
from webmap.views.params import parse_day, text_field
from webmap.views.requests import json_body
from webmap.views.scores.ranking import checked_month

bp = Blueprint("tiers", __name__, url_prefix="/api/v1")


@bp.get("/tiers")
@login_required
def proposals():
    store, county = store_and_county()
    month = checked_month(request.args.get("month"))
    return jsonify(month=month, communities=[vars(p) for p in propose_tiers(store, county, month)])


@bp.post("/tiers")
@roles_required(*ADMINS, refusal="scores.admins_only")
def confirm():
    body = json_body()
    store, county = store_and_county()
    month = checked_month(text_field(body, "month") or None)
    zone = _community(store, county, body.get("zone"))
    proposed = next((p.proposed for p in propose_tiers(store, county, month) if p.zone_id == zone.id), None)
    decision = titles.confirm_tier(store, county, zone.id, text_field(body, "tier"), month, proposed,
                                   current_user.username)  # fmt: skip
    return jsonify(zone=zone.code, month=month, tier=decision.tier, proposed=decision.proposed), 201


@bp.get("/titles")
@login_required
def list_titles():
    store, county = store_and_county()
    names = {z.id: (z.code, z.name) for z in store.list_zones(county.id, kind=titles.TITLED_KINDS)}
    return jsonify(titles=[_award(a, names) for a in store.list_titles(county.id)])


@bp.post("/titles")
@roles_required(*ADMINS, refusal="scores.admins_only")
def award():
    body = json_body()
    store, county = store_and_county()
    zone = _community(store, county, body.get("zone"), titles.TITLED_KINDS)
    made = titles.award_title(store, county, zone.id, text_field(body, "title"),
                              parse_day(body.get("on"), "on"), current_user.username)  # fmt: skip
    return jsonify(_award(made, {zone.id: (zone.code, zone.name)})), 201


@bp.post("/titles/<int:award_id>/withdraw")
@roles_required(*ADMINS, refusal="scores.admins_only")
def withdraw(award_id: int):
    body = json_body()
    store, county = store_and_county()
    made = titles.withdraw_title(store, county, award_id, parse_day(body.get("on"), "on"))
    zone = store.get_zone(county.id, made.zone_id)
    return jsonify(_award(made, {zone.id: (zone.code, zone.name)}))


def _community(store, county, code, kinds=COMMUNITY_KINDS):
    """The community or village (or, for a title, courtyard) of this code."""
    try:
        return store.get_zone_by_code(county.id, kinds, str(code or ""))
    except NotFound:
        raise NotFound(
            f"没有编码为 {code!r} 的社区或村",
            en=f"There is no community or village with the code {code!r}",
            field="zone",
        ) from None


def _award(a, names: dict) -> dict:
    code, name = names.get(a.zone_id, (None, None))
    return {
        "id": a.id, "zone": code, "zone_name": name, "title": a.title, "awarded_on": a.awarded_on.isoformat(),
        "withdrawn_on": a.withdrawn_on and a.withdrawn_on.isoformat(), "awarded_by": a.awarded_by,
    }  # fmt: skip
