"""The domain tests' ``town``: 瓦片县 with two units, a community and its cell, a guarded and an
unguarded road and a few cases, on each backend (tests/geodata/stores/test_tiles.py and the
GCJ-02 tests draw tiles of it)."""

from __future__ import annotations

import pytest

from tests.support.tiles import make_town


@pytest.fixture
def town(store):
    return make_town(store)
