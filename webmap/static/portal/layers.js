/* Fills the portal's overlay groups from /api/v1/layers/<name> for the visible part of the map,
 * and the 热力图 from /api/v1/heat (the server's bins of the viewport, drawn by leaflet.heat).
 *
 * The server sends one viewport at a time (clusters, simplified lines, bins), so the page never
 * holds the whole county. Each layer keeps at most one request in flight; a newer view aborts it.
 * The filter panel (time range, category, status, unit: the case list's filters) narrows 问题
 * and 热力图.
 */
(function () {
  "use strict";

  var STATUS_NAMES = {
    filed: "待派发", dispatched: "已派发", handled: "已处置", verified: "已核查",
    closed: "已结案", rejected: "已驳回", reopened: "返工"
  };
  var CATEGORY_COLOURS = {
    posters: "#7b3294", street_vending: "#e66101", parking: "#0571b0",
    outdoor_ads: "#c2a5cf", sanitation: "#1a9641"
  };
  var PANES = { zones: 350, scores: 390, focus: 410, roads: 420, coverage: 430, incidents: 640 };
  var GAP_NAMES = { uncovered: "无社区覆盖的区域", unguarded_zone: "无牵头单位", unguarded_segment: "无牵头单位" };
  var ZONE_KIND_NAMES = { community: "社区", grid: "单元网格", subdistrict: "街道" };

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }

  function viewportBbox(map) {
    var b = map.getBounds().pad(0.15);
    return [
      clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
      clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)
    ].map(function (v) { return v.toFixed(6); }).join(",");
  }

  function popupTable(title, rows) {
    var html = "<div class='portal-popup'><h4>" + escapeHtml(title) + "</h4><table>";
    rows.forEach(function (r) {
      if (r[1] !== null && r[1] !== undefined && r[1] !== "") {
        html += "<tr><th>" + escapeHtml(r[0]) + "</th><td>" + escapeHtml(r[1]) + "</td></tr>";
      }
    });
    return html + "</table></div>";
  }

  function zonesLayer(data) {
    return L.geoJSON(data, {
      pane: "portal-zones",
      style: { color: "#1f4e8c", weight: 2, opacity: 0.85, fillColor: "#4a7fc1", fillOpacity: 0.06 },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(escapeHtml(p.name), {
          permanent: true, direction: "center", className: "zone-label"
        });
        layer.bindPopup(popupTable(p.name, [
          ["编码", p.code], ["牵头单位", p.unit_name || "未分配"], ["等级", p.tier],
          ["称号", (p.titles || []).join("、")],
          ["面积", p.area_m2 ? (p.area_m2 / 10000).toFixed(1) + " 公顷" : null]
        ]));
      }
    });
  }

  function roadsLayer(data, map) {
    var weight = map.getZoom() >= 16 ? 5 : 3.5;
    return L.geoJSON(data, {
      pane: "portal-roads",
      style: function (f) {
        var p = f.properties;
        return {
          color: p.colour, weight: weight, opacity: p.guarded ? 0.9 : 0.8,
          dashArray: p.guarded ? null : "6 5", lineCap: "butt"
        };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(escapeHtml((p.name || "无名路段") + " · " + p.unit_name), { sticky: true });
        layer.bindPopup(popupTable(p.name || "无名路段", [
          ["牵头单位", p.unit_name], ["道路等级", p.highway],
          ["长度", p.length_m ? Math.round(p.length_m) + " 米" : null]
        ]));
      }
    });
  }

  function clusterIcon(count, classes) {
    var size = 0;
    classes.forEach(function (low, i) { if (count >= low) { size = i; } });
    var px = 24 + size * 6;
    return L.divIcon({
      html: "<span>" + count.toLocaleString("zh-CN") + "</span>",
      className: "incident-cluster incident-cluster-" + size,
      iconSize: [px, px]
    });
  }

  function incidentsLayer(data, map, options) {
    return L.geoJSON(data, {
      pane: "portal-incidents",
      pointToLayer: function (f, latlng) {
        var p = f.properties;
        if (p.cluster && p.count === 1) {
          // A lone incident in its cell: a dot, not a bubble saying "1".
          return L.circleMarker(latlng, {
            pane: "portal-incidents", radius: 5, color: "#ffffff", weight: 1.5,
            fillColor: "#e6641e", fillOpacity: 0.95
          }).bindTooltip("1 件问题");
        }
        if (p.cluster) {
          var marker = L.marker(latlng, {
            icon: clusterIcon(p.count, options.clusterClasses), pane: "portal-incidents",
            title: p.count + " 件问题"
          });
          marker.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 19)); });
          return marker;
        }
        return L.circleMarker(latlng, {
          pane: "portal-incidents", radius: 6, color: "#ffffff", weight: 1.5,
          fillColor: CATEGORY_COLOURS[p.category] || "#d7191c", fillOpacity: 0.95
        }).bindPopup(popupTable(p.category_name, [
          ["编号", p.id], ["状态", STATUS_NAMES[p.status] || p.status],
          ["上报时间", (p.reported_at || "").slice(0, 16).replace("T", " ")]
        ]));
      }
    });
  }

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
        var p = f.properties, title = GAP_NAMES[p.gap] || "覆盖缺口";
        if (p.gap === "uncovered") { layer.bindPopup(popupTable(title, [["说明", "县域内不属于任何社区"]])); return; }
        var name = p.name || "无名路段";
        layer.bindTooltip(escapeHtml(name + " · " + title), { sticky: true });
        layer.bindPopup(popupTable(name, [
          ["缺口", title], ["类型", p.gap === "unguarded_zone" ? ZONE_KIND_NAMES[p.kind] || p.kind : "路段"],
          ["编码", p.code], ["编号", p.id],
          ["面积", p.area_m2 ? (p.area_m2 / 10000).toFixed(1) + " 公顷" : null],
          ["长度", p.length_m ? Math.round(p.length_m) + " 米" : null]
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
        var p = f.properties, kind = p.target === "segment" ? "路段" : ZONE_KIND_NAMES[p.kind] || p.kind;
        layer.bindTooltip(escapeHtml((p.name || "无名路段") + " · " + p.score + " 分"), { sticky: true });
        layer.bindPopup(popupTable(p.name || "无名路段", [
          ["月份", data.month], ["类型", kind], ["得分", p.score + " 分（" + p.grade + " 档）"],
          ["考核次数", p.inspections], ["问题", p.incidents + " 件，扣 " + p.penalty + " 分"]
        ]));
      }
    });
  }

  // A month picker for the 考核得分 layer, shown while the layer is on.
  function MonthControl(months, onChange) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "portal-month leaflet-bar");
      var label = L.DomUtil.create("label", "", div);
      label.textContent = "考核月份 ";
      var select = L.DomUtil.create("select", "", label);
      months.forEach(function (m) {
        var option = L.DomUtil.create("option", "", select);
        option.value = m.value;
        option.textContent = m.label;
      });
      L.DomEvent.disableClickPropagation(div);
      select.addEventListener("change", function () { onChange(select.value); });
      this.select = select;
      return div;
    };
    return control;
  }

  // 热力图: each bin's count at its incidents' mean position, scaled to the viewport's largest bin.
  function heatLayer(data, map) {
    var points = data.bins.map(function (b) { return [b[1], b[0], b[2]]; });
    return L.heatLayer(points, {
      radius: 20, blur: 16, minOpacity: 0.3, max: Math.max(1, data.max), maxZoom: map.getZoom()
    });
  }

  var ROLE_NAMES = { lead: "牵头", assist: "协助" };

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
        layer.bindTooltip(escapeHtml((p.name || "无名路段") + " · " + unit.name + "（" + (ROLE_NAMES[p.role] || p.role) + "）"),
                          { sticky: true });
      }
    });
  }

  var BUILDERS = {
    zones: zonesLayer, roads: roadsLayer, incidents: incidentsLayer, coverage: coverageLayer,
    scores: scoresLayer, heat: heatLayer, unit: unitLayer
  };
  var FILTERED = { incidents: true, heat: true };

  // The filter panel: its fields are the case list's query parameters (from, to, category, status,
  // unit); onChange gets the query string of those set.
  function FilterControl(choices, onChange, onShow) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("details", "portal-filters leaflet-bar");
      div.id = "portal-filters";
      var summary = L.DomUtil.create("summary", "", div);
      summary.innerHTML = "筛选 <span class='active-count'></span>";
      function field(label, element) {
        var row = L.DomUtil.create("label", "", div);
        row.appendChild(document.createTextNode(label));
        row.appendChild(element);
        return element;
      }
      function select(name, label, items) {
        var el = document.createElement("select");
        el.name = name;
        [{ value: "", label: "全部" }].concat(items).forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.value;
          option.textContent = item.label;
          el.appendChild(option);
        });
        return field(label, el);
      }
      function date(name, label) {
        var el = document.createElement("input");
        el.type = "date";
        el.name = name;
        return field(label, el);
      }
      var inputs = [
        date("from", "上报自"), date("to", "至"), select("category", "类别", choices.categories),
        select("status", "状态", choices.statuses), select("unit", "责任单位", choices.units)
      ];
      var show = select("show", "显示单位", choices.units);
      show.id = "portal-show-unit";
      show.value = choices.myUnit || "";
      show.addEventListener("change", function () { onShow(show.value); });
      var reset = L.DomUtil.create("button", "", div);
      reset.type = "button";
      reset.textContent = "清除筛选";
      function changed() {
        var query = new URLSearchParams(), n = 0;
        inputs.forEach(function (el) { if (el.value) { query.set(el.name, el.value); n += 1; } });
        summary.querySelector(".active-count").textContent = n ? "（" + n + " 项）" : "";
        onChange(query.toString());
        // The dashboard beside the map (dashboard.js) follows the same filters.
        document.dispatchEvent(new CustomEvent("portal:filters", { detail: query.toString() }));
      }
      inputs.forEach(function (el) { el.addEventListener("change", changed); });
      reset.addEventListener("click", function () { inputs.forEach(function (el) { el.value = ""; }); changed(); });
      if (show.value) { setTimeout(function () { onShow(show.value); }, 0); }
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    return control;
  }

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

  function focusMatch(focus, name, f) {
    var p = f.properties || {};
    if (f.id === focus.kind + ":" + focus.id) { return true; }
    var layerKind = { zones: "zone", roads: "segment", incidents: "incident" }[name];
    return layerKind === focus.kind && p.id === focus.id && !p.cluster;
  }

  function ringFocus(map, focus, name, data) {
    if (!focus.kind || focus.ringed) { return; }
    var hit = (data.features || []).filter(function (f) { return focusMatch(focus, name, f); })[0];
    if (!hit) { return; }
    focus.ringed = true;
    L.geoJSON(hit, {
      pane: "portal-focus", interactive: false,
      style: { color: "#ffd400", weight: 22, opacity: 0.9, fill: false },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { pane: "portal-focus", radius: 14, color: "#ffd400", weight: 5, fill: false });
      }
    }).addTo(map);
  }

  var KIND_NAMES = { case: "案件", unit: "单位", community: "社区", road: "道路", grid: "网格" };

  // 查找: a case number, a unit, a community, a road or a grid cell; a pick goes there (a unit is
  // picked out as "显示单位" does).
  function SearchControl(url, onPick) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var form = L.DomUtil.create("form", "portal-search leaflet-bar");
      form.id = "portal-search";
      form.innerHTML = "<input type='search' name='q' placeholder='查找路段、社区、单位或案件号' aria-label='查找'>" +
        "<button type='submit'>查找</button><ul class='portal-results' hidden></ul>";
      var list = form.querySelector("ul"), input = form.elements.q;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!input.value.trim()) { return; }
        fetch(url + "?q=" + encodeURIComponent(input.value.trim()), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (body) {
            list.textContent = "";
            (body.results || []).forEach(function (item) {
              var li = document.createElement("li"), button = document.createElement("button");
              button.type = "button";
              button.innerHTML = "<b>" + escapeHtml(KIND_NAMES[item.kind] || item.kind) + "</b> " + escapeHtml(item.name);
              button.addEventListener("click", function () { list.hidden = true; onPick(item); });
              li.appendChild(button);
              list.appendChild(li);
            });
            if (!list.children.length) { list.innerHTML = "<li class='none'>没有找到“" + escapeHtml(input.value) + "”</li>"; }
            list.hidden = false;
          })
          .catch(function () { list.innerHTML = "<li class='none'>查找失败，请稍后重试</li>"; list.hidden = false; });
      });
      L.DomEvent.disableClickPropagation(form);
      L.DomEvent.disableScrollPropagation(form);
      return form;
    };
    return control;
  }

  function StatusControl() {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      this.div = L.DomUtil.create("div", "portal-status");
      return this.div;
    };
    control.show = function (text) { if (this.div) { this.div.textContent = text; } };
    return control;
  }

  function start(map, options, groups) {
    L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);
    var pending = {}, stats = {}, status = StatusControl().addTo(map);
    Object.keys(PANES).forEach(function (name) {
      map.createPane("portal-" + name).style.zIndex = PANES[name];
    });
    if (map.attributionControl && options.attribution) {
      map.attributionControl.addAttribution(options.attribution);
    }
    var focus = readFocus();
    if (focus.bounds) {
      // The place matters more than the legend, which would hide the map's lower left.
      var legend = document.querySelector(".portal-legend details");
      if (legend) { legend.open = false; }
      map.fitBounds(focus.bounds, { maxZoom: 18, padding: [60, 60] });
    }
    if (focus.overlay && groups[focus.overlay] && !map.hasLayer(groups[focus.overlay])) {
      map.addLayer(groups[focus.overlay]);
    }

    function report() {
      var parts = [];
      if (stats.incidents !== undefined && map.hasLayer(groups.incidents)) {
        parts.push("视图内问题 " + stats.incidents.toLocaleString("zh-CN") + " 件");
      }
      if (stats.unit && map.hasLayer(groups.unit)) {
        parts.push(stats.unit.name + "：" + stats.unit.zones + " 个社区/网格、" + stats.unit.segments + " 条路段");
      }
      if (stats.heat !== undefined && map.hasLayer(groups.heat)) {
        parts.push("热力图 " + stats.heat.toLocaleString("zh-CN") + " 件");
      }
      if (stats.unguarded !== undefined) { parts.push(options.unguardedLabel + "路段 " + stats.unguarded + " 段"); }
      if (stats.gaps !== undefined && map.hasLayer(groups.coverage)) { parts.push("视图内覆盖缺口 " + stats.gaps + " 处"); }
      status.show(parts.join(" · "));
      var busy = Object.keys(pending).length > 0;
      document.documentElement.setAttribute("data-portal-ready", busy ? "0" : "1");
    }

    function load(name) {
      var group = groups[name];
      if (!map.hasLayer(group)) { return; }
      if (pending[name]) { pending[name].abort(); }
      var controller = new AbortController();
      pending[name] = controller;
      report();
      var base = name === "heat" ? options.heatApi : options.api + "/" + name;
      var url = base + "?bbox=" + viewportBbox(map) + "&zoom=" + Math.round(map.getZoom());
      if (name === "scores" && month) { url += "&month=" + encodeURIComponent(month); }
      if (name === "unit" && shownUnit) { url += "&unit=" + encodeURIComponent(shownUnit); }
      if (FILTERED[name] && filterQuery) { url += "&" + filterQuery; }
      fetch(url, { credentials: "same-origin", signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401) { window.location.reload(); throw new Error("login"); }
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          group.clearLayers();
          group.addLayer(BUILDERS[name](data, map, options));
          if (name === "incidents") { stats.incidents = data.total; }
          if (name === "heat") { stats.heat = data.total; }
          if (name === "unit") { stats.unit = data.unit; }
          if (name === "roads") { stats.unguarded = data.unguarded; }
          if (name === "coverage") { stats.gaps = data.features.length; }
          ringFocus(map, focus, name, data);
        })
        .catch(function (err) {
          if (err.name !== "AbortError") { status.show("图层加载失败：" + err.message); }
        })
        .finally(function () {
          if (pending[name] === controller) { delete pending[name]; report(); }
        });
    }

    function loadAll() { Object.keys(groups).forEach(load); }

    var month = (options.scoreMonths || [{}])[0].value;
    var monthControl = groups.scores && options.scoreMonths
      ? MonthControl(options.scoreMonths, function (value) { month = value; load("scores"); }) : null;
    function showMonthControl() {
      if (!monthControl) { return; }
      if (map.hasLayer(groups.scores)) { monthControl.addTo(map); } else { monthControl.remove(); }
    }

    var filterQuery = "", shownUnit = "";
    if (options.filters) {
      FilterControl(options.filters, function (query) {
        filterQuery = query;
        Object.keys(FILTERED).forEach(load);
      }, function (code) {
        shownUnit = code;
        if (!groups.unit) { return; }
        if (code && !map.hasLayer(groups.unit)) { map.addLayer(groups.unit); } else { load("unit"); }
        if (!code) { groups.unit.clearLayers(); map.removeLayer(groups.unit); }
      }).addTo(map);
    }

    if (options.searchApi) {
      SearchControl(options.searchApi, function (item) {
        if (item.kind === "unit") {
          var pick = document.getElementById("portal-show-unit");
          if (pick) { pick.value = item.code; pick.dispatchEvent(new Event("change")); }
          return;
        }
        if (item.kind === "case") {
          focus = { kind: "incident", id: item.id };
          if (!map.hasLayer(groups.incidents)) { map.addLayer(groups.incidents); }
        }
        var b = item.bbox;
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: item.kind === "case" ? 18 : 17 });
      }).addTo(map);
    }

    map.on("moveend", loadAll);
    map.on("overlayadd", function (e) {
      Object.keys(groups).forEach(function (name) { if (groups[name] === e.layer) { load(name); } });
      showMonthControl();
    });
    map.on("overlayremove", function () { showMonthControl(); report(); });
    showMonthControl();
    loadAll();
  }

  window.PortalLayers = { start: start };
})();
