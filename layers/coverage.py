"""覆盖缺口: every place nobody guards, as a report (``coverage_report``) and as a map layer.

The report (issue #3 part 3); areas, lengths and distances are measured in the county's metric
CRS, while what covers or overlaps what is decided in lon/lat (see ``layers.coverage_checks``):

(a) ``uncovered`` — the county area that lies in no community (a village, 村, is a community
    here and below). The county area is the imported official boundary when there is one, else
    the county's extent (for the demo, the convex hull of its streets). Pieces under 1 m² are
    outline noise and are dropped.
(b) ``unguarded_zones`` — communities, courtyards and grid cells with no lead unit at ``at``.
    Subdistricts are an administrative level nobody is posted to, so they are not gaps.
(c) ``unguarded_segments`` — road segments with no lead unit at ``at``.
(d) ``overlaps`` — pairs of zones of the same kind whose interiors overlap by 1 m² or more (a
    community and a village are of one level: their overlaps count too).
(e) ``warnings`` — guarded segments whose lead unit has no post (lead or assist, at ``at``) in the
    community the segment lies in: neither on the community itself ("a unit of the community")
    nor on any zone inside it, such as its grid cells ("assigned there"). A segment lies in the
    communities within 0.5 m of its midpoint, so a street on a border lies in both neighbours
    and either one's units will do. Segments in no community are left to (a) and (c).
(f) ``unrouted_incidents`` — incidents reported in the 30 days before ``now`` that routing gave
    to no unit.

The layer face (``features``) draws (a), (b) and (c) for one viewport, each feature's ``gap``
property naming which.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import shapely

from geodata import clock
from geodata.geo.geometry import to_metric, utm_epsg_for
from geodata.mapedit.zone_topology import tiling_kinds
from geodata.model import (
    COMMUNITY_KINDS,
    INNER_ZONE_KINDS,
    ZONE_KINDS,
    County,
    Incident,
    Segment,
    Zone,
)
from geodata.stores.store import BBox, Store
from layers.coverage_checks import (
    bounds_list,
    containing,
    midpoints,
    overlap_pairs,
    uncovered_parts,
)
from layers.coverage_report import (
    CoverageReport,
    SegmentGap,
    SegmentMismatch,
    UncoveredArea,
    UnroutedIncident,
    ZoneGap,
    ZoneOverlap,
)
from layers.geojson import collection, feature, for_display

NAME = "coverage"
TITLE = "覆盖缺口"
SHOWN = False  # a layer a leader switches on when looking for gaps
GAP_COLOUR = "#d7191c"
GUARDED_ZONE_KINDS = COMMUNITY_KINDS + INNER_ZONE_KINDS
INCIDENT_WINDOW = timedelta(days=30)


@dataclass
class CountyData:
    """What the analysis reads from the store: one read per table, then no more queries."""

    county: County
    at: datetime
    now: datetime
    zones: list[Zone]
    segments: list[Segment]
    zone_leads: dict[int, int]
    segment_leads: dict[int, int]
    zone_units: dict[int, set[int]]  # zone id → units with a post on it or on a zone inside it
    unit_names: dict[int, str]
    incidents: list[Incident]  # reported in the window before ``now``
    category_names: dict[str, str]  # code → Chinese name, from the category table


def coverage_report(
    store: Store, county: County, at: datetime | None = None, now: datetime | None = None
) -> CoverageReport:
    """Everything nobody guards in ``county``: posts as they stand at ``at`` (default ``now``),
    incidents of the 30 days before ``now`` (default ``at``, else the present)."""
    return analyse(load(store, county, at, now))


def load(store: Store, county: County, at: datetime | None = None, now: datetime | None = None) -> CountyData:
    """Read the county's zones, segments, posts and recent incidents."""
    now = now or at or clock.now()
    at = at or now
    zones = store.list_zones(county.id)
    posts = store.assignments_at(county.id, at)
    leads = defaultdict(dict)
    for a in posts:
        if a.role == "lead":
            leads[a.target_kind][a.target_id] = a.unit_id
    incidents = store.list_incidents(county.id, since=now - INCIDENT_WINDOW, until=now, duplicates=False)
    return CountyData(
        county=county,
        at=at,
        now=now,
        zones=zones,
        segments=store.list_segments(county.id),
        zone_leads=leads["zone"],
        segment_leads=leads["segment"],
        zone_units=_zone_units(zones, [a for a in posts if a.target_kind == "zone"]),
        unit_names={u.id: u.name for u in store.list_units(county.id)},
        incidents=[i for i in incidents if i.unit_id is None],
        category_names={c.code: c.name_zh for c in store.list_categories()},
    )


def _zone_units(zones: list[Zone], zone_posts) -> dict[int, set[int]]:
    """For each zone, the units posted on it or on any zone inside it (its cells)."""
    parent = {z.id: z.parent_id for z in zones}
    units: dict[int, set[int]] = defaultdict(set)
    for post in zone_posts:
        zone_id, seen = post.target_id, set()
        while zone_id is not None and zone_id not in seen:
            units[zone_id].add(post.unit_id)
            seen.add(zone_id)
            zone_id = parent.get(zone_id)
    return units


