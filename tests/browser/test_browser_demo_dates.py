"""The demo is alive on any day: seeded with the portal's clock pinned to a day (PORTAL_TODAY, as
``seed-demo --today`` pins it), every page a leader and a resident open first shows last month's
and this month's data. Two days, one in January, so "last month" crosses a year.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

from demo.county import seed_demo
from geodata import clock
from geodata.model import User
from layers.report import monthly_report
from layers.score_map import default_month
from layers.scores import previous_month
from tests.support.browser import overlay, signed_in_page, wait_ready
from tests.support.web import PASSWORD, demo_app, month_zh, serving
from webmap import get_store
from webmap.demo_face import seed_public_face
from webmap.views.cases.api import media_dir

DAYS = ("2027-01-15", "2026-06-10")
N_INCIDENTS = 6_000  # a tenth of make run's: enough for every month, quick to seed


@pytest.fixture(scope="module", params=DAYS)
def pinned_demo(request, tmp_path_factory):
    """The demo seeded on a pinned day, a leader to sign in with, and the app serving it."""
    app = demo_app(tmp_path_factory.mktemp("dated"), today=request.param, seed_demo_on_start=False)
    with app.app_context():
        store = get_store()
        store.migrate()
        result = seed_demo(store, n_incidents=N_INCIDENTS)
        seed_public_face(store, result.county, media_dir())
        store.add_user(User("leader9", generate_password_hash(PASSWORD), "leader", result.county.id))
    with serving(app) as base:
        yield request.param, app, result.county, base


def test_last_month_and_this_month_have_data_on_every_first_page(pinned_demo, browser):
    day, app, county, base = pinned_demo
    assert clock.today().isoformat() == day
    last = default_month()
    assert last == previous_month(day[:7])  # 2027-01-15: December 2026
    page = signed_in_page(browser, base, "leader9", "/scores")
    scores = page.inner_text("main")
    assert month_zh(last) in scores and "尚无考核记录" not in scores
    scored = [float(x) for x in re.findall(r"\b(\d{2,3}\.\d)\b", page.inner_text("table"))]
    assert len(scored) >= 10 and page.locator("text=本月无考核").count() < len(scored)
    page.goto(f"{base}/scores?month={day[:7]}")  # this month: the inspections so far
    assert len(re.findall(r"\b\d{2,3}\.\d\b", page.inner_text("table"))) >= 1

    page.goto(f"{base}/scores/tiers")
    tiers = page.inner_text("main")
    assert month_zh(last) in tiers and re.search(r"精品|达标|基础|未达标", page.inner_text("table"))

    page.goto(f"{base}/portal")
    wait_ready(page)
    overlay(page, "考核得分").check()
    wait_ready(page)
    page.wait_for_function("() => document.querySelectorAll('.leaflet-portal-scores-pane path').length > 0")
    assert "无考核记录" not in page.inner_text(".portal-status")

    page.goto(f"{base}/cases?status=open")
    total = int(re.search(r"共 ([\d,]+) 件", page.inner_text(".summary")).group(1).replace(",", ""))
    assert total > 0, "this month's open cases are listed"
    assert page.errors == [] and page.outside == []

    code = get_code(app, county)
    public = browser.new_page()
    public.goto(f"{base}/c/{code}")
    text = public.inner_text("main")
    assert public.locator(".band").count() == 1, text  # last month's score band, not 该月未考评
    assert int(re.search(r"(\d+)", public.inner_text(".fixed")).group(1)) > 0

    with app.app_context():
        report = monthly_report(get_store(), county, last)
    assert report.summary.filed > 0 and report.summary.closed > 0 and report.summary.inspections > 0


def get_code(app, county) -> str:
    """A community led by a unit (the demo leaves one unguarded)."""
    with app.app_context():
        store = get_store()
        return next(
            z.code
            for z in store.list_zones(county.id, kind="community")
            if any(a.role == "lead" for a in store.assignments_of(county.id, "zone", z.id))
        )
