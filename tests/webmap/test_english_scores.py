"""English on the rankings (/scores), the community tiers and titles (/scores/tiers) and the
inspection sheet (/inspect), issue #17 part 6: each page, with data that shows its sections, its
empty states and its refusals, carries no Chinese but the data's names, and its scripts (tiers.js,
inspect.js) get their texts in English."""

from __future__ import annotations

import calendar
import re

import pytest
from markupsafe import escape
from werkzeug.security import generate_password_hash

from geodata.errors import InvalidInput
from geodata.model import TIERS, TITLES, User
from layers.scores import checked_month
from tests.support.english import (
    chinese_outside,
    data_names,
    english_texts_are_english,
    script_texts,
    switch_language,
)
from tests.support.web import COUNTY_CODE, DEMO_MID_DAY, DEMO_MONTH, PASSWORD, demo_client, login
from webmap import get_store

MONTH = DEMO_MONTH


def month_en(month: str) -> str:
    return f"{calendar.month_name[int(month[5:])]} {month[:4]}"


@pytest.fixture(scope="module")
def demo_names(demo) -> set[str]:
    app = demo[0]
    with app.app_context():
        store = get_store()
        return data_names(store, store.list_counties()[0].id)


def english_demo(demo, role: str):
    """A client of the demo signed in as ``role`` who chose English, and its CSRF token."""
    client, token = demo_client(demo, role)
    switch_language(client, "en")
    return client, token


@pytest.fixture
def small_names(app) -> set[str]:
    with app.app_context():
        store = get_store()
        return data_names(store, store.get_county(COUNTY_CODE).id)


def shown(html: str) -> str:
    """The page less the values its tier and title pickers send: the domain's own words (精品,
    文明楼院 …), which the API takes; what the options show is checked like the rest."""
    words = "|".join(TIERS + TITLES)
    return re.sub(rf'<option value="({words})"', "<option", html)


