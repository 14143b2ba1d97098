"""Editing the map: splitting a segment in two and merging segments back into one
(geodata/mapedit/segments.py), and the history of redrawn zone outlines (geodata/mapedit/zones.py). Both
backends implement it with geodata/stores/shared/mapedit.py (``segment_incidents`` is each backend's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from geodata.model import GeometryEdit, Incident


class MapEditStore(Protocol):
    """What a split, a merge or a redrawn outline writes beside the features themselves."""

    def segment_incidents(self, county_id: int, segment_ids: Sequence[int]) -> list[Incident]:
        """The incidents attributed to these segments (their ``segment_id``), duplicates and closed
        ones included, ordered by id."""

    def move_incidents(self, county_id: int, incident_ids: Sequence[int], segment_id: int) -> int:
        """Attribute these incidents to segment ``segment_id``; only that changes (their unit, zone
        and status stay). Returns how many there were."""

    def move_inspections(self, county_id: int, segment_ids: Sequence[int], to_segment_id: int) -> int:
        """The inspections of these segments become inspections of ``to_segment_id``; how many."""

    def copy_assignments(self, county_id: int, target_kind: str, from_id: int, to_id: int) -> int:
        """Give target ``to_id`` a copy of every assignment row of ``from_id`` — closed and voided
        ones too, with their unit, role, period, person, phone, duties and change sets — so that
        every date answers the same for both, and a later revert of one of those change sets
        undoes it on both. Returns how many rows were copied."""

    def delete_segments(self, county_id: int, segment_ids: Sequence[int], change_set_id: int) -> int:
        """Delete segments, their assignment rows voided by ``change_set_id`` (the merge's; rows
        are never deleted, migration 0012): for segments merged into another that carries the
        same history. NotFound for a missing one; Conflict naming it when
        an incident or inspection still refers to one (move them first). Returns how many."""

    def add_geometry_edits(self, edits: Sequence[GeometryEdit]) -> list[GeometryEdit]:
        """Record outlines a change set redrew (before, after, the version after), for the history;
        the targets themselves are written with ``update_zone`` / ``update_segment``."""

    def geometry_edits(
        self,
        county_id: int,
        target_kind: str | None = None,
        target_id: int | None = None,
        change_set_id: int | None = None,
    ) -> list[GeometryEdit]:
        """Recorded outline edits, oldest first, narrowed to one target and/or one change set."""
