"""The part of the Store interface (geodata/stores/store.py) that 身份鉴别 needs: server-side sessions and
the login failures behind the account lock and the address throttle (geodata/accounts/logins.py). Kept apart
so store.py stays small; ``Store`` inherits it, both backends implement it
(geodata/stores/shared/identity.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from geodata.model import UserSession


class Identity(Protocol):
    def add_user_session(self, session: UserSession) -> UserSession: ...

    def get_user_session(self, session_id: str) -> UserSession | None:
        """The session with this id (ended ones too), or None."""

    def touch_user_session(self, session_id: str, at: datetime) -> None:
        """Record that the session was used at ``at`` (callers do it at most once a minute)."""

    def end_user_session(self, session_id: str, at: datetime, reason: str) -> bool:
        """End the session if it is still open; False when it had ended already."""

    def end_user_sessions(self, user_id: int, at: datetime, reason: str, keep: str | None = None) -> int:
        """End every open session of the user but ``keep``; how many were ended."""

    def list_user_sessions(self, user_id: int, open_only: bool = True) -> list[UserSession]:
        """The user's sessions, newest first."""

    def add_login_failure(self, username: str, client: str, at: datetime) -> None:
        """Count one failed sign-in for this (case-folded) name and address hash."""

    def login_failures(
        self, since: datetime, username: str | None = None, client: str | None = None
    ) -> list[datetime]:
        """When the failures since ``since`` for that name or that address happened, oldest first."""

    def clear_login_failures(self, username: str, before: datetime | None = None) -> int:
        """Forget the failures of this name (after it signed in), or every failure older than
        ``before`` when username is empty; how many were forgotten."""
