"""Parse query strings at the edge into typed values, refusing with a message naming the field."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from flask import request
from werkzeug.routing import IntegerConverter

from geodata.errors import InvalidInput
from geodata.geo.geometry import EXTENT_MARGIN_DEG
from geodata.stores.store import BBox
from webmap.i18n import zh_en

MAX_ZOOM = 22


class InvalidBBox(InvalidInput):
    code = "invalid_bbox"


class InvalidZoom(InvalidInput):
    code = "invalid_zoom"


class TooLarge(InvalidInput):
    status = 413
    code = "too_large"


def parse_bbox(raw: str | None) -> BBox:
    """``"minx,miny,maxx,maxy"`` in lon/lat degrees → a tuple; InvalidBBox saying what is wrong."""
    if raw is None or not raw.strip():
        raise InvalidBBox(
            "缺少 bbox（bbox is required: bbox=minx,miny,maxx,maxy, lon/lat degrees）",
            en="bbox is required: bbox=minx,miny,maxx,maxy in longitude/latitude degrees",
            field="bbox",
        )
    parts = raw.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidBBox(
            f"bbox 应为 4 个数（bbox needs 4 numbers: minx,miny,maxx,maxy），而不是 {_shown(raw)}",
            en=f"bbox needs 4 numbers, minx,miny,maxx,maxy, not {_shown(raw)}",
            field="bbox",
        )
    minx, miny, maxx, maxy = values
    if minx > maxx:
        raise InvalidBBox(
            f"bbox 的西界大于东界（bbox minx > maxx: {minx} > {maxx}）",
            en=f"The bbox's west edge is east of its east edge (minx > maxx: {minx} > {maxx})",
            field="bbox",
        )
    if miny > maxy:
        raise InvalidBBox(
            f"bbox 的南界大于北界（bbox miny > maxy: {miny} > {maxy}）",
            en=f"The bbox's south edge is north of its north edge (miny > maxy: {miny} > {maxy})",
            field="bbox",
        )
    if not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
        raise InvalidBBox(
            "bbox 应为经纬度（bbox must be longitude/latitude within -180..180 and -90..90）",
            en="bbox must be longitude/latitude within -180..180 and -90..90",
            field="bbox",
        )
    return minx, miny, maxx, maxy


def parse_zoom(raw: str | None, default: int | None = None) -> int:
    """A Web-Mercator zoom level 0..22; InvalidZoom otherwise."""
    if raw is None or raw == "":
        if default is None:
            raise InvalidZoom(
                "缺少 zoom（zoom is required: an integer from 0 to 22）",
                en="zoom is required: an integer from 0 to 22",
                field="zoom",
            )
        return default
    text = raw.strip()
    if not (text.isascii() and text.lstrip("-").isdigit() and len(text) < 6):
        raise InvalidZoom(
            f"zoom 应为整数（zoom must be an integer from 0 to 22），而不是 {_shown(raw)}",
            en=f"zoom must be an integer from 0 to 22, not {_shown(raw)}",
            field="zoom",
        )
    zoom = int(text)
    if not 0 <= zoom <= MAX_ZOOM:
        raise InvalidZoom(
            f"zoom 应在 0–{MAX_ZOOM} 之间（zoom must be between 0 and {MAX_ZOOM}），而不是 {zoom}",
            en=f"zoom must be between 0 and {MAX_ZOOM}, not {zoom}",
            field="zoom",
        )
    return zoom


def parse_day(raw, field: str, required: bool = True) -> date | None:
    """A calendar day ``YYYY-MM-DD`` from 2000-01-01 to 2100-12-31; InvalidInput naming the field
    otherwise (a number or an object from a JSON body too)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise InvalidInput(
                f"缺少 {field}：请给出日期 YYYY-MM-DD",
                en=f"{field} is missing: give a date YYYY-MM-DD",
                field=field,
            )
        return None
    try:
        day = date.fromisoformat(raw.strip()) if isinstance(raw, str) else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput(
            f"{field} 应为日期 YYYY-MM-DD，而不是 {_shown(raw)}",
            en=f"{field} must be a date YYYY-MM-DD, not {_shown(raw)}",
            field=field,
        )
    return day_in_range(day, field)


MAX_QUERY = 50


