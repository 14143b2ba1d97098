"""The public map (issue #8): the county's communities by tier and civilized title for everyone,
what a community's page tells a resident, and a search of communities and roads by name. A
village (村) is a community here: on the map, with a page, found by the search.

Everything that leaves this module is public. It never carries a person (an assignment's person
and phone, a reporter, a user), an exact score (only its grade band) or an internal note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import shapely
from shapely.geometry import mapping

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ, month_span
from geodata.errors import NotFound
from geodata.model import COMMUNITY_KINDS, TITLES, County, Zone
from geodata.scores.months import month_of
from geodata.stores.store import BBox, Store
from layers import roads
from layers.geojson import collection, feature, simplified
from layers.score_map import default_month
from layers.scores import grade, score_settings, target_scores

KINDS = COMMUNITY_KINDS
METRES_PER_DEGREE = 111_320.0
# About a metre: invisible on a phone at street zoom, and a fraction of the boundaries' bytes.
SIMPLIFY_DEG = 1.0 / METRES_PER_DEGREE
BBOX_DECIMALS = 6
MAX_RESULTS = 20
MIN_ROADS_ZOOM = 12  # below this a county's roads are a grey smear and megabytes on the wire
ROLE_ORDER = ("lead", "assist", "grid", "road")  # the community's own units, its cells', its roads'
RECENT_DAYS, MAX_RECENT = (
    90,
    10,
)  # residents' approved reports a community page lists  # a community's lead unit, its assisting units, its cells'


@dataclass(frozen=True)
class HeldTitle:
    title: str
    since: date | None  # the first award still in force; None for a title with no award recorded
    place: str | None = None  # the courtyard (楼院) in the community that holds it, if not the community


@dataclass(frozen=True)
class ScoreBand:
    """A grade and the range of scores it covers, as shown (the exact score stays internal)."""

    grade: str  # A | B | C
    low: float
    high: float


@dataclass(frozen=True)
class Guard:
    """A unit that guards a community, with the hotline it publishes."""

    name: str
    hotline: str
    role: str  # lead | assist | grid (leads one of its grid cells) | road (leads a road segment in it)


@dataclass(frozen=True)
class PublicCase:
    """A resident's report that staff approved, as the community page lists it."""

    id: int
    category_zh: str
    category_en: str
    reported_at: datetime
    status: str  # the case's status code (geodata.labels.STATUS)
    photo: str | None  # the public copy's name (no EXIF), if any


@dataclass
class CommunitySummary:
    code: str
    name: str
    tier: str | None
    titles: list[HeldTitle]
    month: str  # 'YYYY-MM', the last whole month: the band and the count are of it
    band: ScoreBand | None  # None: not scored that month
    guards: list[Guard]
    fixed: int  # cases closed in the community or its cells that month, duplicates left out
    geom: object = field(repr=False, default=None)
    reports: list[PublicCase] = field(default_factory=list)  # residents' approved reports, newest first
    # When ``month`` was not scored: the latest earlier month that was, and its band.
    latest: tuple[str, ScoreBand] | None = None
    kind: str = "community"  # or "village": the page names it so

    def as_dict(self) -> dict:
        """The summary as JSON-ready data, the boundary simplified like the map's."""
        (geom,) = simplified([self.geom], SIMPLIFY_DEG, preserve_topology=True)
        return {
            "code": self.code,
            "kind": self.kind,
            "name": self.name,
            "tier": self.tier,
            "titles": [
                {"title": t.title, "since": t.since and t.since.isoformat(), "place": t.place}
                for t in self.titles
            ],  # fmt: skip
            "month": self.month,
            "score_band": vars(self.band) if self.band else None,
            "latest_score_band": {"month": self.latest[0], **vars(self.latest[1])} if self.latest else None,
            "units": [vars(g) for g in self.guards],
            "fixed_last_month": self.fixed,
            "reports": [{**vars(r), "reported_at": r.reported_at.isoformat()} for r in self.reports],
            "bbox": rounded_bbox(self.geom.bounds),
            "geometry": mapping(geom),
        }


def community_features(store: Store, county: County) -> dict:
    """Every community of the county with its code, name, tier and titles, and nothing else."""
    zones = store.list_zones(county.id, kind=KINDS)
    geoms = simplified([z.geom for z in zones], SIMPLIFY_DEG, preserve_topology=True)
    return collection(
        (feature(g, _public(z)) for z, g in zip(zones, geoms, strict=True)), layer="communities"
    )


