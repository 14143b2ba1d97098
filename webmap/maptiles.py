"""The portal map's layers drawn from our vector tiles (DESIGN §7): communities, grid cells, roads
by their lead unit, incidents and the 审核队列. Each is a folium ``VectorGridProtobuf`` pointed at
/tiles/<layer>/{z}/{x}/{y}.mvt; its script is the copy of Leaflet.VectorGrid the portal serves, its
styles, labels and popups come from static/portal/tiles.js.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import VectorGridProtobuf
from jinja2 import Template

from geodata.cases import STATUS_ZH
from geodata.model import County
from geodata.store import Store
from layers import incidents, roads, zones
from layers.incidents import SIZE_CLASSES
from layers.roads import UNGUARDED_COLOUR, UNGUARDED_LABEL, unit_legend

GRID_TITLE = "单元网格"
REVIEW_TITLE = "审核队列"
# The 审核队列: cases waiting for someone to look at them before they move on. geodata/cases.py
# calls the *filed* ones the leaders' review queue (near a boundary between units, or reaching
# none: a leader picks the unit, 待派发); a case its unit has *handled* waits for an inspector or
# a leader to verify it (待核查). A leader means both by "waiting for review", so the layer shows
# both, each in its own colour (one tile layer per status: the tiles take one status).
REVIEW_QUEUES = (
    {"status": "filed", "label": "待派发", "note": "边界附近或无责任单位，待领导指定", "colour": "#c2185b"},
    {"status": "handled", "label": "待核查", "note": "单位已处置，等待核查通过或返工", "colour": "#00838f"},
)
# Incident points (zoomed in) by category, apart from each other and from the review queues'
# colours; a category added later is drawn grey.
CATEGORY_COLOURS = {
    "posters": "#7b3294", "street_vending": "#e66101", "parking": "#0571b0", "outdoor_ads": "#c2a5cf",
    "sanitation": "#1a9641", "construction_waste": "#8c510a", "road_damage": "#4d4d4d",
    "manhole": "#d7191c", "greenery": "#a6d96a", "staff_conduct": "#f768a1",
}  # fmt: skip
OTHER_CATEGORY_COLOUR = "#999999"
# OpenStreetMap's road classes (the segments' ``highway``) as a county's staff name them.
HIGHWAY_ZH = {
    "motorway": "高速公路", "trunk": "快速路", "primary": "主干路", "secondary": "次干路",
    "tertiary": "支路", "unclassified": "未分级道路", "residential": "居住区道路",
    "living_street": "生活街道", "service": "内部道路", "pedestrian": "步行街", "footway": "人行道",
    "path": "小路", "steps": "台阶", "cycleway": "自行车道", "track": "机耕路",
    "motorway_link": "高速匝道", "trunk_link": "快速路匝道", "primary_link": "主干路连接线",
    "secondary_link": "次干路连接线", "tertiary_link": "支路连接线",
}  # fmt: skip


class TileSetup(JSCSSMixin, MacroElement):
    """Hands tiles.js the map and what the tile layers' styles and popups need (unit colours,
    category names, links), before folium creates the layers; it also makes the map's panes."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
PortalTiles.setup({{ this._parent.get_name() }}, {{ this.config|tojson }});
{% endmacro %}
"""
    )

    def __init__(self, config: dict, scripts: list[tuple[str, str]]):
        super().__init__()
        self._name = "TileSetup"
        self.config = config
        self.default_js = scripts


class TileOverlay(VectorGridProtobuf):
    """folium's VectorGrid layer on one of our tile layers; ``kind`` picks its style in tiles.js."""

    def __init__(self, url: str, name: str | None, kind: str, scripts, show=True, control=True):
        # A string of options is JavaScript: the styles are functions, written once in tiles.js.
        options = f"PortalTiles.options({json.dumps(kind)})"
        super().__init__(url, name, options, show=show, control=control)
        # Instead of folium's default, which loads VectorGrid from a CDN.
        self.default_js = scripts


def add_tile_layers(
    m: folium.Map, tiles_url: str, config: dict, scripts, display: str = "wgs84"
) -> tuple[dict, dict]:
    """The tile layers by kind (``zones``, ``grid``, ``roads``, ``incidents`` and one per review
    queue, by its status) and the overlays of the layer switcher they make, in its order (the
    queues' layers together as ``review``). Over a GCJ-02 basemap the tiles are asked for as drawn
    there (``crs=gcj02``, geodata/tiles.py)."""
    TileSetup(config, scripts).add_to(m)

    def url(layer: str, **query) -> str:
        query = {"crs": display, **query} if display != "wgs84" else query
        return tiles_url.replace("{layer}", layer) + ("?" + urlencode(query) if query else "")

    # Grid cells come in the zones tiles from zoom 15 (geodata/tiles.py): a second layer on the
    # same tiles (the browser's cache answers the repeat), switched on its own.
    tiles = {
        "zones": TileOverlay(url("zones"), zones.TITLE, "zones", scripts).add_to(m),
        "grid": TileOverlay(url("zones"), GRID_TITLE, "grid", scripts, show=False).add_to(m),
        "roads": TileOverlay(url("roads"), roads.TITLE, "roads", scripts).add_to(m),
        "incidents": TileOverlay(url("incidents"), incidents.TITLE, "incidents", scripts).add_to(m),
    }
    overlays = dict(tiles)
    review = overlays["review"] = folium.FeatureGroup(name=REVIEW_TITLE, show=False).add_to(m)
    for queue in REVIEW_QUEUES:
        status = queue["status"]
        layer = TileOverlay(url("incidents", status=status), None, status, scripts, control=False)
        tiles[status] = layer.add_to(review)
    return tiles, overlays


def tile_config(store: Store, county: County, links: dict) -> dict:
    """What tiles.js draws and writes with: unit colours and names, category colours and names,
    statuses, cluster classes, the review queues, road classes and the pages popups link to."""
    return {
        "units": unit_legend(store.list_units(county.id)),
        "unguarded": {"label": UNGUARDED_LABEL, "colour": UNGUARDED_COLOUR},
        "categories": category_styles(store),
        "statuses": STATUS_ZH,
        "clusterClasses": [low for low, _ in SIZE_CLASSES],
        "review": {q["status"]: q for q in REVIEW_QUEUES},
        "highways": HIGHWAY_ZH,
        "links": links,
    }


def category_styles(store: Store) -> dict[str, dict]:
    """Each category's Chinese name and the colour of its points, by code, in the store's order."""
    return {
        c.code: {"name": c.name_zh, "colour": CATEGORY_COLOURS.get(c.code, OTHER_CATEGORY_COLOUR)}
        for c in store.list_categories()
    }
