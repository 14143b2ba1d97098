"""The part of the Store interface (geodata/stores/store.py) that routes incidents again after a change
(geodata/assignments/postings.py ``reroute``; migration 0015). Kept apart so store.py stays small; ``Store``
inherits it, both backends implement it (geodata/stores/shared/reroute.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from geodata.model import Incident


class Rerouting(Protocol):
    def reroute_incidents(self, incidents: Sequence[Incident]) -> int:
        """Write the zone, segment and unit of each incident (nothing else), in one statement."""

    def add_pending_reroute(self, county_id: int, since: datetime, change_set_id: int | None) -> int:
        """Record, in a change's transaction, that incidents since ``since`` are to be routed again."""

    def pending_reroutes(self) -> list[tuple[int, int, datetime]]:
        """(id, county id, since) of every reroute owed, oldest first."""

    def drop_pending_reroute(self, pending_id: int) -> None: ...
