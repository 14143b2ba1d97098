"""Import and export (DESIGN §8): counties, streets, zones, units and incidents, each import one
transaction that stores everything or nothing.

The readers and row checks live in ``geodata.io.read``, streets in ``geodata.io.streets``, export in
``geodata.io.export``; this module is the one to import from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geodata.cases.holidays import load_national
from geodata.errors import Conflict, InvalidFile, InvalidInput, NotFound
from geodata.geo.geometry import POLYGONAL, areas_m2, to_metric, utm_epsg_for
from geodata.io.export import ExportSummary, export_layer
from geodata.io.incidents import import_incidents
from geodata.io.read import (
    ImportSummary,
    check_rows,
    ensure_extent,
    open_checked,
    read_frame,
    refusal_message,
    refusal_message_zh,
    require_field,
    resolve_county,
    row_label,
    text_column,
)
from geodata.io.streets import import_streets
from geodata.labels import ZONE_KIND_ZH
from geodata.mapedit.zone_topology import MAX_NEW_OVERLAP_M2
from geodata.model import COMMUNITY_KINDS, INNER_ZONE_KINDS, ZONE_KINDS, County, Unit, Zone
from geodata.stores.store import Store

SLIVER_M = 0.1  # an overlap thinner than this everywhere is rounding, not a second zone

__all__ = [
    "ExportSummary",
    "ImportSummary",
    "create_county",
    "export_layer",
    "import_incidents",
    "import_streets",
    "import_units",
    "import_zones",
]

Progress = Callable[[int, int | None], None]
SUBDISTRICT_NONE = "001"  # DESIGN §10: a county with no subdistrict level uses 001


def create_county(
    store: Store, code: str, name: str, boundary_path: str | Path | None = None, crs=None
) -> County:
    """Create a county (tenant) with its GB/T 2260 admin code and the national holiday calendar
    (geodata/cases/holidays_cn.py); its extent is the boundary's, or else comes from the first
    streets or zones imported into it."""
    code, name = str(code).strip(), str(name).strip()
    if not re.fullmatch(r"\d{6}", code):
        raise InvalidInput(
            f"县区编码 {code!r} 应为 6 位 GB/T 2260 行政区划代码，如 440304",
            en=f"County code {code!r} must be the 6-digit GB/T 2260 admin code, e.g. 440304",
            field="code",
        )
    if not name:
        raise InvalidInput("县区需要名称", en="The county needs a name", field="name")
    county = County(code=code, name=name)
    if boundary_path is not None:
        county = _with_boundary(county, boundary_path, crs)
    with store.transaction():
        if _county_exists(store, code):
            raise Conflict(f"县区 {code} 已存在", en=f"County {code} already exists", field="code")
        county = store.add_county(county)
        load_national(store, county.id)
        return county


def _county_exists(store: Store, code: str) -> bool:
    try:
        store.get_county(code)
    except NotFound:
        return False
    return True


def _with_boundary(county: County, path: str | Path, crs) -> County:
    frame, _ = read_frame(path, crs)
    labels = [row_label(i) for i in range(len(frame))]
    geoms, _ = check_rows(frame.geometry.values, POLYGONAL, None, labels, Path(path).name)
    boundary = shapely.union_all(geoms)
    centre = boundary.centroid
    county.boundary = county.extent = boundary
    county.utm_epsg = utm_epsg_for(centre.x, centre.y)
    return county


def import_zones(
    store: Store,
    county: str | County,
    path: str | Path,
    kind: str,
    name_field: str | None = None,
    crs=None,
    progress: Progress | None = None,
    allow_overlap: bool = False,
) -> ImportSummary:
    """Import polygons as zones of ``kind``, each checked and (within 0.1 % of area) repaired.

    Zones of one kind tile the county: a polygon overlapping another of the file or a stored zone
    of the kind by more than MAX_NEW_OVERLAP_M2 (as the map editor allows) is refused, naming both,
    unless ``allow_overlap``, when the overlaps are reported. A grid cell's or a courtyard's parent
    is the community or village containing it; codes follow DESIGN §10 unless the file has a
    ``code`` field."""
    if kind not in ZONE_KINDS:
        choices = "、".join(f"{k}（{ZONE_KIND_ZH[k]}）" for k in ZONE_KINDS)
        raise InvalidInput(
            f"未知的区域类型 {kind!r}：可选 {choices}",
            en=f"Unknown zone kind {kind!r}: choose {', '.join(ZONE_KINDS)}",
            field="kind",
        )
    frame, _ = read_frame(path, crs)
    summary = ImportSummary(source=Path(path).name, layer=f"{kind} zones", read=len(frame))
    name_field = name_field or "name"
    require_field(frame, name_field, summary.source, "--name-field")
    names = text_column(frame, name_field)
    labels = [row_label(i, n) for i, n in enumerate(names)]
    unnamed = [f"{labels[i]}: it has no {name_field!r}" for i, n in enumerate(names) if not n]
    if unnamed:
        raise InvalidInput(
            refusal_message_zh(summary.source, len(frame), unnamed),
            en=refusal_message(summary.source, len(frame), unnamed),
            refused=unnamed,
        )
    with store.transaction():
        county = resolve_county(store, county)
        geoms, summary.repaired = check_rows(
            frame.geometry.values, POLYGONAL, county.extent, labels, summary.source
        )
        county = ensure_extent(store, county, geoms)
        overlaps, rows = _overlaps(store, county, kind, labels, geoms)
        if overlaps and not allow_overlap:
            raise InvalidInput(
                f"{summary.source}：{len(frame)} 行中有 {rows} 行与已有的{ZONE_KIND_ZH[kind]}重叠，未保存任何数据：{'; '.join(overlaps)}（--allow-overlap 会保存并列出重叠）",
                en=f"{summary.source}: {rows} of {len(frame)} rows overlap {kind} zones, nothing stored: "
                f"{'; '.join(overlaps)} (--allow-overlap stores them and lists the overlaps)",
                refused=overlaps,
            )
        summary.overlaps = overlaps
        zones = _zones(store, county, kind, names, geoms, text_column(frame, "code"))
        summary.stored = len(store.add_zones(zones))
    if progress:
        progress(summary.stored, summary.stored)
    return summary


def _overlaps(
    store: Store, county: County, kind: str, labels: list[str], geoms: np.ndarray
) -> tuple[list[str], int]:
    """Each overlap over MAX_NEW_OVERLAP_M2 of a new zone with a stored zone of ``kind`` or with
    another new one, as ``row 3 (景田社区) overlaps 香蜜湖社区 by 1,234 m²``, and how many new rows
    overlap. A hairline along a shared edge (thinner than SLIVER_M: coordinates rounded in a file)
    is no overlap, whatever its area."""
    stored = store.list_zones(county.id, kind=kind)
    epsg = store.county_epsg(county.id, geoms)
    new = to_metric(geoms, epsg)
    everything = np.concatenate([new, to_metric(np.array([z.geom for z in stored], dtype=object), epsg)])
    others = labels + [f"stored {kind} {z.name} ({z.code})" for z in stored]
    found, rows = [], set()
    for i, j in shapely.STRtree(everything).query(new, predicate="intersects").T.tolist():
        if j <= i:  # itself, or a pair of new ones already seen the other way
            continue
        shared = shapely.intersection(new[i], everything[j])
        if shared.area > MAX_NEW_OVERLAP_M2 and not shapely.buffer(shared, -SLIVER_M / 2).is_empty:
            found.append(f"{labels[i]} overlaps {others[j]} by {shared.area:,.0f} m²")
            rows |= {i, j} if j < len(new) else {i}
    return found, len(rows)


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


def import_units(store: Store, county: str | County, csv_path: str | Path) -> ImportSummary:
    """Import responsible units from a CSV with columns code, name and optional kind, hotline."""
    path, fmt = open_checked(csv_path)
    if fmt != "csv":
        raise InvalidFile(
            f"{path.name} 不是 CSV 文件（列为 code,name[,kind,hotline]）",
            en=f"{path.name} is not a CSV file (columns code,name[,kind,hotline])",
        )
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.columns = [c.strip().lower() for c in table.columns]
    for column in ("code", "name"):
        if column not in table.columns:
            raise InvalidFile(
                f"{path.name} 没有 {column!r} 列（列为 code,name[,kind,hotline]）",
                en=f"{path.name} has no {column!r} column (columns code,name[,kind,hotline])",
            )
    if table.empty:
        raise InvalidFile(f"{path.name} 是空的：没有数据行", en=f"{path.name} is empty: it has no rows")
    summary = ImportSummary(source=path.name, layer="units", read=len(table))
    with store.transaction():
        county = resolve_county(store, county)
        units = _units(county, table, {u.code for u in store.list_units(county.id)}, path.name)
        summary.stored = len(store.add_units(units))
    return summary


def _units(county: County, table: pd.DataFrame, taken: set[str], source: str) -> list[Unit]:
    units, problems = [], []
    for i, row in enumerate(table.to_dict("records")):
        code, name = row["code"].strip(), row["name"].strip()
        label = row_label(i, code)
        if not code or not name:
            problems.append(f"{label}: a unit needs both a code and a name")
        elif code in taken:
            problems.append(f"{label}: unit code {code!r} is already taken")
        taken.add(code)
        kind = (row.get("kind") or "bureau").strip()
        units.append(Unit(county.id, code, name, kind=kind, hotline=(row.get("hotline") or "").strip()))
    if problems:
        raise InvalidInput(
            refusal_message_zh(source, len(table), problems),
            en=refusal_message(source, len(table), problems),
            refused=problems,
        )
    return units
