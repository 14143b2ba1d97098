"""Administering users (等保 身份鉴别, issue #20): who a user is (role, unit, panel) held to the
rules, a user created with a first password someone else chose (generated unless given) to be
changed at the first sign-in, edited, given a new generated password; and what the administrators'
list shows of each (state, last sign-in, a lock). The commands (webmap/cli/users.py) and the
administration's pages (webmap/views/admin/users.py) both call these, with disabling, signing out
and the policy in ``credentials``, ``passwords`` and ``logins``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from werkzeug.security import generate_password_hash

from geodata.accounts import credentials, logins, passwords
from geodata.assignments.postings import refuse_retired
from geodata.errors import Conflict, Forbidden, InvalidInput
from geodata.labels import PANEL_EN, PANEL_ZH, ROLE_EN, ROLE_ZH
from geodata.model import INSPECTION_PANELS, USER_ROLES, Unit, User
from geodata.stores.store import Store

NAME_MAX = logins.NAME_MAX  # what the sign-in form takes
UNIT_ROLE = "unit_staff"
COMMITTEE = "community"  # the panel of residents' committees: they score what their unit guards
STATES = ("active", "disabled", "locked", "must_change")


@dataclass(frozen=True)
class Profile:
    """What an administrator decides about a user: the role, the unit, the evaluation panel."""

    role: str
    unit: Unit | None = None
    panel: str | None = None


def check_username(name: str) -> str:
    """The name as kept: trimmed, 1–NAME_MAX characters, no spaces or control characters in it."""
    name = name.strip()
    if not name:
        raise InvalidInput("用户名不能为空", en="The username cannot be empty", field="username")
    if len(name) > NAME_MAX:
        raise InvalidInput(
            f"用户名过长：最多 {NAME_MAX} 个字符", en=f"The username is too long: at most {NAME_MAX} characters",
            field="username",
        )  # fmt: skip
    if any(c.isspace() or not c.isprintable() for c in name):
        raise InvalidInput(
            "用户名不能含有空格或控制字符", en="A username cannot hold spaces or control characters",
            field="username",
        )  # fmt: skip
    return name


def check_profile(profile: Profile) -> None:
    """InvalidInput naming what is wrong: an unknown role or panel; a panel for anyone but an
    inspector (evaluators are inspectors); unit staff, or a residents' committee's evaluator,
    without their unit; a unit for anyone else (the others see the whole county)."""
    role, unit, panel = profile.role, profile.unit, profile.panel
    if role not in USER_ROLES:
        raise InvalidInput(
            f"未知角色 {role!r}：可选 admin、leader、unit_staff 或 inspector",
            en=f"Unknown role {role!r}: choose admin, leader, unit_staff or inspector",
            field="role",
        )
    if panel is not None and panel not in INSPECTION_PANELS:
        raise InvalidInput(
            f"未知评议组 {panel!r}：可选 {', '.join(INSPECTION_PANELS)}",
            en=f"Unknown panel {panel!r}: choose {', '.join(INSPECTION_PANELS)}",
            field="panel",
        )
    if panel is not None and role != "inspector":
        raise InvalidInput(
            f"只有督查员（inspector）属于评议组，{ROLE_ZH[role]}不属于",
            en=f"Only inspectors belong to an evaluation panel; not the {ROLE_EN[role]} role",
            field="panel",
        )
    needs_unit = role == UNIT_ROLE or panel == COMMITTEE
    if needs_unit and unit is None:
        who_zh = (
            "责任单位（unit_staff）的用户" if role == UNIT_ROLE else f"{PANEL_ZH[COMMITTEE]}评议组的督查员"
        )
        who_en = (
            "A user of unit staff (unit_staff)"
            if role == UNIT_ROLE
            else f"An evaluator of {PANEL_EN[COMMITTEE]}"
        )
        raise InvalidInput(f"{who_zh}必须指定单位", en=f"{who_en} needs a unit", field="unit")
    if unit is not None and needs_unit:
        refuse_retired(unit)
    if unit is not None and not needs_unit:
        raise InvalidInput(
            f"只有责任单位的用户和{PANEL_ZH[COMMITTEE]}评议组的督查员属于单位，{ROLE_ZH[role]}不属于",
            en=f"Only unit staff and evaluators of {PANEL_EN[COMMITTEE]} belong to a unit; not the {ROLE_EN[role]} role",
            field="unit",
        )


def create_user(
    store: Store, username: str, profile: Profile, county_id: int | None, password: str | None = None
) -> tuple[User, str]:
    """A new user, and the first password (generated when none is given: to be shown once and
    changed at the first sign-in; only its hash is kept). A name taken already, in any case, is
    a Conflict, and nothing is stored."""
    name = check_username(username)
    check_profile(profile)
    taken = [
        u.username for u in store.find_users(None, name, limit=20) if u.username.casefold() == name.casefold()
    ]
    if taken:
        raise Conflict(
            f"用户名 {name!r} 已被使用" + (f"（已有 {taken[0]!r}）" if taken[0] != name else ""),
            en=f"The username {name!r} is already taken"
            + (f" (by {taken[0]!r})" if taken[0] != name else ""),
            field="username",
        )
    password = passwords.generate() if password is None else password
    passwords.check(password, name)
    user = User(
        name, generate_password_hash(password), profile.role, county_id, profile.unit and profile.unit.id,
        panel=profile.panel, must_change_password=True,
    )  # fmt: skip
    return store.add_user(user), password


def edit_user(store: Store, user: User, profile: Profile, by: User | None = None) -> User:
    """Give the user this role, unit and panel; an administrator (``by``) keeps their own role."""
    check_profile(profile)
    if by is not None and by.id == user.id and user.role == "admin" and profile.role != "admin":
        raise Forbidden(
            "不能取消自己的管理员角色：请另一位管理员操作",
            en="You cannot take away your own administrator role: ask another administrator",
            field="role",
        )
    changed = replace(user, role=profile.role, unit_id=profile.unit and profile.unit.id, panel=profile.panel)
    return store.update_user(changed)


def reset_password(store: Store, user: User, now: datetime, by: User | None = None) -> tuple[User, str, int]:
    """A new generated password, to be shown once and changed at the next sign-in; every session
    of the user ends. Returns the user, the password and how many sessions ended. An
    administrator changes their own password on their own page, knowing the current one."""
    if by is not None and by.id == user.id:
        raise Forbidden(
            "不能在此重置自己的密码：请在“修改密码”页面修改",
            en="You cannot reset your own password here: change it on the Change password page",
        )
    password = passwords.generate()
    user, ended = credentials.set_password(store, user, password, now, by_admin=True)
    return user, password, ended


@dataclass(frozen=True)
class Standing:
    """A user as the administrators' list shows them."""

    user: User
    last_sign_in: datetime | None = None
    locked_until: datetime | None = None  # failed sign-ins lock the name until then

    @property
    def states(self) -> tuple[str, ...]:
        """Every state that holds (STATES), ``active`` alone when none of the others does."""
        found = (
            ("disabled",) * (self.user.disabled_at is not None)
            + ("locked",) * (self.locked_until is not None)
            + ("must_change",) * self.user.must_change_password
        )
        return found or ("active",)


def standings(store: Store, users: list[User], now: datetime, policy: logins.LoginPolicy) -> list[Standing]:
    """Each user's last sign-in and lock, in two queries for the whole list."""
    last = store.last_sign_ins([u.id for u in users])
    failures = store.login_failures_since(now - 2 * policy.window)
    out = []
    for u in users:
        until = logins.locked_until(failures.get(logins.name_key(u.username), []), policy)
        out.append(Standing(u, last.get(u.id), until if until is not None and until > now else None))
    return out
