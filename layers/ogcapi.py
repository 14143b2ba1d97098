"""The collections of the OGC API – Features service (/ogcapi, issue #21): what each is, its
properties and queryables, and its features filtered and paged. Plain data in and out, no request:
webmap/views/ogcapi/ parses the query into a ``Query`` and renders what comes back, and the
OpenAPI document is drawn from the same ``COLLECTIONS``.

What an anonymous caller gets is public, as on the public map (layers/public_map.py) and Open311:
a unit's name and public hotline, never a post's person or phone; of cases, the public subset and
never a reporter, a contact or a note. ``scores`` (exact scores) is for staff only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import shapely
from shapely.geometry import mapping

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ, month_span
from geodata.errors import NotFound
from geodata.model import COMMUNITY_KINDS, County
from geodata.stores.store import BBox, Store
from layers.geojson import COORD_GRID_DEG
from layers.score_map import default_month
from layers.scores import grade, score_settings, target_scores

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


@dataclass(frozen=True)
class Viewer:
    """A staff member reading (by session, key or Basic): their role and, for unit staff, unit."""

    role: str
    unit_id: int | None = None


@dataclass(frozen=True)
class Query:
    """One items request, parsed and bounded at the edge."""

    bbox: BBox | None = None
    at: datetime | None = None  # the moment ``datetime`` names (an interval's end, else its start)
    filters: dict[str, str] = field(default_factory=dict)  # queryable → value, matched as text
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    since: datetime | None = None  # the interval ``datetime`` names, [since, until)
    until: datetime | None = None
    viewer: Viewer | None = None  # None: an anonymous caller


@dataclass(frozen=True)
class Row:
    id: int
    geom: object
    properties: dict


@dataclass(frozen=True)
class Collection:
    id: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    geometry: str  # the GeoJSON geometry type of its features
    properties: dict[str, str]  # name → JSON Schema type
    queryables: tuple[str, ...]
    rows: Callable[[Store, County, Query], list[Row]] | None = field(repr=False)  # all, filtered here
    temporal: bool = False  # whether ``datetime`` changes the features (else it is ignored)
    public: bool = True
    # For a collection too large to hold: a page of rows filtered and paged by the store, and how
    # many match; and the row of one id.
    paged: Callable[[Store, County, Query], tuple[list[Row], int]] | None = field(repr=False, default=None)
    by_id: Callable[[Store, County, Query, int], list[Row]] | None = field(repr=False, default=None)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh


# -- the rows of each collection ------------------------------------------------------------------
def _zones(kinds, props: Callable, parents: bool = False) -> Callable[[Store, County, Query], list[Row]]:
    """The rows of zones of ``kinds``; ``props(zone, codes)`` with the communities' codes by id
    when ``parents`` (a cell names its community)."""

    def rows(store: Store, county: County, query: Query) -> list[Row]:
        zones = store.list_zones(county.id, kind=kinds, bbox=query.bbox)
        codes = {}
        if parents:
            codes = {z.id: z.code for z in store.list_zones(county.id, kind=COMMUNITY_KINDS)}
        return [Row(z.id, z.geom, props(z, codes)) for z in zones]

    return rows


def _community(zone, codes) -> dict:
    return {"code": zone.code, "kind": zone.kind, "name": zone.name, "tier": zone.tier,
            "titles": list(zone.titles)}  # fmt: skip


def _cell(zone, codes) -> dict:
    area = None if zone.area_m2 is None else round(zone.area_m2, 1)
    return {"code": zone.code, "name": zone.name, "community": codes.get(zone.parent_id), "area_m2": area}


def _subdistrict(zone, codes) -> dict:
    area = None if zone.area_m2 is None else round(zone.area_m2, 1)
    return {"code": zone.code, "name": zone.name, "area_m2": area}


def _segments(store: Store, county: County, query: Query) -> list[Row]:
    """Road segments with their lead and assisting units at ``query.at`` (now when not given)."""
    at = query.at or clock.now()
    units = {u.id: u for u in store.list_units(county.id)}
    lead: dict[int, int] = {}
    assist: dict[int, list[str]] = {}
    for a in store.assignments_at(county.id, at, "segment"):
        if a.role == "lead":
            lead[a.target_id] = a.unit_id
        else:
            assist.setdefault(a.target_id, []).append(units[a.unit_id].name)
    rows = []
    for s in store.list_segments(county.id, bbox=query.bbox):
        unit = units.get(lead.get(s.id))
        rows.append(Row(s.id, s.geom, {
            "name": s.name, "highway": s.highway,
            "length_m": None if s.length_m is None else round(s.length_m, 1),
            "lead_unit": unit and unit.name, "lead_unit_code": unit and unit.code,
            "lead_unit_hotline": (unit and unit.hotline) or None,
            "assisting_units": "、".join(sorted(assist.get(s.id, []))),
            "date": at.astimezone(COUNTY_TZ).date().isoformat(),
        }))  # fmt: skip
    return rows


def _case_filters(store: Store, county: County, query: Query) -> dict | None:
    """The store's filters for the cases ``query`` asks for, or None when none can match (a unit
    code that is no unit's). Staff see every case of their scope (unit staff, their unit's); anyone
    else the public subset, as Open311 shows it: public categories only, repeats left out."""
    viewer = query.viewer
    filters: dict = {"since": query.since, "until": query.until}
    if viewer is None:
        filters.update(duplicates=False, public_only=True)
    elif viewer.role == "unit_staff":
        filters["unit_id"] = viewer.unit_id if viewer.unit_id is not None else -1
    for name in ("category", "status", "source"):
        filters[name] = query.filters.get(name)
    if "unit_code" in query.filters:
        unit = next((u for u in store.list_units(county.id) if u.code == query.filters["unit_code"]), None)
        if unit is None or filters.get("unit_id", unit.id) != unit.id:
            return None
        filters["unit_id"] = unit.id
    return {k: v for k, v in filters.items() if v is not None}


def _case_rows(store: Store, county: County, cases) -> list[Row]:
    """Cases as rows, never with a reporter, a contact or what anyone wrote."""
    categories = {c.code: c for c in store.list_categories()}
    units = {u.id: u for u in store.list_units(county.id)}
    rows = []
    for case in cases:
        category, unit = categories.get(case.category), units.get(case.unit_id)
        rows.append(Row(case.id, case.geom, {
            "category": case.category, "category_name": category.name_zh if category else case.category,
            "status": case.status, "reported_at": case.reported_at.astimezone(COUNTY_TZ).isoformat(timespec="seconds"),
            "unit": unit and unit.name, "unit_code": unit and unit.code, "source": case.source,
        }))  # fmt: skip
    return rows


def _cases(store: Store, county: County, query: Query) -> tuple[list[Row], int]:
    """A page of the cases ``query`` asks for, paged by the store, and how many match."""
    filters = _case_filters(store, county, query)
    if filters is None:
        return [], 0
    matched = store.count_incidents(county.id, query.bbox, **filters)
    found = store.list_incidents(county.id, query.bbox, limit=query.limit, offset=query.offset, **filters)
    return _case_rows(store, county, found), matched


def _case(store: Store, county: County, query: Query, case_id: int) -> list[Row]:
    """The case of this id, when ``query``'s viewer may see it."""
    filters = _case_filters(store, county, query) or {}
    try:
        case = store.get_incident(county.id, case_id)
    except NotFound:
        return []
    if filters.get("public_only") and not any(
        c.code == case.category and c.public for c in store.list_categories()
    ):
        return []
    if (not filters.get("duplicates", True) and case.duplicate_of is not None) or (
        "unit_id" in filters and case.unit_id != filters["unit_id"]
    ):
        return []
    return _case_rows(store, county, [case])


