"""Case categories as administrators keep them (issue #20 part 3): a new one checked before it is
stored, an edit made on the version the administrator saw, and retirement instead of deletion.

A category's deadline is read when a case is filed (geodata/cases/holidays.py ``due``) and kept on
the case, so a changed deadline applies to the cases filed from then on and never moves one
already given. A retired category is offered for no new case or report (``check_offered`` refuses
filing under it); the cases filed under it keep it and show it. Nothing deletes a category (the
database refuses it too, migration 0028).

Messages are in Chinese with their English beside them, as everywhere in geodata.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from geodata import clock
from geodata.errors import Conflict, InvalidInput
from geodata.labels import CC_CLASS_ZH, DEADLINE_KIND_ZH
from geodata.model import CC_CLASSES, COUNTY_TZ, DEADLINE_KINDS, Category
from geodata.plaintext import check_english, check_line
from geodata.stores.store import Store

CODE = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")  # as in URLs, Open311 service codes and exports
MAX_NAME_ZH, MAX_NAME_EN = 30, 60
MAX_CC_CODE = 20
MAX_HOURS = 24 * 365  # a year: a longer deadline is a typing slip
MAX_SORT = 9999


def check_code(code: str) -> str:
    """A new category's code: lower-case letters, digits and underscores, starting with a letter or
    digit, at most 40 characters."""
    code = (code or "").strip()
    if not CODE.fullmatch(code):
        raise InvalidInput(
            f"类别编码 {code[:50]!r} 无效：只能用小写字母、数字和下划线，以字母或数字开头，最多 40 个字符（如 illegal_stall）",
            en=f"The category code {code[:50]!r} is invalid: use lower-case letters, digits and underscores, "
            "starting with a letter or a digit, at most 40 characters (e.g. illegal_stall)",
            field="code",
        )
    return code


def check_category(category: Category) -> Category:
    """The category as it will be stored (its texts trimmed), or InvalidInput naming the first
    problem: a name missing, too long or (the English one) in Chinese, a deadline out of range or
    of an unknown kind, an order out of range, an unknown 部件/事件 class."""
    name_zh = check_line(category.name_zh, "name_zh", "中文名称", "Chinese name", MAX_NAME_ZH)
    name_en = check_line(category.name_en, "name_en", "英文名称", "English name", MAX_NAME_EN)
    check_english(name_en, "name_en", "英文名称", "English name")
    if not 1 <= category.deadline_hours <= MAX_HOURS:
        raise InvalidInput(
            f"处置时限应为 1 至 {MAX_HOURS} 小时，而不是 {category.deadline_hours}",
            en=f"The deadline must be 1 to {MAX_HOURS} hours, not {category.deadline_hours}",
            field="deadline_hours",
        )
    if category.deadline_kind not in DEADLINE_KINDS:
        choices = "、".join(f"{k}（{DEADLINE_KIND_ZH[k]}）" for k in DEADLINE_KINDS)
        raise InvalidInput(
            f"未知的时限计算方式 {category.deadline_kind!r}：可选 {choices}",
            en=f"Unknown deadline kind {category.deadline_kind!r}: choose {', '.join(DEADLINE_KINDS)}",
            field="deadline_kind",
        )
    if not 0 <= category.sort <= MAX_SORT:
        raise InvalidInput(
            f"排序应为 0 至 {MAX_SORT} 的整数，而不是 {category.sort}",
            en=f"The order must be a whole number from 0 to {MAX_SORT}, not {category.sort}",
            field="sort",
        )
    if category.cc_class and category.cc_class not in CC_CLASSES:
        choices = "、".join(f"{k}（{CC_CLASS_ZH[k]}）" for k in CC_CLASSES)
        raise InvalidInput(
            f"未知的部件/事件分类 {category.cc_class!r}：可选 {choices}，或留空",
            en=f"Unknown component/event class {category.cc_class!r}: choose {', '.join(CC_CLASSES)}, or none",
            field="cc_class",
        )
    cc_code = check_line(
        category.cc_code, "cc_code", "部件/事件编码", "component/event code", MAX_CC_CODE, False
    )
    return replace(category, name_zh=name_zh, name_en=name_en, cc_code=cc_code)


def add_category(store: Store, category: Category) -> Category:
    """Store a new category, offered from now on; Conflict when its code is taken."""
    checked = check_category(replace(category, code=check_code(category.code)))
    return store.add_category(replace(checked, retired_at=None, version=1))


def edit_category(store: Store, category: Category, version: int) -> Category:
    """Write an administrator's edit of ``category`` (its code names it; its campaign and
    retirement stay as stored) made on ``version``; StaleVersion when someone else's came first.
    Cases filed from now on get its new deadline; those filed before keep theirs."""
    return store.update_category(check_category(category), version)


def retire_category(store: Store, code: str, version: int, now: datetime | None = None) -> Category:
    """Offer the category for no new case from ``now``; Conflict when it is retired already."""
    current = store.get_category(code)
    if current.retired:
        raise Conflict(
            f"问题类别“{current.name_zh}”已于 {_day(current.retired_at)} 停用",
            en=f"The problem category “{current.name_en}” was retired on {_day(current.retired_at)} already",
            field="code",
        )
    return store.set_category_retired(code, now or clock.now(), version)


def reinstate_category(store: Store, code: str, version: int) -> Category:
    """Offer a retired category again; Conflict when it is not retired."""
    current = store.get_category(code)
    if not current.retired:
        raise Conflict(
            f"问题类别“{current.name_zh}”并未停用",
            en=f"The problem category “{current.name_en}” is not retired",
            field="code",
        )
    return store.set_category_retired(code, None, version)


def offered(categories: list[Category]) -> list[Category]:
    """The categories a new case or report may be filed under: those not retired."""
    return [c for c in categories if not c.retired]


def check_offered(category: Category) -> Category:
    """``category`` when a new case may be filed under it; InvalidInput naming it when retired."""
    if category.retired:
        raise InvalidInput(
            f"问题类别“{category.name_zh}”已于 {_day(category.retired_at)} 停用，不再受理新的案件：请选择其他类别",
            en=f"The problem category “{category.name_en}” was retired on {_day(category.retired_at)} and takes "
            "no new cases: please choose another category",
            field="category",
        )
    return category


def for_filing(store: Store, code: str) -> Category:
    """The category of ``code`` when a new case may be filed under it; NotFound or InvalidInput."""
    return check_offered(store.get_category(code))


def _day(at: datetime | None) -> str:
    return at.astimezone(COUNTY_TZ).date().isoformat() if at else ""
