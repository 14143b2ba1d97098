"""The case categories for administrators (/admin/categories, issue #20 part 3): every category with
all its fields and how many of the county's cases use it; a new one (its code unique); an edit
of its names, deadline and its kind, public or internal, 部件/事件 code and class and order, made on
the version the page showed (someone else's edit in between: 409, nothing overwritten); retiring
one (a checkbox confirms it) and offering it again. Deleting is never offered: the cases filed
under a category are history. geodata/cases/categories.py holds the rules.

A refused form comes back with what was typed and the refusal beside its field (4xx, nothing
stored); a saved one goes back to the list with a line saying what changed. Each write is audited
with the category's code."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, request, url_for

from geodata.cases import categories
from geodata.errors import InvalidInput, PortalError
from geodata.model import CC_CLASSES, DEADLINE_KINDS, Category
from webmap import get_store
from webmap.audit import audit
from webmap.i18n import EN, ZH, current_lang, message_of, t, zh_en
from webmap.views.common import ADMINS, current_county, roles_required
from webmap.views.params import MAX_ID

bp = Blueprint("admin_categories", __name__)
REFUSAL = "admin.admins_only"
# What the form edits (the code only when the category is new), as the form sends it.
FIELDS = ("name_zh", "name_en", "deadline_hours", "deadline_kind", "public", "sort", "cc_code", "cc_class")
MAX_FORM_TEXT = 1000  # a field shown back in a refused form: more than any rule allows, far less than a body


@bp.get("/admin/categories")
@roles_required(*ADMINS, refusal=REFUSAL)
def list_page():
    store = get_store()
    county = current_county(store)
    return render_template(
        "admin/categories.html", county=county, categories=store.list_categories(),
        counts=store.category_case_counts(county.id),
    )  # fmt: skip


@bp.get("/admin/categories/new")
@roles_required(*ADMINS, refusal=REFUSAL)
def new_page():
    blank = Category("", "", "", 24, sort=_next_sort(get_store().list_categories()))
    return _form(None, _shown(blank))


@bp.post("/admin/categories")
@roles_required(*ADMINS, refusal=REFUSAL)
def create():
    store = get_store()
    try:
        made = categories.add_category(store, _typed(Category(request.form.get("code", ""), "", "", 0)))
    except PortalError as exc:
        return _form(None, _sent(), exc)
    audit(request.endpoint, f"category:{made.code}", deadline_hours=made.deadline_hours, public=made.public)
    flash(t("admin_categories.created", name=_name(made)), "ok")
    return redirect(url_for("admin_categories.list_page"))


@bp.get("/admin/categories/<code>")
@roles_required(*ADMINS, refusal=REFUSAL)
def edit_page(code: str):
    stored = get_store().get_category(code)  # NotFound: a 404 page naming it
    return _form(stored, _shown(stored))


@bp.post("/admin/categories/<code>")
@roles_required(*ADMINS, refusal=REFUSAL)
def save(code: str):
    store = get_store()
    stored = store.get_category(code)
    try:
        saved = categories.edit_category(store, _typed(stored), _version())
    except PortalError as exc:
        return _form(stored, _sent(), exc)
    changed = {
        k: [getattr(stored, k), getattr(saved, k)] for k in FIELDS if getattr(stored, k) != getattr(saved, k)
    }
    audit(request.endpoint, f"category:{code}", version=saved.version, changed=changed)
    flash(t("admin_categories.saved", name=_name(saved)), "ok")
    return redirect(url_for("admin_categories.list_page"))


@bp.post("/admin/categories/<code>/retire")
@roles_required(*ADMINS, refusal=REFUSAL)
def retire(code: str):
    store = get_store()
    stored = store.get_category(code)
    try:
        if request.form.get("confirm") != "1":
            zh, en = zh_en("admin_categories.confirm_needed", name_zh=stored.name_zh, name_en=stored.name_en)
            raise InvalidInput(zh, en=en, field="confirm")
        done = categories.retire_category(store, code, _version())
    except PortalError as exc:
        return _form(stored, _shown(stored), exc)
    audit(request.endpoint, f"category:{code}", version=done.version)
    flash(t("admin_categories.retired_now", name=_name(done)), "ok")
    return redirect(url_for("admin_categories.list_page"))


@bp.post("/admin/categories/<code>/reinstate")
@roles_required(*ADMINS, refusal=REFUSAL)
def reinstate(code: str):
    store = get_store()
    stored = store.get_category(code)
    try:
        done = categories.reinstate_category(store, code, _version())
    except PortalError as exc:
        return _form(stored, _shown(stored), exc)
    audit(request.endpoint, f"category:{code}", version=done.version)
    flash(t("admin_categories.reinstated", name=_name(done)), "ok")
    return redirect(url_for("admin_categories.list_page"))


# -- the form ------------------------------------------------------------------------------------
def _form(stored: Category | None, shown: dict, error: PortalError | None = None):
    """The form of a new (``stored`` None) or a stored category showing ``shown`` (the stored
    values, or what was sent), with a refusal beside its field and the refusal's status."""
    store = get_store()
    county = current_county(store)
    count = store.category_case_counts(county.id).get(stored.code, 0) if stored else 0
    page = render_template(
        "admin/category.html", county=county, c=stored, v=shown, count=count, kinds=DEADLINE_KINDS,
        classes=CC_CLASSES, error=error and message_of(error), error_field=error and error.details.get("field"),
    )  # fmt: skip
    return page, error.status if error else 200


def _shown(c: Category) -> dict:
    return {"code": c.code, "version": str(c.version), **{k: getattr(c, k) for k in FIELDS}}


def _sent() -> dict:
    """What the form sent, as it came (each field cut to MAX_FORM_TEXT), to show it again."""
    sent = {k: request.form.get(k, "")[:MAX_FORM_TEXT] for k in ("code", "version", *FIELDS)}
    return {**sent, "public": request.form.get("public") == "1"}


def _typed(base: Category) -> Category:
    """``base`` with what the form sent (its code stays ``base``'s, as do its campaign and
    retirement); InvalidInput naming a number that is not one."""
    form = request.form
    return replace(
        base,
        name_zh=form.get("name_zh", ""),
        name_en=form.get("name_en", ""),
        deadline_hours=_int("deadline_hours", "admin_categories.deadline_hours"),
        deadline_kind=form.get("deadline_kind", "").strip(),
        public=form.get("public") == "1",
        sort=_int("sort", "admin_categories.sort"),
        cc_code=form.get("cc_code", ""),
        cc_class=form.get("cc_class", "").strip(),
    )


def _int(field: str, label: str) -> int:
    """A whole number from the form (the domain bounds it); InvalidInput naming the field."""
    raw = request.form.get(field, "").strip()
    if not (raw.isascii() and raw.lstrip("-").isdigit() and len(raw) <= 10 and abs(int(raw)) <= MAX_ID):
        zh, en = zh_en("admin_categories.not_a_number", raw=raw[:20])
        raise InvalidInput(f"{ZH[label]}：{zh}", en=f"{EN[label]}: {en}", field=field)
    return int(raw)


def _version() -> int:
    """The version of the category the page showed (a hidden field)."""
    raw = request.form.get("version", "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= MAX_ID):
        zh, en = zh_en("admin_categories.no_version")
        raise InvalidInput(zh, en=en, field="version")
    return int(raw)


def _name(c: Category) -> str:
    return c.name_en if current_lang() == "en" else c.name_zh


def _next_sort(existing: list[Category]) -> int:
    return min(categories.MAX_SORT, max((c.sort for c in existing), default=0) + 1)
