"""The administrators' units (/admin/units, issue #20 part 2): the list with its search, a new unit,
and a unit's page to edit its fields, people and notification contacts against the version the
administrator saw (a stale one is a 409 naming what differs). Retiring and merging are
webmap/views/admin/unit_changes.py; every rule is geodata/assignments/units.py's.

The forms are plain HTML posts with the CSRF token; a refusal shows the page again with what was
typed (never a robot URL or secret: those are typed anew) and the reason, with its 4xx status."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from geodata import clock
from geodata.assignments.units import (
    FIELD_NAMES,
    ContactEdit,
    UnitFields,
    create_unit,
    edit_unit,
    unit_rows,
)
from geodata.errors import InvalidInput, PortalError, StaleVersion
from geodata.model import COUNTY_TZ, County, Unit
from geodata.notify.model import UnitContact
from geodata.stores.store import Store
from layers.roads import OTHER_KIND, UNIT_KINDS
from webmap.audit import audit
from webmap.i18n import EN, ZH, message_of, t
from webmap.views.common import ADMINS, roles_required, store_and_county
from webmap.views.params import page_number, parse_id, parse_query

bp = Blueprint("admin_units", __name__)
PER_PAGE = 50
MAX_FIELD = 600  # any one field of these forms, in characters (the rules then hold each to less)
STATES = ("active", "retired")
CONTACT_FIELDS = ("email", "wecom_url", "dingtalk_url", "dingtalk_secret")
SECRET_FIELDS = ("wecom_url", "dingtalk_url", "dingtalk_secret")  # never shown again once typed
CLEARS = ("wecom", "dingtalk", "dingtalk_secret")
POSTS_SHOWN = 20
admins_only = roles_required(*ADMINS, refusal="admin.admins_only")


@bp.get("/admin/units")
@admins_only
def units_page():
    store, county = store_and_county()
    q = parse_query(request.args.get("q"))
    state = request.args.get("state", "")
    if state and state not in STATES:
        zh, en = both_texts("units.bad_state", state=repr(state[:20]))
        raise InvalidInput(zh, en=en, field="state")
    rows = [
        r
        for r in unit_rows(store, county, q)
        if not state or (r.unit.retired_at is not None) == (state == "retired")
    ]
    page = page_number()
    query = {k: v for k, v in (("q", q), ("state", state)) if v}
    return render_template(
        "admin/units.html", county=county, rows=rows[(page - 1) * PER_PAGE : page * PER_PAGE], total=len(rows),
        page=page, pages=max(1, -(-len(rows) // PER_PAGE)), query=query, q=q, state=state, kind_label=kind_label,
    )  # fmt: skip


@bp.route("/admin/units/new", methods=["GET", "POST"])
@admins_only
def new_unit():
    store, county = store_and_county()
    if request.method == "GET":
        return form_page(store, county, None, MultiDict({"kind": "bureau"}))
    try:
        contact = UnitContact(*(form_text(name) for name in CONTACT_FIELDS))
        unit = create_unit(store, county, form_text("code"), typed_fields(store, county), contact)
    except PortalError as exc:
        if exc.status >= 500:
            raise
        audit(request.endpoint, f"unit:{request.form.get('code', '')[:40]}", "refused", code=exc.code)
        return form_page(store, county, None, request.form, exc)
    audit(request.endpoint, f"unit:{unit.code}", name=unit.name, contact=contact.shown())
    flash(t("units.created", code=unit.code), "ok")
    return redirect(url_for("admin_units.unit_page", unit_id=unit.id), 303)


@bp.route("/admin/units/<int:unit_id>", methods=["GET", "POST"])
@admins_only
def unit_page(unit_id: int):
    store, county = store_and_county()
    unit = store.get_unit(county.id, unit_id)
    if request.method == "GET":
        return form_page(store, county, unit, stored_values(unit, store.get_unit_contact(county.id, unit.id)))
    try:
        version = parse_id(request.form.get("version"), "version")
        edited = edit_unit(store, county, unit.id, version, typed_fields(store, county), typed_contact())
    except PortalError as exc:
        if exc.status >= 500:
            raise
        audit(request.endpoint, f"unit:{unit.code}", "refused", code=exc.code)
        if isinstance(exc, StaleVersion):  # the page as it is now, with what differs from the typed
            now = store.get_unit(county.id, unit.id)
            return form_page(
                store, county, now, stored_values(now, store.get_unit_contact(county.id, now.id)), exc
            )
        return form_page(store, county, unit, request.form, exc)
    audit(request.endpoint, f"unit:{unit.code}", changed=edited.changed, version=edited.unit.version,
          contact=edited.contact)  # fmt: skip
    flash(t("units.saved", code=unit.code), "ok")
    return redirect(url_for("admin_units.unit_page", unit_id=unit.id), 303)


@bp.app_template_filter("county_day")
def county_day(value: datetime | None) -> str:
    """A kept time as the county's calendar day, YYYY-MM-DD."""
    return value.astimezone(COUNTY_TZ).date().isoformat() if value else ""


