"""English on the reassignment editor and its neighbours (issue #17 part 6): 调整责任 (/portal/edit)
and its scripts' texts, one change (变更单) in force, reverted and reverting, a road's and a zone's
timeline, and 覆盖缺口 with gaps and without; each carries no Chinese but the data's names, its
scripts get English texts, and its refusals come out in English. The Chinese pages are the
existing tests' (test_edit_page.py, test_history_pages.py, test_coverage_views.py)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import Point, box

from geodata.model import Assignment, ChangeSet, GeometryEdit, Incident
from tests.support.english import (
    chinese_outside,
    data_names,
    english_texts_are_english,
    script_texts,
    switch_language,
)
from tests.support.web import COUNTY_CODE, PASSWORD, SINCE, login
from webmap import get_store

REASON = "年中调整"  # typed by the leader: stays as it is


@pytest.fixture
def county(app) -> dict:
    """The small county's ids and the names its pages may show."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        return {
            "id": county.id,
            "names": data_names(store, county.id) | {REASON},
            "units": {u.code: u for u in store.list_units(county.id)},
            "segments": {s.name: s for s in store.list_segments(county.id)},
            "zones": {z.name: z for z in store.list_zones(county.id)},
        }


def _english(client, username: str = "leader1"):
    assert login(client, username, PASSWORD).status_code == 302
    switch_language(client, "en")
    return client


