"""Small GeoJSON helpers shared by the layer modules: rounding, simplification, collections."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

# Six decimals of a degree are about 0.1 m: finer digits only make the response bigger.
COORD_GRID_DEG = 1e-6
TILE_PX = 256


def degrees_per_pixel(zoom: int) -> float:
    """Width of one screen pixel in degrees of longitude at a Web-Mercator zoom level."""
    return 360.0 / (TILE_PX * 2**zoom)


def for_display(geoms: Sequence[BaseGeometry], zoom: int, preserve_topology: bool) -> np.ndarray:
    """Geometries simplified to half a pixel at ``zoom`` and rounded to ~0.1 m, for the wire."""
    return simplified(geoms, degrees_per_pixel(zoom) / 2, preserve_topology)


def simplified(geoms: Sequence[BaseGeometry], tolerance_deg: float, preserve_topology: bool) -> np.ndarray:
    """Geometries simplified to ``tolerance_deg`` degrees and rounded to ~0.1 m, for the wire."""
    arr = np.asarray(geoms, dtype=object)
    if arr.size == 0:
        return arr
    arr = shapely.simplify(arr, tolerance_deg, preserve_topology=preserve_topology)
    return shapely.set_precision(arr, COORD_GRID_DEG, mode="pointwise")


def feature(geom: BaseGeometry, properties: dict, feature_id=None) -> dict:
    out = {"type": "Feature", "geometry": mapping(geom), "properties": properties}
    if feature_id is not None:
        out["id"] = feature_id
    return out


def collection(features: Iterable[dict], **meta) -> dict:
    """A FeatureCollection; ``meta`` (layer name, zoom, totals) rides along as foreign members."""
    return {"type": "FeatureCollection", "features": list(features), **meta}
