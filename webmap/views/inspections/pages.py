"""The mobile inspection form (/inspect) and the targets it picks from.

An evaluator (a user with a panel: 督查科, 人大代表, 政协委员, 社区居委会) chooses a road segment, a
community or a grid cell, by tapping the map or by searching its name, then scores it against its
checklist; the page's script (webmap/static/portal/pages/inspect.js) writes through the inspections API
(POST /api/v1/inspections). ``GET /api/v1/inspection-targets`` finds targets by name (``q``) or at a
tapped point (``lat``, ``lon``, ``near_m``), leaving out those the panel does not score.
"""

from __future__ import annotations

import shapely
from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required
from shapely.geometry import Point, mapping

from geodata import clock
from geodata.errors import InvalidInput
from geodata.labels import PANEL_ZH, TARGET_KIND_ZH
from geodata.model import COMMUNITY_KINDS, County
from geodata.scores.inspections import ZONE_CHECKLISTS
from geodata.stores.store import Store
from webmap.i18n import t
from webmap.views.cases.pages import map_config
from webmap.views.common import store_and_county

bp = Blueprint("inspect_pages", __name__)

MAX_TARGETS = 20
END_DEG = 0.00005  # about 5 m: another road within this of a segment's end meets it there
ZONE_KINDS = tuple(ZONE_CHECKLISTS)  # subdistricts are not scored directly
NEAR_M = 25.0  # a tap this close to a road picks the road
MAX_NEAR_M = 200.0


@bp.get("/inspect")
@login_required
def inspect():
    store, county = store_and_county()
    panel = current_user.panel if current_user.panel in PANEL_ZH else None
    return render_template(
        "inspect/index.html",
        county=county,
        panel=panel,
        panel_name=t(f"scores.panel.{panel}") if panel else None,
        map_config=map_config(county) | {"attribution": t("map.attribution")},  # in the page's language
    )


@bp.get("/api/v1/inspection-targets")
@login_required
def inspection_targets():
    """Up to 20 targets matching ``q`` by name, or those at the point ``lat``/``lon`` (the road
    within ``near_m`` metres first, then the grid cell and the community containing the point)."""
    store, county = store_and_county()
    remit = _Remit(store, county, current_user.panel, current_user.unit_id)
    if request.args.get("lat") is not None or request.args.get("lon") is not None:
        point = Point(_number("lon", -180, 180), _number("lat", -90, 90))
        near = _number("near_m", 1, MAX_NEAR_M, default=NEAR_M)
        targets = _targets_at(store, county, point, near)
    else:
        targets = _targets_named(store, county, request.args.get("q", ""))
    shown = [target for target in targets if remit.allows(target)][:MAX_TARGETS]
    for target in shown:
        if target["target_kind"] == "segment":
            stretch = _between(store, county, store.get_segment(county.id, target["target_id"]))
            target["place"] = " · ".join(p for p in (stretch, target["place"]) if p)
    return jsonify(targets=shown)


class _Remit:
    """What a panel may score (see geodata.scores.inspections): 人大代表 and 政协委员 no grid cells (nor
    courtyards); a community committee only what its unit guards now, and the cells (and
    courtyards) of communities it guards.
    The API checks again when the score is sent; this only keeps the lists to what can be scored."""

    def __init__(self, store: Store, county: County, panel: str | None, unit_id: int | None):
        self.panel = panel if panel in PANEL_ZH else None
        self.guarded: set[tuple[str, int]] = set()
        if self.panel == "community" and unit_id is not None:
            self.guarded = {
                (a.target_kind, a.target_id)
                for a in store.assignments_at(county.id, clock.now())
                if a.unit_id == unit_id
            }

    def allows(self, target: dict) -> bool:
        if self.panel in ("npc", "cppcc"):
            return target["checklist_kind"] != "grid"
        if self.panel == "community":
            kind = "segment" if target["target_kind"] == "segment" else "zone"
            if (kind, target["target_id"]) in self.guarded:
                return True
            return target["checklist_kind"] == "grid" and ("zone", target.get("parent_id")) in self.guarded
        return True  # 督查科 scores anything; someone without a panel may look, not score


