"""Shared fixtures: a ``store`` on each backend, a real PostGIS database, paths to the real data;
and for the web and browser tests an app on the small county 测试县, clients, and the demo county
seeded once per run and copied per module (what they are made of: tests/support/web.py)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from geodata import clock
from geodata.model import User
from geodata.stores.store import open_store
from tests.support.web import COUNTY_CODE, PASSWORD, county_app, demo_app, login, serving
from webmap import get_store
from webmap.serve import prepare

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


# -- the web: an app on the small county 测试县 ---------------------------------------------------
@pytest.fixture
def app(tmp_path):
    return county_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def leader(client):
    """A client signed in as the leader through the real form (CSRF token included)."""
    login(client, "leader1", PASSWORD)
    return client


@pytest.fixture
def case_users(app) -> dict:
    """For the case pages: an inspector ``insp``, staff ``cg`` of 城管执法局 (U01, leads 福华路) and
    ``jj`` of 交警大队 (U02, leads 金田路); returns the units by code."""
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        units = {u.code: u for u in store.list_units(county.id)}
        for name, role, unit in (("insp", "inspector", None), ("cg", "unit_staff", "U01"),
                                 ("jj", "unit_staff", "U02")):  # fmt: skip
            store.add_user(
                User(name, generate_password_hash(PASSWORD), role, county.id, unit and units[unit].id)
            )
    return units


@pytest.fixture
def sign_in(app):
    """``sign_in(name)``: a new client signed in as that user (password ``PASSWORD``)."""

    def signed_in(username: str):
        client = app.test_client()
        assert login(client, username, PASSWORD).status_code == 302
        return client

    return signed_in


@pytest.fixture
def live_server(app):
    with serving(app) as base:
        yield base


# -- the demo county -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The demo county seeded once per test run, as ``make run`` seeds it: its folder (database
    and instance files) and the demo users' passwords by role. The database is one closed file:
    its write-ahead log checkpointed into it, so a plain copy of the folder is the whole demo."""
    folder = tmp_path_factory.mktemp("demo-template")
    app = demo_app(folder)
    passwords = prepare(app).passwords
    app.extensions["portal_db"].close()
    with sqlite3.connect(folder / "d.sqlite") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert not (folder / "d.sqlite-wal").exists() or not (folder / "d.sqlite-wal").stat().st_size
    return folder, passwords


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_template):
    """A copy of the seeded demo for one test module, which may change it: (app, passwords)."""
    template, passwords = demo_template
    folder = tmp_path_factory.mktemp("demo")
    shutil.copytree(template, folder, dirs_exist_ok=True)
    return demo_app(folder), passwords
