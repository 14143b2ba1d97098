"""问题 layer: incidents of a viewport, clustered on the server.

The page never receives every incident: they are binned into a grid of cells about ``CLUSTER_PX``
screen pixels wide at the requested zoom, and each occupied cell is one feature at the mean position
of its incidents with their count. From ``POINTS_FROM_ZOOM`` on, when few enough remain, the
incidents themselves are sent.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import shapely
from shapely.geometry import Point

from geodata.model import CATEGORIES, County, Incident
from geodata.store import BBox, Store
from layers.geojson import collection, degrees_per_pixel, feature

NAME = "incidents"
TITLE = "问题"
CLUSTER_PX = 80
POINTS_FROM_ZOOM = 17
MAX_POINTS = 2000
# Cluster size classes, shared with the legend: (smallest count, label).
SIZE_CLASSES = ((1, "1–9"), (10, "10–99"), (100, "100–999"), (1000, "≥1000"))


def features(store: Store, county: County, bbox: BBox, zoom: int, at: datetime | None = None) -> dict:
    """Clusters (or, zoomed in far enough, single incidents) of the incidents inside ``bbox``."""
    incidents = store.list_incidents(county.id, bbox=bbox, until=at)
    if zoom >= POINTS_FROM_ZOOM and len(incidents) <= MAX_POINTS:
        feats = [feature(i.geom, _point_properties(i), i.id) for i in incidents]
        return collection(feats, layer=NAME, zoom=zoom, total=len(incidents), clustered=False)
    xy = shapely.get_coordinates(np.asarray([i.geom for i in incidents], dtype=object))
    cell_x, cell_y = cell_size_deg(zoom, (bbox[1] + bbox[3]) / 2)
    centres, counts = bin_points(xy, cell_x, cell_y)
    feats = [
        feature(Point(round(x, 6), round(y, 6)), {"cluster": True, "count": int(n)})
        for (x, y), n in zip(centres, counts, strict=True)
    ]
    return collection(feats, layer=NAME, zoom=zoom, total=len(incidents), clustered=True)


def cell_size_deg(zoom: int, lat: float) -> tuple[float, float]:
    """Width and height in degrees of a cell that looks ``CLUSTER_PX`` square on a Mercator map."""
    width = CLUSTER_PX * degrees_per_pixel(zoom)
    return width, width * math.cos(math.radians(max(-85.0, min(85.0, lat))))


def bin_points(xy: np.ndarray, cell_x: float, cell_y: float) -> tuple[np.ndarray, np.ndarray]:
    """Bin (n, 2) lon/lat points into a grid anchored at (0, 0); return each occupied cell's mean
    position and count, cells ordered by (column, row).

    Anchoring the grid at the origin, not at the viewport, keeps clusters still while the map pans.
    """
    if len(xy) == 0:
        return np.empty((0, 2)), np.empty(0, dtype=np.int64)
    cells = np.floor(xy / np.array([cell_x, cell_y])).astype(np.int64)
    _, inverse, counts = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    sums_x = np.bincount(inverse, weights=xy[:, 0])
    sums_y = np.bincount(inverse, weights=xy[:, 1])
    return np.column_stack([sums_x / counts, sums_y / counts]), counts


def _point_properties(incident: Incident) -> dict:
    return {
        "cluster": False,
        "id": incident.id,
        "category": incident.category,
        "category_name": CATEGORIES.get(incident.category, incident.category),
        "status": incident.status,
        "reported_at": incident.reported_at.isoformat(),
        "unit_id": incident.unit_id,
        "zone_id": incident.zone_id,
        "segment_id": incident.segment_id,
    }
