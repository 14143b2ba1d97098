"""Values both backends check and read alike: times in UTC, the choices a field allows, the one row
a lookup expects, the zone kinds a list asks for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from geodata.errors import InvalidInput, NotFound


def utc(dt: datetime) -> datetime:
    """The same instant as an aware UTC datetime; a naive one is taken to be UTC already."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def kinds_list(kind: str | Sequence[str] | None) -> list[str] | None:
    """The zone kinds ``list_zones`` is asked for: one, several, or None for every kind."""
    if kind is None:
        return None
    return [kind] if isinstance(kind, str) else list(kind)


# The choices ``check_choice`` names, in Chinese.
CHOICE_ZH = {
    "zone kind": "区域类型",
    "role": "角色",
    "target kind": "对象类型",
    "panel": "评议组",
    "lang": "语言",
    "status": "状态",
    "reason": "原因",
    "holiday kind": "日历日类型",
    "deadline kind": "时限计算方式",
    "cc class": "部件/事件分类",
    "job kind": "任务类型",
    "job state": "任务状态",
}


# The things ``one`` looks up, in Chinese ("unit #3" → "单位 #3") and in English where the word
# differs ("incident #3" → "Case #3").
WHAT_ZH = {
    "county": "县区",
    "unit": "单位",
    "zone": "区域",
    "segment": "路段",
    "user": "用户",
    "change set": "变更单",
    "incident": "案件",
    "job": "任务",
}
WHAT_EN = {"segment": "road segment", "incident": "case"}


def _what_zh(what: str) -> str:
    noun, _, ref = what.rpartition(" ")
    return f"{WHAT_ZH.get(noun, noun)} {ref}"


def _what_en(what: str) -> str:
    noun, _, ref = what.rpartition(" ")
    noun = WHAT_EN.get(noun, noun)
    return f"{noun[:1].upper()}{noun[1:]} {ref}"


def one(rows: list, what: str):
    """The first of ``rows``; NotFound naming ``what`` ("zone #3") when there is none."""
    if not rows:
        raise NotFound(f"{_what_zh(what)} 不存在", en=f"{_what_en(what)} does not exist")
    return rows[0]


def check_choice(value: str, choices: Sequence[str], what: str) -> None:
    if value not in choices:
        raise InvalidInput(
            f"未知的{CHOICE_ZH.get(what, what)} {value!r}：可选 {', '.join(choices)}",
            en=f"Unknown {what} {value!r}: choose {', '.join(choices)}",
            field=what,
        )


def sql_list(codes) -> str:
    """A tuple of the portal's own codes (never user input) as an SQL list: ('a', 'b')."""
    return "(" + ", ".join(f"'{c}'" for c in codes) + ")"