# -- what the forms send --------------------------------------------------------------------------
def form_text(name: str) -> str:
    """A form field's text (empty when left out); InvalidInput naming it past MAX_FIELD characters."""
    value = request.form.get(name, "")
    if len(value) > MAX_FIELD:
        zh, en = ZH["units.too_long"], EN["units.too_long"]
        names = (t(f"label.unit_field.{name}"), name)
        raise InvalidInput(zh.format(field=names[0], n=MAX_FIELD), en=en.format(field=names[1], n=MAX_FIELD),
                           field=name)  # fmt: skip
    return value


def typed_fields(store: Store, county: County) -> UnitFields:
    """The unit's fields as typed; its kind one of those the form offers."""
    typed = UnitFields(**{name: form_text(name) for name in FIELD_NAMES})
    if typed.kind not in kind_choices(store, county):
        zh, en = both_texts("units.bad_kind", kind=repr(typed.kind[:40]))
        raise InvalidInput(zh, en=en, field="kind")
    return typed


def typed_contact() -> ContactEdit:
    return ContactEdit(
        *(form_text(name) for name in CONTACT_FIELDS),
        clear=frozenset(c for c in CLEARS if request.form.get(f"clear_{c}") == "1"),
    )


def both_texts(key: str, **values) -> tuple[str, str]:
    return ZH[key].format(**values), EN[key].format(**values)


# -- the page -------------------------------------------------------------------------------------
def kind_choices(store: Store, county: County) -> list[str]:
    """The kinds the form offers: the map's (bureau, community, other), then any other the
    county's units have."""
    known = [*UNIT_KINDS, OTHER_KIND]
    more = sorted({u.kind for u in store.list_units(county.id)} - set(known))
    return known + more


def kind_label(kind: str) -> str:
    if kind in UNIT_KINDS or kind == OTHER_KIND:
        return t(f"portal.unit_kind.{kind}")
    return t("units.kind.other_code", code=kind)


def stored_values(unit: Unit, contact: UnitContact) -> MultiDict:
    """A unit's form as stored: its fields and e-mail (the robots' URLs and secret are not shown)."""
    return MultiDict({**{n: getattr(unit, n) for n in FIELD_NAMES}, "email": contact.email, "code": unit.code,
                      "version": str(unit.version)})  # fmt: skip


def form_page(
    store: Store,
    county: County,
    unit: Unit | None,
    values,
    error: PortalError | None = None,
    part: str = "edit",
):
    """The new unit's form (``unit`` None) or a unit's page, with ``values`` in the fields and the
    refusal ``error`` (its status) if any, shown in ``part`` of the page (``edit`` or ``retire``)."""
    status = error.status if error else 200
    context = {
        "county": county, "unit": unit, "values": values, "kinds": kind_choices(store, county),
        "kind_label": kind_label, "error": error and message_of(error), "stale": [],
        "error_field": error and error.details.get("field"), "today": clock.today().isoformat(), "part": part,
    }  # fmt: skip
    if unit is not None:
        context.update(unit_context(store, county, unit))
        if isinstance(error, StaleVersion):
            context["stale"] = _stale_rows(error, unit, context["contact"])
    return render_template("admin/unit.html", **context), status


def unit_context(store: Store, county: County, unit: Unit) -> dict:
    """What a unit's page shows beside its form: its contacts as they may be seen, its posts in
    force now (a few named, with their targets' timelines) and its state."""
    now = clock.now()
    posts = store.unit_assignments(county.id, unit.id, now, now + timedelta(seconds=1))
    names: dict[tuple[str, int], str] = {}
    for kind in ("segment", "zone"):
        ids = [p.target_id for p in posts[:POSTS_SHOWN] if p.target_kind == kind]
        for f in store.get_targets(county.id, kind, ids) if ids else []:
            label = (f.name or t("units.unnamed_road")) if kind == "segment" else f"{f.name} ({f.code})"
            names[kind, f.id] = label if kind == "zone" else f"{label} #{f.id}"
    shown = [(p, names.get((p.target_kind, p.target_id), f"#{p.target_id}")) for p in posts[:POSTS_SHOWN]]
    return {
        "contact": store.get_unit_contact(county.id, unit.id).shown(),
        "posts": shown,
        "post_total": len(posts),
    }


def _stale_rows(error: StaleVersion, now: Unit, contact: dict) -> list[tuple[str, str, str]]:
    """(field, what was typed, what is stored now) for each field the refusal names; a robot's
    URL and the secret as the page shows them."""
    rows = []
    for name in error.details["stale"][0]["fields"]:
        if name in SECRET_FIELDS:
            rows.append((name, t("units.stale.hidden"), contact[name] or t("units.not_set")))
        else:
            stored = contact["email"] if name == "email" else getattr(now, name)
            rows.append((name, request.form.get(name, ""), stored))
    return rows
