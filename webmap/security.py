"""The browser-side guards on every response: a strict Content-Security-Policy with a nonce per
request for the few inline scripts (folium's map), and the other security headers.

The CSP is the net under the escaping (DESIGN.md §11, STYLE.md 12b): should a name from a file or a
form ever reach the page as markup, its script is refused and the browser says so, instead of running
in the staff's origin where it could read the CSRF token.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g

from webmap.basemap import TileSource

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # CSRF checks over HTTPS need the Referer on our own requests
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000"
# Anything not a page (JSON, tiles, photos, scripts): nothing in it may run or load if opened.
NOT_A_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
# The field pages' service worker (/sw.js) runs under its own script's policy: it may fetch from
# the portal and from nowhere else, and load no other script.
WORKER_CSP = "default-src 'self'; script-src 'none'; frame-ancestors 'none'"
SCRIPT_TAG = re.compile(r"<script(?=[\s>])")


def init_security(app: Flask) -> None:
    """Secure cookies under PORTAL_HTTPS, the ``csp_nonce()`` template global and the headers."""
    settings = app.extensions["portal_settings"]
    if settings.https:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    # Images from every basemap a county may choose (/admin/county): the servers of one setting.
    policy = page_policy([s for sources in app.extensions["portal_basemaps"].values() for s in sources])
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if settings.https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = policy.replace("{nonce}", csp_nonce())
        else:
            response.headers.setdefault("Content-Security-Policy", NOT_A_PAGE_CSP)
        return response


def csp_nonce() -> str:
    """This request's nonce: every inline <script> the portal writes carries it."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def with_nonce(html: str) -> str:
    """``html`` (trusted markup the server generated, e.g. folium's <head> part) with this
    request's nonce on each of its <script> tags."""
    return SCRIPT_TAG.sub(f'<script nonce="{csp_nonce()}"', html)


def page_policy(basemap: list[TileSource]) -> str:
    """The CSP of an HTML page, ``{nonce}`` to fill per request. Images may also come from the
    configured basemap's tile servers."""
    img = " ".join(["'self'", "data:", "blob:", *sorted({tile_host(s.url) for s in basemap})])
    return "; ".join(
        [
            "default-src 'self'",
            # No 'unsafe-eval': Leaflet, VectorGrid, leaflet.heat and ECharts never evaluate strings;
            # Leaflet-Geoman's bundled lodash has a Function("return this") only as a fallback for
            # when neither ``self`` nor ``global`` exists, never in a browser.
            "script-src 'self' 'nonce-{nonce}'",
            # Leaflet positions every tile, marker and pane with inline styles, and the legend's
            # swatches carry their colour in a style attribute: styles cannot run script.
            "style-src 'self' 'unsafe-inline'",
            f"img-src {img}",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def tile_host(url: str) -> str:
    """The CSP source of a tile URL template: ``https://t{s}.tianditu.gov.cn/...`` →
    ``https://*.tianditu.gov.cn`` (a placeholder in a host label makes it and those before it a
    wildcard)."""
    parts = urlsplit(url.replace("{", "%7B").replace("}", "%7D"))
    labels = parts.netloc.split(".")
    templated = [i for i, label in enumerate(labels) if "%7B" in label]
    if templated:
        labels = ["*", *labels[templated[-1] + 1 :]]
    return f"{parts.scheme}://{'.'.join(labels)}"
