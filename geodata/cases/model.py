"""Requests on a case and 督办 (geodata/cases/handling.py; migration 0021), as the stores hand
them over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# What may be asked or decided on a case beside its steps (geodata/cases/handling.py): 回退 a
# unit's return of a case that is not its own, 延期 a later deadline, 挂账 a case put on record.
REQUEST_KINDS = ("return", "extend", "shelve")
REQUEST_STATES = ("pending", "approved", "refused", "ended")
SUPERVISION_STATES = ("open", "answered", "closed")


@dataclass(frozen=True)
class CaseRequest:
    """A request on a case (REQUEST_KINDS) and its decision. ``unit_id``: the unit the case was with.
    An extension keeps the deadline it replaces (``old_deadline_at``) and the one asked
    (``deadline_at``); a case on record its plan (``reason``) and the day it comes back (``review_on``)."""

    county_id: int
    incident_id: int
    kind: str
    state: str
    unit_id: int | None
    asked_by: str
    asked_at: datetime
    reason: str
    old_deadline_at: datetime | None = None
    deadline_at: datetime | None = None
    review_on: date | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Supervision:
    """A 督办 on a case: level 1 to the unit's head, level 2 to the county leaders; raised by the
    portal (actor 系统) or by a leader, answered by the unit, closed by a leader or by the case
    closing."""

    county_id: int
    incident_id: int
    unit_id: int | None
    level: int
    state: str
    raised_by: str
    raised_at: datetime
    note: str = ""
    answer: str = ""
    answered_by: str | None = None
    answered_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class HandlingCounts:
    """How a unit handled its cases in a month, as the store counts them (the rates and the
    handling part are geodata/scores/handling.py's). A unit's cases of the month are its cases (not
    duplicates, not rejected) whose deadline in force falls in the month."""

    due: int = 0  # 应结案数: its cases of the month
    on_time: int = 0  # 按期结案数: of those, first handled at or before the deadline in force
    shelved: int = 0  # 挂账数: of those, put on record (a 'shelve' request approved or ended)
    closed: int = 0  # of those, verified or closed
    reworked: int = 0  # of those, sent back at least once (rework > 0)
    returns: int = 0  # approved 回退 the unit asked in the month
    supervisions: int = 0  # 督办 raised in the month on the unit
    handled: int = 0  # its cases first handled in the month after a dispatch
    handling_hours: float = 0.0  # their hours from dispatch to first handled, summed
