"""How values travel to PostGIS (aware UTC times, shapely geometries with their SRID, lists, jsonb);
the base of every PostGIS piece of a store."""

from __future__ import annotations

from datetime import datetime

import psycopg
import shapely
from psycopg.types.json import Jsonb

from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import utc


class PostgisEncoding(BaseStore):
    """How values travel to PostGIS: aware UTC times, shapely geometries tagged with their SRID
    (read back without it), arrays as lists, JSON as jsonb."""

    conn: psycopg.Connection
    MONTH_SQL = "to_char(t.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"  # county clock, UTC+8
    HOURS_SQL = "EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0"

    @staticmethod
    def _t(dt: datetime | None) -> datetime | None:
        return None if dt is None else utc(dt)

    @staticmethod
    def _time(value: datetime | None) -> datetime | None:
        return None if value is None else utc(value)

    @staticmethod
    def _g(geom, srid: int = 4326):
        return None if geom is None else shapely.set_srid(geom, srid)

    @staticmethod
    def _geom(geom):
        return None if geom is None else shapely.set_srid(geom, 0)

    LOCK_ROW = " FOR UPDATE"  # a row read to be written in this transaction
    SKIP_LOCKED = " FOR UPDATE SKIP LOCKED"  # two claimers of the outbox never pick one row
    ID_IN = "id = ANY(%(ids)s)"  # ids given as ``_arr(ids)``
    _arr = staticmethod(list)
    _list = staticmethod(list)
    _obj = staticmethod(Jsonb)
    _dict = staticmethod(dict)
