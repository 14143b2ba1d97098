"""Accounts (等保 身份鉴别): checking a password, setting and changing one under the policy,
disabling a user and signing a user out everywhere. Each ends the sessions it must."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from geodata.accounts import passwords
from geodata.errors import Forbidden, InvalidInput, NotFound
from geodata.model import User
from geodata.stores.store import Store


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The user with this name and password, or None (without telling which was wrong)."""
    try:
        user = store.get_user_by_name(username)
    except NotFound:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


@cache
def _dummy_hash() -> str:
    """Checked against when the username is unknown, so both refusals take the same time."""
    return generate_password_hash("not a password")


def set_password(
    store: Store, user: User, password: str, now: datetime, by_admin: bool, keep: str | None = None
) -> tuple[User, int]:
    """Give the user a new password that passes the policy; one set by an administrator must be
    changed at the next sign-in. Ends every session but ``keep`` (a session id); returns the user
    and how many sessions ended."""
    passwords.check(password, user.username)
    with store.transaction():
        user = store.update_user(
            replace(user, password_hash=generate_password_hash(password), must_change_password=by_admin)
        )
        ended = store.end_user_sessions(user.id, now, "password", keep=keep)
    return user, ended


def change_own_password(store: Store, user: User, current: str, new: str, now: datetime, keep: str) -> User:
    """The signed-in user's change: the current password first, then a new one, not the same."""
    if not check_password_hash(user.password_hash, current):
        raise InvalidInput("当前密码不正确。", en="The current password is incorrect.", field="current")
    if new == current:
        raise InvalidInput(
            "新密码不能与当前密码相同。", en="The new password must differ from the current one.", field="new"
        )
    passwords.check(new, user.username, field="new")
    return set_password(store, user, new, now, by_admin=False, keep=keep)[0]


def set_disabled(
    store: Store, user: User, disabled: bool, now: datetime, by: User | None = None
) -> tuple[User, int]:
    """Disable a user (every session ends; signing in is refused) or enable them again. An
    administrator (``by``) cannot disable themself: someone must be left to enable them."""
    if disabled and by is not None and by.id == user.id:
        raise Forbidden(
            "不能停用自己的账号：请另一位管理员操作",
            en="You cannot disable your own account: ask another administrator",
        )
    with store.transaction():
        user = store.update_user(replace(user, disabled_at=now if disabled else None))
        ended = store.end_user_sessions(user.id, now, "disabled") if disabled else 0
    return user, ended


def sign_out_everywhere(store: Store, user: User, now: datetime, keep: str | None = None) -> int:
    """End all of the user's sessions but ``keep`` (a session id: the administrator's own, when
    they sign themself out elsewhere) — a lost phone, a shared computer; how many were open."""
    return store.end_user_sessions(user.id, now, "admin", keep=keep)
