/* The case and field pages' map (the case page, the report forms, 随手拍审核, 考核评分): a Leaflet
 * map with no basemap, on which the county's communities and roads are drawn as context from
 * /api/v1/layers for the visible area, with a legend.
 */
import { viewBbox } from "./bbox.js";
import { el } from "./html.js";
import { texts as T } from "./forms.js";

var STYLES = {
  zones: function () {
    return { color: "#1f4e8c", weight: 2, opacity: 0.8, fillColor: "#4a7fc1", fillOpacity: 0.05 };
  },
  roads: function (f) {
    var p = f.properties;
    // Public roads carry no unit: plain grey lines.
    if (!p.colour) { return { color: ROAD_GREY, weight: 2, opacity: 0.7 }; }
    return { color: p.colour, weight: 4, opacity: 0.85, dashArray: p.guarded ? null : "6 5" };
  }
};
var ROAD_LABEL_ZOOM = 16;  // road names from this zoom on; fewer would crowd the map
var ROAD_GREY = "#8c8c8c";  // as the legend's road swatch (cases.css)

// Communities, roads (by leading unit on staff pages, plain on public ones) and the pin.
function legend(config, M) {
  var parts = document.createDocumentFragment();
  function entry(swatch, text) {
    var row = parts.appendChild(el("span"));
    row.appendChild(el("i", "sw " + swatch));
    row.appendChild(document.createTextNode(text == null ? "" : text));
  }
  entry("zone", M.legend_community || T.legend_community);
  if (config.publicRoads) {
    entry("road", M.legend_road);
  } else {
    parts.appendChild(el("b", "", T.legend_roads));
    parts.appendChild(el("div", "road-units"));
  }
  entry("pin", M.legend_pin || T.legend_pin);
  return parts;
}

// Where on a road to put its name: the point of it nearest the middle of the view (its own
// middle is often off screen).
function labelPoint(map, layer) {
  var centre = map.latLngToLayerPoint(map.getCenter()), best = null, bestDistance = Infinity;
  var lines = layer.getLatLngs();
  (L.LineUtil.isFlat(lines) ? [lines] : lines).forEach(function (line) {
    var points = line.map(function (ll) { return map.latLngToLayerPoint(ll); });
    for (var i = 1; i < points.length; i++) {
      var q = L.LineUtil.closestPointOnSegment(centre, points[i - 1], points[i]);
      if (centre.distanceTo(q) < bestDistance) { best = q; bestDistance = centre.distanceTo(q); }
    }
  });
  return best && map.layerPointToLatLng(best);
}

// One label a road in view, on its piece nearest the middle of the view, and none over another
// (the nearest the middle first): a road of twenty segments is named once, not twenty times.
function placeRoadLabels(map, drawn) {
  var centre = map.latLngToContainerPoint(map.getCenter()), nearest = {};
  drawn.eachLayer(function (road) {
    if (!road.getTooltip()) { return; }
    var at = labelPoint(map, road), name = road.feature.properties.name;
    road.closeTooltip();
    if (!at) { return; }
    var d = map.latLngToContainerPoint(at).distanceTo(centre);
    if (!nearest[name] || d < nearest[name].d) { nearest[name] = { road: road, at: at, d: d }; }
  });
  var placed = [];
  Object.keys(nearest).map(function (k) { return nearest[k]; })
    .sort(function (a, b) { return a.d - b.d; })
    .forEach(function (n) {
      var p = map.latLngToContainerPoint(n.at), half = n.road.feature.properties.name.length * 7 + 6;
      var box = L.bounds([p.x - half, p.y], [p.x + half, p.y + 22]);  // under the line, as drawn
      if (placed.some(function (b) { return b.intersects(box); })) { return; }
      placed.push(box);
      n.road.openTooltip(n.at);
    });
}

function textElement(text) {
  var span = document.createElement("span");
  span.textContent = text;
  return span;
}

function drawLayer(name, data, zoom) {
  return L.geoJSON(data, {
    interactive: false,  // a tap goes through to the map, which places the pin
    style: STYLES[name],
    onEachFeature: function (f, layer) {
      var p = f.properties;
      var label = name === "zones" ? p.name : zoom >= ROAD_LABEL_ZOOM && p.name;
      // A tooltip's string is HTML to Leaflet: the name goes in as a text node.
      if (label) { label = textElement(label); }
      if (label && name === "zones") {
        layer.bindTooltip(label, { permanent: true, direction: "center", className: "zone-label" });
      } else if (label) {  // under the line: a pin stands above its point
        layer.bindTooltip(label, { permanent: true, direction: "bottom", offset: [0, 2], className: "road-label" });
      }
    }
  });
}

