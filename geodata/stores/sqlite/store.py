"""The embedded backend: one SQLite file (WAL), WKB geometry, R*Tree prefilter, exact tests in shapely 2."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path

from geodata.errors import ConfigError
from geodata.geo.tiles import CellBox, Tile
from geodata.stores.shared.base import migration_files
from geodata.stores.shared.sql import SharedSql
from geodata.stores.sqlite.encoding import named
from geodata.stores.sqlite.entities import FeaturesMixin
from geodata.stores.sqlite.spatial import SpatialMixin
from geodata.stores.sqlite.tiles import SqliteTiles

MIGRATE_WAIT_S = 120.0


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///path`` DATABASE_URL."""
    return Path(url.removeprefix("sqlite:///").removeprefix("sqlite://"))


class SqliteDatabase:
    """A database file named by ``sqlite:///relative/or//absolute/path``, with a few connections
    kept open between requests: a fresh one reads the schema again and starts with a cold cache."""

    IDLE = 8  # connections kept; a gunicorn thread needs one at a time
    # How long a statement waits for another's write lock before "database is locked" (a 503 with
    # Retry-After to a web client): a writer holds it for its statements only, well under this.
    BUSY_TIMEOUT_S = 5.0

    def __init__(self, url: str):
        self.url = url
        self.path = sqlite_path(url)
        if not str(self.path) or str(self.path) == ".":
            raise ConfigError(
                f"DATABASE_URL {url!r} 没有指定文件：请使用 sqlite:///path/portal.sqlite",
                en=f"DATABASE_URL {url!r} names no file: use sqlite:///path/portal.sqlite",
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"无法为 {self.path} 创建文件夹：{exc.strerror}",
                en=f"Cannot create the folder for {self.path}: {exc.strerror}",
            ) from None
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def store(self) -> SqliteStore:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        return SqliteStore(conn or self._connect(), release=self._put)

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=self.BUSY_TIMEOUT_S
            )
        except sqlite3.Error as exc:
            raise ConfigError(
                f"无法打开 SQLite 数据库 {self.path}：{exc}",
                en=f"Cannot open the SQLite database {self.path}: {exc}",
            ) from None
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def _put(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:  # a request that failed half way keeps nothing
            conn.rollback()
        with self._lock:
            if len(self._idle) < self.IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class SqliteStore(FeaturesMixin, SpatialMixin, SharedSql):
    """A Store over one SQLite connection: the shared SQL (shared/sql.py) on this module's
    statements, with R*Tree reads and writes (entities.py, spatial.py) and a tile builder (tiles.py)."""

    backend = "sqlite"
    CONSTRAINT_ERRORS = (sqlite3.IntegrityError,)

    def __init__(self, conn: sqlite3.Connection, release=None):
        super().__init__()
        self.conn = conn
        self._tiles = SqliteTiles(conn)  # tiles.py: what vector_tile and incident_clusters ask
        self._depth = 0
        self._release = release  # gives the connection back to its database's idle ones

    # -- lifecycle ---------------------------------------------------------------------------------
    def transaction(self) -> AbstractContextManager[None]:
        """A transaction, or a savepoint when one is already open. It takes SQLite's write lock at
        once (every other writer waits): open it around the statements that write, after the
        slow work (geometry checks) is done."""
        return self._transaction("BEGIN IMMEDIATE")

    def read_transaction(self) -> AbstractContextManager[None]:
        """A consistent read (a preview's): a deferred transaction, which takes no write lock
        unless it writes, so no writer waits on it (WAL: readers and one writer run together)."""
        return self._transaction("BEGIN DEFERRED")

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        name = f"sp{self._depth}"
        self.conn.execute(begin if self._depth == 0 else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
            raise
        self._depth -= 1
        self.conn.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    def migrate(self) -> list[str]:
        """Apply the migrations; waits up to MIGRATE_WAIT_S for another process's (a gunicorn
        worker starting beside this one, or seeding the demo)."""
        (timeout_ms,) = self.conn.execute("PRAGMA busy_timeout").fetchone()
        self.conn.execute(f"PRAGMA busy_timeout = {int(MIGRATE_WAIT_S * 1000)}")
        try:
            return self._migrate()
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")

    def _migrate(self) -> list[str]:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        done = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        applied = []
        with self._foreign_keys_off():
            for path in migration_files("sqlite"):
                version = int(path.name[:4])
                if version in done:
                    continue
                with self.transaction():
                    for statement in _statements(path.read_text()):
                        self.conn.execute(statement)
                    _check_foreign_keys(self.conn, path.name)
                    self.conn.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, path.name)
                    )
                applied.append(path.name)
        return applied

    @contextmanager
    def _foreign_keys_off(self) -> Iterator[None]:
        """Foreign keys unenforced while migrating, as SQLite documents for rebuilding a table
        (0016): dropping the old table would otherwise delete its rows first and fail on every
        reference to them. The pragma does nothing inside a transaction, so it is set between them;
        each migration checks the keys itself before it commits (``_check_foreign_keys``)."""
        (was_on,) = self.conn.execute("PRAGMA foreign_keys").fetchone()
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA foreign_keys = {'ON' if was_on else 'OFF'}")

    def schema_version(self) -> int:
        try:
            row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        except sqlite3.OperationalError:
            return 0
        return row[0] or 0

    def close(self) -> None:
        release, self._release = self._release, None  # twice is once: never give a connection back twice
        if release is not None:
            release(self.conn)
        elif self.conn is not None:
            self.conn.close()
        self.conn = self._tiles = None
        super().close()

    # -- tiles: the tile builder's ----------------------------------------------------------------
    def vector_tile(self, county_id: int, layer: str, tile: Tile, at: datetime, **filters) -> bytes:
        return self._tiles.vector_tile(county_id, layer, tile, at, **filters)

    def incident_clusters(self, county_id: int, level: int, cells: CellBox, **filters):
        return self._tiles.incident_clusters(county_id, level, cells, **filters)

    # -- the primitives the shared SQL runs on -----------------------------------------------------
    def _rows(self, sql: str, params: Sequence | dict = ()) -> list[sqlite3.Row]:
        cur = self.conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(named(sql), params).fetchall()

    def _execute(self, sql: str, params: Sequence | dict = ()) -> None:
        with self.transaction():
            self.conn.execute(named(sql), params)

    def _insert(self, sql: str, params: dict) -> tuple:
        """Run an INSERT ... RETURNING and give back its row (read whole before the commit)."""
        with self.transaction():
            return self.conn.execute(named(sql), params).fetchall()[0]

    def _execute_many(self, sql: str, rows: list[dict]) -> None:
        with self.transaction():
            self.conn.executemany(named(sql), rows)

    def _insert_many(self, sql: str, rows: list[dict]) -> list[int]:
        """Run an INSERT ... RETURNING id for every row (in process, a loop costs little)."""
        statement = named(sql)
        with self.transaction():
            return [self.conn.execute(statement, r).fetchall()[0][0] for r in rows]


def _check_foreign_keys(conn: sqlite3.Connection, migration: str) -> None:
    """Refuse (rolling the migration back) when it left a reference to a row that is not there."""
    broken = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        found = ", ".join(f"{table} row {rowid} → {parent}" for table, rowid, parent, _ in broken)
        raise sqlite3.IntegrityError(f"{migration} would break foreign keys: {found}")


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN ... END;) whole."""
    statements, current = [], []
    for line in script.splitlines():
        if line.strip().startswith("--") and not current:
            continue
        current.append(line)
        text = "\n".join(current).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            statements.append(text)
            current = []
    if "\n".join(current).strip():
        statements.append("\n".join(current))
    return statements
