"""The inspection checklists (检查表) per kind of target, from a month on (issue #20 part 4;
migration 0029).

An inspection is a sheet against the checklist in force in its month (geodata/scores/inspections.py);
an inspection already made keeps the items it was scored on. So a checklist changes from this
month or a later one, never for a month already past. A version lists the items with their
maxima, which sum to 100; an item is named by a code (kept in the inspections' items) and a name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from geodata import clock
from geodata.errors import Conflict, InvalidInput
from geodata.model import ChecklistItem
from geodata.scores.model import CHECKLIST_KINDS, ChecklistVersion
from geodata.scores.months import checked, this_month
from geodata.stores.store import Store

MAX_ITEMS = 20
MAX_NAME = 100
MAX_SORT = 9999
MAX_REASON = 500
TOTAL = 100.0
TOTAL_TOLERANCE = 1e-6  # the maxima a person types (33.3 + 33.3 + 33.4) sum to 100 within this
CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
KIND_ZH = {"segment": "路段", "community": "社区", "grid": "网格"}
KIND_EN = {"segment": "road segments", "community": "communities", "grid": "grid cells"}


@dataclass(frozen=True)
class KindHistory:
    """A kind's checklist as the page shows it: in force this month, to come, and every version."""

    kind: str
    current: ChecklistVersion
    scheduled: list[ChecklistVersion]
    versions: list[ChecklistVersion]  # oldest first, the one from the start included
    latest_id: int  # of the last version made (0: none since the start)


def checked_kind(kind) -> str:
    if kind not in CHECKLIST_KINDS:
        raise InvalidInput(
            f"检查表的对象类型应为 {'、'.join(CHECKLIST_KINDS)} 之一，而不是 {str(kind)[:20]!r}",
            en=f"A checklist is of {', '.join(CHECKLIST_KINDS)}, not {str(kind)[:20]!r}",
            field="kind",
        )
    return kind


def in_force(versions: Sequence[ChecklistVersion], month: str) -> ChecklistVersion:
    """Of one kind's versions (the one from the start among them), the one in force in ``month``."""
    started = [v for v in versions if (v.effective_month or "") <= month]
    return max(started, key=lambda v: (v.effective_month or "", -1 if v.id is None else v.id))


def history(store: Store, kind: str, month: str) -> KindHistory:
    """``kind``'s checklist in ``month`` (this month, for the page), the versions to come and all."""
    versions = store.checklist_versions(checked_kind(kind))
    later = [v for v in versions if (v.effective_month or "") > month]
    return KindHistory(
        kind, in_force(versions, month), sorted(later, key=lambda v: (v.effective_month, v.id)), versions,
        max((v.id for v in versions if v.id is not None), default=0),
    )  # fmt: skip


def change_checklist(
    store: Store,
    kind: str,
    items: Sequence[ChecklistItem],
    month: str,
    set_by: str,
    reason: str = "",
    seen: int | None = None,
    now: datetime | None = None,
) -> ChecklistVersion:
    """Make ``items`` ``kind``'s checklist from ``month`` on; the version stored. InvalidInput
    names what is wrong (the maxima's sum among it), Conflict says a version of the kind was made
    since the one ``seen``; nothing is stored then."""
    now = now or clock.now()
    kind, month, reason = checked_kind(kind), checked(month, "effective_month"), reason.strip()
    current = this_month(now)
    if month < current:
        raise InvalidInput(
            f"{month} 已经过去：检查表只能从本月（{current}）或以后改变，已做的考评保留当时的检查项",
            en=f"{month} is past: a checklist changes from this month ({current}) or later; inspections already made keep their items",
            field="effective_month",
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"原因过长：最多 {MAX_REASON} 字", en=f"The reason is too long: at most {MAX_REASON} characters",
            field="reason",
        )  # fmt: skip
    items = _checked_items(kind, items)
    with store.transaction():
        versions = store.checklist_versions(kind)
        latest = max((v.id for v in versions if v.id is not None), default=0)
        if seen is not None and seen != latest:
            raise Conflict(
                f"{KIND_ZH[kind]}检查表在您打开页面后已被修改：请查看最新版本后再改",
                en=f"The checklist of {KIND_EN[kind]} was changed after you opened the page: look at the latest version and edit it again",
            )
        if _same(in_force(versions, month).items, items):
            raise InvalidInput(
                f"与 {month} 起施行的{KIND_ZH[kind]}检查表相同，没有要保存的修改",
                en=f"This is the checklist of {KIND_EN[kind]} in force from {month} already: nothing to save",
                field="items",
            )
        return store.add_checklist_version(
            ChecklistVersion(kind, month, tuple(items), set_by, now, reason, latest)
        )