def analyse(data: CountyData) -> CoverageReport:
    """The report for data already read: pure computation, no store."""
    county = data.county
    area, source = county_area(county)
    epsg = county.utm_epsg or _epsg_of(area, data.segments)
    zones = np.asarray([z.geom for z in data.zones], dtype=object)
    communities = np.array([z.kind in COMMUNITY_KINDS for z in data.zones], dtype=bool)
    report = CoverageReport(
        county_code=county.code,
        county_name=county.name,
        at=data.at,
        now=data.now,
        incidents_since=data.now - INCIDENT_WINDOW,
        area_source=source,
        county_area_m2=float(to_metric(area, epsg).area) if area is not None else 0.0,
    )
    report.uncovered = _uncovered(area, zones[communities], epsg)
    places = _Places(data, epsg, communities)
    report.unguarded_zones = _unguarded_zones(data)
    report.unguarded_segments = _unguarded_segments(data, places)
    report.overlaps = _overlaps(data.zones, zones, epsg)
    report.warnings = _mismatches(data, places)
    report.unrouted_incidents = [_unrouted(i, data.category_names) for i in data.incidents]
    return report


def county_area(county: County):
    """The area the communities should cover, and where it comes from."""
    if county.boundary is not None and not county.boundary.is_empty:
        return county.boundary, "boundary"
    if county.extent is not None and not county.extent.is_empty:
        return county.extent, "extent"
    return None, "none"


def _epsg_of(area, segments: list[Segment]) -> int:
    shape = area if area is not None else shapely.union_all([s.geom for s in segments])
    centre = shape.centroid if shape is not None and not shape.is_empty else shapely.Point(0, 0)
    return utm_epsg_for(centre.x, centre.y)


def _metric(geoms: list, epsg: int) -> np.ndarray:
    arr = np.asarray(geoms, dtype=object)
    return to_metric(arr, epsg) if arr.size else arr


def _uncovered(area, communities: np.ndarray, epsg: int) -> list[UncoveredArea]:
    parts, areas = uncovered_parts(area, communities, epsg)
    return [
        UncoveredArea(geom, float(a), box)
        for geom, a, box in zip(parts, areas.tolist(), bounds_list(parts), strict=True)
    ]


def _unguarded_zones(data: CountyData) -> list[ZoneGap]:
    gaps = [z for z in data.zones if z.kind in GUARDED_ZONE_KINDS and z.id not in data.zone_leads]
    return [
        ZoneGap(z.id, z.kind, z.code, z.name, float(z.area_m2 or 0.0), box)
        for z, box in zip(gaps, bounds_list([z.geom for z in gaps]), strict=True)
    ]


def _unguarded_segments(data: CountyData, places: _Places) -> list[SegmentGap]:
    gaps = [(i, s) for i, s in enumerate(data.segments) if s.id not in data.segment_leads]
    boxes = bounds_list([s.geom for _, s in gaps])
    return [
        SegmentGap(s.id, s.name, float(s.length_m or 0.0), box, tuple(z.name for z in places.of(i)))
        for (i, s), box in zip(gaps, boxes, strict=True)
    ]


def _overlaps(zones: list[Zone], geoms: np.ndarray, epsg: int) -> list[ZoneOverlap]:
    """Overlapping pairs within each kind of zone (communities and villages together), kind by kind;
    a pair is named by its first zone's kind."""
    out: list[ZoneOverlap] = []
    kinds = np.array([z.kind for z in zones], dtype=object)
    for level in dict.fromkeys(tiling_kinds(kind) for kind in ZONE_KINDS):
        idx = np.flatnonzero(np.isin(kinds, level))
        left, right, shapes, areas = overlap_pairs(geoms[idx], epsg)
        for i, j, a, box in zip(idx[left], idx[right], areas.tolist(), bounds_list(shapes), strict=True):
            za, zb = zones[i], zones[j]
            out.append(ZoneOverlap(za.kind, (za.id, zb.id), (za.code, zb.code), (za.name, zb.name), a, box))
    return out


class _Places:
    """Which communities each segment lies in: pairs (segment index, zone index), by segment."""

    def __init__(self, data: CountyData, epsg: int, communities: np.ndarray):
        self.zones = data.zones
        comm_idx = np.flatnonzero(communities)
        self.segment_at = self.zone_at = np.array([], dtype=np.int64)
        if len(data.segments) and comm_idx.size:
            segments_m = _metric([s.geom for s in data.segments], epsg)
            communities_m = _metric([data.zones[i].geom for i in comm_idx], epsg)
            self.segment_at, poly_at = containing(midpoints(segments_m), communities_m)
            self.zone_at = comm_idx[poly_at]
        everyone = np.arange(len(data.segments))
        self._start = np.searchsorted(self.segment_at, everyone, side="left")
        self._end = np.searchsorted(self.segment_at, everyone, side="right")

    def of(self, segment_index: int) -> list[Zone]:
        return [self.zones[z] for z in self.zone_at[self._start[segment_index] : self._end[segment_index]]]


