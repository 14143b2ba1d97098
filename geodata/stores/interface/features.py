"""Zones and road segments, the map's features that units are assigned to (geodata/stores/shared/features.py;
each backend reads them in a box its own way)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from geodata.model import Segment, Zone
from geodata.stores.interface import BBox


class FeatureStore(Protocol):
    """Zones (subdistricts, communities, villages, courtyards, grid cells) and road segments."""

    def add_zones(self, zones: Sequence[Zone]) -> list[Zone]:
        """Store zones; ``area_m2`` is computed in the county's local CRS when missing."""

    def get_zone(self, county_id: int, zone_id: int) -> Zone: ...

    def get_zone_by_code(self, county_id: int, kind: str | Sequence[str] | None, code: str) -> Zone:
        """The zone of ``kind`` with this code: a code is unique per county and kind, so with
        several kinds (``COMMUNITY_KINDS``) or None (every kind) the lowest id among those that
        have it. NotFound naming the code otherwise."""

    def list_zones(
        self, county_id: int, kind: str | Sequence[str] | None = None, bbox: BBox | None = None
    ) -> list[Zone]:
        """Zones ordered by id, of one ``kind`` or of several (``COMMUNITY_KINDS``); with ``bbox``,
        those whose geometry intersects it."""

    def update_zone(self, zone: Zone) -> Zone:
        """Write the zone's fields and geometry and bump its version."""

    def delete_zones(self, county_id: int, zone_ids: Sequence[int]) -> int:
        """Delete zones (e.g. grid cells being redrawn); Conflict naming them when any is still the
        target of an assignment or the parent of another zone. Returns how many were deleted."""

    def add_segments(self, segments: Sequence[Segment]) -> list[Segment]:
        """Store segments; ``length_m`` is computed in the county's local CRS when missing."""

    def get_segment(self, county_id: int, segment_id: int) -> Segment: ...

    def list_segments(self, county_id: int, bbox: BBox | None = None) -> list[Segment]: ...

    def update_segment(self, segment: Segment) -> Segment:
        """Write the segment's fields and geometry and bump its version."""

    def get_targets(
        self, county_id: int, kind: str, ids: Sequence[int], lock: bool = False
    ) -> list[Zone] | list[Segment]:
        """The zones or segments (``kind`` 'zone' or 'segment') with these ids, ordered by id,
        missing ones left out. With ``lock``, inside a transaction, no other transaction can
        change them (their versions included) until this one ends."""
