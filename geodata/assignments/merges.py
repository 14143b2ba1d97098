"""Merging one unit into another as of a day (issue #20 part 2).

Every post the first unit holds on that day passes to the second in ONE change set, made with the
posting machinery: the new leads by ``assign_many``, which ends the old lead on that day; the
assists, which no lead ends, ended by the same change set (the second unit assists there from
then on, unless it already leads or assists there). The first unit is retired from that day by
that change set. Nothing before the day changes: who guarded what then, the cases routed then and
the scores of the months before stay as they were; cases reported since the day are routed again,
as after any posting that starts in the past. The change set appears in the history
(/portal/change-sets) like any other, and reverting it gives the posts back and the unit with them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from geodata import clock
from geodata.assignments.postings import day_start, settle_reroute
from geodata.assignments.targets import Target, load_targets
from geodata.assignments.units import named_posts, posts_from, refuse_retired_twice, stale_unit
from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.model import COUNTY_TZ, Assignment, ChangeSet, County, Unit
from geodata.stores.store import Store

MAX_REASON = 500


@dataclass
class MergePlan:
    """What merging ``source`` into ``into`` from ``at`` moves: the source's posts in force then."""

    source: Unit
    into: Unit
    on: date
    at: datetime
    moving: list[Assignment]

    @property
    def leads(self) -> list[Assignment]:
        return [p for p in self.moving if p.role == "lead"]

    @property
    def assists(self) -> list[Assignment]:
        return [p for p in self.moving if p.role == "assist"]


@dataclass
class Merged:
    plan: MergePlan
    change_set: ChangeSet
    opened: list[Assignment]  # the second unit's new posts
    ended: int  # the first unit's posts the change set ended (leads and assists)
    rerouted: int = 0


def plan_merge(
    store: Store, county: County, source_id: int, into_code: str, on: date, seen_version: int
) -> MergePlan:
    """The merge of unit ``source_id`` (as it was at ``seen_version``) into the unit coded
    ``into_code`` from the day ``on``, checked and read without writing. Refused: into itself or
    a unit that does not exist (400, 404), from or into a retired unit (409), when the source
    changed since (409 StaleVersion), and when one of the source's posts starts or ends on or after
    that day (409 naming the day a merge may start from)."""
    source = store.get_unit(county.id, source_id)
    into = _into(store, county, into_code)
    if into.id == source.id:
        raise InvalidInput(
            f"不能把单位 {source.code} 并入它自己：请选择另一个单位",
            en=f"The unit {source.code} cannot be merged into itself: choose another unit",
            field="into",
        )
    refuse_retired_twice(source)
    if into.retired_at is not None:
        day = f"{into.retired_at.astimezone(COUNTY_TZ):%Y-%m-%d}"
        raise Conflict(
            f"单位 {into.code}（{into.name}）已于 {day} 撤销，不能并入：请选择在用的单位",
            en=f"The unit {into.code} ({into.name}) was retired on {day} and cannot take a merge: choose a unit in service",
            field="into",
        )
    if source.version != seen_version:
        raise stale_unit(source, seen_version)
    at = day_start(on)
    posts = posts_from(store, county, source, at)
    _refuse_later_changes(source, on, at, posts)
    return MergePlan(source, into, on, at, posts)


def _into(store: Store, county: County, code: str) -> Unit:
    if not code.strip():
        raise InvalidInput("请选择要并入的单位", en="Choose the unit to merge into", field="into")
    try:
        return store.get_unit_by_code(county.id, code)
    except NotFound:
        raise NotFound(
            f"没有编码为 {code[:40]!r} 的单位：请选择要并入的单位",
            en=f"There is no unit with the code {code[:40]!r}: choose the unit to merge into",
            field="into",
        ) from None


