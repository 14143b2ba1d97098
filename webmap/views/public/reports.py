"""随手拍, the public's side: anyone may send a report (rate-limited per address, CSRF-checked
like any form); it waits for moderation (webmap/views/cases/moderation.py) and becomes public only once
approved. The reporter follows it at /reports/<token>, which never shows what they sent, only
what became of it: the case's public steps and, once it is closed, the question whether it was
really fixed (geodata/cases/feedback.py), answered by a plain form posted back to the same URL."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify, make_response, redirect, render_template, request, url_for

from geodata import clock
from geodata.cases import feedback, public_reports
from geodata.cases.categories import offered
from geodata.cases.steps import public_steps
from geodata.errors import NotFound, PortalError
from geodata.labels import STATE_ZH, STATUS_ZH
from geodata.model import PublicReport
from webmap import get_store, settings
from webmap.audit import audit
from webmap.i18n import lang_url, message_of, t
from webmap.views.caching import cacheable, public_cache
from webmap.views.cases.api import media_dir, report_from_request
from webmap.views.cases.pages import map_config
from webmap.views.cases.present import Names
from webmap.views.common import default_county
from webmap.views.open311.format import is_open
from webmap.views.requests import json_body

bp = Blueprint("public_reports", __name__)


@bp.post("/api/public/reports")
def submit():
    store = get_store()
    county = default_county(store)
    report, upload = report_from_request(public_reports.SOURCE)
    email, consent = _email_choice()
    s = settings()
    r = public_reports.submit(
        store, county, report, upload,
        public_reports.client_key(request.remote_addr or "", s.secret_key), media_dir(),
        public_reports.Limit(s.public_report_limit, timedelta(hours=s.public_report_window_h)),
        email=email, consent=consent,
    )  # fmt: skip
    url = url_for("public_reports.track", token=r.token)
    body = {
        **tracking_json(store, county, r),
        "url": url,
        "lon": round(r.lon, 7),
        "lat": round(r.lat, 7),
        "message": f"已收到您的随手拍，查询码 {r.token}。工作人员审核通过后将立案派发并公开；可凭此链接查看进度。",
    }
    return jsonify(body), 201, {"Location": url}


@bp.get("/api/public/reports/<token>")
@public_cache(max_age=30)
def tracking(token: str):
    store = get_store()
    return jsonify(tracking_json(store, default_county(store), _report(store, token)))


@bp.get("/reports/new")
def new_report():
    """The 随手拍 form. Not cached: it carries this visitor's CSRF token."""
    store = get_store()
    county = default_county(store)
    # The public map's own layers as context (the staff layers need a login).
    layers = {"zones": url_for("public.communities"), "roads": url_for("public.roads")}
    config = {
        **map_config(county),
        "layers": layers,
        "publicRoads": True,
        "attribution": t("map.attribution"),
    }
    categories = [c for c in offered(store.list_categories()) if c.public]
    page = render_template("public/report.html", county=county, categories=categories, map_config=config)
    return page, 200, {"Cache-Control": "private, no-store"}


@bp.get("/reports/<token>")
def track(token: str):
    """What became of a report, for whoever holds its link. The same for everyone (kept by caches)
    unless it asks whether the closed case was fixed: that form carries this visitor's CSRF token."""
    store = get_store()
    county = default_county(store)
    r = _by_token(store, token)
    if r is None:
        page = render_template("public/track.html", county=county, report=None, token=token)
        return page, 404
    report = tracking_json(store, county, r)
    page = render_template(
        "public/track.html", county=county, report=report, email_to=masked(r.notify_email),
        stopped=request.args.get("email") == "stopped",
    )  # fmt: skip
    response = make_response(page)
    if _asks(report) or r.notify_email:  # a form with this visitor's CSRF token, an address
        response.headers["Cache-Control"] = "private, no-store"
        return response
    cacheable(response, max_age=30)
    return response.make_conditional(request)


