"""The portal's folium map: the county's extent, the vector-tile layers (webmap/maptiles.py), empty
overlay groups our JS fills from the small GeoJSON layers, the layer switcher, the legend and the
attribution. No basemap tiles and no CDN: every script and style sheet the map needs is one the
portal serves itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import folium
from branca.element import MacroElement
from flask import render_template
from folium.elements import JSCSSMixin
from jinja2 import Template
from markupsafe import Markup

import layers
from geodata import clock
from geodata.labels import STATUS_ZH
from geodata.model import County
from geodata.stores.store import Store
from layers import score_map
from layers.coverage import GAP_COLOUR
from layers.incidents import SIZE_CLASSES
from layers.roads import UNGUARDED_COLOUR, kind_legend
from layers.scores import previous_month, score_settings
from webmap.basemap import TileSource, basemap_crs
from webmap.maptiles import (
    add_tile_layers,
    category_name,
    category_styles,
    i18n,
    kind_label,
    layer_title,
    review_queues,
    say,
    tile_config,
)
from webmap.security import with_nonce

ATTRIBUTION = '道路数据 © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a>'
MIN_ZOOM, MAX_ZOOM = 10, 19
# Drawn from vector tiles (webmap/maptiles.py); the other layers of layers.LAYERS are small enough
# to come as GeoJSON of the viewport.
TILED = ("zones", "roads", "incidents")


@dataclass(frozen=True)
class PortalUrls:
    """Where the page finds its scripts, styles and data (all on the portal itself). Leaflet and its
    plugins are classic scripts in the head; our own code comes as ES modules, which folium's script
    of the page imports (``map_module``: static/portal/map/layers.js, ``tiles_module``:
    static/portal/tiles/tiles.js): the page writes that script as a module."""

    leaflet_js: str
    leaflet_css: str
    map_module: str
    portal_css: str
    layers_api: str
    heat_js: str
    heat_api: str
    search_api: str
    vectorgrid_js: str
    tiles_module: str
    tiles: str  # /tiles/{layer}/{z}/{x}/{y}.mvt
    links: dict  # pages popups link to: case, cases, community, coverage ({id}, {code} filled in)

    def scripts(self) -> list[tuple[str, str]]:
        """The Leaflet plugins the map loads, in order (folium keeps the first of a name)."""
        return [("vectorGrid", self.vectorgrid_js), ("leaflet_heat", self.heat_js)]


class Legend(MacroElement):
    """A Leaflet control in the corner holding server-rendered legend HTML."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    var legend = L.control({position: "bottomleft"});
    legend.onAdd = function () {
        var div = L.DomUtil.create("div", "portal-legend");
        div.innerHTML = {{ this.html|tojson }};
        if (window.innerWidth < 900 || window.innerHeight < 700) {  // a phone: the map first
            div.querySelector("details").removeAttribute("open");
        }
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Legend"
        self.html = str(html)


class TextTooltip(MacroElement):
    """A tooltip of plain text on its parent layer. folium's own Tooltip writes its text raw into a
    JS template literal, where a backquote or ``${`` in a name would run as script; here the text is
    escaped and handed over as JSON."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.bindTooltip({{ this.html|tojson }}, {"sticky": true});
{% endmacro %}
"""
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "TextTooltip"
        self.html = str(Markup.escape(text))


class ScriptTexts(MacroElement):
    """The map scripts' texts in the page's language (``portal.map.*``, webmap/texts/portal.py) as
    JSON in a hidden element's ``data-texts`` beside the map, where static/portal/map/texts.js
    reads them."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<div hidden data-texts-group="portal.map" data-texts="{{ this.texts|tojson|forceescape }}"></div>
{% endmacro %}
"""
    )

    def __init__(self, texts: dict[str, str]):
        super().__init__()
        self._name = "ScriptTexts"
        self.texts = texts


class LayerLoader(JSCSSMixin, MacroElement):
    """Hands the overlays to webmap/static/portal/map/layers.js: it fills the GeoJSON groups on
    moveend and wires the tile layers (webmap/static/portal/tiles/tiles.js). An import declaration
    may stand anywhere at a module's top level: it is hoisted, so the module is there before the
    script runs."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
import { startMap } from {{ this.module|tojson }};
startMap({{ this._parent.get_name() }}, {{ this.options|tojson }}, {
{%- for kind, layers in this.layers.items() %}
    {{ kind|tojson }}: {
    {%- for name, layer in layers.items() %}
        {{ name|tojson }}: {{ layer.get_name() }}{{ "," if not loop.last }}
    {%- endfor %}
    }{{ "," if not loop.last }}
{%- endfor %}
});
{% endmacro %}
"""
    )

    def __init__(self, layers: dict[str, dict[str, folium.map.Layer]], urls: PortalUrls, options: dict):
        super().__init__()
        self._name = "LayerLoader"
        self.layers = layers
        self.options = {"api": urls.layers_api, **options}
        self.module = urls.map_module
        self.default_js = urls.scripts()
        self.default_css = [("portal_css", urls.portal_css)]


