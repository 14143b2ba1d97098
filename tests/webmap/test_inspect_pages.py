"""The inspection form's page (/inspect) and its target finder (/api/v1/inspection-targets)."""

from __future__ import annotations

import re

import pytest
from shapely.geometry import LineString, box
from werkzeug.security import generate_password_hash

from geodata.model import Assignment, Segment, User, Zone
from tests.support.web import COUNTY_CODE, PASSWORD, SINCE
from webmap import get_store

EVALUATORS = (("xun", "patrol"), ("rd", "npc"), ("zx", "cppcc"), ("jw", "community"))


@pytest.fixture
def evaluators(app, case_users) -> dict:
    """An evaluator of each panel (the committee ``jw`` belongs to 环卫所, which leads 西园社区),
    a grid cell in each community and a segment with no name; returns ids by name."""
    with app.app_context():
        store = get_store()
        cid = store.get_county(COUNTY_CODE).id
        units = {u.code: u for u in store.list_units(cid)}
        for name, panel in EVALUATORS:
            unit = units["U03"].id if panel == "community" else None
            store.add_user(User(name, generate_password_hash(PASSWORD), "inspector", cid, unit, panel=panel))
        communities = {z.name: z for z in store.list_zones(cid, kind="community")}
        cells = store.add_zones(
            [
                Zone(cid, "grid", "001-01", "西园一网格", box(114.000, 22.50, 114.005, 22.51),
                     parent_id=communities["西园社区"].id),
                Zone(cid, "grid", "002-01", "东湖一网格", box(114.015, 22.51, 114.02, 22.52),
                     parent_id=communities["东湖社区"].id),
            ]
        )  # fmt: skip
        (unnamed,) = store.add_segments(
            [Segment(cid, "", LineString([(114.003, 22.512), (114.006, 22.512)]))]
        )
        store.assign(Assignment(cid, units["U03"].id, "segment", unnamed.id, "lead", SINCE))
        ids = {s.name: s.id for s in store.list_segments(cid)} | {z.name: z.id for z in store.list_zones(cid)}
        return ids | {"": unnamed.id, "西园一网格": cells[0].id, "东湖一网格": cells[1].id}


def _names(client, **query) -> list[str]:
    answer = client.get("/api/v1/inspection-targets", query_string=query)
    assert answer.status_code == 200, answer.text
    return [t["name"] for t in answer.get_json()["targets"]]


def test_the_page_shows_a_patrol_its_panel_and_the_form(evaluators, sign_in):
    page = sign_in("xun").get("/inspect")
    assert page.status_code == 200
    html = page.text
    assert "<title>考核评分 · 测试县</title>" in html and "评议组：<b>督查科</b>" in html
    assert 'id="inspect-form"' in html and 'id="inspect-map"' in html and "portal/pages/inspect.js" in html
    assert "/vendor/leaflet/dist/leaflet.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from outside
    assert ">考核评分</a>" in html  # the bar's link, shown to evaluators


def test_a_user_without_a_panel_is_told_they_cannot_score(evaluators, sign_in, leader):
    page = sign_in("insp").get("/inspect")
    assert page.status_code == 200
    assert "您不属于任何评议组" in page.text and "不能进行考核评分" in page.text
    assert 'id="inspect-form"' not in page.text and "inspect.js" not in page.text
    assert ">考核评分</a>" not in page.text  # nor is the bar's link shown
    assert ">考核评分</a>" not in leader.get("/report").text


def test_the_page_needs_a_login(client):
    assert client.get("/inspect").status_code == 302
    assert client.get("/api/v1/inspection-targets?q=路").status_code == 401


def test_search_finds_targets_by_name_and_skips_unnamed_segments(evaluators, sign_in):
    patrol = sign_in("xun")
    answer = patrol.get("/api/v1/inspection-targets?q=福华").get_json()["targets"]
    assert [(t["name"], t["target_kind"], t["kind"], t["checklist_kind"]) for t in answer] == [
        ("福华路", "segment", "segment", "segment")
    ]
    fuhua = answer[0]
    assert fuhua["target_id"] == evaluators["福华路"] and fuhua["kind_zh"] == "路段"
    assert fuhua["place"].startswith("西园社区") and fuhua["geometry"]["type"] == "LineString"
    assert sorted(_names(patrol, q="路")) == ["无人路", "福华路", "金田路"]  # not the unnamed one
    assert _names(patrol, q="") == [] and _names(patrol, q="  ") == []
    assert _names(patrol, q="西园") == ["西园社区", "西园一网格"]  # the exact-ish name first
    cell = patrol.get("/api/v1/inspection-targets?q=东湖一").get_json()["targets"][0]
    assert (cell["target_kind"], cell["kind"], cell["place"]) == ("zone", "grid", "东湖社区")


