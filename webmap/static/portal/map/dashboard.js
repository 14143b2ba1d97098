/* 驾驶舱 (beside /portal): totals, trend by month and category, units ranked by closure rate and
 * cases by status, from /api/v1/dashboard for the map's current filters (the filter panel sends
 * "portal:filters"). A click on a chart sets the map's filter: a category, a month (as the time
 * range), a unit or a status. Charts by ECharts, served by the portal from npm (a classic script
 * loaded before this module: its global ``echarts``).
 */
import { escapeHtml } from "../ui/html.js";
import { setFlag } from "../ui/hooks.js";

var panel = document.getElementById("dashboard");
var charts = {}, last = null;
// Texts and the names of categories and statuses (by code) in the page's language
// (templates/portal/dashboard.html); a chart shows those rather than the API's Chinese names.
var T = {}, names = {};

function fill(text, values) {
  return String(text).replace(/\{(\w+)\}/g, function (all, name) {
    return values[name] === undefined ? all : String(values[name]);
  });
}

function nameOf(kind, code, fallback) { return (names[kind] || {})[code] || fallback; }

function chart(id) {
  if (!charts[id]) { charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" }); }
  return charts[id];
}

function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; }

// Set a field of the map's filter panel and let it tell everyone (map layers, this panel).
function setFilter(values) {
  var form = document.getElementById("portal-filters");
  if (!form) { return; }
  var field = null;
  Object.keys(values).forEach(function (name) {
    var el = form.querySelector("[name='" + name + "']");
    if (el) { el.value = values[name]; field = el; }
  });
  if (field) { field.dispatchEvent(new Event("change")); }
}

function monthRange(month) {
  var parts = month.split("-").map(Number);
  var days = new Date(parts[0], parts[1], 0).getDate();
  return { from: month + "-01", to: month + "-" + (days < 10 ? "0" : "") + days };
}

// A chart with nothing to show says so instead of drawing empty axes.
function empty(id, none) {
  var el = document.getElementById(id), note = el.nextElementSibling;
  el.hidden = none;
  if (note && note.classList.contains("chart-empty")) { note.hidden = !none; }
  return none;
}

function render(d) {
  last = d;
  Object.keys(d.totals).forEach(function (k) {
    var el = panel.querySelector("[data-kpi='" + k + "']");
    if (!el) { return; }
    var v = d.totals[k];
    el.textContent = /_rate$/.test(k) ? pct(v) : Number(v).toLocaleString(T.locale || "zh-CN");
  });
  empty("chart-trend", !d.trend.months.length);
  empty("chart-ranking", !d.ranking.length);
  empty("chart-status", !d.statuses.length);
  chart("chart-trend").setOption({
    animation: false,  // the panel redraws on every filter change: no bars growing under a click
    grid: { left: 40, right: 8, top: 30, bottom: 24 }, tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0, textStyle: { fontSize: 11 } },
    xAxis: { type: "category", data: d.trend.months, axisLabel: { fontSize: 10 } },
    yAxis: { type: "value", axisLabel: { fontSize: 10 } },
    series: d.trend.series.map(function (s) {
      return { name: nameOf("categories", s.category, s.name), type: "bar", stack: "all", data: s.counts, emphasis: { focus: "series" } };
    })
  }, true);
  var ranking = d.ranking.slice().reverse();
  chart("chart-ranking").setOption({
    animation: false,
    grid: { left: 110, right: 40, top: 6, bottom: 20 },
    // A formatter's string is HTML to ECharts: the unit's name goes through escapeHtml.
    tooltip: { formatter: function (p) {
      var r = ranking[p.dataIndex], esc = escapeHtml;
      return esc(r.name) + "<br>" + esc(fill(T.closure_rate, { rate: pct(r.closure_rate) })) + "<br>" +
        esc(fill(T.counts, { total: r.total, overdue: r.overdue }));
    } },
    xAxis: { type: "value", max: 1, axisLabel: { formatter: function (v) { return v * 100 + "%"; }, fontSize: 10 } },
    yAxis: { type: "category", data: ranking.map(function (r) { return r.name; }), axisLabel: { fontSize: 11, width: 100, overflow: "truncate" } },
    series: [{ type: "bar", data: ranking.map(function (r) { return r.closure_rate || 0; }), itemStyle: { color: "#1f4e8c" },
               label: { show: true, position: "right", fontSize: 10, formatter: function (p) { return pct(p.value); } } }]
  }, true);
  chart("chart-status").setOption({
    animation: false,
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: d.statuses.map(function (s) { return { name: nameOf("statuses", s.status, s.name), value: s.count }; }),
               label: { fontSize: 11 } }]
  }, true);
  Object.keys(charts).forEach(function (k) { charts[k].resize(); });  // one may have been hidden
  setFlag("dashboard-ready", "1");
}

function load(query) {
  setFlag("dashboard-ready", "0");
  fetch(panel.dataset.url + (query ? "?" + query : ""), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(render)
    .catch(function () { panel.querySelector("h2 .muted").textContent = T.failed; });
}

function start() {
  T = JSON.parse(panel.dataset.texts || "{}");
  names = JSON.parse(panel.dataset.names || "{}");
  chart("chart-trend").on("click", function (p) {
    var series = last && last.trend.series[p.seriesIndex];
    var values = monthRange(p.name);
    if (series) { values.category = series.category; }
    setFilter(values);
  });
  chart("chart-ranking").on("click", function (p) {
    var ranking = last.ranking.slice().reverse();
    setFilter({ unit: ranking[p.dataIndex].unit });
  });
  chart("chart-status").on("click", function (p) {
    var s = last.statuses[p.dataIndex];
    if (s) { setFilter({ status: s.status }); }
  });
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  document.addEventListener("portal:filters", function (e) { load(e.detail); });
  load("");
}

if (panel && window.echarts) { start(); }
