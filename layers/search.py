"""The leaders' map search: a case by number (#123), units by name or code, communities, villages
and roads by name (layers.public_map.search), courtyards and grid cells by name or code. Each
result says where it is."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from geodata.errors import NotFound
from geodata.model import COMMUNITY_KINDS, INNER_ZONE_KINDS, County
from geodata.stores.store import Store
from layers.public_map import rounded_bbox
from layers.public_map import search as search_places

MAX_RESULTS = 20
CASE_PAD_DEG = 0.0008  # a case's box: about 80 m around its point


def search(
    store: Store, county: County, q: str, unit_id: int | None = None, limit: int = MAX_RESULTS
) -> list[dict]:
    """Results best first; ``unit_id`` (unit staff) limits cases to that unit's."""
    q = q.strip()
    if not q:
        return []
    found = _case(store, county, q, unit_id)
    low = q.lower()
    found += [
        {"kind": "unit", "name": u.name, "code": u.code, "bbox": None}
        for u in store.list_units(county.id)
        if low in u.name.lower() or low == u.code.lower()
    ]
    found += search_places(store, county, q, limit)
    found += [
        {"kind": z.kind, "name": z.name, "code": z.code, "bbox": rounded_bbox(z.geom.bounds)}
        for z in store.list_zones(county.id, kind=INNER_ZONE_KINDS)
        if low in z.name.lower() or z.code.startswith(q)
    ]
    return found[:limit]


def _case(store: Store, county: County, q: str, unit_id: int | None) -> list[dict]:
    number = q.removeprefix("#").strip()
    if not number.isdigit():
        return []
    try:
        case = store.get_incident(county.id, int(number))
    except NotFound:
        return []
    if unit_id is not None and case.unit_id != unit_id:
        return []
    x, y = case.geom.x, case.geom.y
    name = f"案件 #{case.id} {store.get_category(case.category).name_zh}"
    box = rounded_bbox((x - CASE_PAD_DEG, y - CASE_PAD_DEG, x + CASE_PAD_DEG, y + CASE_PAD_DEG))
    # ``category``: its code, for a page that names it in its own language.
    return [{"kind": "case", "name": name, "id": case.id, "category": case.category, "bbox": box}]


@dataclass(frozen=True)
class Examples:
    """Names to show as examples in search boxes and hints: ones the county really has."""

    road: str = ""  # the named road with the most segments (辅路 aside)
    community: str = ""  # the first community by code


_EXAMPLES: dict[tuple[int, int], Examples] = {}  # (county id, map version) → examples


def examples(store: Store, county: County) -> Examples:
    key = (county.id, store.map_version())
    if key not in _EXAMPLES:
        roads = Counter(
            s.name for s in store.list_segments(county.id) if s.name and not s.name.endswith("辅路")
        )
        communities = sorted(store.list_zones(county.id, kind=COMMUNITY_KINDS), key=lambda z: z.code)
        _EXAMPLES.clear()  # one county's current names at a time: a map edit makes new ones
        _EXAMPLES[key] = Examples(
            roads.most_common(1)[0][0] if roads else "", communities[0].name if communities else ""
        )
    return _EXAMPLES[key]
