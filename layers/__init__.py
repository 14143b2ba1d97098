"""Map layers and analyses, one module each, all with the same small face.

A layer module has ``NAME`` (the id in URLs), ``TITLE`` (its Chinese name on the map) and
``features(store, county, bbox, zoom, at=None) -> dict`` returning a GeoJSON FeatureCollection
sized for one viewport (a layer of monthly figures also takes ``month='YYYY-MM'``, a layer of
cases ``**filters`` as ``Store.list_incidents`` takes them). Layers know nothing of HTTP.
"""

from __future__ import annotations

from types import ModuleType

from geodata.errors import NotFound
from layers import coverage, incidents, roads, score_map, unit_posts, zones

LAYERS: dict[str, ModuleType] = {
    module.NAME: module for module in (zones, roads, incidents, coverage, score_map, unit_posts)
}


def get_layer(name: str) -> ModuleType:
    """The layer module called ``name``; NotFound naming the known ones otherwise."""
    try:
        return LAYERS[name]
    except KeyError:
        known = ", ".join(sorted(LAYERS))
        raise NotFound(
            f"没有图层 {name!r}；可用的图层：{known}", en=f"No layer {name!r}; layers are: {known}"
        ) from None
