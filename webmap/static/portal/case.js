/* The case pages' shared script, and a case's page.
 *
 * `Cases` (report.js uses it too): a Leaflet map with no basemap, on which the county's communities
 * and roads are drawn as context from /api/v1/layers for the visible area, with a legend; and
 * posting to the cases API with the CSRF token, answers read as {status, body}.
 *
 * On a case's page (/cases/<id>): the case's point, and the action buttons, which post
 * {action, note, unit} to /api/v1/incidents/<id>/actions and reload on success.
 *
 * Its texts come in the page's language from its own script tag's data-texts (cases/macros.html
 * `case_script`); a page that gives none gets them in Chinese.
 */
(function () {
  "use strict";

  var T = Object.assign({
    legend_community: "社区边界", legend_roads: "道路 · 牵头单位类别", legend_pin: "问题位置",
    no_roads: "视野内没有道路", expired: "登录已过期，请刷新页面重新登录",
    failed: "提交失败（HTTP {status}），请稍后重试", sending: "正在提交…",
    network: "网络异常，请检查网络后重试", by_photo: "按照片定位"
  }, JSON.parse((document.currentScript && document.currentScript.dataset.texts) || "{}"));

  // A text with its {name} parts filled.
  function say(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

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
    var roads = config.publicRoads
      ? "<span><i class='sw road'></i>" + escapeHtml(M.legend_road) + "</span>"
      : "<b>" + escapeHtml(T.legend_roads) + "</b><div class='road-units'></div>";
    return "<span><i class='sw zone'></i>" + escapeHtml(M.legend_community || T.legend_community) + "</span>" +
      roads + "<span><i class='sw pin'></i>" + escapeHtml(M.legend_pin || T.legend_pin) + "</span>";
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function csrfToken() {
    var meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.content : "";
  }

  // POST a FormData or a JSON body. Resolves {status, body} whatever the status; rejects only when
  // no answer came (network down, page offline).
  function send(url, body, headers) {
    var h = Object.assign({ "X-CSRFToken": csrfToken(), "Accept": "application/json" }, headers || {});
    if (!(body instanceof FormData)) {
      h["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    return fetch(url, { method: "POST", body: body, headers: h, credentials: "same-origin" })
      .then(function (r) {
        return r.json()
          .catch(function () { return {}; })
          .then(function (b) { return { status: r.status, body: b }; });
      });
  }

  function errorText(answer) {
    var e = answer.body && answer.body.error;
    if (e && e.message) { return e.message; }
    if (answer.status === 401) { return T.expired; }
    return say(T.failed, { status: answer.status });
  }

  function showError(root, slot, text) {
    var el = root.querySelector("[data-error='" + slot + "']");
    el.textContent = text || "";
    el.hidden = !text;
  }

  function clearErrors(root) {
    root.querySelectorAll("[data-error]").forEach(function (el) { el.textContent = ""; el.hidden = true; });
  }

  function bboxOf(map) {
    var b = map.getBounds().pad(0.2);
    return [
      Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90),
      Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90)
    ].map(function (v) { return v.toFixed(6); }).join(",");
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
      var query = "?bbox=" + bboxOf(map) + "&zoom=" + zoom;
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

  function addControl(map, position, className, html) {
    var control = L.control({ position: position });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", className);
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    return control.addTo(map);
  }

  // The map in `el`, whose data-config holds {bounds, layers, attribution, point, publicRoads};
  // `messages` (optional) gives the legend's texts in the page's language. Returns {map, config,
  // bounds, layers}: `layers` the context layers drawn now, by name (inspect.js picks from them
  // when offline).
  function createMap(el, messages) {
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
  function featuresAt(m, latlng, px) {
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

  // A fresh Idempotency-Key: the same submission sent twice (a retry) is stored once.
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);  // works on plain http too, unlike randomUUID
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  window.Cases = {
    createMap: createMap, addControl: addControl, send: send, errorText: errorText,
    showError: showError, clearErrors: clearErrors, newKey: newKey, featuresAt: featuresAt,
    texts: T, say: say
  };

  // -- a case's page ---------------------------------------------------------------------------
  function startCasePage() {
    var el = document.getElementById("case-map");
    if (!el || !el.closest(".case-page")) { return; }  // the report form and the queue have their own
    var m = createMap(el);
    L.marker(m.config.point, { title: T.legend_pin, keyboard: false }).addTo(m.map);
    var form = document.getElementById("action-form");
    if (!form) { return; }
    var buttons = form.querySelectorAll("button[name='action']");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter;
      if (!button || button.disabled) { return; }
      var body = { action: button.value, note: form.elements.note.value };
      if (button.value === "dispatch" && form.elements.unit) { body.unit = form.elements.unit.value; }
      clearErrors(form);
      buttons.forEach(function (b) { b.disabled = true; });
      var label = button.textContent;
      button.textContent = T.sending;
      function again(text) {
        showError(form, "action", text);
        buttons.forEach(function (b) { b.disabled = false; });
        button.textContent = label;
      }
      send(form.dataset.url, body).then(function (answer) {
        if (answer.status === 200) { window.location.reload(); return; }
        again(errorText(answer));
      }, function () { again(T.network); });
    });
  }

  startCasePage();
})();
