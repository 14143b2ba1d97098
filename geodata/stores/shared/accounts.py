"""The administrators' view of users and API keys, in the SQL both backends share
(geodata/stores/interface/accounts.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from geodata.model import ApiKey, User
from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import one

# A user of another county is not this county's administrators' to see; one of none is everyone's.
_FOUND = """
    FROM app_user
    WHERE (CAST(%(county)s AS INTEGER) IS NULL OR county_id = %(county)s OR county_id IS NULL)
      AND (CAST(%(role)s AS TEXT) IS NULL OR role = %(role)s)
      AND LOWER(username) LIKE LOWER(%(pattern)s) ESCAPE '!'
"""
_TOUCH = """
    UPDATE api_key
    SET last_used_at = %(at)s
    WHERE id = %(id)s
      AND revoked_at IS NULL
      AND (last_used_at IS NULL OR last_used_at < %(before)s)
    RETURNING id
"""


def _pattern(query: str) -> str:
    """``query`` as a LIKE pattern that finds it anywhere, its own % and _ taken literally."""
    escaped = query.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


class AccountsSql(BaseStore):
    def find_users(
        self,
        county_id: int | None,
        query: str = "",
        role: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[User]:
        params = {
            "county": county_id,
            "role": role,
            "pattern": _pattern(query),
            "limit": limit,
            "offset": offset,
        }
        rows = self._rows("SELECT *" + _FOUND + "ORDER BY id LIMIT %(limit)s OFFSET %(offset)s", params)
        return [self._user(r) for r in rows]

    def count_users(self, county_id: int | None, query: str = "", role: str | None = None) -> int:
        params = {"county": county_id, "role": role, "pattern": _pattern(query)}
        return self._rows("SELECT COUNT(*) AS n" + _FOUND, params)[0]["n"]

    def last_sign_ins(self, user_ids: Sequence[int]) -> dict[int, datetime]:
        if not user_ids:
            return {}
        rows = self._rows(
            "SELECT id, (SELECT MAX(s.created_at) FROM user_session AS s WHERE s.user_id = app_user.id) AS at "
            f"FROM app_user WHERE {self.ID_IN}",
            {"ids": self._arr(user_ids)},
        )
        return {r["id"]: self._time(r["at"]) for r in rows if r["at"] is not None}

    def login_failures_since(self, since: datetime) -> dict[str, list[datetime]]:
        rows = self._rows(
            "SELECT username, at FROM login_failure WHERE at >= %(since)s ORDER BY at, id",
            {"since": self._t(since)},
        )
        found: dict[str, list[datetime]] = defaultdict(list)
        for r in rows:
            found[r["username"]].append(self._time(r["at"]))
        return dict(found)

    def get_api_key(self, key_id: int) -> ApiKey:
        rows = self._rows("SELECT * FROM api_key WHERE id = %(id)s", {"id": key_id})
        return self._api_key(one(rows, f"API key #{key_id}"))

    def revoke_api_key(self, key_id: int, at: datetime) -> bool:
        with self.transaction():
            rows = self._rows(
                "UPDATE api_key SET revoked_at = %(at)s WHERE id = %(id)s AND revoked_at IS NULL RETURNING id",
                {"id": key_id, "at": self._t(at)},
            )
        return bool(rows)

    def touch_api_key(self, key_id: int, at: datetime, before: datetime) -> bool:
        with self.transaction():
            rows = self._rows(_TOUCH, {"id": key_id, "at": self._t(at), "before": self._t(before)})
        return bool(rows)
