"""Hostile input never gets a 5xx (DESIGN §11, issue #16): hypothesis draws requests from the
catalog in scripts/bench/fuzz.py (every endpoint family: JSON APIs, Open311, tiles, heat and
layers, list pages, forms) against the small test county. PORTAL_FUZZ_EXAMPLES sets how many
examples each family gets (200 by default, for CI's time; more for a long hunt).

Also here: the bounds the parsers hold to, and a busy database answered 503 with Retry-After."""

from __future__ import annotations

import json
import os
import re
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.bench import fuzz
from tests.support.web import COUNTY_CODE, EXTENT, PASSWORD, build_county, login
from webmap import create_app, get_store

EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples each run: a failure in CI is one to reproduce
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Text as a client may send it: anything, lone surrogates and NUL included, or a value that looks right.
any_text = st.one_of(
    st.sampled_from(fuzz.TEXTS),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
scalar = st.one_of(
    any_text,
    st.sampled_from(fuzz.NUMBERS + [True, False, None]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**30), max_value=10**30),
)
json_value = st.recursive(
    st.one_of(scalar, st.sampled_from(fuzz.geometries(EXTENT))),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(fuzz.BODY_KEYS), inner, max_size=4)
    ),
    max_leaves=8,
)
query_pairs = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(fuzz.PARAMS), any_text),
        st.sampled_from(sorted(fuzz.base_query(EXTENT).items())),
    ),
    max_size=5,
)
path_part = {
    "id": st.one_of(st.sampled_from(fuzz.IDS), st.integers(min_value=0, max_value=10**30).map(str)),
    "code": any_text,
    "kind": st.sampled_from(fuzz.KINDS),
    "layer": st.sampled_from(fuzz.LAYERS),
    "token": any_text,
    "z": st.integers(min_value=0, max_value=40).map(str),
    "x": st.one_of(st.integers(min_value=0, max_value=2**70), st.integers(0, 8)).map(str),
    "y": st.one_of(st.integers(min_value=0, max_value=2**70), st.integers(0, 8)).map(str),
}


@st.composite
def paths(draw, templates: list[str]) -> str:
    """A path of one of ``templates`` with each ``{part}`` filled by a hostile value."""
    template = draw(st.sampled_from(templates))
    names = re.findall(r"\{(\w+)\}", template)
    values = {n: draw(path_part[n]) for n in names}
    if template == fuzz.TILE and draw(st.booleans()):  # a tile over the county, at any zoom
        z = draw(st.integers(0, 22))
        x, y = fuzz._tile_of((EXTENT[0] + EXTENT[2]) / 2, (EXTENT[1] + EXTENT[3]) / 2, z)
        values.update(z=str(z), x=str(x), y=str(y))
    return re.sub(
        r"\{(\w+)\}",
        lambda m: fuzz.quote(values[m.group(1)] or "x", safe="", errors="surrogatepass"),
        template,
    )


@st.composite
def json_bodies(draw, path: str) -> bytes:
    """A sound body for ``path`` with some fields spoilt, or now and then any JSON at all."""
    if draw(st.integers(0, 19)) == 0:
        return fuzz.json_bytes(draw(json_value))
    body = fuzz.template_for(path, EXTENT)
    keys = st.sampled_from(sorted(body) + fuzz.BODY_KEYS)
    body.update(draw(st.dictionaries(keys, json_value, max_size=3)))
    return fuzz.json_bytes(body)


@pytest.fixture
def signed_in(app, client):
    """The leader's client and the CSRF token its pages carry."""
    assert login(client, "leader1", PASSWORD).status_code == 302
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/portal").text).group(1)
    return client, token


def _no_5xx(answer, what: str) -> None:
    assert answer.status_code < 500, f"{answer.status_code} for {what}: {answer.get_data()[:300]!r}"


def _get(client, path: str, pairs) -> None:
    url = path + ("?" + fuzz.query(pairs) if pairs else "")
    _no_5xx(client.get(url), url)


@FUZZ
@given(data=st.data())
def test_pages_and_list_filters(signed_in, data):
    client, _ = signed_in
    _get(client, data.draw(paths(fuzz.GET_PAGES)), data.draw(query_pairs))


@FUZZ
@given(data=st.data())
def test_read_apis_heat_and_layers(signed_in, data):
    client, _ = signed_in
    _get(client, data.draw(paths(fuzz.GET_APIS)), data.draw(query_pairs))