def _refuse_later_changes(source: Unit, on: date, at: datetime, posts: list[Assignment]) -> None:
    """Conflict when a post of ``source`` starts on or after ``at`` or ends after it: a change set
    from a later day touches its posts, and the merge's leads would start inside it (the posting
    rule: a lead never starts before a later lead). Names the first day a merge may start."""
    changes: list[tuple[date, int | None]] = []  # (the first day a merge may start, its change set)
    for p in posts:
        if p.valid_from >= at:
            changes.append((_local_day(p.valid_from) + timedelta(days=1), p.change_set_id))
        if p.valid_to is not None:
            end = p.valid_to.astimezone(COUNTY_TZ)
            changes.append(
                (end.date() + timedelta(days=0 if end == day_start(end.date()) else 1), p.closed_by)
            )
    if not changes:
        return
    earliest, change_set = max(changes, key=lambda c: c[0])
    by = f"（变更单 #{change_set}）" if change_set else ""
    by_en = f" (change set #{change_set})" if change_set else ""
    raise Conflict(
        f"单位 {source.code}（{source.name}）的责任在 {on} 之后还有调整{by}，不能自 {on} 起合并：合并日期最早为 {earliest}",
        en=f"The posts of unit {source.code} ({source.name}) change after {on}{by_en}, so it cannot be merged from "
        f"{on}: the earliest day a merge may start is {earliest}",
        field="on",
        earliest=earliest.isoformat(),
    )


def _local_day(at: datetime) -> date:
    return at.astimezone(COUNTY_TZ).date()


def check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写合并原因", en="A merge needs a reason", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"合并原因过长：最多 {MAX_REASON} 字",
            en=f"The reason is too long: at most {MAX_REASON} characters",
            field="reason",
        )
    return reason


def merge_units(
    store: Store, county: County, source_id: int, into_code: str, on: date, seen_version: int,
    author: str, reason: str, now: datetime | None = None,
) -> Merged:  # fmt: skip
    """Merge unit ``source_id`` into the unit coded ``into_code`` from the day ``on`` as one change
    set (see the module), refused as ``plan_merge`` says; then route again the cases since that
    day when it is past."""
    reason = check_reason(reason)
    now = now or clock.now()
    with store.transaction():
        store.map_version(lock=True)  # no other map edit commits in between: the plan holds
        plan = plan_merge(store, county, source_id, into_code, on, seen_version)
        targets = [Target(p.target_kind, p.target_id) for p in plan.moving]
        if targets:
            load_targets(store, county, targets, now, lock=True)
        cs = store.add_change_set(ChangeSet(county.id, author, reason, now))
        ended = store.close_assignments(county.id, [p.id for p in plan.assists], plan.at, cs.id)
        new = _new_posts(store, county, plan, cs.id)
        opened = store.assign_many(new) if new else []
        retired = store.save_unit(replace(plan.source, retired_at=plan.at, retired_by=cs.id), seen_version)
        if retired is None:
            raise stale_unit(store.get_unit(county.id, source_id), seen_version)
        owed = store.add_pending_reroute(county.id, plan.at, cs.id) if plan.at < now else None
    merged = Merged(replace(plan, source=retired), cs, opened, ended + len(plan.leads))
    merged.rerouted = settle_reroute(store, county, owed, plan.at)
    return merged


def _new_posts(store: Store, county: County, plan: MergePlan, change_set_id: int) -> list[Assignment]:
    """The second unit's posts: each lead of the first, with its person, phone and duties (三定);
    each assist where the second neither leads nor assists already."""
    held = {
        (a.target_kind, a.target_id)
        for a in store.assignments_at(county.id, plan.at)
        if a.unit_id == plan.into.id
    }
    out, seen = [], set()
    for p in plan.moving:
        key = (p.target_kind, p.target_id, p.role)
        if key in seen or (p.role == "assist" and key[:2] in held):
            continue
        seen.add(key)
        out.append(
            Assignment(county.id, plan.into.id, p.target_kind, p.target_id, p.role, plan.at, person=p.person,
                       phone=p.phone, duties=p.duties, change_set_id=change_set_id)
        )  # fmt: skip
    return out


def describe_plan(store: Store, county: County, plan: MergePlan) -> tuple[str, str]:
    """The posts a merge moves, a few named and the rest counted, in Chinese and in English."""
    return named_posts(store, county, plan.moving) if plan.moving else ("无", "none")
