/* The leaders' map layers drawn from our vector tiles (/tiles/<layer>/{z}/{x}/{y}.mvt, DESIGN §7)
 * with Leaflet.VectorGrid: 社区 with 村, 单元网格 with 楼院 (the zones tiles), 路段 coloured by the
 * kind of their lead unit (职能部门, 社区居委会, 其他; the unit itself is named by the pointer and in
 * the popup), 问题 and the two queues of 审核队列 (the incidents tiles, each queue filtered by status).
 *
 * folium's script of the page creates the layers (webmap/maptiles.py) with tileOptions(kind) after
 * setupTiles; map/layers.js calls attach once they exist. A canvas can't carry words, so cluster
 * counts and community names are markers built from each tile's features (tilemarks.js); the
 * popups of what a click hits are tilemarks.js's too. VectorGrid itself needs the patches of
 * vendor_patches.js.
 */
import "../vendor_patches.js";
import { say } from "../map/texts.js";
import * as marks from "./tilemarks.js";
import { TILE } from "./tilemarks.js";

// Panes, bottom to top, for the tile layers, the GeoJSON layers of layers.js and the markers.
// 考核得分 lies over the roads so that a click on a scored feature reaches its popup.
var PANES = {
  zones: 350, grid: 360, focus: 410, roads: 420, scores: 425, coverage: 430, labels: 600,
  incidents: 640, clusters: 642, review: 645, "review-clusters": 648
};
var KINDS = {
  zones: { pane: "zones", data: "zones" },
  grid: { pane: "grid", data: "zones", minZoom: 15 }, // cells come from zoom 15 (geodata/geo/tiles.py)
  roads: { pane: "roads", data: "roads", minZoom: 11 },
  incidents: { pane: "incidents", data: "incidents" },
  filed: { pane: "review", data: "incidents" },
  handled: { pane: "review", data: "incidents" }
};
var config = {}, unitsById = {}, pickedRoad = null;  // pickedRoad: a searched road's name

// -- styles ---------------------------------------------------------------------------------------
var COMMUNITY = { color: "#1f4e8c", weight: 2, opacity: 0.85, fill: true, fillColor: "#4a7fc1", fillOpacity: 0.06 };
var CELL = { color: "#5b7fa6", weight: 1, opacity: 0.8, dashArray: "3 3", fill: true, fillOpacity: 0 };
var COURTYARD = { color: "#5b7fa6", weight: 1.5, opacity: 0.9, fill: true, fillColor: "#5b7fa6", fillOpacity: 0.1 };

var PICKED_HALO = "#ffd200";

function roadStyle(p, zoom) {
  var unit = unitsById[p.unit_id], weight = zoom >= 16 ? 5 : 3.5, line;
  if (!unit) {
    line = { color: config.unguarded.colour, weight: weight, opacity: 0.8, dashArray: "6 5", lineCap: "butt" };
  } else {
    line = { color: unit.colour, weight: weight, opacity: 0.9, lineCap: "butt" };
  }
  // A road found by 查找: all its pieces in a yellow halo under its own colour.
  if (pickedRoad !== null && p.name && (p.name === pickedRoad || p.name === pickedRoad + "辅路")) {
    return [{ color: PICKED_HALO, weight: weight + 8, opacity: 1, lineCap: "round" }, line];
  }
  return line;
}

// Points only: clusters (features with a count) are markers with their count (tilemarks.js).
function incidentStyle(p) {
  if (p.count !== undefined) { return []; }
  var category = config.categories[p.category];
  return {
    radius: 6, color: "#ffffff", weight: 1.5, fill: true, fillOpacity: 0.95,
    fillColor: category ? category.colour : "#999999"
  };
}

function queueStyle(status) {
  return function (p) {
    if (p.count !== undefined) { return []; }
    return { radius: 8, color: "#1a1a1a", weight: 2.5, fill: true, fillOpacity: 0.95, fillColor: config.review[status].colour };
  };
}

var STYLES = {
  // 村 are drawn as communities; 楼院 (courtyards) come with the cells, from zoom 15.
  zones: function (p) { return p.kind === "community" || p.kind === "village" ? COMMUNITY : []; },
  grid: function (p) { return p.kind === "grid" ? CELL : p.kind === "courtyard" ? COURTYARD : []; },
  roads: roadStyle,
  incidents: incidentStyle,
  filed: queueStyle("filed"),
  handled: queueStyle("handled")
};

