"""Sessions and login failures, shared by both stores (see common.py and geodata/stores/interface/identity.py)."""

from __future__ import annotations

from datetime import datetime

from geodata.model import SESSION_END_REASONS, UserSession
from geodata.stores.shared.base import check_choice

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


class IdentitySql:
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
