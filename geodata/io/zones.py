"""Polygons into zones (社区、村、街道、楼院、单元网格): read, check each row, refuse overlaps with
others of the kind, number them by DESIGN §10, store. ``check_zone_rows`` is the checking alone,
which the upload page's preview (geodata/io/preview.py) shows before anything is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geodata.errors import InvalidGeometry, InvalidInput
from geodata.geo.geometry import POLYGONAL, areas_m2, to_metric, utm_epsg_for
from geodata.io.read import (
    ImportSummary,
    ensure_extent,
    read_frame,
    refusal_message,
    refusal_message_zh,
    refused_lines,
    require_field,
    resolve_county,
    row_label,
    row_problems,
    text_column,
)
from geodata.io.reasons import Reason, both, no_value, row_label_zh, skipped_line
from geodata.labels import ZONE_KIND_ZH
from geodata.mapedit.zone_topology import MAX_NEW_OVERLAP_M2
from geodata.model import COMMUNITY_KINDS, INNER_ZONE_KINDS, ZONE_KINDS, County, Zone
from geodata.stores.store import Store

SLIVER_M = 0.1  # an overlap thinner than this everywhere is rounding, not a second zone
SUBDISTRICT_NONE = "001"  # DESIGN §10: a county with no subdistrict level uses 001

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Overlap:
    """A new zone overlapping a stored one of its kind, or another new one: ``text`` names both
    (as the refusal does), ``reason`` is what the later row of the two is refused for."""

    row: int
    text: Reason
    reason: Reason
    rows: tuple[int, ...]  # the new rows in it: one, or both of two new ones


@dataclass
class ZoneRows:
    """A zone file's rows as checked: names, labels, geometries (repaired where allowed), repair
    notes, row → Reason for the rows that cannot be stored, and the overlaps among the others."""

    names: list[str]
    labels: list[str]
    geoms: np.ndarray
    repaired: list[str] = field(default_factory=list)
    problems: dict[int, str] = field(default_factory=dict)
    overlaps: list[Overlap] = field(default_factory=list)


def check_kind(kind: str) -> None:
    if kind not in ZONE_KINDS:
        choices = "、".join(f"{k}（{ZONE_KIND_ZH[k]}）" for k in ZONE_KINDS)
        raise InvalidInput(
            f"未知的区域类型 {kind!r}：可选 {choices}",
            en=f"Unknown zone kind {kind!r}: choose {', '.join(ZONE_KINDS)}",
            field="kind",
        )


def check_zone_rows(
    store: Store, county: County, kind: str, frame: gpd.GeoDataFrame, name_field: str, source: str
) -> ZoneRows:
    """Every row's faults (no name, its geometry) and the overlaps of the sound ones; nothing written."""
    require_field(frame, name_field, source, "--name-field")
    names = text_column(frame, name_field)
    labels = [row_label(i, n) for i, n in enumerate(names)]
    geoms, repaired, problems = row_problems(frame.geometry.values, POLYGONAL, county.extent, labels)
    for i, name in enumerate(names):
        if not name:
            problems[i] = both(problems.get(i), no_value(name_field))
    rows = ZoneRows(names, labels, geoms, repaired, problems)
    sound = np.asarray([i for i in range(len(geoms)) if i not in problems], dtype=np.int64)
    if len(sound):
        rows.overlaps = _overlaps(store, county, kind, rows, sound)
    return rows


