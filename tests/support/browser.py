"""What the browser tests (tests/browser/) share beside their fixtures: one default timeout for
every wait, signing in through the login form, keeping requests on the portal, and reading the
leaders' map (its ready flag, its canvas tiles, where a place is on the page); a phone's and a desk's
screen, people browsing with requests kept local, tapping the report and inspection maps, a photo.

The ``browser`` fixture is in tests/browser/conftest.py; the app fixtures in tests/conftest.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image

from tests.support.web import PASSWORD

STRICT = os.environ.get("REQUIRE_POSTGIS") == "1" or os.environ.get("CI") == "true"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LOCAL_SCHEMES = ("data", "blob", "about")
# Every wait of a browser test (a selector, a function, a navigation) gives up after this long,
# unless the call says otherwise. The longest a test needed: the map's first load with every layer
# (data-portal-ready) on a phone context while CI's two cores run a pytest beside Chromium; the
# tests had waited 2 to 30 s call by call. A wait that passes is not slowed by a long limit.
TIMEOUT_MS = 30_000


def missing(reason: str):
    """Skip a browser test that cannot run here, but fail it where it must run (CI)."""
    if STRICT:
        pytest.fail(f"the browser test must run in CI but {reason}")
    pytest.skip(f"browser test skipped: {reason}")


class Chromium:
    """The tests' browser: Playwright's, except that every context it opens (and the context of a
    ``new_page``) waits TIMEOUT_MS by default, set here once instead of in each call."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        page.context.set_default_timeout(TIMEOUT_MS)
        return page

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


