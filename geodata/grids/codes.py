"""Stable grid cell codes: each community's 12-digit prefix, matching new cells with stored ones,
and numbering the cells that are new. Code layout: see ``geodata.grids.make``."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import shapely

from geodata.errors import InvalidInput
from geodata.io.imports import SUBDISTRICT_NONE, reading_order
from geodata.model import County, Zone

# A new cell within this distance (metres, Hausdorff) of a stored one is the same cell: it keeps
# the stored cell's code. Well under any real street change, well over float noise.
SAME_CELL_M = 0.05
# Stored and new geometry closer than this (degrees, per coordinate) are taken as identical and
# not rewritten; float noise from the projection round trip is far below it.
IDENTICAL_DEG = 1e-10
MAX_CELL_NUMBER = 999


@dataclass
class CellMatch:
    """How a community's newly computed cells relate to its stored ones (indices into ``new``)."""

    kept: dict[int, Zone] = field(default_factory=dict)  # new index → stored zone, same geometry
    redrawn: dict[int, Zone] = field(default_factory=dict)  # new index → stored zone, moved < 5 cm
    created: list[int] = field(default_factory=list)
    vanished: list[Zone] = field(default_factory=list)


def community_prefixes(
    county: County,
    communities: list[Zone],
    zones_by_id: dict[int, Zone],
    cells_by_parent: dict[int, list[Zone]],
) -> list[str]:
    """Each community's 12-digit code prefix: its own code when that is county code + 6 digits;
    else the prefix its stored cells already carry; else county + subdistrict number (``001``
    when none) + the next community number free under it, in reading order."""
    prefixes: list[str | None] = []
    for community in communities:
        own = re.fullmatch(rf"{county.code}\d{{6}}", community.code)
        prefixes.append(
            community.code if own else _stored_prefix(county, cells_by_parent.get(community.id, []))
        )
    unnamed = np.asarray([i for i, p in enumerate(prefixes) if p is None], dtype=int)
    if len(unnamed):
        unnamed = unnamed[reading_order(np.asarray([communities[i].geom for i in unnamed], dtype=object))]
    for i in unnamed:
        head = county.code + _subdistrict(county, communities[i], zones_by_id)
        used = [int(p[9:]) for p in prefixes if p and p.startswith(head)]
        number = max(used, default=0) + 1
        if number > 999:
            raise InvalidInput(
                f"{head} 下已没有可用的 3 位社区编号分配给 {communities[i].name}",
                en=f"No 3-digit community number is left under {head} for {communities[i].name}",
            )
        prefixes[i] = f"{head}{number:03d}"
    _refuse_shared_prefixes(communities, prefixes)
    return prefixes


def _stored_prefix(county: County, cells: list[Zone]) -> str | None:
    """The 12-digit prefix most of a community's stored cells carry, so it stays when other
    communities are added."""
    prefixes = Counter(z.code[:12] for z in cells if re.fullmatch(rf"{county.code}\d{{9}}", z.code))
    return prefixes.most_common(1)[0][0] if prefixes else None


def _subdistrict(county: County, community: Zone, zones_by_id: dict[int, Zone]) -> str:
    parent = zones_by_id.get(community.parent_id) if community.parent_id else None
    if parent is not None and re.fullmatch(rf"{county.code}\d{{3}}", parent.code):
        return parent.code[-3:]
    return SUBDISTRICT_NONE


def _refuse_shared_prefixes(communities: list[Zone], prefixes: list[str]) -> None:
    seen: dict[str, Zone] = {}
    for community, prefix in zip(communities, prefixes, strict=True):
        if prefix in seen:
            raise InvalidInput(
                f"社区 {seen[prefix].name}（{seen[prefix].code}）与 {community.name}（{community.code}）将共用网格编码前缀 {prefix}；请为它们设定不同的 12 位编码（县区 + 街道 + 社区）",
                en=f"Communities {seen[prefix].name} ({seen[prefix].code}) and {community.name} "
                f"({community.code}) would share the grid code prefix {prefix}; give them distinct "
                "12-digit codes (county + subdistrict + community)",
            )
        seen[prefix] = community


def match_cells(
    new_m: np.ndarray, new_deg: np.ndarray, stored: list[Zone], stored_m: np.ndarray
) -> CellMatch:
    """Pair each new cell with the stored cell it is (within ``SAME_CELL_M``), each stored cell used
    once; the unpaired new cells are created and the unpaired stored ones have vanished."""
    match = CellMatch()
    used: set[int] = set()
    if len(stored):
        new_i, old_j = shapely.STRtree(stored_m).query(new_m, predicate="intersects")
        # Bounds that differ by more than the tolerance rule a pair out before the costly test.
        bounds_gap_m = np.abs(shapely.bounds(new_m[new_i]) - shapely.bounds(stored_m[old_j])).max(axis=1)
        new_i, old_j = new_i[bounds_gap_m <= SAME_CELL_M], old_j[bounds_gap_m <= SAME_CELL_M]
        near = shapely.hausdorff_distance(new_m[new_i], stored_m[old_j]) <= SAME_CELL_M
        for i, j in zip(new_i[near], old_j[near], strict=True):
            if i in match.kept or i in match.redrawn or j in used:
                continue
            used.add(int(j))
            same = _identical(new_deg[i], stored[j].geom)
            (match.kept if same else match.redrawn)[int(i)] = stored[j]
    paired = set(match.kept) | set(match.redrawn)
    match.created = [i for i in range(len(new_m)) if i not in paired]
    match.vanished = [z for j, z in enumerate(stored) if j not in used]
    return match


def _identical(a, b) -> bool:
    return bool(shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=IDENTICAL_DEG))


def number_new_cells(
    prefix: str, community: Zone, new_m: np.ndarray, match: CellMatch, taken: set[str]
) -> dict[int, str]:
    """Codes for the created cells, in reading order (west→east in rows north→south), from the
    number after the community's highest stored one; gaps are filled only past 999."""
    created = np.asarray(match.created, dtype=int)
    if len(created) == 0:
        return {}
    numbers = _free_numbers(prefix, taken, len(created), community)
    ordered = created[reading_order(new_m[created])]
    return {int(i): f"{prefix}{n:03d}" for i, n in zip(ordered, numbers, strict=True)}


def _free_numbers(prefix: str, taken: set[str], count: int, community: Zone) -> list[int]:
    """``count`` cell numbers under ``prefix`` that no stored cell uses, highest-plus-one first."""
    used = {int(c[len(prefix) :]) for c in taken if re.fullmatch(rf"{prefix}\d{{3}}", c)}
    start = max(used, default=0) + 1
    numbers = list(range(start, min(start + count, MAX_CELL_NUMBER + 1)))
    if len(numbers) < count:
        gaps = [n for n in range(1, start) if n not in used]
        numbers += gaps[: count - len(numbers)]
    if len(numbers) < count:
        raise InvalidInput(
            f"{community.name} 需要超过 {MAX_CELL_NUMBER} 个网格，超出 3 位网格编号的范围：请选择更大的目标面积",
            en=f"{community.name} would need more than {MAX_CELL_NUMBER} grid cells, more than a "
            "3-digit cell number allows: choose a larger target area",
        )
    return numbers
