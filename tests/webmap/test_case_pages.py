"""The case pages in Chinese: the report form, the list (filters, paging, empty state, what unit staff
see) and a case's page (details, photos, timeline, exactly the buttons the user may press)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from PIL import Image
from shapely.geometry import Point
from werkzeug.security import generate_password_hash

from geodata.model import Incident, User
from tests.support.web import COUNTY_CODE, PASSWORD
from webmap import get_store

FUHUA = {"category": "parking", "lat": 22.5051, "long": 114.004, "description": "人行道停车"}  # 城管执法局
JINTIAN = {"category": "parking", "lat": 22.5151, "long": 114.015}  # 金田路: 交警大队
# 30 m north of 福华路: the ring around it reaches both 福华路 (城管执法局) and 西园社区 (环卫所).
BOUNDARY = {"category": "posters", "lat": 22.50527, "long": 114.005}


def _file(client, body: dict | None = None, **kw) -> dict:
    """File a report through the API as the page does; the case as answered."""
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/report").text).group(1)
    if body is not None:
        kw["json"] = body
    answer = client.post("/api/v1/incidents", headers={"X-CSRFToken": token}, **kw)
    assert answer.status_code == 201, answer.text
    return answer.get_json()


def _rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="case-id" href="/cases/(\d+)"', html)]


def _action_buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" name="action" value="(\w+)"', html)


def test_the_pages_need_a_sign_in(client):
    for url in ("/report", "/cases", "/cases/1"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_the_report_form_is_in_chinese_and_needs_nothing_from_outside(leader):
    page = leader.get("/report")
    assert page.status_code == 200
    html = page.text
    assert "<title>上报问题 · 测试县</title>" in html and "使用我的位置" in html and "提交上报" in html
    for name in ("乱停车", "牛皮癣", "占道经营", "环境卫生"):
        assert f'<span class="name">{name}</span>' in html
    assert 'accept="image/*" capture="environment"' in html
    assert 'name="description"' in html and 'name="address"' in html
    assert 'src="/vendor/leaflet/dist/leaflet.js"' in html and "/static/portal/pages/report.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no CDN, no tiles
    config = re.search(r'data-config="([^"]+)"', html).group(1)
    assert "/api/v1/layers/zones" in config and "/api/v1/layers/roads" in config
    for link in ('href="/report" aria-current="page"', 'href="/cases"', 'href="/portal"'):
        assert link in html


def test_the_portal_links_to_the_case_pages(leader):
    html = leader.get("/portal").text
    assert 'href="/report">上报问题</a>' in html and 'href="/cases">案件列表</a>' in html


def test_the_list_filters_pages_and_keeps_the_filters_in_every_link(leader):
    html = leader.get("/cases?category=parking&per_page=5&page=2").text
    assert "共 <b>17</b> 件，第 2 / 4 页" in html
    rows = _rows(html)
    assert len(rows) == 5 and rows == sorted(rows, reverse=True) and all(n % 2 == 0 for n in rows)
    assert "乱停车" in html and "牛皮癣" not in html.split("<table")[1]
    assert 'href="/cases?category=parking&amp;per_page=5&amp;page=3">下一页</a>' in html
    assert 'href="/cases?category=parking&amp;per_page=5&amp;page=1">上一页</a>' in html
    assert 'href="/api/v1/incidents.csv?category=parking"' in html and "导出 CSV" in html
    assert '<option value="parking" selected>' in html
    csv = leader.get("/api/v1/incidents.csv?category=parking").data.decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == 1 + 17


def test_an_empty_list_says_so_and_a_bad_filter_is_explained(leader):
    html = leader.get("/cases?status=closed").text
    assert "没有符合条件的案件" in html and "共 <b>0</b> 件" in html and "<table" not in html
    bad = leader.get("/cases?unit=ZZ")
    assert bad.status_code == 400 and "筛选条件有误" in bad.text and "ZZ" in bad.text


def test_leaders_get_the_review_queue_and_the_overdue_cases(app, leader, case_users):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        now = datetime.now(UTC)
        late = store.add_incident(
            Incident(county.id, "parking", Point(114.004, 22.5051), now - timedelta(hours=5), "dispatched",
                     unit_id=case_users["U01"].id, deadline_at=now - timedelta(hours=3))
        )  # fmt: skip
    html = leader.get("/cases").text
    assert 'href="/cases?status=filed"><b>35</b> 件待派发' in html
    assert 'href="/cases?overdue=1"><b>1</b> 件逾期' in html
    assert 'name="unit"' in html  # leaders may pick a unit
    overdue = leader.get("/cases?overdue=1").text
    assert _rows(overdue) == [late.id] and '<span class="badge overdue">逾期</span>' in overdue
    assert 'class="is-overdue"' in overdue and "城管执法局" in overdue
    review = leader.get("/cases?status=filed&per_page=200").text
    assert len(_rows(review)) == 35 and "待派发" in review


def test_unit_staff_see_only_their_units_cases(app, case_users, sign_in):
    insp = sign_in("insp")
    ours, theirs = _file(insp, FUHUA), _file(insp, JINTIAN)
    cg = sign_in("cg")
    html = cg.get("/cases", follow_redirects=True).text
    assert _rows(html) == [ours["id"]] and "仅显示本单位（城管执法局）的案件" in html
    assert 'name="unit"' not in html and "件待派发" not in html  # no unit picker, no leaders' queue
    assert _rows(cg.get("/cases?unit=U02", follow_redirects=True).text) == [
        ours["id"]
    ]  # asking for another unit changes nothing
    refused = cg.get(f"/cases/{theirs['id']}")
    assert refused.status_code == 403 and "不属于您的单位" in refused.text


def test_a_case_page_shows_the_case_and_its_timeline(app, case_users, sign_in, leader):
    case = _file(sign_in("insp"), {**FUHUA, "address": "福华路12号"})
    html = leader.get(f"/cases/{case['id']}").text
    assert f"<title>案件 #{case['id']} · 测试县</title>" in html
    facts = ("乱停车", "已派发", "城管执法局", "西园社区", "福华路12号", "人行道停车", "insp")
    assert [text for text in facts if text not in html] == []
    assert "<dt>路段</dt><dd>福华路</dd>" in html
    timeline = html.split('class="timeline"')[1]
    assert "<span>上报 → <b>待派发</b></span>" in timeline and "待派发 → <b>已派发</b>" in timeline
    assert "系统" in timeline and "按分兵把口自动派发" in timeline
    assert "/api/v1/layers/roads" in html and f'data-url="/api/v1/incidents/{case["id"]}/actions"' in html


def test_each_user_gets_exactly_the_buttons_they_may_press(app, case_users, sign_in, leader):
    case = _file(sign_in("insp"), FUHUA)
    url = f"/cases/{case['id']}"
    assert _action_buttons(leader.get(url).text) == ["dispatch", "handle", "reject"]
    leader_page = leader.get(url).text
    assert '<option value="U01" selected>城管执法局</option>' in leader_page  # dispatch's unit picker
    staff_page = sign_in("cg").get(url).text
    assert _action_buttons(staff_page) == ["handle", "return"]
    assert 'value="dispatch"' not in staff_page and 'name="unit"' not in staff_page
    assert ">处置</button>" in staff_page
    inspector_page = sign_in("insp").get(url).text
    assert _action_buttons(inspector_page) == [] and "无需办理" in inspector_page


def test_a_boundary_case_waits_for_a_leader_with_its_candidates(app, case_users, sign_in, leader):
    case = _file(sign_in("insp"), BOUNDARY)
    assert case["status"] == "filed" and len(case["review_units"]) == 2
    html = leader.get(f"/cases/{case['id']}").text
    assert "<dt>候选单位</dt>" in html and "城管执法局" in html and "环卫所" in html
    assert re.search(r'<option value="U0[13]" selected>[^<]+（候选）</option>', html)
    assert "<b>36</b> 件待派发" in leader.get("/cases").text


def test_photos_link_to_the_original_and_a_duplicate_links_to_its_case(app, case_users, sign_in, leader):
    insp = sign_in("insp")
    jpeg = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 120, 200)).save(jpeg, "JPEG")
    jpeg.seek(0)
    form = {**FUHUA, "photo": (jpeg, "p.jpg")}
    first = _file(insp, data=form, content_type="multipart/form-data")
    html = leader.get(f"/cases/{first['id']}").text
    media = r'<a href="(/api/v1/media/[^"]+)"[^>]*>\s*<img src="(/api/v1/media/[^"]+)"'
    original, public = re.search(media, html).groups()
    assert original != public and leader.get(public).status_code == 200
    again = _file(insp, FUHUA)
    assert again["duplicate_of"] == first["id"]
    dup = leader.get(f"/cases/{again['id']}").text
    assert f'<a href="/cases/{first["id"]}">案件 #{first["id"]}</a> 重复' in dup
    assert _action_buttons(dup) == []


def test_a_missing_case_is_a_chinese_404(leader):
    answer = leader.get("/cases/9999")
    assert answer.status_code == 404 and "页面不存在" in answer.text


def test_each_role_lands_where_its_work_is(app, case_users, client, sign_in):
    from tests.support.web import PASSWORD, login

    for name, place in (("insp", "/field"), ("cg", "/cases?status=open"), ("leader1", "/portal")):
        answer = login(app.test_client(), name, PASSWORD)
        assert answer.status_code == 302 and answer.headers["Location"] == place, name


def test_unit_staff_open_on_their_open_cases_and_may_ask_for_all(app, case_users, sign_in, leader):
    insp = sign_in("insp")
    done, open_ = _file(insp, FUHUA), _file(insp, {**FUHUA, "long": 114.006})
    with app.app_context():
        store = get_store()
        case = store.get_incident(store.get_county(COUNTY_CODE).id, done["id"])
        store.update_incident(case.__class__(**{**vars(case), "status": "closed"}))
    cg = sign_in("cg")
    first = cg.get("/cases")
    assert first.status_code == 302 and first.headers["Location"] == "/cases?status=open"
    assert _rows(cg.get("/cases?status=open").text) == [open_["id"]]
    assert _rows(cg.get("/cases?status=").text) == [open_["id"], done["id"]]  # 全部
    assert leader.get("/cases").status_code == 200  # leaders: every case, as before


def test_the_field_home_counts_my_reports_and_lists_them(app, case_users, sign_in, leader):
    insp = sign_in("insp")
    mine = _file(insp, FUHUA)
    _file(leader, JINTIAN)  # someone else's
    home = insp.get("/field")
    assert home.status_code == 200 and "上报问题" in home.text and "随手拍审核" in home.text
    assert '<em id="mine-open">1</em>' in home.text
    assert _rows(insp.get("/cases?mine=1").text) == [mine["id"]]
    assert len(_rows(insp.get("/cases").text)) > 2  # without mine=1: the county's
    assert "随手拍审核" not in sign_in("cg").get("/field").text  # unit staff do not moderate


def test_search_boxes_and_hints_give_examples_the_county_has(app, client, leader, sign_in):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_user(User("xun", generate_password_hash(PASSWORD), "inspector", county.id, panel="patrol"))
        names = {s.name for s in store.list_segments(county.id)}
        names |= {z.name for z in store.list_zones(county.id, kind="community")}
    hint = r'id="address"[^>]*placeholder="例如：(\S+) 12 号门口"'
    for who, page, pattern in (
        (client, "/", r'placeholder="查找社区或道路，如：([^"]+)"'),
        (client, "/reports/new", hint),
        (leader, "/report", hint),
        (sign_in("xun"), "/inspect", r'placeholder="输入名称查找，如：([^"]+)"'),
    ):
        shown = re.findall(pattern, who.get(page).text)
        assert shown and set("、".join(shown).split("、")) <= names, (page, shown)
