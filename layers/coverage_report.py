"""What the coverage analysis finds (覆盖缺口), as plain dataclasses that turn into JSON.

Every item carries its ``bbox`` (lon/lat) so a table row or a CLI line can open the place on the
map. Areas are m² and lengths metres, measured in the county's local metric CRS.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geodata.labels import STATUS_ZH, ZONE_KIND_ZH

# The gap kinds, in the order the report, the table page and the map legend list them.
GAP_KINDS = {
    "uncovered": "无社区覆盖的区域",
    "unguarded_zones": "无牵头单位的社区/网格",
    "unguarded_segments": "无牵头单位的路段",
    "overlaps": "同级区域重叠",
    "warnings": "牵头单位与所在社区无关的路段（提醒）",
    "unrouted_incidents": "近30天未派发到单位的问题",
}
ZONE_KIND_NAMES = ZONE_KIND_ZH
STATUS_NAMES = STATUS_ZH
JSON_DIGITS = 7  # ~1 cm of a degree: enough for a gap's outline, not more


@dataclass(frozen=True)
class UncoveredArea:
    """(a) A piece of the county that lies in no community."""

    geom: BaseGeometry  # EPSG:4326
    area_m2: float
    bbox: list[float]

    def to_dict(self) -> dict:
        rounded = shapely.transform(self.geom, lambda xy: np.round(xy, JSON_DIGITS))
        return {"area_m2": round(self.area_m2, 1), "bbox": self.bbox, "geometry": mapping(rounded)}


@dataclass(frozen=True)
class ZoneGap:
    """(b) A community or grid cell with no lead unit."""

    id: int
    kind: str
    code: str
    name: str
    area_m2: float
    bbox: list[float]

    def to_dict(self) -> dict:
        return {**asdict(self), "area_m2": round(self.area_m2, 1)}


@dataclass(frozen=True)
class SegmentGap:
    """(c) A road segment with no lead unit."""

    id: int
    name: str
    length_m: float
    bbox: list[float]
    communities: tuple[str, ...] = ()  # names of the communities it lies in

    def to_dict(self) -> dict:
        return {**asdict(self), "length_m": round(self.length_m, 1), "communities": list(self.communities)}


@dataclass(frozen=True)
class ZoneOverlap:
    """(d) Two zones of the same kind (or a community and a village) whose interiors overlap."""

    kind: str
    zone_ids: tuple[int, int]
    codes: tuple[str, str]
    names: tuple[str, str]
    area_m2: float
    bbox: list[float]  # of the overlapping part

    def to_dict(self) -> dict:
        out = asdict(self)
        out.update(zone_ids=list(self.zone_ids), codes=list(self.codes), names=list(self.names))
        return {**out, "area_m2": round(self.area_m2, 1)}


@dataclass(frozen=True)
class SegmentMismatch:
    """(e) A segment whose lead unit has no post in the community (or communities, on a border)
    where the segment's midpoint lies."""

    id: int
    name: str
    length_m: float
    unit_id: int
    unit_name: str
    communities: tuple[dict, ...]  # {"id", "code", "name"} of each community it lies in
    bbox: list[float]

    def to_dict(self) -> dict:
        out = asdict(self)
        out.update(communities=list(self.communities), length_m=round(self.length_m, 1))
        return out


@dataclass(frozen=True)
class UnroutedIncident:
    """(f) An incident that routing could give to nobody."""

    id: int
    category: str
    category_name: str
    status: str
    reported_at: datetime
    lon: float
    lat: float

    def to_dict(self) -> dict:
        return {**asdict(self), "reported_at": self.reported_at.isoformat()}


