"""The county's holiday calendar for administrators (/admin/holidays, issue #20 part 5): what
``flask --app app holidays list|load|set|remove`` does (webmap/cli/holidays.py), in the browser. A
year's days that differ from the week's rule (holidays, 调休 make-up workdays, with their names);
the shipped national calendar loaded for a year (days already set stay); one day added or
changed; one removed after a confirmation page. geodata/cases/holidays.py checks every day (a date
out of range, a make-up workday on a weekday …) and a refusal comes back beside the form, nothing
changed. Each write is audited with the county and the day."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from geodata import clock
from geodata.cases import holidays
from geodata.cases.holidays_cn import national_days, national_years
from geodata.errors import InvalidInput, PortalError
from geodata.model import HOLIDAY_KINDS
from webmap import get_store
from webmap.audit import audit
from webmap.i18n import message_of, t, zh_en
from webmap.views.common import ADMINS, current_county, roles_required

bp = Blueprint("admin_holidays", __name__)
REFUSAL = "admin.admins_only"


@bp.get("/admin/holidays")
@roles_required(*ADMINS, refusal=REFUSAL)
def calendar_page():
    year = _year(request.args.get("year"))
    form = {"day": "", "kind": "holiday", "name": ""}
    if request.args.get("day"):  # "change": the form filled with the day as it is
        day = holidays.parse_day(request.args["day"])
        found = _entry(day)
        form = (
            {"day": day.isoformat(), "kind": found.kind, "name": found.name}
            if found
            else {**form, "day": day.isoformat()}
        )
    return _page(year, form)


@bp.post("/admin/holidays/load")
@roles_required(*ADMINS, refusal=REFUSAL)
def load():
    store = get_store()
    county = current_county(store)
    try:
        year = _year(request.form.get("year"), required=True)
        added = holidays.load_national(store, county.id, year)
    except PortalError as exc:
        return _page(_year_or_now(request.form.get("year")), _blank(), exc)
    audit(request.endpoint, f"county:{county.code}", year=year, added=added)
    flash(t("admin_holidays.loaded", year=year, n=added), "ok")
    return redirect(url_for("admin_holidays.calendar_page", year=year))


@bp.post("/admin/holidays/day")
@roles_required(*ADMINS, refusal=REFUSAL)
def set_day():
    store = get_store()
    county = current_county(store)
    sent = {k: request.form.get(k, "")[:100] for k in ("day", "kind", "name")}
    try:
        day = holidays.parse_day(sent["day"])
        stored = holidays.set_day(store, county.id, day, sent["kind"].strip(), sent["name"])
    except PortalError as exc:
        return _page(_year_of(sent["day"]), sent, exc)
    audit(request.endpoint, f"county:{county.code}", day=day.isoformat(), kind=stored.kind, name=stored.name)
    flash(t("admin_holidays.set", day=day.isoformat(), kind=t(f"admin_holidays.kind.{stored.kind}")), "ok")
    return redirect(url_for("admin_holidays.calendar_page", year=day.year))


@bp.get("/admin/holidays/remove")
@roles_required(*ADMINS, refusal=REFUSAL)
def confirm_remove():
    day = holidays.parse_day(request.args.get("day", ""))
    return _confirm(day)


@bp.post("/admin/holidays/remove")
@roles_required(*ADMINS, refusal=REFUSAL)
def remove():
    store = get_store()
    county = current_county(store)
    day = holidays.parse_day(request.form.get("day", ""))
    try:
        if request.form.get("confirm") != "1":
            zh, en = zh_en("admin_holidays.confirm_needed", day=day.isoformat())
            raise InvalidInput(zh, en=en, field="confirm")
        holidays.remove_day(store, county.id, day)
    except PortalError as exc:
        return _confirm(day, exc)
    audit(request.endpoint, f"county:{county.code}", day=day.isoformat())
    flash(t("admin_holidays.removed", day=day.isoformat()), "ok")
    return redirect(url_for("admin_holidays.calendar_page", year=day.year))


# -- the pages -----------------------------------------------------------------------------------
def _page(year: int, form: dict, error: PortalError | None = None):
    """The year's calendar and the forms, with a refusal beside the form (and its status)."""
    store = get_store()
    county = current_county(store)
    days = store.list_holidays(county.id, date(year, 1, 1), date(year, 12, 31))
    have = {d.day for d in days}
    missing = sum(1 for d, *_ in national_days() if d.year == year and d not in have)
    page = render_template(
        "admin/holidays.html", county=county, year=year, days=days, kinds=HOLIDAY_KINDS, form=form,
        counts={k: sum(1 for d in days if d.kind == k) for k in HOLIDAY_KINDS}, shipped=year in national_years(),
        shipped_years=national_years(), missing=missing, first=holidays.FIRST_YEAR, last=holidays.LAST_YEAR,
        error=error and message_of(error), error_field=error and error.details.get("field"),
    )  # fmt: skip
    return page, error.status if error else 200


def _confirm(day: date, error: PortalError | None = None):
    """The page asking to confirm a removal: what the day is now and what it becomes."""
    store = get_store()
    county = current_county(store)
    page = render_template(
        "admin/holiday_remove.html", county=county, day=day, entry=_entry(day), weekend=day.weekday() >= 5,
        error=error and message_of(error),
    )  # fmt: skip
    return page, error.status if error else 200


def _entry(day: date):
    store = get_store()
    found = store.list_holidays(current_county(store).id, day, day)
    return found[0] if found else None


def _blank() -> dict:
    return {"day": "", "kind": "holiday", "name": ""}


def _year(raw: str | None, required: bool = False) -> int:
    """A year from the query or form, FIRST_YEAR..LAST_YEAR; this year when none is given and
    none is ``required``."""
    if (raw is None or not raw.strip()) and not required:
        return clock.today().year
    raw = raw or ""
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4) or not (
        holidays.FIRST_YEAR <= int(text) <= holidays.LAST_YEAR
    ):
        zh, en = zh_en(
            "admin_holidays.bad_year", raw=text[:20], first=holidays.FIRST_YEAR, last=holidays.LAST_YEAR
        )
        raise InvalidInput(zh, en=en, field="year")
    return int(text)


def _year_or_now(raw: str | None) -> int:
    try:
        return _year(raw)
    except InvalidInput:
        return _year(None)


def _year_of(day: str) -> int:
    """The year of the day typed, to show its calendar beside the refusal; this year otherwise."""
    return _year_or_now(day.strip()[:4])
