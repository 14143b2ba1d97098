"""Why a row of a file cannot be stored, in both languages, and what an import that skips such rows
says of them.

A ``Reason`` is the English text itself (a ``str``: the refusal messages have always named rows in
English, and still do) carrying its Chinese in ``zh``, so the page that lists refused rows one by
one (/admin/data) shows each in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from shapely.geometry.base import BaseGeometry

from geodata.errors import PortalError

MAX_SKIPPED_NAMED = 20  # refused rows named in an import's summary; the rest are counted


class Reason(str):
    """A row's reason: the English (the string itself) and the Chinese (``zh``)."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Reason:
        reason = super().__new__(cls, en)
        reason.zh = zh
        return reason


def zh_of(reason: str) -> str:
    """The Chinese of a reason (a plain string is its own)."""
    return getattr(reason, "zh", reason)


def both(first: str | None, second: str) -> str:
    """Two faults of one row, both named."""
    if first is None:
        return second
    return Reason(f"{first}; {second}", f"{zh_of(first)}；{zh_of(second)}")


def from_error(exc: PortalError) -> Reason:
    """A geometry check's refusal as a row's reason (its English starting in lower case)."""
    en = exc.en or exc.message
    return Reason(en[:1].lower() + en[1:], exc.message)


NO_GEOMETRY = Reason("it has no geometry", "没有几何图形")
NOT_FINITE = Reason("it has NaN or infinite coordinates", "坐标含有非数值（NaN 或无穷大）")
TYPE_ZH = {"Point": "点", "LineString": "线", "Polygon": "面", "MultiPolygon": "多面", "MultiLineString": "多线",
           "MultiPoint": "多点", "GeometryCollection": "几何集合"}  # fmt: skip


def wrong_type(given: str, types: Sequence[str]) -> Reason:
    wanted_zh = "或".join(TYPE_ZH.get(t, t) for t in types)
    return Reason(
        f"a {given} was given where {' or '.join(types)} is expected",
        f"给出的是{TYPE_ZH.get(given, given)}（{given}），应为{wanted_zh}",
    )


def outside(x: float, y: float, swapped: bool, lonlat: bool) -> Reason:
    """A point of a row outside the county: swapped, not lon/lat at all, or simply elsewhere."""
    if swapped:
        return Reason(
            f"longitude and latitude look swapped: ({x:.5f}, {y:.5f}) lies outside the county, "
            f"({y:.5f}, {x:.5f}) inside it; the order is longitude, latitude",
            f"经纬度似乎颠倒了：({x:.5f}, {y:.5f}) 在县区之外，({y:.5f}, {x:.5f}) 在县区之内；顺序应为经度、纬度",
        )
    if not lonlat:
        return Reason(f"({x:.4f}, {y:.4f}) is not longitude/latitude", f"({x:.4f}, {y:.4f}) 不是经纬度")
    return Reason(
        f"({x:.5f}, {y:.5f}) lies outside the county's extent", f"({x:.5f}, {y:.5f}) 在县区范围之外"
    )


def outside_reason(geom: BaseGeometry, swapped: bool, lonlat: bool) -> Reason:
    import shapely

    x, y = shapely.get_coordinates(geom)[0]
    return outside(float(x), float(y), swapped, lonlat)


def no_value(field: str) -> Reason:
    return Reason(f"it has no {field!r}", f"没有 {field!r}")


def skipped_line(refused: list[str], total: int) -> str:
    """What an import that skipped refused rows says of them: how many, the first few named."""
    named = "; ".join(refused[:MAX_SKIPPED_NAMED])
    more = f"; and {len(refused) - MAX_SKIPPED_NAMED} more" if len(refused) > MAX_SKIPPED_NAMED else ""
    return f"{len(refused)} of {total} rows refused and left out: {named}{more}"


def row_label_zh(position: int, label: object = None) -> str:
    """``row_label`` in Chinese: 第 3 行（景田社区）."""
    text = f"第 {position + 1} 行"
    if label is not None and str(label) not in ("", "nan", "None"):
        text += f"（{label}）"
    return text
