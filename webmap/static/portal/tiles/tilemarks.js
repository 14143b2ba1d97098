/* What the tile layers of tiles.js need beside their canvas: markers built from each tile's
 * features (cluster counts, community names), the popups of tile features, and the counts of the
 * status line. A tile's markers come and go with the tile.
 */
import { number, say } from "../map/texts.js";
import { el, popupTable } from "../ui/html.js";
import { bubbleClass, bubbleSize, mergeBubbles } from "./clusters.js";

export var TILE = 256;  // a tile's side in pixels (VectorGrid's, Leaflet's default)

// "n problems" (or cases waiting in a queue: ``kind`` filed, handled) in the page's language.
function countOf(n, kind) {
  return say("cluster." + kind + (n === 1 ? "_one" : ""), { n: number(n) });
}

function tileLatLng(map, coords, extent, p) {
  return map.unproject(L.point((coords.x + p.x / extent) * TILE, (coords.y + p.y / extent) * TILE), coords.z);
}

// Each tile's items (what ``extract`` makes of its features) by tile key, kept until the tile
// goes; ``changed(key, now, old)`` hears of each change ({coords, items}; ``now`` null when the
// tile goes).
function TileStore(layer, extract, changed) {
  var byTile = {};
  layer.on("tilefeatures", function (e) {
    var key = layer._tileCoordsToKey(e.coords);
    if (!layer._tiles[key]) { return; } // gone before its features came
    var old = byTile[key];
    byTile[key] = { coords: e.coords, items: extract(e.coords, e.layers) };
    changed(key, byTile[key], old);
  });
  layer.on("tileunload", function (e) {
    var key = layer._tileCoordsToKey(e.coords), old = byTile[key];
    if (old) { delete byTile[key]; changed(key, null, old); }
  });
  return byTile;
}

// A group of markers on the map while ``layer`` is.
function companion(map, layer, group) {
  layer.on("add", function () { map.addLayer(group); });
  layer.on("remove", function () { map.removeLayer(group); });
  if (map.hasLayer(layer)) { map.addLayer(group); }
  return group;
}

// -- incidents: points and clusters -------------------------------------------------------------
function incidentItems(map) {
  return function (coords, layers) {
    var data = layers.incidents;
    if (!data) { return []; }
    // A dot past the tile's edge (the server sends them, so that each tile draws its part) is
    // its neighbour's to count.
    return data.features.filter(function (f) {
      var p = f.geometry[0][0];
      return p.x >= 0 && p.y >= 0 && p.x < data.extent && p.y < data.extent;
    }).map(function (f) {
      var p = f.properties;
      return {
        latlng: tileLatLng(map, coords, data.extent, f.geometry[0][0]),
        count: p.count === undefined ? 1 : p.count, id: p.id, cluster: p.count !== undefined
      };
    });
  };
}

// The bubbles of all the tiles at the layer's zoom ``z``, merged where they would overlap on the
// screen at the map's zoom, which may lie between the tiles' (clusters.js).
function bubbles(map, byTile, z, config) {
  var found = [], zoom = map.getZoom();
  Object.keys(byTile).forEach(function (key) {
    if (byTile[key].coords.z !== z) { return; }
    byTile[key].items.forEach(function (it) {
      if (it.cluster) {
        var p = map.project(it.latlng, zoom);
        found.push({ x: p.x, y: p.y, count: it.count });
      }
    });
  });
  return mergeBubbles(found, config.clusterClasses).map(function (k) {
    return { latlng: map.unproject(L.point(k.x, k.y), zoom), count: k.count };
  });
}

function clusterMarker(map, cluster, kind, config) {
  var count = cluster.count, queue = config.review[kind], size = bubbleClass(count, config.clusterClasses);
  var px = bubbleSize(count, config.clusterClasses), label = number(count);
  // A lone incident is a dot, not a bubble saying "1"; a queue's clusters are squares in its colour.
  var face = el("span", "", count === 1 ? undefined : label);
  if (queue) { face.style.backgroundColor = queue.colour; }
  var icon = L.divIcon({
    html: face,
    className: (count === 1 ? "incident-single" : "incident-cluster incident-cluster-" + size) +
      (queue ? " review-cluster" : ""),
    iconSize: [px, px]
  });
  var marker = L.marker(cluster.latlng, {
    icon: icon, pane: queue ? "portal-review-clusters" : "portal-clusters",
    title: countOf(count, kind), keyboard: false
  });
  marker.on("click", function () { openPopup(map, cluster.latlng, clusterPopup(map, cluster, kind)); });
  return marker;
}

// A cluster's popup: how many, and a button that zooms in on it.
function clusterPopup(map, cluster, kind) {
  var div = L.DomUtil.create("div", "portal-popup cluster-popup");
  div.appendChild(el("h4", "", countOf(cluster.count, kind)));
  var button = el("button", "", say("zoom_in"));
  button.type = "button";
  div.appendChild(el("p", "popup-links")).appendChild(button);
  button.addEventListener("click", function () {
    map.closePopup();
    map.setView(cluster.latlng, Math.min(map.getZoom() + 2, map.getMaxZoom()));
  });
  return div;
}

