"""What a split or merge of road segments must respect (geodata/mapedit/segments.py), as pure functions: where
a clicked point cuts a line, whether lines join end to end, and whether segments share one history
of assignments. Each refusal is a sentence in Chinese naming the segments and the numbers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import numpy as np
import shapely
from shapely.geometry import LineString, Point

from geodata.assignments.targets import UNNAMED_SEGMENT
from geodata.errors import Conflict, InvalidGeometry, InvalidInput
from geodata.geo.geometry import from_metric, metric_xy
from geodata.model import COUNTY_TZ, Assignment, Segment

SPLIT_MAX_M = 15.0  # a click farther than this from the segment is not meant for it
MIN_PIECE_M = 2.0  # neither piece of a cut may be shorter
VERTEX_EPS_M = 1e-6  # a cut this close to a vertex is made at the vertex
FOREVER = datetime.max.replace(tzinfo=UTC)


def label(segment: Segment) -> str:
    return f"#{segment.id}（{segment.name or UNNAMED_SEGMENT}）"


def label_en(segment: Segment) -> str:
    return f"#{segment.id} ({segment.name or 'unnamed'})"


def single_line(segment: Segment) -> LineString:
    """The segment's geometry as one LineString; InvalidGeometry when its parts do not join."""
    line = segment.geom
    if line.geom_type == "MultiLineString":
        line = shapely.line_merge(line)
    if line.geom_type != "LineString":
        raise InvalidGeometry(
            f"路段 {label(segment)}由不相连的几段线组成，无法切分",
            en=f"Road segment {label_en(segment)} is made of lines that do not join; it cannot be split",
            field="point",
        )
    return line


def cut_line(segment: Segment, point: Point, epsg: int) -> tuple[LineString, LineString, Point]:
    """The segment cut where ``point`` (lon/lat) projects onto it, measured in the county's metric
    CRS ``epsg``: (first part, the rest, the cut point). The original vertices are kept exactly, so
    the two parts share the cut point and join back into the original line."""
    lonlat = shapely.get_coordinates(single_line(segment))
    xy = metric_xy(lonlat, epsg)
    line_m = LineString(xy)
    click = Point(metric_xy(np.array([[point.x, point.y]]), epsg)[0])
    off_m = line_m.distance(click)
    if off_m > SPLIT_MAX_M:
        raise InvalidGeometry(
            f"切分点离路段 {label(segment)}有 {off_m:.1f} 米，超过 {SPLIT_MAX_M:g} 米：请点在路段上",
            en=f"The cut is {off_m:.1f} m from road segment {label_en(segment)}, more than {SPLIT_MAX_M:g} m: click on the segment",
            field="point",
        )
    along, total = line_m.project(click), line_m.length
    if min(along, total - along) < MIN_PIECE_M:
        raise InvalidGeometry(
            f"切分点离路段 {label(segment)}的端点太近：切出的两段分别长 {along:.1f} 米和 "
            f"{total - along:.1f} 米，每段至少 {MIN_PIECE_M:g} 米",
            en=f"The cut is too close to an end of road segment {label_en(segment)}: the pieces would be {along:.1f} m and {total - along:.1f} m long, each must be at least {MIN_PIECE_M:g} m",
            field="point",
        )
    walked = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    i = int(np.clip(np.searchsorted(walked, along, side="right") - 1, 0, len(xy) - 2))
    for vertex in (i, i + 1):
        if abs(walked[vertex] - along) < VERTEX_EPS_M:
            return LineString(lonlat[: vertex + 1]), LineString(lonlat[vertex:]), Point(lonlat[vertex])
    cut_xy = xy[i] + (xy[i + 1] - xy[i]) * (along - walked[i]) / (walked[i + 1] - walked[i])
    cut = from_metric(Point(cut_xy), epsg)
    return (
        LineString([*map(tuple, lonlat[: i + 1]), (cut.x, cut.y)]),
        LineString([(cut.x, cut.y), *map(tuple, lonlat[i + 1 :])]),
        cut,
    )


def merge_ids(ids: Sequence) -> list[int]:
    """Distinct segment ids, lowest first; InvalidInput unless there are at least two."""
    try:
        found = sorted({int(i) for i in ids if not isinstance(i, bool)})
    except (TypeError, ValueError):
        raise InvalidInput(
            "ids 应为路段编号列表，如 [12, 13]",
            en="ids must be a list of road segment ids, e.g. [12, 13]",
            field="ids",
        ) from None
    if len(found) < 2:
        raise InvalidInput(
            "合并至少需要两个不同的路段", en="Merging needs at least two different road segments", field="ids"
        )
    return found


def refuse_other_roads(segments: Sequence[Segment]) -> None:
    """InvalidInput naming the first segment whose road (name) is not the first one's."""
    first = segments[0]
    for s in segments[1:]:
        if s.name != first.name:
            raise InvalidInput(
                f"路段 {label(first)}与 {label(s)}不是同一条路，不能合并",
                en=f"Road segments {label_en(first)} and {label_en(s)} are not on the same road; they cannot be merged",
                field="ids",
            )