@bp.post("/reports/<token>")
def answer(token: str):
    """The reporter's answer, 已解决 or 未解决, from the tracking page's form; back to the page
    (303) once kept, or the page again with the refusal (4xx) and nothing changed."""
    store = get_store()
    county = default_county(store)
    r = _report(store, token)
    given = request.form.get("answer", "")[:20]
    try:
        kept = feedback.answer(store, county, r, given)
    except PortalError as exc:
        if exc.status >= 500:  # a busy database is a 503 with Retry-After (webmap/views/errors.py)
            raise
        audit(request.endpoint, f"public_report:{r.id}", "refused", code=exc.code, incident_id=r.incident_id)
        page = render_template(
            "public/track.html", county=county, report=tracking_json(store, county, r), error=message_of(exc)
        )
        return page, exc.status, {"Cache-Control": "private, no-store"}
    audit(request.endpoint, f"public_report:{r.id}", incident_id=kept.incident_id, answer=kept.answer)
    return redirect(lang_url("public_reports.track", token=r.token, _anchor="feedback"), 303)


@bp.post("/reports/<token>/email")
def stop_email(token: str):
    """Stop the e-mails to the reporter: the address is forgotten at once (the audit log keeps only
    that it was); back to the tracking page, which says so. A second press changes nothing."""
    store = get_store()
    county = default_county(store)
    r = _report(store, token)
    stopped = store.stop_report_email(county.id, r.id)
    audit(request.endpoint, f"public_report:{r.id}", incident_id=r.incident_id, stopped=stopped)
    return redirect(lang_url("public_reports.track", token=r.token, email="stopped", _anchor="email"), 303)


def _email_choice() -> tuple[str, bool]:
    """The reporter's e-mail address and their consent, from the form or the JSON body."""
    given = json_body() if request.mimetype == "application/json" else request.form
    email = given.get("notify_email") or ""
    consent = given.get("email_updates") in (True, 1, "1", "on", "true", "yes")
    return (email if isinstance(email, str) else str(email))[:300], consent


def masked(email: str) -> str:
    """An address as the tracking page shows it: enough to recognise, not to copy (k***@example.cn)."""
    if not email:
        return ""
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


def _asks(report: dict) -> bool:
    return bool(report["feedback"] and report["feedback"]["open"])


def _by_token(store, token: str) -> PublicReport | None:
    """The report of a code as sent, or as typed by hand (k7qd 3mxa w9pt)."""
    return store.public_report_by_token(token) or store.public_report_by_token(
        public_reports.typed_token(token)
    )


def _report(store, token: str) -> PublicReport:
    r = _by_token(store, token)
    if r is None:
        raise NotFound(
            f"没有查询码为 {token!r} 的随手拍，请检查链接",
            en=f"There is no resident report with the tracking code {token!r}: please check the link",
        )
    return r


def tracking_json(store, county, r: PublicReport) -> dict:
    """What became of a report, as anyone holding its token may see: never its text, photo or
    contact; once it is a case, that case's public state."""
    names = Names(store, county)
    category = names.categories.get(r.category)
    case = store.get_incident(county.id, r.incident_id) if r.incident_id else None
    return {
        "token": r.token, "state": r.state, "state_zh": STATE_ZH[r.state],
        "category": r.category, "category_zh": category.name_zh if category else r.category,
        "category_en": category.name_en if category else r.category,
        "submitted_at": r.submitted_at.isoformat(), "public_reason": r.public_reason,
        "case": case and {
            "id": case.id, "status": "open" if is_open(case) else "closed", "status_code": case.status,
            "status_zh": STATUS_ZH[case.status], "unit": names.unit(case.unit_id),
            "deadline_at": case.deadline_at and case.deadline_at.isoformat(),
            "updated_at": (case.updated_at or case.reported_at).isoformat(),
        },
        "steps": [
            {"at": s.at.isoformat(), "status": s.status, "status_zh": STATUS_ZH[s.status],
             "note_zh": s.note_zh, "note_en": s.note_en}
            for s in public_steps(store.incident_events(county.id, case.id))
        ] if case else [],
        "feedback": _feedback_json(store, county, r),
    }  # fmt: skip


def _feedback_json(store, county, r: PublicReport) -> dict | None:
    """Whether the closed case may be answered now, until when, and the answer once given."""
    ask = feedback.asking(store, county, r, clock.now())
    if ask is None:
        return None
    given = ask.feedback
    return {
        "open": ask.open, "closed_at": ask.closed_at.isoformat(), "answer_by": ask.answer_by.isoformat(),
        "answer": given and given.answer, "answered_at": given and given.at.isoformat(),
    }  # fmt: skip