// The legend's road entries: the kinds of unit leading the roads in view (职能部门, 社区居委会,
// 其他), each in its colour, and 未分配 dashed: roads are coloured by kind, not by unit.
function listRoadKinds(box, data) {
  var seen = {};
  box.textContent = "";
  data.features.forEach(function (f) {
    var p = f.properties;
    var label = p.guarded ? T["kind_" + p.unit_kind] || p.unit_kind_name : T.unguarded || p.unit_name;
    if (seen[label]) { return; }
    seen[label] = true;
    var row = document.createElement("span"), swatch = document.createElement("i");
    swatch.className = "sw road" + (p.guarded ? "" : " dashed");
    swatch.style.borderTopColor = p.colour;
    row.appendChild(swatch);
    row.appendChild(document.createTextNode(label));
    box.appendChild(row);
  });
  if (!data.features.length) {
    var none = document.createElement("span");
    none.className = "none";
    none.textContent = T.no_roads;
    box.appendChild(none);
  }
}

// Context for the visible area, refetched after each move (one request per layer in flight).
function contextLayers(map, urls, onLoad) {
  var groups = {}, controller = null;
  Object.keys(urls).forEach(function (name) { groups[name] = L.layerGroup().addTo(map); });
  function load() {
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var zoom = Math.round(map.getZoom());
    var query = "?bbox=" + viewBbox(map, 0.2) + "&zoom=" + zoom;
    Object.keys(urls).forEach(function (name) {
      fetch(urls[name] + query, { credentials: "same-origin", signal: controller.signal })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          var drawn = drawLayer(name, data, zoom);
          groups[name].clearLayers().addLayer(drawn);
          if (name === "roads") { placeRoadLabels(map, drawn); }
          onLoad(name, data);
        })
        .catch(function () {});  // context only: the map takes a tap without it
    });
  }
  map.on("moveend", load);
  load();
  return groups;
}

// A box on the map holding ``content``: nodes, or a text whose lines (split at "\n") are set as
// text with a line break between them.
export function addControl(map, position, className, content) {
  var control = L.control({ position: position });
  control.onAdd = function () {
    var div = L.DomUtil.create("div", className);
    if (typeof content === "string") {
      content.split("\n").forEach(function (line, i) {
        if (i) { div.appendChild(document.createElement("br")); }
        div.appendChild(document.createTextNode(line));
      });
    } else { div.appendChild(content); }
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  return control.addTo(map);
}

// The map in `el`, whose data-config holds {bounds, layers, attribution, point, publicRoads};
// `messages` (optional) gives the legend's texts in the page's language. Returns {map, config,
// bounds, layers}: `layers` the context layers drawn now, by name (inspect.js picks from them
// when offline).
export function createMap(el, messages) {
  var config = JSON.parse(el.dataset.config);
  var map = L.map(el, { zoomSnap: 0.5, minZoom: 9, maxZoom: 20, attributionControl: false });
  L.control.attribution({ prefix: false }).addAttribution(config.attribution).addTo(map);
  if (config.point) {
    map.setView(config.point, 17);
  } else {
    map.fitBounds(config.bounds);
  }
  var box = addControl(map, "bottomleft", "case-legend", legend(config, messages || {})).getContainer();
  var roadUnits = box.querySelector(".road-units");
  var drawn = contextLayers(map, config.layers, function (name, data) {
    if (name === "roads" && roadUnits) { listRoadKinds(roadUnits, data); }
  });
  return { map: map, config: config, bounds: L.latLngBounds(config.bounds), layers: drawn };
}

// The context features drawn under `latlng`: roads within `px` pixels (nearest first) and the
// communities containing it. What inspect.js offers to score when the network is gone.
export function featuresAt(m, latlng, px) {
  var here = m.map.latLngToLayerPoint(latlng), roads = [], zones = [];
  function each(name, visit) {
    if (m.layers[name]) { m.layers[name].eachLayer(function (drawn) { drawn.eachLayer(visit); }); }
  }
  each("roads", function (road) {
    var d = pixelsTo(m.map, road.feature.geometry, here);
    if (d <= px) { roads.push({ feature: road.feature, d: d }); }
  });
  each("zones", function (zone) {
    if (contains(zone.feature.geometry, latlng)) { zones.push(zone.feature); }
  });
  roads.sort(function (a, b) { return a.d - b.d; });
  return { roads: roads.map(function (r) { return r.feature; }), zones: zones };
}

function pixelsTo(map, geometry, point) {
  var best = Infinity;
  var lines = geometry.type === "MultiLineString" ? geometry.coordinates : [geometry.coordinates];
  lines.forEach(function (line) {
    var p = line.map(function (c) { return map.latLngToLayerPoint([c[1], c[0]]); });
    for (var i = 1; i < p.length; i++) {
      best = Math.min(best, L.LineUtil.pointToSegmentDistance(point, p[i - 1], p[i]));
    }
  });
  return best;
}

function contains(geometry, latlng) {
  var polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
  return polygons.some(function (rings) {
    return inRing(rings[0], latlng) && !rings.slice(1).some(function (hole) { return inRing(hole, latlng); });
  });
}

function inRing(ring, latlng) {  // even-odd rule, in degrees: a community is small enough
  var x = latlng.lng, y = latlng.lat, inside = false;
  for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
    if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
  }
  return inside;
}