def joined(segments: Sequence[Segment]) -> LineString:
    """The segments joined end to end into one line running the way the first one runs;
    InvalidInput when they overlap or do not make one unbroken line."""
    for a_index, a in enumerate(segments):
        for b in segments[a_index + 1 :]:
            if shapely.relate_pattern(a.geom, b.geom, "1********"):
                raise InvalidInput(
                    f"路段 {label(a)}与 {label(b)}相互重叠，不能合并",
                    en=f"Road segments {label_en(a)} and {label_en(b)} overlap; they cannot be merged",
                    field="ids",
                )
    merged = shapely.line_merge(shapely.multilinestrings(shapely.get_parts([s.geom for s in segments])))
    if merged.geom_type != "LineString":
        if len(segments) == 2:
            a, b = segments
            message = f"路段 {label(a)}与 {label(b)}首尾不相接，不能合并：只能合并首尾相连的路段"
            en = (
                f"Road segments {label_en(a)} and {label_en(b)} do not meet end to end; they cannot be merged: "
                "only segments joined end to end can be"
            )
        else:
            names = "、".join(f"#{s.id}" for s in segments)
            message = f"路段 {names} 不能首尾相连成一条线，不能合并"
            en = f"Road segments {', '.join(f'#{s.id}' for s in segments)} do not join end to end into one line; they cannot be merged"
        raise InvalidInput(message, en=en, field="ids")
    start, end = shapely.get_coordinates(single_line(segments[0]))[[0, -1]]
    if merged.project(Point(start)) > merged.project(Point(end)):
        merged = shapely.reverse(merged)
    return merged


# -- one history ---------------------------------------------------------------------------------
Row = tuple[int, str, datetime, datetime | None]  # unit, role, valid_from, valid_to


def history_rows(assignments: Sequence[Assignment]) -> Counter[Row]:
    """What a target's history says, as rows that count: voided ones left out; person, phone and
    duties are not compared (the kept segment's are kept)."""
    return Counter((a.unit_id, a.role, a.valid_from, a.valid_to) for a in assignments if a.voided_by is None)


def refuse_other_history(
    first: Segment, first_rows: Counter[Row], other: Segment, other_rows: Counter[Row], units: Mapping
) -> None:
    """Conflict naming the first moment the two segments' lead (or, the lead agreeing, their
    assisting units) differ; nothing when their rows are the same."""
    if first_rows == other_rows:
        return
    differing = (first_rows - other_rows) + (other_rows - first_rows)
    moments = sorted({r[2] for r in differing} | {r[3] for r in differing if r[3] is not None})
    for at in moments:
        a, b = _state(first_rows, at), _state(other_rows, at)
        if a != b:
            day = at.astimezone(COUNTY_TZ).strftime("%Y-%m-%d")
            lead = a[0] != b[0]
            raise Conflict(
                f"路段 #{first.id} 与 #{other.id} 的责任记录不同：{day} 起 "
                f"{_say(first.id, a, lead, units)}，{_say(other.id, b, lead, units)}；"
                "请先将两段调整为相同的责任单位再合并",
                en=f"Road segments #{first.id} and #{other.id} have different assignments: from {day}, "
                f"{_say(first.id, a, lead, units, 'en')}, {_say(other.id, b, lead, units, 'en')}; "
                "give both segments the same responsible units before merging them",
            )
    raise Conflict(
        f"路段 #{first.id} 与 #{other.id} 的责任记录分段不同（#{first.id} 有 {sum(first_rows.values())} 条，"
        f"#{other.id} 有 {sum(other_rows.values())} 条）：请先将两段调整为相同的责任记录再合并",
        en=f"Road segments #{first.id} and #{other.id} have differently divided assignment histories (#{first.id} has {sum(first_rows.values())} records, #{other.id} has {sum(other_rows.values())}): make their assignments the same before merging them",
    )


def _state(rows: Counter[Row], at: datetime) -> tuple[int | None, tuple[int, ...]]:
    """(lead unit, assisting units) in force at ``at``."""
    now = [r for r in rows if r[2] <= at < (r[3] or FOREVER)]
    lead = next((r[0] for r in now if r[1] == "lead"), None)
    return lead, tuple(sorted(r[0] for r in now if r[1] == "assist"))


# How a segment's lead or assisting units at a moment are said, in Chinese and in English.
STATE_SAID = {
    "zh": {
        "unit": "单位 #{unit}",
        "led": "#{segment} 由 {lead} 牵头",
        "unled": "#{segment} 无牵头单位",
        "assisted": "#{segment} 的协助单位为 {assisting}",
        "unassisted": "#{segment} 无协助单位",
        "and": "、",
    },
    "en": {
        "unit": "unit #{unit}",
        "led": "#{segment} is led by {lead}",
        "unled": "#{segment} has no lead unit",
        "assisted": "#{segment} has the assisting units {assisting}",
        "unassisted": "#{segment} has no assisting unit",
        "and": ", ",
    },
}


def _say(segment_id: int, state: tuple, lead: bool, units: Mapping, lang: str = "zh") -> str:
    said = STATE_SAID[lang]

    def name(unit_id):
        unit = units.get(unit_id)
        return unit.name if unit else said["unit"].format(unit=unit_id)

    if lead and state[0] is not None:
        return said["led"].format(segment=segment_id, lead=name(state[0]))
    if lead:
        return said["unled"].format(segment=segment_id)
    if state[1]:
        return said["assisted"].format(
            segment=segment_id, assisting=said["and"].join(name(u) for u in state[1])
        )
    return said["unassisted"].format(segment=segment_id)
