"""The county cut into pieces for the field phones' offline map (layers/offline.py): the pieces
cover the extent, never overlap, are never more than the cap, and are as small as the cap allows."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from layers.offline import MAX_PIECES, PIECE_DEG, pieces

lon = st.floats(70, 135, allow_nan=False)
lat = st.floats(15, 55, allow_nan=False)
size = st.floats(0, 3, allow_nan=False)


@given(lon, lat, size, size)
def test_pieces_cover_the_extent_without_overlap_and_within_the_cap(x0, y0, width, height):
    extent = (x0, y0, x0 + width, y0 + height)
    cut = pieces(extent)
    assert 1 <= len(cut) <= MAX_PIECES
    assert min(p[0] for p in cut) <= extent[0] and min(p[1] for p in cut) <= extent[1]
    assert max(p[2] for p in cut) >= extent[2] and max(p[3] for p in cut) >= extent[3]
    area = sum((p[2] - p[0]) * (p[3] - p[1]) for p in cut)
    outer = (max(p[2] for p in cut) - min(p[0] for p in cut)) * (
        max(p[3] for p in cut) - min(p[1] for p in cut)
    )
    assert math.isclose(area, outer, rel_tol=1e-6, abs_tol=1e-9)  # side by side, none over another
    assert all(p[0] <= p[2] and p[1] <= p[3] for p in cut)


def test_a_town_is_cut_at_the_usual_size_and_a_large_county_in_larger_pieces():
    futian = (113.997019, 22.5166623, 114.0398832, 22.550524)  # the demo county: 2 × 2
    assert len(pieces(futian)) == 4
    assert all(p[2] - p[0] <= PIECE_DEG and p[3] - p[1] <= PIECE_DEG for p in pieces(futian))
    large = (113.0, 22.0, 114.0, 23.0)
    assert len(pieces(large)) <= MAX_PIECES
    assert pieces((114.0, 22.5, 114.0, 22.5)) == [(114.0, 22.5, 114.0, 22.5)]  # a point: one piece
