"""随手拍 in a real browser (Playwright, Debian's Chromium): a resident without an account walks
from the public map to a community's page and reports a problem there from a phone, with a photo;
the report is nowhere public while it waits. A leader approves it in the moderation queue; then
the community's page lists it and its tracking page names the unit. Nothing leaves 127.0.0.1."""

from __future__ import annotations

from tests.support.browser import (
    ARTIFACTS,
    DESKTOP,
    FUHUA,
    PHONE,
    Browsing,
    is_local,
    jpeg_file,
    tap_map_at,
    wait_ready,
)

DESCRIPTION = "公交站旁人行道上停满了小汽车"
CONTACT = "13511112222"


def _resident(browser, base: str, errors: list):
    """A fresh phone (no cache, no cookies): what anyone sees."""
    context = browser.new_context(**PHONE)
    context.route(
        "**/*", lambda route: route.continue_() if is_local(route.request.url, base) else route.abort()
    )
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def test_a_residents_report_is_public_only_once_approved(app, live_server, browser, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    phone = _resident(browser, live_server, errors)

    # From the public map to 西园社区's page, and from there to the report form.
    phone.goto(f"{live_server}/")
    wait_ready(phone, "public")
    assert phone.locator(".leaflet-overlay-pane path.community").count() == 2
    phone.goto(f"{live_server}/c/001")
    assert "近 90 天没有经审核公开的群众反映" in phone.inner_text(".public-reports")
    with phone.expect_navigation():
        phone.locator(".actions .button.primary").tap()
    assert phone.url.endswith("/reports/new")
    assert "社区边界" in phone.inner_text("#case-map .case-legend")
    assert phone.locator("label.category", has_text="执法人员作风").count() == 0  # internal: not offered

    tap_map_at(phone, *FUHUA)
    phone.locator("label.category", has_text="乱停车").tap()
    phone.set_input_files("#photo", jpeg_file(tmp_path))
    phone.fill("#description", DESCRIPTION)
    phone.fill("#contact", CONTACT)
    phone.locator("#send").tap()
    phone.wait_for_selector("#result:not([hidden])")
    assert phone.inner_text("#result-title") == "已收到，等待审核"
    assert "审核通过后" in phone.inner_text("#result-message")
    phone.screenshot(path=str(ARTIFACTS / "public-report.png"), full_page=True)
    track_url = phone.get_attribute("#result-link", "href")

    # While it waits: its tracking page says so, and nothing public shows it.
    phone.goto(f"{live_server}{track_url}")
    assert phone.inner_text(".track-state") == "待审核"
    assert DESCRIPTION not in phone.content() and CONTACT not in phone.content()
    waiting = _resident(browser, live_server, errors)
    waiting.goto(f"{live_server}/c/001")
    assert waiting.locator(".public-report").count() == 0
    assert DESCRIPTION not in waiting.request.get(f"{live_server}/open311/v2/requests.json").text()

    # A leader approves it from the queue.
    web = Browsing(browser, live_server)
    leader = web.sign_in("leader1", "/moderation", **DESKTOP)
    card = leader.locator(".mod-card", has_text=DESCRIPTION)
    assert CONTACT in card.inner_text() and card.locator(".mod-photo img").count() == 1
    leader.wait_for_function("() => document.querySelectorAll('.moderation-marker').length === 1")
    leader.screenshot(path=str(ARTIFACTS / "moderation.png"), full_page=True)
    card.locator("button[value=approve]").click()
    leader.wait_for_selector(".mod-card.state-approved .mod-result a")
    assert "已受理" in card.inner_text()

    # Now it is public: on the community's page (with its photo) and in Open311; its tracking
    # page names the unit. The contact never shows.
    after = _resident(browser, live_server, errors)
    after.goto(f"{live_server}/c/001")
    listed = after.locator(".public-report")
    assert listed.count() == 1 and "乱停车" in listed.inner_text() and "已派发" in listed.inner_text()
    after.wait_for_function("() => document.querySelector('.public-report img').naturalWidth > 0")
    after.screenshot(path=str(ARTIFACTS / "public-community-report.png"), full_page=True)
    assert DESCRIPTION in after.request.get(f"{live_server}/open311/v2/requests.json").text()
    after.goto(f"{live_server}{track_url}")
    assert after.inner_text(".track-state") == "已受理" and "城管执法局" in after.inner_text(".track-facts")
    assert CONTACT not in after.content()
    after.goto(f"{live_server}{track_url}?lang=en")
    assert after.inner_text(".track-state") == "Accepted"
    assert errors == [] and web.errors == []