function trackIncidents(map, layer, kind, config, hooks) {
  var group = companion(map, layer, L.layerGroup()), pending = false, byTile;
  function redraw() {
    pending = false;
    group.clearLayers();
    if (layer._tileZoom === undefined) { return; }
    bubbles(map, byTile, layer._tileZoom, config).forEach(function (c) {
      clusterMarker(map, c, kind, config).addTo(group);
    });
  }
  function later() { if (!pending) { pending = true; setTimeout(redraw, 0); } }
  byTile = TileStore(layer, incidentItems(map), function (key, now) {
    later();
    if (now) { hooks.points(kind, now.items); }
  });
  map.on("zoomend", later);  // a zoom between the tiles' keeps them, not the bubbles' room
  return byTile;
}

// -- communities: names -------------------------------------------------------------------------
// The middle and area of a polygon's rings (holes wind the other way, so they subtract).
function centroid(rings) {
  var a = 0, cx = 0, cy = 0;
  rings.forEach(function (ring) {
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var f = ring[j].x * ring[i].y - ring[i].x * ring[j].y;
      a += f;
      cx += (ring[j].x + ring[i].x) * f;
      cy += (ring[j].y + ring[i].y) * f;
    }
  });
  return a ? { point: L.point(cx / (3 * a), cy / (3 * a)), area: Math.abs(a / 2) } : null;
}

// A community crossing tiles comes in a piece per tile: its name goes in the middle of its
// largest piece in view (of the loaded tiles at the layer's zoom).
function trackLabels(map, layer) {
  var group = companion(map, layer, L.layerGroup()), pending = false, byTile;
  function relabel() {
    pending = false;
    group.clearLayers();
    var best = {}, view = map.getBounds();
    Object.keys(byTile).forEach(function (key) {
      if (byTile[key].coords.z !== layer._tileZoom) { return; }
      byTile[key].items.forEach(function (piece) {
        var score = piece.area * (view.contains(piece.latlng) ? 1 : 1e-3);
        if (!best[piece.id] || score > best[piece.id].score) { best[piece.id] = { piece: piece, score: score }; }
      });
    });
    Object.keys(best).forEach(function (id) {
      var piece = best[id].piece;
      L.marker(piece.latlng, {
        pane: "portal-labels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "zone-label", html: el("span", "", piece.name), iconSize: null })
      }).addTo(group);
    });
  }
  function later() { if (!pending) { pending = true; setTimeout(relabel, 0); } }
  byTile = TileStore(layer, function (coords, layers) {
    var data = layers.zones, pieces = [];
    (data ? data.features : []).forEach(function (f) {
      if (f.properties.kind !== "community" && f.properties.kind !== "village") { return; }
      var c = centroid(f.geometry);
      if (c) {
        pieces.push({ id: f.properties.id, name: f.properties.name, area: c.area,
                      latlng: tileLatLng(map, coords, data.extent, c.point) });
      }
    });
    return pieces;
  }, later);
  map.on("moveend", later);
  return byTile;
}

// -- roads: which are unguarded ------------------------------------------------------------------
function trackRoads(map, layer) {
  return TileStore(layer, function (coords, layers) {
    var data = layers.roads;
    return (data ? data.features : []).map(function (f) {
      return { id: f.properties.id, guarded: f.properties.unit_id !== undefined };
    });
  }, function () {});
}

export function track(map, layer, kind, config, hooks) {
  if (kind === "zones") { return trackLabels(map, layer); }
  if (kind === "roads") { return trackRoads(map, layer); }
  if (kind === "grid") { return {}; }
  return trackIncidents(map, layer, kind, config, hooks);
}

// -- counts for the status line ---------------------------------------------------------------
function tilesAtZoom(layer, byTile) {
  return Object.keys(byTile || {}).map(function (k) { return byTile[k]; }).filter(function (t) {
    return t.coords.z === layer._tileZoom;
  });
}

// Incidents in view: the clusters' and points' whose place is in view (each is in one tile).
export function countInView(map, layer, byTile) {
  if (!map.hasLayer(layer)) { return undefined; }
  var view = map.getBounds(), n = 0;
  tilesAtZoom(layer, byTile).forEach(function (t) {
    t.items.forEach(function (it) { if (view.contains(it.latlng)) { n += it.count; } });
  });
  return n;
}

// Unguarded segments reaching into the tiles in view (a segment crossing tiles counted once).
export function unguardedInView(map, layer, byTile) {
  if (!map.hasLayer(layer) || layer._tileZoom === undefined) { return undefined; }
  var view = map.getBounds(), seen = {};
  tilesAtZoom(layer, byTile).forEach(function (t) {
    var nw = map.unproject(t.coords.multiplyBy(TILE), t.coords.z);
    var se = map.unproject(t.coords.add([1, 1]).multiplyBy(TILE), t.coords.z);
    if (!view.intersects(L.latLngBounds(nw, se))) { return; }
    t.items.forEach(function (it) { if (!it.guarded) { seen[it.id] = true; } });
  });
  return Object.keys(seen).length;
}

