"""The store's identity part on both backends: user flags, sessions that end, login failures."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from geodata.errors import InvalidInput
from geodata.model import County, User, UserSession

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def user(store):
    county = store.add_county(County("440304", "福田示范区"))
    return store.add_user(User("leader1", "hash", "leader", county.id))


def test_user_flags_default_off_and_round_trip(store, user):
    assert (user.must_change_password, user.disabled_at) == (False, None)
    assert store.get_user(user.id).must_change_password is False
    store.update_user(replace(user, must_change_password=True, disabled_at=T0))
    stored = store.get_user_by_name("leader1")
    assert (stored.must_change_password, stored.disabled_at) == (True, T0)
    created = store.add_user(User("staff", "hash", "leader", must_change_password=True))
    assert store.get_user(created.id).must_change_password is True


def test_sessions_end_one_or_all_but_one(store, user):
    for token, minutes in (("a", 0), ("b", 1), ("c", 2)):
        at = T0 + timedelta(minutes=minutes)
        store.add_user_session(UserSession(token, user.id, at, at, "client", "Firefox"))
    assert [s.id for s in store.list_user_sessions(user.id)] == ["c", "b", "a"]
    assert store.get_user_session("a") == UserSession("a", user.id, T0, T0, "client", "Firefox")
    assert store.get_user_session("nope") is None

    store.touch_user_session("a", T0 + timedelta(minutes=5))
    assert store.get_user_session("a").last_seen_at == T0 + timedelta(minutes=5)
    assert store.end_user_session("a", T0 + timedelta(minutes=6), "logout") is True
    assert store.end_user_session("a", T0 + timedelta(minutes=7), "logout") is False  # once
    ended = store.get_user_session("a")
    assert (ended.ended_at, ended.end_reason) == (T0 + timedelta(minutes=6), "logout")
    store.touch_user_session("a", T0 + timedelta(minutes=9))  # an ended session stays as it ended
    assert store.get_user_session("a").last_seen_at == T0 + timedelta(minutes=5)

    assert store.end_user_sessions(user.id, T0 + timedelta(minutes=8), "password", keep="c") == 1
    assert [s.id for s in store.list_user_sessions(user.id)] == ["c"]
    assert store.end_user_sessions(user.id, T0 + timedelta(minutes=9), "admin") == 1
    assert store.list_user_sessions(user.id) == []
    reasons = {s.id: s.end_reason for s in store.list_user_sessions(user.id, open_only=False)}
    assert reasons == {"a": "logout", "b": "password", "c": "admin"}
    with pytest.raises(InvalidInput, match="未知的原因"):
        store.end_user_sessions(user.id, T0, "bored")


def test_login_failures_by_name_and_by_address(store):
    for minutes, name, client in (
        (0, "leader1", "x"),
        (1, "leader1", "y"),
        (2, "nobody", "x"),
        (30, "leader1", "x"),
    ):
        store.add_login_failure(name, client, T0 + timedelta(minutes=minutes))
    since = T0 + timedelta(minutes=1)
    assert store.login_failures(since, username="leader1") == [since, T0 + timedelta(minutes=30)]
    assert store.login_failures(T0, client="x") == [T0 + timedelta(minutes=m) for m in (0, 2, 30)]
    assert len(store.login_failures(T0)) == 4

    assert store.clear_login_failures("leader1") == 3
    assert store.login_failures(T0, username="leader1") == []
    assert store.clear_login_failures("", before=T0 + timedelta(minutes=3)) == 1  # nobody's
    assert store.login_failures(T0) == []
