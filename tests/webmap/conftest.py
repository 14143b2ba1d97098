"""The web fixtures: an app on a temporary SQLite file holding a small county, and clients.

The county 测试县 (990001) is two communities side by side, three road segments (one led by each of
two units, one left unguarded), and two tight groups of incidents.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from shapely.geometry import LineString, Point, box
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from demo.posts import demo_year
from geodata.model import Assignment, County, Incident, Segment, Unit, User, Zone
from layers.score_map import default_month
from layers.scores import previous_month
from webmap import create_app, get_store
from webmap.chromium import CHROMIUM, CHROMIUM_ARGS

COUNTY_CODE = "990001"
EXTENT = (114.00, 22.50, 114.02, 22.52)
PASSWORD = "correct horse 42"
SINCE = datetime(2024, 1, 1, tzinfo=UTC)
# The demo year is the twelve months before this one (demo/posts.py): its last month, the one
# before, and a day in its middle.
DEMO_MONTH = default_month()
DEMO_MONTH_BEFORE = previous_month(DEMO_MONTH)
DEMO_MID_DAY = (demo_year().start + timedelta(days=200)).date().isoformat()


def month_zh(month: str, sep: str = " ") -> str:
    """'2026-10' as the pages write it: '2026 年 10 月' (``sep=""``: '2026年10月')."""
    return f"{month[:4]}{sep}年{sep}{int(month[5:])}{sep}月"


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 't.sqlite'}",
            "instance_path": str(tmp_path),
            "testing": True,
            "seed_demo_on_start": False,
            "default_county": COUNTY_CODE,
        }
    )
    with app.app_context():
        store = get_store()
        store.migrate()
        build_county(store)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def leader(client):
    """A client signed in as the leader through the real form (CSRF token included)."""
    login(client, "leader1", PASSWORD)
    return client


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, username: str, password: str, next_url: str | None = None):
    page = client.get("/login")
    url = "/login" + (f"?next={next_url}" if next_url else "")
    data = {"username": username, "password": password, "csrf_token": csrf_token(page.text)}
    return client.post(url, data=data)


def build_county(store) -> dict:
    """Write the small county through the store's public interface; return its ids."""
    county = store.add_county(County(COUNTY_CODE, "测试县", extent=box(*EXTENT), utm_epsg=32650))
    cid = county.id
    units = store.add_units(
        [Unit(cid, "U01", "城管执法局"), Unit(cid, "U02", "交警大队"), Unit(cid, "U03", "环卫所")]
    )
    zones = store.add_zones(
        [
            Zone(cid, "community", "001", "西园社区", box(114.00, 22.50, 114.01, 22.52)),
            Zone(cid, "community", "002", "东湖社区", box(114.01, 22.50, 114.02, 22.52)),
        ]
    )
    segments = store.add_segments(
        [
            Segment(cid, "福华路", LineString([(114.002, 22.505), (114.008, 22.505)])),
            Segment(cid, "金田路", LineString([(114.012, 22.515), (114.018, 22.515)])),
            Segment(cid, "无人路", LineString([(114.005, 22.518), (114.015, 22.518)])),
        ]
    )
    for unit, kind, target in ((units[0], "segment", segments[0]), (units[1], "segment", segments[1])):
        store.assign(Assignment(cid, unit.id, kind, target.id, "lead", SINCE))
    store.assign(Assignment(cid, units[2].id, "zone", zones[0].id, "lead", SINCE))
    store.add_incidents(_incidents(cid))
    store.add_user(User("leader1", generate_password_hash(PASSWORD), "leader", county_id=cid))
    return {"county": county, "units": units, "zones": zones, "segments": segments}


def _incidents(county_id: int) -> list[Incident]:
    """30 incidents within ~10 m of (114.005, 22.505) and 5 near (114.015, 22.515)."""
    out = []
    for i in range(35):
        x, y = (114.005, 22.505) if i < 30 else (114.015, 22.515)
        offset = (i % 5) * 1e-5
        out.append(
            Incident(
                county_id,
                "parking" if i % 2 else "posters",
                Point(x + offset, y - offset),
                SINCE + timedelta(days=i),
            )
        )
    return out