def _targets_named(store: Store, county: County, q: str) -> list[dict]:
    q = q.strip().lower()
    if not q:
        return []
    segments = [s for s in store.list_segments(county.id) if s.name.strip() and q in s.name.lower()]
    zones = [z for z in store.list_zones(county.id) if z.kind in ZONE_KINDS and q in z.name.lower()]
    found = _describe(store, county, segments, zones)

    def rank(t: dict) -> tuple:
        name = t["name"].lower()
        return (name != q, not name.startswith(q), len(name), t["name"], t["place"], t["target_id"])

    return sorted(found, key=rank)


def _targets_at(store: Store, county: County, point: Point, near_m: float) -> list[dict]:
    (nearest,) = store.nearest_segments(county.id, [point], near_m)
    segments = [store.get_segment(county.id, nearest[0])] if nearest else []
    segments = [s for s in segments if s.name.strip()]
    zones = []
    (zone_id,) = store.zones_at(county.id, [point])
    while zone_id is not None:  # the cell (or courtyard), then its community (not a subdistrict)
        zone = store.get_zone(county.id, zone_id)
        zones.append(zone)
        zone_id = zone.parent_id
    zones = [z for z in zones if z.kind in ZONE_KINDS]
    return _describe(store, county, segments, zones)


def _describe(store: Store, county: County, segments, zones) -> list[dict]:
    """Targets as the page shows them: name, kind, where (the community a road or cell lies in),
    and the geometry to highlight."""
    names = {z.id: z.name for z in store.list_zones(county.id, kind=COMMUNITY_KINDS)}
    middles = [s.geom.interpolate(0.5, normalized=True) for s in segments]
    under = store.zones_at(county.id, middles) if middles else []
    parents = {}
    for zone_id in {z for z in under if z is not None and z not in names}:
        parents[zone_id] = store.get_zone(county.id, zone_id).parent_id  # a grid cell's community
    out = []
    for segment, zone_id in zip(segments, under, strict=True):
        community = names.get(zone_id) or names.get(parents.get(zone_id), "")
        length = t("scores.inspect.length", m=f"{segment.length_m:.0f}") if segment.length_m else ""
        place = " · ".join(p for p in (community, length) if p)
        out.append(_target("segment", segment.id, segment.name, "segment", place, segment.geom))
    for zone in zones:
        place = names.get(zone.parent_id, "") if zone.kind not in COMMUNITY_KINDS else ""
        out.append(_target("zone", zone.id, zone.name, zone.kind, place, zone.geom, zone.parent_id))
    return out


def _between(store: Store, county: County, segment) -> str:
    """Which stretch of its road a segment is, by the other roads meeting its ends: 新洲路至农园路段
    (so the twenty pieces of one long road can be told apart in a list), in the page's language."""
    ends = shapely.points(shapely.get_coordinates(segment.geom)[[0, -1]])
    near = shapely.buffer(ends, END_DEG)
    others = [s for s in store.list_segments(county.id, bbox=shapely.total_bounds(near)) if s.name.strip()]
    crossing = []
    for end in near:
        names = sorted({s.name for s in others if s.name != segment.name and shapely.intersects(s.geom, end)})
        crossing.append(names[0] if names else "")
    if all(crossing) and crossing[0] != crossing[1]:
        return t("scores.inspect.between", a=crossing[0], b=crossing[1])
    return t("scores.inspect.near", a=crossing[0] or crossing[1]) if any(crossing) else ""


def _target(target_kind, target_id, name, kind, place, geom, parent_id=None) -> dict:
    return {
        "target_kind": target_kind,
        "target_id": target_id,
        "name": name,
        "kind": kind,
        "kind_zh": TARGET_KIND_ZH[kind],
        "checklist_kind": ZONE_CHECKLISTS.get(kind, kind),
        "place": place,
        "parent_id": parent_id,
        "geometry": mapping(geom),
    }


def _number(name: str, low: float, high: float, default: float | None = None) -> float:
    raw = request.args.get(name)
    if raw in (None, "") and default is not None:
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"{name} 应为数字，而不是 {raw!r}", en=f"{name} must be a number, not {raw!r}", field=name
        ) from None
    if not low <= value <= high:
        raise InvalidInput(
            f"{name} 超出范围 {low:g}–{high:g}", en=f"{name} is out of the range {low:g}–{high:g}", field=name
        )
    return value
