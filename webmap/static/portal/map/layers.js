/* The leaders' map's wiring: the tile layers (tiles/tiles.js), and the small layers filled from
 * /api/v1/layers/<name> for the visible part of the map (覆盖缺口, 考核得分, 单位责任区) and the
 * 热力图 from /api/v1/heat (the server's bins of the viewport, drawn by leaflet.heat).
 *
 * The server sends one viewport at a time (vector tiles, simplified lines, bins), so the page never
 * holds the whole county. Each GeoJSON layer keeps at most one request in flight; a newer view
 * aborts it. The filter panel (time range, category, status, unit: the case list's filters) narrows
 * 问题, 审核队列 and 热力图. The legend shows the part of each layer that is on.
 *
 * folium's script of the page (webmap/mapbuild.py LayerLoader) calls startMap once it has made the
 * map and its layers.
 */
import { FilterControl, MonthControl, SearchControl, StatusControl } from "./controls.js";
import { number, say } from "./texts.js";
import { attach, categoryName } from "../tiles/tiles.js";
import { viewBbox } from "../ui/bbox.js";
import { escapeHtml, popupTable } from "../ui/html.js";
import { exposeMap, setFlag } from "../ui/hooks.js";

var GAPS = ["uncovered", "unguarded_zone", "unguarded_segment"];
var ZONE_KINDS = ["community", "village", "courtyard", "grid", "subdistrict"];

function zoneKindName(kind) { return ZONE_KINDS.indexOf(kind) >= 0 ? say("zone_kind." + kind) : kind; }

// 覆盖缺口: area in no community (hatched red), zones and segments with no lead unit (red).
function coverageLayer(data, map, options) {
  // Unguarded segments as a wide translucent band over the grey dashed road, so they never pass
  // for a segment led by a unit whose colour is also red.
  var colour = options.gapColour, weight = map.getZoom() >= 16 ? 14 : 10;
  return L.geoJSON(data, {
    pane: "portal-coverage",
    style: function (f) {
      var gap = f.properties.gap;
      if (gap === "uncovered") {
        return { color: colour, weight: 1.5, dashArray: "4 3", fillColor: colour, fillOpacity: 0.22 };
      }
      if (gap === "unguarded_zone") {
        return { color: colour, weight: 3, fillColor: colour, fillOpacity: 0.12 };
      }
      return { color: colour, weight: weight, opacity: 0.5, lineCap: "round" };
    },
    onEachFeature: function (f, layer) {
      var p = f.properties, title = say(GAPS.indexOf(p.gap) >= 0 ? "gap." + p.gap : "gap.other");
      if (p.gap === "uncovered") { layer.bindPopup(popupTable(title, [[say("note"), say("uncovered_note")]])); return; }
      var name = p.name || say("unnamed_road");
      layer.bindTooltip(escapeHtml(say("named", { name: name, what: title })), { sticky: true });
      layer.bindPopup(popupTable(name, [
        [say("gap"), title], [say("type"), p.gap === "unguarded_zone" ? zoneKindName(p.kind) : say("segment")],
        [say("code"), p.code], [say("id"), p.id],
        [say("area"), p.area_m2 ? say("area_ha", { ha: (p.area_m2 / 10000).toFixed(1) }) : null],
        [say("length"), p.length_m ? say("length_m", { m: Math.round(p.length_m) }) : null]
      ]));
    }
  });
}

// 考核得分: the month's scored communities, cells and segments filled or drawn in their grade's colour.
function scoresLayer(data, map) {
  return L.geoJSON(data, {
    pane: "portal-scores",
    style: function (f) {
      var p = f.properties;
      if (p.target === "segment") { return { color: p.colour, weight: 7, opacity: 0.85, lineCap: "round" }; }
      return { color: p.colour, weight: p.kind === "grid" ? 1 : 2, fillColor: p.colour, fillOpacity: 0.45 };
    },
    onEachFeature: function (f, layer) {
      var p = f.properties, kind = p.target === "segment" ? say("segment") : zoneKindName(p.kind);
      var name = p.name || say("unnamed_road");
      layer.bindTooltip(escapeHtml(say("named", { name: name, what: say("points", { score: p.score }) })), { sticky: true });
      layer.bindPopup(popupTable(name, [
        [say("score_month"), data.month], [say("type"), kind],
        [say("score"), say("score_grade", { score: p.score, grade: p.grade })],
        [say("inspections"), p.inspections], [say("problems"), say("penalty", { n: p.incidents, penalty: p.penalty })]
      ]));
    }
  });
}

