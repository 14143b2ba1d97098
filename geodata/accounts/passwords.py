"""The password policy (等保 身份鉴别, DESIGN §11): long enough, mixed enough, not the user name.

``problems(password, username)`` lists what a password lacks, in Chinese (``lang="en"``: in
English); ``check`` raises the list as one InvalidInput, in both languages. Pure functions: the CLI, the password page and the demo share them.
"""

from __future__ import annotations

import secrets
import string

from geodata.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 200  # the login form's limit too: hashing a 10 KB "password" is work for nobody
MIN_CLASSES = 3

# The four character classes, each with its Chinese name; anything not a letter or digit (a space
# included) is a symbol, so a pass phrase like "correct horse 42" counts three classes.
CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    ("符号（含空格）", lambda c: not c.isalnum()),
)
CLASSES_EN = {"大写字母": "upper-case letters", "小写字母": "lower-case letters", "数字": "digits",
              "符号（含空格）": "symbols (spaces count)"}  # fmt: skip


def classes_used(password: str) -> list[str]:
    """The Chinese names of the character classes the password draws on, in CLASSES order."""
    return [name for name, test in CLASSES if any(test(c) for c in password)]


def problems(password: str, username: str = "", lang: str = "zh") -> list[str]:
    """What the password lacks, one Chinese phrase each; empty when it passes the policy."""
    en = lang == "en"
    out = []
    if len(password) < MIN_LENGTH:
        out.append(
            f"at least {MIN_LENGTH} characters (it has {len(password)})"
            if en
            else f"至少 {MIN_LENGTH} 个字符（现为 {len(password)} 个）"
        )
    if len(password) > MAX_LENGTH:
        out.append(f"at most {MAX_LENGTH} characters" if en else f"最多 {MAX_LENGTH} 个字符")
    used = classes_used(password)
    if len(used) < MIN_CLASSES:
        missing = [name for name, _ in CLASSES if name not in used]
        out.append(
            f"at least {MIN_CLASSES} of upper-case letters, lower-case letters, digits and symbols "
            f"(it lacks {', '.join(CLASSES_EN[m] for m in missing)})"
            if en
            else f"需包含大写字母、小写字母、数字、符号中的至少 {MIN_CLASSES} 类（现缺：{'、'.join(missing)}）"
        )
    name = username.strip().casefold()
    if name and password.casefold() in (name, name[::-1]):
        out.append(
            "not the user name (nor the user name backwards)"
            if en
            else "不能与用户名相同（也不能是用户名倒写）"
        )
    return out


def check(password: str, username: str = "", field: str = "password") -> None:
    """InvalidInput naming everything the password lacks, when it fails the policy."""
    found = problems(password, username)
    if found:
        raise InvalidInput(
            "密码不符合要求：" + "；".join(found) + "。",
            en="The password does not meet the policy: "
            + "; ".join(problems(password, username, "en"))
            + ".",
            field=field,
        )


def generate(length: int = 14) -> str:
    """A random password that passes the policy (for the demo's users): letters and digits with
    at least one of each class but symbols, so it is easy to type from a printed sheet."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if not problems(password):
            return password
