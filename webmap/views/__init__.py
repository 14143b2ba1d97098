"""The portal's pages and APIs, one blueprint per page group (``register_views`` wires them)."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from layers import search
from webmap import get_store, i18n
from webmap.audit import init_audit
from webmap.views import (
    account,
    admin,
    api,
    assets,
    assignments,
    auth,
    case_pages,
    cases,
    coverage,
    edit,
    edit_api,
    history,
    inspect_pages,
    inspections,
    moderation,
    offline,
    open311,
    params,
    portal,
    public,
    public_reports,
    requests,
    scores,
    segment_edits,
    tiers,
    tiles,
    zone_edit_api,
)
from webmap.views.errors import register_error_handlers

csrf = CSRFProtect()


def register_views(app: Flask) -> None:
    """Login, CSRF on every form, the blueprints and the error handler."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a form left open all day still posts
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.before_request(requests.refuse_key_in_query)  # before CSRF: the key leaked either way
    csrf.init_app(app)
    auth.init_login(app)
    i18n.init_app(app)
    params.init_app(app)  # before the blueprints: their <int:...> parts are bounded
    for blueprint in (
        auth.bp, portal.bp, api.bp, assets.bp, assignments.bp, edit.bp, edit_api.bp, history.bp, coverage.bp, cases.bp, cases.public,
        case_pages.bp, open311.bp, scores.bp, scores.pages, inspections.bp, inspect_pages.bp, tiers.bp,
        public.bp, public_reports.bp, moderation.bp, tiles.bp, segment_edits.bp, zone_edit_api.bp,
    ):  # fmt: skip
        app.register_blueprint(blueprint)
    app.register_blueprint(account.bp)  # 修改密码 (issue #16)
    app.register_blueprint(admin.bp)  # /admin/audit: the audit log, admins only
    app.register_blueprint(offline.bp)  # the field pages' manifest and service worker (issue #17 part 7)
    init_audit(app)  # every write request recorded (webmap/audit.py)
    # These accept an API key instead of a session; with a session they check CSRF themselves.
    for view in (
        cases.create_incident,
        cases.act,
        moderation.moderate,
        open311.create_request,
        open311.unknown,
    ):
        csrf.exempt(view)
    register_error_handlers(app)
    assets.check_vendor_installed(app)
    # Examples in search boxes and hints are names the county has (layers/search.py).
    app.jinja_env.globals["place_examples"] = lambda county: search.examples(get_store(), county)
