// 调整责任 (/portal/edit): draw a polygon or a line with Leaflet-Geoman, see what it caught, pick the
// new unit, preview the change, apply it as one change set, revert it. The server checks everything
// (views/edit_api.py, views/assignments.py); this page shows what it says. Its texts come in the
// page's language in the panel's data-texts (webmap/texts/edit.py, edit.panel.*). folium's script
// of the page (webmap/views/editing/page.py EditTools) calls startEdit once the leaders' map is started.
import { addFreehand } from "./freehand.js";
import { attachZoneEditor } from "./zones.js";
import { mapTiles } from "../map/layers.js";
import { escapeHtml as esc } from "../ui/html.js";
import { setFlag } from "../ui/hooks.js";

var HIGHLIGHT = "#ff8c00";
var T = {};

// A text with its {name} parts filled in: ``text`` as plain text, ``html`` escaped for the
// panel's markup (its values are HTML already: every name from the data goes through esc).
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, function (all, name) {
    return values && name in values ? String(values[name]) : all;
  });
}
function text(key, values) { return fill(T[key] === undefined ? key : T[key], values); }
function html(key, values) { return fill(esc(T[key] === undefined ? key : T[key]), values); }

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

function number(x) { return x.toLocaleString(T.locale || "zh-CN", { maximumFractionDigits: 2 }); }
function km(m) { return html("km", { n: number(m / 1000) }); }
function ha(m2) { return html("ha", { n: number(m2 / 10000) }); }
function size(t) { return t.kind === "segment" ? km(t.length_m || 0) : ha(t.area_m2 || 0); }
function unitName(code, name) { return code ? esc(name || code) : '<span class="muted">' + html("unassigned") + "</span>"; }

