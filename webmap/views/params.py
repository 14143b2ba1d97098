"""Parse query strings at the edge into typed values, refusing with a message naming the field."""

from __future__ import annotations

import math
from datetime import date

from geodata.errors import InvalidInput
from geodata.store import BBox

MAX_ZOOM = 22


class InvalidBBox(InvalidInput):
    code = "invalid_bbox"


class InvalidZoom(InvalidInput):
    code = "invalid_zoom"


def parse_bbox(raw: str | None) -> BBox:
    """``"minx,miny,maxx,maxy"`` in lon/lat degrees → a tuple; InvalidBBox saying what is wrong."""
    if raw is None or not raw.strip():
        raise InvalidBBox("bbox is required: bbox=minx,miny,maxx,maxy (lon/lat degrees)")
    parts = raw.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidBBox(f"bbox needs 4 numbers (minx,miny,maxx,maxy), got {raw!r}")
    minx, miny, maxx, maxy = values
    if minx > maxx:
        raise InvalidBBox(f"bbox minx > maxx ({minx} > {maxx})")
    if miny > maxy:
        raise InvalidBBox(f"bbox miny > maxy ({miny} > {maxy})")
    if not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
        raise InvalidBBox("bbox must be longitude/latitude within -180..180 and -90..90")
    return minx, miny, maxx, maxy


def parse_zoom(raw: str | None, default: int | None = None) -> int:
    """A Web-Mercator zoom level 0..22; InvalidZoom otherwise."""
    if raw is None or raw == "":
        if default is None:
            raise InvalidZoom("zoom is required: an integer from 0 to 22")
        return default
    try:
        zoom = int(raw)
    except ValueError:
        raise InvalidZoom(f"zoom must be an integer from 0 to 22, got {raw!r}") from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise InvalidZoom(f"zoom must be between 0 and {MAX_ZOOM}, got {zoom}")
    return zoom


def parse_day(raw: str | None, field: str, required: bool = True) -> date | None:
    """A calendar day ``YYYY-MM-DD``; InvalidInput naming the field otherwise."""
    if raw is None or not raw.strip():
        if required:
            raise InvalidInput(f"缺少 {field}：请给出日期 YYYY-MM-DD", field=field)
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(f"{field} 应为日期 YYYY-MM-DD，而不是 {raw!r}", field=field) from None


MAX_QUERY = 50


def parse_query(raw: str | None) -> str:
    """A search box's text, trimmed; InvalidInput when longer than MAX_QUERY characters."""
    q = (raw or "").strip()
    if len(q) > MAX_QUERY:
        raise InvalidInput(f"查找内容过长：最多 {MAX_QUERY} 字", field="q")
    return q


def parse_version(value, name: str, field: str | None = None, required: bool = False) -> int | None:
    """The version of a target the editor saw (a positive integer), from a JSON body; None when
    left out and not ``required``."""
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        what = "必填" if value is None else f"应为正整数，而不是 {value!r}"
        raise InvalidInput(f"{name} {what}：请发送编辑时看到的版本号", field=field or name)
    return value