// 热力图: each bin's count at its incidents' mean position, scaled to the viewport's largest bin.
function heatLayer(data, map) {
  var points = data.bins.map(function (b) { return [b[1], b[0], b[2]]; });
  return L.heatLayer(points, {
    radius: 20, blur: 16, minOpacity: 0.3, max: Math.max(1, data.max), maxZoom: map.getZoom()
  });
}


// 单位责任区: what the picked unit guards, in one bright colour over everything else.
function unitLayer(data) {
  return L.geoJSON(data, {
    pane: "portal-focus",
    style: function (f) {
      if (f.properties.target === "segment") { return { color: "#ff8c00", weight: 9, opacity: 0.8, lineCap: "round" }; }
      return { color: "#ff8c00", weight: 3, fillColor: "#ffd400", fillOpacity: 0.3 };
    },
    onEachFeature: function (f, layer) {
      var p = f.properties, unit = data.unit || {};
      var role = p.role === "lead" || p.role === "assist" ? say("role." + p.role) : p.role;
      layer.bindTooltip(escapeHtml(say("unit_role", { name: p.name || say("unnamed_road"), unit: unit.name, role: role })),
                        { sticky: true });
    }
  });
}

var BUILDERS = { coverage: coverageLayer, scores: scoresLayer, heat: heatLayer, unit: unitLayer };

// A link from the coverage report opens /portal?bbox=w,s,e,n&focus=kind:id&overlay=coverage:
// fit the box, switch the overlay on, and ring the feature once a layer brings it.
function readFocus() {
  var q = new URLSearchParams(window.location.search), out = {};
  var box = (q.get("bbox") || "").split(",").map(Number);
  if (box.length === 4 && box.every(isFinite)) { out.bounds = [[box[1], box[0]], [box[3], box[2]]]; }
  var focus = /^(zone|segment|incident):(\d+)$/.exec(q.get("focus") || "");
  if (focus) { out.kind = focus[1]; out.id = Number(focus[2]); }
  out.overlay = q.get("overlay");
  return out;
}

function focusMatch(focus, f) {
  return f.id === focus.kind + ":" + focus.id;
}

function ring(map, geojson) {
  L.geoJSON(geojson, {
    pane: "portal-focus", interactive: false,
    style: { color: "#ffd400", weight: 22, opacity: 0.9, fill: false },
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { pane: "portal-focus", radius: 14, color: "#ffd400", weight: 5, fill: false });
    }
  }).addTo(map);
}

// Rings the focused zone or segment when a GeoJSON layer brings it (the coverage report's links).
function ringFocus(map, focus, data) {
  if (!focus.kind || focus.ringed) { return; }
  var hit = (data.features || []).filter(function (f) { return focusMatch(focus, f); })[0];
  if (hit) { focus.ringed = true; ring(map, hit); }
}

// Rings the focused case when its tile brings its point (查找 a case number).
function ringIncident(map, focus, items) {
  if (focus.kind !== "incident" || focus.ringed) { return; }
  var hit = items.filter(function (it) { return !it.cluster && it.id === focus.id; })[0];
  if (hit) { focus.ringed = true; ring(map, L.marker(hit.latlng).toGeoJSON()); }
}

// Shows the legend's part of each layer that is on (and a note when none is).
function syncLegend(map, overlays) {
  var legend = document.querySelector(".portal-legend");
  if (!legend) { return; }
  var any = false;
  Object.keys(overlays).forEach(function (name) {
    var part = legend.querySelector("[data-layer='" + name + "']"), on = map.hasLayer(overlays[name]);
    if (part) { part.hidden = !on; }
    any = any || on;
  });
  var none = legend.querySelector(".legend-none");
  if (none) { none.hidden = any; }
}

// A phone: the layer list folds behind a 图层 button, as the legend does, so the map shows first.
function foldLayerList(map) {
  var control = map.getContainer().querySelector(".leaflet-control-layers");
  var list = control && control.querySelector(".leaflet-control-layers-overlays");
  if (list) { list.setAttribute("data-title", say("layers")); }  // the list's heading (map.css)
  if (!control || !window.matchMedia("(max-width: 640px)").matches) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "layers-toggle";
  button.textContent = say("layers");
  button.setAttribute("aria-expanded", "false");
  control.classList.add("folded");
  control.insertBefore(button, control.firstChild);
  button.addEventListener("click", function () {
    button.setAttribute("aria-expanded", String(!control.classList.toggle("folded")));
  });
}

