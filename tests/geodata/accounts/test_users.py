"""Administering users and keys in the domain (geodata/accounts/users.py, apikeys.py), on both
backends: the rules of role, unit and panel; a first password generated, hashed and to be changed;
a name taken in any case refused with nothing stored; an administrator who cannot lock themself
out; the states the list shows; a key revoked once and its use recorded once a minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.security import check_password_hash

from geodata.accounts import apikeys, credentials, logins, passwords, users
from geodata.accounts.users import Profile
from geodata.assignments.units import retire_unit
from geodata.errors import Conflict, Forbidden, InvalidInput
from geodata.model import County, Unit, UserSession

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
POLICY = logins.LoginPolicy()


@pytest.fixture
def place(store):
    county = store.add_county(County("440304", "福田示范区"))
    (unit,) = store.add_units([Unit(county.id, "CG", "城管执法局")])
    return county, unit


@pytest.mark.parametrize(
    ("role", "unit", "panel", "field", "words"),
    [
        ("chief", False, None, "role", "未知角色 'chief'"),
        ("unit_staff", False, None, "unit", "必须指定单位"),
        ("leader", True, None, "unit", "只有责任单位的用户和社区居委会评议组的督查员属于单位"),
        ("leader", False, "npc", "panel", "只有督查员（inspector）属于评议组"),
        ("inspector", False, "mayor", "panel", "未知评议组 'mayor'"),
        ("inspector", False, "community", "unit", "社区居委会评议组的督查员必须指定单位"),
        ("inspector", True, "npc", "unit", "不属于"),
    ],
)
def test_role_unit_and_panel_are_held_to_the_rules(store, place, role, unit, panel, field, words):
    with pytest.raises(InvalidInput, match=words) as refused:
        users.create_user(store, "zhang", Profile(role, place[1] if unit else None, panel), place[0].id)
    assert refused.value.details["field"] == field and refused.value.en
    assert store.list_users() == []


def test_the_allowed_profiles_pass():
    unit = Unit(1, "CG", "城管执法局", id=1)
    for profile in (Profile("admin"), Profile("leader"), Profile("unit_staff", unit), Profile("inspector"),
                    Profile("inspector", None, "npc"), Profile("inspector", unit, "community")):  # fmt: skip
        users.check_profile(profile)


def test_a_new_user_gets_a_generated_password_kept_only_as_a_hash(store, place):
    county, unit = place
    user, password = users.create_user(store, "  cg_li ", Profile("unit_staff", unit), county.id)
    assert user.username == "cg_li" and user.must_change_password and user.unit_id == unit.id
    assert passwords.problems(password) == [] and password not in user.password_hash
    assert check_password_hash(store.get_user_by_name("cg_li").password_hash, password)
    given, _ = users.create_user(store, "zhao", Profile("leader"), county.id, "Given pass 1")
    assert credentials.authenticate(store, "zhao", "Given pass 1") == given


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("CG_LI", Conflict, "已被使用（已有 'cg_li'）"),
        ("cg_li", Conflict, "用户名 'cg_li' 已被使用"),
        ("  ", InvalidInput, "用户名不能为空"),
        ("li si", InvalidInput, "空格"),
        ("x" * 101, InvalidInput, "最多 100 个字符"),
    ],
)
def test_a_taken_or_bad_name_is_refused_and_nothing_stored(store, place, name, error, words):
    users.create_user(store, "cg_li", Profile("leader"), place[0].id)
    with pytest.raises(error, match=words):
        users.create_user(store, name, Profile("leader"), place[0].id)
    assert [u.username for u in store.list_users()] == ["cg_li"]


def test_an_administrator_keeps_their_own_role_and_account(store, place):
    admin, _ = users.create_user(store, "root", Profile("admin"), place[0].id)
    other, _ = users.create_user(store, "root2", Profile("admin"), place[0].id)
    with pytest.raises(Forbidden, match="不能取消自己的管理员角色"):
        users.edit_user(store, admin, Profile("leader"), by=admin)
    with pytest.raises(Forbidden, match="不能停用自己的账号"):
        credentials.set_disabled(store, admin, True, T0, by=admin)
    with pytest.raises(Forbidden, match="修改密码"):
        users.reset_password(store, admin, T0, by=admin)
    assert store.get_user(admin.id) == admin  # unchanged
    # another administrator may do each
    assert users.edit_user(store, admin, Profile("leader"), by=other).role == "leader"
    assert credentials.set_disabled(store, admin, True, T0, by=other)[0].disabled_at == T0


def test_a_reset_password_ends_every_session_and_must_be_changed(store, place):
    user, first = users.create_user(store, "zhao", Profile("leader"), place[0].id)
    store.add_user_session(UserSession("s1", user.id, T0, T0))
    store.add_user_session(UserSession("s2", user.id, T0, T0))
    changed, password, ended = users.reset_password(store, user, T0)
    assert ended == 2 and store.list_user_sessions(user.id) == [] and password != first
    assert changed.must_change_password and credentials.authenticate(store, "zhao", password) is not None
    assert credentials.authenticate(store, "zhao", first) is None


def test_the_list_shows_each_state_the_last_sign_in_and_a_lock_unlocked(store, place):
    user, _ = users.create_user(store, "Zhao", Profile("leader"), place[0].id)
    (fresh,) = users.standings(store, [user], T0, POLICY)
    assert fresh.states == ("must_change",) and fresh.last_sign_in is None and fresh.locked_until is None
    store.add_user_session(UserSession("s1", user.id, T0, T0))
    for minute in range(5):  # typed in another case: the lock is the name's, case-folded
        logins.record_failure(store, "zhao", "client", T0 + timedelta(minutes=minute), POLICY)
    credentials.set_disabled(store, user, True, T0 + timedelta(minutes=5))
    (locked,) = users.standings(store, [store.get_user(user.id)], T0 + timedelta(minutes=6), POLICY)
    assert locked.states == ("disabled", "locked", "must_change") and locked.last_sign_in == T0
    assert locked.locked_until == T0 + timedelta(minutes=19)
    assert logins.unlock(store, "Zhao") == 5
    (open_,) = users.standings(store, [store.get_user(user.id)], T0 + timedelta(minutes=6), POLICY)
    assert open_.locked_until is None and "locked" not in open_.states


def test_a_key_is_revoked_once_and_its_use_recorded_once_a_minute(store, place):
    made, key = apikeys.issue_key(store, "大屏", "unit_staff", place[1], now=T0)
    checked = apikeys.check_key(store, key)
    used = apikeys.mark_used(store, checked, T0 + timedelta(seconds=10))
    assert used.last_used_at == store.get_api_key(made.id).last_used_at == T0 + timedelta(seconds=10)
    assert apikeys.mark_used(store, used, T0 + timedelta(seconds=50)) is used  # no write within the minute
    assert store.get_api_key(made.id).last_used_at == T0 + timedelta(seconds=10)
    # another process's stale copy writes nothing either
    assert apikeys.mark_used(store, checked, T0 + timedelta(seconds=50)).last_used_at is not None
    assert store.get_api_key(made.id).last_used_at == T0 + timedelta(seconds=10)
    apikeys.revoke_key(store, made.id, T0 + timedelta(hours=1))
    with pytest.raises(Conflict, match="已于此前停用"):
        apikeys.revoke_key(store, made.id)
    with pytest.raises(InvalidInput, match="最多 100 个字符"):
        apikeys.issue_key(store, "x" * 101, "leader")


def test_a_retired_unit_takes_no_new_user_or_key(store, place):
    county, unit = place
    retire_unit(store, county, unit.id, unit.version, T0.date(), today=T0.date())
    retired = store.get_unit(county.id, unit.id)
    assert retired.retired_at is not None
    with pytest.raises(Conflict, match="已于 .* 撤销"):
        users.create_user(store, "zhang", Profile("unit_staff", retired), county.id)
    with pytest.raises(Conflict, match="已于 .* 撤销"):
        apikeys.issue_key(store, "大屏", "unit_staff", retired)
    assert store.list_users() == [] and store.list_api_keys() == []
