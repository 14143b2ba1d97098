/* The box of a map's view as the layer APIs take it (?bbox=w,s,e,n): the leaders' map
 * (map/layers.js), the case and field pages' map (ui/casemap.js) and the public map
 * (public/public.js) each ask for the view's layers with it.
 */

function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }

// ``bounds`` (a Leaflet LatLngBounds) as "w,s,e,n", clamped to the world (a view zoomed out or
// panned past the antimeridian reaches beyond it; the APIs refuse such a box), 6 decimals (~0.1 m).
export function bboxText(bounds) {
  return [
    clamp(bounds.getWest(), -180, 180), clamp(bounds.getSouth(), -90, 90),
    clamp(bounds.getEast(), -180, 180), clamp(bounds.getNorth(), -90, 90)
  ].map(function (v) { return v.toFixed(6); }).join(",");
}

// ``map``'s view grown by ``pad`` (a fraction of its width and height on each side, so that a
// small pan needs no new request), as bboxText writes it.
export function viewBbox(map, pad) {
  return bboxText(map.getBounds().pad(pad));
}
