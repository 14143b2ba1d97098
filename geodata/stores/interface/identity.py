"""Who may use the portal (身份鉴别): users, API keys, server-side sessions, the login failures behind
the account lock and the address throttle (geodata/accounts/logins.py), and the answers remembered for
an Idempotency-Key. Both backends implement it with geodata/stores/shared/identity.py."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from geodata.model import ApiKey, User, UserSession


class IdentityStore(Protocol):
    """Users and API keys, their sessions and failed sign-ins, remembered answers."""

    def add_user(self, user: User) -> User:
        """Conflict when the username is taken."""

    def get_user(self, user_id: int) -> User: ...

    def get_user_by_name(self, username: str) -> User: ...

    def update_user(self, user: User) -> User:
        """Write a user's password hash, role, county, unit, panel, must-change flag and disabled time."""

    def list_users(self) -> list[User]: ...

    def add_api_key(self, key: ApiKey) -> ApiKey:
        """Conflict when the name is taken; a unit_staff key carries its ``unit_id``."""

    def api_key_by_hash(self, key_hash: str) -> ApiKey | None: ...

    def list_api_keys(self) -> list[ApiKey]: ...

    def remembered_answer(self, scope: str, key: str) -> tuple[str, int, str] | None:
        """(request fingerprint, HTTP status, body) first given for an Idempotency-Key."""

    def remember_answer(
        self, scope: str, key: str, fingerprint: str, status: int, body: str, at: datetime
    ) -> None:
        """Conflict when the key was remembered meanwhile by a concurrent request."""

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
