"""The storage contract's small county near Futian: one community with one grid cell in its
south-west corner, an east-west street along lat 22.505 and a north-south street along lon 114.03
(the fixtures that build it are in tests/geodata/stores/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from shapely.geometry import LineString, box

T0 = datetime(2026, 1, 1, tzinfo=UTC)


MARCH = datetime(2026, 3, 1, tzinfo=UTC)


# A small county near Futian: one community with one grid cell in its south-west corner,
# an east-west street along lat 22.505 and a north-south street along lon 114.03.
EXTENT = box(114.0, 22.5, 114.1, 22.6)


COMMUNITY = box(114.0, 22.5, 114.05, 22.55)


CELL = box(114.0, 22.5, 114.01, 22.51)


EAST_WEST = LineString([(114.0, 22.505), (114.02, 22.505)])


NORTH_SOUTH = LineString([(114.03, 22.5), (114.03, 22.52)])
