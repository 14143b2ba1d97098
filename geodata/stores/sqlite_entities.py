"""What only the embedded backend does its own way: encodings, R*Tree upkeep, zones, segments and
incidents in a bounding box, incidents in bulk."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime

import shapely

from geodata.model import Incident, Segment, Zone
from geodata.stores.base import utc
from geodata.stores.common import one

_INSERT_INCIDENT = """
    INSERT INTO incident (id, county_id, category, status, description, source, reported_at, lon, lat,
                          zone_id, segment_id, unit_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_INCIDENT_FILTERS = """
      AND (:since IS NULL OR t.reported_at >= :since)
      AND (:until IS NULL OR t.reported_at < :until)
      AND (:category IS NULL OR t.category = :category)
"""


def ts(dt: datetime | None) -> str | None:
    """Fixed-width UTC text, so that string order is time order."""
    return None if dt is None else utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


class SqliteEncoding:
    """How values are kept in SQLite: ISO text times, WKB geometry, JSON lists and objects."""

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


class FeaturesMixin:
    def _indexed(self, table: str, row_id: int, geom) -> None:
        minx, miny, maxx, maxy = geom.bounds
        self.conn.execute(
            f"INSERT OR REPLACE INTO {table}_rtree VALUES (?, ?, ?, ?, ?)", (row_id, minx, maxx, miny, maxy)
        )

    def _unindexed(self, table: str, row_id: int) -> None:
        self.conn.execute(f"DELETE FROM {table}_rtree WHERE id = ?", (row_id,))

    def list_zones(self, county_id: int, kind: str | None = None, bbox=None) -> list[Zone]:
        rows = self._in_bbox("zone", county_id, bbox, "AND (:kind IS NULL OR t.kind = :kind)", {"kind": kind})
        return self._features(self._zone, rows)

    def list_segments(self, county_id: int, bbox=None) -> list[Segment]:
        return self._features(self._segment, self._in_bbox("segment", county_id, bbox))

    # -- incidents -----------------------------------------------------------------------------
    def add_incidents(self, incidents: Sequence[Incident]) -> int:
        for status in {i.status for i in incidents}:
            self._check_status(status)
        with self.transaction():
            # Ids are given here so the R*Tree rows can be written in the same executemany pass.
            first = self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM incident").fetchone()[0]
            self.conn.executemany(
                _INSERT_INCIDENT,
                [(first + n, i.county_id, i.category, i.status, i.description, i.source, ts(i.reported_at),
                  i.geom.x, i.geom.y, i.zone_id, i.segment_id, i.unit_id) for n, i in enumerate(incidents)],
            )  # fmt: skip
            self.conn.executemany(
                "INSERT INTO incident_rtree VALUES (?, ?, ?, ?, ?)",
                [(first + n, i.geom.x, i.geom.x, i.geom.y, i.geom.y) for n, i in enumerate(incidents)],
            )
        return len(incidents)

    def get_incident(self, county_id: int, incident_id: int) -> Incident:
        rows = self._rows("SELECT * FROM incident WHERE county_id = ? AND id = ?", (county_id, incident_id))
        return self._incidents([one(rows, f"incident #{incident_id}")])[0]

    def list_incidents(
        self, county_id, bbox=None, since=None, until=None, category=None, limit=None, offset=0
    ):
        params = {"since": ts(since), "until": ts(until), "category": category}
        rows = self._in_bbox(
            "incident", county_id, bbox, _INCIDENT_FILTERS, params, limit=limit, offset=offset
        )
        return self._incidents(rows)

    def iter_incidents(self, county_id: int, batch: int = 10_000) -> Iterator[list[Incident]]:
        last = 0
        while True:
            rows = self._rows(
                "SELECT * FROM incident WHERE county_id = ? AND id > ? ORDER BY id LIMIT ?",
                (county_id, last, batch),
            )
            if not rows:
                return
            last = rows[-1]["id"]
            yield self._incidents(rows)
