"""Issue #20's walk-through in Chromium, on a fresh database holding only the county: an
administrator with no shell creates a unit, a leader and an inspector (each then signs in with the
password shown once and is made to choose their own), changes a category's deadline and the score
thresholds from next month, and finds every one of those actions in the audit log."""

from __future__ import annotations

from werkzeug.security import generate_password_hash

from geodata import clock
from geodata.io.imports import create_county
from geodata.model import COUNTY_TZ, User
from geodata.scores.months import next_month
from geodata.scores.settings import settings_for
from tests.support.web import PASSWORD, serving
from webmap import create_app, get_store

CODE = "440304"
OWN = "Chosen by me 2027"


def _fresh(folder):
    app = create_app({
        "database_url": f"sqlite:///{folder / 'fresh.sqlite'}", "instance_path": str(folder), "testing": True,
        "seed_demo_on_start": False, "default_county": CODE,
    })  # fmt: skip
    with app.app_context():
        store = get_store()
        store.migrate()
        county = create_county(store, CODE, "福田示范区")
        store.add_user(User("chief", generate_password_hash(PASSWORD), "admin", county_id=county.id))
    return app


def _sign_in(page, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", name)
    page.fill("#password", password)
    page.click("button[type=submit]")


def _new_user(page, base: str, name: str, role: str, panel: str = "") -> str:
    """Create a user on /admin/users/new; the first password the page shows once."""
    page.goto(f"{base}/admin/users/new")
    page.fill("#new-user-form input[name=username]", name)
    page.select_option("#new-user-form select[name=role]", role)
    if panel:
        page.select_option("#new-user-form select[name=panel]", panel)
    page.click("#new-user-form button[type=submit]")
    return page.locator("#secret").inner_text().strip()


def test_an_administrator_sets_up_the_county_in_the_browser(browser, tmp_path):
    app = _fresh(tmp_path)
    with serving(app) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        _sign_in(page, base, "chief", PASSWORD)

        page.goto(f"{base}/admin")  # the one way in, from the bar
        assert page.locator("#admin-sections a").count() >= 8

        page.goto(f"{base}/admin/units/new")
        page.fill("#unit-code", "CGJ")
        page.fill("#unit-name", "区城管执法局")
        page.click("#unit-form button[type=submit]")
        page.goto(f"{base}/admin/units")
        assert page.locator("text=区城管执法局").count() == 1

        passwords = {"leader1": _new_user(page, base, "leader1", "leader")}
        passwords["inspector1"] = _new_user(page, base, "inspector1", "inspector", "patrol")
        for name, first in passwords.items():  # each signs in and must choose their own password
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
            own = context.new_page()
            _sign_in(own, base, name, first)
            assert own.url.endswith("/account/password")
            own.fill("input[name=current]", first)
            own.fill("input[name=new]", OWN)
            own.fill("input[name=confirm]", OWN)
            own.click("form[action='/account/password'] button[type=submit]")
            assert "/account/password" not in own.url
            context.close()

        page.goto(f"{base}/admin/categories/parking")
        page.fill("#category-form input[name=deadline_hours]", "6")
        page.click("#category-form button[type=submit]")
        page.goto(f"{base}/admin/categories")
        assert "6" in page.locator("tr[data-code=parking]").inner_text()

        page.goto(f"{base}/admin/scoring")  # the form opens on next month
        page.fill("#scoring-form input[name=grade_a_min]", "92")
        page.click("#scoring-save")
        assert page.locator("text=92").count() >= 1  # among the scheduled changes

        page.goto(f"{base}/admin/audit")  # newest first: these are the whole log but the sign-ins
        log = page.locator("#audit-events").inner_text()
        for action in (
            "admin_units.new_unit", "admin_users.create_user", "auth.password_change", "admin_categories.save",
            "admin_scoring.change",
        ):  # fmt: skip
            assert action in log, action
        assert log.count("admin_users.create_user") == 2 and log.count("auth.password_change") == 2
        assert errors == []
    with app.app_context():
        store = get_store()
        county = store.get_county(CODE)
        assert [u.code for u in store.list_units(county.id)] == ["CGJ"]
        assert {u.username: u.must_change_password for u in store.list_users()} == {
            "chief": False, "leader1": False, "inspector1": False,
        }  # fmt: skip
        assert store.get_category("parking").deadline_hours == 6
        this_month = clock.now().astimezone(COUNTY_TZ).strftime("%Y-%m")
        assert settings_for(store, this_month)["grade_a_min"] == 90
        assert settings_for(store, next_month(this_month))["grade_a_min"] == 92
