"""What the zone editor shows around a zone it redraws (geodata/mapedit/zones.py): its parent, the
zones it tiles with and the streets nearby, to show and to snap to."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from geodata.geo.geometry import from_metric, to_metric
from geodata.mapedit import zone_topology as topo
from geodata.model import County, Segment, Zone
from geodata.stores.store import Store

SNAP_RADIUS_M = 50.0  # the neighbours and streets an editor may snap to, around the zone


@dataclass
class EditContext:
    """What the editing page needs around a zone: its parent, the zones of its kind and the
    streets within ``SNAP_RADIUS_M`` (to show and to snap to)."""

    zone: Zone
    parent: Zone | None
    siblings: list[Zone]
    streets: list[Segment]


def edit_context(store: Store, county: County, zone_id: int, radius_m: float = SNAP_RADIUS_M) -> EditContext:
    zone = store.get_zone(county.id, zone_id)
    epsg = store.county_epsg(county.id)
    zone_m = to_metric(zone.geom, epsg)
    bbox = from_metric(shapely.box(*shapely.buffer(zone_m, radius_m).bounds), epsg).bounds

    def near(features):
        if not features:
            return []
        geoms = to_metric(np.array([f.geom for f in features], dtype=object), epsg)
        return [f for f, k in zip(features, shapely.dwithin(zone_m, geoms, radius_m), strict=True) if k]

    kinds = topo.tiling_kinds(zone.kind)  # a village's neighbours may be communities
    kin = [z for z in store.list_zones(county.id, kind=kinds, bbox=bbox) if z.id != zone.id]
    parent = store.get_zone(county.id, zone.parent_id) if zone.parent_id is not None else None
    return EditContext(zone, parent, near(kin), near(store.list_segments(county.id, bbox=bbox)))