def _scores(store: Store, county: County, query: Query) -> list[Row]:
    """Each target inspected in the month of ``query.at`` (by default the last whole month) with
    its score and grade by the settings of that month. A target's feature id is twice its id, plus
    one for a road segment, so that zones and segments never share one."""
    at = query.at or clock.now()
    month = at.astimezone(COUNTY_TZ).strftime("%Y-%m") if query.at else default_month(at)
    settings = score_settings(store, month)
    scored = target_scores(store, county, *month_span(month), settings)
    if not scored:
        return []
    zones = {z.id: z for z in store.list_zones(county.id, bbox=query.bbox)}
    segments = {s.id: s for s in store.list_segments(county.id, bbox=query.bbox)}
    rows = []
    for (kind, target_id), t in scored.items():
        target = (zones if kind == "zone" else segments).get(target_id)
        if target is None:
            continue
        rows.append(Row(2 * target_id + (kind == "segment"), target.geom, {
            "target_kind": kind, "target_id": target_id, "name": t.name, "month": month,
            "score": round(t.score, 1), "grade": grade(t.score, settings), "inspections": t.inspections,
            "incidents": t.incidents, "penalty": round(t.penalty, 1),
        }))  # fmt: skip
    return rows


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        Collection(
            "communities", "社区", "Communities",
            "县内的社区和村，及其创建等级和文明称号（与公众地图一致）",
            "The county's communities and villages with their tier and civilized titles, as the public map shows them",
            "Polygon",
            {"code": "string", "kind": "string", "name": "string", "tier": "string", "titles": "array"},
            ("code", "kind", "name", "tier"), _zones(COMMUNITY_KINDS, _community),
        ),
        Collection(
            "road-segments", "路段", "Road segments",
            "路段及其在某一时刻的牵头单位和协助单位（datetime 选定时刻，缺省为现在）",
            "Road segments with their lead and assisting units at a moment (datetime picks it; now by default)",
            "LineString",
            {"name": "string", "highway": "string", "length_m": "number", "lead_unit": "string",
             "lead_unit_code": "string", "lead_unit_hotline": "string", "assisting_units": "string",
             "date": "string"},
            ("name", "highway", "lead_unit", "lead_unit_code"), _segments, temporal=True,
        ),
        Collection(
            "grid-cells", "网格", "Grid cells", "社区内划分的网格", "The grid cells drawn inside communities",
            "Polygon", {"code": "string", "name": "string", "community": "string", "area_m2": "number"},
            ("code", "name", "community"), _zones("grid", _cell, parents=True),
        ),
        Collection(
            "subdistricts", "街道", "Subdistricts", "县内的街道和乡镇", "The county's subdistricts and townships",
            "Polygon", {"code": "string", "name": "string", "area_m2": "number"},
            ("code", "name"), _zones("subdistrict", _subdistrict),
        ),
        Collection(
            "cases", "案件", "Cases",
            "案件（datetime 按上报时间筛选）：工作人员看其权限内的全部案件，公众只看公开类别的案件，不含上报人和联系方式",
            "Cases (datetime picks them by the time reported): staff see every case they may, anyone else "
            "only cases of public categories, never a reporter or a contact",
            "Point",
            {"category": "string", "category_name": "string", "status": "string", "reported_at": "string",
             "unit": "string", "unit_code": "string", "source": "string"},
            ("category", "status", "unit_code", "source"), None, temporal=True, paged=_cases, by_id=_case,
        ),
        Collection(
            "scores", "考评得分", "Scores",
            "某月被考评的社区、网格和路段及其得分和等级（datetime 选定月份，缺省为上个整月）；仅限工作人员",
            "The communities, cells and road segments inspected in a month with their score and grade "
            "(datetime picks the month; the last whole month by default); staff only",
            "Geometry",
            {"target_kind": "string", "target_id": "integer", "name": "string", "month": "string",
             "score": "number", "grade": "string", "inspections": "integer", "incidents": "integer",
             "penalty": "number"},
            ("target_kind", "grade"), _scores, temporal=True, public=False,
        ),
    )
}  # fmt: skip


