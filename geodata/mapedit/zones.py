"""Redrawing zone outlines on the map (issue #7): a leader drags the vertices of communities or grid
cells (snapping to neighbours and streets), sees what the change would do, and applies it as one
change set.

One change redraws one zone or several together, of any kinds: a shared edge is moved by redrawing
both zones that share it (and, when it is also an edge of their cells, those cells too). The
change is checked as a whole, as the zones would be after it (geodata/mapedit/zone_topology.py): every new
outline is a valid polygon in the county; it adds no overlap over 1 m² with any zone of its kind,
gives up no area over 1 m² that no zone of its kind takes (a gap; for a cell, inside its
community) and leaves its parent (or the county) by no more than 1 m² more than before.
Communities and villages count as one kind here, as they share the county; a courtyard, an island
in its community, may give area back to it. A community
edit that leaves some of its cells outside it is allowed, saying which and by how much: they are
redrawn next.

Only the incidents in the area the change redraws can change hands; they are routed again
(DESIGN §6). The preview runs the very write and routing the apply would, in a transaction it
rolls back, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geodata import clock
from geodata.assignments.postings import Applied, revert
from geodata.assignments.routing import route_incidents
from geodata.assignments.selection import cap, check_drawing, parse_drawing
from geodata.assignments.targets import Target, load_targets, refuse_stale, stale_details, stale_targets
from geodata.errors import Conflict, InvalidGeometry, InvalidInput, TilingError
from geodata.geo.geometry import POLYGONAL, from_metric, to_metric
from geodata.mapedit import zone_topology as topo
from geodata.mapedit.zone_topology import Problem, Scene
from geodata.model import OPEN_STATUSES, ChangeSet, County, GeometryEdit, Incident, Zone
from geodata.stores.store import Store

NEAR_DEG = 1e-4  # the zones near an edit are looked up in its bounding box grown by this (~10 m)


@dataclass(frozen=True)
class Outline:
    """A zone's new outline as drawn: GeoJSON (or shapely) in lon/lat, and the version seen."""

    zone_id: int
    geometry: object
    version: int | None = None


@dataclass
class EditedZone:
    zone: Zone  # as it is now
    geom: BaseGeometry  # the new outline, checked (lon/lat)
    old_area_m2: float
    area_m2: float
    gained_m2: float
    given_up_m2: float
    cells_outside: list[tuple[Zone, float]] = field(default_factory=list)  # (cell, m² outside)
    cells_uncovered_m2: float = 0.0  # more of the zone its cells no longer cover


@dataclass
class Moved:
    """An incident whose routing the change alters: as stored, and as routed after the change."""

    before: Incident
    after: Incident

    @property
    def open(self) -> bool:
        return self.before.status in OPEN_STATUSES and self.before.duplicate_of is None

    @property
    def unit_changed(self) -> bool:
        return self.before.unit_id != self.after.unit_id


@dataclass
class ZoneEdit:
    """What a change would do: each redrawn zone, the neighbours it reaches, the incidents whose
    zone, segment or unit changes, and the versions that went stale since the editor looked."""

    zones: list[EditedZone]
    neighbours: list[Zone]
    moved: list[Moved]
    stale: list[dict] = field(default_factory=list)

    @property
    def totals(self) -> dict:
        return {
            "zones": len(self.zones),
            "old_area_m2": round(sum(z.old_area_m2 for z in self.zones), 1),
            "area_m2": round(sum(z.area_m2 for z in self.zones), 1),
            "cells_outside": sum(len(z.cells_outside) for z in self.zones),
            "incidents": len(self.moved),
            "open_cases": sum(m.open for m in self.moved),
            "open_cases_changing_unit": sum(m.open and m.unit_changed for m in self.moved),
            "stale": len(self.stale),
        }

    @property
    def warnings(self) -> list[str]:
        """What the change leaves to do next (it is not refused for it): cells to redraw."""
        out = []
        for e in self.zones:
            if e.cells_outside:
                codes = "、".join(c.code for c, _ in e.cells_outside)
                out.append(
                    f"{e.zone.name}的 {len(e.cells_outside)} 个网格将部分超出其边界（{codes}），请随后调整"
                )
            if e.cells_uncovered_m2 > topo.MAX_CELL_OUTSIDE_M2:
                out.append(f"{e.zone.name}将有 {e.cells_uncovered_m2:,.1f} m² 不在任何网格内，请随后调整网格")
        return out


