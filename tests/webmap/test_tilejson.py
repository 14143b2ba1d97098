"""The tiles for other clients (#21 part 3) over HTTP: each layer's TileJSON 3.0.0 at
/tiles/<layer>.json and the MapLibre GL style at /tiles/style.json, for whoever may read the tiles
(a session or an API key), cached privately like them; the tiles a TileJSON points at carry the
fields it declares, on both backends; the style validates with @maplibre/maplibre-gl-style-spec
(node) and draws in the colours of the portal's own map."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import mapbox_vector_tile
import pytest

from geodata.accounts.apikeys import issue_key
from geodata.geo import tiles
from layers.incidents import SIZE_CLASSES
from tests.support.tiles import tile_at
from tests.support.web import EXTENT, PASSWORD, county_app, login
from webmap import get_store

ROOT = Path(__file__).resolve().parents[2]
STRICT = os.environ.get("REQUIRE_POSTGIS") == "1"
HOST = "http://maps.example.cn"
TYPES = {int: "Number", float: "Number", str: "String", bool: "Boolean"}


@pytest.fixture(params=["sqlite", "postgis"])
def portal(request, tmp_path):
    """A client signed in as the leader, on each backend."""
    url = request.getfixturevalue("committed_postgis_url") if request.param == "postgis" else None
    client = county_app(tmp_path, url).test_client()
    assert login(client, "leader1", PASSWORD).status_code == 302
    return client


@pytest.fixture
def key(app) -> dict:
    """The headers of a leader's API key: a client on another host than the session's cookie."""
    with app.app_context():
        _, secret = issue_key(get_store(), "MapLibre", "leader")
    return {"X-API-Key": secret}


def test_tilejson_and_style_need_a_login_or_an_api_key_like_the_tiles(app, client):
    for url in ("/tiles/roads.json", "/tiles/style.json"):
        refused = client.get(url)
        assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"
    with app.app_context():
        _, key = issue_key(get_store(), "QGIS", "leader")
    for url in ("/tiles/zones.json", "/tiles/style.json"):
        answer = client.get(url, headers={"X-API-Key": key})
        assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert client.get("/tiles/zones.json", headers={"X-API-Key": "nope"}).status_code == 401


@pytest.mark.parametrize("layer", tiles.TILE_LAYERS)
def test_a_tilejson_says_where_the_tiles_are_what_they_cover_and_hold(leader, key, layer):
    answer = leader.get(f"/tiles/{layer}.json", base_url=HOST, headers=key)
    doc = answer.get_json()
    assert doc["tilejson"] == "3.0.0" and doc["scheme"] == "xyz"
    assert doc["tiles"] == [f"{HOST}/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt"]
    assert doc["bounds"] == list(EXTENT)
    assert doc["minzoom"] == (11 if layer == "roads" else 0) and doc["maxzoom"] == 22
    assert doc["name"].startswith("测试县 · ") and doc["description"]
    (vector_layer,) = doc["vector_layers"]
    assert vector_layer["id"] == layer and vector_layer["fields"]
    assert all(re.match(r"(Number|String): \S", v) for v in vector_layer["fields"].values())
    assert ("OpenStreetMap" in doc.get("attribution", "")) == (layer == "roads")
    assert answer.headers["Cache-Control"] == "private, max-age=60" and answer.headers["ETag"]
    again = leader.get(
        f"/tiles/{layer}.json", headers={**key, "If-None-Match": answer.headers["ETag"]}, base_url=HOST
    )
    assert again.status_code == 304 and again.data == b""
    english = leader.get(f"/tiles/{layer}.json?lang=en").get_json()
    assert not re.search(r"[\u4e00-\u9fff]", english["description"]), english["description"]


def test_an_unknown_layer_is_refused_naming_the_layers(leader):
    answer = leader.get("/tiles/lakes.json")
    assert answer.status_code == 404
    assert "incidents, roads, zones" in answer.get_json()["error"]["message"]


def test_the_tiles_a_tilejson_points_at_carry_its_fields(portal):
    """On both backends: the features of the test county's tiles at a few zooms, fetched from the
    TileJSON's own URL, hold only declared fields, each with its declared type."""
    for layer in tiles.TILE_LAYERS:
        doc = portal.get(f"/tiles/{layer}.json").get_json()
        (declared,) = [v["fields"] for v in doc["vector_layers"]]
        template = doc["tiles"][0].removeprefix("http://localhost")
        found: dict[str, set] = {}
        for z in (12, 14, 16):
            t = tile_at(114.005, 22.505, z)
            answer = portal.get(template.format(z=t.z, x=t.x, y=t.y))
            assert answer.status_code == 200
            for feature in mapbox_vector_tile.decode(answer.data).get(layer, {}).get("features", []):
                for name, value in feature["properties"].items():
                    found.setdefault(name, set()).add(TYPES[type(value)])
        assert found and set(found) <= set(declared), (layer, found)
        for name, types in found.items():
            assert types == {declared[name].split(":")[0]}, (layer, name)


