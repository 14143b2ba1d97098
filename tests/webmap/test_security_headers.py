"""The browser-side guards on every answer (webmap/security.py): each HTML page a leader or the
public opens carries the strict CSP with a nonce of its own on its inline scripts, and the other
security headers; JSON, tiles and photos carry nosniff and a CSP that lets nothing run; under
PORTAL_HTTPS the session cookie is Secure, also behind a trusted proxy that says X-Forwarded-Proto."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.support.tiles import tile_at
from tests.support.web import COUNTY_CODE, county_app, csrf_token
from webmap import get_store
from webmap.basemap import basemap_sources
from webmap.security import page_policy, tile_host

FUHUA = {"category": "parking", "lat": 22.5051, "long": 114.004, "description": "人行道停车"}
OTHER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
DIRECTIVES = [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
]


def _token(client, path: str = "/report") -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text).group(1)


def _jpeg() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 40, 40)).save(data, "JPEG")
    data.seek(0)
    return data


@pytest.fixture
def planted(app, leader) -> dict:
    """A case with a photo, a change set and a 随手拍 report: every kind of page has something."""
    token = _token(leader)
    case = leader.post(
        "/api/v1/incidents", data={**FUHUA, "photo": (_jpeg(), "p.jpg")}, headers={"X-CSRFToken": token}
    )
    assert case.status_code == 201, case.text
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        segment = store.list_segments(county.id)[0]
    posted = leader.post(
        "/api/v1/postings",
        json={"unit": "U02", "valid_from": "2026-06-01", "reason": "道路移交",
              "targets": [{"kind": "segment", "id": segment.id}]},
        headers={"X-CSRFToken": token},
    )  # fmt: skip
    assert posted.status_code == 201, posted.text
    anyone = app.test_client()
    report = anyone.post(
        "/api/public/reports", data=FUHUA, headers={"X-CSRFToken": csrf_token(anyone.get("/login").text)}
    )
    assert report.status_code == 201, report.text
    html = leader.get(f"/cases/{case.get_json()['id']}").text
    media = re.findall(r'"(/api/v1/media/[^"]+)"', html)
    return {
        "case": case.get_json()["id"], "change_set": posted.get_json()["change_set"]["id"],
        "segment": segment.id, "report": report.get_json()["token"], "media": sorted(set(media)),
    }  # fmt: skip


def _leader_pages(p: dict) -> list[str]:
    return [
        "/portal", "/portal/edit", "/portal/coverage", "/portal/change-sets",
        f"/portal/change-sets/{p['change_set']}", f"/portal/targets/segment/{p['segment']}",
        "/cases", f"/cases/{p['case']}", "/report", "/moderation", "/inspect", "/scores", "/scores/tiers",
        "/cases/999999",  # the Chinese 404 page is a page too
    ]  # fmt: skip


def _public_pages(p: dict) -> list[str]:
    return ["/", "/c/001", "/reports/new", f"/reports/{p['report']}", "/login", "/no-such-page"]


def _check_page(response) -> str:
    """The page's CSP nonce, after checking its headers and that every inline script carries it."""
    assert response.mimetype == "text/html", response.request.path
    for name, value in OTHER_HEADERS.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    csp = response.headers["Content-Security-Policy"]
    for directive in DIRECTIVES:
        assert directive in csp.split("; "), (response.request.path, directive)
    assert "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    nonce = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'", csp).group(1)
    for tag in re.findall(r"<script\b[^>]*>", response.text):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, (response.request.path, tag)
    assert not re.search(r"\son[a-z]+\s*=", response.text), (
        f"an inline event handler on {response.request.path}"
    )
    assert "Strict-Transport-Security" not in response.headers  # PORTAL_HTTPS is off
    return nonce


def test_every_page_has_the_csp_with_a_fresh_nonce_and_the_headers(app, leader, planted):
    anyone = app.test_client()
    for client, paths in ((leader, _leader_pages(planted)), (anyone, _public_pages(planted))):
        for path in paths:
            first, second = client.get(path), client.get(path)
            assert first.status_code in (200, 404), (path, first.status_code)
            assert _check_page(first) != _check_page(second), f"{path}: the nonce repeats"