def parse_query(raw: str | None) -> str:
    """A search box's text, trimmed; InvalidInput when longer than MAX_QUERY characters."""
    q = check_text((raw or "").strip(), "q")
    if len(q) > MAX_QUERY:
        raise InvalidInput(
            f"查找内容过长：最多 {MAX_QUERY} 字",
            en=f"The search text is too long: at most {MAX_QUERY} characters",
            field="q",
        )
    return q


def parse_version(value, name: str, field: str | None = None, required: bool = False) -> int | None:
    """The version of a target the editor saw (a positive integer), from a JSON body; None when
    left out and not ``required``."""
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        what = "必填" if value is None else f"应为正整数，而不是 {value!r}"
        what_en = "is required" if value is None else f"must be a positive integer, not {value!r}"
        raise InvalidInput(
            f"{name} {what}：请发送编辑时看到的版本号",
            en=f"{name} {what_en}: please send the version you saw when editing",
            field=field or name,
        )
    return value


# -- bounds every request's input is held to (DESIGN §11: parsed and bounded at the edge) ---------
MIN_DAY, MAX_DAY = date(2000, 1, 1), date(2100, 12, 31)
# Ids are PostgreSQL integers (SQLite's hold 64 bits): a larger one names nothing, and would not
# reach the query. No number a client sends means more than this (ids, versions, counts).
MAX_ID = 2**31 - 1
MAX_JSON_BYTES = 1 << 20  # a JSON body; uploads (forms with a photo) keep MAX_CONTENT_LENGTH
MAX_JSON_DEPTH = 20
# A lone UTF-16 surrogate (from JSON's "\ud800") cannot be stored; NUL is refused by PostgreSQL.
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def check_text(value: str, field: str) -> str:
    """``value`` when it is text that can be stored; InvalidInput naming the field otherwise."""
    if _BAD_TEXT.search(value):
        raise InvalidInput(
            f"{field} 含有无效字符（单独的代理字符或 NUL）",
            en=f"{field} holds invalid characters (a lone surrogate or NUL)",
            field=field,
        )
    return value


def day_in_range(day: date, field: str) -> date:
    """``day`` when it lies between MIN_DAY and MAX_DAY; InvalidInput naming the field otherwise."""
    if not MIN_DAY <= day <= MAX_DAY:
        raise InvalidInput(
            f"{field} 应在 {MIN_DAY} 至 {MAX_DAY} 之间，而不是 {day}",
            en=f"{field} must be from {MIN_DAY} to {MAX_DAY}, not {day}",
            field=field,
        )
    return day


