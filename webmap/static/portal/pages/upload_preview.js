/* An upload's preview (/admin/data/uploads/<token>): a small Leaflet map, with no basemap, of the
 * features the file holds — those that would be stored in blue, the refused ones in red — fetched
 * from the data-config's ``features`` URL (GeoJSON, simplified, at most a few thousand). A refused
 * feature's tooltip names its row (a text node: nothing from the file becomes markup).
 * Its texts come in the page's language (data-texts of data.js.*). */
import { addControl } from "../ui/casemap.js";
import { el } from "../ui/html.js";

var holder = document.querySelector("[data-texts-group='data.js']");
var T = JSON.parse((holder && holder.dataset.texts) || "{}");
var GOOD = "#1f4e8c", REFUSED = "#d7191c";

function say(text, values) {
  return String(text || "").replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
}

function style(feature) {
  var ok = feature.properties.ok;
  return { color: ok ? GOOD : REFUSED, weight: ok ? 2 : 3, opacity: 0.85, fillColor: ok ? GOOD : REFUSED, fillOpacity: 0.12 };
}

function legend(data) {
  var parts = document.createDocumentFragment();
  [["good", GOOD, T.legend_good], ["refused", REFUSED, T.legend_refused]].forEach(function (entry) {
    var row = parts.appendChild(el("span"));
    var swatch = row.appendChild(el("i", "sw road"));
    swatch.style.borderTopColor = entry[1];
    row.appendChild(document.createTextNode(entry[2] || entry[0]));
  });
  if (data.total > data.features.length) {
    parts.appendChild(el("span", "muted", say(T.sample, { shown: data.features.length, total: data.total })));
  }
  return parts;
}

function rowLabel(feature) {
  var span = document.createElement("span");
  span.textContent = say(T.row, { row: feature.properties.row });
  return span;
}

function start() {
  var box = document.getElementById("preview-map");
  if (!box) { return; }
  var config = JSON.parse(box.dataset.config);
  // No basemap and no attribution: what is drawn is the uploaded file itself.
  var map = L.map(box, { zoomSnap: 0.5, maxZoom: 20, attributionControl: false });
  map.fitBounds(config.bounds, { padding: [8, 8] });
  fetch(config.features, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      L.geoJSON(data, {
        style: style,
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, Object.assign(style(f), { radius: 4, fillOpacity: 0.6 }));
        },
        onEachFeature: function (f, layer) {
          if (!f.properties.ok) { layer.bindTooltip(rowLabel(f), { sticky: true }); }
        }
      }).addTo(map);
      addControl(map, "bottomleft", "case-legend", legend(data));
    })
    .catch(function () { addControl(map, "topright", "case-legend", T.failed || ""); });
}

start();
