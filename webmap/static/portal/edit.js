// 调整责任 (/portal/edit): draw a polygon or a line with Leaflet-Geoman, see what it caught, pick the
// new unit, preview the change, apply it as one change set, revert it. The server checks everything
// (views/edit_api.py, views/assignments.py); this page shows what it says, in Chinese.
(function () {
  "use strict";

  var UI = window.PortalUI, esc = UI.escapeHtml;
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

  function km(m) { return (m / 1000).toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + " 公里"; }
  function ha(m2) { return (m2 / 10000).toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + " 公顷"; }
  function size(t) { return t.kind === "segment" ? km(t.length_m || 0) : ha(t.area_m2 || 0); }
  function unitName(code, name) { return code ? esc(name || code) : '<span class="muted">未分配</span>'; }

  function start(map, options) {
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
    map.pm.setLang("zh");
    map.pm.setGlobalOptions({ snappable: false, continueDrawing: false });
    map.pm.addControls({
      position: "topleft", drawMarker: false, drawCircleMarker: false, drawCircle: false, drawText: false,
      drawRectangle: true, drawPolygon: true, drawPolyline: true, editMode: false, dragMode: false,
      cutPolygon: false, removalMode: false, rotateMode: false
    });

    if (window.PortalFreehand) { window.PortalFreehand.add(map); }

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
      '<h3>圈选方式</h3><div class="options" id="edit-modes">' +
      options.modes.map(function (m, i) {
        return '<label><input type="radio" name="mode" value="' + m.value + '"' + (i === 0 ? " checked" : "") + "> " + esc(m.label) + "</label>";
      }).join("") + '</div><div class="options" id="edit-kinds">' +
      options.kinds.map(function (k) {
        return '<label><input type="checkbox" name="kind" value="' + k.value + '"' + (k.value === "segment" ? " checked" : "") + "> " + esc(k.label) + "</label>";
      }).join("") + "</div>" +
      '<div id="edit-caught"><p class="muted">尚未圈选。</p></div>' +
      (options.editable ? form() : "") +
      '<div id="edit-outline"></div><div id="edit-message" aria-live="polite"></div><div id="edit-preview"></div>';

    function form() {
      return '<h3>调整为</h3><form id="edit-form">' +
        '<label for="edit-unit">责任单位</label><select id="edit-unit"><option value="">请选择单位</option>' +
        options.units.map(function (u) { return '<option value="' + esc(u.code) + '">' + esc(u.name) + "</option>"; }).join("") +
        '</select><label for="edit-role">身份</label><select id="edit-role">' +
        options.roles.map(function (r) { return '<option value="' + r.value + '">' + esc(r.label) + "</option>"; }).join("") +
        '</select><label for="edit-from">生效日期</label><input type="date" id="edit-from" value="' + options.today + '">' +
        '<label for="edit-reason">原因</label><textarea id="edit-reason" rows="2" placeholder="例如：道路移交、人员调整"></textarea>' +
        '<div class="wide buttons"><button type="button" id="edit-preview-button">预览</button>' +
        '<button type="button" class="primary" id="edit-apply" disabled>确认调整</button>' +
        '<button type="button" id="edit-clear">清除</button></div></form>';
    }

    function $(id) { return document.getElementById(id); }
    function message(kind, html) {
      var box = $("edit-message");
      box.innerHTML = html ? '<p class="' + kind + '">' + html + "</p>" : "";
      if (html && box.scrollIntoView) { box.scrollIntoView({ block: "nearest" }); }
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
      document.documentElement.setAttribute("data-edit-busy", busy ? "1" : "0");
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
      if (t.segments) { parts.push(t.segments + " 条路段，共 " + km(t.length_m)); }
      if (t.zones) { parts.push(t.zones + " 个区域，共 " + ha(t.area_m2)); }
      return '<h3>已圈选</h3><p class="totals" id="edit-caught-totals">' + parts.join("；") + "</p>" +
        "<table><thead><tr><th>名称</th><th>现牵头单位</th><th class=\"n\">长度/面积</th>" + (options.editable ? "<th></th>" : "") +
        "</tr></thead><tbody>" +
        body.targets.map(function (x) {
          var tool = x.kind === "segment" ? '<button type="button" class="link" data-split="' + x.id + '">切分</button>'
            : '<button type="button" class="link" data-outline="' + x.id + '">编辑边界</button>';
          var cut = options.editable ? "<td>" + tool + "</td>" : "";
          return '<tr data-kind="' + x.kind + '" data-id="' + x.id + '"><td>' + esc(x.name || x.code) + "</td><td>" +
            unitName(x.lead_unit, x.lead_unit_name) + '</td><td class="n">' + size(x) + "</td>" + cut + "</tr>";
        }).join("") + "</tbody></table>" +
        (options.editable && t.segments > 1 ? '<div class="buttons"><button type="button" id="edit-merge">合并所选路段</button></div>' : "");
    }

    // -- cutting a segment at a point, merging the caught ones ------------------------------------
    panel.addEventListener("click", function (e) {
      var id = e.target.getAttribute && e.target.getAttribute("data-split");
      if (id) { pickCut(state.targets.filter(function (x) { return x.kind === "segment" && String(x.id) === id; })[0]); }
      if (e.target.id === "edit-merge") { merge(); }
    });

    function reason(what) {
      var text = $("edit-reason").value.trim();
      if (!text) { message("error", "请先在“原因”中填写" + what + "的原因。"); $("edit-reason").focus(); }
      return text;
    }

    function pickCut(target) {
      if (!target || !reason("切分")) { return; }
      state.cutting = target;
      map.portalPicking = true;
      map.getContainer().style.cursor = "crosshair";
      message("notice", "请在地图上点击“" + esc(target.name || "无名路段") + "”上要切分的位置。" +
        ' <button type="button" id="edit-cut-cancel">取消</button>');
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
          message("done", "已将“" + esc(target.name || "无名路段") + "”切分为 #" + pieces[0].id + "（" + km(pieces[0].length_m) + "）和 #" +
            pieces[1].id + "（" + km(pieces[1].length_m) + "），" + r.body.moved_incidents + " 件案件归入新路段；" + changeSetLink(r.body.change_set.id));
        });
      }).catch(offline).finally(function () { setBusy(false); });
    });

    function merge() {
      var segments = state.targets.filter(function (x) { return x.kind === "segment"; });
      if (!reason("合并")) { return; }
      setBusy(true);
      post(options.api.merge, {
        ids: segments.map(function (x) { return x.id; }), reason: $("edit-reason").value.trim(),
        versions: segments.map(function (x) { return { id: x.id, version: x.version }; })
      }).then(function (r) {
        if (!r.ok) { message("error", esc(errorText(r))); return; }
        refreshMap(r.body);
        return select().then(function () {
          message("done", "已将 " + segments.length + " 条路段合并为路段 #" + r.body.segment.id + "（" + km(r.body.segment.length_m) + "）；" +
            changeSetLink(r.body.change_set.id));
        });
      }).catch(offline).finally(function () { setBusy(false); });
    }

    function changeSetLink(id) {
      return '<a href="' + options.api.changeSets + "/" + id + '">变更单 #' + id + "</a>";
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
      if (!state.targets.length) { message("error", "请先在地图上圈选要调整的路段。"); return; }
      if (!$("edit-unit").value) { message("error", "请选择新的责任单位。"); return; }
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
          else if (!posting().reason) { message("notice", "请填写调整原因后再确认。"); }
          else { message("", ""); }
        })
        .catch(offline)
        .finally(function () { setBusy(false); });
    }

    function previewHtml(body) {
      var t = body.totals, unit = body.unit ? esc(body.unit.name) : "";
      return "<h3>预览：" + (body.role === "lead" ? "改由 " : "增加协助 ") + unit + "（" + esc(body.valid_from) + " 起）</h3>" +
        '<p class="totals" id="edit-preview-totals">所选 ' + body.changes.length + " 个对象中 " + t.lead_changes +
        " 个更换牵头单位，共 " + km(t.length_m) +
        (t.area_m2 ? "、" + ha(t.area_m2) : "") + "；" + t.open_cases + " 件在办案件随之转交" +
        (t.open_cases_staying ? "（另有 " + t.open_cases_staying + " 件生效日前上报的仍由原单位办理）" : "") + "。</p>" +
        '<table id="edit-diff"><thead><tr><th>名称</th><th>原单位 → 新单位</th><th class="n">长度/面积</th><th class="n">转交案件</th></tr></thead><tbody>' +
        body.changes.map(function (c) {
          return '<tr class="' + (c.changes_lead ? "changed" : "same") + '" data-id="' + c.id + '"><td>' + esc(c.name || c.code) + "</td><td>" +
            unitName(c.old_lead && c.old_lead.code, c.old_lead && c.old_lead.name) + " → " +
            unitName(c.new_lead && c.new_lead.code, c.new_lead && c.new_lead.name) + '</td><td class="n">' + size(c) +
            '</td><td class="n">' + c.open_cases + "</td></tr>";
        }).join("") + "</tbody></table>";
    }

    function apply() {
      var body = posting();
      if (!body.reason) { message("error", "请填写调整原因。"); $("edit-reason").focus(); return; }
      body.geometry = state.geometry;
      setBusy(true);
      post(options.api.postings, body)
        .then(function (r) {
          if (r.status === 409 && r.body.error && r.body.error.stale) {
            unpreview();
            message("error", staleText(r.body.error.stale) + ' <button type="button" id="edit-reselect">重新载入圈选</button>');
            $("edit-reselect").addEventListener("click", select);
            return;
          }
          if (!r.ok) { message("error", esc(errorText(r))); return; }
          var cs = r.body.change_set, n = r.body.assignments.length;
          unpreview();
          refreshMap(r.body);
          return select().then(function () {
            // The same count as the preview's 所选 N 个对象 (some may have had this unit already).
            message("done", "已保存变更单 #" + cs.id + "：所选 " + n + " 个对象自 " + esc(body.valid_from) + " 起由 " +
              esc(units[body.unit].name) + (body.role === "lead" ? " 牵头" : " 协助") + "。" +
              " " + changeSetLink(cs.id) +
              ' <button type="button" id="edit-revert" data-change-set="' + cs.id + '">撤销此次调整</button>');
            $("edit-revert").addEventListener("click", function () { revert(cs.id); });
          });
        })
        .catch(offline)
        .finally(function () { setBusy(false); });
    }

    function revert(id) {
      setBusy(true);
      post(options.api.revert + "/" + id + "/revert", { reason: "撤销变更单 #" + id })
        .then(function (r) {
          if (!r.ok) { message("error", esc(errorText(r))); return; }
          refreshMap(r.body);
          return select().then(function () { message("done", "已撤销变更单 #" + id + "，各日期的责任单位恢复原样。"); });
        })
        .catch(offline)
        .finally(function () { setBusy(false); });
    }

    function clear() {
      if (state.drawn) { map.removeLayer(state.drawn); }
      state.drawn = state.geometry = state.preview = null;
      state.targets = [];
      highlight.clearLayers();
      $("edit-caught").innerHTML = '<p class="muted">尚未圈选。</p>';
      unpreview();  // the last change's message stays, with its 撤销 button
    }

    // The roads (or ``kinds``) drawn again at the map's version an edit's answer gave.
    function refreshMap(answer, kinds) {
      if (window.portalTiles) { window.portalTiles.refresh(kinds || ["roads"], answer.map_version); }
    }

    function staleText(stale) {
      return "以下对象在您圈选之后已被他人修改，本次调整未保存：" + stale.map(function (s) {
        return esc(s.name || String(s.id)) + "（现由 " + unitName(s.lead_unit, s.lead_unit_name) + " 牵头）";
      }).join("、") + "。请重新载入圈选后再调整。";
    }

    function errorText(r) {
      return (r.body && r.body.error && r.body.error.message) || ("请求失败（HTTP " + r.status + "）");
    }
    function offline() { message("error", "无法连接服务器，请检查网络后重试。"); }
    setBusy(false);
    if (options.editable && window.PortalEditZones) {
      window.PortalEditZones.attach({
        map: map, options: options, panel: panel, post: post, esc: esc, message: message, errorText: errorText,
        setBusy: setBusy, reason: reason, refreshMap: refreshMap, changeSetLink: changeSetLink
      });
    }
  }

  window.PortalEdit = { start: start };
})();
