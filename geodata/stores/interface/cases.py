"""Cases (incidents), their events and photos, and the categories they are filed under
(geodata/stores/shared/cases.py; reading and writing incidents in bulk is each backend's)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

from shapely.geometry import Point

from geodata.model import Category, Incident, IncidentEvent, Photo
from geodata.stores.interface import BBox


class CaseStore(Protocol):
    """Incidents: filing, listing and counting them, their histories and photos."""

    def add_incidents(self, incidents: Sequence[Incident]) -> int:
        """Store incidents as given (routing is done by ``geodata.assignments.routing``); return how many."""

    def add_incident(self, incident: Incident) -> Incident:
        """Store one incident as given and read it back with its id."""

    def get_incident(self, county_id: int, incident_id: int) -> Incident: ...

    def update_incident(self, incident: Incident) -> Incident:
        """Write an incident's category, status, description and routing (its place and time of
        report are facts and stay)."""

    def list_incidents(
        self,
        county_id: int,
        bbox: BBox | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
        **filters,
    ) -> list[Incident]:
        """Incidents ordered by id (or newest first). ``filters``: ``since`` (inclusive),
        ``until`` (exclusive), ``category``, ``status`` (a status, or 'open'), ``unit_id``,
        ``zone_id`` (the zone and the cells inside it), ``reporter`` (a user's name), ``overdue_at``
        (open and past the deadline then), ``duplicates`` (False leaves out reports linked to an earlier case),
        ``source`` (inspector, api, public), ``closed_since`` / ``closed_until`` (closed in
        [since, until): closing is final, so when the case was last updated), ``pending``
        ('extension': a 延期 waiting for a decision; 'supervised': a 督办 not closed),
        ``updated_since`` / ``updated_until`` (the case's last step, or its report when it has
        none, in [since, until)), ``public_only`` (True: only cases of public categories)."""

    def count_incidents(self, county_id: int, bbox: BBox | None = None, **filters) -> int:
        """How many incidents ``list_incidents`` would give without a limit."""

    def incident_counts(self, county_id: int, by: Sequence[str], now: datetime, **filters) -> list[tuple]:
        """How many incidents ``filters`` pick (as ``list_incidents``'s), grouped by ``by``, each of
        'month' (YYYY-MM, county clock), 'category', 'status', 'unit_id', 'reworked' (0/1) and
        'overdue' (0/1 at ``now``): rows of the keys and then the count, ordered by the keys."""

    def near_open_incident(
        self, county_id: int, category: str, point: Point, radius_m: float, since: datetime
    ) -> int | None:
        """The nearest open case (not itself a duplicate) of ``category`` reported since
        ``since`` within ``radius_m`` metres of ``point``, or None."""

    def lock_filing(self, county_id: int, category: str) -> None:
        """Inside a transaction: hold off other filings of this category until it ends."""

    def iter_incidents(self, county_id: int, batch: int = 10_000) -> Iterator[list[Incident]]: ...

    def add_incident_event(self, event: IncidentEvent) -> IncidentEvent: ...

    def add_incident_events(self, events: Sequence[IncidentEvent]) -> int:
        """Store many events at once (the demo's case histories); return how many."""
        ...

    def incident_events(self, county_id: int, incident_id: int) -> list[IncidentEvent]: ...

    def list_categories(self) -> list[Category]: ...

    def get_category(self, code: str) -> Category:
        """NotFound (naming the code) for an unknown category."""

    def add_photo(self, photo: Photo) -> Photo: ...

    def list_photos(self, county_id: int, incident_id: int) -> list[Photo]: ...

    def get_photo(self, name: str) -> Photo:
        """By the name of its original or of its public copy; NotFound otherwise."""
