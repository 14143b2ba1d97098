// 手绘圈选 on the edit page: press, draw, let go. A stroke that ends near where it began is a lasso
// (a polygon), any other a line that catches the roads it crosses. Leaflet-Geoman's free edition
// draws vertex by vertex only; this hands the stroke to the page as Geoman would ("pm:create").
// Its texts come in the page's language in #edit-freehand-texts (webmap/texts/edit.py).
var CLOSE_PX = 40;  // a stroke ending this near its start is closed into a lasso
var STEP_PX = 4;    // points closer than this to the last one are skipped
var SIMPLIFY_PX = 2;

function texts() {
  var holder = document.getElementById("edit-freehand-texts");
  return JSON.parse((holder && holder.getAttribute("data-texts")) || "{}");
}

var Freehand = L.Control.extend({
  options: { position: "topleft" },

  onAdd: function (map) {
    var bar = L.DomUtil.create("div", "leaflet-bar portal-freehand");
    var button = L.DomUtil.create("a", "", bar);
    button.href = "#";
    var T = texts();
    button.title = T.title || "";
    button.setAttribute("role", "button");
    button.textContent = T.label || "";
    L.DomEvent.disableClickPropagation(bar);
    L.DomEvent.on(button, "click", function (e) {
      L.DomEvent.preventDefault(e);
      if (this._on) { this._stop(); } else { this._start(); }
    }, this);
    this._map = map;
    this._button = button;
    return bar;
  },

  _start: function () {
    var map = this._map, pane = map.getContainer();
    this._on = true;
    L.DomUtil.addClass(this._button, "active");
    map.dragging.disable();
    map.portalPicking = true;
    pane.style.cursor = "crosshair";
    this._down = L.bind(this._begin, this);
    pane.addEventListener("pointerdown", this._down);
  },

  _stop: function () {
    var map = this._map, pane = map.getContainer();
    this._on = false;
    L.DomUtil.removeClass(this._button, "active");
    map.dragging.enable();
    map.portalPicking = false;
    pane.style.cursor = "";
    pane.removeEventListener("pointerdown", this._down);
  },

  _begin: function (e) {
    if (e.target.closest && e.target.closest(".leaflet-control")) { return; }
    var map = this._map, pane = map.getContainer(), points = [map.mouseEventToContainerPoint(e)];
    var trace = L.polyline([map.containerPointToLatLng(points[0])], { color: "#1f4e8c", weight: 2, pmIgnore: true }).addTo(map);
    pane.setPointerCapture && pane.setPointerCapture(e.pointerId);
    var move = function (ev) {
      var p = map.mouseEventToContainerPoint(ev);
      if (p.distanceTo(points[points.length - 1]) >= STEP_PX) {
        points.push(p);
        trace.addLatLng(map.containerPointToLatLng(p));
      }
    };
    var self = this;
    var up = function () {
      pane.removeEventListener("pointermove", move);
      pane.removeEventListener("pointerup", up);
      map.removeLayer(trace);
      self._stop();
      self._finish(points);
    };
    pane.addEventListener("pointermove", move);
    pane.addEventListener("pointerup", up);
    L.DomEvent.preventDefault(e);
  },

  _finish: function (points) {
    var map = this._map;
    if (points.length < 2) { return; }
    var closed = points.length > 3 && points[0].distanceTo(points[points.length - 1]) <= CLOSE_PX;
    var kept = L.LineUtil.simplify(points, SIMPLIFY_PX).map(function (p) { return map.containerPointToLatLng(p); });
    var layer = closed && kept.length >= 3 ? L.polygon(kept) : L.polyline(kept);
    layer.addTo(map);
    map.fire("pm:create", { layer: layer, shape: closed ? "FreehandPolygon" : "FreehandLine" });
  }
});

export function addFreehand(map) { return new Freehand().addTo(map); }
