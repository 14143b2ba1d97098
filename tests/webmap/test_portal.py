"""The portal page, the layer API and the vendor files, on the small county of conftest."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from werkzeug.security import generate_password_hash

from geodata.model import Assignment, Unit, User
from layers.roads import UNGUARDED_COLOUR, UNIT_KINDS
from tests.support.web import COUNTY_CODE, SINCE, login, off_site_urls
from webmap import create_app, get_store
from webmap.serve import prepare
from webmap.views.assets import VENDOR_FOLDERS

ROOT = Path(__file__).resolve().parents[2]
WHOLE = "bbox=113.99,22.49,114.03,22.53"
BUREAU, COMMITTEE = UNIT_KINDS["bureau"][1], UNIT_KINDS["community"][1]


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.mimetype == "application/json"
    return response.get_json()


# -- bbox and zoom refused at the edge ----------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "bbox is required"),
        ("bbox=1,2,3", "bbox needs 4 numbers"),
        ("bbox=1,2,3,x", "bbox needs 4 numbers"),
        ("bbox=1,2,3,4,5", "bbox needs 4 numbers"),
        ("bbox=1,2,nan,4", "bbox needs 4 numbers"),
        ("bbox=114.1,22.5,114.0,22.6", "bbox minx > maxx"),
        ("bbox=114.0,22.6,114.1,22.5", "bbox miny > maxy"),
        ("bbox=114,22.5,190,22.6", "longitude/latitude"),
        (f"{WHOLE}&zoom=x", "zoom must be an integer"),
        (f"{WHOLE}&zoom=40", "zoom must be between 0 and 22"),
    ],
)
def test_bad_bbox_or_zoom_is_a_400_naming_the_field(leader, query, message):
    body = get_json(leader, f"/api/v1/layers/roads?{query}", status=400)
    assert body["error"]["code"] in ("invalid_bbox", "invalid_zoom")
    assert message in body["error"]["message"]


def test_unknown_layer_is_a_json_404(leader):
    body = get_json(leader, f"/api/v1/layers/nope?{WHOLE}", status=404)
    assert body["error"]["code"] == "not_found"
    assert "roads" in body["error"]["message"]


def test_unknown_api_path_is_json_and_unknown_page_is_chinese(leader):
    assert get_json(leader, "/api/v1/nothing", status=404)["error"]["code"] == "not_found"
    page = leader.get("/nothing-here")
    assert page.status_code == 404 and "页面不存在" in page.text


# -- layer contents -----------------------------------------------------------------------------
def test_layer_index_lists_the_layers(leader):
    body = get_json(leader, "/api/v1/layers")
    assert [(x["name"], x["title"]) for x in body["layers"]] == [
        ("zones", "社区"),
        ("roads", "路段"),
        ("incidents", "问题"),
        ("coverage", "覆盖缺口"),
        ("scores", "考核得分"),
        ("unit", "单位责任区"),
    ]


def test_the_unit_layer_shows_what_one_unit_guards(leader):
    """城管执法局 (U01) leads 福华路 only; 环卫所 (U03) leads 西园社区; no unit: nothing."""
    bbox = "114.0,22.5,114.02,22.52"
    body = get_json(leader, f"/api/v1/layers/unit?bbox={bbox}&zoom=15&unit=U01")
    assert [(f["properties"]["target"], f["properties"]["name"]) for f in body["features"]] == [
        ("segment", "福华路")
    ]
    assert body["unit"] == {"code": "U01", "name": "城管执法局", "zones": 0, "segments": 1}
    body = get_json(leader, f"/api/v1/layers/unit?bbox={bbox}&zoom=15&unit=U03")
    assert [(f["properties"]["name"], f["properties"]["role"]) for f in body["features"]] == [
        ("西园社区", "lead")
    ]
    assert get_json(leader, f"/api/v1/layers/unit?bbox={bbox}&zoom=15")["features"] == []
    unknown = leader.get(f"/api/v1/layers/unit?bbox={bbox}&zoom=15&unit=NOPE")
    assert unknown.status_code == 404 and "NOPE" in unknown.get_json()["error"]["message"]


def test_zones_layer_has_the_communities_and_their_lead_unit(leader):
    body = get_json(leader, f"/api/v1/layers/zones?{WHOLE}&zoom=15")
    assert body["type"] == "FeatureCollection"
    props = {f["properties"]["name"]: f["properties"] for f in body["features"]}
    assert set(props) == {"西园社区", "东湖社区"}
    assert props["西园社区"]["unit_name"] == "环卫所"
    assert props["东湖社区"]["unit_id"] is None
    assert all(f["geometry"]["type"] == "Polygon" for f in body["features"])


def test_zones_layer_only_returns_the_viewport(leader):
    body = get_json(leader, "/api/v1/layers/zones?bbox=114.001,22.501,114.005,22.505&zoom=16")
    assert [f["properties"]["name"] for f in body["features"]] == ["西园社区"]


def test_roads_are_coloured_by_the_kind_of_lead_unit_and_gaps_flagged(app, leader):
    """Two bureaus' roads in the bureaus' colour, named each by its unit; a committee's road, once it
    takes one over, in the committees' colour; the gap grey."""
    body = get_json(leader, f"/api/v1/layers/roads?{WHOLE}&zoom=15")
    props = {f["properties"]["name"]: f["properties"] for f in body["features"]}
    assert (props["福华路"]["unit_name"], props["金田路"]["unit_name"]) == ("城管执法局", "交警大队")
    for road in ("福华路", "金田路"):
        assert props[road]["colour"] == BUREAU, road
        assert (props[road]["unit_kind"], props[road]["unit_kind_name"]) == ("bureau", "职能部门")
    gap = props["无人路"]
    assert gap["guarded"] is False and gap["unit_id"] is None and gap["unit_kind"] is None
    assert gap["unit_name"] == "未分配" and gap["colour"] == UNGUARDED_COLOUR
    assert body["unguarded"] == 1
    _committee_takes_over(app, "金田路")
    body = get_json(leader, f"/api/v1/layers/roads?{WHOLE}&zoom=15")
    props = {f["properties"]["name"]: f["properties"] for f in body["features"]}
    assert props["金田路"]["unit_name"] == "东湖社区居委会" and props["金田路"]["colour"] == COMMITTEE
    assert props["金田路"]["unit_kind_name"] == "社区居委会" and props["福华路"]["colour"] == BUREAU