@pytest.fixture
def case_users(app) -> dict:
    """For the case pages: an inspector ``insp``, staff ``cg`` of 城管执法局 (U01, leads 福华路) and
    ``jj`` of 交警大队 (U02, leads 金田路); returns the units by code."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        units = {u.code: u for u in store.list_units(county.id)}
        for name, role, unit in (("insp", "inspector", None), ("cg", "unit_staff", "U01"),
                                 ("jj", "unit_staff", "U02")):  # fmt: skip
            store.add_user(
                User(name, generate_password_hash(PASSWORD), role, county.id, unit and units[unit].id)
            )
    return units


@pytest.fixture
def sign_in(app):
    """``sign_in(name)``: a new client signed in as that user (password ``PASSWORD``)."""

    def signed_in(username: str):
        client = app.test_client()
        assert login(client, username, PASSWORD).status_code == 302
        return client

    return signed_in


# -- the demo county -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The demo county seeded once per test run, as ``make run`` seeds it: its folder (database
    and instance files, connections closed) and the demo users' passwords by role."""
    folder = tmp_path_factory.mktemp("demo-template")
    app = demo_app(folder)
    from webmap.serve import prepare

    passwords = prepare(app).passwords
    app.extensions["portal_db"].close()
    return folder, passwords


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_template):
    """A copy of the seeded demo for one test module, which may change it: (app, passwords)."""
    template, passwords = demo_template
    folder = tmp_path_factory.mktemp("demo")
    shutil.copytree(template, folder, dirs_exist_ok=True)
    return demo_app(folder), passwords


def demo_app(folder: Path, **config):
    return create_app({"database_url": f"sqlite:///{folder / 'd.sqlite'}", "instance_path": str(folder),
                       "testing": True, **config})  # fmt: skip


def demo_client(demo, role: str):
    """A client signed in to the demo as the user of ``role``, and its CSRF token."""
    app, passwords = demo
    client = app.test_client()
    assert login(client, role, passwords[role]).status_code == 302
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/portal").text).group(1)
    return client, token


def post_json(client_token, url: str, body):
    """POST ``body`` as JSON with a ``demo_client``'s CSRF token."""
    client, token = client_token
    return client.post(url, json=body, headers={"X-CSRFToken": token})


# -- a real browser against the app on 127.0.0.1 ----------------------------------------------
STRICT = os.environ.get("REQUIRE_POSTGIS") == "1" or os.environ.get("CI") == "true"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LOCAL_SCHEMES = ("data", "blob", "about")


def _missing(reason: str):
    if STRICT:
        pytest.fail(f"the browser test must run in CI but {reason}")
    pytest.skip(f"browser test skipped: {reason}")


@contextmanager
def serving(app):
    """The app on a free 127.0.0.1 port, served from a background thread; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def live_server(app):
    with serving(app) as base:
        yield base


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


def map_xy(page, lat: float, lon: float) -> tuple[float, float]:
    """Where on the page the map (``window.portalMap``) shows the place."""
    return page.evaluate(
        """([lat, lon]) => {
            const map = window.portalMap, box = map.getContainer().getBoundingClientRect();
            const p = map.latLngToContainerPoint([lat, lon]);
            return [box.left + p.x, box.top + p.y];
        }""",
        [lat, lon],
    )


def wait_ready(page) -> None:
    """Until the map has every layer that is on loaded (layers.js sets the flag)."""
    page.wait_for_function(
        "() => document.documentElement.getAttribute('data-portal-ready') === '1'", timeout=30_000
    )


def overlay(page, title: str):
    """The checkbox of the layer switcher's overlay called ``title``."""
    return page.locator(".leaflet-control-layers-overlays label", has_text=title).locator("input")
