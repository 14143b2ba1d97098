"""The inbox in a real browser: a case dispatched to 城管执法局 puts a red count in its staff's top
bar (under the strict CSP: the style is the stylesheet's), the inbox shows the row, and marking it
read takes the count away."""

from __future__ import annotations

from geodata.cases import workflow as cases
from tests.support.browser import DESKTOP, Browsing
from tests.support.web import COUNTY_CODE
from webmap import get_store


def test_the_unread_count_is_a_red_badge_that_marking_read_takes_away(app, case_users, live_server, browser):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        filed = cases.file_report(
            store, county, cases.Report("parking", 114.004, 22.5051), cases.Actor("leader1", "leader")
        )
    assert filed.unit.code == "U01" and filed.incident.status == "dispatched"
    web = Browsing(browser, live_server)
    page = web.sign_in("cg", "/report", **DESKTOP)
    badge = page.locator("#inbox-unread")
    assert badge.is_visible() and badge.inner_text() == "1"
    assert badge.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(217, 48, 37)"
    page.click("#inbox-link")
    page.wait_for_url("**/inbox")
    row = page.locator("#inbox-items li.unread")
    assert row.count() == 1 and f"新派发案件 #{filed.incident.id}" in row.inner_text()
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert page.locator("#inbox-unread").count() == 0 and page.locator("#inbox-items li.read").count() == 1
    assert web.errors == [] and all(web.local(url) for url in web.requested)
