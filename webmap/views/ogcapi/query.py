"""The query of an OGC API – Features request parsed and bounded at the edge (17-069r4 §7.15):
``bbox`` with ``bbox-crs`` (CRS84 only), ``datetime`` (an instant or an interval, open at either
end with ``..``), ``limit`` (1 and up; above the maximum it is clamped, as the standard permits),
``offset``, and the collection's queryables as simple ``name=value`` parameters. A parameter the
API does not define is a 400 (/req/core/query-param-unknown)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flask import request

from geodata.assignments.postings import COUNTY_TZ, day_span
from geodata.errors import InvalidInput
from layers.ogcapi import CRS84, DEFAULT_LIMIT, MAX_LIMIT, Collection, Query, Viewer
from webmap.views import params

MAX_OFFSET = 10_000_000
MAX_VALUE = 200  # characters of a filter's value
COMMON = ("f", "lang")  # every path takes these
ITEM_PARAMS = ("bbox", "bbox-crs", "datetime", "limit", "offset")


def refuse_unknown(allowed) -> None:
    """A 400 naming the first query parameter the API does not define here."""
    for name in request.args:
        if name not in allowed and name not in COMMON:
            raise InvalidInput(
                f"未知的查询参数：{name[:40]!r}",
                en=f"Unknown query parameter: {name[:40]!r}",
                field=name[:40],
            )


def items_query(collection: Collection, viewer: Viewer | None) -> Query:
    """The items request's Query for ``collection``, as ``viewer`` asks it."""
    a = request.args
    refuse_unknown((*ITEM_PARAMS, *collection.queryables))
    crs = a.get("bbox-crs", CRS84).strip()
    if crs != CRS84:
        raise InvalidInput(f"bbox-crs 只支持 {CRS84}", en=f"bbox-crs supports only {CRS84}", field="bbox-crs")
    bbox = params.parse_bbox(a["bbox"]) if "bbox" in a else None
    filters = {}
    for name in collection.queryables:
        if name in a:
            filters[name] = params.check_text(a[name].strip(), name)[:MAX_VALUE]
    since, until, at = span(a.get("datetime"))
    return Query(bbox, at, filters, limit(a.get("limit")), offset(a.get("offset")), since, until, viewer)


def limit(raw: str | None) -> int:
    """1 and up; above MAX_LIMIT it is MAX_LIMIT (the standard lets a server clamp)."""
    if raw is None:
        return DEFAULT_LIMIT
    value = _whole(raw, "limit")
    if value < 1:
        raise InvalidInput(
            f"limit 应为 1–{MAX_LIMIT} 的整数，而不是 {raw[:20]!r}",
            en=f"limit must be an integer from 1 to {MAX_LIMIT}, not {raw[:20]!r}",
            field="limit",
        )
    return min(value, MAX_LIMIT)


def offset(raw: str | None) -> int:
    if raw is None:
        return 0
    value = _whole(raw, "offset")
    if not 0 <= value <= MAX_OFFSET:
        raise InvalidInput(
            f"offset 应为 0–{MAX_OFFSET} 的整数",
            en=f"offset must be an integer from 0 to {MAX_OFFSET}",
            field="offset",
        )
    return value


def _whole(raw: str, field: str) -> int:
    text = raw.strip()
    if not re.fullmatch(r"-?\d{1,12}", text):
        raise InvalidInput(
            f"{field} 应为整数，而不是 {raw[:20]!r}",
            en=f"{field} must be an integer, not {raw[:20]!r}",
            field=field,
        )
    return int(text)


def moment(raw: str | None) -> datetime | None:
    """The moment ``datetime`` picks: an instant, or an interval's end (its start when it is open
    at the end); None for none or ``../..``."""
    return span(raw)[2]


def span(raw: str | None) -> tuple[datetime | None, datetime | None, datetime | None]:
    """(since, until, moment) of ``datetime``: the interval [since, until) it names (a date covers
    its whole day, an interval's end date included) and the moment it picks. An interval must not
    end before it starts."""
    if raw is None or not raw.strip():
        return None, None, None
    parts = raw.strip().split("/")
    if len(parts) > 2:
        raise _bad_datetime(raw)
    if len(parts) == 1:
        start, end = _instant(parts[0], raw)
        return start, end, start
    (start, _), (last, end) = ((None, None) if p in ("", "..") else _instant(p, raw) for p in parts)
    if start is not None and last is not None and last < start:
        raise InvalidInput(
            f"datetime 的结束早于开始：{raw[:60]!r}",
            en=f"The datetime interval ends before it starts: {raw[:60]!r}",
            field="datetime",
        )
    return start, end, last or start


def _instant(text: str, raw: str) -> tuple[datetime, datetime]:
    """An RFC 3339 date-time (without an offset: the county's clock), as (it, just after it), or
    a date as (its 00:00, the next day's 00:00) there."""
    text = re.sub(r"[zZ]$", "+00:00", text.strip())
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            day = params.day_in_range(date.fromisoformat(text), "datetime")
            return day_span(day)
        if not re.fullmatch(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d)?", text):
            raise ValueError(text)
        when = datetime.fromisoformat(text)
    except ValueError:
        raise _bad_datetime(raw) from None
    params.day_in_range(when.date(), "datetime")
    when = when if when.tzinfo else when.replace(tzinfo=COUNTY_TZ)
    return when, when + timedelta(microseconds=1)


def _bad_datetime(raw: str) -> InvalidInput:
    return InvalidInput(
        f"datetime 应为 RFC 3339 时间或时间段（如 2026-10-01、../2026-10-01），而不是 {raw[:60]!r}",
        en=f"datetime must be an RFC 3339 instant or interval (such as 2026-10-01 or ../2026-10-01), not {raw[:60]!r}",
        field="datetime",
    )