def signed_in_page(
    browser, base: str, username: str, path: str = "/portal", password: str = PASSWORD, **context
):
    """A page of a new browser context signed in as ``username`` through the login form, at
    ``path``; requests leaving ``base`` are refused and recorded in ``page.outside``, script errors
    in ``page.errors``."""
    page = browser.new_context(
        **(context or {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"})
    ).new_page()
    page.errors, page.outside = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def route(r):
        if is_local(r.request.url, base):
            return r.continue_()
        page.outside.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    return sign_in_through_form(page, base, username, path, password)


def sign_in_through_form(page, base: str, username: str, path: str, password: str = PASSWORD):
    """Sign ``page`` in as ``username`` through the login form, and wait until it is at ``path``."""
    page.goto(f"{base}/login?next={path}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{path}")
    return page


def is_local(url: str, base: str) -> bool:
    """Whether a page's request stayed on the portal (or needed no network at all)."""
    return url.startswith(base + "/") or urlparse(url).scheme in LOCAL_SCHEMES


# -- the leaders' map in a browser --------------------------------------------------------------
# The index of the first incident cluster no control of the map (legend, filters) lies over.
FREE_CLUSTER = """() => [...document.querySelectorAll('.leaflet-portal-clusters-pane .incident-cluster')]
    .findIndex((el) => { const b = el.getBoundingClientRect();
        const top = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
        return top !== null && top.closest('.incident-cluster') === el; })"""

PAINTED = """([pane, colour]) => {
    const want = colour && [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
    let n = 0;
    for (const c of document.querySelectorAll(`.leaflet-${pane}-pane canvas`)) {
        if (!c.width) continue;
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 4) {
            if (d[i + 3] > 200 && (!want || (d[i] === want[0] && d[i + 1] === want[1] && d[i + 2] === want[2]))) {
                n += 1;
                break;
            }
        }
    }
    return n;
}"""


def painted_tiles(page, pane: str, colour: str | None = None) -> int:
    """How many canvas tiles of the map pane ``pane`` (e.g. ``portal-roads``) have a pixel drawn
    (in ``colour``, ``#rrggbb``, when given)."""
    return page.evaluate(PAINTED, [pane, colour])


def map_xy(page, lat: float, lon: float, map_name: str = "portalMap") -> tuple[float, float]:
    """Where on the page the Leaflet map ``window[map_name]`` (the leaders' map unless named) shows
    the place."""
    return page.evaluate(
        """([name, lat, lon]) => {
            const map = window[name], box = map.getContainer().getBoundingClientRect();
            const p = map.latLngToContainerPoint([lat, lon]);
            return [box.left + p.x, box.top + p.y];
        }""",
        [map_name, lat, lon],
    )


def wait_ready(page, flag: str = "portal") -> None:
    """Until the page's script says it is ready: ``data-portal-ready`` (the map has every layer
    that is on loaded: layers.js sets it), or ``data-public-ready``, ``data-dashboard-ready``."""
    page.wait_for_function(
        "(flag) => document.documentElement.getAttribute(`data-${flag}-ready`) === '1'", arg=flag
    )


def wait_edit_idle(page) -> None:
    """Until the edit page waits for no answer from the server (``data-edit-busy`` is 0: edit.js
    sets it while a selection, a preview or a change is under way)."""
    page.wait_for_function("() => document.documentElement.getAttribute('data-edit-busy') === '0'")


def overlay(page, title: str):
    """The checkbox of the layer switcher's overlay called ``title``."""
    return page.locator(".leaflet-control-layers-overlays label", has_text=title).locator("input")


# -- people, their screens and their taps ------------------------------------------------------
FUHUA = (22.5051, 114.004)  # (lat, lon) just north of 福华路, which 城管执法局 leads


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "zh-CN"}  # fmt: skip


DESKTOP = {"viewport": {"width": 1280, "height": 860}, "locale": "zh-CN"}


class Browsing:
    """Contexts (one per person) that refuse anything not local, recording what they asked for."""

    def __init__(self, browser, base: str):
        self.browser, self.base = browser, base
        self.requested: list[str] = []
        self.errors: list[str] = []

    def sign_in(self, username: str, next_path: str, **options):
        context = self.browser.new_context(**options)
        context.on("request", lambda request: self.requested.append(request.url))
        context.route(
            "**/*",
            lambda route: route.continue_() if self.local(route.request.url) else route.abort(),
        )
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return sign_in_through_form(page, self.base, username, next_path)

    def local(self, url: str) -> bool:
        return is_local(url, self.base)


def tap_map_at(page, lat: float, lon: float) -> None:
    """Zoom the report map to the spot, wait for the roads around it, and tap it."""
    page.wait_for_function("() => window.reportMap !== undefined")
    page.evaluate(f"window.reportMap.setView([{lat}, {lon}], 18, {{animate: false}})")
    page.wait_for_function(
        "() => document.querySelectorAll('#case-map .leaflet-overlay-pane path').length >= 2"
    )
    page.touchscreen.tap(*map_xy(page, lat, lon, "reportMap"))


def jpeg_file(tmp_path) -> str:
    path = tmp_path / "scene.jpg"
    Image.new("RGB", (640, 480), (180, 40, 40)).save(path, "JPEG")
    return str(path)


# Elements past the right edge that are not inside a box that clips or scrolls them.
OVERFLOW = """() => {
    const clipped = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const s = getComputedStyle(p);
            if (["auto", "scroll", "hidden", "clip"].includes(s.overflowX)) return true;
        }
        return false;
    };
    const wide = [...document.querySelectorAll("body *")].filter((el) => {
        const b = el.getBoundingClientRect();
        return b.width > 0 && b.height > 0 && b.right > innerWidth + 1 && !clipped(el);
    });
    return {page: document.documentElement.scrollWidth,
            elements: wide.slice(0, 5).map((el) => el.tagName + "." + el.className)};
}"""


def tap_inspect_map_at(page, lat: float, lon: float) -> None:
    page.evaluate(f"window.inspectMap.setView([{lat}, {lon}], 16, {{animate: false}})")
    page.touchscreen.tap(*map_xy(page, lat, lon, "inspectMap"))