@FUZZ
@given(data=st.data())
def test_json_apis(signed_in, data):
    client, token = signed_in
    path = data.draw(paths(fuzz.POST_JSON))
    body = data.draw(json_bodies(path))
    answer = client.post(path, data=body, content_type="application/json", headers={"X-CSRFToken": token})
    _no_5xx(answer, f"POST {path} {body[:300]!r}")


@FUZZ
@given(data=st.data())
def test_open311(app, data):
    client = app.test_client()  # Open311 is for anyone (filing needs a key: refused, not crashed)
    path, pairs = data.draw(paths(fuzz.OPEN311)), data.draw(query_pairs)
    if data.draw(st.booleans()):
        answer = client.post(path, data=fuzz.query(pairs), content_type="application/x-www-form-urlencoded")
        _no_5xx(answer, f"POST {path} {pairs}")
    else:
        _get(client, path, pairs)


@FUZZ
@given(data=st.data())
def test_tiles(signed_in, data):
    client, _ = signed_in
    _get(client, data.draw(paths([fuzz.TILE])), data.draw(query_pairs))


@FUZZ
@given(data=st.data())
def test_forms(app, data):
    client = app.test_client()
    path, pairs = data.draw(st.sampled_from(fuzz.POST_FORMS)), data.draw(query_pairs)
    answer = client.post(path, data=fuzz.query(pairs), content_type="application/x-www-form-urlencoded")
    _no_5xx(answer, f"POST {path} {pairs}")


@pytest.fixture
def postgis_signed_in(committed_postgis_url, tmp_path):
    """The leader's client and CSRF token on an app over PostGIS holding the same small county."""
    app = create_app({"database_url": committed_postgis_url, "instance_path": str(tmp_path), "testing": True,
                      "seed_demo_on_start": False, "default_county": COUNTY_CODE})  # fmt: skip
    with app.app_context():
        build_county(get_store())
    client = app.test_client()
    assert login(client, "leader1", PASSWORD).status_code == 302
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/portal").text).group(1)
    yield client, token
    app.extensions["portal_db"].close()


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
@given(data=st.data())
def test_json_apis_and_tiles_on_postgis(postgis_signed_in, data):
    """PostGIS refuses what SQLite stores (a 32-bit id, NUL in text): the same families there."""
    client, token = postgis_signed_in
    path = data.draw(
        paths(fuzz.POST_JSON + [fuzz.TILE, "/api/v1/incidents", "/open311/v2/requests/{code}.json"])
    )
    if path.startswith("/api/v1/") and not path.endswith("incidents"):
        body = data.draw(json_bodies(path))
        answer = client.post(path, data=body, content_type="application/json", headers={"X-CSRFToken": token})
        _no_5xx(answer, f"POST {path} {body[:300]!r}")
    else:
        _get(client, path, data.draw(query_pairs))


def test_every_endpoint_family_is_in_the_catalog(app):
    """A new route must join the fuzzer's catalog (or be listed here as static)."""
    catalog = fuzz.GET_PAGES + fuzz.GET_APIS + fuzz.POST_JSON + fuzz.OPEN311 + fuzz.POST_FORMS + [fuzz.TILE]
    patterns = [re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(p)) + "$") for p in catalog]
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "assets.vendor", "assets.scoped_vendor", "auth.logout"):
            continue
        example = re.sub(r"<any\(([^,)]+)[^>]*\):\w+>", r"\1", rule.rule)  # its first choice
        example = re.sub(r"<(?:[^:>]+:)?(\w+)>", "1", example)
        if not any(p.match(example) for p in patterns):
            missing.append(rule.rule)
    assert not missing, f"routes the fuzzer never sends to: {missing}"