def _committee_takes_over(app, road: str) -> None:
    """东湖社区居委会 (a community committee) leads ``road`` from a day after SINCE."""
    with app.app_context():
        store = get_store()
        cid = store.get_county(COUNTY_CODE).id
        (unit,) = store.add_units([Unit(cid, "JWH01", "东湖社区居委会", "community")])
        (segment,) = [s for s in store.list_segments(cid) if s.name == road]
        store.assign(Assignment(cid, unit.id, "segment", segment.id, "lead", SINCE + timedelta(days=1)))


def test_roads_layer_filters_by_bbox(leader):
    body = get_json(leader, "/api/v1/layers/roads?bbox=114.0,22.50,114.009,22.51&zoom=16")
    assert [f["properties"]["name"] for f in body["features"]] == ["福华路"]


def test_incidents_are_clustered_when_zoomed_out(leader):
    body = get_json(leader, f"/api/v1/layers/incidents?{WHOLE}&zoom=12")
    assert body["clustered"] is True and body["total"] == 35
    counts = sorted(f["properties"]["count"] for f in body["features"])
    assert sum(counts) == 35 and len(counts) <= 2
    assert all(f["properties"]["cluster"] for f in body["features"])


def test_incidents_are_points_when_zoomed_in(leader):
    body = get_json(leader, f"/api/v1/layers/incidents?{WHOLE}&zoom=18")
    assert body["clustered"] is False and len(body["features"]) == 35
    names = {f["properties"]["category_name"] for f in body["features"]}
    assert names == {"乱停车", "牛皮癣"}


def test_incidents_layer_filters_by_bbox(leader):
    body = get_json(leader, "/api/v1/layers/incidents?bbox=114.014,22.514,114.016,22.516&zoom=14")
    assert body["total"] == 5


