/* The public map (/) and a community's small map (/c/<code>), for residents on a phone.
 *
 * No basemap: the communities are drawn from /api/public/communities, coloured by tier (the
 * colours are CSS classes in public.css), with their civilized titles as marks; the roads of the
 * view come from /api/public/roads as thin grey context lines. The words come from the page
 * (data-config, in the URL's language), so this file holds no text of its own.
 */
import { viewBbox } from "../portal/ui/bbox.js";
import { el as node, escapeHtml } from "../portal/ui/html.js";
import { exposeMap, setFlag } from "../portal/ui/hooks.js";

var el = document.getElementById("public-map");
var config = el ? JSON.parse(el.dataset.config) : null;

function tierOf(tier) {
  return config.tiers[tier] || config.unrated;
}

function titleMarks(titles) {
  return titles.map(function (title) {
    var known = config.titles[title];
    return "<i class='title-mark title-" + (known ? known.key : "community") + "' title='" +
      escapeHtml(known ? known.label : title) + "'></i>";
  }).join("");
}

function boundsOf(bbox) {
  return L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
}

function makeMap() {
  var map = L.map(el, { zoomControl: false, zoomSnap: 0.25, zoomDelta: 0.5, minZoom: 9, maxZoom: 19 });
  L.control.zoom({ position: "bottomright" }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(config.attribution);
  map.createPane("roadsPane");  // over the communities; its lines take no taps (public.css)
  map.fitBounds(config.bounds);
  return map;
}

// The roads of the view, asked again when the view changes (only the latest answer is drawn).
// ``highlight(name)`` draws the roads of that name (a search's pick) bold.
function roadLayer(map) {
  var picked = null;
  var layer = L.geoJSON(null, {
    pane: "roadsPane", interactive: false,
    style: function (f) {
      return f.properties.name === picked
        ? { className: "road-line picked", color: "#b3261e", weight: 5, opacity: 0.9 }
        : { className: "road-line", color: "#8f8f8f", weight: 1, opacity: 0.7 };
    }
  }).addTo(map);
  layer.highlight = function (name) { picked = name; layer.setStyle(layer.options.style); };
  var asked = 0;
  function load() {
    var zoom = Math.round(map.getZoom()), mine = ++asked;
    if (zoom < config.minRoadsZoom) { layer.clearLayers(); return; }
    fetch(config.roads + "?bbox=" + viewBbox(map, 0.1) + "&zoom=" + zoom)
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && mine === asked) { layer.clearLayers(); layer.addData(data); }
      })
      .catch(function () { /* context only: the communities are what matters */ });
  }
  map.on("moveend", load);
  load();
  return layer;
}

function popupHtml(p) {
  var tier = tierOf(p.tier), text = config.text;
  var titles = p.titles.length
    ? p.titles.map(function (t) { return escapeHtml((config.titles[t] || { label: t }).label); }).join("、")
    : text["popup.no_titles"];
  return "<div class='community-popup'><h3>" + escapeHtml(p.name) + "</h3>" +
    "<p><span class='label'>" + escapeHtml(text["popup.tier"]) + "</span>" +
    "<span class='tier-badge tier-" + tier.key + "'>" + escapeHtml(tier.label) + "</span></p>" +
    "<p><span class='label'>" + escapeHtml(text["popup.titles"]) + "</span>" + titleMarks(p.titles) +
    "<span class='popup-titles'>" + escapeHtml(titles) + "</span></p>" +
    "<a class='popup-more' href='" + escapeHtml(config.page.replace("__code__", encodeURIComponent(p.code))) +
    "'>" + escapeHtml(text["popup.more"]) + " →</a></div>";
}

// Where a community's title marks go: its centroid when that lies inside it, else the middle
// of the widest stretch of it along the centroid's latitude (a crescent's centroid is outside).
function interiorPoint(shape) {
  var rings = shape.getLatLngs();
  if (!L.LineUtil.isFlat(rings[0])) { rings = [].concat.apply([], rings); }  // every part's rings
  var centre = shape.getCenter(), lat = centre.lat, xs = [];
  rings.forEach(function (ring) {
    ring.forEach(function (a, i) {
      var b = ring[(i + 1) % ring.length];
      if ((a.lat > lat) !== (b.lat > lat)) {
        xs.push(a.lng + (lat - a.lat) / (b.lat - a.lat) * (b.lng - a.lng));
      }
    });
  });
  xs.sort(function (p, q) { return p - q; });
  var best = null, inside = false;
  for (var i = 0; i + 1 < xs.length; i += 2) {
    if (centre.lng >= xs[i] && centre.lng <= xs[i + 1]) { inside = true; }
    if (!best || xs[i + 1] - xs[i] > best[1] - best[0]) { best = [xs[i], xs[i + 1]]; }
  }
  return inside || !best ? centre : L.latLng(lat, (best[0] + best[1]) / 2);
}

