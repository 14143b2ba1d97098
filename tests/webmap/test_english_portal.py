"""The leaders' map (/portal) in English (issue #17 part 6): the page, its layer switcher and legend,
the 驾驶舱 beside it and the texts its scripts get are English for a person who chose English, with
the data's names as they are; the Chinese page and the APIs other clients read stay as they were."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import pytest

from geodata.model import Assignment, Unit
from tests.support.english import (
    chinese_outside,
    data_names,
    english_texts_are_english,
    script_texts,
    switch_language,
)
from tests.support.web import COUNTY_CODE, PASSWORD, login
from webmap import get_store


@pytest.fixture
def names(app) -> set[str]:
    """The county's names, with a community committee (a second kind of unit in the legend) leading
    金田路."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        (committee,) = store.add_units([Unit(county.id, "JWH01", "东湖社区居委会", "community")])
        road = next(s for s in store.list_segments(county.id) if s.name == "金田路")
        store.assign(Assignment(county.id, committee.id, "segment", road.id, "lead",
                                datetime(2024, 6, 1, tzinfo=UTC)))  # fmt: skip
        return data_names(store, county.id)


@pytest.fixture
def english(client):
    login(client, "leader1", PASSWORD)
    switch_language(client, "en")
    return client


def _scripts(page: str) -> str:
    """The page's inline scripts as text, their JSON's escapes undone (the map's layer names,
    legend, filter choices and the tile layers' settings are in them)."""
    code = "\n".join(re.findall(r"<script[^>]*>(.*?)</script>", page, re.S))
    code = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), code)
    return html.unescape(code.replace("<\\/", "</"))


def _legend(page: str) -> str:
    return json.loads(re.search(r"div\.innerHTML = (\".*?\");\n", page).group(1))


def test_the_map_page_is_english(english, names):
    page = english.get("/portal").text
    assert '<html lang="en">' in page
    assert chinese_outside(page, names) == []
    assert chinese_outside(_scripts(page), names) == []
    assert "Responsibility map" in page and "Dashboard" in page and "Closure rate" in page
    assert '"community": "/c/{code}?lang=en"' in page  # a popup's link to the public page
    assert "Click a category, month, unit or status" in page
    legend = _legend(page)
    for words in ("Legend", "No layer is on", "Government department", "Community committee",
                  "units: 1 · segments: 1", "Unassigned (no lead unit)", "To dispatch", "To verify",
                  "Grade A ≥ 90 points", "Area in no community", "Illegal posters", "Illegal parking"):  # fmt: skip
        assert words in legend, words
    scripts = _scripts(page)
    for words in ("Communities", "Grid cells", "Road segments", "Problems", "Review queue", "Heat map",
                  "Coverage gaps", "Evaluation scores", "Sent back for rework", "Arterial road",
                  "Road data ©"):  # fmt: skip
        assert words in scripts, words


def test_the_map_scripts_get_english_texts(english, names):
    page = english.get("/portal").text
    texts = script_texts(page, "portal.map")
    assert english_texts_are_english(texts) == []
    assert texts["search_none"] == "Nothing found for “{q}”" and texts["locale"] == "en-US"
    assert texts["status_no_scores"].startswith("Evaluation scores: no evaluation in view for {month}")
    charts = script_texts(page, "portal.charts")
    assert english_texts_are_english(charts) == [] and charts["closure_rate"] == "Closure rate {rate}"
    chart_names = json.loads(html.unescape(re.search(r'data-names="([^"]*)"', page).group(1)))
    assert chart_names["categories"]["posters"] == "Illegal posters"
    assert english_texts_are_english(chart_names["categories"]) == []
    assert chart_names["statuses"]["filed"] == "To dispatch"
    assert chart_names["statuses"]["reopened"] == "Sent back for rework"


def test_the_months_of_the_score_layer_are_english(english, names):
    scripts = _scripts(english.get("/portal").text)
    months = json.loads(re.search(r'"scoreMonths": (\[.*?\])', scripts).group(1))
    assert len(months) == 12 and all(re.fullmatch(r"[A-Z][a-z]+ \d{4}", m["label"]) for m in months)


def test_the_chinese_page_is_as_it_was(client, names):
    login(client, "leader1", PASSWORD)
    page = client.get("/portal").text
    assert 'lang="zh-CN"' in page and "责任区地图" in page and "驾驶舱" in page
    texts = script_texts(page, "portal.map")
    assert texts["search_none"] == "没有找到“{q}”" and texts["status_incidents"] == "视图内问题 {n} 件"
    legend = _legend(page)
    assert "未分配（无牵头单位）" in legend and "A 档 ≥ 90 分" in legend and "社区居委会" in legend
    assert re.search(r'"scoreMonths": \[\{"label": "\d{4} 年 \d{1,2} 月"', _scripts(page))


def test_english_asks_the_apis_for_nothing_new_but_a_case_category(english, names):
    """The APIs keep their fields (other clients read them); a case found by number also says its
    category's code, which the English page names."""
    results = english.get("/api/v1/search?q=3").get_json()["results"]
    assert results[0]["kind"] == "case" and results[0]["name"].startswith("案件 #3 ")
    assert results[0]["category"] in ("posters", "parking")
    board = english.get("/api/v1/dashboard").get_json()
    assert board["statuses"][0]["name"] == "待派发"
    layer_names = english.get("/api/v1/layers").get_json()["layers"]
    assert {"name": "zones", "title": "社区"} in layer_names


def test_the_map_refuses_a_visitor_not_signed_in_in_english(client):
    answer = client.get("/portal?lang=en")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert '<li class="info">Please sign in first.</li>' in client.get(answer.headers["Location"]).text
