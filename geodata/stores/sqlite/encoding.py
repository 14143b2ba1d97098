"""How the embedded backend keeps values (ISO text times, WKB geometry, JSON lists and objects) and
names its parameters; the base of every SQLite piece of a store."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime
from functools import lru_cache

import shapely

from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import utc


@lru_cache(maxsize=256)
def named(sql: str) -> str:
    """psycopg's ``%(name)s`` parameters, as SQLite's ``:name``."""
    return re.sub(r"%\((\w+)\)s", r":\1", sql)


def ts(dt: datetime | None) -> str | None:
    """Fixed-width UTC text, so that string order is time order."""
    return None if dt is None else utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


class SqliteEncoding(BaseStore):
    """How values are kept in SQLite: ISO text times, WKB geometry, JSON lists and objects."""

    conn: sqlite3.Connection
    MONTH_SQL = "strftime('%Y-%m', t.reported_at, '+8 hours')"  # county clock, UTC+8
    HOURS_SQL = "(julianday({end}) - julianday({start})) * 24.0"
    LOCK_ROW = ""  # a write transaction (BEGIN IMMEDIATE) holds the one write lock already
    SKIP_LOCKED = ""  # and serialises claimers: no other can hold a row this one picks
    ID_IN = "id IN (SELECT value FROM json_each(%(ids)s))"  # ids given as ``_arr(ids)``

    @staticmethod
    def _t(dt: datetime | None) -> str | None:
        return ts(dt)

    @staticmethod
    def _time(text: str | None) -> datetime | None:
        return None if text is None else datetime.fromisoformat(text)

    @staticmethod
    def _g(geom, srid: int = 4326) -> bytes | None:
        return None if geom is None else shapely.to_wkb(geom)

    @staticmethod
    def _geom(blob: bytes | None):
        return None if blob is None else shapely.from_wkb(blob)

    @staticmethod
    def _arr(values) -> str:
        return json.dumps(list(values), ensure_ascii=False)

    @staticmethod
    def _list(text: str) -> list:
        return json.loads(text)

    _obj = staticmethod(lambda d: json.dumps(d, ensure_ascii=False))
    _dict = staticmethod(json.loads)