export function startEdit(map, options) {
  var panel = document.getElementById("edit-body");
  T = JSON.parse(document.getElementById("edit-panel").getAttribute("data-texts") || "{}");
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
  panel.innerHTML =
    "<h3>" + html("how") + '</h3><div class="options" id="edit-modes">' +
    options.modes.map(function (m, i) {
      return '<label><input type="radio" name="mode" value="' + m.value + '"' + (i === 0 ? " checked" : "") + "> " + esc(m.label) + "</label>";
    }).join("") + '</div><div class="options" id="edit-kinds">' +
    options.kinds.map(function (k) {
      return '<label><input type="checkbox" name="kind" value="' + k.value + '"' + (k.value === "segment" ? " checked" : "") + "> " + esc(k.label) + "</label>";
    }).join("") + "</div>" +
    '<div id="edit-caught"><p class="muted">' + html("nothing") + "</p></div>" +
    (options.editable ? form() : "") +
    '<div id="edit-outline"></div><div id="edit-message" aria-live="polite"></div><div id="edit-preview"></div>';

  function form() {
    return "<h3>" + html("change_to") + '</h3><form id="edit-form">' +
      '<label for="edit-unit">' + html("unit") + '</label><select id="edit-unit"><option value="">' + html("choose_unit") + "</option>" +
      options.units.map(function (u) { return '<option value="' + esc(u.code) + '">' + esc(u.name) + "</option>"; }).join("") +
      '</select><label for="edit-role">' + html("role") + '</label><select id="edit-role">' +
      options.roles.map(function (r) { return '<option value="' + r.value + '">' + esc(r.label) + "</option>"; }).join("") +
      '</select><label for="edit-from">' + html("from") + '</label><input type="date" id="edit-from" value="' + options.today + '">' +
      '<label for="edit-reason">' + html("reason") + '</label><textarea id="edit-reason" rows="2" placeholder="' + html("reason_example") + '"></textarea>' +
      '<div class="wide buttons"><button type="button" id="edit-preview-button">' + html("preview") + "</button>" +
      '<button type="button" class="primary" id="edit-apply" disabled>' + html("apply") + "</button>" +
      '<button type="button" id="edit-clear">' + html("clear") + "</button></div></form>";
  }

  function $(id) { return document.getElementById(id); }
  function message(kind, markup) {  // markup: texts and escaped data (html(), esc())
    var box = $("edit-message");
    box.innerHTML = markup ? '<p class="' + kind + '">' + markup + "</p>" : "";
    if (markup && box.scrollIntoView) { box.scrollIntoView({ block: "nearest" }); }
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
        if (!r.ok) { $("edit-caught").innerHTML = '<p class="error">' + esc(errorText(r)) + "</p>"; return; }
        $("edit-caught").innerHTML = caughtHtml(r.body);
        message("", "");
      })
      .catch(offline)
      .finally(function () { setBusy(false); });
  }

  function caughtHtml(body) {
    var t = body.totals, parts = [];
    if (t.segments) { parts.push(html("caught_segments", { n: t.segments, length: km(t.length_m) })); }
    if (t.zones) { parts.push(html("caught_zones", { n: t.zones, area: ha(t.area_m2) })); }
    return "<h3>" + html("caught") + '</h3><p class="totals" id="edit-caught-totals">' + parts.join(html("caught_joiner")) + "</p>" +
      "<table><thead><tr><th>" + html("name") + "</th><th>" + html("lead_now") + '</th><th class="n">' + html("size") + "</th>" + (options.editable ? "<th></th>" : "") +
      "</tr></thead><tbody>" +
      body.targets.map(function (x) {
        var tool = x.kind === "segment" ? '<button type="button" class="link" data-split="' + x.id + '">' + html("split") + "</button>"
          : '<button type="button" class="link" data-outline="' + x.id + '">' + html("outline") + "</button>";
        var cut = options.editable ? "<td>" + tool + "</td>" : "";
        return '<tr data-kind="' + x.kind + '" data-id="' + x.id + '"><td>' + esc(x.name || x.code) + "</td><td>" +
          unitName(x.lead_unit, x.lead_unit_name) + '</td><td class="n">' + size(x) + "</td>" + cut + "</tr>";
      }).join("") + "</tbody></table>" +
      (options.editable && t.segments > 1 ? '<div class="buttons"><button type="button" id="edit-merge">' + html("merge") + "</button></div>" : "");
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
    if (!typed) { message("error", html("need_reason", { what: esc(what) })); $("edit-reason").focus(); }
    return typed;
  }

  function pickCut(target) {
    if (!target || !reason(text("split_what"))) { return; }
    state.cutting = target;
    map.portalPicking = true;
    map.getContainer().style.cursor = "crosshair";
    message("notice", html("pick_cut", { name: esc(target.name || text("unnamed")) }) +
      ' <button type="button" id="edit-cut-cancel">' + html("cancel") + "</button>");
    $("edit-cut-cancel").addEventListener("click", stopCut);
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
      if (!r.ok) { message("error", esc(errorText(r))); return; }
      var pieces = r.body.segments;
      refreshMap(r.body);
      return select().then(function () {
        message("done", html("split_done", {
          name: esc(target.name || text("unnamed")), a: pieces[0].id, a_length: km(pieces[0].length_m),
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
      if (!r.ok) { message("error", esc(errorText(r))); return; }
      refreshMap(r.body);
      return select().then(function () {
        message("done", html("merge_done", {
          n: segments.length, id: r.body.segment.id, length: km(r.body.segment.length_m), link: changeSetLink(r.body.change_set.id)
        }));
      });
    }).catch(offline).finally(function () { setBusy(false); });
  }

  function changeSetLink(id) {
    return '<a href="' + options.api.changeSets + "/" + id + '">' + html("change_set", { id: id }) + "</a>";
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
    if (options.editable) { $("edit-preview").innerHTML = ""; $("edit-apply").disabled = true; }
  }

  function preview() {
    if (!state.targets.length) { message("error", html("select_first")); return; }
    if (!$("edit-unit").value) { message("error", html("unit_first")); return; }
    setBusy(true);
    post(options.api.preview, posting())
      .then(function (r) {
        if (!r.ok) { message("error", esc(errorText(r))); return; }
        state.preview = r.body;
        $("edit-preview").innerHTML = previewHtml(r.body);
        drawTargets(r.body.changes, function (c) {
          var unit = c.new_lead && units[c.new_lead.code];
          return c.changes_lead ? { color: unit ? unit.colour : HIGHLIGHT, weight: 8, opacity: 0.85, dashArray: "10 6" }
            : { color: "#8a94a0", weight: 6, opacity: 0.6 };
        });
        if (r.body.totals.stale) { message("error", staleText(r.body.stale)); }
        else if (!posting().reason) { message("notice", html("reason_then_apply")); }
        else { message("", ""); }
      })
      .catch(offline)
      .finally(function () { setBusy(false); });
  }

  function previewHtml(body) {
    var t = body.totals, unit = body.unit ? esc(body.unit.name) : "";
    return "<h3>" + html(body.role === "lead" ? "preview_lead" : "preview_assist", { unit: unit, from: esc(body.valid_from) }) + "</h3>" +
      '<p class="totals" id="edit-preview-totals">' + html("preview_totals", {
        n: body.changes.length, changes: t.lead_changes, length: km(t.length_m),
        area: t.area_m2 ? html("preview_area", { area: ha(t.area_m2) }) : "", open: t.open_cases,
        staying: t.open_cases_staying ? html("preview_staying", { n: t.open_cases_staying }) : ""
      }) + "</p>" +
      '<table id="edit-diff"><thead><tr><th>' + html("name") + "</th><th>" + html("before_after") + '</th><th class="n">' +
      html("size") + '</th><th class="n">' + html("cases_moving") + "</th></tr></thead><tbody>" +
      body.changes.map(function (c) {
        return '<tr class="' + (c.changes_lead ? "changed" : "same") + '" data-id="' + c.id + '"><td>' + esc(c.name || c.code) + "</td><td>" +
          unitName(c.old_lead && c.old_lead.code, c.old_lead && c.old_lead.name) + " → " +
          unitName(c.new_lead && c.new_lead.code, c.new_lead && c.new_lead.name) + '</td><td class="n">' + size(c) +
          '</td><td class="n">' + c.open_cases + "</td></tr>";
      }).join("") + "</tbody></table>";
  }

  function apply() {
    var body = posting();
    if (!body.reason) { message("error", html("need_reason_apply")); $("edit-reason").focus(); return; }
    body.geometry = state.geometry;
    setBusy(true);
    post(options.api.postings, body)
      .then(function (r) {
        if (r.status === 409 && r.body.error && r.body.error.stale) {
          unpreview();
          message("error", staleText(r.body.error.stale) + ' <button type="button" id="edit-reselect">' + html("reselect") + "</button>");
          $("edit-reselect").addEventListener("click", select);
          return;
        }
        if (!r.ok) { message("error", esc(errorText(r))); return; }
        var cs = r.body.change_set, n = r.body.assignments.length;
        unpreview();
        refreshMap(r.body);
        return select().then(function () {
          // The same count as the preview's 所选 N 个对象 (some may have had this unit already).
          message("done", html(body.role === "lead" ? "saved_lead" : "saved_assist", {
            id: cs.id, n: n, from: esc(body.valid_from), unit: esc(units[body.unit].name)
          }) + " " + changeSetLink(cs.id) +
            ' <button type="button" id="edit-revert" data-change-set="' + cs.id + '">' + html("revert") + "</button>");
          $("edit-revert").addEventListener("click", function () { revert(cs.id); });
        });
      })
      .catch(offline)
      .finally(function () { setBusy(false); });
  }

  function revert(id) {
    setBusy(true);
    post(options.api.revert + "/" + id + "/revert", { reason: text("revert_reason", { id: id }) })
      .then(function (r) {
        if (!r.ok) { message("error", esc(errorText(r))); return; }
        refreshMap(r.body);
        return select().then(function () { message("done", html("reverted", { id: id })); });
      })
      .catch(offline)
      .finally(function () { setBusy(false); });
  }

  function clear() {
    if (state.drawn) { map.removeLayer(state.drawn); }
    state.drawn = state.geometry = state.preview = null;
    state.targets = [];
    highlight.clearLayers();
    $("edit-caught").innerHTML = '<p class="muted">' + html("nothing") + "</p>";
    unpreview();  // the last change's message stays, with its 撤销 button
  }

  // The roads (or ``kinds``) drawn again at the map's version an edit's answer gave.
  function refreshMap(answer, kinds) {
    var tiles = mapTiles(map);
    if (tiles) { tiles.refresh(kinds || ["roads"], answer.map_version); }
  }

  function staleText(stale) {
    return html("stale", { items: stale.map(function (s) {
      return html("stale_item", { name: esc(s.name || String(s.id)), unit: unitName(s.lead_unit, s.lead_unit_name) });
    }).join(html("list_joiner")) });
  }

  function errorText(r) {
    return (r.body && r.body.error && r.body.error.message) || text("failed", { status: r.status });
  }
  function offline() { message("error", html("offline")); }
  setBusy(false);
  if (options.editable) {
    attachZoneEditor({
      map: map, options: options, panel: panel, post: post, esc: esc, message: message, errorText: errorText,
      setBusy: setBusy, reason: reason, refreshMap: refreshMap, changeSetLink: changeSetLink
    });
  }
}
