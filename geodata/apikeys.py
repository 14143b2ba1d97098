"""API keys for other systems (Open311 clients): issued once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from geodata.errors import InvalidInput, Unauthorized
from geodata.model import USER_ROLES, ApiKey
from geodata.store import Store

PREFIX = "pk_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(store: Store, name: str, role: str, now: datetime | None = None) -> tuple[ApiKey, str]:
    """A new key for ``name``: the stored record and the key itself, to be shown once."""
    if not name.strip():
        raise InvalidInput("an API key needs a name", field="name")
    if role not in USER_ROLES:
        raise InvalidInput(f"unknown role {role!r}: choose {', '.join(USER_ROLES)}", field="role")
    key = PREFIX + secrets.token_urlsafe(32)
    stored = store.add_api_key(ApiKey(name.strip(), role, key_hash(key), now or datetime.now(UTC)))
    return stored, key


def check_key(store: Store, key: str | None) -> ApiKey:
    """The API key record for ``key``; Unauthorized when missing, unknown or revoked."""
    if not key:
        raise Unauthorized("缺少 api_key", field="api_key")
    found = store.api_key_by_hash(key_hash(key))
    if found is None:
        raise Unauthorized("api_key 无效或已停用", field="api_key")
    return found
