"""Incident clusters, shared by both backends: the incidents in a block of grid cells counted per
cell of a level with their mean position (geodata/geo/tiles.py has the grid). At the county's zooms a
tile or a heatmap would otherwise count up to every incident stored; ``incident_bin`` (migration
0009, kept by triggers) holds them already counted per cell of levels 15–19, month, category,
status and unit, and ``incident_bin_month`` per cell and month only (the unfiltered map's), so
those answers read hundreds or thousands of rows instead of a million.

The bins answer when the filters are ones they keep (time, category, status, unit; repeats left
out). A time range is split at the county's month boundaries: whole months come from the bins, the
days before the first and after the last whole month from the incidents. Any other filter (a
community, overdue, repeats included) and finer levels read the incidents only.

Nothing here runs a statement: each backend's tile builder (sqlite/tiles.py, postgis/tiles.py) runs
the statements ``cluster_statements`` makes and asks the helpers below what a tile draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from geodata.geo import tiles
from geodata.geo.tiles import CellBox, Tile
from geodata.model import COUNTY_TZ, OPEN_STATUSES
from geodata.mvt import encode as mvt
from geodata.stores.shared.cases import incident_filter_params
from geodata.stores.shared.checks import sql_list

TimeEncoder = Callable[[datetime | None], Any]  # a time as the backend keeps it
BIN_LEVELS = tuple(range(15, tiles.FINEST_CLUSTERS + 1))  # as migration 0009 counts them
_BINNED = frozenset({"since", "until", "category", "status", "unit_id", "duplicates"})
_OPEN = sql_list(OPEN_STATUSES)
_SUM_BINS = """
    SELECT b.cx >> %(shift)s AS cx, b.cy >> %(shift)s AS cy,
           SUM(b.n) AS n, SUM(b.sum_lon) AS sx, SUM(b.sum_lat) AS sy
    FROM {table} AS b
    WHERE b.county_id = %(county)s AND b.level = %(level)s
      AND b.cx BETWEEN %(x0)s AND %(x1)s AND b.cy BETWEEN %(y0)s AND %(y1)s
      AND (CAST(%(first)s AS TEXT) IS NULL OR b.month >= %(first)s)
      AND (CAST(%(end)s AS TEXT) IS NULL OR b.month < %(end)s)
    {filters}
    GROUP BY 1, 2
"""
# Counted by month only (incident_bin_month) unless one of these narrows the count.
_BY_KIND = ("category", "status", "open", "unit")
_KIND_FILTERS = f"""
      AND (CAST(%(category)s AS TEXT) IS NULL OR b.category = %(category)s)
      AND (CAST(%(status)s AS TEXT) IS NULL OR b.status = %(status)s)
      AND (CAST(%(open)s AS INTEGER) IS NULL OR b.status IN {_OPEN})
      AND (CAST(%(unit)s AS INTEGER) IS NULL OR b.unit_id = %(unit)s)
"""
_BINS_BY_KIND = _SUM_BINS.format(table="incident_bin", filters=_KIND_FILTERS)
_BINS_BY_MONTH = _SUM_BINS.format(table="incident_bin_month", filters="")


@dataclass(frozen=True)
class BinPlan:
    """Where one clusters answer comes from: bins of ``level`` for the months [first, end) (None: open
    on that side; ``level`` None: no bins at all) and the incidents under each of ``raw``'s filters."""

    level: int | None = None
    first: str | None = None
    end: str | None = None
    raw: list[dict] = field(default_factory=list)


def bin_plan(level: int, filters: dict) -> BinPlan:
    used = {k for k, v in filters.items() if v is not None and v is not False}
    if level > BIN_LEVELS[-1] or not used <= _BINNED or filters.get("duplicates"):
        return BinPlan(raw=[filters])
    since, until = filters.get("since"), filters.get("until")
    first = _month_on_or_after(since) if since is not None else None
    end = _month_on_or_before(until) if until is not None else None
    if first is not None and end is not None and first >= end:  # no whole month in the range
        return BinPlan(raw=[filters])
    raw = []
    if since is not None and since < first:
        raw.append({**filters, "since": since, "until": first})
    if until is not None and end < until:
        raw.append({**filters, "since": end, "until": until})
    return BinPlan(max(level, BIN_LEVELS[0]), _month_key(first), _month_key(end), raw)


def _month_key(t: datetime | None) -> str | None:
    """'YYYY-MM' of a time in the county's clock, as the bins keep their months."""
    return t.astimezone(COUNTY_TZ).strftime("%Y-%m") if t is not None else None


