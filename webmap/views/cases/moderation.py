"""Staff's side of 随手拍: the moderation queue (/moderation) and its API
(/api/v1/public-reports): approve (filed and routed like any case), merge into the open case it
repeats, or reject with a reason the public reads. Admins, leaders and inspectors moderate."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required

from geodata.cases import public_reports
from geodata.cases.categories import offered
from geodata.errors import Forbidden, InvalidInput, NotFound
from geodata.labels import STATE_ZH, STATUS_ZH
from geodata.model import PUBLIC_REPORT_STATES, PublicReport
from webmap import case_rules, get_store
from webmap.audit import audit
from webmap.i18n import t, zh_en
from webmap.views.cases.api import media_dir
from webmap.views.cases.pages import category_names, map_config, status_names
from webmap.views.cases.present import Names
from webmap.views.common import current_county, store_and_county
from webmap.views.params import page_number, parse_id, text_field
from webmap.views.requests import json_body, request_actor

bp = Blueprint("moderation", __name__)

PER_PAGE = 20


@bp.get("/moderation")
@login_required
def queue_page():
    store, county = store_and_county()
    body = _listing(store, county)
    counts = {s: store.count_public_reports(county.id, s) for s in PUBLIC_REPORT_STATES}
    return render_template(
        "moderation/index.html", county=county, listing=body, counts=counts,
        states={code: t(f"state.{code}") for code in STATE_ZH}, statuses=status_names(),
        reasons=public_reports.REJECT_REASONS, categories=[c for c in offered(store.list_categories()) if c.public],
        category_names=category_names(store), map_config=map_config(county),
    )  # fmt: skip


@bp.get("/api/v1/public-reports")
@login_required
def list_reports():
    store = get_store()
    return jsonify(_listing(store, current_county(store)))


@bp.post("/api/v1/public-reports/<int:report_id>/<any(approve, merge, reject):action>")
def moderate(report_id: int, action: str):
    store = get_store()
    actor = request_actor(store)
    public_reports.check_moderator(actor)  # who may, before what was sent (403 before 400)
    county = current_county(store)
    body = json_body()
    if action == "approve":
        done = public_reports.approve(
            store, county, report_id, actor, case_rules(), category=text_field(body, "category") or None
        )
    elif action == "merge":
        into = body.get("into")
        if not isinstance(into, int) and not (isinstance(into, str) and into.isdigit()):
            zh, en = zh_en("cases.mod.need_into")
            raise InvalidInput(zh, en=en, field="into")
        done = public_reports.merge(store, county, report_id, actor, parse_id(into, "into"))
    else:
        done = public_reports.reject(store, county, report_id, actor, text_field(body, "reason"))
    audit(f"moderation.{action}", f"public_report:{report_id}", state=done.state, incident_id=done.incident_id,
          category=done.category, public_reason=done.public_reason)  # fmt: skip
    return jsonify(report_json(store, county, done, Names(store, county)))


@bp.get("/moderation/photos/<int:report_id>")
@login_required
def photo(report_id: int):
    """A report's photo for staff (the copy without EXIF), before it belongs to any case."""
    _moderator()
    store = get_store()
    r = store.get_public_report(current_county(store).id, report_id)
    if r.photo is None:
        zh, en = zh_en("cases.mod.no_photo_of", id=report_id)
        raise NotFound(zh, en=en)
    return send_from_directory(media_dir(), r.photo.public_name, mimetype=r.photo.content_type, max_age=3600)


def _listing(store, county) -> dict:
    _moderator()
    state = request.args.get("state", "pending")
    if state not in PUBLIC_REPORT_STATES:
        zh, en = zh_en("cases.mod.bad_state", state=repr(state), states=", ".join(PUBLIC_REPORT_STATES))
        raise InvalidInput(zh, en=en, field="state")
    page = page_number()
    total = store.count_public_reports(county.id, state)
    rows = store.list_public_reports(county.id, state, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    names = Names(store, county)
    return {
        "state": state, "total": total, "page": page, "per_page": PER_PAGE,
        "pages": max(1, -(-total // PER_PAGE)), "items": [report_json(store, county, r, names) for r in rows],
    }  # fmt: skip


def report_json(store, county, r: PublicReport, names: Names) -> dict:
    """A report as staff see it (contact included), with the open cases it may repeat."""
    category = names.categories.get(r.category)
    candidates = public_reports.merge_candidates(store, county, r) if r.state == "pending" else []
    return {
        "id": r.id, "state": r.state, "state_zh": STATE_ZH[r.state], "category": r.category,
        "category_zh": category.name_zh if category else r.category, "lon": round(r.lon, 7),
        "lat": round(r.lat, 7), "description": r.description, "address": r.address, "contact": r.contact,
        "submitted_at": r.submitted_at.isoformat(),
        "photo_url": r.photo and url_for("moderation.photo", report_id=r.id),
        "public_reason": r.public_reason, "moderated_by": r.moderated_by,
        "moderated_at": r.moderated_at and r.moderated_at.isoformat(), "incident_id": r.incident_id,
        "case_url": r.incident_id and url_for("case_pages.case_page", incident_id=r.incident_id),
        "candidates": [
            {"id": c.id, "category": c.category, "category_zh": names.categories[c.category].name_zh,
             "distance_m": round(d),
             "status_zh": STATUS_ZH[c.status], "reported_at": c.reported_at.isoformat(),
             "url": url_for("case_pages.case_page", incident_id=c.id)}
            for d, c in candidates
        ],
    }  # fmt: skip


def _moderator() -> None:
    if current_user.role not in public_reports.MODERATORS:
        zh, en = zh_en("cases.mod.forbidden")
        raise Forbidden(zh, en=en)
