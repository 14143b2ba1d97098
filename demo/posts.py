"""The demo's responsible units and their posts (分兵把口): who leads and who assists where.

Communities are led by their own residents' committee (属地), which also guards the unnamed lanes
inside them (包社区); whole named roads go to one bureau (包路段); one community and a few roads are
left unguarded on purpose, so the coverage layer has gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from demo.names import (
    BUREAUS,
    COMMUNITY_ASSISTS,
    FIVE_RECTIFICATIONS,
    GIVEN,
    MAIN_ROAD_ASSIST,
    MAIN_ROAD_LEADS,
    ROAD_LEADS,
    SURNAMES,
)
from geodata import clock
from geodata.model import COUNTY_TZ, Assignment, ChangeSet, County, Segment, Unit, Zone
from geodata.stores.store import Store

CST = COUNTY_TZ  # China Standard Time: the county's clock


def month_start(months_ago: int, now: datetime | None = None) -> datetime:
    """Midnight in the county's clock on the first day of the month ``months_ago`` before ``now``'s."""
    local = (now or clock.now()).astimezone(CST)
    year, index = divmod(local.year * 12 + local.month - 1 - months_ago, 12)
    return datetime(year, index + 1, 1, tzinfo=CST)


@dataclass(frozen=True)
class DemoYear:
    """The demo's time: the twelve whole months before the month it is made in, and that month
    up to ``end``, the moment it is made. "Last month", which scores, reports and the public
    pages show first, is its last whole month, and this month has its first days' cases."""

    end: datetime

    @property
    def start(self) -> datetime:
        return month_start(12, self.end)

    @property
    def mid(self) -> datetime:
        return month_start(6, self.end)

    @property
    def this_month(self) -> datetime:
        return month_start(0, self.end)

    def month_day(self, month: int, day: int, hour: int = 10) -> datetime:
        """``hour`` o'clock local time on ``day`` of the ``month``-th month (0: the first)."""
        year, index = divmod(self.start.month - 1 + month, 12)
        return datetime(self.start.year + year, index + 1, day, hour, tzinfo=CST).astimezone(UTC)


def demo_year(now: datetime | None = None) -> DemoYear:
    """The demo year ending ``now`` (default: the portal's clock, geodata/clock.py)."""
    return DemoYear(now or clock.now())


MAIN_CLASSES = ("motorway", "trunk", "primary", "secondary")
N_UNGUARDED_ROADS = 3
AUTHOR = "创城办"


def person_name(rng: np.random.Generator) -> str:
    given = rng.integers(len(GIVEN), size=int(rng.integers(1, 3)))
    return SURNAMES[rng.integers(len(SURNAMES))] + "".join(GIVEN[g] for g in given)


def mobile(rng: np.random.Generator) -> str:
    return f"13{rng.integers(0, 10**9):09d}"


def hotline(rng: np.random.Generator) -> str:
    return f"0755-8{rng.integers(0, 10**7):07d}"


def add_demo_units(
    store: Store, county: County, communities: list[Zone], rng: np.random.Generator
) -> dict[str, Unit]:
    """The county bureaus and one residents' committee per community, by code."""
    units = [Unit(county.id, code, name, "bureau", hotline(rng)) for code, name, _ in BUREAUS]
    units += [
        Unit(county.id, committee_code(i), f"{zone.name}居委会", "community", hotline(rng))
        for i, zone in enumerate(communities)
    ]
    return {u.code: u for u in store.add_units(units)}


def committee_code(index: int) -> str:
    return f"JWH{index + 1:02d}"


def assign_demo_posts(
    store: Store,
    county: County,
    communities: list[Zone],
    segments: list[Segment],
    units: dict[str, Unit],
    rng: np.random.Generator,
    year: DemoYear,
) -> list[str]:
    """The initial plan and a mid-year change; return the names left unguarded on purpose."""
    plan = store.add_change_set(ChangeSet(county.id, AUTHOR, "初始分兵把口方案", year.start))
    poster = _Poster(store, county, plan.id, year.start, rng)
    unguarded_zone = int(rng.integers(len(communities)))
    for i, zone in enumerate(communities):
        if i != unguarded_zone:
            poster.post(units[committee_code(i)], "zone", [zone.id], "lead")
        poster.post(units[COMMUNITY_ASSISTS[i % len(COMMUNITY_ASSISTS)]], "zone", [zone.id], "assist")
    roads = named_roads(segments)
    quiet = sorted(name for name, (main, ids) in roads.items() if not main and len(ids) >= 3)
    unguarded = [str(n) for n in rng.choice(quiet, size=N_UNGUARDED_ROADS, replace=False)]
    main_leads = _assign_roads(poster, roads, units, set(unguarded))
    _assign_lanes(poster, communities, segments, units, skip=unguarded_zone)
    _mid_year_change(store, county, roads, units, main_leads, rng, year.mid)
    return [communities[unguarded_zone].name, *unguarded]


