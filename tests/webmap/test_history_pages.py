"""变更记录: the county's change sets newest first with their state, one change set's targets
before → after on a small map with its 撤销, and a road's timeline of units, voided rows struck
through; readable by staff, revertible by leaders only, never by the public."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.support.web import DEMO_MID_DAY, demo_client, off_site_urls, three_adjacent
from webmap import get_store

DAY_BEFORE = (date.fromisoformat(DEMO_MID_DAY) - timedelta(days=1)).isoformat()


def _units(demo):
    app, _ = demo
    with app.app_context():
        store = get_store()
        county = store.list_counties()[0]
        return {u.code: u for u in store.list_units(county.id)}


def _table(html: str, table: str) -> str:
    return html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]


def _row_ids(html: str, table: str) -> list[str]:
    return re.findall(r'<tr[^>]*data-id="(\d+)"', _table(html, table))


def test_a_change_its_revert_and_a_roads_timeline(demo):
    leader, token = demo_client(demo, "leader")
    ids = three_adjacent(demo, 4)
    units = _units(demo)
    made = leader.post(
        "/api/v1/postings",
        json={"unit": "JJDD", "valid_from": DEMO_MID_DAY, "reason": "道路移交",
              "targets": [{"kind": "segment", "id": i} for i in ids]},
        headers={"X-CSRFToken": token},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    cs = made.get_json()["change_set"]["id"]

    listing = leader.get("/portal/change-sets").text
    assert _row_ids(listing, "change-sets")[0] == str(cs) and "道路移交" in listing and "有效" in listing

    page = leader.get(f"/portal/change-sets/{cs}").text
    assert sorted(map(int, _row_ids(page, "change-set-rows"))) == sorted(ids)
    assert '"MultiLineString"' in page and '"interactive": false' in page  # the roads around, grey
    was = {
        leader.get(f"/api/v1/targets/segment/{i}/responsible?date={DAY_BEFORE}").get_json()["lead"]["unit"]
        for i in ids
    }
    assert len(was) == 1 and f"{units[was.pop()].name} → {units['JJDD'].name}" in _table(
        page, "change-set-rows"
    )
    assert (
        _table(page, "change-set-rows").count(f"→ {units['JJDD'].name}") == 3 and 'id="revert-form"' in page
    )
    assert "L.geoJson" in page or "L.geoJSON" in page  # the diff is drawn on the map
    assert off_site_urls(page) == [] and "/vendor/leaflet/dist/leaflet.js" in page

    undone = leader.post(
        f"/api/v1/change-sets/{cs}/revert", json={"reason": "录错了"}, headers={"X-CSRFToken": token}
    )
    assert undone.status_code == 201
    revert = undone.get_json()["change_set"]["id"]
    page = leader.get(f"/portal/change-sets/{cs}").text
    assert f'已被 <a href="/portal/change-sets/{revert}">变更单 #{revert}</a> 撤销' in page
    assert 'id="revert-form"' not in page  # reverted already: nothing more to undo
    page = leader.get(f"/portal/change-sets/{revert}").text
    assert _table(page, "change-set-rows").count(f"{units['JJDD'].name} → ") == 3 and "撤销 #" in page

    timeline = leader.get(f"/portal/targets/segment/{ids[0]}").text
    rows = re.findall(r'<tr class="(voided|)" data-unit="(\w*)"', timeline)
    assert ("voided", "JJDD") in rows and rows[-1][0] == ""  # the oldest is the demo's own, in force


def test_who_may_see_and_what_is_refused(demo):
    staff, _ = demo_client(demo, "staff")
    listing = staff.get("/portal/change-sets")
    assert listing.status_code == 200
    first = _row_ids(listing.text, "change-sets")[0]
    assert 'id="revert-form"' not in staff.get(f"/portal/change-sets/{first}").text
    assert staff.get("/portal/change-sets/999999").status_code == 404
    assert "不存在" in staff.get("/portal/targets/segment/999999").text
    assert staff.get("/portal/targets/lake/1").status_code == 404
    assert staff.get("/portal/change-sets?page=x").status_code == 400
    far = staff.get("/portal/change-sets?page=999")
    assert far.status_code == 200 and "第 999 页没有记录" in far.text
    app, _ = demo
    assert app.test_client().get("/portal/change-sets").status_code == 302


def test_a_large_change_set_is_paged_and_drawn_by_unit(demo):
    """The demo's first plan (every road and zone): 100 targets a page with a pager, and the map
    one layer per unit, so the page stays small (it was 5 MB and 6–12 s)."""
    leader, _ = demo_client(demo, "leader")
    first = leader.get("/portal/change-sets/1")
    assert first.status_code == 200 and len(first.data) < 2 * 1024 * 1024
    total = int(re.search(r"共 (\d+) 个对象，第 1 / (\d+) 页", first.text).group(1))
    ids = _row_ids(first.text, "change-set-rows")
    assert total > 1000 and len(ids) == 100 and 'aria-label="分页"' in first.text
    second = _row_ids(leader.get("/portal/change-sets/1?page=2").text, "change-set-rows")
    assert len(second) == 100 and not set(second) & set(ids)
    assert 5 < first.text.count(".bindTooltip(") < 100  # a tooltip per unit's layer, not per target
    past = leader.get("/portal/change-sets/1?page=999").text
    assert "第 999 页没有对象" in past
