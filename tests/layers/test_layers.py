"""Pure helpers of the layer modules: cell sizes, the colours of units by kind, the registry's face."""

from __future__ import annotations

import inspect
import itertools
import math
import re

import pytest

import layers
from geodata.errors import NotFound
from geodata.model import Unit
from layers.coverage import GAP_COLOUR
from layers.roads import (
    OTHER_KIND_COLOUR,
    UNGUARDED_COLOUR,
    UNIT_KINDS,
    kind_legend,
    unit_colour,
    unit_legend,
)

BUREAU, COMMITTEE = UNIT_KINDS["bureau"][1], UNIT_KINDS["community"][1]
UNITS = [
    Unit(1, "CG", "城管局", "bureau", id=1),
    Unit(1, "JJ", "交警大队", "bureau", id=2),
    Unit(1, "JWH01", "福新社区居委会", "community", id=3),
    Unit(1, "JD", "莲花街道办", "subdistrict", id=4),  # a kind an import brought
    Unit(1, "WY", "物业公司", "<b>物业</b>", id=5),
]


def _lab(colour: str) -> tuple[float, float, float]:
    """An sRGB colour ``#rrggbb`` in CIE L*a*b* (D65)."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92 for c in rgb]
    xyz = ((r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047, r * 0.2126 + g * 0.7152 + b * 0.0722,
           (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883)  # fmt: skip
    x, y, z = [v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in xyz]
    return 116 * y - 16, 500 * (x - y), 200 * (y - z)


def test_the_kinds_colours_are_told_apart_from_each_other_and_from_the_incident_dots():
    """A road's colour is never mistaken for a problem's dot beside it (ΔE ≥ 20: clearly another
    colour) nor for another kind of unit (ΔE ≥ 40)."""
    from webmap.maptiles import CATEGORY_COLOURS, OTHER_CATEGORY_COLOUR

    kinds = [BUREAU, COMMITTEE, OTHER_KIND_COLOUR]
    dots = [*CATEGORY_COLOURS.values(), OTHER_CATEGORY_COLOUR]
    assert min(math.dist(_lab(a), _lab(b)) for a, b in itertools.combinations(kinds, 2)) >= 40
    near = min((math.dist(_lab(k), _lab(d)), k, d) for k in kinds for d in dots)
    assert near[0] >= 20, near


def test_units_are_painted_in_their_kinds_colour():
    """Two bureaus share the bureau colour, a committee has the committee colour, any other kind the
    neutral one; none is the unguarded grey or the coverage gaps' red."""
    assert [unit_colour(u) for u in UNITS] == [BUREAU] * 2 + [COMMITTEE] + [OTHER_KIND_COLOUR] * 2
    colours = [BUREAU, COMMITTEE, OTHER_KIND_COLOUR, UNGUARDED_COLOUR, GAP_COLOUR]
    assert len(set(colours)) == len(colours)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    legend = unit_legend(UNITS)
    assert [(u["code"], u["kind_name"], u["colour"]) for u in legend] == [
        ("CG", "职能部门", BUREAU), ("JD", "其他", OTHER_KIND_COLOUR), ("JJ", "职能部门", BUREAU),
        ("JWH01", "社区居委会", COMMITTEE), ("WY", "其他", OTHER_KIND_COLOUR),
    ]  # fmt: skip


def test_the_legend_lists_kinds_with_how_many_units_and_segments():
    """One entry per kind present, known kinds first; the kinds it does not know as one 其他."""
    segments = {1: 40, 2: 25, 3: 7, 4: 2, 5: 1}
    assert kind_legend(list(reversed(UNITS)), segments) == [
        {"kind": "bureau", "name": "职能部门", "colour": BUREAU, "units": 2, "segments": 65},
        {"kind": "community", "name": "社区居委会", "colour": COMMITTEE, "units": 1, "segments": 7},
        {"kind": "other", "name": "其他", "colour": OTHER_KIND_COLOUR, "units": 2, "segments": 3},
    ]
    assert [k["kind"] for k in kind_legend(UNITS[2:3], segments)] == ["community"]
    assert kind_legend([], {}) == []


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
