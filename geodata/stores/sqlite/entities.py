"""What only the embedded backend does its own way: R*Tree upkeep, zones, segments and
incidents in a bounding box, incidents in bulk."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import numpy as np

from geodata.geo.geometry import metric_xy
from geodata.model import OPEN_STATUSES, TARGET_KINDS, Incident, Segment, Zone
from geodata.stores.shared.cases import INCIDENT_FILTERS
from geodata.stores.shared.checks import check_choice, kinds_list, one, sql_list
from geodata.stores.sqlite.encoding import ts
from geodata.stores.sqlite.spatial import SpatialMixin

_INSERT_INCIDENT = """
    INSERT INTO incident (id, county_id, category, status, description, source, reported_at, lon, lat,
                          zone_id, segment_id, unit_id, address, reporter, contact, deadline_at,
                          updated_at, duplicate_of, review_units, rework)
    VALUES (:id, :county_id, :category, :status, :description, :source, :reported_at, :lon, :lat,
            :zone_id, :segment_id, :unit_id, :address, :reporter, :contact, :deadline_at,
            :updated_at, :duplicate_of, :review_units, :rework)
"""
_COUNT_INCIDENTS = """
    SELECT COUNT(*) AS n
    FROM incident AS t
    WHERE t.county_id = :county
      AND (:minx IS NULL OR t.id IN (
          SELECT id FROM incident_rtree
          WHERE maxx >= :minx AND minx <= :maxx AND maxy >= :miny AND miny <= :maxy))
      AND (:minx IS NULL OR (t.lon BETWEEN :minx AND :maxx AND t.lat BETWEEN :miny AND :maxy))
"""
# Open cases of a category near a point: candidates by R*Tree box, the metric distance decides.
_NEAR_OPEN = """
    SELECT t.id, t.lon, t.lat
    FROM incident_rtree AS r
    CROSS JOIN incident AS t ON t.id = r.id  -- the R*Tree first (tiles.py says why)
    WHERE t.county_id = :county AND t.category = :category AND t.duplicate_of IS NULL
      AND t.status IN {open} AND t.reported_at >= :since
      AND r.maxx >= :minx AND r.minx <= :maxx AND r.maxy >= :miny AND r.miny <= :maxy
    ORDER BY t.id
