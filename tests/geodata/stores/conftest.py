"""The storage tests' small county near Futian (``county``) and its ``world``: two units, a
community with a cell, two streets (what they are made of: tests/support/contract.py)."""

from __future__ import annotations

import pytest

from geodata.model import (
    Assignment,
    County,
    Segment,
    Unit,
    Zone,
)
from tests.support.contract import CELL, COMMUNITY, EAST_WEST, EXTENT, NORTH_SOUTH, T0


@pytest.fixture
def county(store):
    return store.add_county(County("440304", "福田示范区", extent=EXTENT))


@pytest.fixture
def world(store, county):
    """Two units, a community with a cell, two streets; the community and first street guarded."""
    police, city = store.add_units(
        [Unit(county.id, "JJ", "交警大队", hotline="12345"), Unit(county.id, "CG", "城管执法局")]
    )
    community, cell = store.add_zones(
        [
            Zone(county.id, "community", "001", "香蜜湖社区", COMMUNITY),
            Zone(county.id, "grid", "001001", "香蜜湖1号网格", CELL),
        ]
    )
    ew, ns = store.add_segments(
        [Segment(county.id, "红荔路", EAST_WEST, "primary"), Segment(county.id, "农园路", NORTH_SOUTH)]
    )
    store.assign(Assignment(county.id, city.id, "zone", community.id, "lead", T0))
    store.assign(Assignment(county.id, police.id, "segment", ew.id, "lead", T0, person="王强"))
    return dict(police=police, city=city, community=community, cell=cell, ew=ew, ns=ns)
