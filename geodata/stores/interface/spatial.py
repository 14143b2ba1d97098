"""Spatial lookups, vectorised: one call for many points (each backend's spatial.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shapely.geometry import Point


class SpatialStore(Protocol):
    """Which zone holds a point, which road is nearest to it."""

    def zones_at(self, county_id: int, points: Sequence[Point]) -> list[int | None]:
        """For each point, the finest zone that contains it (grid before community; then the
        smallest), or None."""

    def zone_at(self, county_id: int, point: Point) -> int | None:
        """``zones_at`` for one point."""

    def nearest_segments(
        self, county_id: int, points: Sequence[Point], max_m: float
    ) -> list[tuple[int, float] | None]:
        """For each point, (segment id, distance in metres) of the nearest segment within
        ``max_m``, ties broken by the lower id; None when nothing is that close."""

    def nearest_segment(self, county_id: int, point: Point, max_m: float) -> tuple[int, float] | None:
        """``nearest_segments`` for one point."""
