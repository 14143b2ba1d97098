"""Months as the scores count them: ``'YYYY-MM'`` in the county's calendar."""

from __future__ import annotations

import re
from datetime import datetime

from geodata import clock
from geodata.errors import InvalidInput
from geodata.model import COUNTY_TZ

MONTH = re.compile(r"(20\d\d|2100)-(0[1-9]|1[0-2])")  # the portal's dates: 2000 to 2100


def checked(month, field: str = "month") -> str:
    """``month`` when it is a 'YYYY-MM' month from 2000-01 to 2100-12; InvalidInput naming the
    field otherwise."""
    if not isinstance(month, str) or not MONTH.fullmatch(month):
        shown = repr(month) if len(repr(month)) <= 40 else repr(month)[:37] + "…"
        raise InvalidInput(
            f"{field} 应为 2000-01 至 2100-12 之间的月份 YYYY-MM，而不是 {shown}",
            en=f"{field} must be a month YYYY-MM from 2000-01 to 2100-12, not {shown}",
            field=field,
        )
    return month


def month_of(at: datetime) -> str:
    """The month ``at`` falls in, in the county's clock."""
    return at.astimezone(COUNTY_TZ).strftime("%Y-%m")


def this_month(now: datetime | None = None) -> str:
    return month_of(now or clock.now())


def next_month(month: str) -> str:
    year, m = (int(p) for p in month.split("-"))
    return f"{year + 1}-01" if m == 12 else f"{year}-{m + 1:02d}"


def previous_month(month: str) -> str:
    year, m = (int(p) for p in month.split("-"))
    return f"{year - 1}-12" if m == 1 else f"{year}-{m - 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """The months from ``first`` to ``last``, both included, oldest first (empty when backwards)."""
    out = []
    while first <= last:
        out.append(first)
        first = next_month(first)
    return out