def named_roads(segments: list[Segment]) -> dict[str, tuple[bool, list[int]]]:
    """Named roads (a road and its 辅路 are one road), whether each is a main road, and its
    segments; in name order."""
    roads: dict[str, tuple[bool, list[int]]] = {}
    for s in segments:
        if not s.name:
            continue
        name = s.name.split("/")[0].removesuffix("辅路")
        main, ids = roads.get(name, (False, []))
        roads[name] = (main or s.highway.split("/")[0] in MAIN_CLASSES, ids + [s.id])
    return dict(sorted(roads.items()))


def _assign_roads(
    poster: _Poster, roads: dict[str, tuple[bool, list[int]]], units: dict[str, Unit], skip: set[str]
) -> dict[str, str]:
    """Whole roads to one lead bureau each, main roads with an assisting one; return the main
    roads' leads."""
    main_leads: dict[str, str] = {}
    n_main = n_other = 0
    for name, (main, ids) in roads.items():
        if name in skip:
            continue
        if main:
            lead = MAIN_ROAD_LEADS[n_main % len(MAIN_ROAD_LEADS)]
            n_main += 1
            main_leads[name] = lead
            poster.post(units[MAIN_ROAD_ASSIST], "segment", ids, "assist")
        else:
            lead = ROAD_LEADS[n_other % len(ROAD_LEADS)]
            n_other += 1
        poster.post(units[lead], "segment", ids, "lead")
    return main_leads


def _assign_lanes(poster: _Poster, communities, segments, units, skip: int) -> None:
    """Unnamed lanes to the committee of the community holding their middle; lanes outside every
    community, or in the unguarded one, stay unguarded."""
    lanes = [s for s in segments if not s.name]
    middles = [s.geom.interpolate(0.5, normalized=True) for s in lanes]
    where = poster.store.zones_at(poster.county.id, middles)
    index = {zone.id: i for i, zone in enumerate(communities)}
    by_community: dict[int, list[int]] = {}
    for lane, zone_id in zip(lanes, where, strict=True):
        if zone_id in index and index[zone_id] != skip:
            by_community.setdefault(index[zone_id], []).append(lane.id)
    for i, ids in sorted(by_community.items()):
        poster.post(units[committee_code(i)], "segment", ids, "lead")


def _mid_year_change(store, county, roads, units, main_leads, rng, mid: datetime) -> None:
    """One main road passes from the traffic police to city management at mid-year, so the
    history of a post has two rows."""
    road = next((name for name, lead in main_leads.items() if lead == "JJDD"), None)
    if road is None:
        return
    reason = f"年中调整：{road}改由{units['CGJ'].name}牵头"
    change = store.add_change_set(ChangeSet(county.id, AUTHOR, reason, mid))
    _Poster(store, county, change.id, mid, rng).post(units["CGJ"], "segment", roads[road][1], "lead")


class _Poster:
    """Writes the assignments of one change set, one named person per unit and post."""

    def __init__(self, store: Store, county: County, change_set_id: int, valid_from, rng):
        self.store, self.county, self.change_set_id = store, county, change_set_id
        self.valid_from, self.rng = valid_from, rng
        self.duties = {code: duties for code, _, duties in BUREAUS}

    def post(self, unit: Unit, kind: str, target_ids: list[int], role: str) -> None:
        person, phone = person_name(self.rng), mobile(self.rng)
        duties = self.duties.get(unit.code, FIVE_RECTIFICATIONS)
        self.store.assign_many([
            Assignment(self.county.id, unit.id, kind, target_id, role, self.valid_from, person=person,
                       phone=phone, duties=duties, change_set_id=self.change_set_id)
            for target_id in target_ids
        ])  # fmt: skip
