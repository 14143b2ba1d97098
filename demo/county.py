"""The demo county 福田示范区 (440304), built from the real Futian streets by a seeded generator.

Same seed → same streets, communities, units, assignments, incidents and inspections (the demo
users' passwords are random each time). Everything is written in one transaction.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import shapely
from werkzeug.security import generate_password_hash

from demo.feedback import add_demo_feedback
from demo.handling import add_demo_handling
from demo.incidents import add_demo_incidents, add_demo_inspections, mark_working_categories
from demo.names import COMMUNITY_ANCHORS, COUNTY_CODE, COUNTY_NAME
from demo.notifications import add_demo_notifications
from demo.posts import AUTHOR, CST, DemoYear, add_demo_units, assign_demo_posts, demo_year
from geodata import audit, clock
from geodata.accounts import passwords
from geodata.assignments.routing import ROUTE_MAX_M
from geodata.audit import AuditFilter
from geodata.errors import Conflict
from geodata.geo.geometry import areas_m2, to_metric
from geodata.io.imports import create_county, import_streets, reading_order
from geodata.model import County, Segment, Unit, User, Zone
from geodata.stores.store import Store

DEMO_ROADS = Path(__file__).resolve().parents[2] / "shared" / "data" / "futian" / "futian_roads.geojson"
STEPS = (
    "streets",
    "communities",
    "units",
    "assignments",
    "incidents",
    "inspections",
    "users",
    "feedback",
    "handling",
    "notifications",
)
N_COMMUNITIES = 12
SEEDED = "demo.seed"  # the audit action of a seeding; its detail has the day the demo year ends
DEMO_USERS = (("admin", "admin"), ("leader", "leader"), ("staff", "unit_staff"), ("inspector", "inspector"))


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str


@dataclass
class DemoResult:
    """What the demo seeded: counts per table, the users with their passwords, the gaps left."""

    county: County
    counts: dict[str, int]
    users: list[DemoUser]
    unguarded: list[str] = field(default_factory=list)
    seconds: float = 0.0
    year: DemoYear | None = None

    @property
    def passwords(self) -> dict[str, str]:
        return {u.username: u.password for u in self.users}

    def lines(self) -> list[str]:
        out = [f"{self.county.name} ({self.county.code}) seeded in {self.seconds:.1f} s:"]
        if self.year:
            start, end = self.year.start.astimezone(CST), self.year.end.astimezone(CST)
            out.append(f"  its year: {start:%Y-%m-%d} to {end:%Y-%m-%d %H:%M} (county time)")
        out += [f"  {table}: {n}" for table, n in self.counts.items()]
        out.append(f"  left unguarded on purpose: {', '.join(self.unguarded)}")
        return out


def seed_demo(
    store: Store,
    seed: int = 42,
    n_incidents: int = 60_000,
    progress: Callable[[str], None] | bool | None = None,
    roads_path: str | Path = DEMO_ROADS,
    max_m: float = ROUTE_MAX_M,
    now: datetime | None = None,
) -> DemoResult:
    """Build the demo county in one transaction, its year ending ``now`` (default: the portal's
    clock); ``progress`` is told each step's name (``True`` prints them)."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    year = demo_year(now)
    step = _stepper(progress)
    with store.transaction():
        step("streets")
        _refuse_second_demo(store)
        create_county(store, COUNTY_CODE, COUNTY_NAME)
        import_streets(store, COUNTY_CODE, roads_path)
        county = store.get_county(COUNTY_CODE)
        segments = store.list_segments(county.id)
        step("communities")
        communities = add_demo_communities(store, county, segments, rng)
        step("units")
        units = add_demo_units(store, county, communities, rng)
        step("assignments")
        unguarded = assign_demo_posts(store, county, communities, segments, units, rng, year)
        step("incidents")
        mark_working_categories(store)
        add_demo_incidents(store, county, segments, rng, n_incidents, max_m, year)
        step("inspections")
        add_demo_inspections(store, county, communities, segments, rng, year)
        step("users")
        users = add_demo_users(store, county, units)
        step("feedback")
        add_demo_feedback(store, county, rng, year.end)
        step("handling")
        add_demo_handling(store, county, rng, year.end)
        step("notifications")
        add_demo_notifications(store, county, units["CGJ"].id, year.end)
        audit.record(store, AUTHOR, SEEDED, COUNTY_CODE, detail={"seed": seed, "ends": year.end.isoformat()})
    tables = ("unit", "zone", "segment", "assignment", "incident", "inspection")
    counts = {t: store.count(county.id, t) for t in tables}
    return DemoResult(county, counts, users, unguarded, time.perf_counter() - started, year)


