"""The pure geometry of unit grids: streets into blocks, small blocks merged, large ones halved.

Everything here works in a metric CRS (metres, m²) on plain shapely polygons and knows nothing of
the store. ``geodata.grids.make`` drives it per community.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

# Street ends closer than this to another street are joined to it (metres): digitising slips.
SNAP_M = 0.5
# Every overlay runs on this grid (metres): snap-rounding makes nearly-equal vertices one and
# keeps GEOS off its floating-point path, which can answer touching polygons wrongly.
GRID_M = 0.01
# The tiling is measured on a finer grid, fine enough not to hide a real overlap.
MEASURE_GRID_M = 1e-4
# Faces smaller than this (m²), or thinner on average than THIN_M, are noding dust, not blocks.
DUST_M2 = 1.0
THIN_M = 0.05
# Rounds of split-then-merge for the pieces a non-convex block leaves when it is halved.
CLEANUP_ROUNDS = 4
# Samples of the cut position per refinement when halving a block by area.
CUT_SAMPLES = 16


@dataclass(frozen=True)
class TilingCheck:
    """How well cells tile their community: what the DESIGN §10 tolerances are checked against."""

    area_diff_pct: float  # |union of cells − community| / community, in %
    max_overlap_m2: float  # the largest area shared by two cells
    invalid: int  # cells that are not valid polygons


def street_blocks(area: BaseGeometry, lines: np.ndarray) -> list[Polygon]:
    """The blocks the streets cut ``area`` into: streets clipped to it, snapped, noded and
    polygonized, the area's own boundary closing the blocks at its edge. The blocks tile the area
    (on a ``GRID_M`` grid)."""
    area = shapely.set_precision(area, GRID_M)
    lines = shapely.get_parts(np.asarray(lines, dtype=object))
    if len(lines):
        lines = _clip(snap_ends(lines), area)
    linework = shapely.union_all(np.append(lines, shapely.boundary(area)), grid_size=GRID_M)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))
    inside = shapely.within(shapely.point_on_surface(faces), area) & ~_is_dust(faces)
    return _fill_leftovers(area, list(faces[inside]))


def snap_ends(lines: np.ndarray, tolerance_m: float = SNAP_M) -> np.ndarray:
    """Move each street end that stops short of another street (within ``tolerance_m``) onto it,
    so digitising slips do not leave blocks open."""
    lines = np.asarray(lines, dtype=object)
    ends = np.concatenate([shapely.get_point(lines, 0), shapely.get_point(lines, -1)])
    owner = np.tile(np.arange(len(lines)), 2)
    near_end, near_line = shapely.STRtree(lines).query(ends, predicate="dwithin", distance=tolerance_m)
    other = owner[near_end] != near_line
    near_end, near_line = near_end[other], near_line[other]
    gap_m = shapely.distance(ends[near_end], lines[near_line])
    loose = ~np.isin(near_end, near_end[gap_m == 0])  # an end touching any street is joined
    near_end, near_line, gap_m = near_end[loose], near_line[loose], gap_m[loose]
    coords = {i: shapely.get_coordinates(lines[i]) for i in np.unique(owner[near_end])}
    for e in np.unique(near_end):
        mine = near_end == e
        target = near_line[mine][np.argmin(gap_m[mine])]
        point = shapely.get_coordinates(shapely.shortest_line(ends[e], lines[target]))[1]
        coords[owner[e]][0 if e < len(lines) else -1] = point
    out = lines.copy()
    for i, xy in coords.items():
        out[i] = shapely.LineString(xy)
    return out


def _clip(lines: np.ndarray, area: BaseGeometry) -> np.ndarray:
    """The parts of the lines inside the area; only lines that leave it are cut (most do not)."""
    shapely.prepare(area)
    crossing = ~shapely.contains_properly(area, lines)
    cut = shapely.get_parts(shapely.intersection(lines[crossing], area, grid_size=GRID_M))
    cut = cut[shapely.get_type_id(cut) == 1]  # a street touching the area at a point adds nothing
    return np.concatenate([lines[~crossing], cut])


def _is_dust(polys) -> np.ndarray:
    """Slivers left by noding streets that run along the boundary: tiny, or thinner than
    ``THIN_M`` on average."""
    area_m2 = shapely.area(polys)
    return (area_m2 <= DUST_M2) | (area_m2 < THIN_M * shapely.length(polys))


def _fill_leftovers(area: BaseGeometry, faces: list[Polygon]) -> list[Polygon]:
    """Give any part of ``area`` the faces miss (slivers at its edge) to the face whose boundary
    runs along it the longest, so the faces tile the area."""
    if not faces:
        return polygons(area)
    covered = shapely.coverage_union_all(faces)  # polygonize's faces share their edges exactly
    rest = shapely.difference(area, covered, grid_size=GRID_M)
    tree = shapely.STRtree(faces)
    for part in polygons(rest):
        near = tree.query(part, predicate="dwithin", distance=THIN_M)
        if len(near) == 0:
            faces.append(part)
            continue
        best = int(near[_most_alongside(part, np.asarray(faces, dtype=object)[near])])
        faces[best] = union_polygonal([faces[best], part])
    return faces


def _most_alongside(piece: BaseGeometry, others: np.ndarray) -> int:
    """The index of the polygon among ``others`` whose boundary runs along ``piece`` the longest
    (within ``THIN_M``: a sliver need not share its edges exactly)."""
    zone = shapely.buffer(piece, THIN_M)
    along = shapely.length(shapely.intersection(shapely.boundary(others), zone, grid_size=GRID_M))
    return int(np.argmax(along))


def polygons(geom: BaseGeometry) -> list[Polygon]:
    """The polygons of a geometry with area, dropping what an overlay collapsed to lines or points."""
    return [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 0]


def union_polygonal(parts, coverage: bool = False) -> BaseGeometry:
    """The union of polygons: a Polygon when they are connected. Specks under ``DUST_M2`` that
    touch the rest only at a point are dropped rather than make the cell a MultiPolygon. With
    ``coverage`` the parts share their edges exactly (a noded partition) and the union is cheap."""
    union = shapely.coverage_union_all(parts) if coverage else shapely.union_all(parts, grid_size=GRID_M)
    pieces = polygons(union)
    pieces = [p for p in pieces if p.area > DUST_M2] or pieces
    return pieces[0] if len(pieces) == 1 else shapely.MultiPolygon(pieces)


def shared_edges(cells: list[Polygon]) -> list[dict[int, float]]:
    """For each cell, the length (m) of boundary it shares with each neighbour (corners do not
    count). The cells must be noded (``renode``): a shared edge is then the same segments, vertex
    for vertex, in both cells, and is found by matching segments rather than by overlays."""
    rings, ring_cell = shapely.get_rings(np.asarray(cells, dtype=object), return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    inner = ring[:-1] == ring[1:]
    start, end, owner = xy[:-1][inner], xy[1:][inner], ring_cell[ring[:-1][inner]]
    flip = (start[:, 0] > end[:, 0]) | ((start[:, 0] == end[:, 0]) & (start[:, 1] > end[:, 1]))
    keys = np.where(flip[:, None], np.hstack([end, start]), np.hstack([start, end]))
    _, segment, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    shared = counts[segment] == 2
    order = np.argsort(segment[shared], kind="stable")
    pairs = owner[shared][order].reshape(-1, 2)
    lengths = np.hypot(*(end - start)[shared][order][::2].T)
    adjacency: list[dict[int, float]] = [{} for _ in cells]
    for (a, b), length_m in zip(pairs, lengths, strict=True):
        if a != b:
            adjacency[a][int(b)] = adjacency[a].get(int(b), 0.0) + float(length_m)
            adjacency[b][int(a)] = adjacency[a][int(b)]
    return adjacency


def merge_small(cells: list[Polygon], min_m2: float, max_m2: float | None = None) -> list[Polygon]:
    """Merge every cell smaller than ``min_m2`` into the neighbour it shares the longest edge
    with, smallest first, until none is left that has a neighbour. With ``max_m2``, neighbours
    the merge would keep under it are preferred."""
    cells = renode(cells)  # neighbours share their edges exactly, so merging is a coverage union
    if len(cells) < 2:
        return cells
    adjacency = shared_edges(cells)
    areas = [c.area for c in cells]
    alive = [True] * len(cells)
    heap = [(a, i) for i, a in enumerate(areas) if a < min_m2]
    heapq.heapify(heap)
    while heap:
        _, i = heapq.heappop(heap)
        if not alive[i] or not adjacency[i]:
            continue
        j = _merge_partner(adjacency[i], areas, areas[i], max_m2)
        k = _merge_pair(cells, adjacency, areas, alive, i, j)
        if areas[k] < min_m2:
            heapq.heappush(heap, (areas[k], k))
    return [c for c, keep in zip(cells, alive, strict=True) if keep]


def _merge_partner(neighbours: dict[int, float], areas: list[float], area_m2: float, max_m2) -> int:
    """The neighbour sharing the longest edge (the lowest index on a tie), among those the
    merge keeps under ``max_m2`` when there are any."""
    fitting = {j: n for j, n in neighbours.items() if max_m2 is None or area_m2 + areas[j] <= max_m2}
    pool = fitting or neighbours
    return min(pool, key=lambda j: (-pool[j], j))


def _merge_pair(cells, adjacency, areas, alive, i: int, j: int) -> int:
    """Replace cells ``i`` and ``j`` by their union, appended as a new cell; return its index."""
    k = len(cells)
    cells.append(union_polygonal([cells[i], cells[j]], coverage=True))
    areas.append(cells[k].area)
    alive[i] = alive[j] = False
    alive.append(True)
    merged: dict[int, float] = {}
    for old in (i, j):
        for n, length_m in adjacency[old].items():
            if n not in (i, j):
                merged[n] = merged.get(n, 0.0) + length_m
                adjacency[n].pop(old, None)
        adjacency[old] = {}
    for n, length_m in merged.items():
        adjacency[n][k] = length_m
    adjacency.append(merged)
    return k


def split_large(cells: list[Polygon], max_m2: float) -> list[Polygon]:
    """Halve every cell larger than ``max_m2`` across its long axis, again and again, until every
    piece fits; the pieces are renoded so neighbours share their vertices."""
    out: list[Polygon] = []
    stack = list(reversed(cells))
    while stack:
        cell = stack.pop()
        if cell.area <= max_m2:
            out.append(cell)
            continue
        pieces = halve(cell)
        if len(pieces) < 2:  # nothing to cut (a degenerate sliver): keep it whole
            out.append(cell)
            continue
        stack.extend(reversed(pieces))
    return renode(out) if len(out) > len(cells) else out


def halve(cell: Polygon) -> list[Polygon]:
    """Cut a polygon in two halves of equal area by a line across the long axis of its minimum
    rotated rectangle; a non-convex polygon may fall into more than two pieces."""
    frame = np.array(_axes(cell))  # rows: along, across; orthonormal, so its inverse is its transpose
    turned = shapely.transform(cell, lambda xy: xy @ frame.T)
    s0, t0, s1, t1 = turned.bounds
    pad = 1.0 + (s1 - s0) + (t1 - t0)
    cut = _area_cut(turned, (s0 - pad, t0 - pad, s1, t1 + pad))
    blade = shapely.transform(shapely.box(s0 - pad, t0 - pad, cut, t1 + pad), lambda st: st @ frame)
    pieces = polygons(shapely.intersection(cell, blade, grid_size=GRID_M))
    pieces += polygons(shapely.difference(cell, blade, grid_size=GRID_M))
    return absorb_dust(pieces)


def absorb_dust(pieces: list[Polygon]) -> list[Polygon]:
    """Join each sliver an overlay left (a cut grazing a vertex) to the piece beside it that runs
    along it the longest, so no cell is dust."""
    dust = _is_dust(np.asarray(pieces, dtype=object)) if pieces else np.array([], dtype=bool)
    solid = [p for p, d in zip(pieces, dust, strict=True) if not d]
    if not solid:
        return [union_polygonal(pieces)] if pieces else []
    for sliver in (p for p, d in zip(pieces, dust, strict=True) if d):
        best = _most_alongside(sliver, np.asarray(solid, dtype=object))
        solid[best] = union_polygonal([solid[best], sliver])
    return solid


def _axes(cell: Polygon) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors along the long side and the short side of the minimum rotated rectangle."""
    ring = shapely.get_coordinates(shapely.minimum_rotated_rectangle(cell))
    sides = [ring[1] - ring[0], ring[2] - ring[1]]
    long_side = max(sides, key=lambda v: float(np.hypot(*v)))
    norm = float(np.hypot(*long_side))
    along = long_side / norm if norm > 0 else np.array([1.0, 0.0])
    return along, np.array([-along[1], along[0]])


