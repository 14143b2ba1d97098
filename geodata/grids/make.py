"""Unit grids (单元网格, DESIGN §2, §10): split every community (and village, 村) into cells whose
edges follow the streets, and store them as zones of kind ``grid`` with stable codes.

Within a community (in the county's metric CRS) the streets clipped to it are polygonized into
blocks, the community boundary closing them; blocks under half the target area merge into the
neighbour they share the longest edge with; blocks over twice the target are halved across their
long axis until they fit (``geodata.grids.split``). The cells tile the community: their union is
its area within 0.01 %, no two overlap by more than 1 m², each is a valid polygon.

Cell codes have 15 digits, DESIGN §10::

    440304 001 007 012
    |      |   |   +-- cell number in the community, 3 digits (001-999)
    |      |   +------ community number, 3 digits
    |      +---------- subdistrict (街道) number, 3 digits; 001 when the county has none
    +----------------- county admin code, 6 digits (GB/T 2260)

The first 12 digits are the community's own code when it is the county code plus six digits;
otherwise the prefix its cells already carry; otherwise its subdistrict's number (or 001) and the
next community number free under it, communities taken in reading order.
Cells are numbered west to east in rows from north to south. Codes are stable
(``geodata.grids.codes``): a cell that is still there (within 5 cm) keeps its code; new cells take
the numbers after the community's highest; cells that vanished are deleted. Re-running on
unchanged input writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import shapely

from geodata import clock
from geodata.errors import Conflict, InvalidInput, PortalError
from geodata.geo.geometry import from_metric, to_metric
from geodata.grids.codes import CellMatch, community_prefixes, match_cells, number_new_cells
from geodata.grids.split import TilingCheck, check_tiling, street_blocks, tile_area
from geodata.io.read import resolve_county
from geodata.model import COMMUNITY_KINDS, INNER_ZONE_KINDS, County, Zone
from geodata.stores.store import Store

MIN_TARGET_M2 = 500
MAX_TARGET_M2 = 1_000_000
MAX_AREA_DIFF_PCT = 0.01
MAX_OVERLAP_M2 = 1.0

Progress = Callable[[int, int | None], None]


@dataclass
class CommunityGrid:
    """One community's cells after a run, and how well they tile it."""

    name: str
    prefix: str
    cells: int
    created: int
    kept: int
    deleted: int
    redrawn: int  # kept cells whose outline moved by under 5 cm and was rewritten
    check: TilingCheck


@dataclass
class GridSummary:
    """What ``make_grid`` did: per community, cells created, kept and deleted, the tiling check,
    and the distribution of cell areas."""

    county: County
    target_m2: float
    communities: list[CommunityGrid] = field(default_factory=list)
    cell_areas_m2: np.ndarray = field(default_factory=lambda: np.array([]))
    seconds: float = 0.0

    def total(self, what: str) -> int:
        return sum(getattr(c, what) for c in self.communities)

    @property
    def written(self) -> bool:
        return any(c.created or c.deleted or c.redrawn for c in self.communities)

    def area_distribution(self) -> dict[str, float]:
        """Cell areas in m²: min, p10, median, p90, max."""
        if len(self.cell_areas_m2) == 0:
            return {}
        q = np.percentile(self.cell_areas_m2, [0, 10, 50, 90, 100])
        return dict(zip(("min", "p10", "median", "p90", "max"), map(float, q), strict=True))

    def lines(self) -> list[str]:
        """The summary as printed by ``flask make-grid``."""
        head = (
            f"{self.county.name} ({self.county.code}): {len(self.communities)} communities, "
            f"{self.total('cells')} grid cells of about {self.target_m2:,.0f} m² in {self.seconds:.1f} s"
        )
        counts = (
            f"  cells: {self.total('created')} created, {self.total('kept')} kept, "
            f"{self.total('deleted')} deleted"
        )
        if self.total("redrawn"):
            counts += f" ({self.total('redrawn')} kept cells redrawn by under 5 cm)"
        if not self.written:
            counts += " — nothing changed, the grid was up to date"
        spread = " · ".join(f"{k} {v:,.0f}" for k, v in self.area_distribution().items())
        out = [
            head,
            counts,
            f"  cell area m²: {spread}",
            "  tiling (cells, area difference, largest overlap):",
        ]
        out += [
            f"    {c.prefix} {c.name}: {c.cells} cells, {c.check.area_diff_pct:.5f} %, "
            f"{c.check.max_overlap_m2:.3f} m²"
            for c in self.communities
        ]
        if self.communities:
            worst_pct = max(c.check.area_diff_pct for c in self.communities)
            worst_m2 = max(c.check.max_overlap_m2 for c in self.communities)
            out.append(
                f"  worst: {worst_pct:.5f} % area difference (limit {MAX_AREA_DIFF_PCT} %), "
                f"{worst_m2:.3f} m² overlap (limit {MAX_OVERLAP_M2:g} m²)"
            )
        return out


