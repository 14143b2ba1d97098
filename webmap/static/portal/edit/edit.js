// 调整责任 (/portal/edit): draw a polygon or a line with Leaflet-Geoman, see what it caught, pick the
// new unit, preview the change, apply it as one change set, revert it. The server checks everything
// (views/edit_api.py, views/assignments.py); this page shows what it says, in the panel panel.js
// builds (its texts: the panel's data-texts, webmap/texts/edit.py edit.panel.*). folium's script
// of the page (webmap/views/editing/page.py EditTools) calls startEdit once the leaders' map is started.
import { addFreehand } from "./freehand.js";
import {
  caughtNodes, km, nodes, nothingCaught, panelNodes, previewNodes, staleNodes, text
} from "./panel.js";
import { attachZoneEditor } from "./zones.js";
import { mapTiles } from "../map/layers.js";
import { append, el, element, setChildren } from "../ui/html.js";
import { setFlag } from "../ui/hooks.js";

var HIGHLIGHT = "#ff8c00";

function csrf() {
  var meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

// POST JSON; resolves with {ok, status, body} (the body of an error too), rejects only offline.
function post(url, body) {
  return fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
    body: JSON.stringify(body)
  }).then(function (response) {
    if (response.status === 401) { window.location.reload(); }
    return response.json().catch(function () { return {}; }).then(function (data) {
      return { ok: response.ok, status: response.status, body: data };
    });
  });
}

