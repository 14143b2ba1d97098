/* Every change our pages make to code that is not ours (Leaflet, Leaflet.VectorGrid, the
 * browser's fetch), in one place, each with its reason. Importing this module applies those whose
 * library is on the page, once; the modules that rely on one import it.
 *
 * - VectorGrid 1.3.0 on Leaflet 1.9: clicks and pointer moves on a tile's canvas, tiles shared
 *   between layers and told to listeners, a failed tile drawn empty, redraw at the tiles' zoom;
 * - window.fetch: a tile refused for want of a login reloads the page;
 * - L.CRS.GCJ02: the projection over a GCJ-02 basemap, in Leaflet's namespace.
 */
import { fromWgs84, toWgs84 } from "./map/gcj02.js";

if (window.L && L.VectorGrid) {  // the leaders' map (tiles/tiles.js)
  handleTileClicks();
  reloadWhenTilesRefused();
  shareAndAnnounceTiles();
  redrawAtTileZoom();
}
if (window.L && !L.CRS.GCJ02) {
  registerGcj02();
}

// -- VectorGrid 1.3.0 on Leaflet 1.9 --------------------------------------------------------------
// A click that hits a feature calls L.DomEvent.fakeStop, which Leaflet 1.9 no longer has
// (Leaflet/Leaflet.VectorGrid#274, fixed by PR #288 but never released), and a click that hits
// nothing is dropped, so the map never hears of clicks on a tile (Leaflet 1.9 marks its canvases
// to be skipped by the map's own event handling). Both also place the pointer wrongly between
// whole zoom levels (our map snaps to quarters). Handle a tile's clicks and moves as Leaflet 1.9's
// own canvas does: the feature under the pointer, or else the map.
function tilePoint(renderer, e) {
  var map = renderer._map, coords = renderer.getCoord();
  return map.project(map.mouseEventToLatLng(e), coords.z).subtract(coords.scaleBy(renderer._size));
}

function handleTileClicks() {
  L.Canvas.Tile.include({
    _onClick: function (e) {
      if (!this._map) { return; }
      var point = tilePoint(this, e), hit = null;
      for (var id in this._layers) {
        var layer = this._layers[id];
        if (layer.options.interactive && layer._containsPoint(point) && !this._map._draggableMoved(layer)) {
          hit = layer;
        }
      }
      this._fireEvent(hit ? [hit] : false, e);
    },
    _onMouseMove: function (e) {
      if (!this._map || this._map.dragging.moving() || this._map._animatingZoom) { return; }
      this._handleMouseHover(e, tilePoint(this, e));
    }
  });
}

// A tile refused for want of a login (the session ended) sends the page to sign in again, as the
// GeoJSON layers do: VectorGrid would quietly draw it as an empty tile, an empty map.
function reloadWhenTilesRefused() {
  var plainFetch = window.fetch.bind(window);
  window.fetch = function (resource, init) {
    return plainFetch(resource, init).then(function (response) {
      if (response.status === 401 && String(resource).indexOf("/tiles/") >= 0) { window.location.reload(); }
      return response;
    });
  };
}

// Tells the layer's listeners what each tile holds ("tilefeatures"), unless the layer has moved
// on to other filters meanwhile; a tile that fails to come is an empty one, so the layer still
// finishes loading (VectorGrid would wait for it forever).
function shareAndAnnounceTiles() {
  var fetchTile = L.VectorGrid.Protobuf.prototype._getVectorTilePromise;
  L.VectorGrid.Protobuf.include({
    _getVectorTilePromise: function (coords) {
      var layer = this, url = this._url;
      return sharedTile(this, coords)
        .catch(function () { return { layers: {} }; })
        .then(function (tile) {
          if (layer._url === url) { layer.fire("tilefeatures", { coords: coords, layers: tile.layers }); }
          return tile;
        });
    }
  });

  // 社区 and 单元网格 draw the same zones tiles: a tile one layer asks for serves the other too (the
  // two asked the server for each one, as the browser's cache answers only what has come).
  // VectorGrid only reads a parsed tile, so they may share it; it is kept SHARE_MS.
  var SHARE_MS = 10000, shared = {};
  function sharedTile(layer, coords) {
    var key = layer._url + " " + coords.z + "/" + coords.x + "/" + coords.y, now = Date.now();
    Object.keys(shared).forEach(function (k) { if (now - shared[k].at >= SHARE_MS) { delete shared[k]; } });
    if (!shared[key]) {
      var promise = fetchTile.call(layer, coords);
      shared[key] = { at: now, promise: promise };
      // A tile that failed is asked for again next time.
      promise.catch(function () { if (shared[key] && shared[key].promise === promise) { delete shared[key]; } });
    }
    return shared[key].promise;
  }
}

// Leaflet 1.9's GridLayer.redraw (which setUrl calls) asks for tiles at the map's own zoom, which
// between whole levels (our map snaps to quarters) is no tile zoom at all: /tiles/…/14.75/…
// Redraw as a change of view does, at the rounded zoom (Leaflet 2 does the same).
function redrawAtTileZoom() {
  L.VectorGrid.include({
    redraw: function () {
      if (this._map) {
        this._removeAllTiles();
        this._resetView();
      }
      return this;
    }
  });
}

// Web Mercator over a GCJ-02 basemap (高德 and other Chinese web maps draw their tiles in GCJ-02, a
// few hundred metres off WGS-84; map/gcj02.js). folium names a map's CRS as L.CRS.<name>
// (webmap/mapbuild.py writes crs: L.CRS.GCJ02), so the CRS must live in Leaflet's namespace before
// the map is made; its fromWgs84 and toWgs84 are there too for the browser test, which compares
// them with geodata/geo/gcj02.py.
function registerGcj02() {
  var mercator = L.Projection.SphericalMercator;
  var projection = {
    bounds: mercator.bounds,
    project: function (latlng) {
      var g = fromWgs84(latlng.lng, latlng.lat);
      return mercator.project(L.latLng(g[1], g[0]));
    },
    unproject: function (point) {
      var g = mercator.unproject(point);
      var w = toWgs84(g.lng, g.lat);
      return L.latLng(w[1], w[0]);
    }
  };
  L.CRS.GCJ02 = L.extend({}, L.CRS.EPSG3857, { code: "GCJ02", projection: projection });
  L.CRS.GCJ02.fromWgs84 = fromWgs84;
  L.CRS.GCJ02.toWgs84 = toWgs84;
}
