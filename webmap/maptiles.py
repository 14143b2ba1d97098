"""The portal map's layers drawn from our vector tiles (DESIGN §7): communities, grid cells, roads
by their lead unit, incidents and the 审核队列. Each is a folium ``VectorGridProtobuf`` pointed at
/tiles/<layer>/{z}/{x}/{y}.mvt; its script is the copy of Leaflet.VectorGrid the portal serves, its
styles, labels and popups come from static/portal/tiles/ (an ES module the map's script imports).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import VectorGridProtobuf
from jinja2 import Template

from geodata.labels import STATUS_ZH
from geodata.model import Category, County
from geodata.stores.store import Store
from layers.incidents import SIZE_CLASSES
from layers.roads import OTHER_KIND, UNGUARDED_COLOUR, UNIT_KINDS, unit_legend
from webmap.texts.portal import HIGHWAY_ZH

# The 审核队列: cases waiting for someone to look at them before they move on. geodata/cases/workflow.py
# calls the *filed* ones the leaders' review queue (near a boundary between units, or reaching
# none: a leader picks the unit, 待派发); a case its unit has *handled* waits for an inspector or
# a leader to verify it (待核查). A leader means both by "waiting for review", so the layer shows
# both, each in its own colour (one tile layer per status: the tiles take one status). Their names
# and notes are texts (webmap/texts/portal.py: portal.review.*).
REVIEW_COLOURS = {"filed": "#c2185b", "handled": "#00838f"}
# Incident points (zoomed in) by category, apart from each other and from the review queues'
# colours; a category added later is drawn grey.
CATEGORY_COLOURS = {
    "posters": "#7b3294", "street_vending": "#e66101", "parking": "#0571b0", "outdoor_ads": "#c2a5cf",
    "sanitation": "#1a9641", "construction_waste": "#8c510a", "road_damage": "#4d4d4d",
    "manhole": "#d7191c", "greenery": "#a6d96a", "staff_conduct": "#f768a1",
}  # fmt: skip
OTHER_CATEGORY_COLOUR = "#999999"


def i18n():
    """webmap.i18n, imported when first needed: it imports webmap.mapbuild (the attribution),
    which imports this module, so importing it at the top would go round in a circle."""
    from webmap import i18n as module

    return module


def say(key: str, **values) -> str:
    """A text of the page's language (webmap/texts/portal.py)."""
    return i18n().t(key, **values)


def layer_title(name: str) -> str:
    """A layer's name in the layer switcher, in the page's language (layers' own ``TITLE`` is
    the Chinese one the API lists)."""
    return say(f"portal.layer.{name}")


def review_queues() -> list[dict]:
    """The 审核队列's two queues: status, name, note and colour, in the page's language."""
    return [
        {"status": s, "label": say(f"portal.review.{s}"), "note": say(f"portal.review.{s}_note"), "colour": c}
        for s, c in REVIEW_COLOURS.items()
    ]


def category_name(category: Category) -> str:
    """A case category's name in the page's language (its ``name_en`` on English pages)."""
    return category.name_en if i18n().current_lang() == "en" and category.name_en else category.name_zh


def kind_label(kind: str) -> str:
    """A kind of unit (职能部门 …) in the page's language; one the map does not know is 其他."""
    return say(f"portal.unit_kind.{kind}")


class TileSetup(JSCSSMixin, MacroElement):
    """Hands static/portal/tiles/tiles.js the map and what the tile layers' styles and popups need
    (unit colours, category names, links), before folium creates the layers; it also makes the
    map's panes. The import is hoisted: the module is there before the page's script runs."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
import { setupTiles, tileOptions } from {{ this.module|tojson }};
setupTiles({{ this._parent.get_name() }}, {{ this.config|tojson }});
{% endmacro %}
"""
    )

    def __init__(self, config: dict, scripts: list[tuple[str, str]], module: str):
        super().__init__()
        self._name = "TileSetup"
        self.config = config
        self.module = module
        self.default_js = scripts


class TileOverlay(VectorGridProtobuf):
    """folium's VectorGrid layer on one of our tile layers; ``kind`` picks its style in tiles.js."""

    def __init__(self, url: str, name: str | None, kind: str, scripts, show=True, control=True):
        # A string of options is JavaScript: the styles are functions, written once in tiles.js
        # (tileOptions, which TileSetup imports).
        options = f"tileOptions({json.dumps(kind)})"
        super().__init__(url, name, options, show=show, control=control)
        # Instead of folium's default, which loads VectorGrid from a CDN.
        self.default_js = scripts


def add_tile_layers(m: folium.Map, urls, config: dict, display: str = "wgs84") -> tuple[dict, dict]:
    """The tile layers by kind (``zones``, ``grid``, ``roads``, ``incidents`` and one per review
    queue, by its status) and the overlays of the layer switcher they make, in its order (the
    queues' layers together as ``review``). Over a GCJ-02 basemap the tiles are asked for as drawn
    there (``crs=gcj02``, geodata/geo/tiles.py). ``urls``: the page's PortalUrls (webmap/mapbuild.py:
    the tiles, the scripts)."""
    scripts = urls.scripts()
    TileSetup(config, scripts, urls.tiles_module).add_to(m)

    def url(layer: str, **query) -> str:
        query = {"crs": display, **query} if display != "wgs84" else query
        return urls.tiles.replace("{layer}", layer) + ("?" + urlencode(query) if query else "")

    # Grid cells come in the zones tiles from zoom 15 (geodata/geo/tiles.py): a second layer on the
    # same tiles (the browser's cache answers the repeat), switched on its own.
    tiles = {
        "zones": TileOverlay(url("zones"), layer_title("zones"), "zones", scripts).add_to(m),
        "grid": TileOverlay(url("zones"), layer_title("grid"), "grid", scripts, show=False).add_to(m),
        "roads": TileOverlay(url("roads"), layer_title("roads"), "roads", scripts).add_to(m),
        "incidents": TileOverlay(url("incidents"), layer_title("incidents"), "incidents", scripts).add_to(m),
    }
    overlays = dict(tiles)
    review = overlays["review"] = folium.FeatureGroup(name=layer_title("review"), show=False).add_to(m)
    for status in REVIEW_COLOURS:
        layer = TileOverlay(url("incidents", status=status), None, status, scripts, control=False)
        tiles[status] = layer.add_to(review)
    return tiles, overlays


def tile_config(store: Store, county: County, links: dict) -> dict:
    """What tiles.js draws and writes with: unit colours and names, category colours and names,
    statuses, cluster classes, the review queues, road classes and the pages popups link to, all
    named in the page's language."""
    units = [
        {**u, "kind_name": kind_label(u["kind"] if u["kind"] in UNIT_KINDS else OTHER_KIND)}
        for u in unit_legend(store.list_units(county.id))
    ]
    return {
        "units": units,
        "unguarded": {"label": say("portal.unguarded"), "colour": UNGUARDED_COLOUR},
        "categories": category_styles(store),
        "statuses": {k: say(f"portal.status.{k}") for k in STATUS_ZH},
        "clusterClasses": [low for low, _ in SIZE_CLASSES],
        "review": {q["status"]: q for q in review_queues()},
        "highways": {k: say(f"portal.highway.{k}") for k in HIGHWAY_ZH},
        "links": links,
    }


def category_styles(store: Store) -> dict[str, dict]:
    """Each category's name (in the page's language) and the colour of its points, by code, in the
    store's order."""
    return {
        c.code: {"name": category_name(c), "colour": CATEGORY_COLOURS.get(c.code, OTHER_CATEGORY_COLOUR)}
        for c in store.list_categories()
    }
