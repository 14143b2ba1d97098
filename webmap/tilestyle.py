"""The leaders' map as a MapLibre GL style (version 8; #21 part 3, served at /tiles/style.json), so
that QGIS (vector tiles from a style URL) and MapLibre draw our vector tiles as the portal does:
its communities, grid cells and courtyards (static/portal/tiles/tiles.js COMMUNITY, CELL,
COURTYARD), roads in the colour of the kind of their lead unit and grey dashed without one
(layers/roads.py), incidents in their category's colour (webmap/maptiles.py) and clusters in the
colours of static/portal/map.css by size class (layers/incidents.py SIZE_CLASSES). No text: a
style with labels needs glyphs the portal does not serve, so clusters go without their counts and
communities without their names. tests/webmap/test_tilejson.py checks the colours against those
files and validates the style with @maplibre/maplibre-gl-style-spec."""

from __future__ import annotations

from collections.abc import Callable

from geodata.geo import tiles
from geodata.model import COMMUNITY_KINDS, County
from geodata.stores.store import Store
from layers.incidents import SIZE_CLASSES
from layers.roads import UNGUARDED_COLOUR, unit_colour
from layers.tilejson import center
from webmap.maptiles import CATEGORY_COLOURS, OTHER_CATEGORY_COLOUR

# tiles.js's Leaflet styles (colour, weight, opacity, fill) of the zones tiles.
COMMUNITY_LINE, COMMUNITY_FILL = "#1f4e8c", "#4a7fc1"
CELL_COLOUR = "#5b7fa6"  # grid cells (dashed) and courtyards (filled)
# map.css: .incident-single and .incident-cluster-0 … 3, by SIZE_CLASSES.
SINGLE_COLOUR = "#e6641e"
CLUSTER_COLOURS = ("rgba(240,160,30,.9)", "rgba(230,100,20,.9)", "rgba(210,40,30,.92)", "rgba(140,20,40,.94)")
ROAD_WIDTH = ["step", ["zoom"], 3.5, 16, 5]  # tiles.js: 5 px from zoom 16, else 3.5


def style(store: Store, county: County, name: str, source_url: Callable[[str], str]) -> dict:
    """The style of ``county``'s map named ``name``; ``source_url(layer)`` is a layer's TileJSON."""
    lon, lat, zoom = center(county)
    return {
        "version": 8,
        "name": name,
        "center": [lon, lat],
        "zoom": zoom,
        "sources": {layer: {"type": "vector", "url": source_url(layer)} for layer in tiles.TILE_LAYERS},
        "layers": [*_zones(), *_roads(store, county), *_incidents(store)],
    }


def _zones() -> list[dict]:
    community = ["match", ["get", "kind"], list(COMMUNITY_KINDS), True, False]
    cells_from = tiles.CELLS_FROM_ZOOM
    zones = {"source": "zones", "source-layer": "zones"}
    return [
        {"id": "communities-fill", "type": "fill", **zones, "filter": community,
         "paint": {"fill-color": COMMUNITY_FILL, "fill-opacity": 0.06}},
        {"id": "courtyards-fill", "type": "fill", **zones, "minzoom": cells_from,
         "filter": ["==", ["get", "kind"], "courtyard"], "paint": {"fill-color": CELL_COLOUR, "fill-opacity": 0.1}},
        {"id": "communities-line", "type": "line", **zones, "filter": community,
         "paint": {"line-color": COMMUNITY_LINE, "line-width": 2, "line-opacity": 0.85}},
        {"id": "grid-line", "type": "line", **zones, "minzoom": cells_from,
         "filter": ["==", ["get", "kind"], "grid"],
         "paint": {"line-color": CELL_COLOUR, "line-width": 1, "line-opacity": 0.8, "line-dasharray": [3, 3]}},
        {"id": "courtyards-line", "type": "line", **zones, "minzoom": cells_from,
         "filter": ["==", ["get", "kind"], "courtyard"],
         "paint": {"line-color": CELL_COLOUR, "line-width": 1.5, "line-opacity": 0.9}},
    ]  # fmt: skip


def _roads(store: Store, county: County) -> list[dict]:
    """Led roads in their unit's kind's colour (a ``match`` on ``unit_id``), the rest grey, dashed."""
    by_colour: dict[str, list[int]] = {}
    for unit in store.list_units(county.id):
        by_colour.setdefault(unit_colour(unit), []).append(unit.id)
    roads = {"source": "roads", "source-layer": "roads", "minzoom": tiles.ROADS_FROM_ZOOM}
    return [
        {"id": "roads-unguarded", "type": "line", **roads, "filter": ["!", ["has", "unit_id"]],
         "paint": {"line-color": UNGUARDED_COLOUR, "line-width": ROAD_WIDTH, "line-opacity": 0.8,
                   "line-dasharray": [1.7, 1.4]}},
        {"id": "roads-led", "type": "line", **roads, "filter": ["has", "unit_id"],
         "paint": {"line-color": _match("unit_id", by_colour, UNGUARDED_COLOUR), "line-width": ROAD_WIDTH,
                   "line-opacity": 0.9}},
    ]  # fmt: skip


def _incidents(store: Store) -> list[dict]:
    """Single incidents in their category's colour; clusters sized and coloured by their class."""
    by_colour: dict[str, list[str]] = {}
    for category in store.list_categories():
        by_colour.setdefault(CATEGORY_COLOURS.get(category.code, OTHER_CATEGORY_COLOUR), []).append(
            category.code
        )
    count = ["get", "count"]
    lows = [low for low, _ in SIZE_CLASSES][1:]  # the first class starts at 2: one is a lone dot
    radius = ["step", count, 6, 2, 12]  # map.css / clusters.js: 12 px a dot, 24 + 6 a class a bubble
    colour: list = ["step", count, SINGLE_COLOUR, 2, CLUSTER_COLOURS[0]]
    for n, low in enumerate(lows, start=1):
        radius += [low, 12 + 3 * n]
        colour += [low, CLUSTER_COLOURS[n]]
    incidents = {"source": "incidents", "source-layer": "incidents"}
    return [
        {"id": "incidents", "type": "circle", **incidents, "filter": ["!", ["has", "count"]],
         "paint": {"circle-radius": 6, "circle-color": _match("category", by_colour, OTHER_CATEGORY_COLOUR),
                   "circle-opacity": 0.95, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5}},
        {"id": "incident-clusters", "type": "circle", **incidents, "filter": ["has", "count"],
         "paint": {"circle-radius": radius, "circle-color": colour,
                   "circle-stroke-color": "rgba(255,255,255,.9)", "circle-stroke-width": 2}},
    ]  # fmt: skip


def _match(field: str, by_colour: dict[str, list], otherwise: str) -> list | str:
    """A ``match`` expression colouring a feature by ``field`` (its values grouped by colour)."""
    if not by_colour:
        return otherwise  # a match needs at least one branch
    arms = [part for colour, values in by_colour.items() for part in (sorted(values), colour)]
    return ["match", ["get", field], *arms, otherwise]
