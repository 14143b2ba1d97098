"""单位责任区 layer ("show my unit"): everything one unit guards at a time (its zones and road
segments, as lead or assist) inside a viewport, for the map to pick out in one colour."""

from __future__ import annotations

from datetime import datetime, timedelta

from geodata import clock
from geodata.assignments.postings import find_unit
from geodata.model import County
from geodata.stores.store import BBox, Store
from layers.geojson import collection, feature, for_display

NAME = "unit"
TITLE = "单位责任区"
SHOWN = False  # on when a unit is picked


def features(
    store: Store, county: County, bbox: BBox, zoom: int, at: datetime | None = None, unit: str | None = None
) -> dict:
    """The zones and segments ``unit`` (a unit code) guards at ``at`` inside ``bbox``; none without
    a unit. ``extent`` is the box of all it guards, for the map to go there."""
    if not unit:
        return collection([], layer=NAME, zoom=zoom, unit=None)
    at = at or clock.now()
    found = find_unit(store, county, unit)
    posts = store.unit_assignments(county.id, found.id, at, at + timedelta(microseconds=1))
    roles = {(a.target_kind, a.target_id): a.role for a in posts}
    zones = [z for z in store.list_zones(county.id, bbox=bbox) if ("zone", z.id) in roles]
    segments = [s for s in store.list_segments(county.id, bbox=bbox) if ("segment", s.id) in roles]
    zone_geoms = for_display([z.geom for z in zones], zoom, preserve_topology=True)
    line_geoms = for_display([s.geom for s in segments], zoom, preserve_topology=False)
    feats = [
        feature(g, {"target": "zone", "id": z.id, "name": z.name, "kind": z.kind, "role": roles[("zone", z.id)]})
        for z, g in zip(zones, zone_geoms, strict=True)
    ] + [
        feature(g, {"target": "segment", "id": s.id, "name": s.name, "role": roles[("segment", s.id)]})
        for s, g in zip(segments, line_geoms, strict=True)
    ]  # fmt: skip
    counts = {"zones": sum(k == "zone" for k, _ in roles), "segments": sum(k == "segment" for k, _ in roles)}
    return collection(feats, layer=NAME, zoom=zoom, unit={"code": found.code, "name": found.name, **counts})
