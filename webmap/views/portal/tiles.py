"""The leaders' map data at scale (DESIGN §7): Mapbox Vector Tiles at
/tiles/<layer>/<z>/<x>/<y>.mvt and the heatmap's bins at /api/v1/heat, both filtered like the case
list (from, to, category, status, unit, zone, overdue); tiles take ``crs=gcj02`` to be drawn over a
GCJ-02 basemap (geodata/geo/tiles.py). For other clients (QGIS, MapLibre; #21 part 3) each layer's
TileJSON 3.0.0 at /tiles/<layer>.json and the map's MapLibre GL style at /tiles/style.json
(layers/tilejson.py, webmap/tilestyle.py). For a signed-in person or an API key (X-API-Key), like
the tiles they point at; answers carry an ETag and are private to the asker (unit staff see their
unit's)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from geodata.geo.tiles import Tile
from geodata.model import LANGS
from layers import heat as heat_layer
from layers import tilejson as tilejson_layer
from layers import tiles as tile_layer
from webmap import get_store, tilestyle
from webmap.i18n import t
from webmap.views.common import current_county
from webmap.views.filters import case_filters
from webmap.views.params import parse_bbox, parse_zoom
from webmap.views.requests import request_viewer

bp = Blueprint("tiles", __name__)

MAX_AGE_S = 60


@bp.get("/tiles/<layer>/<int:z>/<int:x>/<int:y>.mvt")
def vector_tile(layer: str, z: int, x: int, y: int):
    store = get_store()
    request_viewer(store)
    county = current_county(store)
    filters = case_filters(store, county).store_filters()
    tile = Tile(z, x, y, request.args.get("crs", "wgs84"))
    cache = current_app.extensions["portal_tile_cache"]
    data = tile_layer.vector_tile(store, county, layer, tile, cache=cache, at_least=_map_version(), **filters)
    return _private(Response(data, mimetype=tile_layer.MEDIA_TYPE))


@bp.get("/tiles/<layer>.json")
def tilejson(layer: str):
    """The TileJSON 3.0.0 of a tile layer: its tiles' URL on this host, the county's bounds, the
    zooms served and the fields its features carry."""
    store = get_store()
    request_viewer(store)
    county = current_county(store)
    tile_layer.known_layer(layer)
    tiles_url = url_for("tiles.vector_tile", layer=layer, z=0, x=0, y=0, _external=True)
    display = _display()  # over a GCJ-02 basemap, tiles drawn for it
    document = tilejson_layer.tilejson(
        county,
        layer,
        tiles_url.removesuffix("/0/0/0.mvt") + "/{z}/{x}/{y}.mvt" + (f"?crs={display}" if display else ""),
        name=t(f"tilejson.name.{layer}", county=county.name),
        description=t(f"tilejson.about.{layer}"),
        attribution=t("map.attribution") if layer == "roads" else None,  # the streets are OpenStreetMap's
    )
    return _private(jsonify(document))


@bp.get("/tiles/style.json")
def style():
    """The leaders' map as a MapLibre GL style over the layers' TileJSON (webmap/tilestyle.py)."""
    store = get_store()
    request_viewer(store)
    county = current_county(store)
    name = t("tilejson.style", county=county.name)
    # The sources keep the style's crs and lang (the TileJSON's names in the style's language).
    query = {
        "crs": _display(),
        "lang": request.args.get("lang") if request.args.get("lang") in LANGS else None,
    }
    query = {k: v for k, v in query.items() if v}
    document = tilestyle.style(
        store, county, name, lambda layer: url_for("tiles.tilejson", layer=layer, _external=True, **query)
    )
    return _private(jsonify(document))


@bp.get("/api/v1/heat")
def heat():
    store = get_store()
    request_viewer(store)
    county = current_county(store)
    chosen = case_filters(store, county)
    bbox = chosen.bbox or parse_bbox(None)  # refuses, saying bbox is required
    zoom = parse_zoom(request.args.get("zoom"))
    return _private(jsonify(heat_layer.heat(store, county, bbox, zoom, **chosen.store_filters())))


def _display() -> str | None:
    """``crs``: the coordinates of the basemap the tiles are drawn over (checked as a tile's, 400
    for another), None for WGS-84, the default."""
    display = Tile(0, 0, 0, request.args.get("crs", "wgs84")).display
    return None if display == "wgs84" else display


def _map_version() -> int:
    """``v``: the map's version an edit on this page just made (its tiles must show it); else 0."""
    raw = request.args.get("v", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else 0


def _private(response: Response) -> Response:
    """Cacheable by the asker's browser only, revalidated by ETag (304 when unchanged)."""
    response.cache_control.private = True
    response.vary.add("X-API-Key")  # a key answers for its unit; a browser (no key) still hits its cache
    response.cache_control.max_age = MAX_AGE_S
    response.add_etag()
    return response.make_conditional(request)
