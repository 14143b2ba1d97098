"""热力图: the incidents of a viewport as counts in bins of 32 screen pixels (coarser from zoom 17),
summed on the server (never raw points). The bins are the cells the clusters use
(geodata/geo/tiles.py: cluster_level), so they stay put while the map pans and come pre-counted from
the store's bins. The same filters as the case list apply."""

from __future__ import annotations

from geodata.geo import tiles
from geodata.model import County
from geodata.stores.store import BBox, Store

HEAT_LEVELS = tiles.CLUSTER_LEVELS  # a bin is 1/8 of a 256-px tile
MAX_BINS = 40_000  # far more than a 4K screen holds; a larger box is cut here


def heat(store: Store, county: County, bbox: BBox, zoom: int, **filters) -> dict:
    """``bins``: [lon, lat, count] at each bin's mean position; ``max`` for the colour scale."""
    level = tiles.cluster_level(zoom, HEAT_LEVELS)
    centres, counts = store.incident_clusters(
        county.id, level, tiles.bbox_cells(bbox, level), **{"duplicates": False, **filters}
    )
    bins = [
        [round(x, 6), round(y, 6), int(n)]
        for (x, y), n in zip(centres.tolist(), counts.tolist(), strict=True)
    ]
    return {
        "zoom": zoom,
        "level": level,
        "bins": bins[:MAX_BINS],
        "total": int(counts.sum()),
        "max": int(counts.max()) if len(counts) else 0,
    }
