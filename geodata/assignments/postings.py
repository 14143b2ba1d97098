"""Assigning units to zones and road segments (分兵把口), as change sets, and asking who guarded what.

Dates a person types ("3 March") are calendar days in the county's clock, China Standard Time; a
day runs from 00:00 to 24:00 there. Every change is one change set, applied in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
import shapely

from geodata import clock
from geodata.assignments.routing import ROUTE_MAX_M, route_incidents
from geodata.assignments.targets import Target, load_targets, refuse_stale
from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.model import COMMUNITY_KINDS, COUNTY_TZ, ROLES, Assignment, ChangeSet, County, Unit
from geodata.stores.store import Store

REROUTE_BATCH = 5_000  # incidents routed at a time, without the write lock
REROUTE_WRITE = 500  # routes stored a transaction: under a second of write lock on SQLite


def day_start(day: date) -> datetime:
    """00:00 of a calendar day in the county's clock."""
    return datetime.combine(day, time(0), COUNTY_TZ)


def day_span(day: date) -> tuple[datetime, datetime]:
    """[00:00, next day's 00:00) of a calendar day in the county's clock."""
    return day_start(day), day_start(day + timedelta(days=1))


def month_span(month: str) -> tuple[datetime, datetime]:
    """[first day 00:00, next month's first day 00:00) of a 'YYYY-MM' month."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise InvalidInput(
            f"月份 {month!r} 格式有误，应为 YYYY-MM",
            en=f"The month {month!r} is not in the form YYYY-MM",
            field="month",
        ) from None
    if (
        not 2000 <= first.year <= 2100
    ):  # the portal's dates (webmap/views/params.py); 9999-12 has no next month
        raise InvalidInput(
            f"月份 {month!r} 应在 2000-01 至 2100-12 之间",
            en=f"The month {month!r} must be between 2000-01 and 2100-12",
            field="month",
        )
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day_start(first), day_start(following)


@dataclass
class Posting:
    """What a leader asks for: a unit, its role and post (三定) on some targets, from a date."""

    unit_code: str
    role: str
    targets: Sequence[Target]
    valid_from: datetime
    author: str
    reason: str
    person: str = ""
    phone: str = ""
    duties: tuple[str, ...] = ()
    geom: object | None = None  # a drawn selection, kept in the change set
    # The version of each target the editor saw; a change built on an older one is refused.
    versions: dict[Target, int] = field(default_factory=dict)


@dataclass
class Applied:
    change_set: ChangeSet
    assignments: list[Assignment]
    rerouted: int = 0
    versions: dict[Target, int] = field(default_factory=dict)  # each target's version after it


def find_unit(store: Store, county: County, code: str) -> Unit:
    try:
        return store.get_unit_by_code(county.id, code)
    except NotFound:
        raise NotFound(
            f"县区 {county.code} 中没有单位 {code!r}",
            en=f"Unknown unit {code!r} in county {county.code}",
            field="unit",
        ) from None


def refuse_retired(unit: Unit) -> Unit:
    """``unit`` when it is in service; Conflict naming it when it is retired (or to be): a
    retired unit is given no new post, case, user or API key (geodata/assignments/units.py)."""
    if unit.retired_at is not None:
        day = f"{unit.retired_at.astimezone(COUNTY_TZ):%Y-%m-%d}"
        raise Conflict(
            f"单位 {unit.code}（{unit.name}）已于 {day} 撤销，不再分配新的责任、案件、账号或密钥",
            en=f"The unit {unit.code} ({unit.name}) was retired on {day}: it takes no new post, case, user or key",
            field="unit",
        )
    return unit


def apply_posting(store: Store, county: County, posting: Posting, now: datetime | None = None) -> Applied:
    """Open the posting's assignments as one change set; a lead closes the one before it. When
    the posting starts in the past (a correction), incidents since then are routed again.

    The targets are locked first, so a target some other change touched since the editor saw it
    (``posting.versions``) is refused with StaleVersion listing them, and nothing is written."""
    check_posting(posting, category_codes(store))
    now = now or clock.now()
    with store.transaction():
        unit = refuse_retired(find_unit(store, county, posting.unit_code))
        current = load_targets(store, county, posting.targets, now, lock=True)
        refuse_stale(current, posting.versions)
        cs = store.add_change_set(ChangeSet(county.id, posting.author, posting.reason, now, posting.geom))
        made = store.assign_many([
            Assignment(county.id, unit.id, t.kind, t.id, posting.role, posting.valid_from,
                       person=posting.person, phone=posting.phone, duties=tuple(posting.duties),
                       change_set_id=cs.id)
            for t in posting.targets
        ])  # fmt: skip
        # Read again now the map's lock is held (the writes took it): a retirement that committed
        # meanwhile is seen, and refuses the posting.
        refuse_retired(store.get_unit(county.id, unit.id))
        owed = (
            store.add_pending_reroute(county.id, posting.valid_from, cs.id)
            if posting.valid_from < now
            else None
        )
    # The targets stayed locked until the commit, so each was bumped exactly once, by this change.
    versions = {t: info.version + 1 for t, info in current.items()}
    return Applied(cs, made, settle_reroute(store, county, owed, posting.valid_from), versions)


def category_codes(store: Store) -> list[str]:
    """The codes of the category table (the only list of categories), in its order."""
    return [c.code for c in store.list_categories()]


def check_posting(posting: Posting, categories: Collection[str], need_reason: bool = True) -> None:
    """Refuse a posting whose role, duties (codes of ``categories``), targets or reason are wrong."""
    if posting.role not in ROLES:
        raise InvalidInput(
            f"未知的责任类型 {posting.role!r}：可选 lead（牵头）或 assist（联系）",
            en=f"Unknown role {posting.role!r}: choose lead or assist",
            field="role",
        )
    unknown = [d for d in posting.duties if d not in categories]
    if unknown:
        raise InvalidInput(
            f"未知的责任类别 {', '.join(unknown)}：可选 {', '.join(categories)}",
            en=f"Unknown duty categories {', '.join(unknown)}: choose from {', '.join(categories)}",
            field="duties",
        )
    if not posting.targets:
        raise InvalidInput(
            "本次调整没有选中任何区域或路段", en="The posting selects no zone or segment", field="targets"
        )
    if need_reason and not posting.reason.strip():
        raise InvalidInput("请填写调整原因", en="A change needs a reason", field="reason")


def _check_targets(store: Store, county: County, targets: Sequence[Target]) -> None:
    for t in targets:
        if t.kind == "zone":
            store.get_zone(county.id, t.id)
        elif t.kind == "segment":
            store.get_segment(county.id, t.id)
        else:
            raise InvalidInput(
                f"未知的对象类型 {t.kind!r}：可选 zone（区域）或 segment（路段）",
                en=f"Unknown target kind {t.kind!r}: choose zone or segment",
                field="targets",
            )


def revert(store: Store, county: County, change_set_id: int, author: str, reason: str, now=None) -> Applied:
    """Undo a change set as a new one, then route again the incidents it had re-attributed."""
    now = now or clock.now()
    with store.transaction():
        opened = store.change_set_assignments(county.id, change_set_id)
        cs = store.revert_change_set(county.id, change_set_id, ChangeSet(county.id, author, reason, now))
        since = min((a.valid_from for a in opened), default=now)
        owed = store.add_pending_reroute(county.id, since, cs.id) if since < now else None
    return Applied(cs, [], settle_reroute(store, county, owed, since))


# -- selecting targets ---------------------------------------------------------------------------
def road_segments(store: Store, county: County, road: str) -> list[Target]:
    """Every segment of a named road (its 辅路 included)."""
    names = {road, f"{road}辅路"}
    found = [Target("segment", s.id) for s in store.list_segments(county.id) if s.name in names]
    if not found:
        raise NotFound(
            f"县区 {county.code} 中没有名为 {road!r} 的道路",
            en=f"No road named {road!r} in county {county.code}",
            field="road",
        )
    return found


def community_of(store: Store, county: County, code: str):
    """The community (or village) with this code or name."""
    try:
        return store.get_zone_by_code(county.id, COMMUNITY_KINDS, code)
    except NotFound:
        pass  # a name, then: they are not kept by name
    for zone in store.list_zones(county.id, kind=COMMUNITY_KINDS):
        if zone.name == code:
            return zone
    raise NotFound(
        f"县区 {county.code} 中没有社区 {code!r}",
        en=f"Unknown community {code!r} in county {county.code}",
        field="community",
    )


def community_cells(store: Store, county: County, code: str) -> list[Target]:
    community = community_of(store, county, code)
    cells = [z for z in store.list_zones(county.id, kind="grid") if z.parent_id == community.id]
    if not cells:
        raise NotFound(
            f"社区 {community.name} 尚未划分网格（请先运行 make-grid）",
            en=f"Community {community.name} has no grid cells yet (run make-grid)",
            field="community",
        )
    return [Target("zone", z.id) for z in cells]


def community_segments(store: Store, county: County, code: str) -> list[Target]:
    """Segments whose middle lies inside the community."""
    community = community_of(store, county, code)
    segments = store.list_segments(county.id, bbox=community.geom.bounds)
    middles = shapely.line_interpolate_point([s.geom for s in segments], 0.5, normalized=True)
    inside = shapely.covers(community.geom, middles) if segments else np.array([], dtype=bool)
    return [Target("segment", s.id) for s, keep in zip(segments, inside, strict=True) if keep]


# -- questions -----------------------------------------------------------------------------------
@dataclass
class Responsible:
    lead: Assignment | None
    assists: list[Assignment] = field(default_factory=list)


def responsible(store: Store, county: County, target: Target, at: datetime) -> Responsible:
    """Who led and who assisted on a target at a moment."""
    _check_targets(store, county, [target])
    rows = [a for a in store.assignments_at(county.id, at, target.kind) if a.target_id == target.id]
    lead = next((a for a in rows if a.role == "lead"), None)
    return Responsible(lead, [a for a in rows if a.role == "assist"])


def history(store: Store, county: County, target: Target) -> list[Assignment]:
    """Every assignment a target ever had, oldest first, reverted ones flagged."""
    _check_targets(store, county, [target])
    return store.assignments_of(county.id, target.kind, target.id)


@dataclass
class GuardedItem:
    target: Target
    name: str
    code: str
    role: str
    valid_from: datetime
    valid_to: datetime | None
    length_m: float | None = None
    area_m2: float | None = None


def guarded(
    store: Store, county: County, unit_code: str, since: datetime, until: datetime
) -> list[GuardedItem]:
    """Everything a unit guarded at some time in [since, until), with lengths and areas."""
    unit = find_unit(store, county, unit_code)
    items = []
    for a in store.unit_assignments(county.id, unit.id, since, until):
        if a.target_kind == "segment":
            s = store.get_segment(county.id, a.target_id)
            extra = {"name": s.name or "（无名路段）", "code": str(s.id), "length_m": s.length_m}
        else:
            z = store.get_zone(county.id, a.target_id)
            extra = {"name": z.name, "code": z.code, "area_m2": z.area_m2}
        items.append(GuardedItem(Target(a.target_kind, a.target_id), role=a.role, valid_from=a.valid_from,
                                 valid_to=a.valid_to, **extra))  # fmt: skip
    return items


def settle_reroute(store: Store, county: County, owed: int | None, since: datetime) -> int:
    """Pay a reroute a committed change recorded (``add_pending_reroute``) and strike it off."""
    if owed is None:
        return 0
    changed = reroute(store, county, since)
    store.drop_pending_reroute(owed)
    return changed


def settle_pending(store: Store, max_m: float = ROUTE_MAX_M) -> int:
    """Every reroute still owed (a process stopped between a change and its reroute)."""
    changed, counties = 0, {c.id: c for c in store.list_counties()}
    for owed, county_id, since in store.pending_reroutes():
        changed += reroute(store, counties[county_id], since, max_m)
        store.drop_pending_reroute(owed)
    return changed


def reroute(
    store: Store, county: County, since: datetime, max_m: float = ROUTE_MAX_M, batch: int = REROUTE_BATCH
) -> int:
    """Route again every incident reported since ``since``; store and count those whose
    responsible unit, zone or segment changed.

    Lock discipline (DESIGN §11): each batch is routed without the write lock, which is taken only
    to store the batch's changed routes; when the map (zones, segments, posts) changed in between,
    the batch is routed again under it, so no route made before a change overwrites one after."""
    changed = offset = 0
    while True:
        with store.read_transaction():
            seen = store.map_version()
            incidents = store.list_incidents(county.id, since=since, limit=batch, offset=offset)
            moved = _moved(store, incidents, max_m)
        for start in range(0, len(moved), REROUTE_WRITE):
            chunk = moved[start : start + REROUTE_WRITE]
            with store.transaction():
                if store.map_version(lock=True) != seen:
                    chunk = route_incidents(store, chunk, max_m)
                changed += store.reroute_incidents(chunk)
        if len(incidents) < batch:
            return changed
        offset += batch


def _moved(store: Store, incidents: list, max_m: float) -> list:
    """The incidents, routed again, whose zone, segment or unit is not the stored one."""
    return [
        new
        for old, new in zip(incidents, route_incidents(store, incidents, max_m), strict=True)
        if (old.unit_id, old.zone_id, old.segment_id) != (new.unit_id, new.zone_id, new.segment_id)
    ]
