"""A unit's handling of its cases in a month, computed by hand (tests/support/handling_month.py), on
both backends: the store's counts, the rates and parts, and the total the ranking grades."""

from __future__ import annotations

import pytest

from geodata.assignments.postings import month_span
from geodata.model import Inspection
from geodata.scores.handling import percent
from layers.dashboard import dashboard
from layers.scores import exposure_list, month_scores
from tests.support.handling_month import EXPECTED, MONTH, PARTS, RATES, oct_, write_month
from tests.support.layers import at
from tests.support.scoring import set_score_settings


def _units(store, county):
    return {u.code: u for u in store.list_units(county.id)}


@pytest.fixture
def october(store, scored_county):
    """The hand-computed October in the scored county, with its road (led by B) evaluated 80 and
    its community (led by C) 90; A leads nothing in October."""
    units = _units(store, scored_county)
    write_month(store, scored_county.id, units["A"].id, units["B"].id, at(500, 900))
    road = store.list_segments(scored_county.id)[0]
    zone = store.list_zones(scored_county.id)[0]
    store.add_inspections(
        [Inspection(scored_county.id, "segment", road.id, "督查", "patrol", oct_(12), 80.0),
         Inspection(scored_county.id, "zone", zone.id, "督查", "patrol", oct_(12), 90.0)]
    )  # fmt: skip
    return scored_county, units


def test_the_store_counts_the_month_as_by_hand(store, october):
    county, units = october
    counts = store.handling_counts(county.id, *month_span(MONTH))
    assert set(counts) == {units["A"].id, units["B"].id}  # C has nothing to count
    for code in ("A", "B"):
        got, want = counts[units[code].id], EXPECTED[code]
        assert got.handling_hours == pytest.approx(want.handling_hours, abs=1e-6), code
        assert {**vars(got), "handling_hours": 0} == {**vars(want), "handling_hours": 0}, code
    november = store.handling_counts(county.id, *month_span("2026-11"))
    assert november[units["A"].id].due == 1  # a7, due 1 Nov 00:30 county time
    assert november[units["B"].id].supervisions == 1
    assert store.handling_counts(county.id, *month_span("2026-08")) == {}


def test_the_rates_parts_and_totals_of_the_month(store, october):
    county, units = october
    by_code = {u.code: u for u in month_scores(store, county, MONTH).units}
    for code in ("A", "B"):
        m = by_code[code].handling
        got = (percent(m.on_time_rate), percent(m.closure_rate), percent(m.rework_rate),
               percent(m.return_rate), m.mean_hours)  # fmt: skip
        assert got == RATES[code], code
        assert by_code[code].handling_part == PARTS[code]
    a, b, c = by_code["A"], by_code["B"], by_code["C"]
    # A: handled cases but led nothing evaluated: no total, not ranked
    assert (a.evaluation, a.score, a.grade, a.rank) == (None, None, None, None)
    # B: 0.6 × 80 + 0.4 × 70 = 76.0, grade B; C: no case due, its total is its evaluation
    assert (b.evaluation, b.score, b.grade) == (80.0, 76.0, "B")
    assert (c.evaluation, c.handling_part, c.score, c.grade) == (90.0, None, 90.0, "A")
    assert [u.code for u in month_scores(store, county, MONTH).units][:2] == ["C", "B"]
    set_score_settings(store, weight_evaluation=0.5, weight_handling=0.5)
    again = {u.code: u for u in month_scores(store, county, MONTH).units}
    assert again["B"].score == 75.0 and again["C"].score == 90.0


def test_the_exposure_list_reads_the_total(store, october):
    """With one unit named a month, the last of the ranking is named by its total: B (76.0),
    though its evaluators' part alone (80.0) would have graded it B all the same."""
    county, _ = october
    # B's total is a C at 77; its evaluation would not be
    set_score_settings(store, exposure_bottom_n=1, exposure_months=1, grade_b_min=77.0)
    named = exposure_list(store, county, MONTH)
    assert [(e.unit.code, e.unit.score, e.unit.grade, e.unit.evaluation) for e in named] == [
        ("B", 76.0, "C", 80.0)
    ]


def test_the_dashboard_shows_the_months_on_time_rate_so_far(store, october):
    """驾驶舱's 本月按期结案率 at the month's last minute: A 3 of (6 − 1), B 1 of 2: 4 of 7; of B
    alone when the map is filtered to B; nothing due yet on the month's first morning."""
    county, units = october
    end = oct_(31, 23, 59)
    assert dashboard(store, county, end)["totals"]["on_time_rate"] == pytest.approx(4 / 7)
    assert dashboard(store, county, end, unit_id=units["B"].id)["totals"]["on_time_rate"] == 0.5
    assert dashboard(store, county, oct_(1, 0, 1))["totals"]["on_time_rate"] is None