// -- popups ---------------------------------------------------------------------------------------
function highwayName(highway, names) {
  if (!highway) { return null; }
  return highway.split("/").map(function (h) { return names[h] || say("other_road"); }).join("/");
}

function roadPopup(p, config) {
  var unit = unitOf(p.unit_id, config);
  var links = unit
    ? [[say("unit_cases"), config.links.cases + "?unit=" + encodeURIComponent(unit.code)]]
    : [[say("coverage_report"), config.links.coverage]];
  if (config.links.history) { links.push([say("timeline"), config.links.history.replace("{id}", p.id)]); }
  return popupTable(p.name || say("unnamed_road"), [
    [say("lead"), unit ? unit.name : say("no_lead", { label: config.unguarded.label })],
    [say("unit_kind"), unit ? unit.kind_name : null],
    [say("highway"), highwayName(p.highway, config.highways)], [say("segment_id"), p.id]
  ], links);
}

// ``lead``: the lead unit's name today, "" for none, undefined while it is being asked for.
function zonePopup(p, config, lead) {
  var cases = config.links.cases + "?zone=" + encodeURIComponent(p.code);
  var leadRow = [say("lead"), lead === undefined ? say("looking_up") : lead || say("lead_none")];
  if (p.kind === "grid") {
    return popupTable(say("grid_title", { code: p.code }), [[say("grid_name"), p.name], [say("code"), p.code], leadRow],
      [[say("grid_cases"), cases]]);
  }
  if (p.kind === "courtyard") {
    return popupTable(p.name, [[say("type"), say("courtyard")], [say("code"), p.code], leadRow],
      [[say("courtyard_cases"), cases]]);
  }
  var kind = p.kind === "village" ? "village" : "community";  // a village is shown as a community is
  var page = config.links.community.replace("{code}", encodeURIComponent(p.code));
  return popupTable(p.name, [[say("type"), say(kind)], [say("code"), p.code], leadRow, [say("tier"), tierName(p.tier)]],
    [[say(kind + "_page"), page], [say(kind + "_cases"), cases]]);
}

// A community's tier (精品, 达标, 攻坚, as the tiles carry it) in the page's language.
function tierName(tier) {
  if (!tier) { return say("tier_none"); }
  var name = say("tier." + tier);
  return name === "tier." + tier ? tier : name;
}

// A zone's popup, then its lead unit today filled in when the answer comes (if still open).
export function fillLead(popup, hit, config) {
  if ((hit.kind !== "zones" && hit.kind !== "grid") || !config.links.responsible) { return; }
  var p = hit.properties;
  // No date: the portal answers for its own today (the county's clock, pinned or not).
  var url = config.links.responsible.replace("{id}", encodeURIComponent(p.id));
  fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (answer) {
      if (!answer || !popup.isOpen()) { return; }
      popup.setContent(zonePopup(p, config, answer.lead ? answer.lead.unit_name : ""));
    })
    .catch(function () { /* the row keeps saying 查询中… */ });
}

function incidentPopup(p, kind, config) {
  var category = config.categories[p.category], queue = config.review[kind];
  return popupTable(say("case", { id: p.id }), [
    [say("category"), category ? category.name : say("other")], [say("status"), config.statuses[p.status] || say("unknown")],
    [say("review"), queue ? say("queue", { label: queue.label, note: queue.note }) : null]
  ], [[say("open_case"), config.links.case.replace("{id}", p.id)]]);
}

// A popup that pans clear of the legend, which lies over the map's lower left (unless the map
// is too narrow to keep both in view).
export function openPopup(map, latlng, content) {
  var legend = document.querySelector(".portal-legend"), box = map.getContainer().getBoundingClientRect();
  var left = 10;
  if (legend && legend.offsetParent) {
    var clear = legend.getBoundingClientRect().right - box.left + 10;
    if (box.width - clear > 360) { left = clear; }
  }
  return L.popup({ autoPanPaddingTopLeft: L.point(left, 10), maxWidth: 320 })
    .setLatLng(latlng).setContent(content).openOn(map);
}

// One line for what the pointer is over: a road and who leads it, or a case.
export function hoverLabel(hit, config) {
  var p = hit.properties;
  if (hit.kind === "roads") {
    var unit = unitOf(p.unit_id, config);
    return say("named", { name: p.name || say("unnamed_road"), what: unit ? unit.name : config.unguarded.label });
  }
  if (hit.kind === "zones" || hit.kind === "grid") { return null; }
  var category = config.categories[p.category];
  return say("case_hover", {
    id: p.id, category: category ? category.name : say("other"), status: config.statuses[p.status] || say("unknown")
  });
}

function unitOf(id, config) {
  return config.units.filter(function (u) { return u.id === id; })[0];
}

export function popup(hit, config) {
  if (hit.kind === "roads") { return roadPopup(hit.properties, config); }
  if (hit.kind === "zones" || hit.kind === "grid") { return zonePopup(hit.properties, config); }
  return incidentPopup(hit.properties, hit.kind, config);
}