@dataclass
class AppliedZoneEdit:
    change_set: ChangeSet
    zones: list[Zone]  # as written: their new versions and areas
    rerouted: int  # incidents whose zone, segment or unit changed and were stored so
    edit: ZoneEdit


def check_zone_edit(
    store: Store,
    county: County,
    zone_id: int,
    geometry,
    version: int | None = None,
    also: Sequence[Outline] = (),
) -> ZoneEdit:
    """What redrawing zone ``zone_id`` (and the zones in ``also``, Outlines) would do; nothing is
    kept. InvalidGeometry for an outline that is not a valid polygon in the county, TilingError
    listing every overlap, gap or parent left; stale versions are listed, not refused."""
    return check_zone_edits(store, county, [Outline(zone_id, geometry, version), *also])


def apply_zone_edit(
    store: Store,
    county: County,
    zone_id: int,
    geometry,
    author: str,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
    also: Sequence[Outline] = (),
) -> AppliedZoneEdit:
    """Redraw zone ``zone_id`` (and the zones in ``also``) as one change set, as checked by
    ``check_zone_edit``; StaleVersion when a zone changed since the editor saw its version."""
    outlines = [Outline(zone_id, geometry, version), *also]
    return apply_zone_edits(store, county, outlines, author, reason, now)


class _Undo(Exception):
    """Raised to roll back a preview's trial write."""


def check_zone_edits(store: Store, county: County, outlines: Sequence[Outline]) -> ZoneEdit:
    """``check_zone_edit`` for a list of outlines. The outlines are checked in a read transaction
    (the slow part: nobody waits on it); only the trial write, rolled back, takes the write lock."""
    found: list[ZoneEdit] = []
    with store.read_transaction():
        current, zones, versions = _load(store, county, outlines, clock.now(), lock=False)
        plan = _Plan.make(store, county, zones, outlines)
    try:
        with store.transaction():
            _, moved = _write(store, county, plan)
            found.append(plan.edit(moved, stale_details(stale_targets(current, versions))))
            raise _Undo
    except _Undo:
        pass
    return found[0]


def apply_zone_edits(
    store: Store,
    county: County,
    outlines: Sequence[Outline],
    author: str,
    reason: str,
    now: datetime | None = None,
    reverts: int | None = None,
) -> AppliedZoneEdit:
    """``apply_zone_edit`` for a list of outlines: the zones locked (the map's version first),
    their versions checked, the outlines checked, then written with the change set (one that
    ``reverts`` another, for ``revert_zone_edit``), the outline edits kept for the history, and the
    incidents in the redrawn area routed again."""
    if not reason.strip():
        raise InvalidInput("请填写调整原因", en="Please give the reason for the change", field="reason")
    now = now or clock.now()
    # The outlines are checked first without the write lock (the slow part); under it, only when
    # the map changed meanwhile (its version moves with every zone, segment or post written).
    with store.read_transaction():
        seen = store.map_version()
        current, zones, versions = _load(store, county, outlines, now, lock=False)
        refuse_stale(current, versions)
        plan = _Plan.make(store, county, zones, outlines)
    with store.transaction():
        current, zones, versions = _load(store, county, outlines, now)
        refuse_stale(current, versions)
        if store.map_version() != seen:
            plan = _Plan.make(store, county, zones, outlines)
        geoms = [plan.new[z.id] for z in zones]
        drawn = geoms[0] if len(geoms) == 1 else shapely.GeometryCollection(geoms)
        cs = store.add_change_set(ChangeSet(county.id, author, reason, now, drawn, reverts=reverts))
        written, moved = _write(store, county, plan)
        store.add_geometry_edits([
            GeometryEdit(county.id, cs.id, "zone", z.id, z.version, plan.scene.zones[z.id].geom, z.geom)
            for z in written
        ])  # fmt: skip
        store.reroute_incidents([m.after for m in moved])
    return AppliedZoneEdit(cs, written, len(moved), plan.edit(moved, []))