def test_the_style_draws_the_tile_layers_from_their_tilejson(leader, key):
    style = leader.get("/tiles/style.json", base_url=HOST, headers=key).get_json()
    assert style["version"] == 8 and style["name"] == "测试县 · 分兵把口地图"
    assert "glyphs" not in style and "sprite" not in style
    assert not any(layer["type"] == "symbol" for layer in style["layers"])  # no text: no glyphs needed
    declared = {}
    for name, source in style["sources"].items():
        assert source == {"type": "vector", "url": f"{HOST}/tiles/{name}.json"}
        (vector_layer,) = leader.get(source["url"], headers=key).get_json()["vector_layers"]
        declared[name] = vector_layer
    assert {layer["source"] for layer in style["layers"]} == set(tiles.TILE_LAYERS)
    for layer in style["layers"]:
        assert layer["source-layer"] == declared[layer["source"]]["id"]
        used = re.findall(r'\["(?:get|has)", "(\w+)"\]', json.dumps(layer))
        assert used and set(used) <= set(declared[layer["source"]]["fields"]), layer["id"]
    roads = {layer["id"]: layer for layer in style["layers"]}["roads-led"]
    assert roads["paint"]["line-color"][:2] == ["match", ["get", "unit_id"]]


def test_the_style_uses_the_colours_of_the_portals_own_map(leader):
    style = json.dumps(leader.get("/tiles/style.json").get_json())
    static = ROOT / "webmap" / "static" / "portal"
    front = (static / "tiles" / "tiles.js").read_text() + (static / "map.css").read_text()
    front += (ROOT / "webmap" / "maptiles.py").read_text() + (ROOT / "layers" / "roads.py").read_text()
    colours = set(re.findall(r"#[0-9a-f]{6}|rgba\([^)]*\)", style))
    assert len(colours) > 10
    assert not {c for c in colours if c not in front}, "a colour the portal's map does not draw with"
    for colour in ("#1f4e8c", "#4a7fc1", "#5b7fa6", "#8c8c8c", "#0571b0", "rgba(210,40,30,.92)"):
        assert colour in colours


def test_the_style_validates_with_the_maplibre_style_spec(leader, tmp_path):
    node = shutil.which("node")
    if node is None:
        if STRICT:
            pytest.fail("node is required (REQUIRE_POSTGIS=1) to validate the style but is not on PATH")
        pytest.skip("node is not on PATH")
    script = ROOT / "tests" / "js" / "validate_style.mjs"

    def validate(style: dict) -> subprocess.CompletedProcess:
        path = tmp_path / "style.json"
        path.write_text(json.dumps(style))
        return subprocess.run(
            [node, str(script), str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
        )

    style = leader.get("/tiles/style.json").get_json()
    run = validate(style)
    assert run.returncode == 0 and run.stdout.strip().endswith("0 errors"), run.stdout + run.stderr
    style["layers"][0]["paint"]["fill-color"] = ["get"]  # the validator does find errors
    assert validate(style).returncode == 1


def test_over_a_gcj02_basemap_the_tilejson_and_the_style_point_at_tiles_drawn_for_it(leader):
    doc = leader.get("/tiles/incidents.json?crs=gcj02").get_json()
    assert doc["tiles"] == ["http://localhost/tiles/incidents/{z}/{x}/{y}.mvt?crs=gcj02"]
    t = tile_at(114.005, 22.505, 13)
    shifted = leader.get(doc["tiles"][0].format(z=t.z, x=t.x, y=t.y))
    assert shifted.data == leader.get(f"/tiles/incidents/{t.z}/{t.x}/{t.y}.mvt?crs=gcj02").data
    assert shifted.data != leader.get(f"/tiles/incidents/{t.z}/{t.x}/{t.y}.mvt").data
    refused = leader.get("/tiles/incidents.json?crs=bd09")
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "crs"
    style = leader.get("/tiles/style.json?crs=gcj02&lang=en").get_json()
    assert style["name"] == "测试县 · Responsibility map"
    url = style["sources"]["zones"]["url"]
    assert url == "http://localhost/tiles/zones.json?crs=gcj02&lang=en"
    zones = leader.get(url).get_json()
    assert zones["name"] == "测试县 · Communities and grid cells" and zones["tiles"][0].endswith("?crs=gcj02")
    assert (
        leader.get("/tiles/style.json?lang=xx").get_json()["sources"]["zones"]["url"].endswith("zones.json")
    )


def _step(expression: list, value: float):
    """A MapLibre ``step`` expression's output at ``value``."""
    _, _, output, *stops = expression
    for stop, then in zip(stops[::2], stops[1::2], strict=True):
        if value >= stop:
            output = then
    return output


def test_the_styles_bubbles_are_as_wide_as_the_portals(leader):
    """clusters.js's bubbleSize (through node) against the style's cluster radius, count by count."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH")
    layers = {layer["id"]: layer for layer in leader.get("/tiles/style.json").get_json()["layers"]}
    radius = layers["incident-clusters"]["paint"]["circle-radius"]
    counts = [1, 2, 9, 10, 99, 100, 999, 1000, 50000]
    classes = [low for low, _ in SIZE_CLASSES]  # the map's config.clusterClasses
    script = (
        'import { bubbleSize } from "./webmap/static/portal/tiles/clusters.js";'
        f"console.log(JSON.stringify({counts}.map((n) => bubbleSize(n, {classes}))));"
    )
    run = subprocess.run(
        [node, "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert [2 * _step(radius, n) for n in counts] == json.loads(run.stdout)
