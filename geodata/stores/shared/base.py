"""The typed base every piece of a store inherits (the SQL both backends share in this folder, each
backend's own in sqlite/ and postgis/): what the shared SQL asks of a backend (statements, encoders,
a few constants), what one concern's SQL asks of another's, the hooks a backend may fill, and the
logic that is the same whatever the database (input checks, derived measures, single-point helpers)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geodata.errors import InvalidInput
from geodata.geo.geometry import areas_m2, to_metric, utm_epsg_for
from geodata.model import (
    INCIDENT_STATUSES,
    INSPECTION_PANELS,
    LANGS,
    ROLES,
    TARGET_KINDS,
    USER_ROLES,
    ZONE_KINDS,
    ApiKey,
    Assignment,
    County,
    Incident,
    Inspection,
    Segment,
    User,
    Zone,
)
from geodata.stores.shared.checks import check_choice, utc

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
COUNTED_TABLES = (
    "unit", "zone", "segment", "assignment", "incident", "incident_event", "incident_photo", "inspection",
    "change_set", "geometry_edit",
)  # fmt: skip


def migration_files(backend: str) -> list[Path]:
    return sorted((MIGRATIONS / backend).glob("[0-9][0-9][0-9][0-9]_*.sql"))


class Row(Protocol):
    """A row as a backend reads it (sqlite3.Row, psycopg's dict row): its values by column name."""

    def __getitem__(self, key: str | int) -> Any: ...


Params = Mapping[str, Any] | Sequence[Any] | None


class BaseStore(ABC):
    """What every piece of a store may rely on; the abstract members are each backend's (sqlite/,
    postgis/) or one concern's (the module of the same name in this folder)."""

    backend: ClassVar[str] = "base"
    # Exceptions a backend raises when a UNIQUE or one-lead constraint refuses a row.
    CONSTRAINT_ERRORS: ClassVar[tuple[type[Exception], ...]] = ()
    LOCK_ROW: ClassVar[str]  # after a SELECT: lock the row to be written in this transaction
    SKIP_LOCKED: ClassVar[str]  # after a SELECT: lock the rows picked, passing over those already locked
    ID_IN: ClassVar[str]  # "the row's id is one of %(ids)s", the ids given as ``_arr(ids)``
    MONTH_SQL: ClassVar[str]  # the month of t.reported_at, 'YYYY-MM', in the county's clock
    HOURS_SQL: ClassVar[str]  # hours from {start} to {end}, two kept times, as a number

    def __init__(self) -> None:
        self._epsg: dict[int, int] = {}
        self.on_close = None  # set by open_store so closing the store closes its database

    # -- statements: each backend's ----------------------------------------------------------------
    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A transaction, or a savepoint inside one."""

    @abstractmethod
    def _rows(self, sql: str, params: Params = None) -> list[Row]:
        """Run a statement with ``%(name)s`` parameters; its rows."""

    @abstractmethod
    def _execute(self, sql: str, params: Params = None) -> None:
        """Run a statement that returns nothing, committed unless inside a transaction."""

    @abstractmethod
    def _insert(self, sql: str, params: Mapping[str, Any]) -> Row:
        """Run an INSERT ... RETURNING; its one row."""

    @abstractmethod
    def _execute_many(self, sql: str, rows: list[dict]) -> None:
        """Run a statement once per row of parameters, in one transaction."""

    @abstractmethod
    def _insert_many(self, sql: str, rows: list[dict]) -> list[int]:
        """Run an INSERT ... RETURNING id per row of parameters; the ids in row order."""

    # -- how values are kept: each backend's -------------------------------------------------------
    @staticmethod
    @abstractmethod
    def _t(dt: datetime | None) -> Any:
        """A time as the database keeps it."""

    @staticmethod
    @abstractmethod
    def _time(value: Any) -> datetime | None:
        """A kept time as an aware UTC datetime."""

    @staticmethod
    @abstractmethod
    def _g(geom: BaseGeometry | None, srid: int = 4326) -> Any:
        """A geometry as the database keeps it (``srid`` 0: the county's metric CRS)."""

    @staticmethod
    @abstractmethod
    def _geom(value: Any) -> BaseGeometry | None:
        """A kept geometry as shapely's."""

    @staticmethod
    @abstractmethod
    def _arr(values: Iterable) -> Any:
        """A list of values (ids, titles, duties) as the database keeps it."""

    @staticmethod
    @abstractmethod
    def _list(value: Any) -> list:
        """A kept list as a Python list."""

    @staticmethod
    @abstractmethod
    def _obj(d: dict) -> Any:
        """A JSON object as the database keeps it."""

    @staticmethod
    @abstractmethod
    def _dict(value: Any) -> dict:
        """A kept JSON object as a dict."""

    # -- hooks: nothing unless a backend needs them ------------------------------------------------
    def _indexed(self, table: str, row_id: int, geom: BaseGeometry) -> None:
        """Called after a zone or segment is written; the embedded backend updates its R*Tree."""
        return None

    def _unindexed(self, table: str, row_id: int) -> None:
        """Called after a zone or segment is deleted."""
        return None

    def _lock_audit_chain(self) -> None:
        """Hold the audit chain until the transaction ends (a backend whose writes queue anyway: no-op)."""
        return None

    # -- what one concern asks of another (its module here, or each backend's) ---------------------
    @abstractmethod
    def get_county_by_id(self, county_id: int) -> County: ...

    @abstractmethod
    def update_county(self, county: County) -> County: ...

    @abstractmethod
    def _zone(self, r: Row, geom: BaseGeometry | None = None) -> Zone:
        """A zone row as a Zone (``geom`` already parsed, or parsed from the row); features.py."""

    @abstractmethod
    def _segment(self, r: Row, geom: BaseGeometry | None = None) -> Segment: ...

    @abstractmethod
    def _features(self, decode, rows: list[Row]) -> list:
        """Rows whose ``geom`` is WKB, decoded with their geometries parsed at once; features.py."""

    @abstractmethod
    def get_targets(self, county_id: int, kind: str, ids: Sequence[int], lock: bool = False) -> list: ...

    @abstractmethod
    def zones_at(self, county_id: int, points: Sequence[Point]) -> list[int | None]: ...

    @abstractmethod
    def nearest_segments(
        self, county_id: int, points: Sequence[Point], max_m: float
    ) -> list[tuple[int, float] | None]: ...

    @abstractmethod
    def lead_units(
        self, county_id: int, target_kind: str, target_ids: Sequence[int | None], at: Sequence[datetime]
    ) -> list[int | None]: ...

    @abstractmethod
    def _incident_filters(self, **filters) -> dict:
        """The parameters of INCIDENT_FILTERS (cases.py)."""

    @abstractmethod
    def _incidents(self, rows: list[Row]) -> list[Incident]:
        """Incident rows carrying ``lon`` and ``lat`` as Incidents (cases.py)."""

    @abstractmethod
    def _incident_params(self, i: Incident) -> dict: ...

    @abstractmethod
    def get_incident(self, county_id: int, incident_id: int) -> Incident: ...

    @abstractmethod
    def segment_incidents(self, county_id: int, segment_ids: Sequence[int]) -> list[Incident]: ...

    @abstractmethod
    def _user(self, r: Row) -> User:
        """A user row as a User (identity.py)."""

    @abstractmethod
    def _api_key(self, r: Row) -> ApiKey:
        """An API key row as an ApiKey (identity.py)."""

    @abstractmethod
    def list_inspections(
        self, county_id: int, target_kind: str | None = None, target_id: int | None = None
    ) -> list[Inspection]: ...

    # -- derived measures --------------------------------------------------------------------------
    def county_epsg(self, county_id: int, geoms: Sequence | None = None) -> int:
        """The county's local UTM EPSG code, fixed from ``geoms`` the first time it is needed."""
        if county_id in self._epsg:
            return self._epsg[county_id]
        county = self.get_county_by_id(county_id)
        if county.utm_epsg is None:
            shape = county.extent or (shapely.union_all(list(geoms)) if geoms else None)
            if shape is None:
                raise InvalidInput(
                    f"县区 {county.code} 尚无范围，无法选择本地坐标系",
                    en=f"County {county.code} has no extent yet to choose a local CRS",
                )
            c = shape.centroid
            county = self.update_county(replace(county, utm_epsg=utm_epsg_for(c.x, c.y)))
        self._epsg[county_id] = county.utm_epsg
        return county.utm_epsg

    def _prepare_zones(self, zones: Sequence[Zone]) -> list[Zone]:
        for z in zones:
            check_choice(z.kind, ZONE_KINDS, "zone kind")
        missing = [i for i, z in enumerate(zones) if z.area_m2 is None]
        zones = list(zones)
        if missing:
            county_id = zones[0].county_id
            epsg = self.county_epsg(county_id, [zones[i].geom for i in missing])
            area = areas_m2([zones[i].geom for i in missing], epsg)
            for i, a in zip(missing, area, strict=True):
                zones[i] = replace(zones[i], area_m2=float(a))
        return zones

    def _segments_metric(self, segments: Sequence[Segment]) -> tuple[list[Segment], np.ndarray]:
        """Segments with ``length_m`` filled in, and their geometries in the local CRS."""
        if not segments:
            return [], np.array([], dtype=object)
        epsg = self.county_epsg(segments[0].county_id, [s.geom for s in segments])
        metric = to_metric(np.array([s.geom for s in segments], dtype=object), epsg)
        lengths = shapely.length(metric)
        out = [
            s if s.length_m is not None else replace(s, length_m=float(length))
            for s, length in zip(segments, lengths, strict=True)
        ]
        return out, metric

    def _points_metric(self, county_id: int, points: Sequence[Point]) -> np.ndarray:
        return to_metric(np.asarray(points, dtype=object), self.county_epsg(county_id, points))

    @staticmethod
    def _check_assignment(a: Assignment) -> None:
        check_choice(a.role, ROLES, "role")
        check_choice(a.target_kind, TARGET_KINDS, "target kind")
        if a.valid_to is not None and utc(a.valid_to) <= utc(a.valid_from):
            raise InvalidInput(
                "valid_to 必须晚于 valid_from", en="valid_to must be later than valid_from", field="valid_to"
            )

    @staticmethod
    def _check_user(u: User) -> None:
        check_choice(u.role, USER_ROLES, "role")
        if not u.username.strip():
            raise InvalidInput("用户名为空", en="The username is empty", field="username")
        if u.panel is not None:
            check_choice(u.panel, INSPECTION_PANELS, "panel")
        check_choice(u.lang, LANGS, "lang")

    @staticmethod
    def _check_status(status: str) -> None:
        check_choice(status, INCIDENT_STATUSES, "status")

    # -- single-point conveniences over the vectorised calls ---------------------------------------
    def zone_at(self, county_id: int, point: Point) -> int | None:
        return self.zones_at(county_id, [point])[0]

    def nearest_segment(self, county_id: int, point: Point, max_m: float) -> tuple[int, float] | None:
        return self.nearest_segments(county_id, [point], max_m)[0]

    def lead_unit(self, county_id: int, target_kind: str, target_id: int, at: datetime) -> int | None:
        return self.lead_units(county_id, target_kind, [target_id], [at])[0]

    def read_transaction(self):
        """A consistent read for a preview, holding no lock a writer waits for: PostgreSQL's plain
        transaction takes none for reads (SQLite's store overrides this)."""
        return self.transaction()

    def close(self) -> None:
        if self.on_close is not None:
            self.on_close()
