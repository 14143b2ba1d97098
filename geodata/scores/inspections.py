"""Inspections (考核评议): an evaluator scores a street segment, a community or a grid cell against
the checklist in force in the inspection's month (geodata/scores/checklists.py); the inspection's
score is the items' sum as a share of their maxima, out of 100.
A village (村) is scored as a community, with its checklist; a courtyard (楼院), a part of its
community as a cell is, as a cell.

Who may score what (an evaluator's panel is their remit):
- 督查科 (patrol): any target, every day;
- 人大代表 / 政协委员 (npc, cppcc): the units' key spots — segments and communities — monthly;
- 社区居委会 (community): the parts handed down to their community: the targets their unit leads
  at that time, and the cells (and courtyards) of a community it leads.
Messages are in Chinese: evaluators read them on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ, Target, responsible
from geodata.errors import Forbidden, InvalidInput
from geodata.labels import PANEL_EN, PANEL_ZH
from geodata.model import County, Inspection
from geodata.scores.months import month_of
from geodata.stores.store import Store

CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock may run a little ahead
# The checklist (checklist_item.target_kind) each kind of zone is scored with; subdistricts: none.
ZONE_CHECKLISTS = {"community": "community", "village": "community", "courtyard": "grid", "grid": "grid"}


@dataclass(frozen=True)
class Evaluator:
    name: str
    panel: str | None
    unit_id: int | None = None


def checklist_kind(store: Store, county: County, target_kind: str, target_id: int) -> str:
    """Which checklist a target is scored with: segment, community or grid (NotFound if absent);
    the same checklist, the same remit."""
    if target_kind == "segment":
        store.get_segment(county.id, target_id)
        return "segment"
    if target_kind != "zone":
        raise InvalidInput(
            f"未知的考核对象类型 {target_kind!r}：可选 segment 或 zone",
            en=f"Unknown kind of target {target_kind!r}: choose segment or zone",
            field="target_kind",
        )
    kind = store.get_zone(county.id, target_id).kind
    if kind not in ZONE_CHECKLISTS:
        raise InvalidInput(
            "街道不直接考核：请选择社区、村、楼院、网格或路段",
            en="Subdistricts are not evaluated directly: choose a community, village, courtyard, grid cell or road segment",
            field="target_id",
        )
    return ZONE_CHECKLISTS[kind]


def check_evaluator(evaluator: Evaluator) -> None:
    if evaluator.panel not in PANEL_ZH:
        raise Forbidden(
            "您不属于任何评议组，不能评分",
            en="You belong to no evaluation panel and cannot give scores",
            field="panel",
        )


def record_inspection(
    store: Store,
    county: County,
    evaluator: Evaluator,
    target_kind: str,
    target_id: int,
    items: dict,
    inspected_at: datetime | None = None,
    now: datetime | None = None,
) -> Inspection:
    """Check and store one inspection; InvalidInput, Forbidden or NotFound name what is wrong,
    and nothing is stored then."""
    now = now or clock.now()
    at = inspected_at or now
    if at > now + CLOCK_SKEW:
        raise InvalidInput(
            "不能为将来的时间评分", en="Scores cannot be given for a time in the future", field="inspected_at"
        )
    check_evaluator(evaluator)
    kind = checklist_kind(store, county, target_kind, target_id)
    if target_kind == "zone":
        zone = store.get_zone(county.id, target_id)
        if zone.created_at is not None and at < zone.created_at:
            when = zone.created_at.astimezone(COUNTY_TZ)
            raise InvalidInput(
                f"{zone.name}于 {when:%Y-%m-%d %H:%M} 才划定，不能为之前的时间评分",
                en=f"{zone.name} was drawn only on {when:%Y-%m-%d %H:%M}: scores cannot be given for an earlier time",
                field="inspected_at",
            )
    _check_remit(store, county, evaluator, target_kind, target_id, kind, at)
    checklist = store.list_checklist(kind, month_of(at))  # the sheet of the inspection's month
    scores = _item_scores(checklist, items)
    total = 100 * sum(scores.values()) / sum(i.max_score for i in checklist)
    inspection = Inspection(
        county.id, target_kind, target_id, evaluator.name, evaluator.panel, at, round(total, 1), scores
    )
    store.add_inspections([inspection])
    return inspection


def _item_scores(checklist, items) -> dict[str, float]:
    if not isinstance(items, dict):
        raise InvalidInput(
            "items 应为 {检查项: 得分}", en="items must be {checklist item: score}", field="items"
        )
    known = {i.code: i for i in checklist}
    unknown = sorted(set(items) - set(known))
    if unknown:
        raise InvalidInput(
            f"未知的检查项：{', '.join(unknown)}",
            en=f"Unknown checklist items: {', '.join(unknown)}",
            field="items",
        )
    scores = {}
    for code, item in known.items():
        if code not in items:
            raise InvalidInput(
                f"缺少检查项“{item.name_zh}”的得分",
                en=f"The score of “{item.name_zh}” is missing",
                field=f"items.{code}",
            )
        try:
            value = float(items[code])
        except (TypeError, ValueError):
            raise InvalidInput(
                f"“{item.name_zh}”的得分不是数字：{items[code]!r}",
                en=f"The score of “{item.name_zh}” is not a number: {items[code]!r}",
                field=f"items.{code}",
            ) from None
        if not 0 <= value <= item.max_score:
            raise InvalidInput(
                f"“{item.name_zh}”的得分 {value:g} 超出范围 0–{item.max_score:g}",
                en=f"The score of “{item.name_zh}”, {value:g}, is outside 0–{item.max_score:g}",
                field=f"items.{code}",
            )
        scores[code] = value
    return scores


def _check_remit(store, county, evaluator: Evaluator, target_kind, target_id, kind, at) -> None:
    panel = PANEL_ZH[evaluator.panel]
    if evaluator.panel in ("npc", "cppcc") and kind == "grid":
        raise Forbidden(
            f"{panel}评议路段和社区，不评议单元网格和楼院",
            en=f"{PANEL_EN[evaluator.panel]} evaluate road segments and communities, not grid cells or courtyards",
            field="target_id",
        )
    if evaluator.panel != "community":
        return
    if evaluator.unit_id is None:
        raise Forbidden(
            "社区居委会评议员需属于一个居委会单位",
            en="An evaluator of a residents' committee must belong to a residents' committee unit",
            field="panel",
        )
    if _leads(store, county, evaluator.unit_id, target_kind, target_id, at):
        return
    if kind == "grid":
        parent = store.get_zone(county.id, target_id).parent_id
        if parent is not None and _leads(store, county, evaluator.unit_id, "zone", parent, at):
            return
    raise Forbidden(
        "该对象不在本社区的责任范围内，社区居委会只能评议下放到本社区的部分",
        en="This target is outside your community's responsibility: a residents' committee evaluates only the parts delegated to its community",
        field="target_id",
    )


def _leads(store: Store, county: County, unit_id: int, target_kind: str, target_id: int, at) -> bool:
    """Whether the unit guards the target at ``at`` (as lead or assist)."""
    posts = responsible(store, county, Target(target_kind, target_id), at)
    return any(a.unit_id == unit_id for a in [posts.lead, *posts.assists] if a is not None)
