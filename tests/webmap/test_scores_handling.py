"""The hand-computed October (tests/support/handling_month.py) on the pages: /scores shows each
unit's evaluators' part, handling part and total with the formula, and the handling table;
/api/v1/scores carries them; the monthly report has the handling table; in both languages.

In the small county, October's inspections: 福华路 (城管执法局, unit A of the month) 80, 金田路
(交警大队, B) 90, 西园社区 (环卫所, no case) 85. Totals: A 0.6 × 80 + 0.4 × 59.3 = 71.7 (C),
B 0.6 × 90 + 0.4 × 70 = 82.0 (B), 环卫所 85.0 (B, its evaluation alone).
"""

from __future__ import annotations

import re
from dataclasses import asdict

import pytest
from shapely.geometry import Point

from geodata.model import Inspection
from tests.support.handling_month import EXPECTED, MONTH, oct_, write_month
from tests.support.scoring import set_score_settings
from webmap import get_store

TOTALS = {"U01": (71.7, 80.0, 59.3, "C"), "U02": (82.0, 90.0, 70.0, "B"), "U03": (85.0, 85.0, None, "B")}


@pytest.fixture
def october(app):
    with app.app_context():
        store = get_store()
        county = store.list_counties()[0]
        units = {u.code: u for u in store.list_units(county.id)}
        write_month(store, county.id, units["U01"].id, units["U02"].id, Point(114.005, 22.505))
        segments = {s.name: s for s in store.list_segments(county.id)}
        zone = next(z for z in store.list_zones(county.id) if z.name == "西园社区")
        store.add_inspections(
            [Inspection(county.id, "segment", segments["福华路"].id, "督查", "patrol", oct_(12), 80.0),
             Inspection(county.id, "segment", segments["金田路"].id, "督查", "patrol", oct_(12), 90.0),
             Inspection(county.id, "zone", zone.id, "督查", "patrol", oct_(12), 85.0)]
        )  # fmt: skip
    return app


