"""社区 layer: the communities (and villages, 村) of a viewport with their lead unit, as GeoJSON."""

from __future__ import annotations

from datetime import datetime

from geodata import clock
from geodata.model import COMMUNITY_KINDS, County
from geodata.stores.store import BBox, Store
from layers.geojson import collection, feature, for_display

NAME = "zones"
TITLE = "社区"
KINDS = COMMUNITY_KINDS


def features(store: Store, county: County, bbox: BBox, zoom: int, at: datetime | None = None) -> dict:
    """Communities and villages intersecting ``bbox``, simplified for ``zoom``, each with its lead
    unit at ``at``."""
    at = at or clock.now()
    zones = store.list_zones(county.id, kind=KINDS, bbox=bbox)
    leads = store.lead_units(county.id, "zone", [z.id for z in zones], [at] * len(zones))
    unit_names = {u.id: u.name for u in store.list_units(county.id)} if zones else {}
    geoms = for_display([z.geom for z in zones], zoom, preserve_topology=True)
    return collection(
        (
            feature(geom, _properties(zone, lead, unit_names), zone.id)
            for zone, lead, geom in zip(zones, leads, geoms, strict=True)
        ),
        layer=NAME,
        zoom=zoom,
    )


def _properties(zone, lead_unit_id: int | None, unit_names: dict[int, str]) -> dict:
    return {
        "id": zone.id,
        "code": zone.code,
        "name": zone.name,
        "kind": zone.kind,
        "tier": zone.tier,
        "titles": list(zone.titles),
        "area_m2": round(zone.area_m2, 1) if zone.area_m2 is not None else None,
        "unit_id": lead_unit_id,
        "unit_name": unit_names.get(lead_unit_id),
    }
