"""Score settings effective from a month (issue #20 part 4), on both backends: every month is scored
with the settings in force then. Over ``scored_county`` (tests/layers/conftest.py) with November
and December inspected alike: 红荔路 (led by B) 82, the community (led by C) 96, no incidents."""

from __future__ import annotations

from datetime import date

import pytest

from geodata import clock
from geodata.assignments.postings import day_start
from geodata.errors import Conflict, InvalidInput
from geodata.model import Inspection
from geodata.scores.model import SettingsChange
from geodata.scores.settings import change_settings, in_force, scheduled, settings_for
from layers.report import monthly_report
from layers.scores import exposure_list, month_scores

STRICTER = {"grade_a_min": 97.0, "grade_b_min": 85.0}


@pytest.fixture
def autumn(store, scored_county):
    road = store.list_segments(scored_county.id)[0]
    zone = store.list_zones(scored_county.id)[0]
    store.add_inspections(
        [Inspection(scored_county.id, kind, target.id, "督查", "patrol", day_start(day), score)
         for day in (date(2026, 11, 10), date(2026, 12, 3))
         for kind, target, score in (("segment", road, 82.0), ("zone", zone, 96.0))]
    )  # fmt: skip
    return scored_county


def _ranking(scores) -> list[tuple]:
    return [(u.code, u.score, u.grade, u.rank) for u in scores.units if u.score is not None]


def test_thresholds_changed_from_december_leave_november_as_it_was(store, autumn):
    with clock.pinned_to("2026-11-20"):
        november = _ranking(month_scores(store, autumn, "2026-11"))
        assert november == [("C", 96.0, "A", 1), ("B", 82.0, "B", 2)]
        change_settings(store, STRICTER, "2026-12", "admin")  # next month: no re-score needed
    assert _ranking(month_scores(store, autumn, "2026-11")) == november
    assert _ranking(month_scores(store, autumn, "2026-12")) == [("C", 96.0, "B", 1), ("B", 82.0, "C", 2)]
    assert settings_for(store, "2026-11")["grade_a_min"] == 90.0
    assert settings_for(store, "2027-06")["grade_a_min"] == 97.0  # until a later change
    with clock.pinned_to("2027-01-05"):  # the report of each month reads its own thresholds
        nov, dec = (monthly_report(store, autumn, m) for m in ("2026-11", "2026-12"))
    assert (nov.grade_a_min, nov.grade_b_min, [u.grade for u in nov.ranking]) == (90.0, 75.0, ["A", "B"])
    assert (dec.grade_a_min, dec.grade_b_min, [u.grade for u in dec.ranking]) == (97.0, 85.0, ["B", "C"])


def test_the_exposure_list_of_a_month_uses_that_months_settings(store, autumn):
    with clock.pinned_to("2026-11-20"):
        change_settings(store, {"exposure_months": 1, "exposure_bottom_n": 0}, "2026-12", "admin")
        assert exposure_list(store, autumn, "2026-12") == []  # nobody graded C
        change_settings(store, STRICTER, "2026-12", "admin")
    assert [e.unit.code for e in exposure_list(store, autumn, "2026-12")] == ["B"]  # graded C, one month
    # November keeps its own: two months running (October was not scored) and its thresholds
    assert exposure_list(store, autumn, "2026-11") == []


def test_a_past_month_changes_only_as_a_rescore_with_a_reason(store, autumn):
    with clock.pinned_to("2026-12-07"):
        for reason, rescore in (("", False), ("", True), ("口径调整", False)):
            with pytest.raises(InvalidInput) as refused:
                change_settings(store, STRICTER, "2026-11", "admin", reason=reason, rescore=rescore)
            assert refused.value.details["field"] in ("effective_month", "reason")
        assert len(store.settings_changes()) == 1  # the values from the start only
        made = change_settings(store, STRICTER, "2026-11", "admin", reason="市里统一口径", rescore=True)
    assert (made.rescore, made.reason, made.effective_month) == (True, "市里统一口径", "2026-11")
    assert _ranking(month_scores(store, autumn, "2026-11")) == [("C", 96.0, "B", 1), ("B", 82.0, "C", 2)]
    assert month_scores(store, autumn, "2026-10").units[0].grade is None  # October: untouched, unscored
    assert settings_for(store, "2026-10")["grade_a_min"] == 90.0


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"weight_evaluation": 0.7}, "weight_evaluation", "之和为 1.1，应为 1"),
        ({"weight_evaluation": 0.7, "weight_handling": 0.3000001}, "weight_evaluation", "应为 1"),
        ({"grade_b_min": 90.0}, "grade_b_min", "B 档最低分 90 应低于 A 档最低分 90"),
        ({"grade_a_min": 101.0}, "grade_a_min", "应在 0–100 之间"),
        ({"grade_b_min": -1.0}, "grade_b_min", "应在 0–100 之间"),
        ({"grade_b_min": float("nan")}, "grade_b_min", "应为数值"),
        ({"exposure_months": 1.5}, "exposure_months", "应为整数"),
        ({"no_such_key": 1.0}, "no_such_key", "没有评分参数 no_such_key"),
        ({"grade_a_min": 90.0}, "effective_month", "没有要保存的修改"),
    ],
)
def test_refusals_name_the_problem_and_store_nothing(store, values, field, message):
    with clock.pinned_to("2026-11-20"), pytest.raises(InvalidInput, match=message) as refused:
        change_settings(store, values, "2026-12", "admin")
    assert refused.value.details["field"] == field and refused.value.en
    assert [c.id for c in store.settings_changes()] == [None]