def test_the_maps_inline_scripts_carry_the_nonce(leader, planted):
    for path in ("/portal", "/portal/edit", f"/portal/change-sets/{planted['change_set']}"):
        page = leader.get(path)
        nonce = _check_page(page)
        inline = re.findall(rf'<script nonce="{nonce}">', page.text)
        assert inline, f"{path} has no inline script with the nonce"


def test_json_tiles_and_photos_are_not_sniffed_and_run_nothing(leader, planted):
    t = tile_at(114.005, 22.505, 15)
    answers = [
        leader.get("/api/v1/layers/zones?bbox=114.0,22.5,114.02,22.52"),
        leader.get(f"/tiles/roads/{t.z}/{t.x}/{t.y}.mvt"),
        leader.get("/api/v1/no-such-thing"),
    ]
    assert answers[0].mimetype == "application/json" and answers[1].status_code == 200
    photos = [leader.get(url) for url in planted["media"]]
    assert len(photos) == 2  # the original (staff only) and the copy without EXIF
    for answer in answers + photos:
        assert answer.headers["X-Content-Type-Options"] == "nosniff", answer.request.path
        csp = answer.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "sandbox" in csp, answer.request.path
    assert all(p.status_code == 200 and p.mimetype == "image/jpeg" for p in photos)


def _https_app(tmp_path, **settings):
    return county_app(tmp_path, **settings)


def _session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_behind_a_trusted_proxy_https_makes_the_cookie_secure_and_sends_hsts(tmp_path):
    app = _https_app(tmp_path, https=True, trusted_proxies=1)
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    page = app.test_client().get("/login", headers=proxied)
    assert "; Secure" in _session_cookie(page)
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert app.test_client().get("/api/v1/no-such-thing").headers["Strict-Transport-Security"]


def test_without_https_the_cookie_is_not_secure(app, client):
    page = client.get("/login")
    assert "Secure" not in _session_cookie(page) and "Strict-Transport-Security" not in page.headers


@pytest.mark.parametrize(
    "setting, hosts",
    [("none", []),
     ("https://tiles.example.cn/{z}/{x}/{y}.png", ["https://tiles.example.cn"]),
     ("http://10.0.0.5:8080/osm/{z}/{x}/{y}.png", ["http://10.0.0.5:8080"]),
     ("tianditu:abc123", ["https://*.tianditu.gov.cn"]),
     ("amap", ["https://*.is.autonavi.com"]),
     ("gcj02:https://{s}.tiles.example.cn/{z}/{x}/{y}.png", ["https://*.tiles.example.cn"])],
)  # fmt: skip
def test_the_basemaps_tile_host_may_serve_images(setting, hosts):
    sources = basemap_sources(setting)
    assert sorted({tile_host(s.url) for s in sources}) == hosts
    img = next(d for d in page_policy(sources).split("; ") if d.startswith("img-src"))
    assert img.split()[1:] == ["'self'", "data:", "blob:", *hosts]


def test_a_basemap_page_lets_its_tiles_load(tmp_path):
    app = _https_app(tmp_path, basemap="tianditu:abc123")
    csp = app.test_client().get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://*.tianditu.gov.cn;" in csp


def test_no_name_can_close_the_maps_script(app):
    import folium
    from shapely.geometry import box as shape

    from webmap.mapbuild import TextTooltip, map_parts

    evil = "</script><script>window.__xss=1</script>`${window.__xss=1}"
    m = folium.Map(tiles=None)
    folium.GeoJson(shape(0, 0, 1, 1).__geo_interface__).add_child(TextTooltip(evil)).add_to(m)
    with app.test_request_context("/portal"):
        parts = map_parts(m)
        nonce = app.jinja_env.globals["csp_nonce"]()
    script = str(parts["script"])  # a Markup's "in" escapes its operand
    assert "</script" not in script.lower()
    # The text is a JSON string (where a backquote is only a character), not a template literal.
    assert 'bindTooltip("\\u0026lt;/script\\u0026gt;' in script and "bindTooltip(`" not in script
    assert all(f'nonce="{nonce}"' in tag for tag in re.findall(r"<script\b[^>]*>", parts["head"]))