def _area_cut(turned: Polygon, frame: tuple[float, float, float, float]) -> float:
    """Where to cut a polygon turned to lie along the x axis so half its area is on each side:
    two rounds of rectangle clips (cheap: no overlay), then linear interpolation (the area left
    of the cut grows monotonically with it)."""
    x0, y0, hi, y1 = frame
    lo, half_m2 = turned.bounds[0], turned.area / 2
    for _ in range(2):
        cuts = np.linspace(lo, hi, CUT_SAMPLES)
        areas = shapely.area([shapely.clip_by_rect(turned, x0, y0, cut, y1) for cut in cuts])
        k = int(np.clip(np.searchsorted(areas, half_m2), 1, CUT_SAMPLES - 1))
        lo, hi, a_lo, a_hi = cuts[k - 1], cuts[k], areas[k - 1], areas[k]
    return float(lo + (hi - lo) * (half_m2 - a_lo) / (a_hi - a_lo)) if a_hi > a_lo else float(lo)


def tile_area(blocks: list[Polygon], target_m2: float) -> list[Polygon]:
    """Cells of about ``target_m2`` from street blocks: merge those under half the target, halve
    those over twice it, then tidy the pieces a non-convex block leaves when halved."""
    cells = merge_small(blocks, target_m2 / 2)
    for _ in range(CLEANUP_ROUNDS):
        cells = split_large(cells, 2 * target_m2)
        if not _has_mergeable(cells, target_m2 / 2):
            break
        cells = merge_small(cells, target_m2 / 2, max_m2=2 * target_m2)
    return cells


