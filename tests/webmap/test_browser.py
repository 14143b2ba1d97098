"""A person in a real browser: sign in, open the map, see the layers, the legend and the features,
and nothing fetched from outside 127.0.0.1 (Playwright driving Debian's Chromium)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

from scripts.screenshot import CHROMIUM_ARGS
from tests.webmap.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
STRICT = os.environ.get("REQUIRE_POSTGIS") == "1" or os.environ.get("CI") == "true"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LOCAL_SCHEMES = ("data", "blob", "about")


def _missing(reason: str):
    if STRICT:
        pytest.fail(f"the browser test must run in CI but {reason}")
    pytest.skip(f"browser test skipped: {reason}")


@pytest.fixture
def live_server(app):
    """The app on a free 127.0.0.1 port, served from a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _missing(f"playwright is not installed ({exc})")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _is_local(url: str, base: str) -> bool:
    return url.startswith(base + "/") or urlparse(url).scheme in LOCAL_SCHEMES


def test_leader_signs_in_and_sees_the_map(live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    requested, page_errors = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    # Anything from outside would be recorded above, then refused here.
    page.route(
        "**/*",
        lambda route: route.continue_() if _is_local(route.request.url, live_server) else route.abort(),
    )

    page.goto(f"{live_server}/portal")
    assert "/login" in page.url
    page.fill("#username", "leader1")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/portal")
    page.wait_for_selector("html[data-portal-ready='1']", timeout=20_000)

    overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert {"社区", "路段", "问题"} <= {text.strip() for text in overlays}
    legend = page.locator(".portal-legend")
    assert legend.is_visible()
    assert "图例" in legend.inner_text() and "未分配" in legend.inner_text()
    # 2 communities + 3 road segments drawn as SVG, and at least one incident cluster.
    assert page.locator(".leaflet-pane svg path").count() >= 5
    assert page.locator(".incident-cluster").count() >= 1
    assert "测试县" in page.locator(".topbar").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal.png"))
    assert page_errors == []
    assert [url for url in requested if not _is_local(url, live_server)] == []