def test_search_returns_at_most_twenty(app, evaluators, sign_in):
    with app.app_context():
        store = get_store()
        cid = store.get_county(COUNTY_CODE).id
        store.add_segments(
            [Segment(cid, f"支路{i}", LineString([(114.001, 22.501 + i * 1e-4), (114.002, 22.501 + i * 1e-4)]))
             for i in range(25)]
        )  # fmt: skip
    assert len(_names(sign_in("xun"), q="支路")) == 20


def test_a_tap_finds_the_road_then_the_cell_and_its_community(evaluators, sign_in):
    patrol = sign_in("xun")
    assert _names(patrol, lat=22.5051, lon=114.004, near_m=25) == ["福华路", "西园一网格", "西园社区"]
    assert _names(patrol, lat=22.508, lon=114.004, near_m=25) == ["西园一网格", "西园社区"]
    assert _names(patrol, lat=22.6, lon=114.3) == []  # outside the county
    bad = patrol.get("/api/v1/inspection-targets?lat=22.5&lon=东经")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "lon"


def test_committee_members_see_only_what_they_may_score(evaluators, sign_in):
    for member in ("rd", "zx"):  # 人大代表, 政协委员: roads and communities, no grid cells
        client = sign_in(member)
        assert _names(client, q="西园") == ["西园社区"]
        assert _names(client, lat=22.5051, lon=114.004) == ["福华路", "西园社区"]
        assert "评议组：<b>" + ("人大代表" if member == "rd" else "政协委员") in client.get("/inspect").text
    committee = sign_in("jw")  # 环卫所 leads 西园社区 (and so its cells) and the unnamed road only
    assert _names(committee, q="西园") == ["西园社区", "西园一网格"]
    assert _names(committee, q="东湖") == [] and _names(committee, q="福华") == []


def test_the_pieces_of_one_road_are_told_apart_by_the_roads_at_their_ends(app, evaluators, sign_in):
    with app.app_context():
        store = get_store()
        cid = store.get_county(COUNTY_CODE).id
        store.add_segments([
            Segment(cid, "彩田路", LineString([(114.003, 22.501), (114.003, 22.509)])),  # crosses nothing
            Segment(cid, "益田路", LineString([(114.0060, 22.503), (114.0060, 22.5050)])),  # ends on 福华路
            Segment(cid, "深南大道", LineString([(114.001, 22.5020), (114.004, 22.5020)])),
            Segment(cid, "深南大道", LineString([(114.004, 22.5020), (114.007, 22.5020)])),
            Segment(cid, "香梅路", LineString([(114.004, 22.5010), (114.004, 22.5030)])),
            Segment(cid, "新洲路", LineString([(114.007, 22.5010), (114.007, 22.5030)])),
        ])  # fmt: skip
    patrol = sign_in("xun")
    places = sorted(t["place"] for t in patrol.get("/api/v1/inspection-targets?q=深南").get_json()["targets"])
    assert places[0].startswith("近香梅路") and places[1].startswith("香梅路至新洲路段")
    yitian = patrol.get("/api/v1/inspection-targets?q=益田").get_json()["targets"][0]
    assert yitian["place"].startswith("近福华路 · 西园社区")


def test_a_courtyard_is_offered_with_the_cells_checklist_and_a_village_with_the_communitys(
    app, evaluators, sign_in
):
    with app.app_context():
        store = get_store()
        cid = store.get_county(COUNTY_CODE).id
        west = next(z for z in store.list_zones(cid, kind="community") if z.name == "西园社区")
        store.add_zones([
            Zone(cid, "courtyard", "001-Y1", "西园一院", box(114.006, 22.506, 114.008, 22.508), parent_id=west.id),
            Zone(cid, "village", "003", "南岭村", box(114.0, 22.49, 114.02, 22.50)),
        ])  # fmt: skip
    patrol = sign_in("xun")
    (yard,) = patrol.get("/api/v1/inspection-targets?q=西园一院").get_json()["targets"]
    assert (yard["kind"], yard["kind_zh"], yard["checklist_kind"], yard["place"]) == (
        "courtyard", "楼院", "grid", "西园社区"
    )  # fmt: skip
    assert _names(patrol, lat=22.507, lon=114.007, near_m=1) == ["西园一院", "西园社区"]
    (village,) = patrol.get("/api/v1/inspection-targets?q=南岭").get_json()["targets"]
    assert (village["kind_zh"], village["checklist_kind"]) == ("村", "community")
    assert _names(sign_in("rd"), q="南岭") == ["南岭村"] and _names(sign_in("rd"), q="西园一院") == []
    assert _names(sign_in("jw"), q="西园一院") == ["西园一院"]  # in the community its unit leads