def import_zones(
    store: Store,
    county: str | County,
    path: str | Path,
    kind: str,
    name_field: str | None = None,
    crs=None,
    progress: Progress | None = None,
    allow_overlap: bool = False,
    skip_refused: bool = False,
) -> ImportSummary:
    """Import polygons as zones of ``kind``, each checked and (within 0.1 % of area) repaired.

    Zones of one kind tile the county: a polygon overlapping another of the file or a stored zone
    of the kind by more than MAX_NEW_OVERLAP_M2 (as the map editor allows) is refused, naming both,
    unless ``allow_overlap``, when the overlaps are reported. A grid cell's or a courtyard's parent
    is the community or village containing it; codes follow DESIGN §10 unless the file has a
    ``code`` field. A refused row refuses the file unless ``skip_refused``, when the others are
    stored (of two overlapping new rows, the later is the one left out)."""
    check_kind(kind)
    frame, _ = read_frame(path, crs)
    summary = ImportSummary(source=Path(path).name, layer=f"{kind} zones", read=len(frame))
    name_field = name_field or "name"
    require_field(frame, name_field, summary.source, "--name-field")
    if not skip_refused:
        _refuse_unnamed(frame, name_field, summary.source)
    with store.transaction():
        county = resolve_county(store, county)
        rows = check_zone_rows(store, county, kind, frame, name_field, summary.source)
        if rows.problems and not skip_refused:  # (no row lacks a name: refused above)
            refused = refused_lines(rows.labels, rows.problems)
            raise InvalidGeometry(
                refusal_message_zh(summary.source, summary.read, refused),
                en=refusal_message(summary.source, summary.read, refused),
                refused=refused,
            )
        summary.repaired = rows.repaired
        keep = _kept(rows, summary, allow_overlap, skip_refused, kind)
        county = ensure_extent(store, county, rows.geoms[keep])
        codes = text_column(frame, "code")
        zones = _zones(
            store, county, kind, [rows.names[i] for i in keep], rows.geoms[keep], [codes[i] for i in keep]
        )
        summary.stored = len(store.add_zones(zones))
    if progress:
        progress(summary.stored, summary.stored)
    return summary


def _refuse_unnamed(frame: gpd.GeoDataFrame, name_field: str, source: str) -> None:
    names = text_column(frame, name_field)
    unnamed = [f"{row_label(i)}: it has no {name_field!r}" for i, n in enumerate(names) if not n]
    if unnamed:
        raise InvalidInput(
            refusal_message_zh(source, len(frame), unnamed),
            en=refusal_message(source, len(frame), unnamed),
            refused=unnamed,
        )


def _kept(rows: ZoneRows, summary: ImportSummary, allow_overlap: bool, skip: bool, kind: str) -> np.ndarray:
    """The rows to store; the overlaps refused (unless allowed or skipped) or listed."""
    overlapping = {r for o in rows.overlaps for r in o.rows}
    texts = [o.text for o in rows.overlaps]
    if rows.overlaps and allow_overlap:
        summary.overlaps = texts
    elif rows.overlaps and not skip:
        raise InvalidInput(
            f"{summary.source}：{summary.read} 行中有 {len(overlapping)} 行与已有的{ZONE_KIND_ZH[kind]}重叠，未保存任何数据：{'; '.join(texts)}（--allow-overlap 会保存并列出重叠）",
            en=f"{summary.source}: {len(overlapping)} of {summary.read} rows overlap {kind} zones, nothing stored: "
            f"{'; '.join(texts)} (--allow-overlap stores them and lists the overlaps)",
            refused=texts,
        )
    refused = dict(rows.problems)
    if not allow_overlap:
        for o in rows.overlaps:
            refused[o.row] = both(refused.get(o.row), o.reason)
    if refused:
        summary.skipped.append(skipped_line(refused_lines(rows.labels, refused), summary.read))
    keep = np.asarray([i for i in range(len(rows.geoms)) if i not in refused], dtype=np.int64)
    if not len(keep):
        raise InvalidGeometry(
            f"{summary.source}：{summary.read} 行全部被拒绝，没有可保存的区域",
            en=f"{summary.source}: all {summary.read} rows were refused; there is no zone to store",
        )
    return keep


