"""Offline field mode's answers (webmap/views/cases/offline.py): the service worker under its own CSP and
at the root (its scope covers the field pages), the manifest, the kit of what the worker keeps
(every script and stylesheet the field pages load, and the county's layers in pieces), and a
fresh CSRF token for the outbox. The browser side: tests/browser/test_browser_offline.py."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

from werkzeug.security import generate_password_hash

from geodata.model import User
from tests.support.web import COUNTY_CODE, EXTENT, PASSWORD
from webmap import get_store

FIELD_PAGES = ("/field", "/report", "/inspect")
LOADED = re.compile(
    r'<(?:script (?:type="module" )?src|link rel="stylesheet" href|link rel="manifest" href)="([^"]+)"'
)
IMPORTED = re.compile(r'^\s*import\s+(?:[^"\']*?\s+from\s+)?["\']([^"\']+)["\']', re.M)


def _with_imports(client, urls: set[str]) -> set[str]:
    """``urls`` and every module the scripts among them import, however deep (ES modules)."""
    found, todo = set(urls), [u for u in urls if u.endswith(".js")]
    while todo:
        url = todo.pop()
        for name in IMPORTED.findall(client.get(url).text):
            module = urljoin(url, name)
            if module not in found:
                found.add(module)
                todo.append(module)
    return found


def _evaluator(app, sign_in):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_user(User("xun", generate_password_hash(PASSWORD), "inspector", county.id, panel="patrol"))
    return sign_in("xun")


def test_the_worker_is_served_from_the_root_under_a_policy_of_its_own(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200 and answer.mimetype == "text/javascript"
    assert (
        answer.headers["Content-Security-Policy"]
        == "default-src 'self'; script-src 'none'; frame-ancestors 'none'"
    )
    assert answer.headers["Cache-Control"] == "no-cache" and "Set-Cookie" not in answer.headers
    assert b'self.addEventListener("fetch"' in answer.data


def test_the_manifest_opens_the_field_home_and_its_icons_are_there(client):
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200 and answer.mimetype == "application/manifest+json"
    manifest = answer.get_json()
    assert manifest["start_url"] == "/field" and manifest["scope"] == "/" and manifest["lang"] == "zh-CN"
    assert {i["sizes"] for i in manifest["icons"]} == {"any", "192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon


def test_the_field_pages_link_the_manifest_and_load_only_what_the_kit_keeps(app, sign_in):
    xun = _evaluator(app, sign_in)
    kit = xun.get("/api/v1/offline/kit")
    assert kit.status_code == 200 and kit.headers["Cache-Control"] == "no-store"
    kept = set(kit.get_json()["urls"])
    assert kit.get_json()["pages"] == list(FIELD_PAGES)
    for path in FIELD_PAGES:
        page = xun.get(path).text
        loaded = _with_imports(xun, set(LOADED.findall(page)))
        assert "/manifest.webmanifest" in loaded and "/static/portal/offline/outbox.js" in loaded, path
        assert "/static/portal/offline/records.js" in loaded, path  # imported, not in a tag
        assert loaded <= kept, (path, loaded - kept)
        assert 'id="outbox"' in page and 'data-user="xun"' in page
    for url in kept:
        assert xun.get(url).status_code == 200, url


def test_the_kit_keeps_no_scoring_page_for_someone_without_a_panel(app, case_users, sign_in):
    kit = sign_in("insp").get("/api/v1/offline/kit").get_json()
    assert kit["pages"] == ["/field", "/report"]
    assert 'id="outbox"' not in sign_in("insp").get("/inspect").text  # 不能评分: nothing to keep


def test_the_kit_keeps_the_county_layers_in_pieces_that_cover_it(app, case_users, sign_in):
    insp = sign_in("insp")
    layers = insp.get("/api/v1/offline/kit").get_json()["layers"]
    assert sorted(layers) == ["/api/v1/layers/roads", "/api/v1/layers/zones"]
    names = {"/api/v1/layers/roads": set(), "/api/v1/layers/zones": set()}
    for path, pieces in layers.items():
        west, south, east, north = (
            f(p["bbox"][i] for p in pieces) for i, f in enumerate((min, min, max, max))
        )
        assert west <= EXTENT[0] and south <= EXTENT[1] and east >= EXTENT[2] and north >= EXTENT[3]
        for piece in pieces:
            url = urlsplit(piece["url"])
            query = parse_qs(url.query)
            assert url.path == path and query["zoom"] == ["17"]
            assert [float(v) for v in query["bbox"][0].split(",")] == piece["bbox"]
            answer = insp.get(piece["url"])
            names[path] |= {f["properties"]["name"] for f in answer.get_json()["features"]}
    assert names["/api/v1/layers/roads"] == {"福华路", "金田路", "无人路"}
    assert names["/api/v1/layers/zones"] == {"西园社区", "东湖社区"}


def test_the_outbox_gets_a_token_of_the_session_it_sends_in(app, case_users, sign_in):
    insp = sign_in("insp")
    answer = insp.get("/api/v1/offline/session")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    token = answer.get_json()["csrf_token"]
    assert answer.get_json()["user"] == "insp"
    sent = insp.post("/api/v1/inspections", json={}, headers={"X-CSRFToken": token})
    assert sent.status_code == 403  # past CSRF: refused because insp is in no panel
    stale = insp.post("/api/v1/inspections", json={}, headers={"X-CSRFToken": token + "x"})
    assert stale.status_code == 400 and stale.get_json()["error"]["code"] == "csrf_failed"
    assert app.test_client().get("/api/v1/offline/session").status_code == 401


def test_the_sign_in_page_clears_what_the_worker_kept(client):
    assert "/static/portal/offline/signed_out.js" in client.get("/login").text