def revert_zone_edit(
    store: Store, county: County, change_set_id: int, author: str, reason: str, now: datetime | None = None
) -> AppliedZoneEdit:
    """Undo an outline edit as a new change set: each zone it redrew drawn back as it was, checked
    as any edit is (the tiling; a zone redrawn since is stale: a 409 naming it)."""
    edits = store.geometry_edits(county.id, "zone", change_set_id=change_set_id)
    if not edits:
        raise Conflict(
            f"变更单 #{change_set_id} 没有调整区域边界",
            en=f"Change set #{change_set_id} redrew no zone outline",
        )
    (summary,) = store.list_change_sets(county.id, 1, 0, change_set_id)
    if summary.change_set.reverts is not None:
        raise Conflict(
            f"变更单 #{change_set_id} 本身是一次撤销：如需恢复，请再次编辑边界",
            en=f"Change set #{change_set_id} is itself a revert: to restore it, edit the outlines again",
        )
    if summary.reverted_by is not None:
        raise Conflict(
            f"变更单 #{change_set_id} 已被变更单 #{summary.reverted_by} 撤销",
            en=f"Change set #{change_set_id} was already reverted by change set #{summary.reverted_by}",
        )
    outlines = [Outline(e.target_id, e.before, e.version) for e in edits]
    return apply_zone_edits(store, county, outlines, author, reason, now, reverts=change_set_id)


def undo(
    store: Store, county: County, change_set_id: int, author: str, reason: str
) -> Applied | AppliedZoneEdit:
    """Revert a change set, whichever it is: an outline edit's zones drawn back, or else its
    assignments undone (geodata/assignments/postings.py)."""
    if store.geometry_edits(county.id, "zone", change_set_id=change_set_id):
        return revert_zone_edit(store, county, change_set_id, author, reason)
    return revert(store, county, change_set_id, author, reason)


def _load(store: Store, county: County, outlines: Sequence[Outline], at: datetime, lock: bool = True):
    """The zones, locked until the transaction ends (the map's version row first, then the zones
    in id order, as every map edit does) unless not ``lock``, with what is needed to tell stale
    versions."""
    if not outlines:
        raise InvalidInput("没有要调整的区域", en="No zone to change", field="geometry")
    ids = [int(o.zone_id) for o in outlines]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise InvalidInput(
            f"区域 #{twice[0]} 在一次调整中出现了两次",
            en=f"Zone #{twice[0]} appears twice in one change",
            field="also",
        )
    targets = [Target("zone", i) for i in ids]
    current = load_targets(store, county, targets, at, lock=lock)
    zones = store.get_targets(county.id, "zone", ids)
    versions = {Target("zone", int(o.zone_id)): o.version for o in outlines if o.version is not None}
    return current, zones, versions


@dataclass
class _Plan:
    """The checked outlines and the zones near them before and after, in the county's CRS."""

    scene: Scene
    new: dict[int, BaseGeometry]  # zone id → checked outline (lon/lat)
    epsg: int

    @classmethod
    def make(cls, store: Store, county: County, zones: list[Zone], outlines: Sequence[Outline]) -> _Plan:
        """Check the outlines and measure the change; TilingError when it breaks the tiling."""
        by_id = {z.id: z for z in zones}
        new = {int(o.zone_id): checked_outline(county, by_id[int(o.zone_id)], o.geometry) for o in outlines}
        epsg = store.county_epsg(county.id)
        plan = cls(_scene(store, county, zones, new, epsg), new, epsg)
        refused = topo.problems(plan.scene)
        if refused:
            raise _refusal(county, refused, epsg)
        return plan

    def edit(self, moved: list[Moved], stale: list[dict]) -> ZoneEdit:
        s = self.scene
        zones = []
        for i in s.edited:
            before, after = s.before[i], s.after[i]
            zones.append(EditedZone(
                s.zones[i], self.new[i], before.area, after.area,
                topo.overlay(shapely.difference, after, before).area,
                topo.overlay(shapely.difference, before, after).area,
                topo.cells_outside(s, i), topo.cells_uncovered_m2(s, i),
            ))  # fmt: skip
        return ZoneEdit(zones, [s.zones[i] for i in topo.touched(s)], moved, stale)


