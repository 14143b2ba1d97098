"""The handling part and the total (geodata/scores/handling.py): pure arithmetic, by hand and by
property."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from geodata.cases.model import HandlingCounts
from geodata.scores.handling import HandlingMetrics, handling_part, percent, total_score


def test_the_parts_by_hand():
    # 10 due, 2 on record: 6 on time of 8 → 75 %; 9 closed → 90 %; 1 reworked → 10 %; 3 督办
    counts = HandlingCounts(due=10, on_time=6, shelved=2, closed=9, reworked=1, returns=2, supervisions=3,
                            handled=4, handling_hours=30.0)  # fmt: skip
    m = HandlingMetrics(counts)
    assert (m.on_time_rate, m.closure_rate, m.rework_rate) == (0.75, 0.9, 0.1)
    assert percent(m.return_rate) == 16.7 and m.mean_hours == 7.5
    # 100 × (0.6 × 0.75 + 0.2 × 0.9 + 0.2 × 0.9) − 20 × 3/10 = 81 − 6 = 75.0
    assert handling_part(counts) == 75.0 == m.part
    assert total_score(80.0, 75.0, 0.6, 0.4) == 78.0


def test_the_edges():
    assert handling_part(HandlingCounts()) is None  # nothing due: no handling part
    nothing = HandlingMetrics(HandlingCounts(returns=1, supervisions=2))
    assert (nothing.on_time_rate, nothing.closure_rate, nothing.mean_hours, nothing.return_rate) == (
        None,
        None,
        None,
        1.0,
    )
    # every case due on record: 按期结案率 is — and counts as 100 %
    shelved = HandlingCounts(due=2, shelved=2)
    assert HandlingMetrics(shelved).on_time_rate is None and handling_part(shelved) == 80.0
    # many 督办 floor the part at 0
    assert handling_part(HandlingCounts(due=1, supervisions=60)) == 0.0
    # without a handling part the total is the evaluation; without an evaluation there is none
    assert total_score(82.3, None, 0.6, 0.4) == 82.3
    assert total_score(None, 70.0, 0.6, 0.4) is None


@given(
    st.integers(0, 50).flatmap(
        lambda due: st.tuples(
            st.just(due),
            st.integers(0, due),
            st.integers(0, due),
            st.integers(0, due),
            st.integers(0, due),
            st.integers(0, 20),
        )
    )
)
def test_the_part_stays_within_0_and_100(args):
    due, on_time, shelved, closed, reworked, supervisions = args
    counts = HandlingCounts(due=due, on_time=on_time, shelved=shelved, closed=closed, reworked=reworked,
                            supervisions=supervisions)  # fmt: skip
    part = handling_part(counts)
    if due == 0:
        assert part is None
    else:
        assert 0.0 <= part <= 100.0
        rate = HandlingMetrics(counts).on_time_rate
        assert rate is None or 0.0 <= rate <= 1.0
