"""The portal's pages and APIs by page group, one package each (public, portal, editing, cases,
inspections, scores, open311, ogcapi, account, admin, inbox), and what they share here (params, requests, errors,
caching, assets, common). ``register_views`` wires their blueprints."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from layers import search
from webmap import county_settings, get_store, i18n
from webmap.audit import init_audit
from webmap.views import assets, params, requests
from webmap.views.account import auth
from webmap.views.account import password as account
from webmap.views.admin import audit as admin
from webmap.views.admin import categories as admin_categories
from webmap.views.admin import checklists as admin_checklists
from webmap.views.admin import county as admin_county
from webmap.views.admin import data as admin_data
from webmap.views.admin import deliveries
from webmap.views.admin import export as admin_export
from webmap.views.admin import holidays as admin_holidays
from webmap.views.admin import home as admin_home
from webmap.views.admin import jobs as admin_jobs
from webmap.views.admin import keys as admin_keys
from webmap.views.admin import scoring as admin_scoring
from webmap.views.admin import unit_changes as admin_unit_changes
from webmap.views.admin import units as admin_units
from webmap.views.admin import users as admin_users
from webmap.views.cases import api as cases
from webmap.views.cases import handling, moderation, offline
from webmap.views.cases import pages as case_pages
from webmap.views.editing import assignments_api as assignments
from webmap.views.editing import coverage, history
from webmap.views.editing import page as edit
from webmap.views.editing import reassign_api as edit_api
from webmap.views.editing import segments_api as segment_edits
from webmap.views.editing import zones_api as zone_edit_api
from webmap.views.errors import register_error_handlers
from webmap.views.inbox import api as inbox_api
from webmap.views.inbox import pages as inbox
from webmap.views.inspections import api as inspections
from webmap.views.inspections import pages as inspect_pages
from webmap.views.ogcapi import pages as ogcapi
from webmap.views.open311 import requests as open311
from webmap.views.open311 import updates as open311_updates  # noqa: F401  (its routes on open311.bp)
from webmap.views.portal import api, tiles
from webmap.views.portal import page as portal
from webmap.views.public import pages as public
from webmap.views.public import reports as public_reports
from webmap.views.scores import ranking as scores
from webmap.views.scores import report as score_report
from webmap.views.scores import tiers

csrf = CSRFProtect()


def register_views(app: Flask) -> None:
    """Login, CSRF on every form, the blueprints and the error handler."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a form left open all day still posts
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.before_request(requests.refuse_key_in_query)  # before CSRF: the key leaked either way
    app.before_request(admin_data.allow_large_upload)  # before CSRF reads the form: a data file's limit
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
    app.register_blueprint(inbox.bp)  # /inbox and its API (issue #19 part 1)
    app.register_blueprint(inbox_api.bp)
    app.register_blueprint(deliveries.bp)  # /admin/deliveries: what the outbox gave up on
    app.register_blueprint(score_report.bp)  # /scores/report.<html|pdf>: the monthly report (issue #20)
    app.register_blueprint(admin_home.bp)  # /admin: the administration's sections (issue #20)
    app.jinja_env.globals["admin_sections"] = admin_home.admin_sections
    app.register_blueprint(admin_users.bp)  # /admin/users: accounts in the browser (issue #20 part 1)
    app.register_blueprint(admin_keys.bp)  # /admin/keys: API keys, last used, revoked
    app.register_blueprint(admin_units.bp)  # /admin/units: units kept in the browser (issue #20 part 2)
    app.register_blueprint(admin_unit_changes.bp)  # retiring a unit, merging it into another
    app.register_blueprint(admin_scoring.bp)  # /admin/scoring: score settings from a month on
    app.register_blueprint(admin_checklists.bp)  # /admin/checklists: checklists from a month on
    for blueprint in (admin_categories.bp, admin_holidays.bp, admin_county.bp):  # issue #20 parts 3 and 5
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(  # the county's own texts on the public pages (/admin/county)
        public_title=county_settings.public_title, public_intro=county_settings.public_intro,
        public_hotline=county_settings.public_hotline, dialled=county_settings.dialled,
    )  # fmt: skip
    app.register_blueprint(admin_data.bp)  # /admin/data: upload, preview, import (issue #20 part 6)
    app.register_blueprint(admin_jobs.bp)  # /admin/jobs: imports, make-grid and coverage in the background
    app.register_blueprint(admin_export.bp)  # /admin/export: the county as one GeoPackage (issue #21 part 5)
    app.register_blueprint(handling.bp)  # 延期, 挂账, 督办 (issue #19 part 2)
    app.register_blueprint(handling.pages)  # /supervision: the leaders' 督办 page
    app.register_blueprint(ogcapi.bp)  # /ogcapi: OGC API – Features for QGIS and OWSLib (issue #21 part 1)
    app.jinja_env.globals["inbox_unread"] = inbox.unread_for_bar  # the top bar's red number
    init_audit(app)  # every write request recorded (webmap/audit.py)
    # These accept an API key instead of a session; with a session they check CSRF themselves.
    for view in (
        cases.create_incident,
        cases.act,
        moderation.moderate,
        open311.create_request,
        open311.unknown,
        inbox_api.mark_read,
    ):
        csrf.exempt(view)
    register_error_handlers(app)
    assets.check_vendor_installed(app)
    # Examples in search boxes and hints are names the county has (layers/search.py).
    app.jinja_env.globals["place_examples"] = lambda county: search.examples(get_store(), county)
