"""What only PostGIS does its own way: zones, segments and incidents in a bounding box,
incidents in bulk through COPY."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from geodata.model import OPEN_STATUSES, TARGET_KINDS, Incident, IncidentEvent, Segment, Zone
from geodata.stores.postgis.encoding import PostgisEncoding
from geodata.stores.shared.cases import INCIDENT_FILTERS
from geodata.stores.shared.checks import check_choice, kinds_list, one, sql_list, utc

# Metres in a degree of longitude at 60°N: any county of ours is nearer the equator.
METRES_PER_DEGREE_MIN = 55_000.0
_IN_BBOX = "ST_Intersects(geom, ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326))"
# Geometry as WKB, parsed for all rows at once: far faster than one adapter call per row.
_ZONE_COLUMNS = (
    "id, county_id, kind, code, name, parent_id, area_m2, tier, titles, version, created_at, "
    "ST_AsBinary(geom) AS geom"
)
_SEGMENT_COLUMNS = "id, county_id, name, highway, source_id, length_m, version, ST_AsBinary(geom) AS geom"
_CASE_FIELDS = (
    "address", "reporter", "contact", "deadline_at", "updated_at", "duplicate_of", "review_units", "rework"
)  # fmt: skip
_INCIDENT_COLUMNS = (
    "id, county_id, category, status, description, source, reported_at, ST_X(geom) AS lon, ST_Y(geom) AS lat, "
    "zone_id, segment_id, unit_id, " + ", ".join(_CASE_FIELDS)
)
_COPY_INCIDENTS = f"""
    COPY incident (county_id, category, status, description, source, reported_at, geom,
                   zone_id, segment_id, unit_id, {", ".join(_CASE_FIELDS)})
    FROM STDIN
"""
_COPY_EVENTS = (
    "COPY incident_event (county_id, incident_id, at, actor, from_status, to_status, note) FROM STDIN"
)
_INSERT_INCIDENT = f"""
    INSERT INTO incident (county_id, category, status, description, source, reported_at, geom,
                          zone_id, segment_id, unit_id, {", ".join(_CASE_FIELDS)})
    VALUES (%(county_id)s, %(category)s, %(status)s, %(description)s, %(source)s, %(reported_at)s,
            ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(zone_id)s, %(segment_id)s, %(unit_id)s,
            {", ".join(f"%({f})s" for f in _CASE_FIELDS)})
    RETURNING id
"""
_WHERE_INCIDENTS = f"""
    FROM incident AS t
    WHERE t.county_id = %(county)s
      AND (%(bbox)s::boolean IS NULL OR ST_Intersects(t.geom, ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326)))
      {INCIDENT_FILTERS}
"""
# Open cases of a category within a distance: a box in degrees (wide enough at any latitude the
# county can have) finds candidates by index, the geography distance decides.
_NEAR_OPEN = """
    SELECT id
    FROM incident
    WHERE county_id = %(county)s AND category = %(category)s AND duplicate_of IS NULL
      AND status IN {open} AND reported_at >= %(since)s
      AND geom && ST_Expand(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(deg)s)
      AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, %(m)s)
    ORDER BY ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography), id
    LIMIT 1
"""
_NEAR_OPEN = _NEAR_OPEN.replace("{open}", sql_list(OPEN_STATUSES))


_REROUTE_MANY = """
    UPDATE incident AS i SET zone_id = r.zone_id, segment_id = r.segment_id, unit_id = r.unit_id
    FROM unnest(%(county_id)s::bigint[], %(id)s::bigint[], %(zone_id)s::bigint[],
                %(segment_id)s::bigint[], %(unit_id)s::bigint[]) AS r(county_id, id, zone_id, segment_id, unit_id)
    WHERE i.county_id = r.county_id AND i.id = r.id
      AND NOT EXISTS (SELECT 1 FROM case_request AS q WHERE q.incident_id = i.id AND q.kind = 'return')
