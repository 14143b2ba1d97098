"""Splitting and merging road segments (issue #7): cut a segment where a leader clicked, each piece
keeping the original's whole history of assignments; join pieces of one road that share one
history back into one segment. Each edit is one change set in one transaction: the segments are
locked first (the map's version row before them, as every map edit does), a version the editor saw
that is no longer current is refused with StaleVersion, and a refusal writes nothing.

Inspections stay with the original id when it is split: a score was given to the whole segment and
cannot be shared out; the original keeps its id, its first part and so its inspections. Incidents
follow the point: those now nearer the new piece move to it (their unit stays, both pieces having
the same history)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
import shapely
from shapely.geometry import Point

from geodata import clock
from geodata.assignments.targets import Target, load_targets, refuse_stale
from geodata.errors import InvalidInput
from geodata.geo.geometry import to_metric
from geodata.mapedit.segment_rules import (
    cut_line,
    history_rows,
    joined,
    merge_ids,
    refuse_other_history,
    refuse_other_roads,
)
from geodata.model import ChangeSet, County, Segment
from geodata.stores.store import Store


@dataclass
class Split:
    change_set: ChangeSet
    kept: Segment  # the original id, now its first part (version bumped)
    new: Segment  # the rest, with a copy of the original's whole history
    moved_incidents: int  # incidents now nearer the new piece, moved to it
    copied_assignments: int


@dataclass
class Merge:
    change_set: ChangeSet
    segment: Segment  # the lowest id, now the whole line (version bumped)
    removed: list[int]  # the ids merged into it, deleted
    moved_incidents: int
    moved_inspections: int


def split_segment(
    store: Store,
    county: County,
    segment_id: int,
    point: Point | Sequence[float],
    author: str,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Split:
    """Cut segment ``segment_id`` where ``point`` (lon/lat) projects onto it. The original keeps
    its id and the part before the cut; a new segment (same name, class and source id) gets the
    rest and a copy of every assignment row of the original. InvalidGeometry for a point more than
    SPLIT_MAX_M from the segment or a piece shorter than MIN_PIECE_M; StaleVersion when
    ``version`` is not the segment's current one."""
    click = _point(point)
    reason = _reason(reason)
    now = now or clock.now()
    target = Target("segment", int(segment_id))
    with store.transaction():
        current = load_targets(store, county, [target], now, lock=True)
        refuse_stale(current, {} if version is None else {target: version})
        (segment,) = store.get_targets(county.id, "segment", [target.id])
        epsg = store.county_epsg(county.id)
        first, rest, cut = cut_line(segment, click, epsg)
        cs = store.add_change_set(ChangeSet(county.id, author, reason, now, cut))
        kept = store.update_segment(replace(segment, geom=first))
        (new,) = store.add_segments(
            [Segment(county.id, segment.name, rest, segment.highway, source_id=segment.source_id)]
        )
        copied = store.copy_assignments(county.id, "segment", segment.id, new.id)
        moved = _move_nearer_incidents(store, county, kept, new, epsg)
    return Split(cs, kept, new, moved, copied)


def merge_segments(
    store: Store,
    county: County,
    ids: Sequence[int],
    author: str,
    reason: str,
    versions: Mapping[int, int] | None = None,
    now: datetime | None = None,
) -> Merge:
    """Join segments of one road (same name) that meet end to end and share one history (the same
    units in the same roles over the same periods, voided rows aside) into the lowest id: it takes
    the joined line, the others' incidents and inspections; the others are deleted, their
    assignment rows voided by the merge. InvalidInput or Conflict naming what differs; StaleVersion when a version in
    ``versions`` (segment id → version seen) is not current."""
    ids = merge_ids(ids)
    reason = _reason(reason)
    now = now or clock.now()
    seen = {Target("segment", int(i)): v for i, v in (versions or {}).items()}
    with store.transaction():
        current = load_targets(store, county, [Target("segment", i) for i in ids], now, lock=True)
        refuse_stale(current, seen)
        segments = store.get_targets(county.id, "segment", ids)
        refuse_other_roads(segments)
        line = joined(segments)
        _refuse_other_histories(store, county, segments)
        kept, others = segments[0], [s.id for s in segments[1:]]
        cs = store.add_change_set(ChangeSet(county.id, author, reason, now, line))
        cases = store.segment_incidents(county.id, others)
        moved = store.move_incidents(county.id, [c.id for c in cases], kept.id)
        inspections = store.move_inspections(county.id, others, kept.id)
        store.delete_segments(county.id, others, cs.id)
        segment = store.update_segment(replace(kept, geom=line))
    return Merge(cs, segment, others, moved, inspections)


def _refuse_other_histories(store: Store, county: County, segments: Sequence[Segment]) -> None:
    units = {u.id: u for u in store.list_units(county.id)}
    first = segments[0]
    first_rows = history_rows(store.assignments_of(county.id, "segment", first.id))
    for other in segments[1:]:
        other_rows = history_rows(store.assignments_of(county.id, "segment", other.id))
        refuse_other_history(first, first_rows, other, other_rows, units)


def _move_nearer_incidents(store: Store, county: County, kept: Segment, new: Segment, epsg: int) -> int:
    """Move to ``new`` the incidents of ``kept`` whose point is now nearer it (measured in metres)."""
    cases = store.segment_incidents(county.id, [kept.id])
    if not cases:
        return 0
    points = to_metric(np.array([c.geom for c in cases], dtype=object), epsg)
    first, rest = to_metric(np.array([kept.geom, new.geom], dtype=object), epsg)
    nearer = shapely.distance(points, rest) < shapely.distance(points, first)
    return store.move_incidents(county.id, [c.id for c, n in zip(cases, nearer, strict=True) if n], new.id)


def _point(point: Point | Sequence[float]) -> Point:
    """A finite lon/lat point; InvalidInput naming the field otherwise."""
    if not isinstance(point, Point):
        coords = list(point) if isinstance(point, Sequence) and not isinstance(point, str) else []
        numeric = len(coords) == 2 and all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in coords
        )
        point = Point(coords) if numeric else Point()
    lon, lat = (point.x, point.y) if not point.is_empty else (float("nan"), float("nan"))
    if not (np.isfinite([lon, lat]).all() and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(
            "point 应为切分点的 [经度, 纬度]，如 [114.05, 22.54]",
            en="point must be the [longitude, latitude] of the cut, e.g. [114.05, 22.54]",
            field="point",
        )
    return Point(lon, lat)


def _reason(reason: str) -> str:
    if not str(reason or "").strip():
        raise InvalidInput("请填写调整原因", en="Please give the reason for the change", field="reason")
    return str(reason).strip()
