"""What the administration's account forms share (/admin/users, /admin/keys): a form's fields parsed
and bounded, the ticked 确认 a destructive action needs, a unit named by its code, and the answer
that shows a password or key once and is never kept by a cache."""

from __future__ import annotations

from flask import make_response, request

from geodata.accounts.users import Profile
from geodata.errors import InvalidInput, NotFound, PortalError
from geodata.model import County, Unit
from geodata.stores.store import Store
from webmap.audit import audit
from webmap.i18n import zh_en
from webmap.views.params import check_text

CONFIRM = "yes"  # the value of the 确认 checkbox
CHOICE_MAX = 20  # a role, a panel: what a select sends
CODE_MAX = 50  # a unit's code


def form_text(name: str, max_length: int) -> str:
    """A form field's text, trimmed; InvalidInput naming it when longer than ``max_length``."""
    value = check_text(request.form.get(name, ""), name).strip()
    if len(value) > max_length:
        zh, en = zh_en("accounts.too_long", field=name, max=max_length)
        raise InvalidInput(zh, en=en, field=name)
    return value


def confirmed() -> None:
    """InvalidInput unless the form's 确认 box was ticked: nothing destructive happens by a slip."""
    if request.form.get("confirm") != CONFIRM:
        zh, en = zh_en("accounts.need_confirm")
        raise InvalidInput(zh, en=en, field="confirm")


def form_unit(store: Store, county: County) -> Unit | None:
    """The unit the form names by its code (none when blank); NotFound naming the code otherwise."""
    code = form_text("unit", CODE_MAX)
    if not code:
        return None
    try:
        return store.get_unit_by_code(county.id, code)
    except NotFound:
        zh, en = zh_en("accounts.no_unit", code=repr(code))
        raise NotFound(zh, en=en, field="unit") from None


def user_profile(store: Store, county: County) -> Profile:
    """The role, unit and panel a user form sends (geodata.accounts.users checks them)."""
    role = form_text("role", CHOICE_MAX)
    panel = form_text("panel", CHOICE_MAX) or None
    return Profile(role, form_unit(store, county), panel)


def unit_names(store: Store, county: County) -> dict[int, str]:
    """The county's units by id, as the lists show them: name (code)."""
    return {u.id: f"{u.name} ({u.code})" for u in store.list_units(county.id)}


def no_store(page):
    """A page showing a secret once: no cache (the browser's, a proxy's) keeps a copy of it."""
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def audit_refusal(exc: PortalError, target: str) -> None:
    """Record a refused write with what it was about (the write hook would know only the path);
    an error of the portal's own (5xx) goes on to the error handler."""
    if exc.status >= 500:
        raise exc
    audit(request.endpoint, target, "refused", code=exc.code, field=exc.details.get("field"))