@dataclass
class _Plan:
    """One community's computed cells (metric and lon/lat) and their match with stored ones."""

    community: Zone
    prefix: str
    cells_m: np.ndarray
    cells_deg: np.ndarray
    match: CellMatch
    codes: dict[int, str]
    check: TilingCheck


def make_grid(
    store: Store, county: str | County, target_m2: float = 10_000, progress: Progress | None = None
) -> GridSummary:
    """Split every community of the county into unit grid cells of about ``target_m2`` and store
    them in one transaction, keeping the codes of the cells that did not change.

    Refuses (InvalidInput) a target outside 500–1,000,000 m² and a county without communities,
    and (Conflict, nothing changed) a run that would delete cells still targeted by assignments."""
    started = time.perf_counter()
    _check_target(target_m2)
    with store.transaction():
        county = resolve_county(store, county)
        plans = _plan(store, county, float(target_m2), progress)
        _refuse_assigned(store, county, plans)
        _write(store, county, plans)
    summary = GridSummary(county, float(target_m2), [_community_grid(p) for p in plans])
    summary.cell_areas_m2 = np.concatenate([shapely.area(p.cells_m) for p in plans])
    summary.seconds = time.perf_counter() - started
    return summary


def _check_target(target_m2: float) -> None:
    if not (MIN_TARGET_M2 <= target_m2 <= MAX_TARGET_M2):
        raise InvalidInput(
            f"网格目标面积应在 {MIN_TARGET_M2:,} 至 {MAX_TARGET_M2:,} m² 之间，而不是 {target_m2:,g}",
            en=f"The target cell area must be between {MIN_TARGET_M2:,} and {MAX_TARGET_M2:,} m², "
            f"not {target_m2:,g}",
            field="target_m2",
        )


def _plan(store: Store, county: County, target_m2: float, progress: Progress | None) -> list[_Plan]:
    """Compute every community's cells and how they match the stored ones; nothing is written."""
    zones = store.list_zones(county.id)
    communities = [z for z in zones if z.kind in COMMUNITY_KINDS]  # villages are split alike
    if not communities:
        raise InvalidInput(
            f"县区 {county.code} 没有可划分网格的社区：请先导入（import-zones --kind community 或 village）",
            en=f"County {county.code} has no communities to split into grid cells: "
            "import them first (import-zones --kind community, or village)",
        )
    epsg = store.county_epsg(county.id)
    grids = [z for z in zones if z.kind == "grid"]
    cells_by_parent: dict[int, list[Zone]] = {}
    for z in grids:
        cells_by_parent.setdefault(z.parent_id, []).append(z)
    prefixes = community_prefixes(county, communities, {z.id: z for z in zones}, cells_by_parent)
    streets = _metric_streets(store, county.id, epsg)
    taken = {z.code for z in zones if z.kind in INNER_ZONE_KINDS}  # courtyards share the numbers
    plans = []
    for n, (community, prefix) in enumerate(zip(communities, prefixes, strict=True), start=1):
        stored = cells_by_parent.get(community.id, [])
        plans.append(_plan_community(community, prefix, streets, stored, taken, target_m2, epsg))
        if progress:
            progress(n, len(communities))
    return plans


def _metric_streets(store: Store, county_id: int, epsg: int) -> shapely.STRtree:
    lines = [s.geom for s in store.list_segments(county_id)]
    return shapely.STRtree(to_metric(np.asarray(lines, dtype=object), epsg))


