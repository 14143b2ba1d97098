"""Who is responsible for a point at a time (DESIGN §6), for one report or a million.

One implementation: a single report is a batch of one. Each step is one vectorised store call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from shapely.geometry import Point

from geodata.model import Incident, Route
from geodata.stores.store import Store

ROUTE_MAX_M = 30.0


def route_points(
    store: Store,
    county_id: int,
    points: Sequence[Point],
    at: Sequence[datetime],
    max_m: float = ROUTE_MAX_M,
) -> list[Route]:
    """Route each point at its time: nearest segment within ``max_m``, finest zone containing it,
    the segment's lead unit then, else the zone's lead unit then, else nobody (a coverage gap)."""
    if len(points) != len(at):
        raise ValueError("route_points needs one time per point")
    if not points:
        return []
    nearest = store.nearest_segments(county_id, points, max_m)
    zone_ids = store.zones_at(county_id, points)
    segment_ids = [n[0] if n else None for n in nearest]
    segment_leads = store.lead_units(county_id, "segment", segment_ids, at)
    zone_leads = store.lead_units(county_id, "zone", zone_ids, at)
    return [
        Route(
            zone_id=zone_id,
            segment_id=near[0] if near else None,
            unit_id=seg_lead if seg_lead is not None else zone_lead,
            segment_distance_m=near[1] if near else None,
        )
        for near, zone_id, seg_lead, zone_lead in zip(
            nearest, zone_ids, segment_leads, zone_leads, strict=True
        )
    ]


def route_point(
    store: Store, county_id: int, point: Point, at: datetime, max_m: float = ROUTE_MAX_M
) -> Route:
    return route_points(store, county_id, [point], [at], max_m)[0]


def route_incidents(
    store: Store, incidents: Sequence[Incident], max_m: float = ROUTE_MAX_M
) -> list[Incident]:
    """Copies of ``incidents`` (all of one county) with zone, segment and unit filled in."""
    if not incidents:
        return []
    county_id = incidents[0].county_id
    if any(i.county_id != county_id for i in incidents):
        raise ValueError("route_incidents takes the incidents of one county at a time")
    routes = route_points(
        store, county_id, [i.geom for i in incidents], [i.reported_at for i in incidents], max_m
    )
    return [
        replace(i, zone_id=r.zone_id, segment_id=r.segment_id, unit_id=r.unit_id)
        for i, r in zip(incidents, routes, strict=True)
    ]


def add_routed_incidents(
    store: Store, incidents: Sequence[Incident], max_m: float = ROUTE_MAX_M, batch: int = 50_000
) -> int:
    """Route and store incidents in batches inside one transaction; return how many were stored."""
    stored = 0
    with store.transaction():
        for start in range(0, len(incidents), batch):
            stored += store.add_incidents(route_incidents(store, incidents[start : start + batch], max_m))
    return stored
