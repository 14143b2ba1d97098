"""Users, API keys, sessions and login failures, and the answers remembered for an Idempotency-Key, in
the SQL both backends share (geodata/stores/interface/identity.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from geodata.errors import Conflict
from geodata.model import SESSION_END_REASONS, USER_ROLES, ApiKey, User, UserSession
from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import check_choice, one

_INSERT_SESSION = """
    INSERT INTO user_session (id, user_id, created_at, last_seen_at, client, user_agent)
    VALUES (%(id)s, %(user_id)s, %(created_at)s, %(last_seen_at)s, %(client)s, %(user_agent)s)
"""
_END_SESSIONS = """
    UPDATE user_session
    SET ended_at = %(at)s, end_reason = %(reason)s
    WHERE user_id = %(user_id)s
      AND ended_at IS NULL
      AND (CAST(%(keep)s AS TEXT) IS NULL OR id <> %(keep)s)
    RETURNING id
"""
_FAILURES = """
    SELECT at
    FROM login_failure
    WHERE at >= %(since)s
      AND (CAST(%(username)s AS TEXT) IS NULL OR username = %(username)s)
      AND (CAST(%(client)s AS TEXT) IS NULL OR client = %(client)s)
    ORDER BY at
"""


class IdentitySql(BaseStore):
    def _user(self, r) -> User:
        return User(
            r["username"], r["password_hash"], r["role"], r["county_id"], r["unit_id"], r["id"], r["panel"],
            bool(r["must_change_password"]), self._time(r["disabled_at"]), r["lang"],
        )  # fmt: skip

    # -- users -------------------------------------------------------------------------------------
    def add_user(self, user: User) -> User:
        self._check_user(user)
        try:
            row = self._insert(
                "INSERT INTO app_user (county_id, username, password_hash, role, unit_id, panel, "
                "must_change_password, disabled_at, lang) VALUES (%(county_id)s, %(username)s, %(password_hash)s, "
                "%(role)s, %(unit_id)s, %(panel)s, %(must_change_password)s, %(disabled_at)s, %(lang)s) RETURNING id",
                {**vars(user), "disabled_at": self._t(user.disabled_at)},
            )
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"用户名 {user.username!r} 已被使用", en=f"The username {user.username!r} is already taken"
            ) from None
        return replace(user, id=row[0])

    def get_user(self, user_id: int) -> User:
        return self._user(
            one(self._rows("SELECT * FROM app_user WHERE id = %(id)s", {"id": user_id}), f"user #{user_id}")
        )

    def get_user_by_name(self, username: str) -> User:
        rows = self._rows("SELECT * FROM app_user WHERE username = %(u)s", {"u": username})
        return self._user(one(rows, f"user {username!r}"))

    def update_user(self, user: User) -> User:
        self._check_user(user)
        self._execute(
            "UPDATE app_user SET password_hash = %(password_hash)s, role = %(role)s, county_id = %(county_id)s, "
            "unit_id = %(unit_id)s, panel = %(panel)s, must_change_password = %(must_change_password)s, "
            "disabled_at = %(disabled_at)s, lang = %(lang)s WHERE id = %(id)s",
            {**vars(user), "disabled_at": self._t(user.disabled_at)},
        )
        return self.get_user(user.id)

    def list_users(self) -> list[User]:
        return [self._user(r) for r in self._rows("SELECT * FROM app_user ORDER BY id")]

    def add_user_session(self, session: UserSession) -> UserSession:
        params = {
            **vars(session),
            "created_at": self._t(session.created_at),
            "last_seen_at": self._t(session.last_seen_at),
        }
        self._execute(_INSERT_SESSION, params)
        return session

    def get_user_session(self, session_id: str) -> UserSession | None:
        rows = self._rows("SELECT * FROM user_session WHERE id = %(id)s", {"id": session_id})
        return self._user_session(rows[0]) if rows else None

    def touch_user_session(self, session_id: str, at: datetime) -> None:
        self._execute(
            "UPDATE user_session SET last_seen_at = %(at)s WHERE id = %(id)s AND ended_at IS NULL",
            {"id": session_id, "at": self._t(at)},
        )

    def end_user_session(self, session_id: str, at: datetime, reason: str) -> bool:
        check_choice(reason, SESSION_END_REASONS, "reason")
        with self.transaction():
            rows = self._rows(
                "UPDATE user_session SET ended_at = %(at)s, end_reason = %(reason)s "
                "WHERE id = %(id)s AND ended_at IS NULL RETURNING id",
                {"id": session_id, "at": self._t(at), "reason": reason},
            )
        return bool(rows)

    def end_user_sessions(self, user_id: int, at: datetime, reason: str, keep: str | None = None) -> int:
        check_choice(reason, SESSION_END_REASONS, "reason")
        with self.transaction():
            rows = self._rows(
                _END_SESSIONS, {"user_id": user_id, "at": self._t(at), "reason": reason, "keep": keep}
            )
        return len(rows)

    def list_user_sessions(self, user_id: int, open_only: bool = True) -> list[UserSession]:
        rows = self._rows(
            "SELECT * FROM user_session WHERE user_id = %(u)s AND (%(all)s OR ended_at IS NULL) "
            "ORDER BY created_at DESC, id",
            {"u": user_id, "all": not open_only},
        )
        return [self._user_session(r) for r in rows]

    def add_login_failure(self, username: str, client: str, at: datetime) -> None:
        self._execute(
            "INSERT INTO login_failure (username, client, at) VALUES (%(u)s, %(c)s, %(at)s)",
            {"u": username, "c": client, "at": self._t(at)},
        )

    def login_failures(
        self, since: datetime, username: str | None = None, client: str | None = None
    ) -> list[datetime]:
        rows = self._rows(_FAILURES, {"since": self._t(since), "username": username, "client": client})
        return [self._time(r["at"]) for r in rows]

    def clear_login_failures(self, username: str, before: datetime | None = None) -> int:
        with self.transaction():
            if username:
                rows = self._rows(
                    "DELETE FROM login_failure WHERE username = %(u)s RETURNING id", {"u": username}
                )
            else:
                rows = self._rows(
                    "DELETE FROM login_failure WHERE at < %(before)s RETURNING id",
                    {"before": self._t(before)},
                )
        return len(rows)

    def _user_session(self, r) -> UserSession:
        return UserSession(
            r["id"], r["user_id"], self._time(r["created_at"]), self._time(r["last_seen_at"]), r["client"],
            r["user_agent"], self._time(r["ended_at"]), r["end_reason"],
        )  # fmt: skip

    # -- API keys ----------------------------------------------------------------------------------
    def add_api_key(self, key: ApiKey) -> ApiKey:
        check_choice(key.role, USER_ROLES, "role")
        try:
            row = self._insert(
                "INSERT INTO api_key (name, role, key_hash, created_at, unit_id) "
                "VALUES (%(name)s, %(role)s, %(key_hash)s, %(created_at)s, %(unit_id)s) RETURNING id",
                {**vars(key), "created_at": self._t(key.created_at)},
            )
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"名为 {key.name!r} 的 API key 已存在", en=f"An API key named {key.name!r} exists already"
            ) from None
        return replace(key, id=row[0])

    def api_key_by_hash(self, key_hash: str) -> ApiKey | None:
        """The key with this hash, unless revoked."""
        rows = self._rows(
            "SELECT * FROM api_key WHERE key_hash = %(h)s AND revoked_at IS NULL", {"h": key_hash}
        )
        return self._api_key(rows[0]) if rows else None

    def list_api_keys(self) -> list[ApiKey]:
        return [self._api_key(r) for r in self._rows("SELECT * FROM api_key ORDER BY id")]

    def _api_key(self, r) -> ApiKey:
        return ApiKey(
            r["name"],
            r["role"],
            r["key_hash"],
            self._time(r["created_at"]),
            self._time(r["revoked_at"]),
            r["id"],
            r["unit_id"],
            self._time(r["last_used_at"]),
        )

    # -- idempotency -------------------------------------------------------------------------------
    def remembered_answer(self, scope: str, key: str) -> tuple[str, int, str] | None:
        """(fingerprint, status, body) of the first request sent with this key, if any."""
        rows = self._rows(
            "SELECT fingerprint, status, body FROM idempotency WHERE scope = %(s)s AND key = %(k)s",
            {"s": scope, "k": key},
        )
        return (rows[0]["fingerprint"], rows[0]["status"], rows[0]["body"]) if rows else None

    def remember_answer(
        self, scope: str, key: str, fingerprint: str, status: int, body: str, at: datetime
    ) -> None:
        """Keep a first answer; Conflict when another request with the key got there first."""
        try:
            self._execute(
                "INSERT INTO idempotency (scope, key, fingerprint, status, body, created_at) "
                "VALUES (%(s)s, %(k)s, %(f)s, %(st)s, %(b)s, %(at)s)",
                {"s": scope, "k": key, "f": fingerprint, "st": status, "b": body, "at": self._t(at)},
            )
        except self.CONSTRAINT_ERRORS:
            raise Conflict(
                f"Idempotency-Key {key!r} 同时被另一个请求使用",
                en=f"Idempotency-Key {key!r} was used by a request at the same time",
            ) from None
