"""The administrators' API keys (/admin/keys, issue #20 part 1): every key with its role, unit,
when it was made and last used, and whether revoked; a new key (shown once, kept only as a hash);
revoking one, with a ticked 确认. The work is geodata/accounts/apikeys.py's, as the command's is;
every write is audited with the key's name, never the key."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from geodata.accounts import apikeys
from geodata.assignments.units import in_service
from geodata.errors import PortalError
from geodata.model import USER_ROLES, County
from geodata.stores.store import Store
from webmap import recent
from webmap.audit import audit
from webmap.i18n import message_of, t
from webmap.views.admin import forms
from webmap.views.common import ADMINS, roles_required, store_and_county
from webmap.views.params import page_number

bp = Blueprint("admin_keys", __name__)

PER_PAGE = 50
admins_only = roles_required(*ADMINS, refusal="admin.admins_only")


@bp.get("/admin/keys")
@admins_only
def keys_page():
    store, county = store_and_county()
    return _keys_view(store, county, {})


@bp.post("/admin/keys")
@admins_only
def create_key():
    store, county = store_and_county()
    sent = {k: request.form.get(k, "")[:200] for k in ("name", "role", "unit")}
    try:
        name, role, unit = (
            forms.form_text("name", apikeys.NAME_MAX),
            forms.form_text("role", forms.CHOICE_MAX),
            forms.form_unit(store, county),
        )
        made, key = apikeys.issue_key(store, name, role, unit)
    except PortalError as exc:
        forms.audit_refusal(exc, f"api_key:{sent['name'][: apikeys.NAME_MAX]}")
        return _keys_view(store, county, sent, message_of(exc), exc.status)
    audit(request.endpoint, f"api_key:{made.name}", role=made.role, unit=unit and unit.code)
    said = t("accounts.secret.key_created", name=made.name, role=t(f"role.{made.role}"))
    return forms.no_store(render_template("admin/accounts/secret.html", county=county, said=said, key=key))


@bp.post("/admin/keys/<int:key_id>/revoke")
@admins_only
def revoke_key(key_id: int):
    store, county = store_and_county()
    found = store.get_api_key(key_id)
    try:
        forms.confirmed()
        apikeys.revoke_key(store, key_id)
    except PortalError as exc:
        forms.audit_refusal(exc, f"api_key:{found.name}")
        return _keys_view(store, county, {}, message_of(exc), exc.status)
    recent().clear()  # this process refuses it at once; the others within recent.SECONDS
    audit(request.endpoint, f"api_key:{found.name}", role=found.role)
    flash(t("accounts.keys.revoked_ok", name=found.name), "ok")
    return redirect(url_for("admin_keys.keys_page"))


def _keys_view(store: Store, county: County, sent: dict, error: str | None = None, status: int = 200):
    """The keys, those in force first, the newest first; the form to make one."""
    keys = sorted(store.list_api_keys(), key=lambda k: (k.revoked_at is not None, -k.id))
    page = page_number()
    return render_template(
        "admin/accounts/keys.html", county=county, keys=keys[(page - 1) * PER_PAGE : page * PER_PAGE],
        total=len(keys), page=page, pages=max(1, -(-len(keys) // PER_PAGE)), sent=sent, error=error,
        roles=USER_ROLES, units=in_service(store.list_units(county.id)), unit_names=forms.unit_names(store, county),
    ), status  # fmt: skip