def renode(cells: list[Polygon]) -> list[Polygon]:
    """Rebuild the cells from one noding of all their edges on the ``GRID_M`` grid, so that
    neighbours share every vertex of a common edge (no T-junctions, which reprojection would turn
    into slivers of overlap) and overlay round-off leaves neither gaps nor overlaps."""
    arr = np.asarray(cells, dtype=object)
    if len(arr) < 2:
        return list(arr)
    linework = shapely.union_all(shapely.boundary(arr), grid_size=GRID_M)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))
    faces = faces[shapely.area(faces) > 0]
    owner = _face_owners(faces, arr)
    # A cell left with no face lay wholly under others (an overlap): it is dropped.
    return [union_polygonal(faces[owner == k], coverage=True) for k in np.unique(owner)]


def _face_owners(faces: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """For each face, the cell holding its inside point (the lowest on an overlap); a face in a
    gap goes to the cell whose boundary runs along it the longest."""
    owner = np.full(len(faces), -1)
    tree = shapely.STRtree(cells)
    face_i, cell_i = tree.query(shapely.point_on_surface(faces), predicate="within")
    first = np.unique(face_i, return_index=True)[1]
    owner[face_i[first]] = cell_i[first]
    for f in np.flatnonzero(owner < 0):
        near = tree.query(faces[f], predicate="dwithin", distance=THIN_M)
        near = near if len(near) else np.arange(len(cells))
        owner[f] = int(near[_most_alongside(faces[f], cells[near])])
    return owner


def _has_mergeable(cells: list[Polygon], min_m2: float) -> bool:
    """Whether some cell under ``min_m2`` still has a neighbour to merge into."""
    small = [i for i, c in enumerate(cells) if c.area < min_m2]
    if not small or len(cells) < 2:
        return False
    adjacency = shared_edges(cells)
    return any(adjacency[i] for i in small)


def check_tiling(cells: list[Polygon], area: BaseGeometry) -> TilingCheck:
    """Compare cells with the area they should tile: area difference, worst overlap, invalid
    cells."""
    arr = np.asarray(cells, dtype=object)
    union_m2 = shapely.union_all(arr, grid_size=MEASURE_GRID_M).area if len(arr) else 0.0
    diff_pct = 100 * abs(union_m2 - area.area) / area.area if area.area else 0.0
    left, right = shapely.STRtree(arr).query(arr, predicate="intersects")
    keep = left < right
    # Neighbours that only touch (nearly all pairs) share no area: skip the costly overlay.
    keep[keep] = ~shapely.touches(arr[left[keep]], arr[right[keep]])
    overlaps = shapely.area(shapely.intersection(arr[left[keep]], arr[right[keep]], grid_size=MEASURE_GRID_M))
    polygonal = np.isin(shapely.get_type_id(arr), [3, 6])
    invalid = int((~(shapely.is_valid(arr) & polygonal)).sum())
    return TilingCheck(float(diff_pct), float(overlaps.max(initial=0.0)), invalid)
