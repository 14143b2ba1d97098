"""The HTTP face of the portal: ``create_app()`` wires settings, storage, blueprints and commands."""

from __future__ import annotations

from flask import Flask, g

from geodata import clock
from geodata.stores.store import Database, Store, open_database
from layers.tile_cache import TileCache
from webmap.recent import Recent
from webmap.security import init_security
from webmap.settings import Settings, load_settings


def create_app(config: dict | None = None) -> Flask:
    """Build the portal. ``config`` overrides settings (tests pass ``database_url`` etc.)."""
    settings = load_settings(config)
    clock.pin(settings.today)  # a wrong day stops the start, naming it
    app = Flask(__name__, instance_path=settings.instance_path)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=int(settings.max_upload_mb * 1024 * 1024),
    )
    app.json.ensure_ascii = False  # Chinese names as text: readable, and a third the bytes
    app.extensions["portal_settings"] = settings
    app.extensions["portal_db"] = open_database(settings.database_url)
    app.extensions["portal_recent"] = Recent()
    app.extensions["portal_tile_cache"] = (
        TileCache(settings.tile_cache_mb << 20) if settings.tile_cache_mb > 0 else None
    )
    from webmap.basemap import basemap_choices

    # What /admin/county offers, the deployment's own first; a wrong PORTAL_BASEMAP stops the start.
    app.extensions["portal_basemaps"] = basemap_choices(settings.basemap)
    app.extensions["portal_channels"] = notify_channels(settings)  # a wrong PORTAL_SMTP_URL stops the start
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind nginx the peer is the proxy: the sender's address (the 随手拍 rate limit) and
        # scheme come from the headers the trusted proxies set, and from no one else's.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    app.teardown_appcontext(_close_store)

    from webmap.cli import register_cli

    register_cli(app)
    from webmap.views import register_views

    register_views(app)  # blueprints, login, CSRF and error handlers (webmap/views/)
    init_security(app)  # CSP and the security headers on every response
    return app


def settings() -> Settings:
    from flask import current_app

    return current_app.extensions["portal_settings"]


def case_rules():
    """The filing rules (routing distance, boundary review, duplicates) from the settings."""
    from datetime import timedelta

    from geodata.cases.workflow import Rules

    s = settings()
    return Rules(
        s.route_max_m, s.boundary_review_m, s.duplicate_radius_m, timedelta(hours=s.duplicate_window_h)
    )


def handling_rules(s: Settings | None = None):
    """The rules of 延期 and 督办 (geodata/cases/handling.py) from the settings."""
    from datetime import timedelta

    from geodata.cases.handling import HandlingRules

    s = s or settings()
    return HandlingRules(
        s.cases_max_extensions, timedelta(days=s.cases_max_extension_days),
        timedelta(hours=s.cases_supervise_after_h), timedelta(hours=s.cases_escalate_after_h), s.digest_hour,
    )  # fmt: skip


def case_sweep(s: Settings):
    """What the delivery worker runs once a minute beside delivering: the 督办 due, the cases
    coming off the record and the reminders, in every county (geodata/cases/handling.py ``sweep``)."""
    from geodata.cases.handling import sweep

    rules = handling_rules(s)
    return lambda store: [sweep(store, county, rules) for county in store.list_counties()]


def notify_channels(s: Settings):
    """The channels the delivery worker sends on, PORTAL_SMTP_URL parsed once (ConfigError naming
    it when it does not parse)."""
    from geodata.notify.channels import Channels, parse_smtp_url

    return Channels(
        parse_smtp_url(s.smtp_url) if s.smtp_url.strip() else None, public_url=s.public_url.strip()
    )


def notify_policy(s: Settings, **changes):
    """How the outbox retries and leases, from the settings (``changes``: a command's options)."""
    from dataclasses import replace
    from datetime import timedelta

    from geodata.notify.outbox import Policy

    policy = Policy(
        max_tries=s.notify_max_tries, first_retry=timedelta(seconds=s.notify_retry_s),
        lease=timedelta(seconds=s.notify_lease_s),
    )  # fmt: skip
    return replace(policy, **changes)


def recent() -> Recent:
    """Rarely changing answers kept a few seconds in this process (webmap/recent.py)."""
    from flask import current_app

    return current_app.extensions["portal_recent"]


def database() -> Database:
    from flask import current_app

    return current_app.extensions["portal_db"]


def get_store() -> Store:
    """The store of this request or command, closed when the app context ends."""
    if "store" not in g:
        g.store = database().store()
    return g.store


def _close_store(exc=None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()
