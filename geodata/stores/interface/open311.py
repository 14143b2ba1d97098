"""What Open311's ``servicerequestupdates`` reads: the steps of the cases in public categories, by
when they happened. Both backends implement it with geodata/stores/shared/open311.py."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from geodata.model import IncidentEvent


class Open311Store(Protocol):
    """The steps of public cases in a time window, in a stable order for paging."""

    def public_case_events(
        self, county_id: int, since: datetime, until: datetime, limit: int, offset: int = 0
    ) -> list[IncidentEvent]:
        """The events with ``at`` in [since, until) of the county's cases whose category is public,
        ordered by (at, id) so that pages read one after another give each event once; what a
        resident may read of each is geodata/cases/steps.py's."""
