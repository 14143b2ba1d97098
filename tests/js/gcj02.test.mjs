// static/portal/map/gcj02.js against its Python twin, geodata/geo/gcj02.py: the pairs in
// gcj02_pairs.json are the Python's answers (make_gcj02_pairs.py); both ways agree within 1e-6°
// (they agree to ~1e-12° in fact: the same formula in doubles).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { fromWgs84, inChina, toWgs84 } from "../../webmap/static/portal/map/gcj02.js";

const PAIRS = JSON.parse(readFileSync(new URL("./gcj02_pairs.json", import.meta.url)));
const TOLERANCE = 1e-6; // degrees

function near(actual, expected, what) {
  const off = Math.max(Math.abs(actual[0] - expected[0]), Math.abs(actual[1] - expected[1]));
  assert.ok(off < TOLERANCE, `${what}: ${actual} is ${off}° from ${expected}`);
}

test("WGS-84 to GCJ-02 as the Python computes it", () => {
  assert.ok(PAIRS.length >= 30);
  for (const { point, gcj02 } of PAIRS) near(fromWgs84(point[0], point[1]), gcj02, `fromWgs84(${point})`);
});

test("GCJ-02 back to WGS-84 as the Python computes it", () => {
  for (const { point, wgs84_of } of PAIRS) near(toWgs84(point[0], point[1]), wgs84_of, `toWgs84(${point})`);
});

test("China is shifted by a few hundred metres, the rest of the world not at all", () => {
  const [lon, lat] = fromWgs84(116.397, 39.909); // Beijing
  const metres = Math.hypot((lon - 116.397) * 111320 * Math.cos((lat * Math.PI) / 180), (lat - 39.909) * 110540);
  assert.ok(metres > 100 && metres < 1000, `${metres} m`);
  assert.deepEqual(fromWgs84(-0.128, 51.507), [-0.128, 51.507]); // London
  assert.equal(inChina(-0.128, 51.507), false);
});

test("a round trip comes back to the point", () => {
  for (const { point } of PAIRS) {
    const there = fromWgs84(point[0], point[1]);
    // At the box's edge the shift may cross it, and the way back then shifts nothing.
    if (inChina(point[0], point[1]) !== inChina(there[0], there[1])) continue;
    near(toWgs84(there[0], there[1]), point, `round trip of ${point}`);
  }
});