// -- the layers ---------------------------------------------------------------------------------
function setup(map, settings) {
  config = settings;
  unitsById = {};
  config.units.forEach(function (u) { unitsById[u.id] = u; });
  Object.keys(PANES).forEach(function (name) {
    if (!map.getPane("portal-" + name)) { map.createPane("portal-" + name).style.zIndex = PANES[name]; }
  });
}

function options(kind) {
  var k = KINDS[kind], styles = {};
  styles[k.data] = STYLES[kind];
  return {
    pane: "portal-" + k.pane,
    rendererFactory: L.canvas.tile,
    vectorTileLayerStyles: styles,
    // Interactive: VectorGrid then keeps each feature's bounds, which finding a click's feature needs.
    interactive: true,
    // Pixels around a thin road or a dot that still count as a click on it.
    tolerance: 5,
    // Keeps each tile's features reachable by tile (layer._vectorTiles), which picking needs.
    getFeatureId: function (f) { return f.properties.id; },
    fetchOptions: { credentials: "same-origin" },
    minZoom: k.minZoom || 0
  };
}

// The feature under ``latlng`` in the first of ``layers`` ([{kind, layer}], top first) that has
// one there. Each tile is its own canvas: a click lands on the top layer's canvas even where that
// layer has nothing, so the layers below are asked here rather than by the browser.
function pick(map, layers, latlng) {
  for (var i = 0; i < layers.length; i++) {
    var layer = layers[i].layer, z = layer._tileZoom;
    if (!map.hasLayer(layer) || z === undefined || !layer._vectorTiles) { continue; }
    var p = map.project(latlng, z), coords = p.divideBy(TILE).floor();
    coords.z = z;
    var renderer = layer._vectorTiles[layer._tileCoordsToKey(coords)];
    if (!renderer) { continue; }
    var local = p.subtract(coords.multiplyBy(TILE)), hit = null;
    for (var id in renderer._layers) {
      if (renderer._layers[id]._containsPoint(local)) { hit = renderer._layers[id]; }
    }
    if (hit) { return { kind: layers[i].kind, properties: hit.properties }; }
  }
  return null;
}

// A label by the pointer for the road or case under it (the queues', the cases', the roads' tiles,
// top first), and a pointer that says it can be clicked; looked for once a frame at most.
function hoverLabels(map, layers, marks) {
  var tooltip = L.tooltip({ direction: "top", offset: [0, -10], className: "portal-hover" });
  // The label as text: a tooltip's string is HTML to Leaflet, and a unit or road name is data.
  var text = document.createElement("span");
  var at = null, point = null, quiet = null, frame = null, container = map.getContainer();
  function hide() {
    at = null;
    container.classList.remove("portal-over-feature");
    if (map.hasLayer(tooltip)) { map.closeTooltip(tooltip); }
  }
  function look() {
    frame = null;
    if (!at) { return; }
    // Where a popup just opened, the label would say it again under it: not till the pointer moves on.
    if (quiet && point.distanceTo(quiet) < 12) { hide(); return; }
    quiet = null;
    var busy = (map.pm && map.pm.globalDrawModeEnabled()) || map.portalPicking || map.dragging.moving();
    var hit = busy ? null : pick(map, layers, at), label = hit && marks.hoverLabel(hit, config);
    if (!label) { hide(); return; }
    container.classList.add("portal-over-feature");
    text.textContent = label;
    tooltip.setLatLng(at).setContent(text);
    if (!map.hasLayer(tooltip)) { map.openTooltip(tooltip); }
  }
  // The container's own moves: the map hears those over a tile's canvas only as the canvas passes
  // them on, at most one each 32 ms, so the last (where the pointer stopped) could be missed.
  L.DomEvent.on(container, "mousemove", function (e) {
    if (e.target.closest && e.target.closest(".leaflet-popup, .leaflet-control")) { hide(); return; }
    at = map.mouseEventToLatLng(e);
    point = map.mouseEventToContainerPoint(e);
    if (!frame) { frame = window.requestAnimationFrame(look); }
  });
  // And its leaving: the map also hears "mouseout" of every feature the pointer leaves.
  L.DomEvent.on(container, "mouseleave", hide);
  map.on("zoomstart movestart", hide);
  map.on("popupopen", function () { quiet = point; hide(); });
}

