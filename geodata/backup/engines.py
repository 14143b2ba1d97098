"""How each backend copies its database out of and into a backup archive (geodata/backup/jobs.py):
SQLite through its online backup API, PostGIS through pg_dump and pg_restore. Both offer the same
small face: ``dump``, ``row_counts``, ``restore``; ``check_*`` look at a copy in an archive."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from geodata.errors import ConfigError, InvalidFile, InvalidInput
from geodata.stores.shared.base import MIGRATIONS, migration_files
from geodata.stores.sqlite.store import sqlite_path


@dataclass
class Facts:
    """What a database holds at the moment it was copied."""

    schema_version: int
    counties: list[str]
    row_counts: dict[str, int]


def known_schema(backend: str) -> int:
    """The newest migration this code knows for ``backend``."""
    return max((int(p.name[:4]) for p in migration_files(backend)), default=0)


def seeded_tables(backend: str) -> set[str]:
    """Tables the migrations fill themselves (categories, settings, ...): rows there do not make a
    database 'not empty'."""
    names = {"schema_migrations"}
    for path in (MIGRATIONS / backend).glob("*.sql"):
        names |= set(re.findall(r"INSERT\s+INTO\s+(\w+)", path.read_text(), flags=re.IGNORECASE))
    return names


def engine_for(url: str) -> SqliteEngine | PostgisEngine:
    if url.startswith("sqlite:"):
        return SqliteEngine(url)
    if url.startswith(("postgresql:", "postgres:")):
        return PostgisEngine(url)
    scheme = url.split(":", 1)[0]  # not the whole URL: it may hold a password
    raise ConfigError(
        f"DATABASE_URL 的 {scheme}: 数据库无法备份 (only sqlite:/// and postgresql:// databases)",
        en=f"A {scheme}: database in DATABASE_URL cannot be backed up: only sqlite:/// and postgresql:// databases can",
    )


# -- SQLite ------------------------------------------------------------------------------------
class SqliteEngine:
    backend = "sqlite"
    member = "database.sqlite"

    def __init__(self, url: str):
        self.path = sqlite_path(url)

    def dump(self, dest: Path) -> Facts:
        """A consistent copy of the live database in one file, even while the portal writes."""
        if not self.path.is_file():
            raise InvalidInput(
                f"数据库文件 {self.path} 不存在 (no SQLite database at {self.path})",
                en=f"There is no SQLite database file {self.path}",
            )
        with closing(sqlite3.connect(self.path, timeout=30)) as src, closing(sqlite3.connect(dest)) as dst:
            src.backup(dst)  # all pages in one step: one snapshot
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            return _sqlite_facts(dst)

    def row_counts(self) -> dict[str, int]:
        """Rows per table of the target database; empty when there is no file yet."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return {}
        with closing(sqlite3.connect(self.path, timeout=30)) as conn:
            return _sqlite_counts(conn)

    def restore(self, file: Path, workdir: Path) -> None:
        """Replace every page of the target with the copy's, through the backup API."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(file)) as src, closing(sqlite3.connect(self.path, timeout=30)) as dst:
            src.backup(dst)


def check_sqlite_copy(file: Path) -> Facts:
    """The copy in an archive passes SQLite's integrity check; what it holds."""
    member = SqliteEngine.member
    try:
        with closing(sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise InvalidFile(
                    f"{member} 未通过完整性检查 ({member} fails the integrity check: {result})",
                    en=f"{member} fails the integrity check: {result}",
                )
            return _sqlite_facts(conn)
    except sqlite3.DatabaseError as exc:
        raise InvalidFile(
            f"{member} 不是可用的 SQLite 数据库 ({member} is not a SQLite database: {exc})",
            en=f"{member} is not a usable SQLite database: {exc}",
        ) from None


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    """Every table, R*Trees included but not their shadow tables."""
    rows = conn.execute("PRAGMA main.table_list").fetchall()
    return sorted(r[1] for r in rows if r[2] in ("table", "virtual") and not r[1].startswith("sqlite_"))


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    quoted = {t: '"' + t.replace('"', '""') + '"' for t in _sqlite_tables(conn)}
    return {t: conn.execute(f"SELECT COUNT(*) FROM {q}").fetchone()[0] for t, q in quoted.items()}


def _sqlite_facts(conn: sqlite3.Connection) -> Facts:
    counts = _sqlite_counts(conn)
    version = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] if (
        "schema_migrations" in counts
    ) else 0  # fmt: skip
    codes = (
        [r[0] for r in conn.execute("SELECT code FROM county ORDER BY code")] if "county" in counts else []
    )
    return Facts(version or 0, codes, counts)


