"""The portal's clock: real, or moved by whole days to a pinned day, and back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from geodata import clock
from geodata.errors import InvalidInput
from geodata.model import COUNTY_TZ


def test_a_pinned_day_moves_the_clock_by_whole_days_and_keeps_the_time_of_day():
    real = datetime.now(UTC)
    assert clock.pinned() is None and abs(clock.now() - real) < timedelta(seconds=5)
    clock.pin("2027-01-15")
    try:
        assert clock.today() == date(2027, 1, 15) and clock.pinned() == date(2027, 1, 15)
        moved = (clock.now() - datetime.now(UTC)).total_seconds()
        days = (date(2027, 1, 15) - datetime.now(COUNTY_TZ).date()).days
        assert abs(moved - days * 86_400) < 5  # whole days: the time of day stays real
    finally:
        clock.pin(None)
    assert clock.pinned() is None and clock.today() == datetime.now(COUNTY_TZ).date()


def test_pinned_to_restores_the_day_before_even_on_error():
    clock.pin("2026-06-10")
    with pytest.raises(RuntimeError), clock.pinned_to(date(2027, 1, 15)):
        assert clock.today() == date(2027, 1, 15)
        raise RuntimeError("boom")
    assert clock.today() == date(2026, 6, 10)
    with clock.pinned_to(None):  # nothing asked: the day stays
        assert clock.today() == date(2026, 6, 10)
    clock.pin("")
    assert clock.pinned() is None


def test_a_bad_day_is_refused_in_chinese():
    with pytest.raises(InvalidInput, match="应为 YYYY-MM-DD"):
        clock.pin("2027-13-01")
    assert clock.pinned() is None