def checked_outline(county: County, zone: Zone, raw) -> BaseGeometry:
    """A zone's new outline as DESIGN §5 asks: a (multi)polygon of finite lon/lat, not swapped,
    in the county, valid (a tiny self-touch repaired); InvalidGeometry naming the zone otherwise."""
    noun = f"{zone.name}的新边界"
    noun_en = f"the new outline of {zone.name}"
    if not isinstance(raw, BaseGeometry):
        if isinstance(raw, Mapping) and raw.get("type") == "Feature":
            raw = raw.get("geometry")
        if not isinstance(raw, Mapping) or not raw.get("type"):
            raise InvalidGeometry(
                f"缺少{noun}：geometry 应为 GeoJSON Polygon 或 MultiPolygon",
                en=f"{cap(noun_en)} is missing: geometry must be a GeoJSON Polygon or MultiPolygon",
                field="geometry",
            )
        raw = parse_drawing(raw, noun, noun_en)
    if raw.is_empty or raw.geom_type not in POLYGONAL:
        raise InvalidGeometry(
            f"{noun}应为多边形（Polygon 或 MultiPolygon），而不是{'空的' if raw.is_empty else raw.geom_type}",
            en=f"{cap(noun_en)} must be a polygon (Polygon or MultiPolygon), not {'an empty one' if raw.is_empty else 'a ' + raw.geom_type}",
            field="geometry",
        )
    return check_drawing(county, shapely.force_2d(raw), noun, noun_en)


def _scene(store: Store, county: County, zones: list[Zone], new: dict, epsg: int) -> Scene:
    """The zones near the edit (its bounding box grown a little), and the edited zones' parents."""
    minx, miny, maxx, maxy = shapely.total_bounds([*(z.geom for z in zones), *new.values()])
    near = {z.id: z for z in store.list_zones(county.id, bbox=(minx - NEAR_DEG, miny - NEAR_DEG,
                                                                  maxx + NEAR_DEG, maxy + NEAR_DEG))}  # fmt: skip
    near.update({z.id: z for z in zones})
    parents = sorted({z.parent_id for z in zones if z.parent_id is not None and z.parent_id not in near})
    near.update({z.id: z for z in store.get_targets(county.id, "zone", parents)} if parents else {})
    ids = list(near)
    metric = to_metric(np.array([near[i].geom for i in ids], dtype=object), epsg)
    before = dict(zip(ids, metric, strict=True))
    after = {**before, **{i: to_metric(g, epsg) for i, g in new.items()}}
    area = county.boundary or county.extent
    return Scene(near, before, after, [z.id for z in zones], area and to_metric(area, epsg))


def _refusal(county: County, found: list[Problem], epsg: int) -> TilingError:
    sentences = "；".join(p.sentence(county.name) for p in found)
    sentences_en = "; ".join(p.sentence(county.name, "en") for p in found)
    details = [
        {"kind": p.kind, "zone": _ref(p.zone), "other": p.other and _ref(p.other),
         "area_m2": round(p.area_m2, 2), "geometry": mapping(from_metric(p.where, epsg))}
        for p in found
    ]  # fmt: skip
    return TilingError(
        f"边界调整未保存：{sentences}。请同时调整相邻区域，或修改边界后重试",
        en=f"The outline change was not saved: {sentences_en}. Adjust the neighbouring zones as well, or change the outline and try again",
        field="geometry",
        problems=details,
    )


def _ref(zone: Zone) -> dict:
    return {"id": zone.id, "kind": zone.kind, "code": zone.code, "name": zone.name}


def _write(store: Store, county: County, plan: _Plan) -> tuple[list[Zone], list[Moved]]:
    """Write the new outlines (each zone's version bumped) and route again the incidents in the
    redrawn area: those whose zone, segment or unit changes (not stored here)."""
    s = plan.scene
    written = [
        store.update_zone(replace(s.zones[i], geom=plan.new[i], area_m2=float(s.after[i].area)))
        for i in sorted(s.edited)
    ]
    changed = topo.changed_area(s)
    if changed.is_empty:
        return written, []
    bbox = from_metric(shapely.box(*shapely.buffer(changed, 1.0).bounds), plan.epsg).bounds
    cases = store.list_incidents(county.id, bbox=bbox)
    if cases:
        points = to_metric(np.array([c.geom for c in cases], dtype=object), plan.epsg)
        cases = [
            c for c, near in zip(cases, shapely.dwithin(changed, points, topo.TOUCH_M), strict=True) if near
        ]
    moved = [
        Moved(old, new)
        for old, new in zip(cases, route_incidents(store, cases), strict=True)
        if (old.zone_id, old.segment_id, old.unit_id) != (new.zone_id, new.segment_id, new.unit_id)
    ]
    return written, moved
