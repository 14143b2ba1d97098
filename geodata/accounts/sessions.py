"""Server-side sessions (等保 身份鉴别): a sign-in is a ``user_session`` row that ends at logout, a
password change, an administrator's word, after ``idle`` without use or ``max_age`` after sign-in.

The cookie carries a random token; the database keeps only its SHA-256, so a copy of the table
signs no one in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from geodata.model import UserSession
from geodata.stores.store import Store

USER_AGENT_MAX = 120
# last_seen_at is written at most this often: a map page asks for dozens of tiles a second.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(hours=12)


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(store: Store, user_id: int, client: str, user_agent: str, now: datetime) -> str:
    """Open a session for the user; returns the token for the cookie (shown nowhere else)."""
    token = secrets.token_urlsafe(32)
    store.add_user_session(
        UserSession(session_id(token), user_id, now, now, client, user_agent[:USER_AGENT_MAX])
    )
    return token


def state(session: UserSession | None, user_id: int, now: datetime, policy: SessionPolicy) -> str:
    """``open``, or why the session no longer signs anyone in: ``missing`` (unknown, or another
    user's), ``idle`` (unused for ``idle``), ``expired`` (older than ``max_age``) — now or when it
    was ended — or ``ended`` (logout, password change, an administrator)."""
    if session is None or session.user_id != user_id:
        return "missing"
    if session.ended_at is not None:
        # Timed out is told as such, to the copy of a cookie too; any other end is "ended".
        return session.end_reason if session.end_reason in ("idle", "expired") else "ended"
    if now - session.created_at >= policy.max_age:
        return "expired"
    if now - session.last_seen_at >= policy.idle:
        return "idle"
    return "open"


def check(store: Store, token: str, user_id: int, now: datetime, policy: SessionPolicy) -> str:
    """The state of the session behind ``token`` for this request: an idle or expired one is ended
    now (with that reason); an open one is marked used, at most once a TOUCH_EVERY."""
    sid = session_id(token)
    session = store.get_user_session(sid)
    found = state(session, user_id, now, policy)
    if found in ("idle", "expired") and session.ended_at is None:
        store.end_user_session(sid, now, found)
    elif found == "open" and now - session.last_seen_at >= TOUCH_EVERY:
        store.touch_user_session(sid, now)
    return found


def end(store: Store, token: str, now: datetime, reason: str) -> bool:
    return store.end_user_session(session_id(token), now, reason)
