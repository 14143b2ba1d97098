"""The production backend: PostgreSQL + PostGIS through psycopg 3 and psycopg_pool.

Geometries travel as shapely objects (``register_shapely``); spatial work is done in SQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import psycopg
from psycopg.rows import dict_row
from psycopg.types import TypeInfo
from psycopg.types.shapely import register_shapely

from geodata.errors import ConfigError
from geodata.geo.tiles import CellBox, Tile
from geodata.stores.postgis.entities import FeaturesMixin
from geodata.stores.postgis.spatial import SpatialMixin
from geodata.stores.postgis.tiles import PostgisTiles
from geodata.stores.shared.base import migration_files
from geodata.stores.shared.sql import SharedSql

_MIGRATIONS_TABLE = """
    CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
    )
"""


def _where(url: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(url)
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def _connect(url: str) -> psycopg.Connection:
    """One autocommit connection, or ConfigError with a sentence saying why not."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        # psycopg says 'connection failed: connection to server at ... failed: <why>\n<hint>'.
        first = (str(exc).strip().splitlines() or ["no answer"])[0]
        reason = first.rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()
        raise ConfigError(
            f"无法连接 {_where(url)} 上的 PostgreSQL：{reason}",
            en=f"Cannot connect to PostgreSQL at {_where(url)}: {reason}",
        ) from None
    except psycopg.ProgrammingError as exc:
        raise ConfigError(
            f"DATABASE_URL 不是有效的 PostgreSQL 地址：{exc}",
            en=f"DATABASE_URL is not a valid PostgreSQL address: {exc}",
        ) from None
    return conn


LOCK_TIMEOUT = "5s"


class PostgisDatabase:
    """A pool of connections to one PostGIS database, checked when it is opened."""

    def __init__(self, url: str):
        self.url = url
        with _connect(url) as conn:
            row = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
        if row is None:
            raise ConfigError(
                f"{_where(url)} 上的 PostgreSQL 服务器没有可用的 PostGIS 扩展（请在该服务器安装 postgresql-15-postgis-3）",
                en=f"The PostgreSQL server at {_where(url)} has no PostGIS extension to offer "
                "(install postgresql-15-postgis-3 there)",
            )
        self._pool = None
        self._pool_lock = threading.Lock()

    @property
    def pool(self):
        """The pool, made on first use, once: a fresh gunicorn thread pool's first requests come
        together, and a connection must go back to the pool it came from."""
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    from psycopg_pool import ConnectionPool

                    self._pool = ConnectionPool(
                        self.url,
                        min_size=1,
                        max_size=8,
                        # No JIT: PostgreSQL compiles a tile query (~10 ms) when its estimate looks
                        # costly (ST_AsMVTGeom), though it runs in about that time uncompiled.
                        # A lock held past LOCK_TIMEOUT fails the waiting statement (lock_not_available):
                        # a 503 with Retry-After to a web client rather than a request hanging on.
                        kwargs={"autocommit": True, "options": f"-c jit=off -c lock_timeout={LOCK_TIMEOUT}"},
                        open=True,
                        name="portal",
                    )
        return self._pool

    def store(self) -> PostgisStore:
        conn = self.pool.getconn()
        return PostgisStore(conn, release=lambda: self.pool.putconn(conn))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


class PostgisStore(FeaturesMixin, SpatialMixin, SharedSql):
    """A Store over one PostgreSQL connection: the shared SQL (shared/sql.py) on this module's
    statements, with PostGIS reads and COPY writes (entities.py, spatial.py) and a tile builder (tiles.py)."""

    backend = "postgis"
    CONSTRAINT_ERRORS = (psycopg.errors.UniqueViolation, psycopg.errors.ExclusionViolation)

    def __init__(self, conn: psycopg.Connection, release=None):
        super().__init__()
        self.conn = conn
        self._tiles = PostgisTiles(conn)  # tiles.py: what vector_tile and incident_clusters ask
        self._release = release
        # A pooled connection is set up once, not per request: UTC times (like the embedded
        # store's) and shapely adapters, once PostGIS is installed in the database.
        if not getattr(conn, "_portal_ready", False):
            self.conn.execute("SET TIME ZONE 'UTC'")
            self._register()

    @classmethod
    def from_connection(cls, conn: psycopg.Connection) -> PostgisStore:
        """A store over a connection the caller owns (tests wrap it in a rolled-back transaction)."""
        return cls(conn)

    def _lock_audit_chain(self) -> None:
        """Appends to the audit chain queue here until the transaction ends (geodata/audit.py)."""
        self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('portal audit_event'))")

    def _register(self) -> None:
        info = TypeInfo.fetch(self.conn, "geometry")
        if info is not None:
            register_shapely(info, self.conn)
            self.conn._portal_ready = True

    # -- lifecycle ---------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    def migrate(self) -> list[str]:
        try:
            return self._migrate()
        except psycopg.errors.InsufficientPrivilege as exc:
            user = self.conn.info.user
            raise ConfigError(
                f"角色 {user!r} 无权在数据库 {self.conn.info.dbname!r} 中创建门户的表（{exc.diag.message_primary}）；请授予其 CREATE 权限，或以数据库所有者身份运行 init-db",
                en=f"The role {user!r} may not create the portal's tables in database "
                f"{self.conn.info.dbname!r} ({exc.diag.message_primary}); "
                "grant it CREATE there, or run init-db as the database owner",
            ) from None

    def _migrate(self) -> list[str]:
        applied = []
        with self.transaction():
            # Two processes starting at once (gunicorn workers) must not both apply a migration;
            # the second waits for the first however long it takes (no lock_timeout here).
            self.conn.execute("SET LOCAL lock_timeout = 0")
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('portal schema_migrations'))")
            self.conn.execute(_MIGRATIONS_TABLE)
            done = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
            for path in migration_files("postgis"):
                version = int(path.name[:4])
                if version in done:
                    continue
                with self.transaction():
                    self.conn.execute(path.read_text())
                    self.conn.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, path.name)
                    )
                applied.append(path.name)
        self._register()
        return applied

    def schema_version(self) -> int:
        exists = self.conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0]
        if exists is None:
            return 0
        return self.conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]

    def close(self) -> None:
        if self._release is not None:
            self._release()
            self._release = None
        super().close()

    # -- tiles: the tile builder's ----------------------------------------------------------------
    def vector_tile(self, county_id: int, layer: str, tile: Tile, at: datetime, **filters) -> bytes:
        return self._tiles.vector_tile(county_id, layer, tile, at, **filters)

    def incident_clusters(self, county_id: int, level: int, cells: CellBox, **filters):
        return self._tiles.incident_clusters(county_id, level, cells, **filters)

    # -- the primitives the shared SQL runs on -----------------------------------------------------
    def _rows(self, sql, params=None) -> list[dict]:
        with self.conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(sql, params).fetchall()

    def _execute(self, sql, params=None) -> None:
        with self.transaction():
            self.conn.execute(sql, params)

    def _insert(self, sql, params) -> tuple:
        with self.transaction():
            return self.conn.execute(sql, params).fetchone()

    def _execute_many(self, sql, rows: list[dict]) -> None:
        with self.transaction(), self.conn.cursor() as cur:
            cur.executemany(sql, rows)

    def _insert_many(self, sql, rows: list[dict]) -> list[int]:
        """Run an INSERT ... RETURNING id for every row, pipelined; the ids in row order."""
        if not rows:
            return []
        with self.transaction(), self.conn.cursor() as cur:
            cur.executemany(sql, rows, returning=True)
            return [r[0] for _ in cur.results() for r in cur.fetchall()]
