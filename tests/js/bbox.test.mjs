// The box of a map's view as the layer APIs take it (static/portal/ui/bbox.js): the leaders' map,
// the case pages' map and the public map each ask with it, and webmap/views/params.py parse_bbox
// refuses a box outside -180..180, -90..90.
import { test } from "node:test";
import assert from "node:assert/strict";

import { bboxText, viewBbox } from "../../webmap/static/portal/ui/bbox.js";

// A Leaflet LatLngBounds as far as bbox.js reads it; pad(f) grows each side by f of the size.
function bounds(w, s, e, n) {
  return {
    getWest: () => w, getSouth: () => s, getEast: () => e, getNorth: () => n,
    pad: (f) => bounds(w - (e - w) * f, s - (n - s) * f, e + (e - w) * f, n + (n - s) * f)
  };
}

function numbers(text) {
  return text.split(",").map(Number);
}

test("a box inside the world is written west, south, east, north with 6 decimals", () => {
  assert.equal(bboxText(bounds(114.0123456789, 22.5, 114.1, 22.6)), "114.012346,22.500000,114.100000,22.600000");
});

test("a box past the world's edges is clamped to them, each side", () => {
  assert.equal(bboxText(bounds(-200, -95, 190, 91)), "-180.000000,-90.000000,180.000000,90.000000");
  // A view panned wholly past the antimeridian: both edges held at 180, never west > east.
  assert.deepEqual(numbers(bboxText(bounds(181, 10, 185, 20))), [180, 10, 180, 20]);
  assert.deepEqual(numbers(bboxText(bounds(-185, 10, -181, 20))), [-180, 10, -180, 20]);
});

test("the view is grown by the pad asked for before it is written", () => {
  const map = { getBounds: () => bounds(114, 22, 115, 23) };
  assert.deepEqual(numbers(viewBbox(map, 0.1)), [113.9, 21.9, 115.1, 23.1]);
  assert.deepEqual(numbers(viewBbox(map, 0.2)), [113.8, 21.8, 115.2, 23.2]);
  assert.deepEqual(numbers(viewBbox(map, 0)), [114, 22, 115, 23]);
});

test("a world-wide view grown past the edges stays within them", () => {
  const [w, s, e, n] = numbers(viewBbox({ getBounds: () => bounds(-170, -80, 170, 80) }, 0.15));
  assert.ok(w === -180 && s === -90 && e === 180 && n === 90, [w, s, e, n].join());
});