// The tile layers' handle (tiles/tiles.js attach) of each map started here: the edit page redraws
// the roads through it after a change.
var tilesOf = new WeakMap();

export function mapTiles(map) { return tilesOf.get(map); }

// ``layers``: {geojson: the groups filled here, tiles: the tile layers by kind (tiles/tiles.js),
// overlays: every layer of the layer switcher by its legend name}. The steps below share ``state``:
// the map, its options and layers, and what changes as it is used (the focus, the month, the filters).
export function startMap(map, options, layers) {
  var state = {
    map: map, options: options, layers: layers, groups: layers.geojson, overlays: layers.overlays,
    pending: {}, stats: {}, status: null, tiles: null, focus: null,
    month: (options.scoreMonths || [{}])[0].value, monthControl: null, filterQuery: "", shownUnit: ""
  };
  exposeMap("portalMap", map);
  addFrame(state);        // the layer list (folded on a phone), the scale, the status line, the attribution
  openFocus(state);       // a link's box, the feature to ring and the overlay to switch on
  attachTiles(state);     // the tile layers, whose counts the status line says
  addMonthControl(state); // 考核得分's month, shown while that layer is on
  addFilters(state);      // the filter panel: narrows the tiles and 热力图, or shows one unit
  addSearch(state);       // 查找: a road, a zone, a unit or a case by its number
  followView(state);      // every layer loaded again when the view moves or a layer is switched
}

function addFrame(state) {
  var map = state.map;
  foldLayerList(map);
  L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);
  state.status = StatusControl().addTo(map);
  if (map.attributionControl && state.options.attribution) {
    map.attributionControl.addAttribution(state.options.attribution);
  }
}

function openFocus(state) {
  var map = state.map, focus = state.focus = readFocus();
  if (focus.bounds) {
    // The place matters more than the legend, which would hide the map's lower left.
    var legend = document.querySelector(".portal-legend details");
    if (legend) { legend.open = false; }
    map.fitBounds(focus.bounds, { maxZoom: 18, padding: [60, 60] });
  }
  var overlay = focus.overlay && state.overlays[focus.overlay];
  if (overlay && !map.hasLayer(overlay)) { map.addLayer(overlay); }
}

function attachTiles(state) {
  state.tiles = attach(state.map, state.layers.tiles, {
    changed: function () { if (state.tiles) { report(state); } },
    points: function (kind, items) { ringIncident(state.map, state.focus, items); }
  });
  tilesOf.set(state.map, state.tiles);
}

function addMonthControl(state) {
  if (!state.groups.scores || !state.options.scoreMonths) { return; }
  state.monthControl = MonthControl(state.options.scoreMonths, function (value) {
    state.month = value;
    load(state, "scores");
  });
}

function showMonthControl(state) {
  var control = state.monthControl;
  if (!control) { return; }
  if (state.map.hasLayer(state.groups.scores)) { control.addTo(state.map); } else { control.remove(); }
}

function addFilters(state) {
  var map = state.map, unit = state.groups.unit;
  if (!state.options.filters) { return; }
  FilterControl(state.options.filters, function (query) {
    state.filterQuery = query;
    state.tiles.setFilters(query);
    load(state, "heat");
  }, function (code) {
    state.shownUnit = code;
    if (!unit) { return; }
    if (code && !map.hasLayer(unit)) { map.addLayer(unit); } else { load(state, "unit"); }
    if (!code) { unit.clearLayers(); map.removeLayer(unit); }
  }).addTo(map);
}

function addSearch(state) {
  var map = state.map, tiles = state.tiles;
  if (!state.options.searchApi) { return; }
  SearchControl(state.options.searchApi, function (item) {
    tiles.highlightRoad(item.kind === "road" ? item.name : null);
    if (item.kind === "unit") {
      var pick = document.getElementById("portal-show-unit");
      if (pick) { pick.value = item.code; pick.dispatchEvent(new Event("change")); }
      return;
    }
    if (item.kind === "case") {
      state.focus = { kind: "incident", id: item.id };
      if (!map.hasLayer(state.overlays.incidents)) { map.addLayer(state.overlays.incidents); }
    }
    var b = item.bbox;
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: item.kind === "case" ? 18 : 17 });
    // Its point may be in a tile the map has already (else the tile coming rings it).
    if (item.kind === "case") { ringIncident(map, state.focus, tiles.items("incidents")); }
  }, function (item) {  // a case by its number and category, in the page's language
    return item.kind === "case" && item.category
      ? say("search_case", { id: item.id, category: categoryName(item.category) }) : item.name;
  }).addTo(map);
}

