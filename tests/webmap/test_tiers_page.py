"""The 社区等次与文明称号 page (/scores/tiers) on the demo county: proposals for a month, the
administrator's buttons, a month refused in Chinese, and the link from /scores (the buttons clicked in
Chromium: tests/browser/test_browser_tiers_page.py)."""

from __future__ import annotations

import re

from tests.support.web import DEMO_MID_DAY, DEMO_MONTH, demo_client, month_zh

MONTH = DEMO_MONTH


def test_the_page_shows_the_months_proposals_in_chinese(demo):
    leader, _ = demo_client(demo, "leader")
    page = leader.get(f"/scores/tiers?month={MONTH}")
    assert page.status_code == 200
    html = page.text
    assert "社区等次与文明称号" in html and f"{month_zh(MONTH)} 社区等次" in html
    for column in ("社区", "本月得分", "建议等次", "现行等次", "本月已评定"):
        assert f"<th>{column}</th>" in html
    proposed = re.findall(r'<td data-label="建议等次">([^<]+)</td>', html)
    assert len(proposed) >= 12 and set(proposed) & {"精品", "达标", "攻坚"}
    assert "文明称号" in html and f'<option value="{MONTH}" selected>' in html
    assert "确认" not in html and "tiers.js" not in html and "授予称号" not in html  # a leader only looks
    assert "Traceback" not in html and "None" not in html
    assert 'href="/scores/tiers?month=' in leader.get(f"/scores?month={MONTH}").text
    assert 'id="nearest-month"' not in html
    empty = leader.get("/scores/tiers?month=2020-03").text  # long before the demo: it offers a month
    assert "2020 年 3 月尚无考核记录" in empty and re.search(
        r'id="nearest-month">.*?/scores/tiers\?month=\d{4}-\d{2}', empty, re.S
    )


def test_an_administrator_gets_the_buttons(demo):
    admin, token = demo_client(demo, "admin")
    html = admin.get(f"/scores/tiers?month={MONTH}").text
    assert html.count(">确认</button>") >= 1 and "tiers.js" in html
    assert "授予称号" in html and all(t in html for t in ("文明社区", "文明楼院", "文明巷弄"))
    proposals = admin.get(f"/api/v1/tiers?month={MONTH}").get_json()["communities"]
    zone = next(p for p in proposals if p["proposed"] and not p["decided"])
    headers = {"X-CSRFToken": token}
    assert admin.post("/api/v1/tiers", json={"zone": zone["code"], "tier": "攻坚", "month": MONTH},
                      headers=headers).status_code == 201  # fmt: skip
    award = admin.post("/api/v1/titles", json={"zone": zone["code"], "title": "文明楼院", "on": DEMO_MID_DAY},
                       headers=headers).get_json()  # fmt: skip
    html = admin.get(f"/scores/tiers?month={MONTH}").text
    row = re.search(rf'<tr data-zone="{re.escape(zone["code"])}">(.*?)</tr>', html, re.S).group(1)
    assert '<td data-label="本月已评定">攻坚</td>' in row and "已评定" in row
    assert f'data-withdraw="{award["id"]}"' in html and "现行" in html


def test_a_bad_month_is_refused_in_chinese(demo):
    leader, _ = demo_client(demo, "leader")
    for month in ("2026/10", "2099-01"):
        page = leader.get(f"/scores/tiers?month={month}")
        assert page.status_code == 400
        assert re.search(r'class="field-error form-error">[^<]*[\u4e00-\u9fff]', page.text)
        assert "社区等次" in page.text and "Traceback" not in page.text


def test_a_courtyard_is_given_the_civilized_courtyard_title_over_http(demo):
    from shapely.geometry import box

    from geodata.model import Zone
    from webmap import get_store

    app, _ = demo
    with app.app_context():
        store = get_store()
        county = store.list_counties()[0]
        community = store.list_zones(county.id, kind="community")[0]
        x, y = community.geom.representative_point().coords[0]
        store.add_zones([Zone(county.id, "courtyard", "Y01", "福新一院", box(x - 1e-4, y - 1e-4, x + 1e-4, y + 1e-4),
                              parent_id=community.id)])  # fmt: skip
    admin, token = demo_client(demo, "admin")
    headers = {"X-CSRFToken": token}
    award = admin.post(
        "/api/v1/titles", json={"zone": "Y01", "title": "文明楼院", "on": DEMO_MID_DAY}, headers=headers
    )
    assert award.status_code == 201 and award.get_json()["zone_name"] == "福新一院"
    refused = admin.post("/api/v1/titles?lang=en", json={"zone": "Y01", "title": "文明社区", "on": DEMO_MID_DAY},
                         headers=headers)  # fmt: skip
    assert refused.status_code == 400 and "is a courtyard" in refused.get_json()["error"]["message"]
    listed = admin.get("/api/v1/titles").get_json()["titles"]
    assert any(t["zone"] == "Y01" and t["title"] == "文明楼院" for t in listed)
    form = admin.get(f"/scores/tiers?month={MONTH}").text  # the award form offers the courtyard
    assert re.search(r'<optgroup label="楼院（仅文明楼院）">\s*<option value="Y01">福新一院</option>', form)
    assert "福新一院" in re.search(r'<table class="case-table title-table">.*?</table>', form, re.S).group(0)
    page = admin.get(f"/c/{community.code}").text
    assert "文明楼院" in page and "福新一院" in page  # on its community's public page