def _public(zone: Zone) -> dict:
    return {"code": zone.code, "name": zone.name, "tier": zone.tier, "titles": list(zone.titles)}


def road_features(store: Store, county: County, bbox: BBox, zoom: int) -> dict:
    """The roads of a viewport as names and lines only; none below ``MIN_ROADS_ZOOM``."""
    if zoom < MIN_ROADS_ZOOM:
        return collection([], layer=roads.NAME, zoom=zoom, min_zoom=MIN_ROADS_ZOOM)
    return roads.context_features(store, county, bbox, zoom)


def find_community(store: Store, county: County, code: str) -> Zone:
    """The community (or village) with this code; NotFound (in Chinese) for any other code or kind
    of zone."""
    try:
        return store.get_zone_by_code(county.id, KINDS, code)
    except NotFound:
        raise NotFound(
            f"没有编号为“{code}”的社区", en=f"There is no community with the code “{code}”", field="code"
        ) from None


def community_summary(
    store: Store, county: County, code: str, now: datetime | None = None
) -> CommunitySummary:
    """What a community's public page shows: tier, titles held and since when, last month's grade
    band, the units guarding it now with their hotlines, the problems fixed there last month and
    residents' recent reports."""
    now = now or clock.now()
    zone = find_community(store, county, code)
    month = default_month(now)
    since, until = month_span(month)
    fixed = store.count_incidents(
        county.id, zone_id=zone.id, closed_since=since, closed_until=until, duplicates=False
    )
    band = score_band(store, county, zone, since, until)
    return CommunitySummary(
        zone.code, zone.name, zone.tier, held_titles(store, county, zone, now), month, band,
        guards(store, county, zone, now), fixed, zone.geom, public_cases(store, county, zone, now),
        None if band else latest_band(store, county, zone, month), zone.kind,
    )  # fmt: skip


def latest_band(store: Store, county: County, zone: Zone, before: str) -> tuple[str, ScoreBand] | None:
    """The latest month before ``before`` in which the zone was inspected, with its band there."""
    inspected = store.list_inspections(county.id, "zone", zone.id)
    earlier = sorted(
        {m for i in inspected if (m := i.inspected_at.astimezone(COUNTY_TZ).strftime("%Y-%m")) < before}
    )
    if not earlier:
        return None
    band = score_band(store, county, zone, *month_span(earlier[-1]))
    return (earlier[-1], band) if band else None


def public_cases(store: Store, county: County, zone: Zone, now: datetime) -> list[PublicCase]:
    """Residents' reports in the community or its cells that staff approved (only an approved
    report is a case), of the last RECENT_DAYS, newest first; a repeat merged into another case
    is left out, as are internal categories."""
    categories = {c.code: c for c in store.list_categories() if c.public}
    found = store.list_incidents(
        county.id, zone_id=zone.id, source="public", since=now - timedelta(days=RECENT_DAYS),
        duplicates=False, newest_first=True, limit=MAX_RECENT,
    )  # fmt: skip
    out = []
    for case in found:
        if case.category not in categories:
            continue
        photos = store.list_photos(county.id, case.id)
        c = categories[case.category]
        out.append(PublicCase(case.id, c.name_zh, c.name_en, case.reported_at, case.status,
                              photos[0].public_name if photos else None))  # fmt: skip
    return out


def held_titles(store: Store, county: County, zone: Zone, now: datetime) -> list[HeldTitle]:
    """The titles a community holds today, each since its earliest award not withdrawn, then those
    its courtyards hold (文明楼院), each with the courtyard's name."""
    order = {t: i for i, t in enumerate(TITLES)}
    held = _held(store, county, zone, now.astimezone(COUNTY_TZ).date())
    courtyards = store.list_zones(county.id, kind="courtyard", bbox=zone.geom.bounds)
    for yard in sorted((z for z in courtyards if z.parent_id == zone.id), key=lambda z: z.code):
        held += [
            replace(h, place=yard.name) for h in _held(store, county, yard, now.astimezone(COUNTY_TZ).date())
        ]
    return sorted(held, key=lambda h: (h.place is not None, order.get(h.title, len(order)), h.title))