def _token(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/portal/change-sets").text).group(1)


def _change(client, county, targets: list[dict], unit: str = "U02") -> int:
    """A change set made through the API as the page makes it: ``targets`` given to ``unit``."""
    made = client.post(
        "/api/v1/postings",
        json={"unit": unit, "valid_from": "2025-06-01", "reason": REASON, "targets": targets},
        headers={"X-CSRFToken": _token(client)},
    )
    assert made.status_code == 201, made.text
    return made.get_json()["change_set"]["id"]


def _no_chinese(page, county, extra: set[str] = frozenset()) -> str:
    assert page.status_code in (200, 404), page.status_code
    assert chinese_outside(page.text, county["names"] | extra) == []
    return page.text


def test_the_editor_and_its_scripts_in_english(app, client, county, case_users):
    leader = _english(client)
    page = _no_chinese(leader.get("/portal/edit"), county)
    assert '<html lang="en">' in page and "select road segments or zones on the map" in page
    assert "<b>Freehand</b>, <b>Polygon</b>, <b>Rectangle</b> or <b>Line</b>" in page
    assert "press <b>Preview</b>;" in page and "<b>Apply</b>. It can be reverted" in page
    for group, sample, expected in (
        ("edit.panel", "preview_lead", "Preview: led by {unit} from {from}"),
        ("edit.zones", "heading", "Edit outline: {name}"),
        ("edit.freehand", "label", "Freehand"),
    ):
        texts = script_texts(page, group)
        assert english_texts_are_english(texts) == [] and texts[sample] == expected, group
    assert script_texts(page, "edit.panel")["locale"] == "en"
    # The options the script builds its panel from: roles, modes and kinds in English, Geoman too.
    assert '"lang": "en"' in page and '"label": "Lead unit"' in page and '"label": "Wholly inside"' in page
    assert '"label": "Road segment"' in page and '"label": "Grid cell"' in page

    staff = _english(app.test_client(), "cg")  # unit staff: read only
    page = _no_chinese(staff.get("/portal/edit"), county)
    assert "Read only: you may select on the map" in page and "<b>Preview</b>" not in page
    assert english_texts_are_english(script_texts(page, "edit.panel")) == []


def test_a_change_in_force_its_revert_and_the_timelines_in_english(client, county):
    leader = _english(client)
    road, other = county["segments"]["福华路"], county["segments"]["无人路"]
    change = _change(
        leader, county, [{"kind": "segment", "id": road.id}, {"kind": "segment", "id": other.id}]
    )

    page = _no_chinese(leader.get(f"/portal/change-sets/{change}"), county)
    assert f"<h1>Change #{change}</h1>" in page and "← All changes" in page and "in force" in page
    assert "Before → after" in page and f"Road segment #{road.id}" in page and ">Timeline</a>" in page
    assert f'value="Revert change #{change}"' in page and "Revert this change" in page
    assert '<span class="muted">none</span> → ' in page  # 无人路 had no lead unit before
    assert json.dumps(f"{other.name} → 交警大队")[1:-1] in page  # a target's tooltip, in the map's script
    texts = script_texts(page, "edit.revert")
    assert english_texts_are_english(texts) == [] and texts["failed"] == "The change could not be reverted"
    assert "Page 3 has no targets: there are 1 pages" in _no_chinese(
        leader.get(f"/portal/change-sets/{change}?page=3"), county
    )

    reverted = leader.post(
        f"/api/v1/change-sets/{change}/revert",
        json={"reason": REASON},
        headers={"X-CSRFToken": _token(leader)},
    )
    assert reverted.status_code in (200, 201), reverted.text
    revert = reverted.get_json()["change_set"]["id"]
    page = _no_chinese(leader.get(f"/portal/change-sets/{change}"), county)
    assert f'reverted by <a href="/portal/change-sets/{revert}">Change #{revert}</a>' in page
    assert 'id="revert-form"' not in page
    page = _no_chinese(leader.get(f"/portal/change-sets/{revert}"), county)
    assert f"reverts #{change}" in page and f">Change #{change}</a>" in page

    page = _no_chinese(leader.get(f"/portal/targets/segment/{road.id}"), county)
    assert "Timeline of responsibility" in page and f"Road segment #{road.id} · 0.62 km" in page
    assert "Newest first" in page and f'reverted by <a href="/portal/change-sets/{change}">' not in page
    assert f'reverted by <a href="/portal/change-sets/{revert}">#{revert}</a>' in page and "current" in page
    assert re.search(r"\d{4}-\d\d-\d\d[^<]* to now", page) and "Lead unit" in page

    east = county["zones"]["东湖社区"]  # never given a unit
    page = _no_chinese(leader.get(f"/portal/targets/zone/{east.id}"), county)
    assert f"Community #{east.id}" in page and "No responsible unit has ever been assigned here" in page


def test_a_redrawn_outline_in_english(app, client, county):
    west = county["zones"]["西园社区"]
    with app.app_context():  # the record of an outline edit (geodata/mapedit/zones.py writes it so)
        store = get_store()
        change = store.add_change_set(
            ChangeSet(county["id"], "leader1", REASON, datetime(2025, 6, 1, tzinfo=UTC))
        )
        store.add_geometry_edits(
            [
                GeometryEdit(
                    county["id"], change.id, "zone", west.id, 2, west.geom, box(114.00, 22.50, 114.011, 22.52)
                )
            ]
        )
    leader = _english(client)
    page = _no_chinese(leader.get(f"/portal/change-sets/{change.id}"), county)
    assert "Outlines redrawn" in page and "Area before" in page and f"Community #{west.id}" in page
    assert "Reverting puts these zones back" in page and 'id="change-set-rows"' not in page
    for tip in (f"{west.name} (before)", f"{west.name} (after)"):  # the map's tooltips, in its script
        assert json.dumps(tip)[1:-1] in page, tip


@pytest.mark.parametrize(
    ("path", "message", "chinese"),
    [
        ("/portal/change-sets/999", "There is no change #999", "变更单 #999 不存在"),
        ("/portal/targets/road/1", "There is no kind of target “road”: it is segment or zone",
         "没有“road”这类对象：应为 segment（路段）或 zone（区域）"),
        ("/portal/targets/segment/999", "There is no road segment #999", "路段 #999 不存在"),
        ("/portal/targets/zone/999", "There is no zone #999", "区域 #999 不存在"),
    ],
)  # fmt: skip
def test_refusals_in_english(client, county, path, message, chinese):
    leader = _english(client)
    page = leader.get(path)
    assert page.status_code == 404 and message in page.text
    assert chinese_outside(page.text, county["names"]) == []
    assert chinese in leader.get(path + "?lang=zh").text  # the same refusal on a Chinese page


def test_coverage_with_gaps_in_english(app, client, county, case_users):
    with app.app_context():  # a recent problem by the unguarded road in the unguarded community
        get_store().add_incidents(
            [Incident(county["id"], "parking", Point(114.016, 22.518), datetime.now(UTC) - timedelta(days=2))]
        )
    leader = _english(client)
    page = _no_chinese(leader.get("/portal/coverage"), county)
    for english in (
        "Coverage gaps",
        "Responsibilities on",
        "(Beijing time)",
        "Communities or grid cells without a lead unit",
        "Road segments without a lead unit, 1.0 km in all",
        "segments: 1 · 1.03 km · roads: 1",
        "Road segments whose lead unit has nothing to do with their community (reminder)",
        "That is normal when a county department",
        "Show on the map",
        "County extent: the extent of the road and zone data",
        " ha)",
        "The whole county lies in communities.",
        "No two zones of one level overlap.",
        "Problems of the last 30 days dispatched to no unit",
        "To dispatch",
        "Illegal parking",
    ):
        assert english in page, english
    assert '<td>Community</td><td class="code">002</td>' in page

    staff = _english(app.test_client(), "cg")  # unit staff: the unrouted problems are not theirs to see
    page = _no_chinese(staff.get("/portal/coverage"), county)
    assert "Only leaders and administrators see the problems dispatched to no unit" in page


def test_coverage_without_gaps_in_english(app, client, county):
    units, zones, segments = county["units"], county["zones"], county["segments"]
    with app.app_context():  # every zone and road led, each road's lead at home in its community
        store = get_store()
        for unit, kind, target, role in (
            ("U03", "zone", zones["东湖社区"], "lead"),
            ("U01", "zone", zones["西园社区"], "assist"),
            ("U02", "zone", zones["东湖社区"], "assist"),
            ("U03", "segment", segments["无人路"], "lead"),
        ):
            store.assign(
                Assignment(county["id"], units[unit].id, kind, target.id, role, SINCE + timedelta(days=1))
            )
    leader = _english(client)
    page = _no_chinese(leader.get("/portal/coverage"), county)
    for english in (
        "The whole county lies in communities.",
        "Every community and grid cell has a lead unit.",
        "Every road segment has a lead unit.",
        "No two zones of one level overlap.",
        "No road segment to point out.",
        "Every problem of the last 30 days went to a responsible unit.",
    ):
        assert english in page, english
    # A day before the county had any unit: everything unguarded, in English too.
    page = _no_chinese(leader.get("/portal/coverage?at=2020-01-01"), county)
    assert "Communities and grid cells without a lead unit" in page and "Unnamed road" not in page
