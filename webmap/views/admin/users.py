"""The administrators' users (/admin/users, issue #20 part 1): the list (searched by name, filtered
by role, paged), a new user with a generated first password shown once, and a user's page: role,
unit and panel; disable and enable (ending their sessions); a new password; sign out everywhere;
unlock after failed sign-ins. The work is geodata/accounts/'s, as the commands' is; every write is
audited with the user it was about, never a password. Destructive actions take a ticked 确认."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from geodata.accounts import credentials, logins, sessions, users
from geodata.assignments.units import in_service
from geodata.errors import NotFound, PortalError
from geodata.model import INSPECTION_PANELS, USER_ROLES, County, User
from geodata.stores.store import Store
from webmap.audit import audit
from webmap.i18n import message_of, t
from webmap.views.account import auth
from webmap.views.admin.forms import audit_refusal, confirmed, form_text, no_store, unit_names, user_profile
from webmap.views.common import ADMINS, roles_required, store_and_county
from webmap.views.params import page_number, parse_query

bp = Blueprint("admin_users", __name__)

PER_PAGE = 50
REFUSAL = "admin.admins_only"
admins_only = roles_required(*ADMINS, refusal=REFUSAL)


@bp.get("/admin/users")
@admins_only
def users_page():
    store, county = store_and_county()
    q, role, page = parse_query(request.args.get("q")), _role_filter(), page_number()
    total = store.count_users(county.id, q, role)
    found = store.find_users(county.id, q, role, PER_PAGE, (page - 1) * PER_PAGE)
    query = {k: v for k, v in (("q", q), ("role", role)) if v}
    return render_template(
        "admin/accounts/users.html", county=county, rows=users.standings(store, found, auth.now(), auth.login_policy()),
        total=total, page=page, pages=max(1, -(-total // PER_PAGE)), query=query, roles=USER_ROLES,
        units=unit_names(store, county),
    )  # fmt: skip


@bp.get("/admin/users/new")
@admins_only
def new_user():
    store, county = store_and_county()
    return _new_form(store, county, {})


@bp.post("/admin/users")
@admins_only
def create_user():
    store, county = store_and_county()
    sent = {k: request.form.get(k, "")[:200] for k in ("username", "role", "unit", "panel")}
    try:
        name = form_text("username", users.NAME_MAX)
        user, password = users.create_user(store, name, user_profile(store, county), county.id)
    except PortalError as exc:
        audit_refusal(exc, f"user:{sent['username'][: users.NAME_MAX]}")
        return _new_form(store, county, sent, message_of(exc), exc.status)
    audit(request.endpoint, f"user:{user.username}", **_profile_detail(store, county, user))
    said = t("accounts.secret.created", name=user.username, role=t(f"role.{user.role}"))
    return no_store(render_template("admin/accounts/secret.html", county=county, said=said, user=user,
                                    password=password))  # fmt: skip


@bp.get("/admin/users/<int:user_id>")
@admins_only
def user_page(user_id: int):
    store, county = store_and_county()
    return _user_view(store, county, _user(store, county, user_id))


@bp.post("/admin/users/<int:user_id>")
@admins_only
def edit_user(user_id: int):
    def edit(store: Store, county: County, user: User) -> dict:
        before = _profile_detail(store, county, user)
        after = users.edit_user(store, user, user_profile(store, county), by=_me(store))
        flash(t("accounts.user.saved", name=user.username), "ok")
        return {"before": before, "after": _profile_detail(store, county, after)}

    return _act(user_id, edit)


@bp.post("/admin/users/<int:user_id>/disable")
@admins_only
def disable_user(user_id: int):
    def disable(store: Store, county: County, user: User) -> dict:
        confirmed()
        _, ended = credentials.set_disabled(store, user, True, auth.now(), by=_me(store))
        flash(t("accounts.user.disabled", name=user.username, n=ended), "ok")
        return {"sessions_ended": ended}

    return _act(user_id, disable)


@bp.post("/admin/users/<int:user_id>/enable")
@admins_only
def enable_user(user_id: int):
    def enable(store: Store, county: County, user: User) -> dict:
        credentials.set_disabled(store, user, False, auth.now())
        flash(t("accounts.user.enabled", name=user.username), "ok")
        return {}

    return _act(user_id, enable)


@bp.post("/admin/users/<int:user_id>/sign-out")
@admins_only
def sign_out_user(user_id: int):
    def sign_out(store: Store, county: County, user: User) -> dict:
        confirmed()
        # Signing oneself out elsewhere keeps this session: the page would otherwise end with it.
        keep = sessions.session_id(session[auth.SESSION_TOKEN]) if user.id == current_user.id else None
        ended = credentials.sign_out_everywhere(store, user, auth.now(), keep=keep)
        flash(t("accounts.user.signed_out", name=user.username, n=ended), "ok")
        return {"sessions_ended": ended}

    return _act(user_id, sign_out)


@bp.post("/admin/users/<int:user_id>/unlock")
@admins_only
def unlock_user(user_id: int):
    def unlock(store: Store, county: County, user: User) -> dict:
        forgotten = logins.unlock(store, user.username)
        flash(t("accounts.user.unlocked", name=user.username, n=forgotten), "ok")
        return {"failures_forgotten": forgotten}

    return _act(user_id, unlock)


@bp.post("/admin/users/<int:user_id>/password")
@admins_only
def reset_password(user_id: int):
    store, county = store_and_county()
    user = _user(store, county, user_id)
    try:
        confirmed()
        user, password, ended = users.reset_password(store, user, auth.now(), by=_me(store))
    except PortalError as exc:
        return _refused_on_page(store, county, user, exc)
    audit(request.endpoint, f"user:{user.username}", sessions_ended=ended)
    said = t("accounts.secret.reset", name=user.username, n=ended)
    return no_store(render_template("admin/accounts/secret.html", county=county, said=said, user=user,
                                    password=password))  # fmt: skip


# -- the parts the views share -------------------------------------------------------------------
def _act(user_id: int, act: Callable[[Store, County, User], dict]):
    """Run an action on the user, audit it with what it returns and go back to their page; a
    refusal shows the page again with the reason (4xx), nothing changed."""
    store, county = store_and_county()
    user = _user(store, county, user_id)
    try:
        detail = act(store, county, user)
    except PortalError as exc:
        return _refused_on_page(store, county, user, exc)
    audit(request.endpoint, f"user:{user.username}", **detail)
    return redirect(url_for("admin_users.user_page", user_id=user.id))


def _refused_on_page(store: Store, county: County, user: User, exc: PortalError):
    audit_refusal(exc, f"user:{user.username}")
    return _user_view(store, county, user, message_of(exc), exc.status)


def _user_view(store: Store, county: County, user: User, error: str | None = None, status: int = 200):
    policy = auth.login_policy()
    standing = users.standings(store, [user], auth.now(), policy)[0]
    failures = store.login_failures_since(auth.now() - policy.window).get(logins.name_key(user.username), [])
    return render_template(
        "admin/accounts/user.html", county=county, s=standing, user=user, error=error,
        sessions_open=len(store.list_user_sessions(user.id)), failures=len(failures), roles=USER_ROLES,
        panels=INSPECTION_PANELS, unit_names=unit_names(store, county), me=user.id == current_user.id,
        units=[u for u in store.list_units(county.id) if u.retired_at is None or u.id == user.unit_id],
    ), status  # fmt: skip


def _new_form(store: Store, county: County, sent: dict, error: str | None = None, status: int = 200):
    return render_template(
        "admin/accounts/user_new.html", county=county, sent=sent, error=error, roles=USER_ROLES,
        panels=INSPECTION_PANELS, units=in_service(store.list_units(county.id)),
    ), status  # fmt: skip


def _user(store: Store, county: County, user_id: int) -> User:
    """The user of this id, if this county's administrators may see them (NotFound otherwise)."""
    user = store.get_user(user_id)
    if user.county_id not in (None, county.id):
        raise NotFound(f"用户 #{user_id} 不存在", en=f"User #{user_id} does not exist")
    return user


def _me(store: Store) -> User:
    return store.get_user(current_user.id)


def _role_filter() -> str | None:
    role = request.args.get("role") or None
    if role is not None and role not in USER_ROLES:
        users.check_profile(users.Profile(role[:20]))  # refuses, naming the roles
    return role


def _profile_detail(store: Store, county: County, user: User) -> dict:
    """What the audit log keeps of a user's profile: role, unit code, panel."""
    codes = {u.id: u.code for u in store.list_units(county.id)}
    return {"role": user.role, "unit": codes.get(user.unit_id, user.unit_id), "panel": user.panel}