"""


def _bbox(bbox) -> dict:
    return dict(zip(("minx", "miny", "maxx", "maxy"), bbox, strict=True))


class FeaturesMixin(PostgisEncoding):
    """Zones, segments and incidents read by box in SQL, incidents written in bulk through COPY."""

    def list_zones(self, county_id: int, kind: str | Sequence[str] | None = None, bbox=None) -> list[Zone]:
        where = "county_id = %(county)s AND (%(kinds)s::text[] IS NULL OR kind = ANY(%(kinds)s))"
        where += f" AND {_IN_BBOX}" if bbox is not None else ""
        params = {"county": county_id, "kinds": kinds_list(kind), **(_bbox(bbox) if bbox else {})}
        return self._features(
            self._zone, self._rows(f"SELECT {_ZONE_COLUMNS} FROM zone WHERE {where} ORDER BY id", params)
        )

    def list_segments(self, county_id: int, bbox=None) -> list[Segment]:
        where = "county_id = %(county)s" + (f" AND {_IN_BBOX}" if bbox is not None else "")
        params = {"county": county_id, **(_bbox(bbox) if bbox else {})}
        rows = self._rows(f"SELECT {_SEGMENT_COLUMNS} FROM segment WHERE {where} ORDER BY id", params)
        return self._features(self._segment, rows)

    def get_targets(self, county_id: int, kind: str, ids: Sequence[int], lock: bool = False) -> list:
        # The map's version row first (migration 0010), as every map edit takes it before its rows;
        # then the rows in id order: two changes over the same targets cannot deadlock.
        check_choice(kind, TARGET_KINDS, "target kind")
        if lock:
            self._execute("SELECT 1 FROM map_version WHERE id = 1 FOR UPDATE")
        columns = _ZONE_COLUMNS if kind == "zone" else _SEGMENT_COLUMNS
        sql = f"SELECT {columns} FROM {kind} WHERE county_id = %(c)s AND {self.ID_IN} ORDER BY id"
        rows = self._rows(
            sql + (" FOR UPDATE" if lock else ""), {"c": county_id, "ids": [int(i) for i in ids]}
        )
        return self._features(self._zone if kind == "zone" else self._segment, rows)

    # -- incidents ---------------------------------------------------------------------------------
    def reroute_incidents(self, incidents: Sequence[Incident]) -> int:
        """One statement a batch: the incident bins' statement trigger (migration 0009) runs once,
        not once a row (a row at a time cost 5 ms, 6 minutes for the demo's first plan)."""
        if not incidents:
            return 0
        columns = {
            name: [getattr(i, name) for i in incidents]
            for name in ("county_id", "id", "zone_id", "segment_id", "unit_id")
        }
        self._execute(_REROUTE_MANY, columns)
        return len(incidents)

    def add_incidents(self, incidents: Sequence[Incident]) -> int:
        for status in {i.status for i in incidents}:
            self._check_status(status)
        with self.transaction(), self.conn.cursor() as cur, cur.copy(_COPY_INCIDENTS) as copy:
            for i in incidents:
                copy.write_row(
                    (i.county_id, i.category, i.status, i.description, i.source, utc(i.reported_at),
                     f"SRID=4326;POINT({i.geom.x!r} {i.geom.y!r})", i.zone_id, i.segment_id, i.unit_id,
                     i.address, i.reporter, i.contact, self._t(i.deadline_at), self._t(i.updated_at),
                     i.duplicate_of, [str(u) for u in i.review_units], i.rework)
                )  # fmt: skip
        return len(incidents)

    def add_incident_events(self, events: Sequence[IncidentEvent]) -> int:
        for status in {e.to_status for e in events}:
            self._check_status(status)
        with self.transaction(), self.conn.cursor() as cur, cur.copy(_COPY_EVENTS) as copy:
            for e in events:
                copy.write_row(
                    (e.county_id, e.incident_id, utc(e.at), e.actor, e.from_status, e.to_status, e.note)
                )
        return len(events)

    def add_incident(self, incident: Incident) -> Incident:
        self._check_status(incident.status)
        row = self._insert(_INSERT_INCIDENT, self._incident_params(incident))
        return self.get_incident(incident.county_id, row[0])

    def get_incident(self, county_id: int, incident_id: int) -> Incident:
        rows = self._rows(
            f"SELECT {_INCIDENT_COLUMNS} FROM incident WHERE county_id = %s AND id = %s",
            (county_id, incident_id),
        )
        return self._incidents([one(rows, f"incident #{incident_id}")])[0]

    def segment_incidents(self, county_id: int, segment_ids: Sequence[int]) -> list[Incident]:
        rows = self._rows(
            f"SELECT {_INCIDENT_COLUMNS} FROM incident WHERE county_id = %(c)s "
            "AND segment_id = ANY(%(ids)s) ORDER BY id",
            {"c": county_id, "ids": [int(i) for i in segment_ids]},
        )
        return self._incidents(rows)

    def list_incidents(self, county_id, bbox=None, limit=None, offset=0, newest_first=False, **filters):
        order = "t.id DESC" if newest_first else "t.id"
        sql = f"SELECT {_INCIDENT_COLUMNS} {_WHERE_INCIDENTS} ORDER BY {order} "
        sql += "LIMIT %(limit)s OFFSET %(offset)s"
        params = {**self._incident_where(county_id, bbox, filters), "limit": limit, "offset": offset}
        return self._incidents(self._rows(sql, params))

    def count_incidents(self, county_id, bbox=None, **filters) -> int:
        rows = self._rows(
            f"SELECT COUNT(*) AS n {_WHERE_INCIDENTS}", self._incident_where(county_id, bbox, filters)
        )
        return rows[0]["n"]

    def _incident_where(self, county_id, bbox, filters) -> dict:
        return {
            "county": county_id, "bbox": True if bbox is not None else None,
            **_bbox(bbox if bbox is not None else (None,) * 4), **self._incident_filters(**filters),
        }  # fmt: skip

    def near_open_incident(self, county_id, category, point, radius_m, since) -> int | None:
        params = {
            "county": county_id, "category": category, "since": self._t(since), "lon": point.x,
            "lat": point.y, "m": radius_m, "deg": 2 * radius_m / METRES_PER_DEGREE_MIN,
        }  # fmt: skip
        rows = self._rows(_NEAR_OPEN, params)
        return rows[0]["id"] if rows else None

    def lock_filing(self, county_id: int, category: str) -> None:
        """Serialise filings of one category in one county until the transaction ends, so two
        reports of the same problem at once cannot both miss each other as duplicates."""
        self.conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('portal filing ' || %s || ' ' || %s))",
            (county_id, category),
        )

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
