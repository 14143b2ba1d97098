"""The coverage report on the web and the command line, on the small county 测试县 of conftest:
东湖社区 has no lead unit, 无人路 no lead unit, and the incidents were stored unrouted (the layer in
Chromium: tests/browser/test_browser_coverage.py)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from geodata.assignments.postings import day_start
from webmap import get_store

AT = "2024-02-01"
WHOLE = "bbox=113.99,22.49,114.03,22.53"


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.mimetype == "application/json"
    return response.get_json()


def test_api_reports_every_kind_of_gap(leader, app):
    body = get_json(leader, f"/api/v1/coverage?at={AT}")
    assert body["county"] == {"code": "990001", "name": "测试县"}
    assert body["at"] == "2024-02-01T00:00:00+08:00" and body["area_source"] == "extent"
    assert body["summary"]["uncovered_m2"] == 0 and body["uncovered"] == []  # two communities tile it
    assert [z["name"] for z in body["unguarded_zones"]] == ["东湖社区"]
    assert [s["name"] for s in body["unguarded_segments"]] == ["无人路"]
    # Each guarded road is led by a bureau with no post in the community around it.
    assert sorted((w["name"], w["unit_name"]) for w in body["warnings"]) == [
        ("福华路", "城管执法局"),
        ("金田路", "交警大队"),
    ]
    assert body["summary"]["unrouted_incidents"] == _unrouted_in_window(app) == 30


def test_unit_staff_see_the_gaps_but_not_the_unassigned_cases(case_users, sign_in):
    staff = sign_in("cg")
    body = get_json(staff, f"/api/v1/coverage?at={AT}")
    assert [z["name"] for z in body["unguarded_zones"]] == ["东湖社区"]
    assert body["unrouted_incidents"] is None and body["summary"]["unrouted_incidents"] is None
    page = staff.get(f"/portal/coverage?at={AT}")
    assert page.status_code == 200 and "明细只有领导和管理员可见" in page.text
    assert "incident:" not in page.text


def _unrouted_in_window(app) -> int:
    until = day_start(date.fromisoformat(AT))
    with app.app_context():
        store = get_store()
        county = store.get_county("990001")
        incidents = store.list_incidents(county.id, since=until - timedelta(days=30), until=until)
    return sum(1 for i in incidents if i.unit_id is None)


@pytest.mark.parametrize("raw", ["2024-13-01", "yesterday", "2024-02-30", "2024/02/01"])
def test_a_bad_day_is_a_400_naming_the_field(leader, raw):
    body = get_json(leader, f"/api/v1/coverage?at={raw}", status=400)
    assert body["error"]["code"] == "invalid_input"
    assert body["error"]["message"].startswith("at 应为日期 YYYY-MM-DD")
    page = leader.get(f"/portal/coverage?at={raw}")
    assert page.status_code == 400 and "请求有误" in page.text


def test_the_report_needs_a_login(client):
    assert get_json(client, "/api/v1/coverage", status=401)["error"]["code"] == "unauthorized"
    page = client.get("/portal/coverage")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_the_page_has_a_table_per_gap_whose_rows_open_the_map(leader):
    text = leader.get(f"/portal/coverage?at={AT}").text
    for words in ("覆盖缺口报告", "无社区覆盖的区域", "无牵头单位的社区/网格", "无牵头单位的路段", "同级区域重叠",
                  "东湖社区", "无人路", "城管执法局", "近30天未派发到单位的问题"):  # fmt: skip
        assert words in text, words
    links = [urlparse(h.replace("&amp;", "&")) for h in re.findall(r'class="maplink" href="([^"]+)"', text)]
    assert links and all(u.path == "/portal" for u in links)
    queries = [parse_qs(u.query) for u in links]
    assert {q["overlay"][0] for q in queries} == {"coverage"}
    assert all(len(q["bbox"][0].split(",")) == 4 for q in queries)
    focus = {q["focus"][0].split(":")[0] for q in queries}
    assert focus == {"zone", "segment", "incident"}


def test_cli_json_is_the_api_report(leader, runner):
    result = runner.invoke(args=["coverage", "--county", "990001", "--json", "--at", AT])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == get_json(leader, f"/api/v1/coverage?at={AT}")


def test_cli_table_and_refusals(runner):
    result = runner.invoke(args=["coverage", "--at", AT])
    assert result.exit_code == 0, result.output
    assert "测试县 (990001) 覆盖缺口" in result.output
    assert "无牵头单位的路段 / segments with no lead: 1" in result.output and "无人路" in result.output
    unknown = runner.invoke(args=["coverage", "--county", "123456"])
    assert unknown.exit_code == 1 and "Error: 县区 123456 不存在" in unknown.output
    bad = runner.invoke(args=["coverage", "--at", "2024-02-30"])
    assert bad.exit_code == 2 and "--at" in bad.output


def test_the_layer_api_draws_the_gaps(leader):
    body = get_json(leader, f"/api/v1/layers/coverage?{WHOLE}&zoom=15")
    gaps = sorted((f["properties"]["gap"], f["properties"]["name"]) for f in body["features"])
    assert gaps == [("unguarded_segment", "无人路"), ("unguarded_zone", "东湖社区")]


def test_portal_links_the_report_and_offers_the_layer(leader):
    text = leader.get("/portal").text
    assert 'href="/portal/coverage"' in text
    for words in ("覆盖缺口", "无牵头单位的路段"):  # the layer's name and its legend entry
        # folium's scripts carry text as JSON escapes
        assert words in text or json.dumps(words)[1:-1] in text, words
    assert '"coverage"' in text and "gapColour" in text