def test_weights_summing_to_one_within_a_billionth_are_accepted(store):
    with clock.pinned_to("2026-11-20"):
        change_settings(store, {"weight_evaluation": 0.7, "weight_handling": 0.3 + 1e-12}, "2026-12", "admin")
    assert settings_for(store, "2026-12")["weight_evaluation"] == 0.7


def test_a_change_may_not_break_a_month_scheduled_after_it(store):
    with clock.pinned_to("2026-11-20"):
        change_settings(store, {"grade_a_min": 85.0}, "2027-02", "admin")
        with pytest.raises(InvalidInput, match="自 2027-02 起 B 档最低分 88 应低于 A 档最低分 85"):
            change_settings(store, {"grade_b_min": 88.0}, "2027-01", "admin")  # fine in January alone
        change_settings(store, {"grade_b_min": 80.0}, "2027-01", "admin")
    assert [settings_for(store, m)["grade_b_min"] for m in ("2026-12", "2027-01", "2027-02")] == [75, 80, 80]
    assert settings_for(store, "2027-02")["grade_a_min"] == 85.0


def test_history_keeps_every_change_and_the_latest_of_a_month_wins(store):
    with clock.pinned_to("2026-11-20"):
        first = change_settings(store, {"grade_a_min": 92.0}, "2027-01", "甲")
        second = change_settings(store, {"grade_a_min": 94.0}, "2027-01", "乙", seen=first.id)
        with pytest.raises(Conflict):  # shown the page before ``second`` was made
            change_settings(store, {"grade_a_min": 96.0}, "2027-01", "丙", seen=first.id)
    changes = store.settings_changes()
    assert [(c.id, c.set_by, c.values.get("grade_a_min")) for c in changes[1:]] == [
        (first.id, "甲", 92.0), (second.id, "乙", 94.0),
    ]  # fmt: skip
    assert changes[0].values["grade_a_min"] == 90.0 and changes[0].effective_month is None
    now = in_force(changes, "2026-11")
    assert now["grade_a_min"].value == 90.0 and now["grade_a_min"].since.id is None
    assert in_force(changes, "2027-01")["grade_a_min"].since.id == second.id
    assert [c.id for c in scheduled(changes, "2026-11")] == [first.id, second.id]
    assert settings_for(store, "2027-01")["grade_a_min"] == 94.0


def test_two_changes_from_the_same_state_cannot_both_be_kept(store):
    at = day_start(date(2026, 11, 20))
    store.add_settings_change(SettingsChange("2027-01", {"grade_a_min": 92.0}, "甲", at, follows=0))
    with pytest.raises(Conflict):
        store.add_settings_change(SettingsChange("2027-01", {"grade_a_min": 93.0}, "乙", at, follows=0))
    assert [c.set_by for c in store.settings_changes()[1:]] == ["甲"]


def test_the_history_is_kept_by_the_database(store):
    with clock.pinned_to("2026-11-20"):
        change_settings(store, STRICTER, "2026-12", "admin")
    for sql in (
        "UPDATE score_setting_change SET reason = 'x'",
        "DELETE FROM score_setting_change",
        "UPDATE score_setting_version SET value = 1",
        "DELETE FROM score_setting_version",
        "UPDATE score_setting SET value = 1",
    ):
        with pytest.raises(Exception, match="append-only"), store.transaction():
            store._execute(sql)
    assert settings_for(store, "2026-12")["grade_a_min"] == 97.0
