"""得分 layer: the month's scored communities, grid cells and segments of a viewport, coloured by
grade (a choropleth whose class breaks are the grade thresholds in force in the month shown).
"""

from __future__ import annotations

from datetime import datetime

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ
from geodata.io.export_all import Scores
from geodata.model import ZONE_FINENESS, County
from geodata.stores.store import BBox, Store
from layers.geojson import collection, feature, for_display
from layers.scores import grade, month_scores, previous_month, score_settings

NAME = "scores"
TITLE = "考核得分"
SHOWN = False  # an analysis: the leader switches it on
GRADE_COLOURS = {"A": "#1a9641", "B": "#f0a30a", "C": "#d7191c"}


def default_month(at: datetime | None = None) -> str:
    """The last whole month in the county's clock: the one evaluators have finished scoring."""
    local = (at or clock.now()).astimezone(COUNTY_TZ)
    return previous_month(f"{local.year}-{local.month:02d}")


def classes(store: Store, month: str | None = None) -> list[dict]:
    """The legend's classes, best first: grade, colour, and the score range it covers, by the
    thresholds in force in ``month`` (default: last month, the layer's)."""
    settings = score_settings(store, month or default_month())
    a, b = settings["grade_a_min"], settings["grade_b_min"]
    return [
        {"grade": "A", "colour": GRADE_COLOURS["A"], "label": f"≥ {a:g} 分"},
        {"grade": "B", "colour": GRADE_COLOURS["B"], "label": f"{b:g}–{a:g} 分"},
        {"grade": "C", "colour": GRADE_COLOURS["C"], "label": f"< {b:g} 分"},
    ]


def features(
    store: Store, county: County, bbox: BBox, zoom: int, at: datetime | None = None, month: str | None = None
) -> dict:
    """Targets of ``month`` (default: last month) inside ``bbox`` with their score and grade."""
    month = month or default_month(at)
    scored = month_scores(store, county, month, previous=False).targets
    settings = score_settings(store, month)
    zones = [z for z in store.list_zones(county.id, bbox=bbox) if ("zone", z.id) in scored]
    segments = [s for s in store.list_segments(county.id, bbox=bbox) if ("segment", s.id) in scored]
    zones.sort(key=lambda z: -ZONE_FINENESS[z.kind])  # cells and courtyards drawn over their community
    items = [("zone", z.id, z.kind, z.geom) for z in zones] + [
        ("segment", s.id, "segment", s.geom) for s in segments
    ]
    geoms = for_display([g for *_, g in items], zoom, preserve_topology=True)
    return collection(
        (
            feature(geom, _properties(scored[kind, target_id], zone_kind, settings), f"{kind}:{target_id}")
            for (kind, target_id, zone_kind, _), geom in zip(items, geoms, strict=True)
        ),
        layer=NAME,
        zoom=zoom,
        month=month,
    )


def export_scores(store: Store, county: County) -> Scores:
    """Last month's scores for the all-layers GeoPackage (geodata/io/export_all.py)."""
    month = default_month()
    found = month_scores(store, county, month, previous=False)
    settings = score_settings(store, month)
    return Scores(
        month,
        {key: (round(t.score, 1), grade(t.score, settings)) for key, t in found.targets.items()},
        [
            (u.code, u.name, None if u.score is None else round(u.score, 1), u.grade, u.rank)
            for u in found.units
        ],
    )


def _properties(t, kind: str, settings: dict[str, float]) -> dict:
    g = grade(t.score, settings)
    return {
        "id": t.id, "target": t.kind, "kind": kind, "name": t.name, "score": t.score, "grade": g,
        "colour": GRADE_COLOURS[g], "inspections": t.inspections, "incidents": t.incidents,
        "penalty": round(t.penalty, 1),
    }  # fmt: skip
