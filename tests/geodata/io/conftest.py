"""The import tests' ``county``: the test county with a small street grid (tests/support/io.py)."""

from __future__ import annotations

import pytest

from geodata.model import County
from tests.support.io import streets_county


@pytest.fixture
def county(store, tmp_path) -> County:
    """The test county with the street grid, whose hull became its extent."""
    return streets_county(store, tmp_path)