"""
_NEAR_OPEN = _NEAR_OPEN.replace("{open}", sql_list(OPEN_STATUSES))
# Metres in a degree of longitude at 60°N: any county of ours is nearer the equator.
METRES_PER_DEGREE_MIN = 55_000.0


class FeaturesMixin(SpatialMixin):
    """Zones, segments and incidents read through the R*Trees, incidents written with theirs."""

    def _indexed(self, table: str, row_id: int, geom) -> None:
        minx, miny, maxx, maxy = geom.bounds
        self.conn.execute(
            f"INSERT OR REPLACE INTO {table}_rtree VALUES (?, ?, ?, ?, ?)", (row_id, minx, maxx, miny, maxy)
        )

    def _unindexed(self, table: str, row_id: int) -> None:
        self.conn.execute(f"DELETE FROM {table}_rtree WHERE id = ?", (row_id,))

    def list_zones(self, county_id: int, kind: str | Sequence[str] | None = None, bbox=None) -> list[Zone]:
        kinds = kinds_list(kind)
        rows = self._in_bbox(
            "zone", county_id, bbox, "AND (:kinds IS NULL OR t.kind IN (SELECT value FROM json_each(:kinds)))",
            {"kinds": None if kinds is None else json.dumps(kinds)},
        )  # fmt: skip
        return self._features(self._zone, rows)

    def list_segments(self, county_id: int, bbox=None) -> list[Segment]:
        return self._features(self._segment, self._in_bbox("segment", county_id, bbox))

    def get_targets(self, county_id: int, kind: str, ids: Sequence[int], lock: bool = False) -> list:
        """Nothing to lock: a transaction here (BEGIN IMMEDIATE) already holds the database's one
        write lock, so no other writer can change these rows before it ends."""
        check_choice(kind, TARGET_KINDS, "target kind")
        rows = self._rows(
            f"SELECT * FROM {kind} WHERE county_id = %(c)s AND {self.ID_IN} ORDER BY id",
            {"c": county_id, "ids": self._arr(int(i) for i in ids)},
        )
        return self._features(self._zone if kind == "zone" else self._segment, rows)

    # -- incidents ---------------------------------------------------------------------------------
    def add_incidents(self, incidents: Sequence[Incident]) -> int:
        self._write_incidents(incidents)
        return len(incidents)

    def add_incident(self, incident: Incident) -> Incident:
        return self.get_incident(incident.county_id, self._write_incidents([incident]))

    def _write_incidents(self, incidents: Sequence[Incident]) -> int:
        """Write incidents and their R*Tree rows; return the first one's id."""
        for status in {i.status for i in incidents}:
            self._check_status(status)
        with self.transaction():
            # Ids are given here so the R*Tree rows can be written in the same executemany pass.
            first = self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM incident").fetchone()[0]
            self.conn.executemany(
                _INSERT_INCIDENT,
                [{**self._incident_params(i), "id": first + n} for n, i in enumerate(incidents)],
            )
            self.conn.executemany(
                "INSERT INTO incident_rtree VALUES (?, ?, ?, ?, ?)",
                [(first + n, i.geom.x, i.geom.x, i.geom.y, i.geom.y) for n, i in enumerate(incidents)],
            )
        return first

    def get_incident(self, county_id: int, incident_id: int) -> Incident:
        rows = self._rows("SELECT * FROM incident WHERE county_id = ? AND id = ?", (county_id, incident_id))
        return self._incidents([one(rows, f"incident #{incident_id}")])[0]

    def segment_incidents(self, county_id: int, segment_ids: Sequence[int]) -> list[Incident]:
        rows = self._rows(
            "SELECT * FROM incident WHERE county_id = %(c)s "
            "AND segment_id IN (SELECT value FROM json_each(%(ids)s)) ORDER BY id",
            {"c": county_id, "ids": self._arr(int(i) for i in segment_ids)},
        )
        return self._incidents(rows)

    def list_incidents(self, county_id, bbox=None, limit=None, offset=0, newest_first=False, **filters):
        rows = self._in_bbox(
            "incident", county_id, bbox, INCIDENT_FILTERS, self._incident_filters(**filters),
            limit=limit, offset=offset, order="t.id DESC" if newest_first else "t.id",
        )  # fmt: skip
        return self._incidents(rows)

    def count_incidents(self, county_id, bbox=None, **filters) -> int:
        box = dict(
            zip(("minx", "miny", "maxx", "maxy"), bbox if bbox is not None else (None,) * 4, strict=True)
        )
        params = {"county": county_id, **box, **self._incident_filters(**filters)}
        return self._rows(_COUNT_INCIDENTS + INCIDENT_FILTERS, params)[0]["n"]

    def near_open_incident(self, county_id, category, point, radius_m, since) -> int | None:
        deg = 2 * radius_m / METRES_PER_DEGREE_MIN
        params = {
            "county": county_id, "category": category, "since": ts(since),
            "minx": point.x - deg, "maxx": point.x + deg, "miny": point.y - deg, "maxy": point.y + deg,
        }  # fmt: skip
        rows = self._rows(_NEAR_OPEN, params)
        if not rows:
            return None
        xy = metric_xy(
            np.array([(point.x, point.y)] + [(r["lon"], r["lat"]) for r in rows]), self.county_epsg(county_id)
        )
        near = np.hypot(*(xy[1:] - xy[0]).T)
        best = min((d, r["id"]) for d, r in zip(near.tolist(), rows, strict=True))
        return best[1] if best[0] <= radius_m else None

    def lock_filing(self, county_id: int, category: str) -> None:
        """Nothing to do: a transaction here (BEGIN IMMEDIATE) already holds the database's one
        write lock, so filings are serialised."""

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
