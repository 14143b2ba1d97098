"""Vector tiles and incident clusters, made by each backend's tile builder (sqlite/tiles.py,
postgis/tiles.py), and how long a kept tile stays right."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import numpy as np

from geodata.geo.tiles import Tile


class TileStore(Protocol):
    """Map tiles of a layer, incident clusters per grid cell, the next change of a road's lead."""

    def vector_tile(self, county_id: int, layer: str, tile: Tile, at: datetime, **filters) -> bytes:
        """A Mapbox Vector Tile of ``layer`` (geodata.geo.tiles.TILE_LAYERS) as geodata/geo/tiles.py
        defines it; empty bytes when nothing is in the tile. Roads carry the unit leading them
        at ``at``; ``filters`` narrow the incidents as ``list_incidents``'s do."""

    def incident_clusters(
        self, county_id: int, level: int, cells: tuple[int, int, int, int], **filters
    ) -> tuple[np.ndarray, np.ndarray]:
        """The incidents in a block of cells (x0, y0, x1, y1, ends included) of the Web-Mercator grid
        of ``level`` (geodata/geo/tiles.py) counted per cell: each occupied cell's mean position (n, 2)
        and count (n), ordered by cell (x, then y). Cells nest across levels, so clusters stay put
        while the map pans and a cell's count is the sum of its four children's. ``filters`` as
        ``list_incidents``'s (``duplicates=False`` leaves out repeats)."""

    def next_lead_change(self, county_id: int, after: datetime) -> datetime | None:
        """The first moment after ``after`` at which a zone or segment's lead changes by date
        alone (a lead assignment starts or ends); None when none is planned."""
