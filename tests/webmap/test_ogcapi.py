"""OGC API – Features at /ogcapi (issue #21 part 1): the landing page and its links, conformance,
the collections, items with bbox, datetime, limit, paging and filters, one feature, the OpenAPI
document, the HTML view, OGC exceptions for bad input; OWSLib reading every collection through a
served app; the same answers on PostGIS."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from geodata.model import Zone
from layers.ogcapi import COLLECTIONS, CRS84, MAX_LIMIT
from tests.support.ogcapi import ITEMS, PUBLIC, add_zones
from tests.support.web import COUNTY_CODE, county_app, serving
from webmap import get_store


@pytest.fixture
def ogc(tmp_path):
    app = county_app(tmp_path)
    add_zones(app)
    return app


def _get(client, url, status=200):
    answer = client.get(url)
    assert answer.status_code == status, (url, answer.text)
    return answer


def test_the_landing_page_links_what_qgis_and_owslib_need(ogc):
    client = ogc.test_client()
    body = _get(client, "/ogcapi").get_json()
    rels = {link["rel"]: link for link in body["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["href"].endswith("/ogcapi/openapi.json")
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert rels["data"]["href"].endswith("/ogcapi/collections")
    conf = _get(client, "/ogcapi/conformance").get_json()["conformsTo"]
    for cls in ("core", "geojson", "oas30", "html"):
        assert f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{cls}" in conf
    listed = _get(client, "/ogcapi/collections").get_json()["collections"]
    assert [c["id"] for c in listed] == list(PUBLIC)
    assert all(c["itemType"] == "feature" and c["crs"] == [CRS84] for c in listed)
    one = _get(client, "/ogcapi/collections/grid-cells").get_json()
    assert one["extent"]["spatial"]["bbox"] == [[114.0, 22.5, 114.02, 22.52]]
    assert any(link["rel"] == "items" and link["type"] == "application/geo+json" for link in one["links"])


def test_items_page_with_next_and_prev_links_and_counts(ogc):
    client = ogc.test_client()
    answer = _get(client, ITEMS.format("grid-cells") + "?limit=2")
    assert answer.mimetype == "application/geo+json"
    body = answer.get_json()
    assert (body["numberMatched"], body["numberReturned"]) == (5, 2)
    links = {link["rel"]: link for link in body["links"]}
    assert "prev" not in links and links["next"]["type"] == "application/geo+json"
    seen = [f["properties"]["code"] for f in body["features"]]
    while "next" in links:
        body = _get(client, links["next"]["href"].replace("http://localhost", "")).get_json()
        links = {link["rel"]: link for link in body["links"]}
        seen += [f["properties"]["code"] for f in body["features"]]
    assert seen == [f"001-{i}" for i in range(5)]
    assert links["prev"]["href"].endswith("offset=2") and body["numberReturned"] == 1
    cell = body["features"][0]
    assert cell["properties"] == {"code": "001-4", "name": "西园4号网格", "community": "001",
                                  "area_m2": pytest.approx(456_000, rel=0.01)}  # fmt: skip


def test_bbox_filters_and_datetime_pick_what_is_asked(ogc):
    client = ogc.test_client()
    east = _get(client, ITEMS.format("communities") + "?bbox=114.012,22.5,114.02,22.52").get_json()
    assert [f["properties"]["name"] for f in east["features"]] == ["东湖社区"]
    named = _get(client, ITEMS.format("communities") + "?name=西园社区").get_json()
    assert [f["properties"]["code"] for f in named["features"]] == ["001"]
    assert _get(client, ITEMS.format("grid-cells") + "?community=002").get_json()["numberMatched"] == 0
    before = _get(client, ITEMS.format("road-segments") + "?datetime=../2025-05-31").get_json()
    after = _get(client, ITEMS.format("road-segments") + "?datetime=2025-06-02T00:00:00Z").get_json()
    lead = {f["properties"]["name"]: f["properties"]["lead_unit"] for f in before["features"]}
    assert lead == {"福华路": "城管执法局", "金田路": "交警大队", "无人路": None}
    props = {f["properties"]["name"]: f["properties"] for f in after["features"]}
    assert props["金田路"]["lead_unit"] == "环卫所" and props["福华路"]["assisting_units"] == "环卫所"
    assert props["福华路"]["date"] == "2025-06-02"
    assert "person" not in str(after) and "phone" not in str(after)
    by_unit = _get(client, ITEMS.format("road-segments") + "?lead_unit_code=U03").get_json()
    assert [f["properties"]["name"] for f in by_unit["features"]] == ["金田路"]


def test_a_limit_above_the_maximum_is_clamped(ogc):
    body = _get(ogc.test_client(), ITEMS.format("grid-cells") + "?limit=5000").get_json()
    assert (body["numberReturned"], body["numberMatched"]) == (5, 5)  # a 400 would not be


def test_one_feature_and_the_404s(ogc):
    client = ogc.test_client()
    first = _get(client, ITEMS.format("communities") + "?limit=1").get_json()["features"][0]
    one = _get(client, f"/ogcapi/collections/communities/items/{first['id']}").get_json()
    assert one["properties"]["name"] == "西园社区" and one["geometry"]["type"] == "Polygon"
    for url, parameter in (
        ("/ogcapi/collections/nothing", "collectionId"),
        ("/ogcapi/collections/nothing/items", "collectionId"),
        ("/ogcapi/collections/communities/items/999999", "featureId"),
        ("/ogcapi/collections/communities/items/abc", "featureId"),
    ):
        error = _get(client, url, 404).get_json()
        assert set(error) >= {"code", "description"} and error["parameter"] == parameter, url
    assert _get(client, "/ogcapi/nothing", 404).get_json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("bbox=114,22.5,114.02", "bbox"),
        ("bbox=114,22.5,114.02,22.52,5", "bbox"),
        ("bbox=114.02,22.5,114,22.52", "bbox"),
        ("bbox=114,22.5,114.02,22.52&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326", "bbox-crs"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2026-10-01/2026-09-01", "datetime"),
        ("datetime=2026-01-01/2026-02-01/2026-03-01", "datetime"),
        ("datetime=9999-01-01", "datetime"),
        ("limit=0", "limit"),
        ("limit=-5", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("colour=red", "colour"),
        ("f=xml", "f"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(ogc, query, parameter):
    answer = _get(ogc.test_client(), ITEMS.format("road-segments") + "?" + query, 400)
    error = answer.get_json()
    assert error["parameter"] == parameter and error["code"] and error["description"]


def test_the_openapi_document_comes_from_the_collections(ogc):
    answer = _get(ogc.test_client(), "/ogcapi/openapi.json")
    assert answer.headers["Content-Type"].startswith("application/vnd.oai.openapi+json")
    doc = answer.get_json()
    assert doc["openapi"].startswith("3.0") and doc["servers"][0]["url"] == "http://localhost/ogcapi"
    limit = doc["components"]["parameters"]["limit"]["schema"]
    assert (limit["default"], limit["maximum"], limit["minimum"]) == (100, MAX_LIMIT, 1)
    assert "clamped" in doc["components"]["parameters"]["limit"]["description"]
    for c in COLLECTIONS.values():
        get = doc["paths"][f"/collections/{c.id}/items"]["get"]
        names = {p.get("name") for p in get["parameters"]}
        assert set(c.queryables) <= names, c.id
        schema = doc["components"]["schemas"][f"{c.id}-feature"]["properties"]["properties"]
        assert set(schema["properties"]) == set(c.properties)
        assert set(get["responses"]) == {"200", "400", "404"}


def test_the_html_view_is_escaped_in_chinese_and_english_without_script(ogc):
    with ogc.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_zones(
            [Zone(county.id, "subdistrict", "S2", "<script>alert(1)</script>", box(114, 22.5, 114.01, 22.51))]
        )
    client = ogc.test_client()
    page = _get(client, ITEMS.format("subdistricts") + "?f=html")
    assert page.mimetype == "text/html" and "街道" in page.text
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
    assert "<script" not in page.text
    assert "default-src" in page.headers["Content-Security-Policy"]
    english = _get(client, "/ogcapi/collections?f=html&lang=en").text
    assert "Collections" in english and "要素集" not in english
    browser = client.get("/ogcapi/collections", headers={"Accept": "text/html,application/xhtml+xml"})
    assert browser.mimetype == "text/html"
    empty = _get(client, ITEMS.format("subdistricts") + "?f=html&code=none").text
    assert "没有符合条件的要素" in empty


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_owslib_lists_every_collection_and_pages_through_each_once(backend, tmp_path, request):
    from owslib.ogcapi.features import Features

    url = request.getfixturevalue("committed_postgis_url") if backend == "postgis" else None
    app = county_app(tmp_path, url)
    add_zones(app)
    with serving(app) as base:
        api = Features(f"{base}/ogcapi")
        assert set(api.feature_collections()) == set(PUBLIC)
        assert {"core", "geojson"} <= {c.rsplit("/", 1)[1] for c in api.conformance()["conformsTo"]}
        for collection in PUBLIC:
            ids, offset = [], 0
            while True:
                page = api.collection_items(collection, limit=2, offset=offset)
                ids += [f["id"] for f in page["features"]]
                offset += 2
                if not any(link["rel"] == "next" for link in page["links"]):
                    break
            assert len(ids) == len(set(ids)) == page["numberMatched"] > 0, collection
    if url:
        app.extensions["portal_db"].close()


def _answers(app) -> dict:
    client = app.test_client()
    urls = [ITEMS.format(c) + "?limit=3" for c in PUBLIC] + [
        ITEMS.format("road-segments") + "?datetime=2025-05-01&bbox=114.01,22.5,114.02,22.52",
        ITEMS.format("communities") + "?bbox=114.012,22.5,114.02,22.52",
        ITEMS.format("cases")
        + "?limit=7&offset=3&datetime=2024-01-02/2024-01-20&bbox=114.0,22.5,114.01,22.51",
        ITEMS.format("cases") + "?category=parking&limit=1000",
    ]
    return {url: _get(client, url).get_json()["features"] for url in urls}


def test_the_same_features_on_sqlite_and_postgis(committed_postgis_url, tmp_path):
    lite = county_app(tmp_path / "lite")
    pg = county_app(tmp_path / "pg", committed_postgis_url)
    for app in (lite, pg):
        add_zones(app)
    a, b = _answers(lite), _answers(pg)
    pg.extensions["portal_db"].close()
    assert a == b
    assert sum(len(f) for f in a.values()) > 8


def test_the_openapi_document_is_valid_and_the_answers_match_it(ogc):
    from openapi_schema_validator import OAS30Validator
    from openapi_spec_validator import validate

    client = ogc.test_client()
    doc = _get(client, "/ogcapi/openapi.json").get_json()
    validate(doc)

    def check(path: str, url: str, status: str = "200") -> None:
        answer = client.get(url)
        assert str(answer.status_code) == status, (url, answer.text)
        content = doc["paths"][path]["get"]["responses"][status]["content"]
        (schema,) = (c["schema"] for c in content.values())
        OAS30Validator({**schema, "components": doc["components"]}).validate(answer.get_json())

    for c in COLLECTIONS.values():
        if c.public:
            check(f"/collections/{c.id}/items", ITEMS.format(c.id) + "?limit=3&datetime=2025-06-02")
            check(f"/collections/{c.id}/items", ITEMS.format(c.id) + "?limit=0", "400")
    check("/collections/road-segments/items/{featureId}", "/ogcapi/collections/road-segments/items/1")
    check("/collections/road-segments/items/{featureId}", "/ogcapi/collections/road-segments/items/9", "404")
