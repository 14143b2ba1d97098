"""Offline field mode in a real browser (Playwright driving Debian's Chromium; issue #17 part 7).

A patrol inspector opens 上报问题 and 考核评分 once online, and the service worker keeps them. Then
the network goes (``set_offline``, which Chromium applies to the worker's own fetches too): they
score 福华路 and file two reports, one with a photo, and the outbox says 待上传 3. The page is closed
and a new one opened, still offline: the pages come from the worker's cache, the roads from its
pieces, and the outbox still holds the three. The network comes back: each is sent once under its
own Idempotency-Key, the outbox says 待上传 0, and the county has exactly two new cases (one with
its photo) and one new inspection, timed when it was scored. Nothing is fetched from outside.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime

from werkzeug.security import generate_password_hash

from geodata.model import User
from tests.support.browser import (
    ARTIFACTS,
    OVERFLOW,
    PHONE,
    Browsing,
    jpeg_file,
    tap_inspect_map_at,
    tap_map_at,
)
from tests.support.web import COUNTY_CODE, PASSWORD
from webmap import get_store

FUHUA = (22.5051, 114.004)  # (lat, lon) just north of 福华路
JINTIAN = (22.5151, 114.015)  # just north of 金田路, in the other community
WAITING = "() => document.getElementById('outbox-count').textContent === '{n}'"
TABLES = ("incident", "incident_photo", "inspection")
READY = "() => document.documentElement.dataset.offlineReady === '1' && !!navigator.serviceWorker.controller"


def _log_requests(app) -> list[str]:
    """The paths of the requests that reach the portal, as they come."""
    seen, inner = [], app.wsgi_app

    def logged(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    app.wsgi_app = logged
    return seen


def _lose_first_answer(app, path: str) -> list[tuple[str, str]]:
    """The first POST to ``path`` is done by the portal, but its connection is cut before the
    answer leaves: the phone sees a network error. Returns (Idempotency-Key, status) of each POST."""
    seen, inner = [], app.wsgi_app

    def cut(environ, start_response):
        if environ["REQUEST_METHOD"] != "POST" or environ["PATH_INFO"] != path:
            return inner(environ, start_response)
        answer = []
        body = b"".join(
            inner(environ, lambda status, headers, exc_info=None: answer.extend([status, headers]))
        )
        seen.append((environ.get("HTTP_IDEMPOTENCY_KEY"), answer[0]))
        if len(seen) == 1:
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
        start_response(*answer)
        return [body]

    app.wsgi_app = cut
    return seen


def _counts(app) -> dict[str, int]:
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        return {table: store.count(county.id, table) for table in TABLES}


def _waiting(page) -> str:
    return page.inner_text("#outbox-count")


def _score_fuhua(page) -> None:
    """On 考核评分 without a network: tap 福华路 (picked from the roads the worker kept), full marks."""
    page.wait_for_function(
        "() => document.querySelectorAll('#inspect-map .leaflet-overlay-pane path').length >= 2"
    )
    tap_inspect_map_at(page, 22.505, 114.005)
    page.wait_for_selector("#inspect-form:not([hidden]) .check-item")
    assert page.inner_text("#chosen-name") == "福华路" and page.inner_text("#chosen-kind") == "路段"
    for row in page.locator(".check-item").all():
        row.locator("button", has_text="满分").tap()
    page.locator("#send").tap()
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#result-title") == "已保存在本机，待上传"


def _report(page, at: tuple[float, float], category: str, note: str, photo: str | None = None) -> None:
    """On 上报问题 without a network: pin, category, photo, note, send: kept on the phone."""
    tap_map_at(page, *at)
    page.locator("label.category", has_text=category).tap()
    if photo:
        page.set_input_files("#photo", photo)
    page.fill("#description", note)
    page.locator("#send").tap()
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#result-title") == "已保存在本机，待上传"
    assert ("含照片" in page.inner_text("#result-message")) == bool(photo)


def test_reports_and_a_sheet_made_offline_are_sent_once_when_the_network_returns(
    app, case_users, live_server, browser, tmp_path
):
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.add_user(User("xun", generate_password_hash(PASSWORD), "inspector", county.id, panel="patrol"))
    before = _counts(app)
    reached = _log_requests(app)
    ARTIFACTS.mkdir(exist_ok=True)
    web = Browsing(browser, live_server)

    # Online once: each field page registers the worker, which keeps the kit.
    phone = web.sign_in("xun", "/report", **PHONE)
    context = phone.context
    phone.wait_for_function(READY)
    assert phone.locator("#outbox").is_hidden()  # nothing waits: no box
    phone.goto(f"{live_server}/inspect")
    phone.wait_for_function(READY)

    context.set_offline(True)
    online_requests = len(reached)
    _score_fuhua(phone)
    assert _waiting(phone) == "1" and "网络未连接" in phone.inner_text("#outbox-status")

    assert phone.goto(f"{live_server}/report").from_service_worker  # from the worker's cache
    assert phone.title().startswith("上报问题")
    _report(phone, FUHUA, "乱停车", "人行道上停了三辆车", photo=jpeg_file(tmp_path))
    phone.locator("#again").tap()
    _report(phone, JINTIAN, "牛皮癣", "电线杆上贴满小广告")
    assert _waiting(phone) == "3"
    items = phone.locator("#outbox-list .outbox-item")
    assert items.count() == 3 and "福华路" in items.nth(0).inner_text()
    assert [("含照片" in text) for text in items.all_inner_texts()] == [False, True, False]
    phone.locator("#outbox").scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / "offline-outbox.png"))
    wide = phone.evaluate(OVERFLOW)  # the list fits a phone, as every page must
    assert wide["page"] <= 390 and not wide["elements"], wide
    phone.close()

    # A new page, still offline: the page from the cache, the three still waiting.
    page = context.new_page()
    page.on("pageerror", lambda error: web.errors.append(str(error)))
    assert page.goto(f"{live_server}/report").from_service_worker
    assert page.title().startswith("上报问题")
    page.wait_for_function(WAITING.format(n=3))
    assert "网络未连接" in page.inner_text("#outbox-status")
    assert _counts(app) == before and reached[online_requests:] == []  # nothing reached the portal
    page.screenshot(path=str(ARTIFACTS / "offline-outbox-reopened.png"), full_page=True)
    scored_by = datetime.now(UTC)

    # The network returns: each is sent once, and the outbox empties.
    context.set_offline(False)
    page.wait_for_function(WAITING.format(n=0))
    assert "已上传 3 条" in page.inner_text("#outbox-status")
    assert page.locator("#outbox-list .outbox-item").count() == 0
    page.screenshot(path=str(ARTIFACTS / "offline-outbox-sent.png"))
    page.reload()  # sent again on load? nothing is left to send
    page.wait_for_function("() => document.documentElement.dataset.offlineReady === '1'")
    after = _counts(app)
    assert {k: after[k] - before[k] for k in after} == {"incident": 2, "incident_photo": 1, "inspection": 1}
    with app.app_context():
        store = get_store()
        new = [c for c in store.list_incidents(county.id, None) if c.reporter == "xun"]
        photos = {c.description: len(store.list_photos(county.id, c.id)) for c in new}
        assert photos == {"人行道上停了三辆车": 1, "电线杆上贴满小广告": 0}
        assert all(c.reported_at < scored_by for c in new)  # dated when seen, not when sent
        assert all(c.deadline_at > scored_by for c in new)  # the deadline runs from their arrival
        (sheet,) = [i for i in store.list_inspections(county.id) if i.inspector == "xun"]
        assert sheet.score == 100 and sheet.inspected_at < scored_by  # when scored, not when sent
    assert web.requested and all(web.local(url) for url in web.requested), [
        url for url in web.requested if not web.local(url)
    ]
    assert not web.errors, web.errors


def test_a_report_whose_answer_was_lost_is_kept_and_filed_once_when_sent_again(
    app, case_users, live_server, browser, tmp_path
):
    """The portal files the report but the phone never hears: kept under the same key, sent again
    from 立即上传, the portal answers with its first answer, and the case is there once."""
    before = _counts(app)
    web = Browsing(browser, live_server)
    filed = _lose_first_answer(app, "/api/v1/incidents")
    phone = web.sign_in("insp", "/report", **PHONE)
    phone.wait_for_function(READY)
    _report(phone, FUHUA, "乱停车", "车辆压占盲道", photo=jpeg_file(tmp_path))
    assert _waiting(phone) == "1" and [status for _, status in filed] == ["201 CREATED"]

    with phone.expect_response(lambda r: r.url.endswith("/api/v1/incidents")) as again:
        phone.locator("#outbox-send").tap()
    assert again.value.status == 201 and again.value.headers["idempotent-replayed"] == "true"
    assert again.value.request.headers["idempotency-key"] == filed[0][0] and len(filed) == 2
    phone.wait_for_function(WAITING.format(n=0))
    after = _counts(app)
    assert {k: after[k] - before[k] for k in after} == {"incident": 1, "incident_photo": 1, "inspection": 0}
    assert not web.errors, web.errors


def test_a_refused_sheet_stays_shown_and_an_ended_sign_in_keeps_them_all(
    app, case_users, live_server, browser
):
    """A community committee's evaluator scores offline their community (theirs to score) and 福华路
    (not: 城管执法局 guards it). Back online with the sign-in ended, nothing is sent and the outbox
    says 请重新登录后上传. Signed in again, the community's sheet is recorded and 福华路's stays on
    the phone as 未能上传, with the portal's reason, until deleted. Signing out clears what the
    worker kept."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        user = User("ju", generate_password_hash(PASSWORD), "inspector", county.id, case_users["U03"].id)
        user.panel = "community"  # 环卫所 guards 西园社区
        store.add_user(user)
    before = _counts(app)
    web = Browsing(browser, live_server)
    phone = web.sign_in("ju", "/inspect", **PHONE)
    context = phone.context
    phone.wait_for_function(READY)

    context.set_offline(True)
    _score_fuhua(phone)
    phone.locator("#again").tap()
    tap_inspect_map_at(phone, 22.512, 114.004)  # inside 西园社区, away from its roads
    phone.wait_for_function("() => document.getElementById('chosen-name').textContent === '西园社区'")
    for row in phone.locator(".check-item").all():
        row.locator("button", has_text="扣一半").tap()
    phone.locator("#send").tap()
    phone.wait_for_selector("#result:not([hidden])")
    assert _waiting(phone) == "2"

    context.clear_cookies()  # the sign-in ends while the phone is away
    context.set_offline(False)
    phone.wait_for_function(
        "() => document.getElementById('outbox-status').textContent.includes('请重新登录后上传')"
    )
    assert _waiting(phone) == "2" and _counts(app) == before

    phone.locator("#outbox-status a", has_text="重新登录").tap()
    phone.wait_for_url("**/login?next=/inspect")
    phone.fill("#username", "ju")
    phone.fill("#password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url("**/inspect")
    # The page comes with a count of 0 before the outbox has read the phone: wait for the refusal.
    phone.wait_for_selector("#outbox-list .outbox-item.state-failed")
    phone.wait_for_function(WAITING.format(n=0))
    failed = phone.locator("#outbox-list .outbox-item.state-failed")
    assert failed.count() == 1 and "福华路" in failed.inner_text()
    assert "未能上传" in failed.inner_text() and "原因：该对象不在本社区的责任范围内" in failed.inner_text()
    assert "1 条未能上传" in phone.inner_text("#outbox-status")
    after = _counts(app)
    assert after["inspection"] - before["inspection"] == 1
    phone.screenshot(path=str(ARTIFACTS / "offline-outbox-refused.png"))

    phone.once("dialog", lambda dialog: dialog.accept())
    failed.locator("button", has_text="删除这条").tap()
    phone.wait_for_function("() => !document.querySelector('#outbox-list .outbox-item')")

    phone.locator(".menu-button").tap()  # signing out: the sign-in page empties the worker's cache
    phone.locator("#logout-form button").tap()
    phone.wait_for_url("**/login")
    phone.wait_for_function(
        "async () => (await caches.keys()).filter((name) => name.startsWith('portal-field')).length === 0"
    )
    assert not web.errors, web.errors
