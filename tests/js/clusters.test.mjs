// The cluster merge of the leaders' map (static/portal/tiles/clusters.js): each vector tile
// clusters its own incidents, so a group lying across a tile edge comes as a bubble on each side;
// the map merges bubbles that would overlap on the screen, wherever the edges fall.
import { test } from "node:test";
import assert from "node:assert/strict";

import { bubbleClass, bubbleSize, mergeBubbles } from "../../webmap/static/portal/tiles/clusters.js";

const CLASSES = [1, 10, 100, 1000]; // layers/incidents.py SIZE_CLASSES, as the map's config has them
const EDGE = 256; // the edge between tile x=0 and x=1, in pixels

function total(bubbles) {
  return bubbles.reduce((n, b) => n + b.count, 0);
}

test("size classes and widths", () => {
  assert.deepEqual([1, 9, 10, 99, 100, 999, 1000, 50000].map((n) => bubbleClass(n, CLASSES)), [0, 0, 1, 1, 2, 2, 3, 3]);
  assert.deepEqual([1, 2, 10, 100, 1000].map((n) => bubbleSize(n, CLASSES)), [12, 24, 30, 36, 42]);
});

test("two bubbles either side of a tile edge become one at their weighted middle", () => {
  const merged = mergeBubbles([{ x: EDGE - 6, y: 100, count: 30 }, { x: EDGE + 6, y: 100, count: 10 }], CLASSES);
  assert.equal(merged.length, 1);
  assert.equal(merged[0].count, 40);
  assert.ok(Math.abs(merged[0].x - (250 * 30 + 262 * 10) / 40) < 1e-9);
  assert.equal(merged[0].y, 100);
});

test("bubbles that would not touch stay apart, across an edge or not", () => {
  // Widths 30 and 24: they touch below (30 + 24) / 2 + 2 = 29 px apart.
  const apart = [{ x: EDGE - 15, y: 100, count: 30 }, { x: EDGE + 15, y: 100, count: 5 }];
  assert.equal(mergeBubbles(apart, CLASSES).length, 2);
  const near = [{ x: EDGE - 14, y: 100, count: 30 }, { x: EDGE + 14, y: 100, count: 5 }];
  assert.equal(mergeBubbles(near, CLASSES).length, 1);
});

test("a bubble that grows and moves takes in one more on the next pass", () => {
  // The 60 does not touch the 100 (40 px apart, they touch below 38); the 50 across the edge
  // joins the 100, which moves 10 px towards the 60 and takes it in on the second pass.
  const found = [
    { x: EDGE - 20, y: 100, count: 100 },
    { x: EDGE + 20, y: 100, count: 60 },
    { x: EDGE + 10, y: 100, count: 50 },
  ];
  const merged = mergeBubbles(found, CLASSES);
  assert.equal(merged.length, 1);
  assert.equal(total(merged), 210);
  assert.ok(Math.abs(merged[0].x - (EDGE - 10 + (30 * 60) / 210)) < 1e-9, String(merged[0].x));
});

test("merging keeps every incident and leaves the input as it was", () => {
  const found = [];
  for (let i = 0; i < 40; i++) found.push({ x: EDGE - 60 + ((i * 37) % 120), y: (i * 53) % 120, count: 1 + ((i * 7) % 120) });
  const before = JSON.stringify(found);
  const merged = mergeBubbles(found, CLASSES);
  assert.equal(total(merged), total(found));
  assert.ok(merged.length < found.length);
  assert.equal(JSON.stringify(found), before);
});