@dataclass
class CoverageReport:
    """Everything nobody guards in one county at one time (DESIGN §2 覆盖缺口, issue #3 part 3)."""

    county_code: str
    county_name: str
    at: datetime  # posts in force at this instant
    now: datetime  # incidents of the 30 days before this instant
    incidents_since: datetime
    area_source: str  # "boundary" (imported) or "extent" (hull of the county's data) or "none"
    county_area_m2: float
    uncovered: list[UncoveredArea] = field(default_factory=list)
    unguarded_zones: list[ZoneGap] = field(default_factory=list)
    unguarded_segments: list[SegmentGap] = field(default_factory=list)
    overlaps: list[ZoneOverlap] = field(default_factory=list)
    warnings: list[SegmentMismatch] = field(default_factory=list)
    unrouted_incidents: list[UnroutedIncident] = field(default_factory=list)

    @property
    def uncovered_m2(self) -> float:
        return float(sum(a.area_m2 for a in self.uncovered))

    @property
    def unguarded_km(self) -> float:
        return float(sum(s.length_m for s in self.unguarded_segments)) / 1000

    @property
    def overlap_m2(self) -> float:
        return float(sum(o.area_m2 for o in self.overlaps))

    @property
    def covered_share(self) -> float | None:
        """The share of the county area inside some community (None without a county area)."""
        if self.county_area_m2 <= 0:
            return None
        return round(1 - self.uncovered_m2 / self.county_area_m2, 4)

    def zone_gaps_by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for z in self.unguarded_zones:
            counts[z.kind] = counts.get(z.kind, 0) + 1
        return counts

    def segment_gap_groups(self) -> list[dict]:
        """The unguarded segments (c) gathered into roads: a named road is one group, unnamed
        lanes one group per community they lie in; most kilometres first."""
        groups: dict[tuple, dict] = {}
        for s in self.unguarded_segments:
            key = (s.name, ()) if s.name else ("", s.communities)
            g = groups.setdefault(
                key, {"name": s.name, "communities": list(s.communities), "segment_ids": [],
                      "length_m": 0.0, "bbox": list(s.bbox)},
            )  # fmt: skip
            _grow(g, s.id, s.length_m, s.bbox)
            g["communities"] += [c for c in s.communities if c not in g["communities"]]
        return sorted(groups.values(), key=lambda g: (-g["length_m"], g["name"]))

    def warning_groups(self) -> list[dict]:
        """The warnings (e) gathered by lead unit and community, most kilometres first: one line
        per "unit X leads N segments in community Y without a post there"."""
        groups: dict[tuple, dict] = {}
        for w in self.warnings:
            key = (w.unit_id, tuple(c["id"] for c in w.communities))
            g = groups.setdefault(
                key,
                {"unit_id": w.unit_id, "unit_name": w.unit_name, "communities": list(w.communities),
                 "segment_ids": [], "names": [], "length_m": 0.0, "bbox": list(w.bbox)},
            )  # fmt: skip
            _grow(g, w.id, w.length_m, w.bbox)
            if w.name and w.name not in g["names"]:
                g["names"].append(w.name)
        return sorted(groups.values(), key=lambda g: (-g["length_m"], g["unit_name"]))

    def summary(self) -> dict:
        """The figures a leader reads first."""
        return {
            "county_area_m2": round(self.county_area_m2, 1),
            "uncovered_m2": round(self.uncovered_m2, 1),
            "covered_share": self.covered_share,
            "uncovered_parts": len(self.uncovered),
            "unguarded_zones": len(self.unguarded_zones),
            "unguarded_zones_by_kind": self.zone_gaps_by_kind(),
            "unguarded_segments": len(self.unguarded_segments),
            "unguarded_km": round(self.unguarded_km, 3),
            "overlaps": len(self.overlaps),
            "overlap_m2": round(self.overlap_m2, 1),
            "warnings": len(self.warnings),
            "unrouted_incidents": len(self.unrouted_incidents),
        }

    def to_dict(self) -> dict:
        """The report as JSON-ready dicts and lists (GeoJSON geometries, ISO times)."""
        return {
            "county": {"code": self.county_code, "name": self.county_name},
            "at": self.at.isoformat(),
            "now": self.now.isoformat(),
            "incidents_since": self.incidents_since.isoformat(),
            "area_source": self.area_source,
            "summary": self.summary(),
            **{kind: [item.to_dict() for item in getattr(self, kind)] for kind in GAP_KINDS},
        }


def _grow(group: dict, segment_id: int, length_m: float, bbox: list[float]) -> None:
    """Add one segment to a group of segments: its id, its length, its box."""
    group["segment_ids"].append(segment_id)
    group["length_m"] += length_m
    box = group["bbox"]
    group["bbox"] = [min(box[0], bbox[0]), min(box[1], bbox[1]), max(box[2], bbox[2]), max(box[3], bbox[3])]
