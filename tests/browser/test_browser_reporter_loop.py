"""The reporter's loop in a real browser (Playwright, Debian's Chromium): a resident's case is
closed; on the tracking page, from a phone with no account, the resident reads the steps and
answers 未解决 with the page's own form (no script, the strict CSP); the page then shows the
answer, and the staff of 城管执法局, signing in, find the rework in their inbox. Screenshots of the
tracking page at 390×844 and 1440×900 go to tests/artifacts/. Nothing leaves 127.0.0.1."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from geodata import clock
from geodata.cases import public_reports
from geodata.cases import workflow as cases
from tests.support.browser import ARTIFACTS, DESKTOP, PHONE, Browsing, is_local
from tests.support.web import COUNTY_CODE
from webmap import get_store

LEADER = cases.Actor("leader1", "leader")


def _closed_report(app) -> tuple[str, int]:
    """A resident's report on 福华路 filed as a case of 城管执法局, handled, checked and closed an
    hour ago; its token and case id."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        start = clock.now() - timedelta(hours=6)
        report = cases.Report("parking", 114.004, 22.5051, "公交站旁人行道上停满了小汽车", source="public")
        r = public_reports.submit(store, county, report, None, "c", Path("/nonexistent"), now=start)
        done = public_reports.approve(store, county, r.id, LEADER, now=start + timedelta(minutes=30))
        for hours, action in ((3, "handle"), (4, "verify"), (5, "close")):
            cases.act(store, county, done.incident_id, action, LEADER, now=start + timedelta(hours=hours))
        return r.token, done.incident_id


def _resident(browser, base: str, errors: list, **options):
    context = browser.new_context(**options)
    context.route(
        "**/*", lambda route: route.continue_() if is_local(route.request.url, base) else route.abort()
    )
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page


def test_a_resident_answers_unsolved_and_the_units_inbox_shows_the_rework(
    app, case_users, live_server, browser
):
    ARTIFACTS.mkdir(exist_ok=True)
    token, case_id = _closed_report(app)
    errors: list[str] = []

    wide = _resident(browser, live_server, errors, viewport={"width": 1440, "height": 900}, locale="zh-CN")
    wide.goto(f"{live_server}/reports/{token}")
    wide.screenshot(path=str(ARTIFACTS / "track_feedback_1440.png"), full_page=True)
    english = _resident(browser, live_server, errors, **PHONE)
    english.goto(f"{live_server}/reports/{token}?lang=en")
    english.screenshot(path=str(ARTIFACTS / "track_feedback_en_390.png"), full_page=True)

    phone = _resident(browser, live_server, errors, **PHONE)
    phone.goto(f"{live_server}/reports/{token}")
    steps = phone.locator(".track-steps li")
    assert steps.count() == 5 and "按分兵把口自动派发" in steps.nth(1).inner_text()
    assert "已结案" in steps.nth(4).inner_text()
    buttons = phone.locator(".feedback-form button")
    assert buttons.all_inner_texts() == ["已解决", "未解决"]
    # Both buttons sit side by side within the phone's width, big enough to tap.
    boxes = [buttons.nth(i).bounding_box() for i in range(2)]
    assert all(b["height"] >= 44 and b["x"] + b["width"] <= 390 for b in boxes)
    phone.screenshot(path=str(ARTIFACTS / "track_feedback_390.png"), full_page=True)
    with phone.expect_navigation():
        phone.locator(".feedback-form button[value=unsolved]").tap()
    assert phone.url.endswith(f"/reports/{token}#feedback")
    answered = phone.inner_text("#feedback")
    assert "反馈：未解决" in answered and "退回责任单位返工" in answered
    assert phone.locator(".feedback-form").count() == 0
    assert "群众反馈未解决" in phone.locator(".track-steps li").nth(5).inner_text()
    phone.screenshot(path=str(ARTIFACTS / "track_answered_390.png"), full_page=True)

    web = Browsing(browser, live_server)
    staff = web.sign_in("cg", "/inbox", **DESKTOP)
    assert staff.locator("#inbox-unread").inner_text() == "2"  # its dispatch, then its rework
    rows = staff.locator("#inbox-items li.unread")
    assert rows.count() == 2 and f"新派发案件 #{case_id}" in rows.nth(1).inner_text()
    text = rows.nth(0).inner_text()
    assert f"案件 #{case_id} 返工" in text and "群众反馈未解决" in text
    assert errors == [] and web.errors == [] and all(web.local(u) for u in web.requested)
