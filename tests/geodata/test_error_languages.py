"""Every domain error carries both languages (issue #17): its Chinese ``message`` and its English
``en``. The source is read for every place that makes a PortalError (a ``raise`` or a helper that
returns one) without ``en=``, or with an English text that holds Chinese; and an API caller or a
page asking for English gets the English, with the same code, while everyone else gets Chinese."""

from __future__ import annotations

import ast
import importlib
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from geodata.accounts.logins import AccountLocked, LoginPolicy, check_allowed, name_key
from geodata.errors import Busy, PortalError, RateLimited, busy_error
from tests.support.web import PASSWORD, login
from webmap.views.errors import handle_error

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("geodata", "layers", "webmap")
HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # Chinese characters and punctuation


def _modules() -> dict[Path, object]:
    """Every module of the three packages, imported (so every PortalError subclass is defined)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[path] = importlib.import_module(name)
    return found


def _subclasses(cls: type) -> set[type]:
    out = {cls}
    for sub in cls.__subclasses__():
        out |= _subclasses(sub)
    return out


def _resolve(func: ast.expr, module) -> object | None:
    """What a called name (``NotFound``, ``params.TooLarge``) is in its module, if it is global."""
    if isinstance(func, ast.Name):
        return vars(module).get(func.id)
    if isinstance(func, ast.Attribute):
        owner = _resolve(func.value, module)
        try:
            return getattr(owner, func.attr, None) if owner is not None else None
        except RuntimeError:  # a proxy such as flask's current_app, outside a request
            return None
    return None


def _texts(node: ast.expr) -> list[str]:
    """The literal parts of a string expression (a literal, an f-string, or a concatenation)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    if isinstance(node, ast.BinOp):
        return _texts(node.left) + _texts(node.right)
    return []


def _problems() -> list[str]:
    modules = _modules()
    errors = _subclasses(PortalError)
    names = {cls.__name__ for cls in errors}
    problems = []
    for path, module in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            target = _resolve(node.func, module)
            if target is None:  # a name bound inside a function: judge it by its name
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                is_error = called in names
            else:
                is_error = isinstance(target, type) and target in errors
            if not is_error:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            en = next((k.value for k in node.keywords if k.arg == "en"), None)
            if en is None:
                problems.append(f"{where}: {ast.unparse(node.func)}(...) without en=")
            elif any(HAN.search(text) for text in _texts(en)):
                problems.append(f"{where}: its en= holds Chinese")
    return problems


def test_every_domain_error_is_made_with_its_english():
    assert _problems() == []


def test_the_scan_finds_the_errors_defined_outside_errors_py():
    _modules()
    names = {cls.__name__ for cls in _subclasses(PortalError)}
    assert {"InvalidBBox", "TooLarge", "IdempotencyKeyReused", "AccountLocked", "AuditUnavailable"} <= names
    assert {"PasswordChangeRequired", "RateLimited", "Busy", "TilingError", "StaleVersion"} <= names


def test_text_picks_the_language():
    error = RateLimited("太快了", en="Too fast", retry_after=3)
    assert (error.text("zh"), error.text("en"), str(error)) == ("太快了", "Too fast", "太快了")
    assert PortalError("只有中文").text("en") == "只有中文"  # no English given: the Chinese


# -- the API and the pages ----------------------------------------------------------------------
def test_an_api_refusal_comes_in_the_language_asked_for(leader):  # noqa: F811
    bad = "/api/v1/layers/roads?bbox=1,2,3&zoom=14"
    chinese, english = leader.get(bad), leader.get(bad + "&lang=en")
    assert chinese.status_code == english.status_code == 400
    assert chinese.get_json()["error"]["code"] == english.get_json()["error"]["code"] == "invalid_bbox"
    assert english.get_json()["error"]["message"] == "bbox needs 4 numbers, minx,miny,maxx,maxy, not '1,2,3'"
    assert chinese.get_json()["error"]["message"].startswith("bbox 应为 4 个数")
    assert set(english.get_json()["error"]) == {"code", "message", "field"}


def test_an_unknown_case_is_named_in_the_language_asked_for(leader):  # noqa: F811
    chinese, english = leader.get("/api/v1/incidents/99999"), leader.get("/api/v1/incidents/99999?lang=en")
    assert chinese.status_code == english.status_code == 404
    assert chinese.get_json()["error"] == {"code": "not_found", "message": "案件 #99999 不存在"}
    assert english.get_json()["error"] == {"code": "not_found", "message": "Case #99999 does not exist"}


def test_a_refused_filing_is_english_for_an_english_caller(leader):  # noqa: F811
    body = {"category": "parking", "lat": 39.9, "long": 116.4, "description": "停车"}
    token = re.search(r'name="csrf-token" content="([^"]+)"', leader.get("/portal").text).group(1)
    english = leader.post("/api/v1/incidents?lang=en", json=body, headers={"X-CSRFToken": token})
    assert english.status_code == 400, english.text
    message = english.get_json()["error"]["message"]
    assert message.startswith("The place (116.400000, 39.900000) is not within 测试县")
    assert not HAN.search(message.replace("测试县", ""))


def test_a_page_shows_a_domain_error_in_its_language(leader):  # noqa: F811
    english = leader.get("/scores?month=bad&lang=en")
    assert english.status_code == 400
    assert "The month “bad” is not in the form year-month, e.g. 2026-10" in english.text
    chinese = leader.get("/scores?month=bad&lang=zh")
    assert chinese.status_code == 400 and "月份“bad”格式有误" in chinese.text


def test_a_busy_database_says_so_in_english_with_retry_after(app):  # noqa: F811
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorcode = 5
    busy = busy_error(locked)
    assert isinstance(busy, Busy) and busy.text("en").startswith("The database is busy")
    with app.test_request_context("/api/v1/units?lang=en"):
        response, status, headers = handle_error(busy)
    assert status == 503 and headers == {"Retry-After": "2"}
    assert response.get_json()["error"]["message"] == "The database is busy; please try again in 2 seconds"
    with app.test_request_context("/api/v1/units"):
        response, _, _ = handle_error(busy)
    assert response.get_json()["error"]["message"] == "数据库正忙，请 2 秒后重试"


def test_throttled_and_locked_sign_ins_carry_english(store):
    now = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
    policy = LoginPolicy(max_failures=3, window=timedelta(minutes=15), address_max=4)
    for i in range(4):
        store.add_login_failure(name_key(f"someone{i}"), "addr", now - timedelta(minutes=1))
    with pytest.raises(RateLimited) as throttled:
        check_allowed(store, "nobody", "addr", now, policy)
    assert type(throttled.value) is RateLimited
    assert throttled.value.text("en") == "Too many failed sign-ins: please try again in 14 minutes."
    assert throttled.value.message == "登录失败次数过多，请 14 分钟后再试。"
    for _ in range(3):
        store.add_login_failure(name_key("leader1"), "other", now - timedelta(minutes=2))
    with pytest.raises(AccountLocked) as locked:
        check_allowed(store, "leader1", "elsewhere", now, policy)
    assert locked.value.text("en").startswith("Too many failed sign-ins: this account is locked for now")
    assert "(Beijing time)" in locked.value.text("en") and "北京时间" in locked.value.message


def test_the_english_sign_in_refusal_of_the_api(client):  # noqa: F811
    answer = client.get("/api/v1/units?lang=en")
    assert answer.status_code == 401
    assert answer.get_json()["error"] == {"code": "unauthorized", "message": "Please sign in first."}
    assert login(client, "leader1", PASSWORD).status_code == 302
