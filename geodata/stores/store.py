"""The one storage interface (DESIGN §4) and how a backend is chosen from ``DATABASE_URL``.

A Store speaks shapely geometries (EPSG:4326) and the dataclasses of ``geodata.model``, never rows.
Every query filters on ``county_id``. Writes made outside ``transaction()`` commit on their own;
inside it they commit together or not at all (nested blocks are savepoints).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from geodata.stores.interface import BBox
from geodata.stores.interface.accounts import AccountAdminStore
from geodata.stores.interface.admin_settings import AdminSettingsStore
from geodata.stores.interface.assignments import AssignmentStore
from geodata.stores.interface.audit import AuditStore
from geodata.stores.interface.calendar import CalendarStore
from geodata.stores.interface.cases import CaseStore
from geodata.stores.interface.core import CoreStore
from geodata.stores.interface.entities import EntityStore
from geodata.stores.interface.features import FeatureStore
from geodata.stores.interface.feedback import FeedbackStore
from geodata.stores.interface.handling import HandlingStore
from geodata.stores.interface.identity import IdentityStore
from geodata.stores.interface.jobs import JobStore
from geodata.stores.interface.mapedit import MapEditStore
from geodata.stores.interface.notify import NotifyStore
from geodata.stores.interface.open311 import Open311Store
from geodata.stores.interface.public import PublicReportStore
from geodata.stores.interface.reroute import RerouteStore
from geodata.stores.interface.score_rules import ScoreRuleStore
from geodata.stores.interface.scores import ScoreStore
from geodata.stores.interface.spatial import SpatialStore
from geodata.stores.interface.tiles import TileStore

__all__ = ["BBox", "CONCERNS", "Database", "Store", "open_database", "open_store"]

# Each a Protocol of its own in geodata/stores/interface/, of at most 20 methods (a test counts).
CONCERNS = (
    CoreStore, EntityStore, FeatureStore, SpatialStore, AssignmentStore, CaseStore, ScoreStore, TileStore,
    IdentityStore, AuditStore, PublicReportStore, MapEditStore, RerouteStore, CalendarStore, NotifyStore,
    HandlingStore, FeedbackStore, AccountAdminStore, ScoreRuleStore, AdminSettingsStore, JobStore,
    Open311Store,
)  # fmt: skip


@runtime_checkable
class Store(
    CoreStore, EntityStore, FeatureStore, SpatialStore, AssignmentStore, CaseStore, ScoreStore, TileStore,
    IdentityStore, AuditStore, PublicReportStore, MapEditStore, RerouteStore, CalendarStore,
    NotifyStore, HandlingStore, FeedbackStore, AccountAdminStore, ScoreRuleStore, AdminSettingsStore, JobStore,
    Open311Store, Protocol,
):  # fmt: skip
    """What the portal keeps, by concern: the store's life (``CoreStore``), counties and units
    (``EntityStore``), zones and roads (``FeatureStore``) and where points fall among them
    (``SpatialStore``), who guards them when (``AssignmentStore``), cases (``CaseStore``),
    inspections, tiers and titles (``ScoreStore``), map tiles (``TileStore``), users and sessions
    (``IdentityStore``), the audit log (``AuditStore``), residents' 随手拍 (``PublicReportStore``),
    splits, merges and redrawn outlines (``MapEditStore``), routing cases again after a change
    (``RerouteStore``), the working calendar deadlines count in (``CalendarStore``),
    notifications with their delivery outbox (``NotifyStore``), requests on cases and 督办
    (``HandlingStore``), the reporters' answers on closed cases (``FeedbackStore``), the
    administrators' view of users and API keys (``AccountAdminStore``), the score settings and
    checklists in force from a month on (``ScoreRuleStore``), what administrators edit beside the
    map: categories and a county's settings (``AdminSettingsStore``), and the background jobs they
    start (``JobStore``), and the steps of public cases Open311 clients follow (``Open311Store``)."""


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
