"""Time a test moves by hand instead of sleeping: a monotonic clock for what keeps answers a few
seconds (``Recent``, ``TileCache``), and the domain's clock (geodata/clock.py) moved by seconds."""

from __future__ import annotations

from datetime import datetime

from geodata import clock


class Ticks:
    """Seconds that pass only when the test says: ``ticks()`` reads them, ``advance(s)`` moves
    them on. Hand it where ``time.monotonic`` would be used."""

    def __init__(self, start: float = 1000.0) -> None:
        self.seconds = start

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


def move_domain_clock(monkeypatch, to: datetime) -> None:
    """Make ``geodata.clock.now()`` say ``to`` (UTC) for the rest of the test: a moment later the
    same day, which ``clock.pin`` (whole days) cannot give."""
    monkeypatch.setattr(clock, "now", lambda: to)