def test_units_api_gives_the_legend_colours(leader):
    body = get_json(leader, "/api/v1/units")
    assert body["county"] == {"code": "990001", "name": "测试县"}
    assert [u["name"] for u in body["units"]] == ["城管执法局", "交警大队", "环卫所"]
    assert all((u["colour"], u["kind_name"]) == (BUREAU, "职能部门") for u in body["units"])
    assert body["unassigned"] == {"name": "未分配", "colour": UNGUARDED_COLOUR}


# -- the page and its files ----------------------------------------------------------------------
class _Links(HTMLParser):
    """Collects the URLs a browser would fetch by itself: script src and link href."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def test_portal_page_loads_nothing_from_outside(leader):
    page = leader.get("/portal")
    assert page.status_code == 200
    parser = _Links()
    parser.feed(page.text)
    assert any(u.endswith("leaflet.js") for u in parser.urls)
    outside = [
        u
        for u in parser.urls
        if urlparse(u).scheme or u.startswith("//")
        if urlparse(u).hostname not in ("127.0.0.1", "localhost")
    ]
    assert outside == []
    for url in parser.urls:
        assert leader.get(url).status_code == 200, url


def _in_page(text: str, words: str) -> bool:
    """Words as written, or as the JSON escapes folium's scripts carry them."""
    return words in text or json.dumps(words)[1:-1] in text


def test_portal_page_has_the_county_layers_and_legend(leader):
    text = leader.get("/portal").text
    assert "测试县" in text
    for words in ("社区", "单元网格", "路段", "问题", "审核队列", "图例", "未分配", "城管执法局", "交警大队"):
        assert _in_page(text, words), words
    assert "OpenStreetMap contributors" in text
    assert "L.control.layers" in text


def test_portal_draws_zones_roads_and_incidents_from_vector_tiles(leader):
    text = leader.get("/portal").text
    # folium's VectorGrid layers on our tiles, with the served copy of VectorGrid (not unpkg's).
    for layer in ("zones", "roads", "incidents"):
        assert re.search(
            rf"L\.vectorGrid\.protobuf\(\s*'/tiles/{layer}/\{{z\}}/\{{x\}}/\{{y\}}\.mvt'", text
        ), layer
    for status in ("filed", "handled"):  # the 审核队列, a layer per queue
        assert f"'/tiles/incidents/{{z}}/{{x}}/{{y}}.mvt?status={status}'" in text
    assert "/vendor/leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js" in text
    assert off_site_urls(text) == []
    assert "/api/v1/layers/roads" not in text
    # The legend: a part per layer, those of the layers off at first hidden.
    legend = json.loads(re.search(r"div\.innerHTML = (\".*?\");\n", text).group(1))
    parts = dict(re.findall(r'<section data-layer="(\w+)"( hidden)?>', legend))
    overlays = {"zones", "grid", "roads", "incidents", "review", "heat", "coverage", "scores", "unit"}
    assert set(parts) == overlays
    assert {name for name, hidden in parts.items() if not hidden} == {"zones", "roads", "incidents"}


def _roads_legend(client) -> list[str]:
    """The entries of the legend's 路段 part on /portal, as text."""
    legend = json.loads(re.search(r"div\.innerHTML = (\".*?\");\n", client.get("/portal").text).group(1))
    part = re.search(r'<section data-layer="roads">(.*?)</section>', legend, re.S).group(1)
    return [re.sub(r"<[^>]+>", " ", li).split() for li in re.findall(r"<li[^>]*>(.*?)</li>", part, re.S)]


def test_the_legend_lists_the_kinds_of_unit_leading_roads_not_the_units(app, leader):
    assert _roads_legend(leader) == [
        ["职能部门", "2", "个单位", "·", "2", "段"],
        ["未分配（无牵头单位）"],
    ]
    _committee_takes_over(app, "金田路")
    assert _roads_legend(leader) == [
        ["职能部门", "1", "个单位", "·", "1", "段"],
        ["社区居委会", "1", "个单位", "·", "1", "段"],
        ["未分配（无牵头单位）"],
    ]