function communityLayer(map, data) {
  var byCode = {}, picked = null;
  var layer = L.geoJSON(data, {
    style: function (f) {
      return { className: "community tier-" + tierOf(f.properties.tier).key, weight: 1.5, fillOpacity: 0.55 };
    },
    onEachFeature: function (f, shape) {
      shape.bindPopup(popupHtml(f.properties), { minWidth: 200, maxWidth: 260, autoPanPaddingTopLeft: [10, 70] });
      var label = document.createElement("span");  // a name is text, never markup
      label.textContent = f.properties.name;
      shape.bindTooltip(label, { permanent: true, direction: "center", className: "community-label" });
      shape.on("popupopen", function () { pick(shape); });
      byCode[f.properties.code] = shape;
    }
  }).addTo(map);
  // The picked community (a search's pick or a tap) outlined, the one before it no longer.
  function pick(shape) {
    if (picked && picked !== shape) {
      picked.setStyle({ weight: 1.5 });
      picked.getElement().classList.remove("picked");
    }
    picked = shape;
    shape.setStyle({ weight: 4 });
    shape.getElement().classList.add("picked");
    shape.bringToFront();
  }
  // Names from zoom 13 on: below it they would cover the county.
  function labels() { el.classList.toggle("show-labels", map.getZoom() >= 13); }
  map.on("zoomend", labels);
  labels();
  layer.eachLayer(function (shape) {
    var p = shape.feature.properties;
    if (!p.titles.length) { return; }
    var icon = L.divIcon({ className: "title-marks", html: titleMarks(p.titles), iconSize: null });
    L.marker(interiorPoint(shape), { icon: icon, keyboard: false, title: p.name })
      .on("click", function () { shape.openPopup(); })
      .addTo(map);
  });
  return { layer: layer, byCode: byCode };
}

function searchBox(map, communities, roads) {
  var form = document.getElementById("public-search");
  var list = document.getElementById("public-results");
  var input = document.getElementById("public-q");
  function show(items, q) {
    list.innerHTML = "";
    list.hidden = false;
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = config.text["search.none"].replace("{q}", q);
      list.appendChild(none);
      return;
    }
    items.forEach(function (item) {
      var li = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.appendChild(node("b", "", item.name));
      button.appendChild(node("span", "kind", config.text["kind." + item.kind]));
      button.addEventListener("click", function () { pick(item); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }
  function pick(item) {
    list.hidden = true;
    input.blur();
    var shape = item.kind !== "road" && communities.byCode[item.code];  // a community or a village
    roads.highlight(item.kind === "road" ? item.name : null);
    map.fitBounds(boundsOf(item.bbox), { padding: [24, 24], maxZoom: 17, animate: false });
    if (shape) { shape.openPopup(); }
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = input.value.trim();
    if (!q) { list.hidden = true; return; }
    fetch(config.search + "?q=" + encodeURIComponent(q))
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) { show(data.results, q); })
      .catch(function () {
        list.replaceChildren(node("li", "none", config.text["search.failed"]));
        list.hidden = false;
      });
  });
}

function legend(map) {
  var details = document.getElementById("public-legend");
  if (!details) { return; }
  var control = L.control({ position: "bottomleft" });
  control.onAdd = function () {
    L.DomEvent.disableClickPropagation(details);
    L.DomEvent.disableScrollPropagation(details);
    return details;
  };
  control.addTo(map);
}

function home() {
  var map = makeMap();
  exposeMap("publicMap", map);
  legend(map);
  var roads = roadLayer(map);
  fetch(config.communities)
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      var communities = communityLayer(map, data);
      if (data.features.length) { map.fitBounds(communities.layer.getBounds(), { padding: [8, 8] }); }
      searchBox(map, communities, roads);
      setFlag("public-ready", "1");
    })
    .catch(function () { document.getElementById("map-failed").hidden = false; });
}

function community() {
  var map = makeMap();
  exposeMap("publicMap", map);
  var shape = L.geoJSON(config.community, {
    interactive: false,
    style: function () { return { className: "community tier-" + config.tierKey, weight: 2, fillOpacity: 0.35 }; }
  }).addTo(map);
  map.fitBounds(shape.getBounds(), { padding: [20, 20] });
  roadLayer(map);
  setFlag("public-ready", "1");
}

if (el && window.L) {
  if (el.dataset.page === "community") { community(); } else { home(); }
}
