// 编辑边界 on the edit page: a caught community or cell is opened with its neighbours and the streets
// near it; its vertices are dragged with Leaflet-Geoman, snapping to them. A neighbour may be
// opened too, so that a shared edge moves on both sides in one change. The server checks the
// outlines (no new overlap or gap over 1 m², cells inside their community), previews the cases
// that move, and applies it as one change set (views/zone_edit_api.py). Its texts come in the page's
// language in #edit-zones-texts (webmap/texts/edit.py, edit.zones.*). edit.js attaches it.
import { el, element, fill, fillNodes, setChildren, tableOf, tableRow } from "../ui/html.js";

var EDITED = { color: "#d7191c", weight: 3, fillColor: "#d7191c", fillOpacity: 0.08 };
var NEIGHBOUR = { color: "#1f4e8c", weight: 2, dashArray: "5 4", fillOpacity: 0.04 };
var STREET = { color: "#5b6776", weight: 2, opacity: 0.5 };
var PROBLEM = { color: "#d7191c", weight: 1, fillColor: "#ffd400", fillOpacity: 0.7 };

export function attachZoneEditor(ed) {
  var holder = document.getElementById("edit-zones-texts");
  var T = JSON.parse((holder && holder.getAttribute("data-texts")) || "{}");
  // A text with its {name} parts filled: as a string, or as nodes (a value may be a node: a link).
  function text(key, values) { return fill(T[key] === undefined ? key : T[key], values); }
  function nodes(key, values) { return fillNodes(T[key] === undefined ? key : T[key], values); }
  var state = null;  // {id, group, problems, edited: {id: {layer, version, name}}, neighbours: {id: feature}}
  var box = document.getElementById("edit-outline");

  ed.panel.addEventListener("click", function (e) {
    var t = e.target, id = t.getAttribute && t.getAttribute("data-outline");
    if (id) { open(Number(id)); return; }
    var also = t.getAttribute && t.getAttribute("data-also");
    if (also) {
      edit(state.neighbours[also].feature);
      t.disabled = true;
      t.textContent = text("added", { name: state.neighbours[also].feature.properties.name });
      return;
    }
    if (t.id === "outline-preview") { send(false); }
    if (t.id === "outline-save") { send(true); }
    if (t.id === "outline-cancel") { close(); ed.message("", ""); }
  });

  function open(id) {
    close();
    ed.setBusy(true);
    fetch(ed.options.api.zoneContext.replace("{id}", id), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, status: r.status, body: b }; }); })
      .then(function (r) {
        if (!r.ok) { ed.message("error", ed.errorText(r)); return; }
        var c = r.body, group = L.layerGroup().addTo(ed.map);
        ed.map.portalPicking = true;  // a vertex let go over the map opens no popup
        state = { id: id, group: group, edited: {}, neighbours: {}, problems: L.layerGroup().addTo(group) };
        // Streets and neighbours stay still; the outlines being edited snap to them.
        L.geoJSON(c.streets, { style: STREET, interactive: false }).addTo(group);
        c.siblings.features.forEach(function (f) {
          state.neighbours[f.properties.id] = { feature: f, layer: L.geoJSON(f, { style: NEIGHBOUR, interactive: false }).addTo(group) };
        });
        var zone = edit(c.zone);
        ed.map.fitBounds(zone.getBounds(), { padding: [40, 40], animate: false });
        setChildren(box, heading(c));
      })
      .catch(function () { ed.message("error", text("offline")); })
      .finally(function () { ed.setBusy(false); });
  }

  // The zone's name, how to edit, a button a neighbour to open too, and 预览 保存 取消.
  function heading(c) {
    var siblings = c.siblings.features;
    return [
      el("h3", "", text("heading", { name: c.zone.properties.name })), el("p", "muted", text("help")),
      siblings.length ? element("div", { class: "options" }, siblings.map(function (f) {
        return element("button", { type: "button", class: "link", "data-also": f.properties.id }, text("also", { name: f.properties.name }));
      })) : [],
      element("div", { class: "buttons" }, [
        element("button", { type: "button", id: "outline-preview" }, text("preview")),
        element("button", { type: "button", class: "primary", id: "outline-save" }, text("save")),
        element("button", { type: "button", id: "outline-cancel" }, text("cancel"))
      ]),
      element("div", { id: "outline-result" })
    ];
  }

  // Makes a zone's outline editable; its layer.
  function edit(feature) {
    var p = feature.properties, old = state.neighbours[p.id];
    if (old) { state.group.removeLayer(old.layer); }
    var layer = L.geoJSON(feature, { style: EDITED }).getLayers()[0];
    layer.addTo(state.group);
    layer.pm.enable({ snappable: true, snapDistance: 15, allowSelfIntersection: false });
    state.edited[p.id] = { layer: layer, version: p.version, name: p.name };
    return layer;
  }

  // Full precision: Leaflet rounds to 6 decimals (~0.1 m) by default, which would open slivers
  // of gap and overlap along every edge shared with a neighbour.
  function body() {
    var main = state.edited[state.id];
    return {
      geometry: main.layer.toGeoJSON(false).geometry, version: main.version,
      also: Object.keys(state.edited).filter(function (id) { return Number(id) !== state.id; }).map(function (id) {
        var z = state.edited[id];
        return { id: Number(id), geometry: z.layer.toGeoJSON(false).geometry, version: z.version };
      })
    };
  }

  function send(save) {
    var data = body();
    if (save) {
      data.reason = ed.reason(text("what"));
      if (!data.reason) { return; }
    }
    var url = (save ? ed.options.api.zoneEdit : ed.options.api.zonePreview).replace("{id}", state.id);
    state.problems.clearLayers();
    ed.setBusy(true);
    ed.post(url, data).then(function (r) {
      var result = document.getElementById("outline-result");
      if (!r.ok) {
        var problems = (r.body.error && r.body.error.problems) || [];
        problems.forEach(function (p) { if (p.geometry) { L.geoJSON(p.geometry, { style: PROBLEM, interactive: false }).addTo(state.problems); } });
        ed.message("error", [ed.errorText(r), problems.length ? text("problems") : ""]);
        setChildren(result, []);
        return;
      }
      if (save) {
        var cs = r.body.change_set;
        close();
        ed.refreshMap(r.body, ["zones", "grid"]);
        ed.message("done", nodes("saved", { zones: r.body.zones.length, cases: r.body.rerouted, link: ed.changeSetLink(cs.id) }));
        return;
      }
      ed.message("", "");
      setChildren(result, previewNodes(r.body));
    }).catch(function () { ed.message("error", text("offline")); })
      .finally(function () { ed.setBusy(false); });
  }

  // The outlines' preview: a row a zone with its area, what it gains and gives up; the cases that
  // move; the server's warnings.
  function previewNodes(p) {
    var m2 = function (x) { return Math.round(x).toLocaleString(T.locale || "zh-CN") + " m²"; };
    var head = [text("zone"), [text("area"), "n"], [text("gained"), "n"], [text("given_up"), "n"]];
    var rows = p.zones.map(function (z) {
      var row = tableRow([z.name, [m2(z.area_m2), "n"], [m2(z.gained_m2), "n"], [m2(z.given_up_m2), "n"]]);
      row.setAttribute("data-id", z.id);
      return row;
    });
    return [
      tableOf(head, rows, { id: "outline-zones" }),
      element("p", { class: "totals", id: "outline-totals" }, text("totals", { n: p.totals.incidents, open: p.totals.open_cases })),
      p.warnings.map(function (w) { return el("p", "notice", w); })
    ];
  }

  function close() {
    if (!state) { return; }
    Object.keys(state.edited).forEach(function (id) { state.edited[id].layer.pm.disable(); });
    ed.map.removeLayer(state.group);
    ed.map.portalPicking = false;
    state = null;
    setChildren(box, []);
  }
}