def _plan_community(
    community: Zone,
    prefix: str,
    streets: shapely.STRtree,
    stored: list[Zone],
    taken: set[str],
    target_m2: float,
    epsg: int,
) -> _Plan:
    area_m = to_metric(community.geom, epsg)
    lines = streets.geometries[np.sort(streets.query(area_m, predicate="intersects"))]
    cells = tile_area(street_blocks(area_m, lines), target_m2)
    cells_deg = from_metric(np.asarray(cells, dtype=object), epsg)
    cells_m = to_metric(cells_deg, epsg)  # what is stored, measured the way it will be read back
    check = check_tiling(list(cells_m), area_m)
    _refuse_bad_tiling(community, check)
    stored_m = to_metric(np.asarray([z.geom for z in stored], dtype=object), epsg)
    match = match_cells(cells_m, cells_deg, stored, stored_m)
    codes = number_new_cells(prefix, community, cells_m, match, taken)
    taken.update(codes.values())
    return _Plan(community, prefix, cells_m, cells_deg, match, codes, check)


def _refuse_bad_tiling(community: Zone, check: TilingCheck) -> None:
    """A safety net: cells that fail the tiling tolerances are never stored."""
    if check.area_diff_pct > MAX_AREA_DIFF_PCT or check.max_overlap_m2 > MAX_OVERLAP_M2 or check.invalid:
        raise PortalError(
            f"为 {community.name} 计算的网格未能铺满该社区（面积差 {check.area_diff_pct:.4f} %，重叠 {check.max_overlap_m2:.2f} m²，无效网格 {check.invalid} 个）；未保存任何数据",
            en=f"The cells computed for {community.name} do not tile it (area difference "
            f"{check.area_diff_pct:.4f} %, overlap {check.max_overlap_m2:.2f} m², "
            f"{check.invalid} invalid cells); nothing was stored",
        )


def _refuse_assigned(store: Store, county: County, plans: list[_Plan]) -> None:
    """Conflict naming every cell that would vanish while assignments still target it."""
    held = [z for p in plans for z in p.match.vanished if store.assignments_of(county.id, "zone", z.id)]
    if held:
        names = ", ".join(f"{z.code} {z.name}" for z in held)
        cells = "cell" if len(held) == 1 else "cells"
        raise Conflict(
            f"新网格将删除 {len(held)} 个仍有单位负责的网格：{names}；请先结束或转移这些责任分配（未作任何更改）",
            en=f"The new grid would delete {len(held)} {cells} that units are still assigned to: "
            f"{names}; end or move those assignments first (nothing was changed)",
            zone_ids=[z.id for z in held],
        )


def _write(store: Store, county: County, plans: list[_Plan]) -> None:
    """Delete the vanished cells, rewrite the redrawn ones, add the new ones."""
    vanished = [z.id for p in plans for z in p.match.vanished]
    if vanished:
        store.delete_zones(county.id, vanished)
    for p in plans:
        for i, zone in p.match.redrawn.items():
            store.update_zone(replace(zone, geom=p.cells_deg[i], area_m2=float(p.cells_m[i].area)))
    new = sorted((_new_zone(county, p, i) for p in plans for i in p.match.created), key=lambda z: z.code)
    if new:
        store.add_zones(new)


def _new_zone(county: County, plan: _Plan, i: int) -> Zone:
    code = plan.codes[i]
    return Zone(
        county.id,
        "grid",
        code,
        f"{plan.community.name}第{code[-3:]}网格",
        plan.cells_deg[i],
        parent_id=plan.community.id,
        area_m2=float(plan.cells_m[i].area),
        created_at=clock.now(),
    )


def _community_grid(plan: _Plan) -> CommunityGrid:
    m = plan.match
    return CommunityGrid(
        name=plan.community.name,
        prefix=plan.prefix,
        cells=len(plan.cells_m),
        created=len(m.created),
        kept=len(m.kept) + len(m.redrawn),
        deleted=len(m.vanished),
        redrawn=len(m.redrawn),
        check=plan.check,
    )
