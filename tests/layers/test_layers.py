"""Pure helpers of the layer modules: binning, cell sizes, unit colours, the registry's face."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import layers
from geodata.errors import NotFound
from layers.incidents import bin_points, cell_size_deg
from layers.roads import UNGUARDED_COLOUR, unit_colour

lonlat = st.tuples(st.floats(113.0, 115.0), st.floats(22.0, 23.0))


@given(st.lists(lonlat, max_size=300), st.integers(8, 18))
def test_bins_keep_every_point_and_centres_stay_in_their_cell(points, zoom):
    xy = np.asarray(points, dtype=float).reshape(-1, 2)
    cell_x, cell_y = cell_size_deg(zoom, 22.5)
    centres, counts = bin_points(xy, cell_x, cell_y)
    assert counts.sum() == len(points)
    assert len(centres) == len(counts)
    if len(points):
        cells = {tuple(c) for c in np.floor(xy / [cell_x, cell_y])}
        assert len(counts) == len(cells)
        # A centre is a mean of points, so it lies within their bounds.
        assert (centres >= xy.min(axis=0) - 1e-9).all() and (centres <= xy.max(axis=0) + 1e-9).all()


def test_bins_do_not_move_when_the_viewport_moves():
    xy = np.array([[114.0501, 22.5401], [114.0502, 22.5402], [114.2, 22.6]])
    a_centres, a_counts = bin_points(xy, 0.01, 0.01)
    b_centres, b_counts = bin_points(xy[:2], 0.01, 0.01)
    assert a_counts.tolist() == [2, 1] and b_counts.tolist() == [2]
    np.testing.assert_allclose(a_centres[0], b_centres[0])


def test_cells_halve_with_each_zoom_level():
    assert cell_size_deg(13, 22.5)[0] == pytest.approx(2 * cell_size_deg(14, 22.5)[0])


def test_unit_colours_are_stable_distinct_and_never_the_gap_grey():
    colours = [unit_colour(i) for i in range(1, 25)]
    assert colours == [unit_colour(i) for i in range(1, 25)]
    assert len(set(colours)) == 24
    assert UNGUARDED_COLOUR not in colours
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)


def test_every_layer_has_the_same_face():
    assert list(layers.LAYERS) == ["zones", "roads", "incidents"]
    for name, module in layers.LAYERS.items():
        assert name == module.NAME and module.TITLE
        params = list(inspect.signature(module.features).parameters)
        assert params == ["store", "county", "bbox", "zoom", "at"]


def test_unknown_layer_names_the_known_ones():
    with pytest.raises(NotFound, match="roads"):
        layers.get_layer("heat-of-the-sun")