def _overlaps(store: Store, county: County, kind: str, rows: ZoneRows, sound: np.ndarray) -> list[Overlap]:
    """Each overlap over MAX_NEW_OVERLAP_M2 of a sound new zone with a stored zone of ``kind`` or
    with another new one, as ``row 3 (景田社区) overlaps 香蜜湖社区 by 1,234 m²``. A hairline along a
    shared edge (thinner than SLIVER_M: coordinates rounded in a file) is no overlap, whatever its area."""
    stored = store.list_zones(county.id, kind=kind)
    geoms = rows.geoms[sound]
    if county.utm_epsg is not None:
        epsg = county.utm_epsg
    else:  # a county's first zones: measured where they lie, nothing written (a preview writes nothing)
        centre = shapely.convex_hull(shapely.geometrycollections(list(geoms))).centroid
        epsg = utm_epsg_for(centre.x, centre.y)
    new = to_metric(geoms, epsg)
    everything = np.concatenate([new, to_metric(np.array([z.geom for z in stored], dtype=object), epsg)])
    kind_zh = ZONE_KIND_ZH[kind]
    found = []
    for i, j in shapely.STRtree(everything).query(new, predicate="intersects").T.tolist():
        if j <= i:  # itself, or a pair of new ones already seen the other way
            continue
        shared = shapely.intersection(new[i], everything[j])
        if shared.area <= MAX_NEW_OVERLAP_M2 or shapely.buffer(shared, -SLIVER_M / 2).is_empty:
            continue
        a, m2 = int(sound[i]), f"{shared.area:,.0f}"
        label, label_zh = rows.labels[a], row_label_zh(a, rows.names[a])
        if j < len(new):
            b = int(sound[j])
            other, other_zh = rows.labels[b], row_label_zh(b, rows.names[b])
            text = Reason(f"{label} overlaps {other} by {m2} m²", f"{label_zh} 与{other_zh}重叠 {m2} m²")
            reason = Reason(f"overlaps {label} by {m2} m²", f"与{label_zh}重叠 {m2} m²")
            found.append(Overlap(b, text, reason, (a, b)))
        else:
            z = stored[j - len(new)]
            other, other_zh = f"stored {kind} {z.name} ({z.code})", f"已有的{kind_zh} {z.name}（{z.code}）"
            text = Reason(f"{label} overlaps {other} by {m2} m²", f"{label_zh} 与{other_zh}重叠 {m2} m²")
            reason = Reason(f"overlaps {other} by {m2} m²", f"与{other_zh}重叠 {m2} m²")
            found.append(Overlap(a, text, reason, (a,)))
    return found


def _zones(
    store: Store, county: County, kind: str, names: list[str], geoms: np.ndarray, file_codes: list[str]
) -> list[Zone]:
    parents = _parents(store, county, geoms) if kind in INNER_ZONE_KINDS else [None] * len(geoms)
    codes = _zone_codes(store, county, kind, geoms, parents)
    codes = [f or c for f, c in zip(file_codes, codes, strict=True)]
    areas = areas_m2(geoms, county.utm_epsg)
    return [
        Zone(county.id, kind, code, name, geom, parent_id=parent.id if parent else None, area_m2=area)
        for code, name, geom, parent, area in zip(codes, names, geoms, parents, areas, strict=True)
    ]


def _parents(store: Store, county: County, geoms: np.ndarray) -> list[Zone | None]:
    """For each grid cell or courtyard, the community or village containing its representative point."""
    communities = store.list_zones(county.id, kind=COMMUNITY_KINDS)
    if not communities:
        return [None] * len(geoms)
    tree = shapely.STRtree([c.geom for c in communities])
    cell, found = tree.query(shapely.point_on_surface(geoms), predicate="within")
    parents: list[Zone | None] = [None] * len(geoms)
    for i, j in zip(cell, found, strict=True):
        parents[i] = parents[i] or communities[j]
    return parents


def _zone_codes(
    store: Store, county: County, kind: str, geoms: np.ndarray, parents: list[Zone | None]
) -> list[str]:
    """DESIGN §10 codes: county + subdistrict + community + cell, cells numbered west to east in
    rows from north to south, after those already stored under the same prefix. Villages are
    numbered with the communities (社区/村), courtyards with the cells of their parent, so that no
    two zones of one level share a code."""
    level = next((kinds for kinds in (COMMUNITY_KINDS, INNER_ZONE_KINDS) if kind in kinds), (kind,))
    taken = [z.code for z in store.list_zones(county.id, kind=level)]
    codes = [""] * len(geoms)
    seq: dict[str, int] = {}
    for i in reading_order(geoms):
        if kind == "subdistrict":
            prefix = county.code
        elif kind in COMMUNITY_KINDS:
            prefix = county.code + SUBDISTRICT_NONE
        else:
            prefix = parents[i].code if parents[i] else county.code + SUBDISTRICT_NONE + "000"
        if prefix not in seq:
            seq[prefix] = sum(1 for c in taken if c.startswith(prefix) and len(c) == len(prefix) + 3)
        seq[prefix] += 1
        codes[i] = f"{prefix}{seq[prefix]:03d}"
    return codes


def reading_order(geoms: np.ndarray) -> np.ndarray:
    """Indices of polygons in rows from north to south, west to east within a row."""
    bounds = shapely.bounds(geoms)
    centre = shapely.get_coordinates(shapely.point_on_surface(geoms))
    height = float(np.median(bounds[:, 3] - bounds[:, 1])) or 1.0
    row = np.floor((bounds[:, 3].max() - centre[:, 1]) / height)
    return np.lexsort((centre[:, 0], row))
