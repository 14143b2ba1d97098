"""Vector tiles for the leaders' map (DESIGN §7): incidents (clusters, points from zoom 16),
roads by leading unit, communities and grid cells. What a layer holds at a zoom is
geodata/tiles.py; each store encodes its own (PostGIS ST_AsMVT, SQLite mapbox-vector-tile).
A tile asked for over a GCJ-02 basemap (``Tile.display``) draws what the offset carries into it."""

from __future__ import annotations

from datetime import UTC, datetime

from geodata.errors import NotFound
from geodata.model import County
from geodata.store import Store
from geodata.tiles import TILE_LAYERS, Tile

MEDIA_TYPE = "application/vnd.mapbox-vector-tile"


def vector_tile(
    store: Store,
    county: County,
    layer: str,
    tile: Tile,
    at: datetime | None = None,
    **filters,
) -> bytes:
    """The tile's bytes (empty when nothing is in it); NotFound naming the layers for another name."""
    if layer not in TILE_LAYERS:
        raise NotFound(f"no tile layer {layer!r}; tile layers are: {', '.join(TILE_LAYERS)}")
    return store.vector_tile(county.id, layer, tile, at or datetime.now(UTC), **filters)