def _stepper(progress: Callable[[str], None] | bool | None) -> Callable[[str], None]:
    if callable(progress):
        return progress
    if progress:
        return lambda name: print(f"  {name} …", flush=True)
    return lambda name: None


def _refuse_second_demo(store: Store) -> None:
    if any(c.code == COUNTY_CODE for c in store.list_counties()):
        raise Conflict(
            f"本数据库中已有演示县区 {COUNTY_CODE}；seed-demo --refresh 会在新数据库中重建它（旧库保留在旁）",
            en=f"The demo county {COUNTY_CODE} already exists in this database; "
            "seed-demo --refresh remakes it in a fresh database (the old one kept beside it)",
        )


def demo_ends(store: Store, now: datetime | None = None) -> date | None:
    """The day the demo's year ends when that is before today (a demo seeded on an earlier day,
    whose "this month" and, in a later month, "last month" lack data), else None (fresh, or no
    demo). The day is the one its seeding recorded in the audit log."""
    county = next((c for c in store.list_counties() if c.code == COUNTY_CODE), None)
    if county is None:
        return None
    seeded = store.list_audit_events(AuditFilter(action=SEEDED), limit=1)
    if seeded and "ends" in seeded[0].detail:
        ends = datetime.fromisoformat(seeded[0].detail["ends"]).astimezone(CST).date()
    else:  # seeded before the seeding was recorded: its newest case tells
        newest = store.list_incidents(county.id, limit=1, newest_first=True)
        if not newest:
            return None
        ends = newest[0].reported_at.astimezone(CST).date()
    return ends if ends < (now or clock.now()).astimezone(CST).date() else None


def add_demo_communities(
    store: Store, county: County, segments: list[Segment], rng: np.random.Generator
) -> list[Zone]:
    """About twelve communities grown from the street blocks, named after real streets in them."""
    polygons = derive_communities([s.geom for s in segments], county.utm_epsg, rng)
    names = _names_by_anchor(polygons, segments)
    order = reading_order(np.asarray(polygons, dtype=object))
    zones = [
        Zone(county.id, "community", f"{county.code}001{n + 1:03d}", names[i], polygons[i])
        for n, i in enumerate(order)
    ]
    return store.add_zones(zones)


def derive_communities(lines: list, epsg: int, rng: np.random.Generator, k: int = N_COMMUNITIES) -> list:
    """Polygonize the streets into blocks and grow ``k`` contiguous groups of neighbouring blocks
    from well-spread seeds, the smallest group growing first; return each group's outline.

    Only the main connected network is used: pockets of street that touch it nowhere are left
    out, and a block enclosed by a community (an unconnected loop) becomes part of it."""
    blocks = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(lines))))
    blocks = np.asarray(blocks, dtype=object)
    adjacency = _neighbours(blocks)
    main = _largest_component(adjacency)
    blocks = blocks[main]
    adjacency = _neighbours(blocks)
    areas = areas_m2(blocks, epsg)
    centres = shapely.get_coordinates(to_metric(shapely.point_on_surface(blocks), epsg))
    seeds = _spread_seeds(centres, areas, k, rng)
    owner = _grow(adjacency, areas, centres, seeds)
    unions = [shapely.union_all(blocks[owner == g]) for g in range(len(seeds))]
    return [shapely.Polygon(u.exterior) if u.geom_type == "Polygon" else u for u in unions]


