"""Databases of a test's own on either backend, beside the conftest fixtures that hand out one
backend's: an empty one, a migrated one whose writes really commit, and an older one for upgrade
tests, whose schema stops where an older release stopped, so that a test can fill it with that
release's rows and then upgrade it with ``store.migrate()``."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from geodata.stores.shared.base import migration_files
from geodata.stores.store import Store, open_store


def empty_url(request, backend: str, tmp_path: Path, name: str) -> str:
    """A database with no schema: a SQLite file ``name``.sqlite not yet there in ``tmp_path``, or a
    PostGIS database of its own."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / name}.sqlite"
    return request.getfixturevalue("empty_postgis_url")


def committed_url(request, backend: str, tmp_path: Path, name: str) -> str:
    """A migrated database whose writes really commit, so that two connections see each other's: a
    SQLite file ``name``.sqlite in ``tmp_path``, or a PostGIS database of its own."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / name}.sqlite"
        store = open_store(url)
        store.migrate()
        store.close()
        return url
    return request.getfixturevalue("committed_postgis_url")


@contextmanager
def older_store(request, backend: str, tmp_path: Path, knew: int | str) -> Iterator[tuple[Store, list[Path]]]:
    """Yield an open store of ``backend`` (``sqlite`` in ``tmp_path``, ``postgis`` in an empty
    database of its own) migrated only as far as an older release knew, and the migrations the
    upgrade is to apply. ``knew`` is how many migrations that release knew, or the ending of the
    name of the first one it did not know (``"zone_kinds.sql"``). The store is closed afterwards."""
    url = empty_url(request, backend, tmp_path, "old")
    migrations = migration_files(backend)
    if isinstance(knew, str):
        knew = next(i for i, p in enumerate(migrations) if p.name.endswith(knew))
    assert knew > 0, "an older release knew at least the first migration"
    module = importlib.import_module(f"geodata.stores.{backend}.store")
    store = open_store(url)
    try:
        with mock.patch.object(module, "migration_files", lambda _: migrations[:knew]):
            assert store.migrate() == [p.name for p in migrations[:knew]]
        yield store, migrations[knew:]
    finally:
        store.close()
