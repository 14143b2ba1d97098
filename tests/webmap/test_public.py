"""The public pages and API, asked by someone without an account: the map (/), a community's page
(/c/<code>) and /api/public/...; cached, cookie-free, in Chinese or (with ?lang=en) English, and
never naming a person or an exact score."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from shapely.geometry import box

from demo.posts import demo_year
from geodata.assignments.postings import month_span
from geodata.model import Assignment, Zone
from geodata.scores import titles
from layers.score_map import default_month
from layers.scores import previous_month, score_settings, target_scores
from tests.support.web import COUNTY_CODE
from webmap import get_store
from webmap.i18n import EN, ZH
from webmap.mapbuild import ATTRIBUTION

PAGES = ("/", "/?lang=en", "/c/001", "/c/001?lang=en")
APIS = ("/api/public/communities", "/api/public/communities/001", "/api/public/search?q=社区",
        "/api/public/roads?bbox=114,22.5,114.02,22.52&zoom=15")  # fmt: skip
STAFF = ("王小明", "13812345678")


@pytest.fixture
def town(app):
    """测试县 with 西园社区 rated 精品 and titled, its lead unit's hotline set, a post that names a
    person, and a grid cell (not a community: it has no page)."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        west = next(z for z in store.list_zones(county.id) if z.code == "001")
        units = {u.code: u for u in store.list_units(county.id)}
        store.update_unit(replace(units["U03"], hotline="0755-12319"))
        store.assign(Assignment(county.id, units["U01"].id, "zone", west.id, "assist", datetime(2024, 1, 1, tzinfo=UTC),
                                person=STAFF[0], phone=STAFF[1]))  # fmt: skip
        store.add_zones([Zone(county.id, "grid", "001001", "西园1号网格", box(114.0, 22.5, 114.005, 22.505),
                              parent_id=west.id)])  # fmt: skip
        titles.confirm_tier(store, county, west.id, "精品", "2026-09", None, "admin")
        titles.award_title(store, county, west.id, "文明巷弄", date(2025, 4, 1), "admin")
    return app


def test_the_home_page_is_the_public_map(client, town):
    page = client.get("/")
    assert page.status_code == 200 and 'lang="zh-CN"' in page.text
    html = page.text
    for text in ("测试县", "图例", "社区等次", "精品", "达标", "攻坚", "未评定", "文明社区", "文明楼院", "文明巷弄",
                 "随手拍", "工作人员登录", "查找社区或道路", ">English</a>"):  # fmt: skip
        assert text in html, text
    assert 'href="/login"' in html and 'href="/reports/new"' in html and 'href="/?lang=en"' in html
    assert "/vendor/leaflet/dist/leaflet.js" in html and "public/public.js" in html
    assert "OpenStreetMap contributors" in html and "csrf" not in html.lower()
    assert not re.search(r"<[^>]+style=", html)  # no inline CSS


@pytest.mark.parametrize("url", PAGES + APIS)
def test_public_answers_are_cached_and_set_no_cookie(client, town, url):
    first = client.get(url)
    assert first.status_code == 200
    assert "Set-Cookie" not in first.headers
    assert first.headers["Cache-Control"] in ("public, max-age=60", "max-age=60, public")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(url, headers={"If-None-Match": '"something else"'}).status_code == 200


def test_english_is_in_the_url_only(client, town):
    en = client.get("/?lang=en")
    assert 'lang="en"' in en.text
    for text in ("Legend", "Exemplary", "Up to standard", "Improving", "Not rated", "Civilized community",
                 "Civilized compound", "Civilized lane", "Staff sign-in", "Report a problem"):  # fmt: skip
        assert text in en.text, text
    assert 'href="/"' in en.text and ">中文</a>" in en.text and 'href="/reports/new?lang=en"' in en.text
    assert "工作人员登录" not in en.text
    client.set_cookie("lang", "en")
    zh = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="zh-CN"' in zh.text and "图例" in zh.text
    assert zh.headers["ETag"] != en.headers["ETag"]
    assert 'lang="zh-CN"' in client.get("/?lang=fr").text


def test_a_communitys_page(client, town):
    page = client.get("/c/001")
    assert page.status_code == 200
    html = page.text
    for text in ("西园社区", "精品", "文明巷弄", "2025-04-01 起", "环卫所", "0755-12319", 'href="tel:075512319"',
                 "牵头单位", "城管执法局", "联系单位", "解决问题", "该月未考评"):  # fmt: skip
        assert text in html, text
    assert not [s for s in STAFF if s in html]
    en = client.get("/c/001?lang=en").text
    for text in ("Exemplary", "Civilized lane", "since 2025-04-01", "Lead unit", "Hotline", "Responsible units",
                 "Not evaluated that month", "西园社区"):  # fmt: skip
        assert text in en, text


@pytest.mark.parametrize("code", ["999", "001001"])
def test_an_unknown_code_or_a_cell_has_no_page(client, town, code):
    page = client.get(f"/c/{code}")
    assert page.status_code == 404
    assert f"没有编号为“{code}”的社区" in page.text and "返回地图" in page.text
    assert "Set-Cookie" not in page.headers and "ETag" not in page.headers
    assert "Community not found" in client.get(f"/c/{code}?lang=en").text
    answer = client.get(f"/api/public/communities/{code}")
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"
    assert "Cache-Control" not in answer.headers


