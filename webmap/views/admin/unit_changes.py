"""Retiring a unit and merging it into another (/admin/units/<id>/retire, /merge; issue #20 part 2),
for administrators. Both are destructive, so both ask first: retiring needs its box ticked; a
merge is a form, then a page saying what it will move, whose box is ticked to do it. The rules
(what is refused, and why) are geodata/assignments/units.py and merges.py."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from geodata import clock
from geodata.assignments.merges import check_reason, describe_plan, merge_units, plan_merge
from geodata.assignments.units import in_service, retire_unit
from geodata.errors import InvalidInput, PortalError
from geodata.model import County, Unit
from geodata.stores.store import Store
from webmap.audit import audit
from webmap.i18n import current_lang, message_of, t
from webmap.views.admin.units import admins_only, both_texts, form_page, form_text, stored_values
from webmap.views.common import store_and_county
from webmap.views.params import parse_day, parse_id

bp = Blueprint("admin_unit_changes", __name__)


@bp.post("/admin/units/<int:unit_id>/retire")
@admins_only
def retire(unit_id: int):
    store, county = store_and_county()
    unit = store.get_unit(county.id, unit_id)
    try:
        version, on = (
            parse_id(request.form.get("version"), "version"),
            parse_day(request.form.get("on"), "on"),
        )
        _confirmed("units.retire.need_confirm")
        retired = retire_unit(store, county, unit.id, version, on)
    except PortalError as exc:
        if exc.status >= 500:
            raise
        audit(request.endpoint, f"unit:{unit.code}", "refused", code=exc.code)
        values = stored_values(unit, store.get_unit_contact(county.id, unit.id))
        values["on"] = request.form.get("on", "")[:10]
        return form_page(store, county, unit, values, exc, part="retire")
    audit(request.endpoint, f"unit:{unit.code}", retired_from=on.isoformat(), version=retired.version)
    flash(t("units.retired_flash", code=unit.code, day=on.isoformat()), "ok")
    return redirect(url_for("admin_units.unit_page", unit_id=unit.id), 303)


@bp.route("/admin/units/<int:unit_id>/merge", methods=["GET", "POST"])
@admins_only
def merge(unit_id: int):
    """GET: the form. POST: the page that says what the merge moves, with its box to tick; POSTed
    again with the box ticked, the merge; ``back`` returns to the form with what was chosen."""
    store, county = store_and_county()
    unit = store.get_unit(county.id, unit_id)
    if request.method == "GET":
        return _merge_page(
            store, county, unit, {"on": clock.today().isoformat(), "version": str(unit.version)}
        )
    values = {k: request.form.get(k, "")[:600] for k in ("into", "on", "version", "reason")}
    if request.form.get("back") == "1":
        return _merge_page(store, county, unit, values)
    try:
        into, on = form_text("into"), parse_day(request.form.get("on"), "on")
        version, reason = parse_id(request.form.get("version"), "version"), form_text("reason")
        check_reason(reason)
        if request.form.get("confirm") != "1":
            plan = plan_merge(store, county, unit.id, into, on, version)
            unticked = None
            if request.form.get("step") == "confirm":  # the confirmation page, sent unticked
                zh, en = both_texts("units.merge.need_confirm")
                unticked = InvalidInput(zh, en=en, field="confirm")
            return _merge_page(store, county, unit, values, plan=plan, error=unticked)
        merged = merge_units(store, county, unit.id, into, on, version, current_user.username, reason)
    except PortalError as exc:
        if exc.status >= 500:
            raise
        audit(request.endpoint, f"unit:{unit.code}", "refused", code=exc.code)
        return _merge_page(store, county, unit, values, error=exc)
    plan = merged.plan
    audit(request.endpoint, f"unit:{unit.code}", into=plan.into.code, on=on.isoformat(),
          change_set=merged.change_set.id, posts=len(plan.moving), rerouted=merged.rerouted)  # fmt: skip
    flash(t("units.merge.done", source=unit.name, into=plan.into.name, id=merged.change_set.id,
            n=len(plan.moving), rerouted=merged.rerouted), "ok")  # fmt: skip
    return redirect(url_for("admin_units.unit_page", unit_id=unit.id), 303)


def _confirmed(key: str) -> None:
    """InvalidInput (the text of ``key``) unless the form's confirmation box was ticked."""
    if request.form.get("confirm") != "1":
        zh, en = both_texts(key)
        raise InvalidInput(zh, en=en, field="confirm")


def _merge_page(
    store: Store, county: County, unit: Unit, values: dict, plan=None, error: PortalError | None = None
):
    """The merge's form, or (``plan``) what it will move with the box to confirm it."""
    choices = [u for u in in_service(store.list_units(county.id)) if u.id != unit.id]
    names = None
    if plan is not None:
        zh, en = describe_plan(store, county, plan)
        names = en if current_lang() == "en" else zh
    page = render_template(
        "admin/unit_merge.html", county=county, unit=unit, values=values, choices=choices, plan=plan, names=names,
        error=error and message_of(error), error_field=error and error.details.get("field"),
    )  # fmt: skip
    return page, error.status if error else 200