def visible(viewer: Viewer | None) -> list[Collection]:
    """The collections a caller sees: the public ones, and the staff ones for staff."""
    return [c for c in COLLECTIONS.values() if c.public or viewer is not None]


def find(collection_id: str, viewer: Viewer | None) -> Collection:
    """The collection of this id; NotFound when there is none (or it is staff-only and the caller
    is not staff: it is not there for them)."""
    found = COLLECTIONS.get(collection_id)
    if found is None or not (found.public or viewer is not None):
        raise NotFound(
            f"没有这个要素集：{collection_id[:60]!r}",
            en=f"There is no such collection: {collection_id[:60]!r}",
            field="collectionId",
        )
    return found


# -- features --------------------------------------------------------------------------------------
def items(store: Store, county: County, collection: Collection, query: Query) -> tuple[list[dict], int]:
    """(the page of features, how many matched): those meeting the bbox exactly and every filter,
    by id, from ``query.offset``, at most ``query.limit``."""
    if collection.paged is not None:
        rows, matched = collection.paged(store, county, query)
        return [as_feature(r) for r in rows], matched
    rows = collection.rows(store, county, query)
    if query.bbox is not None and rows:
        hits = shapely.intersects(shapely.box(*query.bbox), [r.geom for r in rows])
        rows = [r for r, hit in zip(rows, hits, strict=True) if hit]
    rows = [r for r in rows if all(_text(r.properties.get(k)) == v for k, v in query.filters.items())]
    rows.sort(key=lambda r: r.id)
    page = rows[query.offset : query.offset + query.limit]
    return [as_feature(r) for r in page], len(rows)


def one(store: Store, county: County, collection: Collection, feature_id: int, query: Query) -> dict:
    """The feature of this id in the collection as ``query`` sees it (its moment, its viewer);
    NotFound else."""
    rows = (
        collection.by_id(store, county, query, feature_id)
        if collection.by_id
        else collection.rows(store, county, query)
    )
    for row in rows:
        if row.id == feature_id:
            return as_feature(row)
    raise no_feature(collection, feature_id)


def no_feature(collection: Collection, feature_id) -> NotFound:
    shown = str(feature_id)[:40]
    return NotFound(
        f"要素集 {collection.id} 中没有编号为 {shown!r} 的要素",
        en=f"There is no feature {shown!r} in the collection {collection.id}",
        field="featureId",
    )


def as_feature(row: Row) -> dict:
    geom = shapely.set_precision(row.geom, COORD_GRID_DEG, mode="pointwise")
    return {"type": "Feature", "id": row.id, "geometry": mapping(geom), "properties": row.properties}


def extent(county: County) -> list[float] | None:
    """The county's extent in CRS84, for each collection's spatial extent."""
    shape = county.boundary or county.extent
    if shape is None or shape.is_empty:
        return None
    return [round(float(v), 6) for v in shape.bounds]


def _text(value) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    return "" if value is None else str(value)
