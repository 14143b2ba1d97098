"""Who reads /ogcapi: nobody (the public collections and the public subset of cases), or staff by
an ``X-API-Key``, by HTTP Basic over the portal's users (QGIS 3.22's built-in authentication), or
by a session. Basic goes through the login throttle (geodata/accounts/logins.py) like the sign-in
form, and never creates a session: each request carries its credentials."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from geodata.errors import Forbidden, RateLimited, Unauthorized
from layers.ogcapi import Viewer
from webmap import get_store
from webmap.views.account import auth
from webmap.views.requests import api_key_in_request, checked_key

REALM = 'Basic realm="ogcapi", charset="UTF-8"'


def viewer() -> Viewer | None:
    """The staff member asking (by key, Basic or session), or None for an anonymous caller."""
    key = api_key_in_request()
    if key is not None:
        found = checked_key(get_store(), key)
        return Viewer(found.role, found.unit_id)
    basic = request.authorization
    if basic is not None and basic.type == "basic":
        return _basic(basic.username or "", basic.password or "")
    if current_user.is_authenticated:
        return Viewer(current_user.role, current_user.unit_id)
    return None


def _basic(username: str, password: str) -> Viewer:
    """The user of Basic credentials; 429 while the name or address is throttled, 401 for wrong
    ones (the failure counted and recorded), 403 for a disabled account or one whose password must
    be changed first."""
    store, at, policy = get_store(), auth.now(), auth.login_policy()
    try:
        auth.logins.check_allowed(store, username, auth.client(), at, policy)
    except RateLimited as exc:
        reason = "account_locked" if isinstance(exc, auth.logins.AccountLocked) else "address_throttled"
        auth.event("login", username, "refused", reason=reason, via="basic")
        raise
    user = auth.authenticate(username, password)
    if user is None:
        locked = auth.logins.record_failure(store, username, auth.client(), at, policy)
        auth.event("login", username, "refused", reason="bad_credentials", via="basic")
        if locked:
            auth.event("account_locked", username, "ok", via="basic")
        raise Unauthorized("用户名或密码不对", en="Wrong user name or password", www_authenticate=REALM)
    if user.disabled_at is not None or user.must_change_password:
        raise Forbidden(
            "该账号已停用，或须先登录门户修改密码",
            en="The account is disabled, or its password must first be changed on the portal",
        )
    auth.logins.record_success(store, username)
    return Viewer(user.role, user.unit_id)
