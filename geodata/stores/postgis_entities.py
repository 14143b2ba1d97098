"""What only PostGIS does its own way: encodings, zones, segments and incidents in a bounding box,
incidents in bulk through COPY."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

import shapely
from psycopg.types.json import Jsonb

from geodata.model import Incident, Segment, Zone
from geodata.stores.base import utc
from geodata.stores.common import one

_IN_BBOX = "ST_Intersects(geom, ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326))"
# Geometry as WKB, parsed for all rows at once: far faster than one adapter call per row.
_ZONE_COLUMNS = (
    "id, county_id, kind, code, name, parent_id, area_m2, tier, titles, version, ST_AsBinary(geom) AS geom"
)
_SEGMENT_COLUMNS = "id, county_id, name, highway, source_id, length_m, version, ST_AsBinary(geom) AS geom"
_INCIDENT_COLUMNS = (
    "id, county_id, category, status, description, source, reported_at, ST_X(geom) AS lon, ST_Y(geom) AS lat, "
    "zone_id, segment_id, unit_id"
)
_COPY_INCIDENTS = """
    COPY incident (county_id, category, status, description, source, reported_at, geom,
                   zone_id, segment_id, unit_id)
    FROM STDIN
"""
_LIST_INCIDENTS = f"""
    SELECT {_INCIDENT_COLUMNS}
    FROM incident
    WHERE county_id = %(county)s
      AND (%(bbox)s::boolean IS NULL OR {_IN_BBOX})
      AND (%(since)s::timestamptz IS NULL OR reported_at >= %(since)s)
      AND (%(until)s::timestamptz IS NULL OR reported_at < %(until)s)
      AND (%(category)s::text IS NULL OR category = %(category)s)
    ORDER BY id
    LIMIT %(limit)s OFFSET %(offset)s
"""


def _bbox(bbox) -> dict:
    return dict(zip(("minx", "miny", "maxx", "maxy"), bbox, strict=True))


class PostgisEncoding:
    """How values travel to PostGIS: aware UTC times, shapely geometries tagged with their SRID
    (read back without it), arrays as lists, JSON as jsonb."""

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

    _arr = staticmethod(list)
    _list = staticmethod(list)
    _obj = staticmethod(Jsonb)
    _dict = staticmethod(dict)


class FeaturesMixin:
    def list_zones(self, county_id: int, kind: str | None = None, bbox=None) -> list[Zone]:
        where = "county_id = %(county)s AND (%(kind)s::text IS NULL OR kind = %(kind)s)"
        where += f" AND {_IN_BBOX}" if bbox is not None else ""
        params = {"county": county_id, "kind": kind, **(_bbox(bbox) if bbox else {})}
        return self._features(
            self._zone, self._rows(f"SELECT {_ZONE_COLUMNS} FROM zone WHERE {where} ORDER BY id", params)
        )

    def list_segments(self, county_id: int, bbox=None) -> list[Segment]:
        where = "county_id = %(county)s" + (f" AND {_IN_BBOX}" if bbox is not None else "")
        params = {"county": county_id, **(_bbox(bbox) if bbox else {})}
        rows = self._rows(f"SELECT {_SEGMENT_COLUMNS} FROM segment WHERE {where} ORDER BY id", params)
        return self._features(self._segment, rows)

    # -- incidents -----------------------------------------------------------------------------
    def add_incidents(self, incidents: Sequence[Incident]) -> int:
        for status in {i.status for i in incidents}:
            self._check_status(status)
        with self.transaction(), self.conn.cursor() as cur, cur.copy(_COPY_INCIDENTS) as copy:
            for i in incidents:
                copy.write_row(
                    (i.county_id, i.category, i.status, i.description, i.source, utc(i.reported_at),
                     f"SRID=4326;POINT({i.geom.x!r} {i.geom.y!r})", i.zone_id, i.segment_id, i.unit_id)
                )  # fmt: skip
        return len(incidents)

    def get_incident(self, county_id: int, incident_id: int) -> Incident:
        rows = self._rows(
            f"SELECT {_INCIDENT_COLUMNS} FROM incident WHERE county_id = %s AND id = %s",
            (county_id, incident_id),
        )
        return self._incidents([one(rows, f"incident #{incident_id}")])[0]

    def list_incidents(
        self, county_id, bbox=None, since=None, until=None, category=None, limit=None, offset=0
    ):
        params = {
            "county": county_id, "bbox": True if bbox is not None else None,
            **_bbox(bbox if bbox is not None else (None,) * 4),
            "since": self._t(since), "until": self._t(until), "category": category,
            "limit": limit, "offset": offset,
        }  # fmt: skip
        return self._incidents(self._rows(_LIST_INCIDENTS, params))

    def iter_incidents(self, county_id: int, batch: int = 10_000) -> Iterator[list[Incident]]:
        last = 0
        while True:
            rows = self._rows(
                f"SELECT {_INCIDENT_COLUMNS} FROM incident WHERE county_id = %s AND id > %s ORDER BY id LIMIT %s",
                (county_id, last, batch),
            )
            if not rows:
                return
            last = rows[-1]["id"]
            yield self._incidents(rows)