def _mismatches(data: CountyData, places: _Places) -> list[SegmentMismatch]:
    """(e): guarded segments whose lead unit has no post in any community they lie in."""
    leads = np.array([data.segment_leads.get(s.id, -1) for s in data.segments], dtype=np.int64)
    span = max([*data.unit_names, *leads.tolist(), 0]) + 1
    where = {z.id: i for i, z in enumerate(data.zones)}
    posted = [where[z] * span + u for z, units in data.zone_units.items() if z in where for u in units]
    pair_ok = np.isin(places.zone_at * span + leads[places.segment_at], np.asarray(posted, dtype=np.int64))
    ok = np.zeros(len(data.segments), dtype=bool)
    np.logical_or.at(ok, places.segment_at, pair_ok)
    placed = np.zeros(len(data.segments), dtype=bool)
    placed[places.segment_at] = True
    warned = np.flatnonzero(placed & ~ok & (leads >= 0)).tolist()
    boxes = bounds_list([data.segments[i].geom for i in warned])
    return [
        _mismatch(data.segments[i], int(leads[i]), places.of(i), data.unit_names, box)
        for i, box in zip(warned, boxes, strict=True)
    ]


def _mismatch(segment: Segment, unit_id: int, zones: list[Zone], unit_names: dict, box) -> SegmentMismatch:
    return SegmentMismatch(
        id=segment.id,
        name=segment.name,
        length_m=float(segment.length_m or 0.0),
        unit_id=unit_id,
        unit_name=unit_names.get(unit_id, ""),
        communities=tuple({"id": z.id, "code": z.code, "name": z.name} for z in zones),
        bbox=box,
    )


def _unrouted(incident: Incident, category_names: dict[str, str]) -> UnroutedIncident:
    return UnroutedIncident(
        id=incident.id,
        category=incident.category,
        category_name=category_names.get(incident.category, incident.category),
        status=incident.status,
        reported_at=incident.reported_at,
        lon=round(incident.geom.x, 7),
        lat=round(incident.geom.y, 7),
    )


# -- the map layer ------------------------------------------------------------------------------
def features(store: Store, county: County, bbox: BBox, zoom: int, at: datetime | None = None) -> dict:
    """The gaps inside ``bbox`` at ``at`` (default now): uncovered area, communities and cells
    with no lead unit, segments with no lead unit; each feature's ``gap`` says which."""
    at = at or clock.now()
    zones = store.list_zones(county.id, bbox=bbox)
    segments = store.list_segments(county.id, bbox=bbox)
    zone_leads = store.lead_units(county.id, "zone", [z.id for z in zones], [at] * len(zones))
    segment_leads = store.lead_units(county.id, "segment", [s.id for s in segments], [at] * len(segments))
    open_zones = [
        z for z, lead in zip(zones, zone_leads, strict=True) if lead is None and z.kind in GUARDED_ZONE_KINDS
    ]
    open_segments = [s for s, lead in zip(segments, segment_leads, strict=True) if lead is None]
    communities = [z.geom for z in zones if z.kind in COMMUNITY_KINDS]
    uncovered = _uncovered_in_view(county, bbox, communities)
    feats = [
        *(feature(g, {"gap": "uncovered"}) for g in for_display(uncovered, zoom, True)),
        *(_zone_feature(z, g) for z, g in zip(open_zones, _display(open_zones, zoom, True), strict=True)),
        *(
            _segment_feature(s, g)
            for s, g in zip(open_segments, _display(open_segments, zoom, False), strict=True)
        ),
    ]
    return collection(
        feats,
        layer=NAME,
        zoom=zoom,
        uncovered=len(uncovered),
        unguarded_zones=len(open_zones),
        unguarded_segments=len(open_segments),
    )


def _uncovered_in_view(county: County, bbox: BBox, communities: list) -> list:
    """The pieces of the county area inside ``bbox`` that no community covers (lon/lat)."""
    area, _ = county_area(county)
    if area is None:
        return []
    in_view = shapely.intersection(area, shapely.box(*bbox))
    if in_view.is_empty:
        return []
    epsg = county.utm_epsg or _epsg_of(area, [])
    parts, _ = uncovered_parts(in_view, np.asarray(communities, dtype=object), epsg)
    return list(parts)


def _display(items: list, zoom: int, preserve_topology: bool) -> np.ndarray:
    return for_display([i.geom for i in items], zoom, preserve_topology)


def _zone_feature(zone: Zone, geom) -> dict:
    props = {"gap": "unguarded_zone", "id": zone.id, "kind": zone.kind, "code": zone.code, "name": zone.name}
    props["area_m2"] = round(zone.area_m2, 1) if zone.area_m2 is not None else None
    return feature(geom, props, f"zone:{zone.id}")


def _segment_feature(segment: Segment, geom) -> dict:
    props = {"gap": "unguarded_segment", "id": segment.id, "name": segment.name}
    props["length_m"] = round(segment.length_m, 1) if segment.length_m is not None else None
    return feature(geom, props, f"segment:{segment.id}")
