"""Pure helpers of the layer modules: cell sizes, unit colours, the registry's face."""

from __future__ import annotations

import inspect
import re

import pytest

import layers
from geodata.errors import NotFound
from layers.roads import UNGUARDED_COLOUR, unit_colour


def test_unit_colours_are_stable_distinct_and_never_the_gap_grey():
    colours = [unit_colour(i) for i in range(1, 25)]
    assert colours == [unit_colour(i) for i in range(1, 25)]
    assert len(set(colours)) == 24
    assert UNGUARDED_COLOUR not in colours
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)


def test_every_layer_has_the_same_face():
    assert list(layers.LAYERS) == ["zones", "roads", "incidents", "coverage", "scores", "unit"]
    for name, module in layers.LAYERS.items():
        assert name == module.NAME and module.TITLE
        params = list(inspect.signature(module.features).parameters)
        assert params[:5] == ["store", "county", "bbox", "zoom", "at"] and set(params[5:]) <= {
            "month",
            "filters",
            "unit",
        }


def test_unknown_layer_names_the_known_ones():
    with pytest.raises(NotFound, match="roads"):
        layers.get_layer("heat-of-the-sun")