function followView(state) {
  var map = state.map, groups = state.groups, overlays = state.overlays;
  map.on("moveend", function () { loadAll(state); report(state); });
  map.on("overlayadd", function (e) {
    Object.keys(groups).forEach(function (name) { if (groups[name] === e.layer) { load(state, name); } });
    showMonthControl(state);
    syncLegend(map, overlays);
  });
  map.on("overlayremove", function () { showMonthControl(state); syncLegend(map, overlays); report(state); });
  showMonthControl(state);
  syncLegend(map, overlays);
  loadAll(state);
  report(state);
}

// The status line: the counts of what is in view, each said once whole; and the page's ready flag.
function report(state) {
  var map = state.map, tiles = state.tiles, stats = state.stats, groups = state.groups, options = state.options;
  var parts = [], incidents = tiles.inView("incidents"), unguarded = tiles.unguardedInView();
  var filed = tiles.inView("filed"), handled = tiles.inView("handled");
  // A count of tiles still coming would only grow under the reader's eyes: said when whole.
  if (incidents !== undefined) {
    parts.push(tiles.loading("incidents") ? say("status_incidents_counting")
      : say("status_incidents", { n: number(incidents) }));
  }
  if (filed !== undefined && handled !== undefined) {
    parts.push(tiles.loading("filed") || tiles.loading("handled") ? say("status_review_counting")
      : say("status_review", { filed: number(filed), handled: number(handled) }));
  }
  if (stats.unit && map.hasLayer(groups.unit)) {
    parts.push(say("status_unit", { unit: stats.unit.name, zones: stats.unit.zones, segments: stats.unit.segments }));
  }
  if (stats.heat !== undefined && map.hasLayer(groups.heat)) {
    parts.push(say("status_heat", { n: number(stats.heat) }));
  }
  if (unguarded !== undefined) { parts.push(say("status_unguarded", { label: options.unguardedLabel, n: unguarded })); }
  if (stats.gaps !== undefined && map.hasLayer(groups.coverage)) { parts.push(say("status_gaps", { n: stats.gaps })); }
  if (stats.scores !== undefined && map.hasLayer(groups.scores)) {  // an empty month says so
    var shown = (options.scoreMonths || []).filter(function (m) { return m.value === state.month; })[0];
    parts.push(stats.scores ? say("status_scores", { n: stats.scores })
      : say("status_no_scores", { month: shown ? shown.label : say("that_month") }));
  }
  state.status.show(parts.join(" · "));
  var busy = Object.keys(state.pending).length > 0 || tiles.loading();
  setFlag("portal-ready", busy ? "0" : "1");
}

// Fills the GeoJSON layer ``name`` (when on) for the view, aborting its request still in flight.
function load(state, name) {
  var map = state.map, group = state.groups[name], pending = state.pending, options = state.options;
  if (!map.hasLayer(group)) { return; }
  if (pending[name]) { pending[name].abort(); }
  var controller = new AbortController();
  pending[name] = controller;
  report(state);
  var base = name === "heat" ? options.heatApi : options.api + "/" + name;
  var url = base + "?bbox=" + viewBbox(map, 0.15) + "&zoom=" + Math.round(map.getZoom());
  if (name === "scores" && state.month) { url += "&month=" + encodeURIComponent(state.month); }
  if (name === "unit" && state.shownUnit) { url += "&unit=" + encodeURIComponent(state.shownUnit); }
  if (name === "heat" && state.filterQuery) { url += "&" + state.filterQuery; }
  fetch(url, { credentials: "same-origin", signal: controller.signal, headers: { Accept: "application/json" } })
    .then(function (response) {
      if (response.status === 401) { window.location.reload(); throw new Error("login"); }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (data) {
      group.clearLayers();
      group.addLayer(BUILDERS[name](data, map, options));
      if (name === "heat") { state.stats.heat = data.total; }
      if (name === "unit") { state.stats.unit = data.unit; }
      if (name === "coverage") { state.stats.gaps = data.features.length; }
      if (name === "scores") { state.stats.scores = data.features.length; }
      ringFocus(map, state.focus, data);
    })
    .catch(function (err) {
      if (err.name !== "AbortError") { state.status.show(say("layer_failed", { error: err.message })); }
    })
    .finally(function () {
      if (pending[name] === controller) { delete pending[name]; report(state); }
    });
}

function loadAll(state) { Object.keys(state.groups).forEach(function (name) { load(state, name); }); }