def _row(html: str, table_id: str, name: str) -> str:
    table = re.search(rf'<table class="[^"]*" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    return next(r for r in re.findall(r"<tr>(.*?)</tr>", table, re.S) if name in r)


def _cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_scores_shows_both_parts_the_formula_and_the_handling_table(october, leader):
    with october.app_context():
        set_score_settings(get_store(), exposure_months=1)
    html = leader.get(f"/scores?month={MONTH}").text
    assert "总分 = 0.6 × 考评得分 + 0.4 × 办件得分" in html
    assert "办件得分 = 100 × (0.6 × 按期结案率 + 0.2 × 结案率 + 0.2 × (1 − 返工率)) − 20 × 督办率" in html
    assert "总分即考评得分" in html and "回退率 = 本月申请并获批准的回退" in html  # the rules, defined
    rows = re.findall(r'<tr class="grade-row-[ABC]">(.*?)</tr>', html, re.S)
    ranked = [_cells(r) for r in rows]
    assert [(c[1], c[2], c[4], c[5]) for c in ranked] == [
        ("环卫所", "85.0", "85.0", "—"), ("交警大队", "82.0", "90.0", "70.0"), ("城管执法局", "71.7", "80.0", "59.3"),
    ]  # fmt: skip
    assert [c[3] for c in ranked] == ["B 档", "B 档", "C 档"]
    a = _cells(_row(html, "handling-table", "城管执法局"))
    assert a == [
        "城管执法局",
        "6",
        "3",
        "1",
        "60.0%",
        "50.0%",
        "16.7%",
        "14.3%（1）",
        "1",
        "41.6 小时",
        "59.3",
    ]
    b = _cells(_row(html, "handling-table", "交警大队"))
    assert b == ["交警大队", "2", "1", "0", "50.0%", "100.0%", "0.0%", "0.0%", "0", "29.0 小时", "70.0"]
    exposed = html[html.index('<ul class="exposure">') :]
    assert "考评 80.0 · 办件 59.3" in exposed  # 城管执法局, named on its total (C)
    none = _cells(_row(html, "handling-table", "环卫所"))
    assert none == ["环卫所", "0", "0", "0", "—", "—", "—", "—", "0", "—", "—"]


def test_scores_in_english(october, leader):
    html = leader.get(f"/scores?month={MONTH}&lang=en").text
    assert "Total = 0.6 × evaluation + 0.4 × handling" in html and "Case handling, October 2026" in html
    for words in ("On-time rate", "Closure rate", "Rework rate", "Return rate", "Supervision orders",
                  "Mean handling time", "41.6 h", "its total is its evaluation", "Unit total: weight of the evaluation"):  # fmt: skip
        assert words in html, words
    assert "办件" not in html and "应结案" not in html


def test_the_api_carries_both_parts_and_the_metrics(october, leader):
    with october.app_context():
        set_score_settings(get_store(), exposure_months=1)  # named on one month graded C
    body = leader.get(f"/api/v1/scores?month={MONTH}").get_json()
    assert body["weights"] == {"evaluation": 0.6, "handling": 0.4}
    units = {u["code"]: u for u in body["units"]}
    for code, (total, evaluation, part, grade) in TOTALS.items():
        u = units[code]
        assert (u["score"], u["evaluation"], u["handling_part"], u["grade"]) == (
            total,
            evaluation,
            part,
            grade,
        )
    a = units["U01"]["handling"]
    counts = {k: v for k, v in asdict(EXPECTED["A"]).items() if k != "handling_hours"}
    assert {k: a[k] for k in counts} == counts
    assert (a["on_time_rate_pct"], a["closure_rate_pct"], a["rework_rate_pct"], a["return_rate_pct"]) == (
        60.0, 50.0, 16.7, 14.3,
    )  # fmt: skip
    assert a["mean_hours"] == 41.6
    assert units["U03"]["handling"]["on_time_rate_pct"] is None and units["U03"]["handling_part"] is None
    exposed = {e["code"]: e for e in body["exposure"]}  # graded C on its total: named, with both parts
    assert (exposed["U01"]["evaluation"], exposed["U01"]["handling_part"]) == (80.0, 59.3)


def test_the_monthly_report_has_the_handling_table(october, tmp_path):
    for lang, heading, hours in (("zh", "各单位办件指标", "平均处置时长（小时）"),
                                 ("en", "Case handling by unit", "Mean handling time (h)")):  # fmt: skip
        out = tmp_path / f"report-{lang}.html"
        result = october.test_cli_runner().invoke(
            args=["monthly-report", "--month", MONTH, "--out", str(out), "--lang", lang]
        )
        assert result.exit_code == 0, result.output
        html = out.read_text("utf-8")
        assert heading in html and hours in html
        rows = {
            _cells(r)[0]: _cells(r) for r in re.findall(r'<tr class="handling-row">(.*?)</tr>', html, re.S)
        }
        assert set(rows) == {"城管执法局", "交警大队"}  # 环卫所 had nothing to handle
        assert rows["城管执法局"][1:] == [
            "6",
            "3",
            "1",
            "60.0%",
            "50.0%",
            "16.7%",
            "14.3%",
            "1",
            "41.6",
            "59.3",
        ]
        ranked = [_cells(r) for r in re.findall(r'<tr class="rank-row">(.*?)</tr>', html, re.S)]
        assert [(c[1], c[2], c[4], c[5]) for c in ranked][2] == ("城管执法局", "71.7", "80.0", "59.3")


def test_the_demo_month_shows_numbers_not_dashes(demo):
    """The demo's last month: the handling table has rates and hours, not only —."""
    from tests.support.web import DEMO_MONTH, demo_client

    client, _ = demo_client(demo, "leader")
    html = client.get(f"/scores?month={DEMO_MONTH}").text
    table = re.search(r'<table class="[^"]*" id="handling-table">(.*?)</table>', html, re.S).group(1)
    rows = [_cells(r) for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)][1:]  # past the head
    with_cases = [r for r in rows if r[1] != "0"]
    assert len(with_cases) >= len(rows) // 2
    assert all(r[4].endswith("%") and r[9].endswith("小时") and r[10] != "—" for r in with_cases)