// Wires the tile layers of the page (by kind) to their markers, popups and the filter panel;
// ``hooks.changed()`` hears when a layer starts or finishes loading, ``hooks.points(kind, items)``
// of each tile's incidents as they come ([{latlng, count, id}]).
export function attach(map, tiles, hooks) {
  var loading = {}, data = {};
  var bases = {};
  Object.keys(tiles).forEach(function (kind) {
    var layer = tiles[kind];
    bases[kind] = layer._url;
    // Layers folium switched on are loading already.
    if (layer.isLoading()) { loading[kind] = true; }
    layer.on("loading", function () { loading[kind] = true; hooks.changed(); });
    layer.on("load remove", function () { delete loading[kind]; hooks.changed(); });
    data[kind] = marks.track(map, layer, kind, config, hooks);
  });
  var order = ["filed", "handled", "incidents", "roads", "grid", "zones"].map(function (kind) {
    return { kind: kind, layer: tiles[kind] };
  });
  hoverLabels(map, order.slice(0, 4), marks);
  map.on("click", function (e) {
    var target = e.originalEvent && e.originalEvent.target;
    // A GeoJSON feature (SVG) opens its own popup.
    if (target && target.tagName && target.tagName.toLowerCase() === "path") { return; }
    // A click that places a vertex of a drawing (Leaflet-Geoman) or picks a place to cut a road (the
    // edit page) opens nothing.
    if ((map.pm && map.pm.globalDrawModeEnabled()) || map.portalPicking) { return; }
    var hit = pick(map, order, e.latlng);
    if (hit) { marks.fillLead(marks.openPopup(map, e.latlng, marks.popup(hit, config)), hit, config); }
  });

  return {
    loading: function (kind) { return kind ? Boolean(loading[kind]) : Object.keys(loading).length > 0; },
    // The filter panel's query: every incident layer follows it; a queue keeps its own status.
    setFilters: function (query) {
      ["incidents", "filed", "handled"].forEach(function (kind) {
        var q = new URLSearchParams(query), base = bases[kind];
        if (kind !== "incidents") { q.delete("status"); }
        var rest = q.toString(), url = rest ? base + (base.indexOf("?") < 0 ? "?" : "&") + rest : base;
        if (url !== tiles[kind]._url) { tiles[kind].setUrl(url); }
      });
    },
    // The incidents (points and clusters) of ``kind``'s tiles loaded now.
    items: function (kind) {
      var byTile = data[kind] || {};
      return [].concat.apply([], Object.keys(byTile).map(function (key) { return byTile[key].items; }));
    },
    // Draws ``kinds`` again from the server, past the browser's cache, at the map's ``version``
    // an edit just made (the server makes them at that version or later).
    refresh: function (kinds, version) {
      var stamp = "v=" + version;
      kinds.forEach(function (kind) {
        var base = bases[kind];
        if (!base) { return; }
        bases[kind] = /[?&]v=\d+/.test(base) ? base.replace(/v=\d+/, stamp) : base + (base.indexOf("?") < 0 ? "?" : "&") + stamp;
        tiles[kind].setUrl(bases[kind]);
      });
    },
    // Picks out the road of that name (and its 辅路) on the map, or none.
    highlightRoad: function (name) {
      if (name === pickedRoad) { return; }
      pickedRoad = name;
      if (tiles.roads) { tiles.roads.redraw(); }
    },
    // How many of ``kind``'s incidents are in view (undefined while the layer is off).
    inView: function (kind) { return marks.countInView(map, tiles[kind], data[kind]); },
    unguardedInView: function () { return marks.unguardedInView(map, tiles.roads, data.roads); }
  };
}

// A case category's name in the page's language (the setup's categories), "other" for one unknown.
export function categoryName(code) {
  var category = (config.categories || {})[code];
  return category ? category.name : say("other");
}

export { setup as setupTiles, options as tileOptions };