def test_the_public_api_shapes(client, town):
    layer = client.get("/api/public/communities").get_json()
    assert layer["type"] == "FeatureCollection"
    assert [f["properties"] for f in layer["features"]] == [
        {"code": "001", "name": "西园社区", "tier": "精品", "titles": ["文明巷弄"]},
        {"code": "002", "name": "东湖社区", "tier": None, "titles": []},
    ]
    facts = client.get("/api/public/communities/001").get_json()
    assert set(facts) == {"code", "kind", "name", "tier", "titles", "month", "score_band", "latest_score_band", "units",
                          "fixed_last_month", "reports", "bbox", "geometry"}  # fmt: skip
    assert facts["units"] == [
        {"name": "环卫所", "hotline": "0755-12319", "role": "lead"},
        {"name": "城管执法局", "hotline": "", "role": "assist"},
    ]
    assert (facts["month"], facts["score_band"], facts["fixed_last_month"]) == (default_month(), None, 0)
    assert facts["latest_score_band"] is None  # never inspected
    found = client.get("/api/public/search?q=路").get_json()
    assert found["query"] == "路"
    assert [(r["kind"], r["name"], r["code"]) for r in found["results"]] == [
        ("road", "无人路", None), ("road", "福华路", None), ("road", "金田路", None),
    ]  # fmt: skip
    assert found["results"][1]["bbox"] == [114.002, 22.505, 114.008, 22.505]
    assert client.get("/api/public/search?q=").get_json()["results"] == []
    roads = client.get("/api/public/roads?bbox=114,22.5,114.02,22.52&zoom=15").get_json()
    assert sorted(f["properties"]["name"] for f in roads["features"]) == ["无人路", "福华路", "金田路"]
    assert {tuple(f["properties"]) for f in roads["features"]} == {("name",)}
    far = client.get("/api/public/roads?bbox=114,22.5,114.02,22.52&zoom=10").get_json()
    assert far["features"] == [] and far["min_zoom"] == 12


def test_the_public_api_refuses_bad_input_in_json(client):
    assert client.get("/api/public/roads?bbox=1,2,3").get_json()["error"]["code"] == "invalid_bbox"
    answer = client.get("/api/public/search?q=" + "社" * 51)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["field"] == "q"


def test_the_two_catalogues_have_the_same_keys():
    assert set(ZH) == set(EN) and ZH["map.attribution"] == ATTRIBUTION


# -- on the demo county ------------------------------------------------------------------------------
def test_the_demo_communities_layer_is_small(demo):
    app, _ = demo
    answer = app.test_client().get("/api/public/communities")
    assert answer.status_code == 200 and len(answer.get_json()["features"]) >= 10
    assert len(answer.data) < 2 * 1024 * 1024


def test_no_demo_page_names_staff_or_shows_a_score(demo):
    """Every demo community's page and facts: no post's person or phone, no exact score."""
    app, _ = demo
    client = app.test_client()
    with app.app_context():
        store = get_store()
        county = store.get_county("440304")
        private = {
            x
            for a in store.unit_assignments(county.id, None, *month_span(demo_year().start.strftime("%Y-%m")))
            for x in (a.person, a.phone)
        }
        private |= {
            x for a in store.assignments_at(county.id, datetime.now(UTC)) for x in (a.person, a.phone)
        }
        private -= {""}
        since, until = month_span(default_month())
        scores = target_scores(store, county, since, until, score_settings(store))
        communities = store.list_zones(county.id, kind="community")
    assert private and scores
    bands = 0
    for zone in communities:
        html = client.get(f"/c/{zone.code}").text
        facts = json.dumps(client.get(f"/api/public/communities/{zone.code}").get_json(), ensure_ascii=False)
        assert not [p for p in private if p in html or p in facts], zone.name
        scored = scores.get(("zone", zone.id))
        if scored is not None:
            bands += 1
            if not float(scored.score).is_integer():  # a whole number could be a band's end
                assert f"{scored.score:g}" not in html and f"{scored.score:.1f}" not in html
            assert re.search(r"[ABC] (优秀|良好|待提升)（\d+–\d+ 分）", html)
    assert bands >= 1


def test_a_community_not_scored_last_month_shows_its_latest_evaluation(app, client, town):
    from geodata.model import Inspection

    earlier = previous_month(previous_month(default_month()))  # two months before last
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        west = next(z for z in store.list_zones(county.id, kind="community") if z.code == "001")
        at = month_span(earlier)[0] + timedelta(days=9)
        store.add_inspections([Inspection(county.id, "zone", west.id, "insp", "patrol", at, 92.0)])
    page = client.get("/c/001").text
    assert "该月未考评" in page and f"最近一次考评（{earlier[:4]} 年 {int(earlier[5:])} 月）：" in page
    assert 'class="band latest grade-' in page
    facts = client.get("/api/public/communities/001").get_json()
    assert facts["score_band"] is None and facts["latest_score_band"]["month"] == earlier
    assert "Last evaluated" in client.get("/c/001?lang=en").text


def test_a_villages_page_calls_it_a_village(app, client):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_zones([Zone(county.id, "village", "V01", "南岭村", box(114.03, 22.53, 114.04, 22.54))])
    page = client.get("/c/V01").text
    assert "南岭村" in page and "村等次" in page and "村范围" in page and "社区等次" not in page
    english = client.get("/c/V01?lang=en").text
    assert "Village tier" in english and "Village boundary" in english and "Community tier" not in english
    assert client.get("/api/public/communities/V01").get_json()["kind"] == "village"
