"""Shared fixtures: a ``store`` on each backend, a real PostGIS database, paths to the real data."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from geodata import clock
from geodata.stores.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
POSTGIS_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "postgresql://portal:portal@127.0.0.1:5432/postgres")
REQUIRE_POSTGIS = os.environ.get("REQUIRE_POSTGIS") == "1"


def _missing_postgis(reason: str):
    if REQUIRE_POSTGIS:
        pytest.fail(f"PostGIS is required (REQUIRE_POSTGIS=1) but {reason}")
    pytest.skip(f"PostGIS tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgis_url():
    """A fresh database with PostGIS and the schema, dropped at the end of the session; tests
    use it through ``postgis_store``, whose writes are rolled back."""
    yield from _scratch_database()


@pytest.fixture
def committed_postgis_url():
    """A database of its own for a test whose writes must really commit (an app with a pool)."""
    yield from _scratch_database()


@pytest.fixture
def empty_postgis_url():
    """A database of its own with no schema at all (for upgrade tests)."""
    yield from _scratch_database(migrate=False)


def _scratch_database(migrate: bool = True):
    try:
        import psycopg
        from psycopg import sql
    except ImportError as exc:  # pragma: no cover
        _missing_postgis(f"psycopg is not installed ({exc})")
    name = f"portal_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(POSTGIS_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        _missing_postgis(f"cannot connect to {POSTGIS_URL}: {exc}")
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = POSTGIS_URL.rsplit("/", 1)[0] + "/" + name
    if not migrate:
        yield url
        _drop(POSTGIS_URL, name)
        return
    store = open_store(url)
    try:
        store.migrate()
    except Exception as exc:
        store.close()
        _drop(POSTGIS_URL, name)
        _missing_postgis(f"the PostGIS schema could not be created: {exc}")
    store.close()
    yield url
    _drop(POSTGIS_URL, name)


def _drop(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def postgis_store(postgis_url):
    """A PostGIS store whose every write is rolled back after the test."""
    import psycopg

    from geodata.stores.postgis.store import PostgisStore

    with psycopg.connect(postgis_url, autocommit=True) as conn, conn.transaction(force_rollback=True):
        store = PostgisStore.from_connection(conn)
        yield store


@pytest.fixture
def sqlite_store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'portal.sqlite'}")
    store.migrate()
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "postgis"])
def store(request):
    """The contract fixture: every test that takes ``store`` runs on both backends."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def both_stores(sqlite_store, postgis_store):
    return sqlite_store, postgis_store


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared data folder {SHARED_DATA} is missing (it sits beside the repository)")
    return SHARED_DATA


@pytest.fixture(autouse=True, scope="module")
def _real_clock():
    """Every test module starts and ends on the real day, whatever a pinned app or seed in
    another did (a module pinning its own day keeps it for all its tests)."""
    clock.pin(None)
    yield
    clock.pin(None)