def test_vendor_route_serves_only_listed_files(client):
    response = client.get("/vendor/leaflet/dist/leaflet.js")
    assert response.status_code == 200
    assert "javascript" in response.mimetype
    for url in (
        "/vendor/leaflet/package.json",
        "/vendor/leaflet/src/Leaflet.js",
        "/vendor/leaflet/dist/../package.json",
        "/vendor/nosuch/dist/x.js",
    ):
        assert client.get(url).status_code == 404, url


def test_vendor_packages_are_pinned_by_the_lock_file():
    dependencies = json.loads((ROOT / "package.json").read_text())["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for package in VENDOR_FOLDERS:
        assert package in dependencies
        assert lock[f"node_modules/{package}"]["version"] == dependencies[package]


def _empty_app(tmp_path, seed_demo_on_start: bool = False):
    return create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 'empty.sqlite'}",
            "instance_path": str(tmp_path),
            "testing": True,
            "seed_demo_on_start": seed_demo_on_start,
        }
    )


def test_portal_without_the_county_says_how_to_make_it(tmp_path):
    app = _empty_app(tmp_path)
    with app.app_context():
        get_store().migrate()
        get_store().add_user(User("admin1", generate_password_hash("pw-123456"), "admin"))
    client = app.test_client()
    login(client, "admin1", "pw-123456")
    page = client.get("/portal")
    assert page.status_code == 404 and "seed-demo" in page.text
    body = get_json(client, f"/api/v1/layers/roads?{WHOLE}", status=404)
    assert "seed-demo" in body["error"]["message"]


# -- starting the portal (python app.py) ----------------------------------------------------------
def test_first_start_migrates_and_seeds_the_demo_once(tmp_path, capsys):
    app = _empty_app(tmp_path, seed_demo_on_start=True)
    result = prepare(app)
    assert result is not None and result.county.code == "440304"
    assert {u.role for u in result.users} == {"admin", "leader", "unit_staff", "inspector"}
    assert prepare(app) is None  # the second start finds the county and seeds nothing
    client = app.test_client()
    leader = next(u for u in result.users if u.role == "leader")
    login(client, leader.username, leader.password)
    assert "福田示范区" in client.get("/portal").text


def test_start_without_demo_only_migrates(tmp_path):
    app = _empty_app(tmp_path, seed_demo_on_start=False)
    assert prepare(app) is None
    with app.app_context():
        assert get_store().list_counties() == []


def test_the_map_search_finds_cases_units_communities_and_roads(leader):
    def kinds(q):
        return [(r["kind"], r["name"]) for r in get_json(leader, f"/api/v1/search?q={q}")["results"]]

    assert kinds("%233") == [("case", "案件 #3 牛皮癣")]  # "#3", encoded
    assert kinds("城管") == [("unit", "城管执法局")]
    assert kinds("西园") == [("community", "西园社区")]
    assert kinds("福华") == [("road", "福华路")]
    assert kinds("nothing-like-it") == [] and kinds("%2399999") == []
    case = get_json(leader, "/api/v1/search?q=3")["results"][0]
    assert case["id"] == 3 and case["bbox"][0] < 114.005 < case["bbox"][2]
    too_long = leader.get("/api/v1/search?q=" + "路" * 51)
    assert too_long.status_code == 400 and "最多 50 字" in too_long.get_json()["error"]["message"]


def test_the_dashboard_counts_what_the_filters_pick(leader):
    """The test county's 35 incidents: reported daily from 1 January 2024, posters on even days,
    parking on odd ones, all still waiting (filed), none with a unit."""
    body = get_json(leader, "/api/v1/dashboard")
    assert body["totals"] == {"total": 35, "open": 35, "closed": 0, "overdue": 0, "supervised": 0,
                              "on_time_rate": None, "closure_rate": 0.0, "rework_rate": None}  # fmt: skip
    assert body["trend"]["months"] == ["2024-01", "2024-02"]
    assert [(s["category"], s["counts"]) for s in body["trend"]["series"]] == [
        ("posters", [16, 2]),
        ("parking", [15, 2]),
    ]
    assert body["statuses"] == [{"status": "filed", "name": "待派发", "count": 35}] and body["ranking"] == []
    narrowed = get_json(leader, "/api/v1/dashboard?category=posters&from=2024-01-01&to=2024-01-31")
    assert narrowed["totals"]["total"] == 16
