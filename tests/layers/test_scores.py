"""Monthly scores over ``scored_county`` (tests/layers/conftest.py), on both backends: C is first
(grade A), A and B share second place (grade B); A's change on August is +11 and B, new to the
road, has none."""

from __future__ import annotations

import pytest

from layers.scores import exposure_list, month_scores
from tests.support.scoring import set_score_settings


def test_scores_by_hand_with_a_mid_month_reassignment(store, scored_county):
    assert store.list_segments(scored_county.id)[0].length_m == pytest.approx(1000, abs=0.01)
    assert store.list_zones(scored_county.id)[0].area_m2 == pytest.approx(100_000, rel=1e-4)
    sep = month_scores(store, scored_county, "2026-09")
    road = next(t for t in sep.targets.values() if t.kind == "segment")
    zone = next(t for t in sep.targets.values() if t.kind == "zone")
    assert (road.inspections, road.mean, road.incidents) == (2, 85.0, 2)
    assert road.penalty == pytest.approx(4.0, abs=1e-3) and road.score == pytest.approx(81.0, abs=0.01)
    assert (zone.incidents, zone.score) == (5, pytest.approx(94.5, abs=0.01))
    units = {u.code: u for u in sep.units}
    assert [(u.code, u.score, u.grade, u.rank) for u in sep.units] == [
        ("C", 94.5, "A", 1), ("A", 81.0, "B", 2), ("B", 81.0, "B", 2),
    ]  # fmt: skip
    assert units["A"].weight == pytest.approx(0.5, abs=1e-3)  # 1 km for 15 of 30 days
    assert units["C"].weight == pytest.approx(1.0, abs=1e-3)  # 10 ha × 0.1
    assert (units["A"].previous, units["A"].change) == (70.0, 11.0)
    assert (units["B"].previous, units["B"].change) == (None, None)


def test_a_month_without_inspections_scores_nobody_and_settings_change_grades(store, scored_county):
    assert month_scores(store, scored_county, "2026-07").units[0].score is None
    set_score_settings(store, grade_b_min=85.0)
    grades = {u.code: u.grade for u in month_scores(store, scored_county, "2026-09").units}
    assert grades == {"C": "A", "A": "C", "B": "C"}


def test_the_exposure_list_names_units_at_the_bottom_two_months_running(store, scored_county):
    set_score_settings(store, exposure_bottom_n=2)
    (exposed,) = exposure_list(store, scored_county, "2026-09")  # B is new to the list; C is first
    assert exposed.unit.code == "A"
    assert exposed.months == [("2026-08", 70.0, "C"), ("2026-09", 81.0, "B")]
    assert [(t.name, t.score) for t in exposed.worst] == [("红荔路", 81.0)]
    set_score_settings(store, exposure_months=1)
    assert [e.unit.code for e in exposure_list(store, scored_county, "2026-09")] == ["A", "B"]
