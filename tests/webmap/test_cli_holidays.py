"""``flask --app app holidays list|load|set|remove`` on the small county's SQLite file: the national
calendar loaded once, an administrator changes a day, refusals are one line and change nothing,
and every change is in the audit log."""

from __future__ import annotations

from datetime import date

import pytest

from geodata.audit import AuditFilter
from geodata.cases.holidays_cn import national_days
from tests.support.web import COUNTY_CODE
from webmap import get_store


@pytest.fixture
def run(app, runner):
    """Invoke a command on the small county (made through the store, so with no calendar yet);
    return (exit code, output)."""

    def invoke(*args):
        result = runner.invoke(args=[str(a) for a in args])
        assert "Traceback" not in result.output
        return result.exit_code, result.output

    return invoke


def _days(app) -> list:
    with app.app_context():
        store = get_store()
        return store.list_holidays(store.get_county(COUNTY_CODE).id, date(2000, 1, 1), date(2099, 12, 31))


def _events(app, action) -> list:
    with app.app_context():
        return list(get_store().iter_audit_events(AuditFilter(action=action)))


def test_the_national_calendar_is_loaded_once_and_listed(run, app):
    assert run("holidays", "list") == (0, "测试县：共 0 天\n")
    assert run("holidays", "load") == (0, f"测试县：新增 {len(national_days())} 天全国节假日安排\n")
    (loaded,) = _events(app, "cli.holidays-load")
    assert loaded.detail["added"] == len(national_days())
    code, out = run("holidays", "list", "--year", "2026")
    lines = out.splitlines()
    assert code == 0 and lines[-1] == "测试县：共 39 天"  # 33 days off and 6 make-up workdays
    assert lines[0] == "2026-01-01  周四  节假日  元旦"
    assert "2026-02-28  周六  调休上班日  春节" in lines
    assert run("holidays", "load") == (0, "测试县：新增 0 天全国节假日安排\n")
    assert len(_days(app)) == len(national_days())


def test_an_administrator_sets_and_removes_a_day_audited(run, app):
    assert run("holidays", "load")[0] == 0
    assert run("holidays", "set", "2027-02-09", "holiday", "--name", "春节") == (
        0,
        "测试县：2027-02-09 设为节假日 春节\n",
    )
    assert run("holidays", "set", "2027-02-20", "workday") == (0, "测试县：2027-02-20 设为调休上班日\n")
    code, out = run("holidays", "list", "--year", "2027")
    assert code == 0 and "2027-02-20  周六  调休上班日" in out and "测试县：共 15 天" in out
    assert run("holidays", "remove", "2027-02-20") == (0, "测试县：2027-02-20 恢复为按星期计\n")
    assert [e.result for e in _events(app, "cli.holidays-set")] == ["ok", "ok"]
    (removed,) = _events(app, "cli.holidays-remove")
    assert removed.actor.startswith("cli:") and removed.detail["params"]["day"] == "2027-02-20"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set", "2027-13-01", "holiday"), "Error: 日期 '2027-13-01' 无效：应为 YYYY-MM-DD"),
        (("set", "2027-02-09", "day-off"), "Error: 未知的日历日类型 'day-off'"),
        (
            ("set", "2027-02-10", "workday"),
            "Error: 2027-02-10 是星期三，本来就上班：调休上班日只能设在周六或周日",
        ),
        (("remove", "2027-03-01"), "Error: 日历中没有 2027-03-01 的节假日或调休安排"),
    ],
)
def test_refusals_are_one_line_recorded_and_change_nothing(run, app, args, message):
    before = _days(app)
    code, out = run("holidays", *args)
    assert code == 1 and out.startswith(message) and len(out.splitlines()) == 1
    assert _days(app) == before
    (event,) = _events(app, f"cli.holidays-{args[0]}")
    assert event.result == "refused"