def _neighbours(blocks: np.ndarray) -> list[list[int]]:
    """For each block, the blocks sharing a stretch of street with it (a corner is not enough)."""
    left, right = shapely.STRtree(blocks).query(blocks, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    edges = shapely.intersection(shapely.boundary(blocks[left]), shapely.boundary(blocks[right]))
    shared = shapely.length(edges) > 0
    adjacency: list[list[int]] = [[] for _ in blocks]
    for a, b in zip(left[shared], right[shared], strict=True):
        adjacency[a].append(int(b))
        adjacency[b].append(int(a))
    return adjacency


def _largest_component(adjacency: list[list[int]]) -> np.ndarray:
    """Indices of the blocks in the largest group of blocks connected by shared streets."""
    label = np.full(len(adjacency), -1)
    for start in range(len(adjacency)):
        if label[start] >= 0:
            continue
        label[start], stack = start, [start]
        while stack:
            for b in adjacency[stack.pop()]:
                if label[b] < 0:
                    label[b] = start
                    stack.append(b)
    return np.flatnonzero(label == np.bincount(label).argmax())


def _spread_seeds(centres: np.ndarray, areas: np.ndarray, k: int, rng: np.random.Generator) -> list[int]:
    """The blocks nearest the centres of an area-weighted k-means of the blocks (k-means++ start
    drawn from ``rng``), so the seeds are spread over the county and away from its edge."""
    weights = areas / areas.sum()
    chosen = [int(rng.choice(len(centres), p=weights))]
    for _ in range(k - 1):
        gap2 = np.min(((centres[:, None] - centres[chosen][None]) ** 2).sum(axis=2), axis=1)
        chosen.append(int(rng.choice(len(centres), p=gap2 * weights / (gap2 * weights).sum())))
    means = centres[chosen].copy()
    for _ in range(25):
        label = np.argmin(((centres[:, None] - means[None]) ** 2).sum(axis=2), axis=1)
        for j in range(k):
            if (label == j).any():
                means[j] = np.average(centres[label == j], axis=0, weights=areas[label == j])
    seeds: list[int] = []
    for mean in means:
        order = np.argsort(((centres - mean) ** 2).sum(axis=1), kind="stable")
        seeds.append(int(next(b for b in order if b not in seeds)))
    return seeds


def _grow(adjacency: list[list[int]], areas: np.ndarray, centres: np.ndarray, seeds: list[int]) -> np.ndarray:
    """Owner group of every block: the smallest group takes its neighbouring block nearest its
    seed, until no group can grow; blocks reached by no group join the nearest seed's group."""
    owner = np.full(len(areas), -1)
    owner[seeds] = np.arange(len(seeds))
    frontier = [set(adjacency[s]) for s in seeds]
    heap = [(float(areas[s]), g) for g, s in enumerate(seeds)]
    while heap:
        area, g = heapq.heappop(heap)
        frontier[g] = {b for b in frontier[g] if owner[b] < 0}
        if not frontier[g]:
            continue
        candidates = np.asarray(sorted(frontier[g]))
        block = int(candidates[np.argmin(np.linalg.norm(centres[candidates] - centres[seeds[g]], axis=1))])
        owner[block] = g
        frontier[g] |= {b for b in adjacency[block] if owner[b] < 0}
        heapq.heappush(heap, (area + float(areas[block]), g))
    for b in np.flatnonzero(owner < 0):
        owner[b] = int(np.argmin(np.linalg.norm(centres[seeds] - centres[b], axis=1)))
    return owner


def _names_by_anchor(polygons: list, segments: list[Segment]) -> list[str]:
    """Give each community the name whose anchor street is nearest, nearest pairs first."""
    anchors = []
    for name, street in COMMUNITY_ANCHORS:
        geoms = [s.geom for s in segments if s.name == street]
        if geoms:
            anchors.append((name, shapely.union_all(geoms).centroid))
    points = shapely.point_on_surface(np.asarray(polygons, dtype=object))
    gaps = shapely.distance(points[:, None], np.asarray([a[1] for a in anchors])[None, :])
    names = [""] * len(polygons)
    for flat in np.argsort(gaps, axis=None, kind="stable"):
        i, j = divmod(int(flat), len(anchors))
        if not names[i] and anchors[j][0] not in names:
            names[i] = anchors[j][0]
    return [n or f"第{i + 1}社区" for i, n in enumerate(names)]


def add_demo_users(store: Store, county: County, units: dict[str, Unit]) -> list[DemoUser]:
    """One user per role, each with a fresh random password (printed once by the CLI); the
    inspector belongs to the patrol panel (督查科)."""
    users = []
    for username, role in DEMO_USERS:
        password = passwords.generate()  # passes the policy: the printed one is the one to use
        unit_id = units["CGJ"].id if role == "unit_staff" else None
        panel = "patrol" if role == "inspector" else None  # the inspector patrols for 督查科
        store.add_user(
            User(username, generate_password_hash(password), role, county.id, unit_id, panel=panel)
        )
        users.append(DemoUser(username, role, password))
    return users
