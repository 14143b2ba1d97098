"""The arithmetic of the account lock, the address throttle and session ends (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from geodata.accounts import logins, sessions
from geodata.model import UserSession

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
POLICY = logins.LoginPolicy()  # 5 within 15 minutes, 20 per address
MIN = timedelta(minutes=1)


def _at(*minutes: float) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in minutes]


def test_the_fifth_failure_within_the_window_locks_for_the_window():
    assert logins.locked_until(_at(0, 1, 2, 3), POLICY) is None
    assert logins.locked_until(_at(0, 1, 2, 3, 14), POLICY) == T0 + 29 * MIN
    assert logins.locked_until(_at(0, 1, 2, 3, 15), POLICY) is None  # the first is out of the window
    # A later run of five wins; failures after a lock ended start a new count.
    assert logins.locked_until(_at(0, 1, 2, 3, 4, 20, 21, 22, 23, 24), POLICY) == T0 + 39 * MIN
    assert logins.locked_until(_at(0, 1, 2, 3, 4, 20), POLICY) == T0 + 19 * MIN


@given(st.lists(st.integers(0, 120), max_size=30))
def test_a_lock_always_lasts_the_window_from_a_failure_that_completes_five(minutes):
    failures = _at(*sorted(minutes))
    until = logins.locked_until(failures, POLICY)
    if until is None:
        assert all(sum(f - POLICY.window < g <= f for g in failures) < 5 for f in failures)
    else:
        start = until - POLICY.window
        assert start in failures and sum(start - POLICY.window < g <= start for g in failures) >= 5
        assert not any(f > start and sum(f - POLICY.window < g <= f for g in failures) >= 5 for f in failures)


def test_the_address_window_slides():
    failures = _at(*(i / 2 for i in range(21)))  # every 30 s for 10 minutes
    assert logins.address_opens_at(failures[:19], T0 + 10 * MIN, POLICY) is None
    assert logins.address_opens_at(failures[:20], T0 + 10 * MIN, POLICY) == T0 + 15 * MIN
    assert logins.address_opens_at(failures, T0 + 10 * MIN, POLICY) == T0 + 15.5 * MIN  # the 20th-latest
    assert logins.address_opens_at(failures[:20], T0 + 15 * MIN, POLICY) is None  # the first aged out


def test_names_are_counted_case_folded_and_trimmed():
    assert logins.name_key("  Leader1 ") == "leader1" and len(logins.name_key("x" * 500)) == 100


def _session(created=0, seen=0, ended=None):
    return UserSession(
        "id", 7, T0 + created * MIN, T0 + seen * MIN, ended_at=ended, end_reason=ended and "logout"
    )


def test_session_states():
    policy = sessions.SessionPolicy()
    assert sessions.state(_session(), 7, T0 + 29 * MIN, policy) == "open"
    assert sessions.state(_session(), 7, T0 + 30 * MIN, policy) == "idle"
    assert sessions.state(_session(seen=715), 7, T0 + 720 * MIN, policy) == "expired"
    assert sessions.state(_session(ended=T0), 7, T0, policy) == "ended"
    assert sessions.state(_session(), 8, T0, policy) == "missing"  # another user's
    assert sessions.state(None, 7, T0, policy) == "missing"
    timed_out = UserSession("id", 7, T0, T0, ended_at=T0, end_reason="idle")
    assert sessions.state(timed_out, 7, T0 + 40 * MIN, policy) == "idle"  # told as such, later too
