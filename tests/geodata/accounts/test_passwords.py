"""The password policy: what passes, what is refused and what the refusal names."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata.accounts import passwords
from geodata.errors import InvalidInput


@pytest.mark.parametrize(
    "password",
    ["correct horse 42", "Abcdefg1", "abcdefg1!", "ABCDEFG1 ", "Zz9" * 60, "密码Abc12345"],
)
def test_passwords_that_pass(password):
    assert passwords.problems(password, "leader1") == []
    passwords.check(password, "leader1")


@pytest.mark.parametrize(
    ("password", "named"),
    [
        ("a", "至少 8 个字符"),
        ("", "至少 8 个字符"),
        ("abcdefgh", "现缺：大写字母、数字、符号（含空格）"),
        ("abcdefg1", "现缺：大写字母、符号（含空格）"),
        ("ABCDEFGH1", "现缺：小写字母、符号（含空格）"),
        ("Aa1" * 67, "最多 200 个字符"),
    ],
)
def test_refusals_name_what_is_missing(password, named):
    with pytest.raises(InvalidInput) as refused:
        passwords.check(password, "someone")
    assert named in refused.value.message
    assert refused.value.details["field"] == "password"


def test_the_user_name_is_no_password_whatever_the_case_or_direction():
    for password in ("Wang.Lei2024", "WANG.LEI2024", "4202iel.gnaw"):
        assert "不能与用户名相同（也不能是用户名倒写）" in passwords.problems(password, "wang.lei2024")
    assert passwords.problems("Wang.Lei2024!", "wang.lei2024") == []


def test_a_space_is_a_symbol():
    assert passwords.classes_used("ab c") == ["小写字母", "符号（含空格）"]


@given(st.text(max_size=220), st.text(max_size=20))
def test_problems_is_empty_exactly_when_every_rule_holds(password, username):
    kinds = len(passwords.classes_used(password))
    name = username.strip().casefold()
    expected = (
        passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH
        and kinds >= passwords.MIN_CLASSES
        and not (name and password.casefold() in (name, name[::-1]))
    )
    assert (passwords.problems(password, username) == []) == expected


@given(st.text(alphabet=string.ascii_lowercase + string.digits + " ", min_size=1, max_size=30))
def test_adding_a_missing_class_never_hurts(password):
    """A password that passes still passes with an upper-case letter added at the end."""
    if passwords.problems(password) == [] and len(password) < passwords.MAX_LENGTH:
        assert passwords.problems(password + "X") == []


def test_generated_passwords_pass():
    for _ in range(200):
        password = passwords.generate()
        assert passwords.problems(password) == [] and len(password) == 14