# -- the bounds ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/incidents?to=9999-12-31", "to"),
        ("/api/v1/incidents?from=1999-12-31", "from"),
        ("/api/v1/units/U01/guarded?month=9999-12", "month"),
        ("/api/v1/scores?month=9999-12", "month"),
        ("/api/v1/incidents?page=99999999999999999999", "page"),
        ("/api/v1/heat?bbox=114,22.5,114.02,22.52&zoom=23", "zoom"),
        ("/api/v1/search?q=a%00b", "q"),
        ("/api/v1/incidents?from=%7B%22a%22%3A1%7D", "from"),
    ],
)
def test_out_of_range_queries_are_refused_naming_the_field(signed_in, url, field):
    client, _ = signed_in
    answer = client.get(url)
    assert answer.status_code == 400, answer.text
    assert answer.get_json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"valid_from": {"a": 1}, "unit": "U01", "road": "福华路", "reason": "x"}, "valid_from"),
        ({"valid_from": "2024-06-01", "unit": "U01", "road": "福华路", "reason": "\ud800"}, "reason"),
        ({"valid_from": "2024-06-01", "unit": "U01", "targets": [{"kind": "segment", "id": 10**30}]}, "targets[0].id"),
        ({"valid_from": "2024-06-01", "unit": "U01", "duties": 7, "road": "福华路"}, "duties"),
        ({"valid_from": "2024-06-01", "unit": "U01", "x": fuzz.nested(50)}, "x"),
    ],
)  # fmt: skip
def test_hostile_json_is_refused_naming_the_field(signed_in, body, field):
    client, token = signed_in
    answer = client.post("/api/v1/postings/preview", data=fuzz.json_bytes(body), content_type="application/json",
                         headers={"X-CSRFToken": token})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert answer.get_json()["error"]["field"].startswith(field)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [(fuzz.polygon(EXTENT, 5001), "顶点过多"), (fuzz.geometries(EXTENT)[2], "范围之外过远")],
)
def test_huge_and_whole_world_drawings_are_refused(signed_in, geometry, message):
    client, token = signed_in
    body = json.dumps({"geometry": geometry, "kinds": ["segment"]})
    answer = client.post("/api/v1/selection", data=body, content_type="application/json",
                         headers={"X-CSRFToken": token})  # fmt: skip
    assert answer.status_code == 422 and message in answer.get_json()["error"]["message"]


def test_a_json_body_over_the_limit_is_413(signed_in):
    client, token = signed_in
    body = json.dumps({"reason": "x" * (fuzz_limit() + 1)})
    answer = client.post("/api/v1/postings/preview", data=body, content_type="application/json",
                         headers={"X-CSRFToken": token})  # fmt: skip
    assert answer.status_code == 413 and answer.get_json()["error"]["field"] == "body"


def fuzz_limit() -> int:
    from webmap.views.params import MAX_JSON_BYTES

    return MAX_JSON_BYTES


def test_a_tile_past_the_finest_level_is_answered(signed_in):
    client, _ = signed_in
    for z in (19, 20, 22):
        x, y = fuzz._tile_of(114.005, 22.505, z)
        answer = client.get(f"/tiles/incidents/{z}/{x}/{y}.mvt")
        assert answer.status_code in (200, 204), (z, answer.status_code)
    assert client.get(f"/tiles/incidents/23/{x}/{y}.mvt").status_code == 400


# -- a busy database -------------------------------------------------------------------------------
def test_a_locked_database_is_503_with_retry_after(app, signed_in, monkeypatch):
    """Another writer holding SQLite's lock past the wait: 503 and Retry-After, never a 500."""
    client, token = signed_in
    with app.app_context():
        database = app.extensions["portal_db"]
        database.close()  # drop the idle connections: new ones get the short wait below
        monkeypatch.setattr(type(database), "BUSY_TIMEOUT_S", 0.2)
        holder = sqlite3.connect(database.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        body = {"unit": "U02", "road": "福华路", "reason": "x", "valid_from": "2025-03-15"}
        answer = client.post("/api/v1/postings", json=body, headers={"X-CSRFToken": token})
        preview = client.post("/api/v1/postings/preview", json=body, headers={"X-CSRFToken": token})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"].isdigit() and answer.get_json()["error"]["code"] == "busy"
    assert preview.status_code == 200, preview.text  # a preview takes no write lock
    with app.app_context():
        assert get_store().map_version() >= 0


def test_busy_errors_are_told_by_their_codes():
    import psycopg
    from psycopg_pool import PoolTimeout

    from geodata.errors import Busy, busy_error

    locked = sqlite3.connect(":memory:")
    try:
        locked.execute("SELECT * FROM nowhere")
    except sqlite3.OperationalError as exc:
        assert busy_error(exc) is None  # another OperationalError stays a crash, for the log
    for exc in (
        psycopg.errors.LockNotAvailable("x"),
        psycopg.errors.SerializationFailure("x"),
        PoolTimeout("x"),
    ):
        assert isinstance(busy_error(exc), Busy) and busy_error(exc).status == 503
    assert busy_error(psycopg.errors.UniqueViolation("x")) is None
