"""Offline field mode (issue #17 part 7): the web app manifest, the service worker, and the two
answers the worker and the field pages' outbox need.

The worker (static/portal/offline/sw.js) is served from ``/sw.js`` so that its scope, ``/``,
covers the field pages (外勤首页, 上报问题, 考核评分). It keeps only what ``/api/v1/offline/kit``
lists for the signed-in user: those pages, their scripts, styles and Leaflet, the checklists, and
the county's roads and communities in pieces (layers/offline.py). Pages and data come from the
network first and from the worker's cache when there is none. What an inspector files without a
network waits in the page's IndexedDB outbox (static/portal/offline/records.js) and is sent with a
fresh CSRF token from ``/api/v1/offline/session``. Nothing here writes: the outbox sends through
the cases and inspections APIs, which audit as always.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, send_from_directory, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from geodata.labels import PANEL_ZH
from layers import offline as offline_layers
from webmap.security import WORKER_CSP
from webmap.views.cases.pages import CONTEXT_LAYERS
from webmap.views.common import store_and_county

bp = Blueprint("offline", __name__)

# What the field pages load besides their HTML: their tags, and every module those import (a test
# follows the imports: a module missing here would leave an offline page without its script).
FIELD_STATIC = (
    "portal/site.css", "portal/cases.css", "portal/inspect.css", "portal/favicon.svg",
    "portal/pages/report.js", "portal/pages/inspect.js", "portal/ui/menu.js", "portal/ui/casemap.js",
    "portal/ui/bbox.js", "portal/ui/forms.js", "portal/ui/html.js", "portal/ui/hooks.js",
    "portal/offline/records.js", "portal/offline/outbox.js", "portal/offline/register.js",
)  # fmt: skip
LEAFLET_FILES = (
    "dist/leaflet.css", "dist/leaflet.js", "dist/images/marker-icon.png", "dist/images/marker-icon-2x.png",
    "dist/images/marker-shadow.png",
)  # fmt: skip
REFRESH_H = 12  # kept pages and data older than this are fetched again when a field page opens online
THEME_COLOUR = "#b3261e"  # the favicon's red


@bp.get("/sw.js")
def service_worker():
    """The worker script, never cached by HTTP (a new version reaches phones on their next visit),
    under its own CSP (webmap/security.py)."""
    folder = Path(current_app.static_folder) / "portal" / "offline"
    response = send_from_directory(folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = WORKER_CSP
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: 外勤 on a phone's home screen, opening on the field home. Public,
    as browsers fetch manifests without cookies; it holds nothing of anyone's."""
    body = {
        "name": "分兵把口 · 外勤",
        "short_name": "分兵把口",
        "description": "街面问题上报与考核评分；断网时先存在手机上，联网后自动上传",
        "lang": "zh-CN",
        "start_url": url_for("case_pages.field_home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


def static(name: str) -> str:
    """The URL of a file in static/portal/ (the icons, drawn by scripts/pwa_icons.py)."""
    return url_for("static", filename=f"portal/{name}")


@bp.get("/api/v1/offline/kit")
@login_required
def kit():
    """What the worker keeps for this user: the field pages they may open, what those pages load,
    and the county's roads and communities in pieces at the field zoom (layers/offline.py)."""
    store, county = store_and_county()
    pages = [url_for("case_pages.field_home"), url_for("case_pages.report")]
    if current_user.panel in PANEL_ZH:
        pages.append(url_for("inspect_pages.inspect"))
    urls = [url_for("static", filename=name) for name in FIELD_STATIC]
    urls += [url_for("assets.vendor", package="leaflet", filename=name) for name in LEAFLET_FILES]
    urls += [url_for("offline.manifest"), url_for("inspections.checklists")]
    extent = county.boundary or county.extent
    boxes = offline_layers.pieces(extent.bounds) if extent is not None else []
    zoom = offline_layers.FIELD_ZOOM
    layers = {
        url_for("api.layer", name=name): [
            {"url": url_for("api.layer", name=name, bbox=",".join(map(str, box)), zoom=zoom), "bbox": box}
            for box in boxes
        ]
        for name in CONTEXT_LAYERS
    }
    response = jsonify(pages=pages, urls=urls, layers=layers, refresh_h=REFRESH_H)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v1/offline/session")
@login_required
def session_token():
    """Who is signed in, and a CSRF token for their session: the outbox asks just before sending,
    since the token in a page kept offline may belong to a session that has since ended."""
    response = jsonify(user=current_user.username, csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response
