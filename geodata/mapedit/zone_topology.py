"""How redrawing zone outlines changes the way zones tile (issue #7): new overlaps with zones of the
same kind, new gaps, area leaving the parent (or the county), and the cells a community's new
outline leaves outside it.

Everything is measured in the county's metric CRS on the zones near the edit, as they are and as
they would be (``Scene``), vectorised over the neighbours with shapely and on the fine grid the
grid tiling check uses (``grids_split.MEASURE_GRID_M``). Only what the edit *adds* counts: an
overlap or a stray bit that was there before is not the editor's doing. Nothing here reads or
writes the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geodata.grids.split import MEASURE_GRID_M
from geodata.labels import TARGET_KIND, label
from geodata.model import COMMUNITY_KINDS, Zone

# DESIGN §10's tolerance for zones that tile: overlaps and gaps up to 1 m² are digitising noise.
MAX_NEW_OVERLAP_M2 = 1.0  # more new overlap with a zone of the same kind is refused
MAX_NEW_GAP_M2 = 1.0  # more area given up that no zone of the kind takes (in the parent) is refused
MAX_LEAVING_M2 = 1.0  # more new area outside the parent zone (or the county) is refused
MAX_CELL_OUTSIDE_M2 = 1.0  # a cell further outside its redrawn community is reported
TOUCH_M = 0.05  # a zone or a point this close to the area an edit changed is touched by it
UNTILED_KINDS = ("courtyard",)  # 楼院 are islands in their community: what one gives up is no gap

# How a problem is said, in Chinese and in English; ``inside`` names a grid cell's community.
PROBLEM_SAID = {
    "zh": {
        "overlap": "{zone}将与{other}（{code}）新增重叠 {m2}",
        "gap": "{zone}让出的 {m2} 将不属于{inside}任何{kind}（留下空隙）",
        "inside": "{other}内",
        "outside": "{zone}将有 {m2} 超出{outside}",
    },
    "en": {
        "overlap": "{zone} would newly overlap {other} ({code}) by {m2}",
        "gap": "the {m2} that {zone} gives up would belong to no {kind}{inside} (a gap)",
        "inside": " in {other}",
        "outside": "{zone} would reach {m2} outside {outside}",
    },
}


def tiling_kinds(kind: str) -> tuple[str, ...]:
    """The kinds of zone that tile together with ``kind``: communities and villages share the
    county, each other kind keeps to itself."""
    return COMMUNITY_KINDS if kind in COMMUNITY_KINDS else (kind,)


@dataclass
class Scene:
    """The zones near an edit in metres: ``before`` as stored, ``after`` with the edited ones
    redrawn. ``county_area`` contains the zones that have no parent."""

    zones: dict[int, Zone]
    before: dict[int, BaseGeometry]
    after: dict[int, BaseGeometry]
    edited: list[int]
    county_area: BaseGeometry | None = None

    def kin(self, zone_id: int, same_parent: bool = False) -> list[int]:
        """The other zones of the zone's kind, or of a kind tiling with it (with its parent too,
        when asked)."""
        z = self.zones[zone_id]
        kinds = tiling_kinds(z.kind)
        return [
            i
            for i, o in self.zones.items()
            if i != zone_id and o.kind in kinds and (not same_parent or o.parent_id == z.parent_id)
        ]

    def parent(self, zone_id: int) -> Zone | None:
        return self.zones.get(self.zones[zone_id].parent_id)

    def container(self, zone_id: int, after: bool) -> BaseGeometry | None:
        """The parent's outline (before or after the edit), else the county's."""
        parent = self.parent(zone_id)
        if parent is None:
            return self.county_area
        return (self.after if after else self.before)[parent.id]

    def changed(self, zone_id: int) -> BaseGeometry:
        return overlay(shapely.symmetric_difference, self.before[zone_id], self.after[zone_id])


@dataclass
class Problem:
    """Why an edit is refused: ``kind`` overlap (with ``other``), gap, or outside (its parent
    ``other``, or the county when None); ``where`` is the offending area in metres."""

    kind: str
    zone: Zone
    area_m2: float
    where: BaseGeometry
    other: Zone | None = None

    def sentence(self, county_name: str, lang: str = "zh") -> str:
        said, z, m2 = PROBLEM_SAID[lang], self.zone, f"{self.area_m2:,.1f} m²"
        if self.kind == "overlap":
            return said["overlap"].format(zone=z.name, other=self.other.name, code=self.other.code, m2=m2)
        if self.kind == "gap":
            inside = said["inside"].format(other=self.other.name) if z.kind == "grid" and self.other else ""
            kind = label(TARGET_KIND, z.kind, lang)
            return said["gap"].format(zone=z.name, m2=m2, inside=inside, kind=kind)
        outside = self.other.name if self.other else county_name
        return said["outside"].format(zone=z.name, m2=m2, outside=outside)


def problems(scene: Scene) -> list[Problem]:
    """Everything that refuses the edit, edited zone by edited zone (a pair of edited zones that
    would overlap is named once)."""
    out: list[Problem] = []
    for zone_id in scene.edited:
        out += _overlaps(scene, zone_id) + _gap(scene, zone_id) + _leaving(scene, zone_id)
    return out


def _overlaps(scene: Scene, zone_id: int) -> list[Problem]:
    """Overlap with each zone of the kind that was not there before, over the tolerance."""
    others = [i for i in scene.kin(zone_id) if not (i in scene.edited and i < zone_id)]
    if not others:
        return []
    after = np.array([scene.after[i] for i in others], dtype=object)
    before = np.array([scene.before[i] for i in others], dtype=object)
    meet = shapely.intersects(scene.after[zone_id], after) & ~shapely.touches(scene.after[zone_id], after)
    out = []
    for k in np.flatnonzero(meet):
        now = overlay(shapely.intersection, scene.after[zone_id], after[k])
        was = overlay(shapely.intersection, scene.before[zone_id], before[k])
        added = overlay(shapely.difference, now, was)
        if added.area > MAX_NEW_OVERLAP_M2:
            out.append(Problem("overlap", scene.zones[zone_id], added.area, added, scene.zones[others[k]]))
    return out


def _gap(scene: Scene, zone_id: int) -> list[Problem]:
    """Area the zone gives up (inside its parent, or the county) that no zone of its kind takes:
    for a cell, zones of its kind are the cells of its community."""
    given = overlay(shapely.difference, scene.before[zone_id], scene.after[zone_id])
    if given.area <= MAX_NEW_GAP_M2 or scene.zones[zone_id].kind in UNTILED_KINDS:
        return []
    container = scene.container(zone_id, after=True)
    if container is not None:
        given = overlay(shapely.intersection, given, container)
    kin = scene.kin(zone_id, same_parent=scene.zones[zone_id].kind == "grid")
    cover = shapely.union_all([scene.after[i] for i in kin], grid_size=MEASURE_GRID_M)
    gap = overlay(shapely.difference, given, cover)
    if gap.area <= MAX_NEW_GAP_M2:
        return []
    return [Problem("gap", scene.zones[zone_id], gap.area, gap, scene.parent(zone_id))]


def _leaving(scene: Scene, zone_id: int) -> list[Problem]:
    """New area outside the parent's outline (as the edit leaves it), or outside the county."""
    before, after = scene.container(zone_id, after=False), scene.container(zone_id, after=True)
    if after is None:
        return []
    out_after = overlay(shapely.difference, scene.after[zone_id], after)
    out_before = overlay(shapely.difference, scene.before[zone_id], before)
    added = overlay(shapely.difference, out_after, out_before)
    if added.area <= MAX_LEAVING_M2:
        return []
    return [Problem("outside", scene.zones[zone_id], added.area, added, scene.parent(zone_id))]


