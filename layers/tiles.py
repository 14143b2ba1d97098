"""Vector tiles for the leaders' map (DESIGN §7): incidents (clusters, points from zoom 16),
roads by leading unit, communities and grid cells. What a layer holds at a zoom is
geodata/geo/tiles.py; each store encodes its own (PostGIS ST_AsMVT, SQLite geodata/mvt/encode.py).
A tile asked for over a GCJ-02 basemap (``Tile.display``) draws what the offset carries into it.
Roads and zones tiles of the present are kept between requests (layers/tile_cache.py)."""

from __future__ import annotations

from datetime import datetime

from geodata import clock
from geodata.errors import NotFound
from geodata.geo.tiles import TILE_LAYERS, Tile
from geodata.model import County
from geodata.stores.store import Store
from layers.tile_cache import TileCache

MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
KEPT_LAYERS = ("roads", "zones")  # unfiltered, and changed only by map edits
_ENTRY_BYTES = 200  # a kept tile's key and bookkeeping, counted with its bytes


def vector_tile(
    store: Store,
    county: County,
    layer: str,
    tile: Tile,
    at: datetime | None = None,
    cache: TileCache | None = None,
    at_least: int = 0,
    **filters,
) -> bytes:
    """The tile's bytes (empty when nothing is in it) at ``at`` (default: now); NotFound naming
    the layers for another name. With a ``cache``, a roads or zones tile of now is kept; asked for
    with ``at_least`` (the map's version an edit just made), it is made at that version or later."""
    known_layer(layer)
    now = clock.now()
    if cache is None or at is not None or layer not in KEPT_LAYERS:
        return store.vector_tile(county.id, layer, tile, at or now, **filters)
    # The version is read before the tile: a tile made after a newer edit committed may be kept
    # under the older number (and is then only fresher than needed), never the other way round.
    version = cache.map_version(store, at_least)
    key = (county.id, layer, tile, version)
    data = cache.get(key, now)
    if data is None:
        data = store.vector_tile(county.id, layer, tile, now)
        until = _next_lead_change(store, county, cache, version, now) if layer == "roads" else None
        cache.put(key, data, len(data) + _ENTRY_BYTES, until)
    return data


def known_layer(layer: str) -> str:
    """``layer`` when it is one of TILE_LAYERS; else NotFound naming them."""
    if layer not in TILE_LAYERS:
        raise NotFound(
            f"没有瓦片图层 {layer!r}；可用的瓦片图层：{', '.join(TILE_LAYERS)}",
            en=f"No tile layer {layer!r}; tile layers are: {', '.join(TILE_LAYERS)}",
        )
    return layer


def _next_lead_change(store: Store, county: County, cache: TileCache, version: int, now: datetime):
    """When a roads tile of now stops being right without an edit: the next lead change by date,
    itself asked for once per map version (and again once it has passed)."""
    key = (county.id, "next lead change", version)
    kept = cache.get(key, now)
    if kept is None:
        kept = (store.next_lead_change(county.id, now),)
        cache.put(key, kept, _ENTRY_BYTES, kept[0])
    return kept[0]
