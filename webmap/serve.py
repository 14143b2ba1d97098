"""``python app.py``: bring the database up to date, seed the demo county on first start, start the
notification worker in a thread, serve."""

from __future__ import annotations

import argparse
import sys

from flask import Flask

from geodata.errors import PortalError
from webmap import get_store
from webmap.views.assets import check_vendor_installed


def main(app: Flask, argv: list[str] | None = None) -> None:
    """Migrate, seed the demo when the database has no county (and the setting allows), print how
    to sign in, then serve on PORTAL_HOST:PORTAL_PORT (127.0.0.1:5000), or --host and --port."""
    settings = app.extensions["portal_settings"]
    parser = argparse.ArgumentParser(prog="python app.py", description="Serve the portal.")
    parser.add_argument(
        "--host", default=settings.host, help=f"address to listen on (default {settings.host})"
    )
    parser.add_argument("--port", type=_port, default=settings.port, help=f"port (default {settings.port})")
    args = parser.parse_args(argv)
    try:
        result = prepare(app)
    except PortalError as exc:
        sys.exit(f"门户无法启动：{exc.message}\nThe portal cannot start: {exc.en or exc.message}")
    if check_vendor_installed(app):
        print("Front-end packages are missing: run `npm ci` in the project folder first.")
    if result is not None:
        for line in result.lines():
            print(line)
        print("Demo users (演示账号) — passwords are shown only now:")
        for user in result.users:
            print(f"  {user.username:<10} {user.role:<11} {user.password}")
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"Public map (公众地图): http://{shown}:{args.port}/")
    print(f"Portal (门户): http://{shown}:{args.port}/portal")
    if settings.notify_worker:
        start_notify_worker(app)
    app.run(host=args.host, port=args.port)


def start_notify_worker(app: Flask):
    """The delivery worker in a daemon thread beside the demo server (PORTAL_NOTIFY_WORKER=0: none;
    production runs ``flask --app app notify-worker`` instead). Not under the reloader's watcher
    process, which serves nothing."""
    import os

    from geodata.notify.worker import start_thread
    from webmap import case_sweep, notify_policy

    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None
    print("Delivering notifications in the background (通知发送)")
    return start_thread(
        app.extensions["portal_db"],
        app.extensions["portal_channels"],
        notify_policy(app.extensions["portal_settings"]),
        case_sweep(app.extensions["portal_settings"]),
    )


def _port(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise argparse.ArgumentTypeError(f"a port number from 1 to 65535, not {raw!r}")
    return int(raw)


def prepare(app: Flask):
    """Apply missing migrations; seed the demo into an empty database when the setting allows.
    Returns the demo's result (with the users' passwords) when it was seeded now, else None."""
    settings = app.extensions["portal_settings"]
    with app.app_context():
        store = get_store()
        applied = store.migrate()
        if applied:
            print(f"Database upgraded: {', '.join(applied)}")
        if store.pending_reroutes():  # a change committed, then the process stopped
            from geodata.assignments.postings import settle_pending

            print("Routing again the incidents of a change left unfinished …")
            print(f"  {settle_pending(store, settings.route_max_m)} incidents re-attributed")
        if store.list_counties() or not settings.seed_demo_on_start:
            from demo.county import demo_ends

            ends = demo_ends(store)
            if ends is not None:
                print(f"The demo was made for {ends}, so its newest cases, scores and tiers are behind "
                      "today (演示数据已过期). To remake it for today, keeping the old database beside it:\n"
                      "  flask --app app seed-demo --refresh")  # fmt: skip
            return None
        from demo.county import seed_demo
        from webmap.demo_face import seed_public_face
        from webmap.views.cases.api import media_dir

        print(f"Seeding the demo county (seed {settings.demo_seed}); this runs once …")
        result = seed_demo(store, seed=settings.demo_seed, progress=True, max_m=settings.route_max_m)
        print("  tiers, titles and residents' reports for the public map")
        seed_public_face(store, result.county, media_dir())
        return result
