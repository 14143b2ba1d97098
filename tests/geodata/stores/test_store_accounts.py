"""The administrators' view of accounts on both backends (issue #20 part 1): users found by name and
role within a county, page by page; their last sign-ins and recent failures; an API key by id,
revoked once, and its last use written at most once a minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from geodata.errors import NotFound
from geodata.model import ApiKey, County, User, UserSession

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def people(store):
    """Users of two counties and of none; returns the first county's id."""
    here = store.add_county(County("440304", "福田示范区")).id
    there = store.add_county(County("440305", "南山区")).id
    for name, role, county in (
        ("wang_1", "leader", here), ("Wang2", "unit_staff", here), ("li%", "inspector", here),
        ("zhao", "admin", None), ("wangwu", "leader", there), ("张三", "leader", here),
    ):  # fmt: skip
        store.add_user(User(name, "hash", role, county))
    return here


def test_users_are_found_by_name_in_any_case_and_by_role_within_the_county(store, people):
    names = [u.username for u in store.find_users(people)]
    assert names == ["wang_1", "Wang2", "li%", "zhao", "张三"]  # the first made first; not 南山区's wangwu
    assert store.count_users(people) == 5
    assert [u.username for u in store.find_users(people, "WANG")] == ["wang_1", "Wang2"]
    assert [u.username for u in store.find_users(people, "wang", role="leader")] == ["wang_1"]
    assert store.count_users(people, "wang", role="leader") == 1
    # % and _ are letters in a search, not wildcards
    assert [u.username for u in store.find_users(people, "%")] == ["li%"]
    assert [u.username for u in store.find_users(people, "g_")] == ["wang_1"]
    assert [u.username for u in store.find_users(people, "张")] == ["张三"]
    assert store.find_users(people, "nobody") == [] and store.count_users(people, "nobody") == 0
    # pages
    assert [u.username for u in store.find_users(people, limit=2, offset=2)] == ["li%", "zhao"]
    # every county's
    assert store.count_users(None) == 6 and "wangwu" in [u.username for u in store.find_users(None, "wang")]


def test_last_sign_ins_and_failures_since(store, people):
    wang = store.find_users(people, "wang_1")[0]
    zhao = store.find_users(people, "zhao")[0]
    for sid, minutes in (("a", 0), ("b", 30), ("c", 10)):
        at = T0 + timedelta(minutes=minutes)
        store.add_user_session(UserSession(sid, wang.id, at, at))
    store.end_user_sessions(wang.id, T0 + timedelta(hours=1), "admin")  # ended sessions still count
    assert store.last_sign_ins([wang.id, zhao.id]) == {wang.id: T0 + timedelta(minutes=30)}
    assert store.last_sign_ins([]) == {}

    for name, minutes in (("wang_1", 1), ("wang_1", 3), ("ghost", 2), ("wang_1", -60)):
        store.add_login_failure(name, "client", T0 + timedelta(minutes=minutes))
    found = store.login_failures_since(T0)
    assert found == {
        "wang_1": [T0 + timedelta(minutes=1), T0 + timedelta(minutes=3)],
        "ghost": [T0 + timedelta(minutes=2)],
    }


def test_a_key_is_revoked_once_and_its_use_written_once_a_minute(store):
    key = store.add_api_key(ApiKey("大屏", "leader", "h1", T0))
    assert store.get_api_key(key.id) == key and key.last_used_at is None
    with pytest.raises(NotFound, match="API key #999999"):
        store.get_api_key(999_999)

    used = T0 + timedelta(minutes=5)
    assert store.touch_api_key(key.id, used, used - timedelta(minutes=1)) is True
    assert store.get_api_key(key.id).last_used_at == used
    soon = used + timedelta(seconds=30)  # within the minute: not written again
    assert store.touch_api_key(key.id, soon, soon - timedelta(minutes=1)) is False
    assert store.get_api_key(key.id).last_used_at == used
    later = used + timedelta(minutes=2)
    assert store.touch_api_key(key.id, later, later - timedelta(minutes=1)) is True
    assert store.api_key_by_hash("h1").last_used_at == later

    assert store.revoke_api_key(key.id, T0 + timedelta(hours=1)) is True
    assert store.revoke_api_key(key.id, T0 + timedelta(hours=2)) is False  # once: the first time stays
    revoked = store.get_api_key(key.id)
    assert revoked.revoked_at == T0 + timedelta(hours=1) and store.api_key_by_hash("h1") is None
    assert store.touch_api_key(key.id, T0 + timedelta(hours=3), T0 + timedelta(hours=3)) is False
    assert [k.revoked_at for k in store.list_api_keys()] == [T0 + timedelta(hours=1)]
