"""What the web tests share beside their fixtures: the small county 测试县, how to build it and an
app holding it, the demo's months, signing in through the real form, and serving an app on
127.0.0.1.

The county 测试县 (990001) is two communities side by side, three road segments (one led by each of
two units, one left unguarded), and two tight groups of incidents. The fixtures that hand these out
(``app``, ``client``, ``demo`` …) are in tests/conftest.py.
"""

from __future__ import annotations

import io
import re
import threading
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from PIL import Image
from shapely.geometry import LineString, Point, box
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from demo.posts import demo_year
from geodata.model import Assignment, County, Incident, Segment, Unit, User, Zone
from layers.score_map import default_month
from layers.scores import previous_month
from webmap import create_app, get_store

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


def county_app(folder: Path, url: str | None = None, **settings):
    """An app holding the small county, migrated and built: on ``url``, by default the SQLite file
    ``t.sqlite`` in ``folder`` (its instance folder too); ``settings`` over the test configuration."""
    app = create_app(
        {
            "database_url": url or f"sqlite:///{folder / 't.sqlite'}",
            "instance_path": str(folder),
            "testing": True,
            "seed_demo_on_start": False,
            "default_county": COUNTY_CODE,
            **settings,
        }
    )
    with app.app_context():
        store = get_store()
        store.migrate()
        build_county(store)
    return app


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


# -- the demo county -------------------------------------------------------------------------------
def demo_app(folder: Path, **config):
    """An app on the demo database ``d.sqlite`` in ``folder`` (its instance folder too)."""
    return create_app({"database_url": f"sqlite:///{folder / 'd.sqlite'}", "instance_path": str(folder),
                       "testing": True, **config})  # fmt: skip


def admin_client(app, county_code: str = COUNTY_CODE, name: str = "admin1"):
    """A client signed in as a new administrator ``name`` of the county, and its CSRF token."""
    with app.app_context():
        store = get_store()
        store.add_user(
            User(name, generate_password_hash(PASSWORD), "admin", store.get_county(county_code).id)
        )
    client = app.test_client()
    assert login(client, name, PASSWORD).status_code == 302
    return client, csrf_token(client.get("/account/password").text)


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


# -- the app on a real port -----------------------------------------------------------------------
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


def jpeg_bytes(gps: tuple[float, float] | None = None) -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make: must not reach the public copy
    if gps:
        lon, lat = gps
        exif.get_ifd(0x8825).update({1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def three_adjacent(demo, rank: int) -> list[int]:
    """Ids of three consecutive segments a–b–c of the demo road with the ``rank``-th most
    segments (a and c do not meet), lowest ids first."""
    app, _ = demo
    with app.app_context():
        store, county = store_and_county(demo)
        roads = defaultdict(list)
        for s in store.list_segments(county.id):
            if s.name:
                roads[s.name].append(s)
    group = sorted(roads.values(), key=lambda g: (-len(g), g[0].id))[rank]
    ends = {s.id: {tuple(np.round(s.geom.coords[i], 7)) for i in (0, -1)} for s in group}
    for a in group:
        for b in group:
            for c in group:
                distinct = len({a.id, b.id, c.id}) == 3
                if (
                    distinct
                    and ends[a.id] & ends[b.id]
                    and ends[b.id] & ends[c.id]
                    and not ends[a.id] & ends[c.id]
                ):
                    return [a.id, b.id, c.id]
    raise AssertionError(f"no three consecutive segments on road rank {rank}")


def _dms(value: float):
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 4)
    return (d, m, s)


def store_and_county(demo):
    """The demo's store and its county (inside the app's context)."""
    store = get_store()
    return store, store.list_counties()[0]


OPEN311 = "/open311/v2"


def spec_post(key: str, **changes) -> dict:
    """A POST as the GeoReport v2 spec shows one (form fields; 福华路, led by 城管执法局)."""
    form = {
        "api_key": key, "jurisdiction_id": "990001", "service_code": "parking", "lat": "22.5051",
        "long": "114.004", "address_string": "福华路 12 号", "email": "zhang.san@example.cn",
        "device_id": "tt222111", "account_id": "", "first_name": "三", "last_name": "张",
        "phone": "13800138000", "description": "人行道上停了车", "media_url": "",
    }  # fmt: skip
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


OFF_SITE = re.compile(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]*)""", re.I)


def off_site_urls(html: str) -> list[str]:
    """The scripts, styles, images and links of a page that point off the portal (``https://…`` or
    ``//…``): nothing may be fetched from a CDN. A page's random nonces may spell anything, so
    this reads the attributes rather than looking for words like "cdn"."""
    return OFF_SITE.findall(html)
