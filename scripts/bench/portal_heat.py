"""Heat for the portal benchmark: the viewports asked for, ``/api/v1/heat`` timed one request at a
time, and the baseline: the same bins counted by one SQL GROUP BY sent straight to PostgreSQL."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import numpy as np
import psycopg

from demo.posts import CST
from layers.heat import HEAT_LEVELS
from scripts.bench.portal_load import viewport

# Unfiltered, one category, one summer quarter of the demo year.
FILTERS = ({}, {"category": "sanitation"}, {"from": "2026-06-01", "to": "2026-08-31"})
COUNTY_ZOOMS = (12, 13, 14, 15)
CITY_ZOOMS = (15, 16)

_BINS = """
    SELECT COUNT(*) AS n, AVG(ST_X(geom)) AS lon, AVG(ST_Y(geom)) AS lat
    FROM incident
    WHERE geom && ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326)
      AND duplicate_of IS NULL
      AND (%(category)s::text IS NULL OR category = %(category)s)
      AND (%(since)s::timestamptz IS NULL OR reported_at >= %(since)s)
      AND (%(until)s::timestamptz IS NULL OR reported_at < %(until)s)
    GROUP BY floor((ST_X(geom) + 180) / 360 * %(n)s),
             floor((1 - asinh(tan(radians(ST_Y(geom)))) / pi()) / 2 * %(n)s)
"""


@dataclass(frozen=True)
class HeatRequest:
    where: str
    bbox: tuple[float, float, float, float]
    zoom: int
    filters: dict

    @property
    def path(self) -> str:
        bbox = ",".join(f"{v:.6f}" for v in self.bbox)
        return "/api/v1/heat?" + urlencode({"bbox": bbox, "zoom": self.zoom, **self.filters})


def heat_requests(bounds, centres) -> list[HeatRequest]:
    """The county's box at zoom 12–15 and a 1440 × 900 px view round each centre at zoom 15–16,
    each with every entry of FILTERS."""
    views = [("county", tuple(bounds), z) for z in COUNTY_ZOOMS]
    views += [
        (f"city {i + 1}", viewport(lon, lat, z), z)
        for i, (lon, lat) in enumerate(centres)
        for z in CITY_ZOOMS
    ]
    return [HeatRequest(where, bbox, z, f) for where, bbox, z in views for f in FILTERS]


def measure_heat(port: int, requests: list[HeatRequest], headers: dict, repeat: int) -> dict:
    """Each request once to warm, then ``repeat`` rounds over all of them, one at a time."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    seconds, sizes, bins, wheres = [], [], [], []
    try:
        for round_ in range(repeat + 1):
            for r in requests:
                start = time.perf_counter()
                conn.request("GET", r.path, headers=headers)
                answer = conn.getresponse()
                body = answer.read()
                took = time.perf_counter() - start
                if answer.status != 200:
                    raise SystemExit(f"heat {r.path} answered {answer.status}: {body[:300]!r}")
                if round_:
                    seconds.append(took)
                    sizes.append(len(body))
                    bins.append(len(json.loads(body)["bins"]))
                    wheres.append(r.where)
    finally:
        conn.close()
    return _summary(seconds, sizes, bins, wheres)


def measure_heat_sql(url: str, requests: list[HeatRequest], repeat: int) -> dict:
    """The baseline: the same bins (cells of level zoom + HEAT_LEVELS) by one plain GROUP BY over
    the incident table, from this process."""
    seconds, bins, wheres = [], [], []
    with psycopg.connect(url, autocommit=True) as conn:
        for round_ in range(repeat + 1):
            for r in requests:
                params = _sql_params(r)
                start = time.perf_counter()
                rows = conn.execute(_BINS, params).fetchall()
                took = time.perf_counter() - start
                if round_:
                    seconds.append(took)
                    bins.append(len(rows))
                    wheres.append(r.where)
    return _summary(seconds, [], bins, wheres)


def _sql_params(r: HeatRequest) -> dict:
    since = _day(r.filters.get("from"))
    until = _day(r.filters.get("to"))
    minx, miny, maxx, maxy = r.bbox
    return {
        "minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy, "n": 2 ** (r.zoom + HEAT_LEVELS),
        "category": r.filters.get("category"), "since": since,
        "until": until + timedelta(days=1) if until else None,
    }  # fmt: skip


def _day(text: str | None) -> datetime | None:
    """Midnight of a YYYY-MM-DD day on the county's clock."""
    return None if text is None else datetime.combine(date.fromisoformat(text), datetime.min.time(), CST)


def _summary(seconds: list[float], sizes: list[int], bins: list[int], wheres: list[str]) -> dict:
    ms = np.asarray(seconds) * 1000
    county = np.asarray(wheres) == "county"
    return {
        "requests": len(ms),
        "p50 ms": float(np.percentile(ms, 50)),
        "p99 ms": float(np.percentile(ms, 99)),
        "county views p50 ms": float(np.percentile(ms[county], 50)),
        "city views p50 ms": float(np.percentile(ms[~county], 50)),
        "max ms": float(ms.max()),
        "median bins": float(np.median(bins)),
        "max bytes": max(sizes) if sizes else None,
    }
