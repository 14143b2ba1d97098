"""How cases are handled beyond their steps (geodata/cases/handling.py; migration 0021): requests
on a case (回退, 延期, 挂账) with their decisions, and 督办. Both backends implement it with
geodata/stores/shared/handling.py. Rows are added and moved forward, never deleted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from geodata.cases.model import CaseRequest, HandlingCounts, Supervision


class HandlingStore(Protocol):
    """Requests on cases and supervision orders."""

    def add_case_request(self, request: CaseRequest) -> CaseRequest:
        """Store a request; Conflict when the case has a pending request of that kind already."""

    def decide_case_request(self, request: CaseRequest) -> CaseRequest:
        """Write a request's state and decision (who, when, what was said)."""

    def get_case_request(self, county_id: int, request_id: int) -> CaseRequest:
        """NotFound naming the number."""

    def case_requests(
        self,
        county_id: int,
        incident_id: int | None = None,
        kind: str | None = None,
        state: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[CaseRequest]:
        """Requests, newest first, of a case or of the county, of a kind and state if given."""

    def shelved_due(self, county_id: int, day: date) -> list[CaseRequest]:
        """The approved 挂账 of cases still on record whose review day is ``day`` or before."""

    def overdue_unsupervised(self, county_id: int, overdue_at: datetime, level: int, limit: int) -> list[int]:
        """Ids of cases (not duplicates) open and past their deadline at ``overdue_at`` that the
        portal has not raised ``level`` on yet, the longest overdue first."""

    def add_supervision(self, supervision: Supervision) -> Supervision | None:
        """Store a 督办; None when the portal raised this level on the case already."""

    def update_supervision(self, supervision: Supervision) -> Supervision:
        """Write its state, answer and closing."""

    def get_supervision(self, county_id: int, supervision_id: int) -> Supervision:
        """NotFound naming the number."""

    def supervisions(
        self,
        county_id: int,
        incident_id: int | None = None,
        state: str | None = None,
        unit_id: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Supervision]:
        """督办, newest first, of a case or of the county, in a state and of a unit if given."""

    def count_supervisions(
        self, county_id: int, state: str | None = None, unit_id: int | None = None
    ) -> int: ...

    def cases_due_between(self, county_id: int, start: datetime, end: datetime, limit: int) -> list[tuple]:
        """(id, category, unit_id, deadline_at) of the cases (not duplicates) waiting on someone
        (OVERDUE_STATUSES) whose deadline is in [start, end), soonest first."""

    def add_reminder(self, county_id: int, kind: str, key: str, at: datetime) -> bool:
        """Record that the reminder ``kind`` of ``key`` was sent; False when it was already."""

    def reminded(self, kind: str, key: str) -> bool:
        """Whether the reminder ``kind`` of ``key`` was sent."""

    def recent_reminders(self, county_id: int, since: datetime) -> set[tuple[str, str]]:
        """(kind, key) of the county's reminders sent since ``since``."""

    def handling_counts(self, county_id: int, since: datetime, until: datetime) -> dict[int, HandlingCounts]:
        """How each unit handled its cases in [since, until) (HandlingCounts says what each count
        is); a unit with nothing to count is left out."""
