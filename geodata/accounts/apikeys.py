"""API keys for other systems (Open311 clients, a wall screen): issued once, stored only as a
SHA-256 hash. A key carries a role and, for unit staff, a unit, and sees what a user with that
role and unit would (DESIGN §11)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from geodata import clock
from geodata.assignments.postings import refuse_retired
from geodata.errors import Conflict, InvalidInput, Unauthorized
from geodata.labels import ROLE_EN, ROLE_ZH
from geodata.model import USER_ROLES, ApiKey, Unit
from geodata.stores.store import Store

PREFIX = "pk_"
UNIT_ROLE = "unit_staff"  # the one role whose view is one unit's
NAME_MAX = 100
# last_used_at is written at most this often: a map asks for dozens of tiles a second.
TOUCH_EVERY = timedelta(minutes=1)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(
    store: Store, name: str, role: str, unit: Unit | None = None, now: datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key for ``name``: the stored record and the key itself, to be shown once. A
    unit_staff key needs its ``unit``; other roles see the whole county and take none."""
    if not name.strip():
        raise InvalidInput("API key 需要名称", en="An API key needs a name", field="name")
    if len(name.strip()) > NAME_MAX:
        raise InvalidInput(
            f"API key 的名称过长：最多 {NAME_MAX} 个字符",
            en=f"The API key's name is too long: at most {NAME_MAX} characters",
            field="name",
        )
    if role not in USER_ROLES:
        raise InvalidInput(
            f"未知角色 {role!r}：可选 {', '.join(USER_ROLES)}",
            en=f"Unknown role {role!r}: choose {', '.join(USER_ROLES)}",
            field="role",
        )
    if role == UNIT_ROLE and unit is None:
        raise InvalidInput(
            "责任单位（unit_staff）的 API key 必须指定单位",
            en="An API key of unit staff (unit_staff) needs a unit",
            field="unit",
        )
    if role != UNIT_ROLE and unit is not None:
        raise InvalidInput(
            f"只有责任单位（unit_staff）的 API key 属于单位，{ROLE_ZH[role]}的不属于",
            en=f"Only API keys of unit staff (unit_staff) belong to a unit; not those of the {ROLE_EN[role]} role",
            field="unit",
        )
    if unit is not None:
        refuse_retired(unit)
    key = PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(name.strip(), role, key_hash(key), now or clock.now(), unit_id=unit and unit.id)
    return store.add_api_key(record), key


def check_key(store: Store, key: str | None) -> ApiKey:
    """The API key record for ``key``; Unauthorized when missing, unknown or revoked, or a
    unit_staff key without a unit (made before keys had one: it would see every unit's cases)."""
    if not key:
        raise Unauthorized("缺少 api_key", en="api_key is missing", field="api_key")
    found = store.api_key_by_hash(key_hash(key))
    if found is None:
        raise Unauthorized("api_key 无效或已停用", en="api_key is invalid or revoked", field="api_key")
    if found.role == UNIT_ROLE and found.unit_id is None:
        raise Unauthorized(
            "该责任单位 API key 未绑定单位，已停用：请用 --unit 重新签发",
            en="This unit staff API key is bound to no unit and has been disabled: issue a new one with --unit",
            field="api_key",
        )
    return found


def revoke_key(store: Store, key_id: int, now: datetime | None = None) -> ApiKey:
    """Revoke the key (NotFound when there is none, Conflict when it was revoked already): it is
    refused from then on. Its record stays, with its name, for the audit log's sake."""
    key = store.get_api_key(key_id)
    if not store.revoke_api_key(key_id, now or clock.now()):
        raise Conflict(
            f"API key {key.name!r} 已于此前停用",
            en=f"The API key {key.name!r} was revoked already",
            field="key",
        )
    return store.get_api_key(key_id)


def mark_used(store: Store, key: ApiKey, now: datetime | None = None) -> ApiKey:
    """Record that ``key`` authenticated a request now, unless that was recorded less than
    TOUCH_EVERY ago (by this process or another): the key as it now stands."""
    now = now or clock.now()
    if key.last_used_at is not None and now - key.last_used_at < TOUCH_EVERY:
        return key
    store.touch_api_key(key.id, now, now - TOUCH_EVERY)
    return replace(key, last_used_at=now)