def build_portal_map(
    store: Store,
    county: County,
    urls: PortalUrls,
    at: datetime | None = None,
    my_unit: str | None = None,
    basemap: list[TileSource] = (),
    hidden: tuple[str, ...] = (),
    filters: bool = True,
) -> folium.Map:
    """The portal's map of ``county``: the tile layers (社区, 单元网格, 路段, 问题, 审核队列), the
    GeoJSON overlays (热力图, 覆盖缺口, 考核得分, 单位责任区), layer switcher and legend; the
    overlays named in ``hidden`` start switched off; ``filters``: the incidents' filter panel."""
    crs = basemap_crs(list(basemap))
    m = folium.Map(
        tiles=None,
        # Over a GCJ-02 basemap the map projects through L.CRS.GCJ02 (static/portal/vendor_patches.js,
        # which tiles/tiles.js imports): our WGS-84 layers are drawn shifted, and what the map
        # reports (clicks, the view) is WGS-84.
        crs="GCJ02" if crs == "gcj02" else "EPSG3857",
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        zoom_start=13,
        # Quarter levels let the county fill the screen; layers are asked for the rounded zoom.
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # Instance attributes win over folium's class defaults, which point at CDNs.
    m.default_js = [("leaflet", urls.leaflet_js)]
    m.default_css = [("leaflet_css", urls.leaflet_css)]
    extent = county.boundary or county.extent
    if extent is not None:
        minx, miny, maxx, maxy = extent.bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    for source in basemap:  # none by default: our own layers suffice (webmap/basemap.py)
        folium.TileLayer(
            source.url, attr=source.attribution, subdomains=source.subdomains, overlay=source.overlay,
            control=False, max_zoom=MAX_ZOOM,
        ).add_to(m)  # fmt: skip
    config = tile_config(store, county, urls.links)
    tiles, overlays = add_tile_layers(m, urls, config, display=crs)
    groups = _geojson_groups(m)
    overlays.update(groups)
    for name in hidden:
        overlays[name].show = False
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    shown = {name for name, layer in overlays.items() if layer.show}
    Legend(legend_html(store, county, shown, at)).add_to(m)
    ScriptTexts(i18n().texts("portal.map")).add_to(m)
    options = {
        "attribution": say("map.attribution"),
        "countyName": county.name,
        "unguardedLabel": say("portal.unguarded"),
        "gapColour": GAP_COLOUR,
        "scoreMonths": score_months(at),
        "heatApi": urls.heat_api,
        "searchApi": urls.search_api,
        "filters": filters and {**filter_choices(store, county), "myUnit": my_unit},
    }
    LayerLoader({"geojson": groups, "tiles": tiles, "overlays": overlays}, urls, options).add_to(m)
    return m


def _geojson_groups(m: folium.Map) -> dict[str, folium.FeatureGroup]:
    """The empty groups map/layers.js fills with GeoJSON of the viewport, by layer name."""
    # The heatmap is drawn in the browser from the server's bins of the viewport (layers/heat.py).
    groups = {"heat": folium.FeatureGroup(name=layer_title("heat"), show=False).add_to(m)}
    for name, module in layers.LAYERS.items():
        if name not in TILED:
            shown = getattr(module, "SHOWN", True)
            groups[name] = folium.FeatureGroup(name=layer_title(name), show=shown).add_to(m)
    return groups


def legend_html(store: Store, county: County, shown: set[str], at: datetime | None = None) -> str:
    """The legend, a part per layer (the parts of layers not in ``shown`` hidden; layers.js shows
    the part of each layer switched on): the kinds of unit leading road segments now (with how
    many units and segments) and 未分配, communities, grid cells, cluster sizes and categories, the
    review queues, heat, scores, coverage gaps and a unit's posts; in the page's language."""
    at = at or clock.now()
    leads = [a for a in store.assignments_at(county.id, at, "segment") if a.role == "lead"]
    segment_counts = Counter(a.unit_id for a in leads)
    units = [u for u in store.list_units(county.id) if u.id in segment_counts]
    return render_template(
        "portal/legend.html",
        county=county,
        shown=shown,
        unit_kinds=[{**k, "name": kind_label(k["kind"])} for k in kind_legend(units, segment_counts)],
        unguarded={"name": say("portal.unguarded"), "colour": UNGUARDED_COLOUR},
        size_classes=SIZE_CLASSES,
        categories=category_styles(store).values(),
        review_queues=review_queues(),
        gap_colour=GAP_COLOUR,
        score_classes=score_classes(store),
    )


def score_classes(store: Store) -> list[dict]:
    """The 考核得分 legend's classes (score_map.classes) with their score ranges in the page's
    language."""
    month = score_map.default_month()  # the layer's month when the map opens
    settings = score_settings(store, month)
    a, b = f"{settings['grade_a_min']:g}", f"{settings['grade_b_min']:g}"
    return [
        {**c, "label": say(f"portal.score_class.{c['grade']}", a=a, b=b)}
        for c in score_map.classes(store, month)
    ]


def filter_choices(store: Store, county: County) -> dict:
    """What the map's filter panel offers (the case list's filters): categories, states, units,
    named in the page's language."""
    return {
        "categories": [{"value": c.code, "label": category_name(c)} for c in store.list_categories()],
        "statuses": [{"value": "open", "label": say("portal.filter.open")}]
        + [{"value": k, "label": say(f"portal.status.{k}")} for k in STATUS_ZH],
        "units": [{"value": u.code, "label": u.name} for u in store.list_units(county.id)],
    }


def score_months(at: datetime | None = None, n: int = 12) -> list[dict]:
    """The months the 考核得分 layer offers, last month first, labelled in the page's language."""
    months = [score_map.default_month(at)]
    while len(months) < n:
        months.append(previous_month(months[-1]))
    return [{"value": m, "label": i18n().month_name(m)} for m in months]


def map_parts(m: folium.Map) -> dict[str, Markup]:
    """The rendered map split into what goes in <head>, in <body> and in a closing <script>, so a
    page template can place it inside the portal's own layout."""
    figure = m.get_root()
    figure.render()
    return {
        # folium's own <script> tags in the head carry this request's CSP nonce (webmap/security.py);
        # the page template puts the nonce on the <script> around "script".
        "head": Markup(with_nonce(figure.header.render())),
        "body": Markup(figure.html.render()),
        # Data inside the script is JSON, whose "</" may be written "<\/": no name can close the script.
        "script": Markup(figure.script.render().replace("</", "<\\/")),
    }
