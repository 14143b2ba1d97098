"""The county cut into pieces for the field phones' offline copy of the map (issue #17 part 7).

The service worker keeps the roads and communities layers of each piece at one street-level zoom,
and answers a viewport's request from the pieces under it when the network is gone. Pieces keep
each kept answer small (no larger than a viewport's of the same area) and their number is capped,
so a large county costs coarser pieces, never more of them.
"""

from __future__ import annotations

import math

from geodata.stores.store import BBox

FIELD_ZOOM = 17  # where an inspector places a pin; roads change little in size between 14 and 18
PIECE_DEG = 0.025  # about 2.5 km: a piece of a dense town is a few hundred KB of roads
MAX_PIECES = 16
GRID_DIGITS = 6  # as layers/geojson.py rounds coordinates: about 0.1 m


def pieces(extent: BBox, side_deg: float = PIECE_DEG, max_pieces: int = MAX_PIECES) -> list[BBox]:
    """Boxes that together cover ``extent`` (west, south, east, north in degrees), in rows from the
    south-west, at most ``max_pieces`` of them, each no wider or taller than ``side_deg`` unless the
    cap needs them larger."""
    x0, y0, x1, y1 = extent
    width, height = max(x1 - x0, 0.0), max(y1 - y0, 0.0)
    side = side_deg
    while _count(width, side) * _count(height, side) > max_pieces:
        side *= 1.25
    columns, rows = _count(width, side), _count(height, side)
    xs = _cuts(x0, x1, columns)
    ys = _cuts(y0, y1, rows)
    return [(xs[i], ys[j], xs[i + 1], ys[j + 1]) for j in range(rows) for i in range(columns)]


def _count(length: float, side: float) -> int:
    return max(1, math.ceil(length / side))


def _cuts(low: float, high: float, parts: int) -> list[float]:
    """``parts + 1`` edges from ``low`` to ``high``, the outer ones rounded outwards so the pieces
    still cover the extent once rounded for a URL."""
    step = (high - low) / parts
    inner = [round(low + k * step, GRID_DIGITS) for k in range(1, parts)]
    scale = 10**GRID_DIGITS
    return [math.floor(low * scale) / scale, *inner, math.ceil(high * scale) / scale]