def _checked_items(kind: str, items: Sequence[ChecklistItem]) -> list[ChecklistItem]:
    if not 1 <= len(items) <= MAX_ITEMS:
        raise InvalidInput(
            f"检查表应有 1 至 {MAX_ITEMS} 项，而不是 {len(items)} 项",
            en=f"A checklist has 1 to {MAX_ITEMS} items, not {len(items)}",
            field="items",
        )
    out, codes = [], set()
    for n, item in enumerate(items, 1):
        field = f"items[{n - 1}]"
        if not isinstance(item.code, str) or not CODE.fullmatch(item.code):
            raise InvalidInput(
                f"第 {n} 项的代码 {str(item.code)[:40]!r} 无效：以小写字母开头，只用小写字母、数字和下划线，最多 32 个字符",
                en=f"The code of item {n}, {str(item.code)[:40]!r}, is invalid: a lower-case letter, then lower-case letters, digits and underscores, at most 32 characters",
                field=f"{field}.code",
            )
        if item.code in codes:
            raise InvalidInput(
                f"代码 {item.code} 出现了两次：每项的代码应各不相同",
                en=f"The code {item.code} appears twice: each item needs a code of its own",
                field=f"{field}.code",
            )
        codes.add(item.code)
        name = item.name_zh.strip() if isinstance(item.name_zh, str) else ""
        if not 1 <= len(name) <= MAX_NAME:
            raise InvalidInput(
                f"第 {n} 项（{item.code}）的名称应有 1 至 {MAX_NAME} 个字",
                en=f"The name of item {n} ({item.code}) needs 1 to {MAX_NAME} characters",
                field=f"{field}.name",
            )
        top = item.max_score
        if (
            isinstance(top, bool)
            or not isinstance(top, int | float)
            or not math.isfinite(top)
            or not 0 < top <= TOTAL
        ):
            raise InvalidInput(
                f"第 {n} 项（{name}）的满分应大于 0、不超过 100",
                en=f"The maximum of item {n} ({name}) must be above 0 and at most 100",
                field=f"{field}.max",
            )
        if isinstance(item.sort, bool) or not isinstance(item.sort, int) or not 0 <= item.sort <= MAX_SORT:
            raise InvalidInput(
                f"第 {n} 项（{name}）的顺序应为 0 至 {MAX_SORT} 的整数",
                en=f"The order of item {n} ({name}) must be a whole number from 0 to {MAX_SORT}",
                field=f"{field}.sort",
            )
        out.append(ChecklistItem(kind, item.code, name, float(top), item.sort))
    total = sum(i.max_score for i in out)
    if abs(total - TOTAL) > TOTAL_TOLERANCE:
        raise InvalidInput(
            f"各项满分之和为 {total:g}，应为 100",
            en=f"The items' maxima sum to {total:g}, not 100",
            field="items",
        )
    return sorted(out, key=lambda i: (i.sort, i.code))


def _same(a: Sequence[ChecklistItem], b: Sequence[ChecklistItem]) -> bool:
    def key(items):
        return sorted((i.code, i.name_zh, float(i.max_score), i.sort) for i in items)

    return key(a) == key(b)
