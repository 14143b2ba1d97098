"""回退 and 延期 in a real browser (Playwright driving Debian's Chromium), as issue #19 asks:
城管执法局's staff return a case that is the traffic police's; a leader dispatches it to 交警大队;
its staff, on a phone, ask for two more days; the leader approves on the desk, and the case page
shows the new deadline. Nothing is fetched from outside 127.0.0.1; the phone page fits the phone."""

from __future__ import annotations

from datetime import timedelta

from geodata.cases import workflow as cases
from geodata.model import COUNTY_TZ
from tests.support.browser import ARTIFACTS, DESKTOP, OVERFLOW, PHONE, Browsing
from tests.support.web import COUNTY_CODE
from webmap import get_store


def _file(app) -> int:
    """A 乱停车 case on 福华路: 城管执法局's (U01) by the map."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        filed = cases.file_report(
            store, county, cases.Report("parking", 114.004, 22.5051), cases.Actor("insp", "inspector")
        )
        assert filed.unit.code == "U01"
        return filed.incident.id


def _deadline(app, case_id: int):
    with app.app_context():
        store = get_store()
        return store.get_incident(store.get_county(COUNTY_CODE).id, case_id).deadline_at


def test_a_case_is_returned_redispatched_extended_and_approved(app, case_users, live_server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    web = Browsing(browser, live_server)
    case_id = _file(app)
    url = f"/cases/{case_id}"

    # 城管执法局 returns it: not theirs.
    cg = web.sign_in("cg", url, **DESKTOP)
    cg.fill("#action-note", "车辆停在交警管辖的路段")
    with cg.expect_navigation():
        cg.click("#action-form button:text-is('回退')")
    assert cg.inner_text(".case-head .badge") == "回退待审"
    assert "车辆停在交警管辖的路段" in cg.inner_text(".requests")

    # A leader dispatches it to 交警大队 (the return is approved).
    leader = web.sign_in("leader1", url, **DESKTOP)
    leader.select_option("#action-unit", "U02")
    with leader.expect_navigation():
        leader.click("#action-form button:text-is('派发')")
    assert leader.inner_text(".case-head .badge") == "已派发"
    assert "已同意" in leader.inner_text(".requests")

    # 交警大队's staff, on a phone, ask for two more days.
    jj = web.sign_in("jj", url, **PHONE)
    until = (
        (_deadline(app, case_id) + timedelta(days=2)).astimezone(COUNTY_TZ).replace(second=0, microsecond=0)
    )
    jj.locator(".handling summary", has_text="申请延期").tap()  # the form opens under its heading
    form = jj.locator("form.case-form", has_text="提交延期申请")
    form.locator("input[name=deadline]").fill(until.strftime("%Y-%m-%dT%H:%M"))
    form.locator("textarea[name=reason]").fill("需调拖车")
    with jj.expect_navigation():
        form.locator("button[type=submit]").tap()
    assert "待审批" in jj.inner_text(".requests")
    assert jj.evaluate(OVERFLOW)["elements"] == []  # the case page fits a phone
    jj.screenshot(path=str(ARTIFACTS / "case-handling-phone.png"), full_page=True)

    # The leader approves; the case page shows the new deadline.
    leader.reload()
    decide = leader.locator("form.case-form", has_text="申请延期至")
    with leader.expect_navigation():
        decide.locator("button:text-is('同意延期')").click()
    assert until.strftime("%Y-%m-%d %H:%M") in leader.inner_text("dl.facts")
    assert "已同意" in leader.inner_text(".requests")
    leader.screenshot(path=str(ARTIFACTS / "case-handling-desktop.png"), full_page=True)
    assert all(web.local(u) for u in web.requested)
