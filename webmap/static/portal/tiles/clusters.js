/* Cluster bubbles on the screen, without Leaflet or a page (tests/js/clusters.test.mjs): their size
 * class and width, and the merging of bubbles that would overlap, wherever the tile edges fall
 * (tilemarks.js draws what comes out).
 *
 * A bubble is {x, y, count}: its place in pixels at the map's zoom and how many incidents it holds.
 * ``classes``: the lowest count of each size class, smallest first (layers/incidents.py
 * SIZE_CLASSES, in the map's config as clusterClasses).
 */

// The size class of a bubble of ``count``: the last class whose lowest count it reaches.
export function bubbleClass(count, classes) {
  var size = 0;
  classes.forEach(function (low, i) { if (count >= low) { size = i; } });
  return size;
}

// A bubble's width in pixels: a lone incident is a 12 px dot, a cluster 24 px and 6 more a class.
export function bubbleSize(count, classes) {
  return count === 1 ? 12 : 24 + bubbleClass(count, classes) * 6;
}

// The bubbles merged where they would overlap on the screen: the biggest first takes in every
// bubble that would touch it (2 px apart or less) and moves to their weighted middle. The
// server's cells are 32 px; a bubble is up to 48 px wide, so bubbles of neighbouring tiles (each
// tile clusters its own incidents) may touch.
export function mergeBubbles(found, classes) {
  // A bubble that grows or moves as it takes others in may come to touch one more: go again.
  for (var pass = 0; pass < 4; pass++) {
    var kept = mergeOnce(found, classes);
    if (kept.length === found.length) { break; }
    found = kept;
  }
  return found;
}

function mergeOnce(found, classes) {
  var kept = [];
  found.slice().sort(function (a, b) { return b.count - a.count; }).forEach(function (b) {
    for (var i = 0; i < kept.length; i++) {
      var k = kept[i], dx = b.x - k.x, dy = b.y - k.y;
      if (Math.sqrt(dx * dx + dy * dy) < (bubbleSize(k.count, classes) + bubbleSize(b.count, classes)) / 2 + 2) {
        var total = k.count + b.count;
        k.x = (k.x * k.count + b.x * b.count) / total;
        k.y = (k.y * k.count + b.y * b.count) / total;
        k.count = total;
        return;
      }
    }
    kept.push({ x: b.x, y: b.y, count: b.count });
  });
  return kept;
}