def _held(store: Store, county: County, zone: Zone, today: date) -> list[HeldTitle]:
    since: dict[str, date] = {}
    for award in store.list_titles(county.id, zone.id):
        withdrawn = award.withdrawn_on is not None and award.withdrawn_on <= today
        if award.awarded_on <= today and not withdrawn:
            since[award.title] = min(since.get(award.title, award.awarded_on), award.awarded_on)
    return [HeldTitle(t, since.get(t)) for t in set(since) | set(zone.titles)]


def score_band(
    store: Store, county: County, zone: Zone, since: datetime, until: datetime
) -> ScoreBand | None:
    """The grade band of the community's score in [since, until) (layers.scores), or None."""
    settings = score_settings(store, month_of(since))  # those in force in the month scored
    scored = target_scores(store, county, since, until, settings).get(("zone", zone.id))
    if scored is None:
        return None
    letter = grade(scored.score, settings)
    low, high = score_bands(settings)[letter]
    return ScoreBand(letter, low, high)


def score_bands(settings: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Each grade's lowest and highest score as a person reads them: 'B 75–89' when A starts at 90."""
    a, b = settings["grade_a_min"], settings["grade_b_min"]
    return {"A": (a, 100.0), "B": (b, _just_below(a)), "C": (0.0, _just_below(b))}


def _just_below(threshold: float) -> float:
    return threshold - 1 if float(threshold).is_integer() else round(threshold - 0.1, 1)


def guards(store: Store, county: County, zone: Zone, at: datetime) -> list[Guard]:
    """The community's lead and assisting units at ``at``, then the units leading its grid cells,
    then those leading road segments in it (包路段); a unit listed once, under its first role. Only the unit's public hotline: the person and phone
    of a post are staff-only."""
    cells = {
        z.id
        for z in store.list_zones(county.id, kind="grid", bbox=zone.geom.bounds)
        if z.parent_id == zone.id
    }
    segments = store.list_segments(county.id, bbox=zone.geom.bounds)
    inside = shapely.intersects(zone.geom, [s.geom for s in segments]) if segments else []
    roads_in = {s.id for s, hit in zip(segments, inside, strict=True) if hit}
    roles: dict[int, str] = {}
    for a in store.assignments_at(county.id, at):
        if a.target_kind == "zone" and a.target_id == zone.id:
            role = a.role
        elif a.target_kind == "zone" and a.target_id in cells and a.role == "lead":
            role = "grid"
        elif a.target_kind == "segment" and a.target_id in roads_in and a.role == "lead":
            role = "road"
        else:
            continue
        roles[a.unit_id] = min(roles.get(a.unit_id, role), role, key=ROLE_ORDER.index)
    units = {u.id: u for u in store.list_units(county.id)} if roles else {}
    found = [Guard(units[i].name, units[i].hotline, role) for i, role in roles.items()]
    return sorted(found, key=lambda g: (ROLE_ORDER.index(g.role), g.name))


def search(store: Store, county: County, q: str, limit: int = MAX_RESULTS) -> list[dict]:
    """Communities (by name or code) and roads (by name, all their segments together) matching
    ``q``, best first: exact names, then communities (what the public map is about), then names
    starting with ``q``, then shorter names."""
    q = q.strip().lower()
    if not q:
        return []
    found = [
        {"kind": z.kind, "name": z.name, "code": z.code, "bbox": rounded_bbox(z.geom.bounds)}
        for z in store.list_zones(county.id, kind=KINDS)
        if q in z.name.lower() or q == z.code.lower()
    ]
    lines = defaultdict(list)
    for segment in store.list_segments(county.id):
        name = segment.name.strip()
        if name and q in name.lower():
            lines[name].append(segment.geom)
    found += [
        {"kind": "road", "name": name, "code": None, "bbox": rounded_bbox(shapely.total_bounds(geoms))}
        for name, geoms in lines.items()
    ]

    def rank(item: dict) -> tuple:
        name = item["name"].lower()
        exact = name == q or item["code"] == q
        return (not exact, item["kind"] not in KINDS, not name.startswith(q), len(name), item["name"])

    return sorted(found, key=rank)[:limit]


def rounded_bbox(bounds) -> list[float]:
    return [round(float(v), BBOX_DECIMALS) for v in bounds]