# -- PostGIS -----------------------------------------------------------------------------------
_USER_TABLES = """
    SELECT n.nspname, c.relname
    FROM pg_class AS c
    JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r'
      AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend AS d
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
      )
    ORDER BY 1, 2
"""
_USER_SCHEMAS = """
    SELECT nspname
    FROM pg_namespace
    WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
    ORDER BY 1
"""
_TABLE_DATA = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ", re.MULTILINE)


class PostgisEngine:
    backend = "postgis"
    member = "database.dump"

    def __init__(self, url: str):
        import psycopg

        self.url = url
        info = psycopg.conninfo.conninfo_to_dict(url)
        password = info.pop("password", None)
        # The tools get the password in their environment, never on a command line others can read.
        self.conninfo = psycopg.conninfo.make_conninfo(**info)
        self.env = {"PGPASSWORD": password} if password else {}

    def _connect(self, **kwargs):
        import psycopg

        try:
            return psycopg.connect(self.url, connect_timeout=10, **kwargs)
        except psycopg.OperationalError as exc:
            raise ConfigError(
                f"无法连接 PostgreSQL (cannot connect: {str(exc).strip()})",
                en=f"Cannot connect to PostgreSQL: {str(exc).strip()}",
            ) from None

    def dump(self, dest: Path) -> Facts:
        """pg_dump of one snapshot; the row counts and schema version are read in that snapshot."""
        import psycopg

        with closing(self._connect()) as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            facts = _pg_facts(conn)
            _run("pg_dump", ["-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                             "-f", str(dest), "--dbname", self.conninfo], self.env)  # fmt: skip
            conn.rollback()
        return facts

    def row_counts(self) -> dict[str, int]:
        with closing(self._connect(autocommit=True)) as conn:
            return _pg_counts(conn)

    def restore(self, file: Path, workdir: Path) -> None:
        """Replace the database's schemas by the dump's in one transaction: on any error nothing changes."""
        from psycopg import sql

        script = workdir / "restore.sql"
        _run("pg_restore", ["--no-owner", "--no-privileges", "-f", str(script), str(file)], self.env)
        with closing(self._connect(autocommit=True)) as conn:
            schemas = [r[0] for r in conn.execute(_USER_SCHEMAS)]
            drops = [
                sql.SQL("DROP SCHEMA {} CASCADE;").format(sql.Identifier(s)).as_string(conn) for s in schemas
            ]
        # As in a fresh PostgreSQL 15 database; dropping public drops PostGIS with it, and the dump's
        # CREATE EXTENSION brings it back.
        fresh = (
            "CREATE SCHEMA public AUTHORIZATION pg_database_owner; GRANT USAGE ON SCHEMA public TO PUBLIC;"
        )
        args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-c", " ".join(drops) + fresh,
                "-f", str(script), "--dbname", self.conninfo]  # fmt: skip
        _run("psql", args, self.env)
        script.unlink()


def check_dump(file: Path) -> set[str]:
    """pg_restore can read the dump's table of contents; the tables whose rows it holds."""
    listing = _run("pg_restore", ["--list", str(file)], {}, what=PostgisEngine.member)
    return {_qualified(schema, name) for schema, name in _TABLE_DATA.findall(listing)}


def _qualified(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def _pg_counts(conn) -> dict[str, int]:
    from psycopg import sql

    counts = {}
    for schema, table in conn.execute(_USER_TABLES).fetchall():
        query = sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(schema, table))
        counts[_qualified(schema, table)] = conn.execute(query).fetchone()[0]
    return counts


def _pg_facts(conn) -> Facts:
    counts = _pg_counts(conn)
    version = 0
    if "schema_migrations" in counts:
        version = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]
    codes = (
        [r[0] for r in conn.execute("SELECT code FROM county ORDER BY code")] if "county" in counts else []
    )
    return Facts(version, codes, counts)


def pg_tool(name: str) -> str:
    """The PostgreSQL client program ``name``: on the PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True
    )
    for folder in versions:
        if (folder / name).is_file():
            return str(folder / name)
    raise ConfigError(
        f"找不到 {name} (PostgreSQL client program {name} not found: install postgresql-client)",
        en=f"The PostgreSQL client program {name} is not found: install postgresql-client",
    )


def _run(tool: str, args: list[str], env: dict[str, str], what: str | None = None) -> str:
    """Run a PostgreSQL client program; its output, or an error with the first line it complained with."""
    import os

    result = subprocess.run(
        [pg_tool(tool), *args], env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        why = next((ln for ln in lines if "error" in ln.lower()), lines[0] if lines else "no message")
        if what is not None:  # reading a file from the archive: the archive is at fault
            raise InvalidFile(
                f"{what} 无法读取 (pg_restore cannot read {what}: {why})",
                en=f"{what} cannot be read (pg_restore: {why})",
            )
        raise ConfigError(f"{tool} 失败 ({tool} failed: {why})", en=f"{tool} failed: {why}")
    return result.stdout