def parse_month(raw, field: str = "month") -> str:
    """A month ``YYYY-MM`` between 2000-01 and 2100-12, as text; InvalidInput naming the field."""
    if not isinstance(raw, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", raw.strip()):
        raise InvalidInput(
            f"{field} {_shown(raw)} 格式有误，应为 YYYY-MM",
            en=f"{field} {_shown(raw)} is not in the form YYYY-MM",
            field=field,
        )
    day_in_range(date.fromisoformat(raw.strip() + "-01"), field)
    return raw.strip()


def parse_datetime(raw, field: str) -> datetime | None:
    """An ISO 8601 time with its zone (None when left out), between 2000 and 2100."""
    if raw is None or raw == "":
        return None
    try:
        at = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        at = None
    if at is None:
        raise InvalidInput(
            f"{field} 不是 ISO 8601 时间：{_shown(raw)}",
            en=f"{field} is not an ISO 8601 time: {_shown(raw)}",
            field=field,
        )
    if at.tzinfo is None:
        raise InvalidInput(
            f"{field} 需带时区，如 2026-10-20T09:30:00+08:00",
            en=f"{field} needs a time zone, such as 2026-10-20T09:30:00+08:00",
            field=field,
        )
    day_in_range(at.date(), field)
    return at


def parse_id(raw, field: str) -> int:
    """A record's id: a positive integer up to MAX_ID (an int, or its digits as text)."""
    if isinstance(raw, str) and raw.strip().isdecimal() and raw.strip().isascii():
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_ID:
        raise InvalidInput(
            f"{field} 应为正整数编号，而不是 {_shown(raw)}",
            en=f"{field} must be a positive integer id, not {_shown(raw)}",
            field=field,
        )
    return raw


def text_field(body: dict, name: str, default: str = "") -> str:
    """A JSON body's text field (``default`` when left out or null); InvalidInput when not text."""
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise InvalidInput(
            f"{name} 应为文本，而不是 {_shown(value)}",
            en=f"{name} must be text, not {_shown(value)}",
            field=name,
        )
    return check_text(value, name)


def text_list(body: dict, name: str) -> tuple[str, ...]:
    """A JSON body's list of texts (empty when left out); InvalidInput otherwise."""
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{name} 应为文本列表", en=f"{name} must be a list of texts", field=name)
    return tuple(value)


def check_json(value, field: str = "body", depth: int = 0):
    """``value`` (parsed JSON) when every string is storable text, every number is finite and
    lies within ±MAX_ID, and it nests at most MAX_JSON_DEPTH deep; InvalidInput naming where otherwise."""
    if depth > MAX_JSON_DEPTH:
        raise InvalidInput(
            f"{field} 嵌套过深：最多 {MAX_JSON_DEPTH} 层",
            en=f"{field} is nested too deep: at most {MAX_JSON_DEPTH} levels",
            field=field,
        )
    if isinstance(value, str):
        check_text(value, field)
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int):
        if not -MAX_ID - 1 <= value <= MAX_ID:
            raise InvalidInput(
                f"{field} 中的整数超出范围（最大 {MAX_ID}）",
                en=f"An integer in {field} is out of range (at most {MAX_ID})",
                field=field,
            )
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(
                f"{field} 中含有非有限数值", en=f"{field} holds a number that is not finite", field=field
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            check_json(item, f"{field}.{check_text(key, field)}" if depth else key, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_json(item, f"{field}[{i}]", depth + 1)
    return value


def refuse_constant(name: str):
    """For json.loads: NaN and Infinity are not JSON, whatever Python's parser allows."""
    raise ValueError(f"{name} is not JSON")


def _shown(raw) -> str:
    """A refused value as the message shows it: short, and never a huge object."""
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "…"


class BoundedInt(IntegerConverter):
    """``<int:...>`` in a route: a non-negative integer up to MAX_ID (a larger one is no page)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False):  # fmt: skip
        super().__init__(map, fixed_digits, min, max, signed)


def check_request_text() -> None:
    """Every query-string and form field, and every path part, is storable text (before each request)."""
    for name, value in request.args.items(multi=True):
        check_text(value, check_text(name, "query"))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            check_text(value, check_text(name, "form"))
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            check_text(value, name)


def init_app(app) -> None:
    """Bounded ``<int:...>`` route parts and the text check; before the blueprints are registered."""
    app.url_map.converters["int"] = BoundedInt
    app.before_request(check_request_text)


def county_bbox(bbox: BBox, county) -> BBox:
    """``bbox`` clipped to the county's extent and its margin: a world-wide box costs no more than
    the county (one far outside it shrinks to a line on the margin, where nothing lies)."""
    extent = county.boundary or county.extent
    if extent is None or extent.is_empty:
        return bbox
    ex0, ey0, ex1, ey1 = extent.bounds
    m = EXTENT_MARGIN_DEG
    x0, x1 = (min(max(v, ex0 - m), ex1 + m) for v in (bbox[0], bbox[2]))
    y0, y1 = (min(max(v, ey0 - m), ey1 + m) for v in (bbox[1], bbox[3]))
    return x0, y0, x1, y1


# -- pages of a list ---------------------------------------------------------------------------
PER_PAGE, MAX_PER_PAGE = 50, 200
MAX_PAGE = 100_000  # a page number beyond any list, and an offset SQLite can hold


def page_number() -> int:
    return _positive_int("page", 1, MAX_PAGE)


def page_size() -> int:
    return _positive_int("per_page", PER_PAGE, MAX_PER_PAGE)


def positive_int(name: str, default: int, maximum: int) -> int:
    """The query's whole number ``name`` in 1…``maximum`` (``default`` when absent); InvalidInput
    naming it otherwise."""
    return _positive_int(name, default, maximum)


def _positive_int(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if not raw:
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        zh, en = zh_en("cases.api.not_positive", name=name, raw=repr(raw[:20]))
        raise InvalidInput(zh, en=en, field=name)
    value = int(text)
    if not 1 <= value <= maximum:
        zh, en = zh_en("cases.api.out_of_range", name=name, maximum=maximum, value=value)
        raise InvalidInput(zh, en=en, field=name)
    return value
