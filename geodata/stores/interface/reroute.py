"""Routing incidents again after a change (geodata/assignments/postings.py ``reroute``; migration 0015).
Both backends implement it with geodata/stores/shared/reroute.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from geodata.model import Incident


class RerouteStore(Protocol):
    """New routes for incidents, and the queue of reroutes a committed change still owes."""

    def reroute_incidents(self, incidents: Sequence[Incident]) -> int:
        """Write the zone, segment and unit of each incident (nothing else), in one statement; a case
        once returned (回退) keeps the unit a leader gave it."""

    def add_pending_reroute(self, county_id: int, since: datetime, change_set_id: int | None) -> int:
        """Record, in a change's transaction, that incidents since ``since`` are to be routed again."""

    def pending_reroutes(self) -> list[tuple[int, int, datetime]]:
        """(id, county id, since) of every reroute owed, oldest first."""

    def drop_pending_reroute(self, pending_id: int) -> None: ...
