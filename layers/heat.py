"""热力图: the incidents of a viewport as counts in bins about HEAT_PX screen pixels wide, summed
on the server (never raw points). Bins are anchored at (0, 0) so they stay put while the map pans;
the same filters as the case list apply."""

from __future__ import annotations

import math

from geodata.model import County
from geodata.store import BBox, Store
from layers.geojson import degrees_per_pixel

HEAT_PX = 24
MAX_BINS = 40_000  # a 4K screen of 24 px bins; a viewport never gets more


def heat(store: Store, county: County, bbox: BBox, zoom: int, **filters) -> dict:
    """``bins``: [lon, lat, count] at each bin's mean position; ``max`` for the colour scale."""
    cell_x = HEAT_PX * degrees_per_pixel(zoom)
    cell_y = cell_x * math.cos(math.radians((bbox[1] + bbox[3]) / 2))  # square on a Mercator map
    centres, counts = store.incident_cells(
        county.id, bbox, cell_x, cell_y, **{"duplicates": False, **filters}
    )
    bins = [
        [round(x, 6), round(y, 6), int(n)]
        for (x, y), n in zip(centres.tolist(), counts.tolist(), strict=True)
    ]
    return {
        "zoom": zoom,
        "cell_deg": [cell_x, cell_y],
        "bins": bins[:MAX_BINS],
        "total": int(counts.sum()),
        "max": int(counts.max()) if len(counts) else 0,
    }