def cells_outside(scene: Scene, zone_id: int) -> list[tuple[Zone, float]]:
    """The zones inside this one (a community's cells) that the edit leaves partly outside it:
    each with its area outside (m²), over the tolerance. Not refused: they are redrawn next."""
    children = [i for i, z in scene.zones.items() if z.parent_id == zone_id]
    if not children:
        return []
    after = np.array([scene.after[i] for i in children], dtype=object)
    outside = shapely.area(shapely.difference(after, scene.after[zone_id], grid_size=MEASURE_GRID_M))
    return [
        (scene.zones[i], float(m2))
        for i, m2 in zip(children, outside, strict=True)
        if m2 > MAX_CELL_OUTSIDE_M2
    ]


def cells_uncovered_m2(scene: Scene, zone_id: int) -> float:
    """How much more of the zone its cells leave uncovered after the edit (0 without cells)."""
    children = [i for i, z in scene.zones.items() if z.parent_id == zone_id]
    if not children:
        return 0.0

    def uncovered(geoms: dict) -> float:
        cells = shapely.union_all([geoms[i] for i in children], grid_size=MEASURE_GRID_M)
        return overlay(shapely.difference, geoms[zone_id], cells).area

    return max(uncovered(scene.after) - uncovered(scene.before), 0.0)


def touched(scene: Scene) -> list[int]:
    """The zones of an edited zone's kind, not edited themselves, that the changed area reaches:
    the page may redraw them in the same change."""
    out: set[int] = set()
    for zone_id in scene.edited:
        others = [i for i in scene.kin(zone_id) if i not in scene.edited]
        if others:
            geoms = np.array([scene.after[i] for i in others], dtype=object)
            near = shapely.dwithin(scene.changed(zone_id), geoms, TOUCH_M)
            out.update(i for i, k in zip(others, near, strict=True) if k)
    return sorted(out)


def changed_area(scene: Scene) -> BaseGeometry:
    """Where the edit changes any outline: the only place where an incident's zone can change."""
    return shapely.union_all([scene.changed(i) for i in scene.edited], grid_size=MEASURE_GRID_M)


def overlay(fn, a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    """An overlay on the measuring grid, keeping only its polygons: where two outlines only touch,
    an intersection also yields lines and points, and GEOS refuses such mixed input next."""
    out = fn(a, b, grid_size=MEASURE_GRID_M)
    if out.is_empty or out.geom_type in ("Polygon", "MultiPolygon"):
        return out
    parts = shapely.get_parts(shapely.get_parts(out))
    polygons = parts[shapely.get_type_id(parts) == 3]
    return shapely.MultiPolygon(list(polygons)) if len(polygons) else shapely.Polygon()
