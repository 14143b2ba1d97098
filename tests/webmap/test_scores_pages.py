"""The 争先创优 page (/scores): the demo's ranking, exposure list and rules; months refused in
Chinese; the empty states on the small county (its screenshot in Chromium:
tests/browser/test_browser_scores_pages.py)."""

from __future__ import annotations

import re

import pytest

from layers.score_map import default_month
from tests.support.web import DEMO_MONTH, DEMO_MONTH_BEFORE, demo_client, month_zh

MONTH = DEMO_MONTH


@pytest.fixture
def leader_on_demo(demo):
    return demo_client(demo, "leader")[0]


def _ranks(html: str) -> list[int]:
    return [int(r) for r in re.findall(r'<td data-label="名次" class="rank">(\d+)', html)]


def test_the_demo_month_ranks_grades_and_exposes(leader_on_demo):
    page = leader_on_demo.get(f"/scores?month={MONTH}")
    assert page.status_code == 200
    html = page.text
    assert "争先创优 · 月度排名" in html and month_zh(MONTH) in html
    ranks = _ranks(html)
    assert len(ranks) >= 10 and ranks[0] == 1 and ranks == sorted(ranks)
    assert re.search(r'class="badge grade grade-[ABC]"', html)
    assert "较上月" in html and ("▲" in html or "▼" in html)
    assert "曝光名单" in html
    assert "本月最差点位" in html or "本月无曝光单位" in html
    assert "评分规则" in html and "A 档最低分" in html and "问题扣分上限" in html
    assert 'href="/scores"' in html  # the bar links here
    assert "Traceback" not in html and "None" not in html


def test_another_month_and_the_default(leader_on_demo):
    before = leader_on_demo.get(f"/scores?month={DEMO_MONTH_BEFORE}")
    assert before.status_code == 200 and f"{month_zh(DEMO_MONTH_BEFORE)} 各单位得分" in before.text
    assert f'<option value="{DEMO_MONTH_BEFORE}" selected>' in before.text
    default = leader_on_demo.get("/scores")
    assert default.status_code == 200 and f'<option value="{default_month()}" selected>' in default.text
    older = leader_on_demo.get("/scores?month=2020-03")  # before the 12 listed: listed too
    assert '<option value="2020-03" selected>' in older.text and "本月无考核" in older.text
    # ... and an empty month offers the nearest one with inspections: the demo year's first
    first = re.search(r'<p class="notice" id="nearest-month">.*?month=(\d{4}-\d{2})', older.text, re.S)
    assert "2020 年 3 月尚无考核记录" in older.text and first
    assert _ranks(leader_on_demo.get(f"/scores?month={first.group(1)}").text)  # it has scores
    assert 'id="nearest-month"' not in leader_on_demo.get(f"/scores?month={MONTH}").text


@pytest.mark.parametrize(
    ("month", "words"), [("2099-01", "尚未到来"), ("2026/10", "格式有误"), ("2026-13", "格式有误")]
)
def test_a_future_or_malformed_month_is_refused_in_chinese(leader_on_demo, month, words):
    page = leader_on_demo.get("/scores", query_string={"month": month})
    assert page.status_code == 400
    assert words in page.text and "Traceback" not in page.text
    assert "考核月份" in page.text and "评分规则" in page.text  # the page still lets one pick again


def test_the_api_carries_the_exposure_list(leader_on_demo):
    body = leader_on_demo.get(f"/api/v1/scores?month={MONTH}").get_json()
    assert isinstance(body["exposure"], list)
    for e in body["exposure"]:
        assert e["code"] and e["name"] and e["months"][-1]["month"] == MONTH
        assert all({"name", "score", "incidents"} <= set(t) for t in e["worst"])
    refused = leader_on_demo.get("/api/v1/scores?month=2026/10")
    assert refused.status_code == 400 and "格式有误" in refused.get_json()["error"]["message"]


def test_the_page_needs_a_login(demo):
    response = demo[0].test_client().get("/scores")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_county_without_inspections_shows_the_empty_states(leader):
    html = leader.get(f"/scores?month={MONTH}").text
    assert html.count("本月无考核") == 3  # the three units, none inspected
    assert 'id="nearest-month"' not in html  # no month has any: nothing to offer
    assert "本月无曝光单位" in html and "评分规则" in html
    assert _ranks(html) == []