export function startEdit(map, options) {
  var panel = document.getElementById("edit-body");
  var units = {};
  options.units.forEach(function (u) { units[u.code] = u; });
  var state = { drawn: null, geometry: null, targets: [], preview: null, busy: false };
  // What the drawing caught, over the roads' tiles (pane 420) and under the labels.
  map.createPane("portal-edit").style.zIndex = 440;
  map.getPane("portal-edit").style.pointerEvents = "none";
  var highlight = L.geoJSON(null, { pmIgnore: true, interactive: false, pane: "portal-edit" }).addTo(map);

  // The drawing tools need the map's left side: the legend starts folded.
  var legend = document.querySelector(".portal-legend details");
  if (legend) { legend.open = false; }
  map.pm.setLang(options.lang || "zh");
  map.pm.setGlobalOptions({ snappable: false, continueDrawing: false });
  map.pm.addControls({
    position: "topleft", drawMarker: false, drawCircleMarker: false, drawCircle: false, drawText: false,
    drawRectangle: true, drawPolygon: true, drawPolyline: true, editMode: false, dragMode: false,
    cutPolygon: false, removalMode: false, rotateMode: false
  });

  addFreehand(map);  // its texts: #edit-freehand-texts

  map.on("pm:create", function (e) {
    if (state.drawn) { map.removeLayer(state.drawn); }
    state.drawn = e.layer;
    e.layer.setStyle({ color: "#1f4e8c", weight: 2, dashArray: "6 4", fillOpacity: 0.06 });
    // The drawing stays on the map but lets clicks through to the roads under it.
    if (e.layer._path) { L.DomUtil.removeClass(e.layer._path, "leaflet-interactive"); }
    state.geometry = e.layer.toGeoJSON().geometry;
    select();
  });

  // -- the panel --------------------------------------------------------------------------------
  setChildren(panel, panelNodes(options));

  function $(id) { return document.getElementById(id); }
  // A message of a ``kind`` (error, notice, done): text or nodes (ui/html.js append); none clears it.
  function message(kind, content) {
    var box = setChildren($("edit-message"), content ? append(el("p", kind), content) : []);
    if (content && box.scrollIntoView) { box.scrollIntoView({ block: "nearest" }); }
  }
  // A button in a message, doing ``then`` when pressed.
  function button(id, key, then, attributes) {
    var b = element("button", Object.assign({ type: "button", id: id }, attributes), text(key));
    b.addEventListener("click", then);
    return b;
  }
  function mode() { return panel.querySelector('input[name="mode"]:checked').value; }
  function kinds() {
    return Array.prototype.map.call(panel.querySelectorAll('input[name="kind"]:checked'), function (c) { return c.value; });
  }
  panel.addEventListener("change", function (e) {
    if (e.target.name === "mode" || e.target.name === "kind") { select(); }
    else if (e.target.closest && e.target.closest("#edit-form")) { unpreview(); }
  });
  panel.addEventListener("input", function (e) { if (e.target.id === "edit-reason") { unpreview(); } });
  if (options.editable) {
    // Enter in a field would send the form: the buttons do the work (no inline handler under the CSP).
    $("edit-form").addEventListener("submit", function (e) { e.preventDefault(); });
    $("edit-preview-button").addEventListener("click", preview);
    $("edit-apply").addEventListener("click", apply);
    $("edit-clear").addEventListener("click", clear);
  }

  function setBusy(busy) {
    state.busy = busy;
    setFlag("edit-busy", busy ? "1" : "0");
    panel.querySelectorAll("button").forEach(function (b) {
      b.disabled = busy || (b.id === "edit-apply" && !(state.preview && !state.preview.totals.stale));
    });
  }

  // -- what the drawing caught ------------------------------------------------------------------
  function select() {
    if (!state.geometry) { return Promise.resolve(); }
    unpreview();
    setBusy(true);
    return post(options.api.selection, { geometry: state.geometry, mode: mode(), kinds: kinds() })
      .then(function (r) {
        state.targets = r.ok ? r.body.targets : [];
        drawTargets(state.targets, function () { return { color: HIGHLIGHT, weight: 8, opacity: 0.6 }; });
        if (!r.ok) { setChildren($("edit-caught"), el("p", "error", errorText(r))); return; }
        setChildren($("edit-caught"), caughtNodes(r.body, options.editable));
        message("", "");
      })
      .catch(offline)
      .finally(function () { setBusy(false); });
  }

  // -- cutting a segment at a point, merging the caught ones ------------------------------------
  panel.addEventListener("click", function (e) {
    var id = e.target.getAttribute && e.target.getAttribute("data-split");
    if (id) { pickCut(state.targets.filter(function (x) { return x.kind === "segment" && String(x.id) === id; })[0]); }
    if (e.target.id === "edit-merge") { merge(); }
  });

  // The reason typed, or a message asking for it (``what``: the step, in the page's language).
  function reason(what) {
    var typed = $("edit-reason").value.trim();
    if (!typed) { message("error", text("need_reason", { what: what })); $("edit-reason").focus(); }
    return typed;
  }

  function pickCut(target) {
    if (!target || !reason(text("split_what"))) { return; }
    state.cutting = target;
    map.portalPicking = true;
    map.getContainer().style.cursor = "crosshair";
    message("notice", [
      text("pick_cut", { name: target.name || text("unnamed") }), " ", button("edit-cut-cancel", "cancel", stopCut)
    ]);
  }

  function stopCut() {
    state.cutting = null;
    map.portalPicking = false;
    map.getContainer().style.cursor = "";
    message("", "");
  }

  map.on("click", function (e) {
    var target = state.cutting;
    if (!target) { return; }
    stopCut();
    setBusy(true);
    post(options.api.split.replace("{id}", target.id), {
      point: [e.latlng.lng, e.latlng.lat], version: target.version, reason: $("edit-reason").value.trim()
    }).then(function (r) {
      if (!r.ok) { message("error", errorText(r)); return; }
      var pieces = r.body.segments;
      refreshMap(r.body);
      return select().then(function () {
        message("done", nodes("split_done", {
          name: target.name || text("unnamed"), a: pieces[0].id, a_length: km(pieces[0].length_m),
          b: pieces[1].id, b_length: km(pieces[1].length_m), moved: r.body.moved_incidents,
          link: changeSetLink(r.body.change_set.id)
        }));
      });
    }).catch(offline).finally(function () { setBusy(false); });
  });

  function merge() {
    var segments = state.targets.filter(function (x) { return x.kind === "segment"; });
    if (!reason(text("merge_what"))) { return; }
    setBusy(true);
    post(options.api.merge, {
      ids: segments.map(function (x) { return x.id; }), reason: $("edit-reason").value.trim(),
      versions: segments.map(function (x) { return { id: x.id, version: x.version }; })
    }).then(function (r) {
      if (!r.ok) { message("error", errorText(r)); return; }
      refreshMap(r.body);
      return select().then(function () {
        message("done", nodes("merge_done", {
          n: segments.length, id: r.body.segment.id, length: km(r.body.segment.length_m), link: changeSetLink(r.body.change_set.id)
        }));
      });
    }).catch(offline).finally(function () { setBusy(false); });
  }

  function changeSetLink(id) {
    return element("a", { href: options.api.changeSets + "/" + id }, text("change_set", { id: id }));
  }

  function drawTargets(targets, style) {
    highlight.clearLayers();
    targets.forEach(function (x) {
      highlight.addLayer(L.geoJSON({ type: "Feature", geometry: x.geometry, properties: x }, {
        pmIgnore: true, interactive: false, pane: "portal-edit", style: function () { return style(x); }
      }));
    });
  }

  // -- preview and apply ------------------------------------------------------------------------
  function posting() {
    return {
      unit: $("edit-unit").value, role: $("edit-role").value, valid_from: $("edit-from").value,
      reason: $("edit-reason").value.trim(),
      targets: state.targets.map(function (x) { return { kind: x.kind, id: x.id, version: x.version }; })
    };
  }

  function unpreview() {
    state.preview = null;
    if (options.editable) { setChildren($("edit-preview"), []); $("edit-apply").disabled = true; }
  }

  function preview() {
    if (!state.targets.length) { message("error", text("select_first")); return; }
    if (!$("edit-unit").value) { message("error", text("unit_first")); return; }
    setBusy(true);
    post(options.api.preview, posting())
      .then(function (r) {
        if (!r.ok) { message("error", errorText(r)); return; }
        state.preview = r.body;
        setChildren($("edit-preview"), previewNodes(r.body));
        drawTargets(r.body.changes, function (c) {
          var unit = c.new_lead && units[c.new_lead.code];
          return c.changes_lead ? { color: unit ? unit.colour : HIGHLIGHT, weight: 8, opacity: 0.85, dashArray: "10 6" }
            : { color: "#8a94a0", weight: 6, opacity: 0.6 };
        });
        if (r.body.totals.stale) { message("error", staleNodes(r.body.stale)); }
        else if (!posting().reason) { message("notice", text("reason_then_apply")); }
        else { message("", ""); }
      })
      .catch(offline)
      .finally(function () { setBusy(false); });
  }

  function apply() {
    var body = posting();
    if (!body.reason) { message("error", text("need_reason_apply")); $("edit-reason").focus(); return; }
    body.geometry = state.geometry;
    setBusy(true);
    post(options.api.postings, body)
      .then(function (r) {
        if (r.status === 409 && r.body.error && r.body.error.stale) {
          unpreview();
          message("error", [staleNodes(r.body.error.stale), " ", button("edit-reselect", "reselect", select)]);
          return;
        }
        if (!r.ok) { message("error", errorText(r)); return; }
        var cs = r.body.change_set, n = r.body.assignments.length;
        unpreview();
        refreshMap(r.body);
        return select().then(function () {
          // The same count as the preview's 所选 N 个对象 (some may have had this unit already).
          message("done", [
            text(body.role === "lead" ? "saved_lead" : "saved_assist", {
              id: cs.id, n: n, from: body.valid_from, unit: units[body.unit].name
            }), " ", changeSetLink(cs.id), " ",
            button("edit-revert", "revert", function () { revert(cs.id); }, { "data-change-set": cs.id })
          ]);
        });
      })
      .catch(offline)
      .finally(function () { setBusy(false); });
  }

  function revert(id) {
    setBusy(true);
    post(options.api.revert + "/" + id + "/revert", { reason: text("revert_reason", { id: id }) })
      .then(function (r) {
        if (!r.ok) { message("error", errorText(r)); return; }
        refreshMap(r.body);
        return select().then(function () { message("done", text("reverted", { id: id })); });
      })
      .catch(offline)
      .finally(function () { setBusy(false); });
  }

  function clear() {
    if (state.drawn) { map.removeLayer(state.drawn); }
    state.drawn = state.geometry = state.preview = null;
    state.targets = [];
    highlight.clearLayers();
    setChildren($("edit-caught"), nothingCaught());
    unpreview();  // the last change's message stays, with its 撤销 button
  }

  // The roads (or ``kinds``) drawn again at the map's version an edit's answer gave.
  function refreshMap(answer, kinds) {
    var tiles = mapTiles(map);
    if (tiles) { tiles.refresh(kinds || ["roads"], answer.map_version); }
  }

  function errorText(r) {
    return (r.body && r.body.error && r.body.error.message) || text("failed", { status: r.status });
  }
  function offline() { message("error", text("offline")); }
  setBusy(false);
  if (options.editable) {
    attachZoneEditor({
      map: map, options: options, panel: panel, post: post, message: message, errorText: errorText,
      setBusy: setBusy, reason: reason, refreshMap: refreshMap, changeSetLink: changeSetLink
    });
  }
}
