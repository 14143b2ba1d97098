"""The county's settings for administrators (/admin/county, issue #20 part 5): its name, its public
hotline, the public map page's title and introduction in each language (plain text, shown escaped;
empty: the standard ones) and the basemap its maps open on (one of those this portal offers:
webmap/basemap.py). geodata/county_settings.py checks and bounds them; a save made on settings
someone else saved since is refused (409) and shown again with what was typed. Each save is
audited with the fields it changed."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from geodata import county_settings
from geodata.errors import InvalidInput, PortalError
from geodata.model import CountySetting
from webmap import get_store
from webmap.audit import audit
from webmap.county_settings import basemap_choices, forget
from webmap.i18n import message_of, t, zh_en
from webmap.views.common import ADMINS, current_county, roles_required
from webmap.views.params import MAX_ID

bp = Blueprint("admin_county", __name__)
REFUSAL = "admin.admins_only"
TEXTS = ("hotline", "public_title_zh", "public_title_en", "public_intro_zh", "public_intro_en", "basemap")
MAX_FORM_TEXT = 2000  # a field shown back in a refused form: more than any rule allows


@bp.get("/admin/county")
@roles_required(*ADMINS, refusal=REFUSAL)
def settings_page():
    store = get_store()
    county = current_county(store)
    setting = store.get_county_setting(county.id)  # not the few seconds' copy: the version must be now's
    shown = {"name": county.name, "version": str(setting.version), **{k: getattr(setting, k) for k in TEXTS}}
    return _page(setting, shown)


@bp.post("/admin/county")
@roles_required(*ADMINS, refusal=REFUSAL)
def save():
    store = get_store()
    county = current_county(store)
    before = store.get_county_setting(county.id)
    sent = {k: request.form.get(k, "")[:MAX_FORM_TEXT] for k in ("name", "version", *TEXTS)}
    try:
        typed = CountySetting(county.id, **{k: sent[k] for k in TEXTS})
        renamed, saved = county_settings.save(
            store, county, sent["name"], typed, _version(sent["version"]), current_user.username,
            tuple(basemap_choices()),
        )  # fmt: skip
    except PortalError as exc:
        return _page(before, sent, exc)
    forget()  # the new name and texts show at once in this process
    changed = [k for k in TEXTS if getattr(before, k) != getattr(saved, k)]
    changed += ["name"] if renamed.name != county.name else []
    audit(request.endpoint, f"county:{county.code}", version=saved.version, changed=changed)
    flash(t("admin_county.saved"), "ok")
    return redirect(url_for("admin_county.settings_page"))


def _page(setting: CountySetting, shown: dict, error: PortalError | None = None):
    county = current_county(get_store())
    choices = list(basemap_choices())
    page = render_template(
        "admin/county.html", county=county, setting=setting, v=shown, basemaps=choices, default_basemap=choices[0],
        error=error and message_of(error), error_field=error and error.details.get("field"),
        limits=county_settings,
    )  # fmt: skip
    return page, error.status if error else 200


def _version(raw: str) -> int:
    """The version of the settings the page showed (0: never saved)."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) <= MAX_ID):
        zh, en = zh_en("admin_county.no_version")
        raise InvalidInput(zh, en=en, field="version")
    return int(raw)
