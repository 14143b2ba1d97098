"""路段 layer: road segments of a viewport coloured by the kind of unit that leads them now.

A colour per kind of unit (职能部门, 社区居委会, 其他), not per unit: a county has dozens of units,
more than any set of hues keeps apart, so the map says what kind leads a road and the pointer over
it names the unit. Segments nobody leads are flagged ``guarded: false`` and drawn grey and dashed:
the coverage gaps a leader looks for first.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from geodata import clock
from geodata.model import County, Unit
from geodata.stores.store import BBox, Store
from layers.geojson import collection, feature, for_display

NAME = "roads"
TITLE = "路段"
UNGUARDED_COLOUR = "#8c8c8c"
UNGUARDED_LABEL = "未分配"
# Units by kind (Unit.kind), in the order the legend lists them, with their Chinese name and
# colour. None is grey (a gap), red (覆盖缺口), orange or yellow (单位责任区, a searched road's
# halo) or the communities' blue; each stays dark enough to read as a thin line on a light map.
# Kept apart from each other and from the incident dots' colours (webmap/maptiles.py
# CATEGORY_COLOURS): tests/layers/test_layers.py measures the distances (CIE76 ΔE).
UNIT_KINDS = {
    "bureau": ("职能部门", "#283593"),
    "community": ("社区居委会", "#1b9e77"),
}
# Kinds an import brings that the map has no colour of its own for, all together.
OTHER_KIND = "other"
OTHER_KIND_NAME, OTHER_KIND_COLOUR = "其他", "#880e4f"


def unit_kind(unit: Unit) -> str:
    """The kind a unit is drawn and listed as: its own when the map knows it, else ``other``."""
    return unit.kind if unit.kind in UNIT_KINDS else OTHER_KIND


def kind_name(kind: str) -> str:
    """The Chinese name of a kind of unit (其他 for one the map does not know)."""
    return UNIT_KINDS.get(kind, (OTHER_KIND_NAME,))[0]


def kind_colour(kind: str) -> str:
    """The colour of a kind of unit (the neutral one for a kind the map does not know)."""
    return UNIT_KINDS.get(kind, (None, OTHER_KIND_COLOUR))[1]


def unit_colour(unit: Unit) -> str:
    """The colour a unit's roads and areas are drawn in, on every page and legend: its kind's."""
    return kind_colour(unit.kind)


def unit_legend(units: list[Unit]) -> list[dict]:
    """Units with their kind and colour, in the order a list of them goes (by code)."""
    return [
        {"id": u.id, "code": u.code, "name": u.name, "kind": u.kind, "kind_name": kind_name(u.kind),
         "colour": unit_colour(u)}
        for u in sorted(units, key=lambda u: u.code)
    ]  # fmt: skip


def kind_legend(units: list[Unit], segments: dict[int, int]) -> list[dict]:
    """The legend's entries for ``units`` (those leading roads): one per kind among them, known
    kinds first in UNIT_KINDS' order, with its name, colour, how many units and how many of the
    segments (``segments``: by unit id) they lead."""
    kinds = [unit_kind(u) for u in units]
    unit_counts = Counter(kinds)
    segment_counts = Counter()
    for unit, kind in zip(units, kinds, strict=True):
        segment_counts[kind] += segments.get(unit.id, 0)
    return [
        {"kind": k, "name": kind_name(k), "colour": kind_colour(k), "units": unit_counts[k],
         "segments": segment_counts[k]}
        for k in (*UNIT_KINDS, OTHER_KIND) if unit_counts[k]
    ]  # fmt: skip


def features(store: Store, county: County, bbox: BBox, zoom: int, at: datetime | None = None) -> dict:
    """Segments intersecting ``bbox``, simplified for ``zoom``, with their lead unit at ``at``."""
    at = at or clock.now()
    segments = store.list_segments(county.id, bbox=bbox)
    leads = store.lead_units(county.id, "segment", [s.id for s in segments], [at] * len(segments))
    units = {u.id: u for u in store.list_units(county.id)} if segments else {}
    geoms = for_display([s.geom for s in segments], zoom, preserve_topology=False)
    feats = [
        feature(geom, _properties(seg, units.get(lead), lead), seg.id)
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


def _properties(segment, lead: Unit | None, lead_unit_id: int | None) -> dict:
    guarded = lead_unit_id is not None
    name, kind = (lead.name, unit_kind(lead)) if lead else ("", OTHER_KIND)
    return {
        "id": segment.id,
        "name": segment.name,
        "highway": segment.highway,
        "length_m": round(segment.length_m, 1) if segment.length_m is not None else None,
        "unit_id": lead_unit_id,
        "unit_name": name if guarded else UNGUARDED_LABEL,
        "unit_kind": kind if guarded else None,
        "unit_kind_name": kind_name(kind) if guarded else None,
        "colour": kind_colour(kind) if guarded else UNGUARDED_COLOUR,
        "guarded": guarded,
    }
