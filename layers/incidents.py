"""问题 layer: incidents of a viewport, clustered on the server.

The page never receives every incident: the store counts them per cell of the Web-Mercator grid of
level zoom + ``CLUSTER_LEVELS`` (64 screen pixels), and each occupied cell is one feature at the mean
position of its incidents with their count. From ``POINTS_FROM_ZOOM`` on, when few enough remain, the
incidents themselves are sent.
"""

from __future__ import annotations

from datetime import datetime

from shapely.geometry import Point

from geodata.geo import tiles
from geodata.model import County, Incident
from geodata.stores.store import BBox, Store
from layers.geojson import collection, feature

NAME = "incidents"
TITLE = "问题"
CLUSTER_LEVELS = 2  # a cluster is 1/4 of a 256-px tile
POINTS_FROM_ZOOM = 17
MAX_POINTS = 2000
# Cluster size classes, shared with the legend: (smallest count, label).
SIZE_CLASSES = ((1, "1–9"), (10, "10–99"), (100, "100–999"), (1000, "≥1000"))


def features(
    store: Store, county: County, bbox: BBox, zoom: int, at: datetime | None = None, **filters
) -> dict:
    """Clusters (or, zoomed in far enough, single incidents) of the incidents inside ``bbox``;
    ``filters`` as the case list's (time range, category, status, unit …)."""
    filters = {"duplicates": False, **filters}
    if at is not None:
        filters["until"] = min(at, filters.get("until") or at)
    if zoom >= POINTS_FROM_ZOOM:
        incidents = store.list_incidents(county.id, bbox=bbox, limit=MAX_POINTS + 1, **filters)
        if len(incidents) <= MAX_POINTS:
            names = {c.code: c.name_zh for c in store.list_categories()}
            feats = [feature(i.geom, _point_properties(i, names), i.id) for i in incidents]
            return collection(feats, layer=NAME, zoom=zoom, total=len(incidents), clustered=False)
    level = tiles.cluster_level(zoom, CLUSTER_LEVELS)
    centres, counts = store.incident_clusters(county.id, level, tiles.bbox_cells(bbox, level), **filters)
    feats = [
        feature(Point(round(x, 6), round(y, 6)), {"cluster": True, "count": int(n)})
        for (x, y), n in zip(centres.tolist(), counts.tolist(), strict=True)
    ]
    return collection(feats, layer=NAME, zoom=zoom, total=int(counts.sum()), clustered=True)


def _point_properties(incident: Incident, category_names: dict[str, str]) -> dict:
    return {
        "cluster": False,
        "id": incident.id,
        "category": incident.category,
        "category_name": category_names.get(incident.category, incident.category),
        "status": incident.status,
        "reported_at": incident.reported_at.isoformat(),
        "unit_id": incident.unit_id,
        "zone_id": incident.zone_id,
        "segment_id": incident.segment_id,
    }