def _month_on_or_before(t: datetime) -> datetime:
    local = t.astimezone(COUNTY_TZ)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _month_on_or_after(t: datetime) -> datetime:
    start = _month_on_or_before(t)
    return start if start == t else (start + timedelta(days=32)).replace(day=1)


def cluster_statements(
    raw_sql: str, county_id: int, level: int, cells: CellBox, filters: dict, encode_time: TimeEncoder
) -> list[tuple[str, dict]]:
    """The statements (SQL and parameters) whose rows of cx, cy, n, sx, sy, summed by ``merge``, are
    the clusters of a block of cells: the bins' where ``bin_plan`` allows, else the incidents' (the
    backend's ``raw_sql``: the incidents of a lon/lat box minx…maxy whose level-24 cells lie in
    x0…x1, y0…y1, INCIDENT_FILTERS applied, per cell >> shift)."""
    plan = bin_plan(level, filters)
    statements = []
    if plan.level is not None:
        shift = plan.level - level
        x0, y0, x1, y1 = cells
        params = {
            **incident_filter_params(encode_time, **filters), "county": county_id, "level": plan.level,
            "shift": shift, "x0": x0 << shift, "y0": y0 << shift, "x1": ((x1 + 1) << shift) - 1,
            "y1": ((y1 + 1) << shift) - 1, "first": plan.first, "end": plan.end,
        }  # fmt: skip
        by_kind = any(params[k] is not None for k in _BY_KIND)
        statements.append((_BINS_BY_KIND if by_kind else _BINS_BY_MONTH, params))
    for raw in plan.raw:
        params = {**incident_filter_params(encode_time, **raw), **_cells_params(county_id, cells, level)}
        statements.append((raw_sql, params))
    return statements


def drawn(tile: Tile, level: int, centres: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The clusters a tile draws: when its cells overhang it, those whose centre it holds."""
    if tile.shifted or level < tile.z:
        keep = tile.holds(centres[:, 0], centres[:, 1])
        return centres[keep], counts[keep]
    return centres, counts


def dots_params(county_id: int, tile: Tile, counts: np.ndarray, filters: dict, encode_time: TimeEncoder):
    """From POINTS_FROM_ZOOM on, when the clusters hold no more than max_points(zoom): the parameters
    of the tile's single incidents (those a little past its edge too, DOTS_BUFFER: each tile draws
    its part of them), the filters' with ``_cells_params``'s. None when clusters it is."""
    if tile.z < tiles.POINTS_FROM_ZOOM or counts.sum() > tiles.max_points(tile.z):
        return None
    cells = tiles.bbox_cells(tiles.buffered_lonlat(tile, tiles.DOTS_BUFFER), tiles.CELL_LEVEL)
    return {
        **incident_filter_params(encode_time, **filters),
        **_cells_params(county_id, cells, tiles.CELL_LEVEL),
    }


def clusters_tile(tile: Tile, centres: np.ndarray, counts: np.ndarray) -> bytes:
    return mvt.points(tile, "incidents", centres, {"count": counts.astype(int).tolist()})


def _cells_params(county_id: int, cells: CellBox, level: int) -> dict:
    """The query parameters of a block of cells: its lon/lat box and its level-24 cell numbers."""
    minx, miny, maxx, maxy = tiles.cells_lonlat(cells, level)
    shift = tiles.CELL_LEVEL - level
    x0, y0, x1, y1 = cells
    return {
        "county": county_id, "shift": shift, "minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy,
        "x0": x0 << shift, "y0": y0 << shift, "x1": ((x1 + 1) << shift) - 1, "y1": ((y1 + 1) << shift) - 1,
    }  # fmt: skip


def merge(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The clusters of ``cluster_statements``'s answers, each an array (n, 5) of cx, cy, n, sx, sy:
    mean positions (n, 2) and counts (n), by cell x then y."""
    return _merge(np.concatenate(parts) if parts else np.empty((0, 5)))


def _merge(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells met in several parts (rows of cx, cy, n, sx, sy) summed: mean positions (n, 2) and
    counts (n), by cell x then y."""
    if len(table) == 0:
        return np.empty((0, 2)), np.empty(0, dtype=np.int64)
    cells, owner = np.unique(table[:, :2].astype(np.int64), axis=0, return_inverse=True)
    owner = owner.ravel()
    n = np.bincount(owner, weights=table[:, 2])
    keep = n > 0
    sums = np.column_stack([np.bincount(owner, weights=table[:, 3]), np.bincount(owner, weights=table[:, 4])])
    return sums[keep] / n[keep, None], n[keep].astype(np.int64)
