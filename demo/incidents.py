"""A year of demo incidents and inspections over the real streets, from a seeded generator.

Incidents cluster around invented markets, schools and busy junctions on real streets, line the
main roads, and are scattered thinly everywhere else; each category has its own places.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import shapely

from demo import cases as demo_cases
from demo.names import FIVE_RECTIFICATIONS, SPOTS
from demo.posts import MAIN_CLASSES, DemoYear, person_name
from geodata.assignments.routing import route_incidents
from geodata.cases.deadlines import deadline
from geodata.cases.holidays import county_calendar, span_for
from geodata.geo.geometry import from_metric, to_metric
from geodata.model import County, Incident, Inspection, Segment, Zone
from geodata.stores.store import Store

CODES = FIVE_RECTIFICATIONS  # in this order for MIX
# Category mix per kind of place, in CODES order.
MIX = {
    "market": (0.10, 0.45, 0.05, 0.05, 0.35),
    "school": (0.25, 0.15, 0.45, 0.05, 0.10),
    "hub": (0.20, 0.10, 0.35, 0.25, 0.10),
    "main": (0.10, 0.10, 0.35, 0.30, 0.15),
    "any": (0.25, 0.15, 0.20, 0.10, 0.30),
}
SHARE = {"spots": 0.45, "main": 0.30, "any": 0.25}
SPOT_WEIGHT = {"market": 3.0, "school": 2.0, "hub": 2.0}
SPOT_SPREAD_M, MAIN_SPREAD_M, ANY_SPREAD_M = 40.0, 6.0, 10.0
# Reports by local hour: few at night, a morning and an evening peak.
HOURLY = np.array([1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 7, 6, 6, 7, 8, 9, 10, 10, 8, 6, 4, 2, 1], float)
SOURCES = (("inspector", 0.55), ("public", 0.25), ("video", 0.15), ("superior", 0.05))
# The demo county counts deadlines of a day or more in working hours (office hours of working
# days, its holiday calendar skipped); the shorter, urgent ones (parking 2 h, street vending and
# manhole covers 4 h) in the clock's hours.
WORKING_FROM_HOURS = 24
# The demo's inspector account (demo/county.py DEMO_USERS) reported the inspectors' cases of the
# last MINE_DAYS, so its field home (/field, 我的案件) has some of its own.
FIELD_INSPECTOR = "inspector"
MINE_DAYS = 7
SEGMENTS_INSPECTED_MONTHLY = 40
ROUTE_BATCH = 50_000


def add_demo_incidents(
    store: Store,
    county: County,
    segments: list[Segment],
    rng: np.random.Generator,
    n: int,
    max_m: float,
    year: DemoYear,
) -> int:
    """Generate ``n`` incidents over the demo year, route them, give each its category's
    deadline in the county's calendar and the life it has had by the year's end (demo/cases.py),
    and store them with their events."""
    categories = {c.code: c for c in store.list_categories()}
    names = {code: c.name_zh for code, c in categories.items()}
    longest = max(c.deadline_hours for c in categories.values())
    calendar = county_calendar(store, county.id, *span_for(year.start, year.end, longest))
    mine_since = year.end - timedelta(days=MINE_DAYS)
    incidents = [
        replace(i, deadline_at=deadline(i.reported_at, categories[i.category].deadline_hours,
                                        categories[i.category].deadline_kind, calendar),
                reporter=FIELD_INSPECTOR if i.source == "inspector" and i.reported_at >= mine_since else "")
        for i in generate_incidents(county, segments, rng, n, year, names)
    ]  # fmt: skip
    routed = [
        r
        for start in range(0, n, ROUTE_BATCH)
        for r in route_incidents(store, incidents[start : start + ROUTE_BATCH], max_m)
    ]
    units = {u.id: u for u in store.list_units(county.id)}
    lived, histories = demo_cases.live(routed, units, year.end, rng)
    with store.transaction():
        store.add_incidents(lived)
        stored = [i for batch in store.iter_incidents(county.id) for i in batch]
        if [i.reported_at for i in stored] != [i.reported_at for i in lived]:
            raise RuntimeError("the demo's incidents came back in another order")  # a fresh county only
        store.add_incident_events(demo_cases.events(stored, histories))
    return len(stored)


def mark_working_categories(store: Store) -> list[str]:
    """Count the deadlines of WORKING_FROM_HOURS or more in working hours (categories are the
    database's, so every county in it counts them so); the codes marked."""
    marked = [c.code for c in store.list_categories() if c.deadline_hours >= WORKING_FROM_HOURS]
    for code in marked:
        store.set_category_deadline_kind(code, "working")
    return marked


def generate_incidents(
    county: County,
    segments: list[Segment],
    rng: np.random.Generator,
    n: int,
    year: DemoYear,
    category_names: dict[str, str],
) -> list[Incident]:
    """``n`` incidents in report-time order (vectorised: points, categories, times, states)."""
    lines_m = to_metric(np.asarray([s.geom for s in segments], dtype=object), county.utm_epsg)
    names = np.asarray([s.name for s in segments], dtype=object)
    main = np.asarray([s.highway.split("/")[0] in MAIN_CLASSES for s in segments])
    n_spots, n_main, n_any = rng.multinomial(n, list(SHARE.values()))
    parts = [
        _around_spots(rng, lines_m, names, n_spots),
        _along(rng, lines_m[main], names[main], n_main, MAIN_SPREAD_M, "main"),
        _along(rng, lines_m, names, n_any, ANY_SPREAD_M, "any"),
    ]
    xy = np.concatenate([p[0] for p in parts])
    categories = np.concatenate([p[1] for p in parts])
    where = np.concatenate([p[2] for p in parts])
    points = from_metric(shapely.points(xy), county.utm_epsg)
    times = _report_times(rng, len(xy), year)
    sources = _pick(rng, SOURCES, len(xy))
    order = np.argsort(times, kind="stable")
    return [
        Incident(county.id, CODES[categories[i]], points[i], _at(year, times[i]), "filed",
                 f"{where[i]}{category_names[CODES[categories[i]]]}", sources[i])
        for i in order
    ]  # fmt: skip


def _around_spots(rng, lines_m, names, n) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points scattered round each spot, placed at the middle of a segment of its street."""
    spots = [(spot[0], spot[1], _spot_segment(rng, lines_m, names, *spot[2:])) for spot in SPOTS]
    spots = [s for s in spots if s[2] is not None]
    weights = np.asarray([SPOT_WEIGHT[kind] for _, kind, _ in spots])
    which = rng.choice(len(spots), size=n, p=weights / weights.sum())
    centres = shapely.get_coordinates(
        shapely.line_interpolate_point(lines_m[[s[2] for s in spots]], 0.5, normalized=True)
    )
    xy = centres[which] + rng.normal(0.0, SPOT_SPREAD_M, size=(n, 2))
    categories = np.empty(n, dtype=np.int64)
    for kind in SPOT_WEIGHT:
        here = np.isin(which, [i for i, s in enumerate(spots) if s[1] == kind])
        categories[here] = rng.choice(len(CODES), size=int(here.sum()), p=MIX[kind])
    where = np.asarray([f"{s[0]}附近" for s in spots], dtype=object)[which]
    return xy, categories, where


def _spot_segment(rng, lines_m, names, street: str, near: str | None = None) -> int | None:
    """The segment a spot sits on: of its street, the one nearest the street ``near`` if given,
    else one drawn at random; None when the street is missing."""
    ids = np.flatnonzero(names == street)
    if not len(ids):
        return None
    if near is None or not (names == near).any():
        return int(ids[rng.integers(len(ids))])
    target = shapely.union_all(lines_m[names == near])
    return int(ids[np.argmin(shapely.distance(lines_m[ids], target))])


def _along(rng, lines_m, names, n, spread_m, kind) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points along the given segments (longer segments get more), a few metres off the line."""
    lengths = shapely.length(lines_m)
    which = rng.choice(len(lines_m), size=n, p=lengths / lengths.sum())
    on_line = shapely.line_interpolate_point(lines_m[which], rng.random(n), normalized=True)
    xy = shapely.get_coordinates(on_line) + rng.normal(0.0, spread_m, size=(n, 2))
    categories = rng.choice(len(CODES), size=n, p=MIX[kind])
    where = np.where(names[which] == "", "无名道路", names[which]).astype(object)
    return xy, categories, where


def _report_times(rng: np.random.Generator, n: int, year: DemoYear) -> np.ndarray:
    """Seconds after the start of the year (local time), before its end: more in summer, mostly
    by day. A time of the last, unfinished day still to come moves to the day before."""
    seconds = (year.end - year.start).total_seconds()
    months = np.asarray(
        [(year.start + timedelta(days=d)).month for d in range(int(np.ceil(seconds / 86_400)))]
    )
    day_weight = 1.0 + 0.25 * np.sin(2 * np.pi * (months - 4) / 12)  # most in July
    days = rng.choice(len(months), size=n, p=day_weight / day_weight.sum())
    hours = rng.choice(24, size=n, p=HOURLY / HOURLY.sum())
    times = days * 86_400 + hours * 3_600 + rng.integers(0, 3_600, size=n)
    return np.where(times >= seconds, times - 86_400, times)


def _at(year: DemoYear, seconds: np.integer) -> datetime:
    return (year.start + timedelta(seconds=int(seconds))).astimezone(UTC)


def _pick(rng: np.random.Generator, choices, n: int) -> np.ndarray:
    values = np.asarray([c for c, _ in choices], dtype=object)
    weights = np.asarray([w for _, w in choices])
    return values[rng.choice(len(values), size=n, p=weights / weights.sum())]


def add_demo_inspections(
    store: Store,
    county: County,
    communities: list[Zone],
    segments: list[Segment],
    rng: np.random.Generator,
    year: DemoYear,
) -> int:
    """Monthly inspections: every community by the patrol (and each quarter by the NPC and CPPCC
    panels), and a sample of named segments, each on a day between the 3rd and the 25th; each
    scores the five categories out of 20. This month has those whose day has come."""
    quality = {("zone", z.id): rng.uniform(0.7, 0.95) for z in communities}
    named = [s for s in segments if s.name]
    inspectors = [f"督查科{person_name(rng)}" for _ in range(6)]
    rows = []
    for month in range(13):
        panels = ("patrol", "npc", "cppcc") if month % 3 == 2 else ("patrol",)
        targets = [("zone", z.id, p) for z in communities for p in panels]
        picked = rng.choice(len(named), size=min(SEGMENTS_INSPECTED_MONTHLY, len(named)), replace=False)
        targets += [("segment", named[i].id, "patrol") for i in sorted(picked)]
        for kind, target_id, panel in targets:
            if (kind, target_id) not in quality:
                quality[kind, target_id] = rng.uniform(0.65, 0.95)
            base = quality[kind, target_id]
            items = {c: round(float(20 * np.clip(base + rng.normal(0, 0.06), 0, 1)), 1) for c in CODES}
            who = inspectors[int(rng.integers(len(inspectors)))]
            at = year.month_day(month, int(rng.integers(3, 26)), int(rng.integers(9, 17)))
            if at <= year.end:
                rows.append(
                    Inspection(
                        county.id, kind, target_id, who, panel, at, round(sum(items.values()), 1), items
                    )
                )
    return store.add_inspections(rows)
