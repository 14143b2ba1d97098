"""The one storage interface (DESIGN §4) and how a backend is chosen from ``DATABASE_URL``.

A Store speaks shapely geometries (EPSG:4326) and the dataclasses of ``geodata.model``, never rows.
Every query filters on ``county_id``. Writes made outside ``transaction()`` commit on their own;
inside it they commit together or not at all (nested blocks are savepoints).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol, runtime_checkable

import numpy as np
from shapely.geometry import Point

from geodata.geo.tiles import Tile
from geodata.model import (
    ApiKey,
    Assignment,
    Category,
    ChangeSet,
    ChangeSetSummary,
    ChecklistItem,
    County,
    Incident,
    IncidentEvent,
    Inspection,
    Photo,
    Segment,
    TierDecision,
    TitleAward,
    Unit,
    User,
    Zone,
)
from geodata.stores.interface.audit import AuditLog
from geodata.stores.interface.edits import OutlineEdits, RoadEdits
from geodata.stores.interface.identity import Identity
from geodata.stores.interface.public import PublicReports
from geodata.stores.interface.reroute import Rerouting

BBox = tuple[float, float, float, float]  # minx (lon), miny (lat), maxx, maxy


@runtime_checkable
class Store(RoadEdits, OutlineEdits, Identity, AuditLog, Rerouting, PublicReports, Protocol):
    """What the portal keeps; splitting and merging road segments is ``RoadEdits``'s part, the
    history of redrawn outlines ``OutlineEdits``'s, sessions and login failures ``Identity``'s, the
    audit log ``AuditLog``'s, routing incidents again after a change ``Rerouting``'s, 随手拍 ``PublicReports``'s."""

    backend: str  # "sqlite" | "postgis"

    # -- lifecycle -----------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply the migrations this database lacks; return their names (empty when up to date)."""

    def schema_version(self) -> int: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def read_transaction(self) -> AbstractContextManager[None]:
        """A consistent read that holds no write lock (previews); a write inside it may wait."""
        ...

    def close(self) -> None: ...

    # -- counties and units --------------------------------------------------------------------
    def add_county(self, county: County) -> County: ...

    def get_county(self, code: str) -> County:
        """The county with this admin code; NotFound otherwise."""

    def get_county_by_id(self, county_id: int) -> County: ...

    def list_counties(self) -> list[County]: ...

    def update_county(self, county: County) -> County: ...

    def add_units(self, units: Sequence[Unit]) -> list[Unit]: ...

    def get_unit(self, county_id: int, unit_id: int) -> Unit: ...

    def list_units(self, county_id: int) -> list[Unit]: ...

    def update_unit(self, unit: Unit) -> Unit: ...

    # -- zones and segments --------------------------------------------------------------------
    def add_zones(self, zones: Sequence[Zone]) -> list[Zone]:
        """Store zones; ``area_m2`` is computed in the county's local CRS when missing."""

    def get_zone(self, county_id: int, zone_id: int) -> Zone: ...

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

    def count(self, county_id: int, table: str) -> int:
        """Rows of one of: unit, zone, segment, assignment, incident, inspection."""

    # -- spatial lookups (vectorised: one call for many points) --------------------------------
    def zones_at(self, county_id: int, points: Sequence[Point]) -> list[int | None]:
        """For each point, the finest zone that contains it (grid before community; then the
        smallest), or None."""

    def nearest_segments(
        self, county_id: int, points: Sequence[Point], max_m: float
    ) -> list[tuple[int, float] | None]:
        """For each point, (segment id, distance in metres) of the nearest segment within
        ``max_m``, ties broken by the lower id; None when nothing is that close."""

    # -- assignments ---------------------------------------------------------------------------
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

    def revert_change_set(self, county_id: int, change_set_id: int, revert: ChangeSet) -> ChangeSet:
        """Undo a change set as the new change set ``revert``: the assignments it opened are voided
        (kept for the audit, never counted) and those it closed reopen, so every date answers as
        before; the versions of the targets it touched are bumped. Conflict when later change sets
        built on it (naming them), when it was reverted already, when it is itself a revert, or
        when it opened and closed no assignment (a split or merge of segments: nothing to undo), or
        when it redrew outlines (``geometry_edits``: draw them back as a new edit instead)."""

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

    def assignments_of(self, county_id: int, target_kind: str, target_id: int) -> list[Assignment]:
        """The full history of a target's assignments, oldest first, voided ones included (flagged)."""

    def assignments_at(
        self, county_id: int, at: datetime, target_kind: str | None = None
    ) -> list[Assignment]:
        """Every assignment in force at ``at`` (voided ones never are)."""

    # -- incidents and inspections -------------------------------------------------------------
    def add_incidents(self, incidents: Sequence[Incident]) -> int:
        """Store incidents as given (routing is done by ``geodata.assignments.routing``); return how many."""

    def get_incident(self, county_id: int, incident_id: int) -> Incident: ...

    def update_incident(self, incident: Incident) -> Incident:
        """Write an incident's category, status, description and routing (its place and time of
        report are facts and stay)."""

    def add_incident(self, incident: Incident) -> Incident:
        """Store one incident as given and read it back with its id."""

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
        [since, until): closing is final, so when the case was last updated)."""

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

    def incident_clusters(
        self, county_id: int, level: int, cells: tuple[int, int, int, int], **filters
    ) -> tuple[np.ndarray, np.ndarray]:
        """The incidents in a block of cells (x0, y0, x1, y1, ends included) of the Web-Mercator grid
        of ``level`` (geodata/geo/tiles.py) counted per cell: each occupied cell's mean position (n, 2)
        and count (n), ordered by cell (x, then y). Cells nest across levels, so clusters stay put
        while the map pans and a cell's count is the sum of its four children's. ``filters`` as
        ``list_incidents``'s (``duplicates=False`` leaves out repeats)."""

    def iter_incidents(self, county_id: int, batch: int = 10_000) -> Iterator[list[Incident]]: ...

    def add_incident_event(self, event: IncidentEvent) -> IncidentEvent: ...

    def add_incident_events(self, events: Sequence[IncidentEvent]) -> int:
        """Store many events at once (the demo's case histories); return how many."""
        ...

    def incident_events(self, county_id: int, incident_id: int) -> list[IncidentEvent]: ...

    def add_inspections(self, inspections: Sequence[Inspection]) -> int: ...

    def list_inspections(
        self, county_id: int, target_kind: str | None = None, target_id: int | None = None
    ) -> list[Inspection]: ...

    def list_checklist(self, target_kind: str | None = None) -> list[ChecklistItem]:
        """The inspection checklist items of a kind of target (segment, community, grid), or all."""

    def score_settings(self) -> dict[str, tuple[float, str]]:
        """The scores' weights and thresholds: key → (value, what it means, in Chinese)."""

    def set_score_setting(self, key: str, value: float) -> None:
        """NotFound for a key the table does not have."""

    # -- categories, photos, API keys, idempotent answers -------------------------------------
    def list_categories(self) -> list[Category]: ...

    def get_category(self, code: str) -> Category:
        """NotFound (naming the code) for an unknown category."""

    def add_photo(self, photo: Photo) -> Photo: ...

    def list_photos(self, county_id: int, incident_id: int) -> list[Photo]: ...

    def get_photo(self, name: str) -> Photo:
        """By the name of its original or of its public copy; NotFound otherwise."""

    def add_api_key(self, key: ApiKey) -> ApiKey:
        """Conflict when the name is taken; a unit_staff key carries its ``unit_id``."""

    def api_key_by_hash(self, key_hash: str) -> ApiKey | None: ...

    def list_api_keys(self) -> list[ApiKey]: ...

    def remembered_answer(self, scope: str, key: str) -> tuple[str, int, str] | None:
        """(request fingerprint, HTTP status, body) first given for an Idempotency-Key."""

    def remember_answer(
        self, scope: str, key: str, fingerprint: str, status: int, body: str, at: datetime
    ) -> None:
        """Conflict when the key was remembered meanwhile by a concurrent request."""

    # -- vector tiles ------------------------------------------------------------------------------
    def vector_tile(self, county_id: int, layer: str, tile: Tile, at: datetime, **filters) -> bytes:
        """A Mapbox Vector Tile of ``layer`` (geodata.geo.tiles.TILE_LAYERS) as geodata/geo/tiles.py
        defines it; empty bytes when nothing is in the tile. Roads carry the unit leading them
        at ``at``; ``filters`` narrow the incidents as ``list_incidents``'s do."""

    def map_version(self, lock: bool = False) -> int:
        """A number that grows with every write to the zones, segments or assignments of any
        county, seen when the write commits: a roads or zones tile made at one version is still
        right while it is unchanged (roads: until ``next_lead_change`` too). ``lock`` (in a
        transaction): no map edit commits until this one does."""

    def next_lead_change(self, county_id: int, after: datetime) -> datetime | None:
        """The first moment after ``after`` at which a zone or segment's lead changes by date
        alone (a lead assignment starts or ends); None when none is planned."""

    # -- community tiers and civilized titles ----------------------------------------------------
    def add_tier_decision(self, decision: TierDecision) -> TierDecision:
        """Conflict when the zone's tier for that month was decided already."""

    def list_tier_decisions(self, county_id: int, zone_id: int | None = None) -> list[TierDecision]: ...

    def award_title(self, award: TitleAward) -> TitleAward: ...

    def withdraw_title(self, county_id: int, award_id: int, on: date) -> TitleAward:
        """Conflict when withdrawn already or before it was awarded; NotFound for no such award."""

    def list_titles(self, county_id: int, zone_id: int | None = None) -> list[TitleAward]: ...

    # -- users ---------------------------------------------------------------------------------
    def add_user(self, user: User) -> User:
        """Conflict when the username is taken."""

    def get_user(self, user_id: int) -> User: ...

    def get_user_by_name(self, username: str) -> User: ...

    def update_user(self, user: User) -> User:
        """Write a user's password hash, role, county, unit, panel, must-change flag and disabled time."""

    def list_users(self) -> list[User]: ...


class Database(Protocol):
    """A connection source (one file, or a pool): hands out stores, one per unit of work."""

    url: str

    def store(self) -> Store: ...

    def close(self) -> None: ...


def open_database(url: str) -> Database:
    """The database named by ``url`` (``sqlite:///path`` or ``postgresql://...``).

    Raises ConfigError with a sentence when the scheme is unknown or the server is unusable.
    """
    from geodata.errors import ConfigError

    if url.startswith("sqlite:"):
        from geodata.stores.sqlite.store import SqliteDatabase

        return SqliteDatabase(url)
    if url.startswith(("postgresql:", "postgres:")):
        from geodata.stores.postgis.store import PostgisDatabase

        return PostgisDatabase(url)
    raise ConfigError(
        f"无法识别 DATABASE_URL {url!r}：请使用 sqlite:///path/to/file.sqlite 或 postgresql://user:password@host/dbname",
        en=f"DATABASE_URL {url!r} is not understood: use sqlite:///path/to/file.sqlite "
        "or postgresql://user:password@host/dbname",
    )


def open_store(url: str) -> Store:
    """A store over one fresh connection, for commands and tests; closing it closes the database."""
    database = open_database(url)
    store = database.store()
    store.on_close = database.close
    return store
