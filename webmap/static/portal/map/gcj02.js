/* WGS-84 ⇄ GCJ-02 (高德 and other Chinese web maps draw their tiles in GCJ-02, a few hundred metres
 * off WGS-84), for L.CRS.GCJ02 (vendor_patches.js): every coordinate the portal handles stays
 * WGS-84; that CRS projects a WGS-84 point where the basemap draws it, and turns a pixel (a click,
 * the viewport's corners) back into WGS-84. Vector tiles are asked for with crs=gcj02 and drawn
 * moved by the server. The formula is geodata/geo/gcj02.py's (tests/js/gcj02.test.mjs and the
 * browser test compare the two). Pure: no Leaflet, no page.
 */
var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;

export function inChina(lon, lat) {
  return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

export function offset(lon, lat) {
  if (!inChina(lon, lat)) { return [0, 0]; }
  var x = lon - 105.0, y = lat - 35.0;
  var waves = (20 * Math.sin(6 * PI * x) + 20 * Math.sin(2 * PI * x)) * 2 / 3;
  var dlat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + waves;
  dlat += (20 * Math.sin(PI * y) + 40 * Math.sin(PI * y / 3)) * 2 / 3;
  dlat += (160 * Math.sin(PI * y / 12) + 320 * Math.sin(PI * y / 30)) * 2 / 3;
  var dlon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + waves;
  dlon += (20 * Math.sin(PI * x) + 40 * Math.sin(PI * x / 3)) * 2 / 3;
  dlon += (150 * Math.sin(PI * x / 12) + 300 * Math.sin(PI * x / 30)) * 2 / 3;
  var rad = lat / 180 * PI;
  var magic = 1 - EE * Math.sin(rad) * Math.sin(rad);
  dlat = dlat * 180 / ((A * (1 - EE)) / (magic * Math.sqrt(magic)) * PI);
  dlon = dlon * 180 / (A / Math.sqrt(magic) * Math.cos(rad) * PI);
  return [dlon, dlat];
}

export function fromWgs84(lon, lat) {
  var d = offset(lon, lat);
  return [lon + d[0], lat + d[1]];
}

export function toWgs84(lon, lat) {
  var wx = lon, wy = lat;
  for (var i = 0; i < 8; i++) {  // fixed point: the offset barely changes over its own size
    var d = offset(wx, wy);
    wx = lon - d[0]; wy = lat - d[1];
  }
  return [wx, wy];
}