def refusal(month: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        checked_month(month)
    return caught.value


# -- the monthly ranking -------------------------------------------------------------------------
def test_the_ranking_of_a_month_with_scores(demo, demo_names):
    leader, _ = english_demo(demo, "leader")
    page = leader.get(f"/scores?month={MONTH}")
    assert page.status_code == 200
    html = page.text
    assert chinese_outside(html, demo_names) == []
    assert "Rankings · Monthly ranking" in html and f"Unit scores, {month_en(MONTH)}" in html
    assert "<th>Rank</th>" in html and "<th>vs last month</th>" in html
    assert re.search(r'class="badge grade grade-[ABC]">Grade [ABC]</span>', html)
    assert "Exposure list" in html and (
        "Worst places this month:" in html or "No unit on the exposure" in html
    )
    assert "How scores are computed" in html and "Lowest score for grade A" in html
    assert f'<option value="{MONTH}" selected>{month_en(MONTH)}' in html and " (in progress)</option>" in html
    assert "Community tiers and civilized titles" in html
    assert "Traceback" not in html and "None" not in html


def test_an_empty_month_offers_the_nearest_one(demo, demo_names):
    leader, _ = english_demo(demo, "leader")
    html = leader.get("/scores?month=2020-03").text
    assert chinese_outside(html, demo_names) == []
    assert "Not evaluated this month" in html and "No inspections in March 2020 ·" in html
    assert re.search(r'id="nearest-month">.*?>See \w+ \d{4}</a>', html, re.S)


def test_a_county_without_scores_shows_the_empty_states(app, client, small_names):
    login(client, "leader1", PASSWORD)
    switch_language(client, "en")
    html = client.get(f"/scores?month={MONTH}").text
    assert chinese_outside(html, small_names) == []
    assert html.count("Not evaluated this month") == 3 and "No unit on the exposure list this month" in html


@pytest.mark.parametrize("month", ["2099-01", "2026/10"])
@pytest.mark.parametrize("path", ["/scores", "/scores/tiers"])
def test_a_refused_month_is_said_in_english(demo, demo_names, path, month):
    leader, _ = english_demo(demo, "leader")
    page = leader.get(path, query_string={"month": month})
    assert page.status_code == 400
    exc = refusal(month)  # the domain's message: English where it has one (layers/scores.py)
    assert f'class="field-error form-error">{escape(exc.text("en"))}</p>' in page.text
    names = demo_names | ({exc.message} if exc.en is None else set())
    assert chinese_outside(page.text, names) == [] and "Month" in page.text


def test_the_url_language_is_kept_by_the_picker_and_the_links(demo):
    staff, _ = demo_client(demo, "staff")  # chose nothing: Chinese, but for this URL
    html = staff.get(f"/scores?month={MONTH}&lang=en").text
    assert '<html lang="en">' in html and "Rankings · Monthly ranking" in html
    assert '<input type="hidden" name="lang" value="en">' in _picker(html)
    assert f'href="/scores/tiers?month={MONTH}&amp;lang=en"' in html
    html = staff.get(f"/scores?month={MONTH}").text
    assert 'name="lang"' not in _picker(html) and f'href="/scores/tiers?month={MONTH}"' in html


def _picker(html: str) -> str:
    return re.search(r'<form class="filters month-pick".*?</form>', html, re.S).group(0)


# -- community tiers and civilized titles --------------------------------------------------------
def test_the_tiers_to_confirm_and_after_confirming(demo, demo_names):
    admin, token = english_demo(demo, "admin")
    page = admin.get(f"/scores/tiers?month={MONTH}")
    assert page.status_code == 200
    html = page.text
    assert chinese_outside(shown(html), demo_names) == []
    assert "Community tiers and civilized titles" in html and f"Community tiers, {month_en(MONTH)}" in html
    assert html.count(">Confirm</button>") >= 1 and "once confirmed it becomes" in html
    assert set(re.findall(r'<td data-label="Proposed tier">([^<]+)</td>', html)) & {
        "Exemplary", "Up to standard", "Improving"
    }  # fmt: skip
    assert '<option value="文明楼院">Civilized compound</option>' in html and ">Award title</button>" in html
    assert '<option value="攻坚"' in html  # the value sent stays the domain's
    texts = script_texts(html, "scores.tiers_js")
    assert english_texts_are_english(texts) == [] and "{status}" in texts["failed"]

    headers = {"X-CSRFToken": token}
    proposals = admin.get(f"/api/v1/tiers?month={MONTH}").get_json()["communities"]
    zone = next(p for p in proposals if p["proposed"] and not p["decided"])
    answer = admin.post(
        "/api/v1/tiers", json={"zone": zone["code"], "tier": "精品", "month": MONTH}, headers=headers
    )
    assert answer.status_code == 201
    award = admin.post("/api/v1/titles", json={"zone": zone["code"], "title": "文明巷弄", "on": DEMO_MID_DAY},
                       headers=headers)  # fmt: skip
    assert award.status_code == 201
    html = admin.get(f"/scores/tiers?month={MONTH}").text
    assert chinese_outside(shown(html), demo_names) == []
    row = re.search(rf'<tr data-zone="{re.escape(zone["code"])}">(.*?)</tr>', html, re.S).group(1)
    assert '<td data-label="Decided this month">Exemplary</td>' in row and ">Decided</span>" in row
    assert '<td data-label="Title">Civilized lane</td>' in html and ">In force</td>" in html
    assert f'data-withdraw="{award.get_json()["id"]}">Withdraw</button>' in html

    unknown = admin.post(
        "/api/v1/tiers", json={"zone": "nope", "tier": "精品", "month": MONTH}, headers=headers
    )
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["message"] == "There is no community or village with the code 'nope'"


def test_a_leader_only_looks_and_is_refused_in_english(demo, demo_names):
    leader, token = english_demo(demo, "leader")
    html = leader.get(f"/scores/tiers?month={MONTH}").text
    assert chinese_outside(html, demo_names) == []
    assert "Confirm" not in html and "tiers.js" not in html and "Proposed tier" in html
    empty = leader.get("/scores/tiers?month=2020-03").text
    assert chinese_outside(empty, demo_names) == [] and "No inspections in March 2020" in empty
    answer = leader.post("/api/v1/tiers", json={"zone": "x", "tier": "精品"}, headers={"X-CSRFToken": token})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["message"] == "Only an administrator may decide tiers and award titles"


# -- the inspection sheet ------------------------------------------------------------------------
def test_the_inspection_sheet_for_an_inspector(demo, demo_names):
    inspector, _ = english_demo(demo, "inspector")  # the demo's inspector scores for 督查科 (patrol)
    page = inspector.get("/inspect")
    assert page.status_code == 200
    html = page.text
    assert chinese_outside(html, demo_names) == []
    assert "<title>Inspection · " in html and "Panel: <b>Inspection office</b>" in html
    assert "1. Choose what to score" in html and ">Send score</button>" in html
    assert re.search(r'placeholder="Type a name to search(, e\.g\. [^"]+)?"', html)
    texts = script_texts(html, "scores.inspect_js")
    assert english_texts_are_english(texts) == []
    assert texts["kind_grid"] == "Grid cell" and "{name}" in texts["sent"] and "{max}" in texts["range"]
    outbox = script_texts(html, None)  # the outbox's, the first on the page
    assert english_texts_are_english(outbox) == []
    checklist = inspector.get("/api/v1/checklists").get_json()["items"]  # the checklist the sheet shows
    assert checklist and {i["name"] for i in checklist} <= demo_names


@pytest.fixture
def members(app, case_users):
    """A 人大代表 and a community committee member of 环卫所 on the small county."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        for name, panel, unit in (("rd", "npc", None), ("jw", "community", case_users["U03"].id)):
            store.add_user(
                User(name, generate_password_hash(PASSWORD), "inspector", county.id, unit, panel=panel)
            )
    return {"rd", "jw"}


def test_the_sheet_for_each_panel_and_without_one(app, sign_in, members, small_names):
    for name, words in (("rd", "Panel: <b>NPC deputies</b><span class=\"muted\"> (scores road segments"),
                        ("jw", "Panel: <b>Community committee</b><span class=\"muted\"> (scores what is"),
                        ("insp", "You are on no evaluation panel")):  # fmt: skip
        client = sign_in(name)
        switch_language(client, "en")
        html = client.get("/inspect").text
        assert words in html, name
        assert chinese_outside(html, small_names) == [], name
    assert "Panel: <b>none</b>" in html and "inspect.js" not in html


def test_the_targets_are_described_and_refused_in_english(app, sign_in, members):
    client = sign_in("rd")
    switch_language(client, "en")
    (fuhua,) = client.get("/api/v1/inspection-targets?q=福华").get_json()["targets"]
    assert re.fullmatch(r"西园社区 · about \d+ m", fuhua["place"])
    bad = client.get("/api/v1/inspection-targets?lat=22.5&lon=east")
    assert bad.status_code == 400 and bad.get_json()["error"] == {
        "code": "invalid_input", "field": "lon", "message": "lon must be a number, not 'east'"
    }  # fmt: skip
    far = client.get("/api/v1/inspection-targets?lat=91&lon=114")
    assert far.get_json()["error"]["message"] == "lat is out of the range -90–90"
    chinese = sign_in("jw")  # who chose nothing: Chinese
    (west,) = chinese.get("/api/v1/inspection-targets?q=西园社区").get_json()["targets"]
    assert west["kind_zh"] == "社区"
    (fuhua_zh,) = sign_in("rd").get("/api/v1/inspection-targets?q=福华&lang=zh").get_json()["targets"]
    assert re.fullmatch(r"西园社区 · 约 \d+ 米", fuhua_zh["place"])
