"""路段 layer: road segments of a viewport coloured by the unit that leads them now.

Segments nobody leads are flagged ``guarded: false`` and drawn grey and dashed: the coverage gaps a
leader looks for first.
"""

from __future__ import annotations

from datetime import datetime

from geodata import clock
from geodata.model import County, Unit
from geodata.store import BBox, Store
from layers.geojson import collection, feature, for_display

NAME = "roads"
TITLE = "路段"
UNGUARDED_COLOUR = "#8c8c8c"
UNGUARDED_LABEL = "未分配"
# Colours for units, most distinct first (after Trubetskoy's 20 distinct colours; the pale ones,
# which vanish as thin lines on a light map, replaced by darker ones). None is grey: grey is a gap.
UNIT_PALETTE = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324",
    "#469990", "#800000", "#000075", "#808000", "#bfef45", "#6a3d9a", "#b15928", "#e7298a",
    "#1b9e77", "#d4a600", "#ff7f00", "#1f78b4", "#33a02c", "#8c510a", "#66a61e", "#7570b3",
)  # fmt: skip


def unit_colour(unit_id: int) -> str:
    """A stable colour for a unit (same id, same colour, on every page and legend); units whose
    ids are fewer than the palette's length apart never share one."""
    return UNIT_PALETTE[(unit_id - 1) % len(UNIT_PALETTE)]


def unit_legend(units: list[Unit]) -> list[dict]:
    """Units with their colours, in the order a legend lists them."""
    return [
        {"id": u.id, "code": u.code, "name": u.name, "kind": u.kind, "colour": unit_colour(u.id)}
        for u in sorted(units, key=lambda u: u.code)
    ]


def features(store: Store, county: County, bbox: BBox, zoom: int, at: datetime | None = None) -> dict:
    """Segments intersecting ``bbox``, simplified for ``zoom``, with their lead unit at ``at``."""
    at = at or clock.now()
    segments = store.list_segments(county.id, bbox=bbox)
    leads = store.lead_units(county.id, "segment", [s.id for s in segments], [at] * len(segments))
    unit_names = {u.id: u.name for u in store.list_units(county.id)} if segments else {}
    geoms = for_display([s.geom for s in segments], zoom, preserve_topology=False)
    feats = [
        feature(geom, _properties(seg, lead, unit_names), seg.id)
        for seg, lead, geom in zip(segments, leads, geoms, strict=True)
    ]
    unguarded = sum(1 for f in feats if not f["properties"]["guarded"])
    return collection(feats, layer=NAME, zoom=zoom, unguarded=unguarded)


def context_features(store: Store, county: County, bbox: BBox, zoom: int) -> dict:
    """Segments intersecting ``bbox``, simplified for ``zoom``, with their name and nothing else:
    the grey context lines of the public map, which names no unit."""
    segments = store.list_segments(county.id, bbox=bbox)
    geoms = for_display([s.geom for s in segments], zoom, preserve_topology=False)
    feats = (feature(g, {"name": s.name}) for s, g in zip(segments, geoms, strict=True))
    return collection(feats, layer=NAME, zoom=zoom)


def _properties(segment, lead_unit_id: int | None, unit_names: dict[int, str]) -> dict:
    guarded = lead_unit_id is not None
    return {
        "id": segment.id,
        "name": segment.name,
        "highway": segment.highway,
        "length_m": round(segment.length_m, 1) if segment.length_m is not None else None,
        "unit_id": lead_unit_id,
        "unit_name": unit_names.get(lead_unit_id, "") if guarded else UNGUARDED_LABEL,
        "colour": unit_colour(lead_unit_id) if guarded else UNGUARDED_COLOUR,
        "guarded": guarded,
    }
