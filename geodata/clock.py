"""The portal's clock: the real time, or the real time moved to a pinned day.

Everything that asks "what time is it" for the domain (last month's scores, overdue cases, the
demo's year) asks here. Pinning a day (``PORTAL_TODAY``, ``seed-demo --today``, tests) moves the
clock by whole days: the time of day and its passing stay real, so sessions still expire and
events still follow one another. File names and backup stamps keep the real time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from geodata.errors import InvalidInput
from geodata.model import COUNTY_TZ

_shift = timedelta(0)


def now() -> datetime:
    """The current time (UTC), moved to the pinned day if one is pinned."""
    return datetime.now(UTC) + _shift


def local_now() -> datetime:
    """The current time in the county's clock."""
    return now().astimezone(COUNTY_TZ)


def today() -> date:
    """Today in the county's clock."""
    return local_now().date()


def pin(day: date | str | None) -> None:
    """Make ``day`` (a date or ``YYYY-MM-DD``) today in the county's clock; None or "" unpins."""
    global _shift
    if day is None or day == "":
        _shift = timedelta(0)
        return
    wanted = parse_day(day) if isinstance(day, str) else day
    _shift = timedelta(days=(wanted - datetime.now(COUNTY_TZ).date()).days)


@contextmanager
def pinned_to(day: date | str | None) -> Iterator[None]:
    """Today is ``day`` inside the block (None: as before), and as before after it."""
    global _shift
    before = _shift
    if day:
        pin(day)
    try:
        yield
    finally:
        _shift = before


def pinned() -> date | None:
    """The pinned day, or None when the clock is real."""
    return today() if _shift else None


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"日期 {text!r} 无效：应为 YYYY-MM-DD，如 2027-01-15",
            en=f"The date {text!r} is invalid: write YYYY-MM-DD, e.g. 2027-01-15",
            field="today",
        ) from None
