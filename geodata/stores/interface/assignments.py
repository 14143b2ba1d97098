"""Change sets and date-effective assignments: who guards a zone or a road on a day
(geodata/stores/shared/assignments.py; ``lead_units`` is each backend's)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from geodata.model import Assignment, ChangeSet, ChangeSetSummary


class AssignmentStore(Protocol):
    """Change sets, the assignments they open and close, and their reverts."""

    def add_change_set(self, change_set: ChangeSet) -> ChangeSet: ...

    def get_change_set(self, county_id: int, change_set_id: int) -> ChangeSet: ...

    def assign(self, assignment: Assignment) -> Assignment:
        """Open an assignment. A lead closes the target's lead in force at ``valid_from`` (its
        ``valid_to`` becomes ``valid_from``) in the same transaction; a lead that starts inside
        a later lead's period is refused with Conflict, so a target never has two leads at once.
        The target's version is bumped: its assignments are part of what an editor saw."""

    def assign_many(self, assignments: Sequence[Assignment]) -> list[Assignment]:
        """``assign`` for many at once, in one transaction and a fixed number of statements; one
        conflict (named) refuses them all."""

    def close_assignments(
        self, county_id: int, assignment_ids: Sequence[int], at: datetime, change_set_id: int
    ) -> int:
        """End these assignments at ``at`` as part of change set ``change_set_id`` (an assist has
        no later lead to end it: a merge of units ends it so); those not in force after ``at``
        are left as they are. How many were ended; their targets' versions are bumped. A revert of
        the change set reopens them."""

    def revert_change_set(self, county_id: int, change_set_id: int, revert: ChangeSet) -> ChangeSet:
        """Undo a change set as the new change set ``revert``: the assignments it opened are voided
        (kept for the audit, never counted) and those it closed reopen, so every date answers as
        before; the versions of the targets it touched are bumped. Conflict when later change sets
        built on it (naming them), when it was reverted already, when it is itself a revert, or
        when it opened and closed no assignment (a split or merge of segments: nothing to undo), or
        when it redrew outlines (``geometry_edits``: draw them back as a new edit instead). A unit
        the change set retired (a merge of units) is in service again."""

    def list_change_sets(
        self, county_id: int, limit: int = 20, offset: int = 0, change_set_id: int | None = None
    ) -> list[ChangeSetSummary]:
        """The county's change sets, newest first (only ``change_set_id``, when given), each with
        how many assignments it opened (a revert: undid) and the change set that reverted it."""

    def change_set_assignments(self, county_id: int, change_set_id: int) -> list[Assignment]:
        """The assignments a change set opened, voided ones included; NotFound for no such set."""

    def unit_assignments(
        self, county_id: int, unit_id: int | None, since: datetime, until: datetime
    ) -> list[Assignment]:
        """Every assignment of a unit (of every unit, for None) in force at some time in
        [since, until), voided ones left out."""

    def lead_units(
        self,
        county_id: int,
        target_kind: str,
        target_ids: Sequence[int | None],
        at: Sequence[datetime],
    ) -> list[int | None]:
        """For each (target, time), the lead unit in force then, or None."""

    def lead_unit(self, county_id: int, target_kind: str, target_id: int, at: datetime) -> int | None:
        """``lead_units`` for one target and time."""

    def assignments_of(self, county_id: int, target_kind: str, target_id: int) -> list[Assignment]:
        """The full history of a target's assignments, oldest first, voided ones included (flagged)."""

    def assignments_at(
        self, county_id: int, at: datetime, target_kind: str | None = None
    ) -> list[Assignment]:
        """Every assignment in force at ``at`` (voided ones never are)."""
