/* The field pages' service worker (offline field mode, issue #17 part 7). Served at /sw.js by
 * webmap/views/cases/offline.py so that its scope, "/", covers 外勤首页, 上报问题 and 考核评分.
 *
 * When a field page opens online it asks the worker to keep what the signed-in user's kit lists
 * (GET /api/v1/offline/kit: the field pages, their scripts and styles, Leaflet, the checklists,
 * and the county's roads and communities in pieces at the field zoom), fetching what is missing or
 * older than the kit's refresh_h. Then it answers
 * - a kept page, script, style or API read from the network first, keeping each good answer, and
 *   from its cache when the network fails (or the portal answers 5xx);
 * - a map's context layers (/api/v1/layers/roads|zones?bbox=…) from the network, else from the
 *   kept pieces under the view, cut to it;
 * - everything else, every POST included, not at all: the browser goes to the network as if there
 *   were no worker, and no answer to a POST is ever kept.
 * The sign-in page deletes the cache and tells the worker to forget the kit (signed_out.js).
 */
"use strict";

var CACHE = "portal-field-v1";  // signed_out.js deletes every cache whose name starts portal-field
var KIT_KEY = new URL("offline-kit", self.registration.scope).href;  // the last kit, as kept
var PARALLEL = 4;  // requests at once while keeping the kit
// What may be in a kit, told before the kit is read (it may not be, the moment the worker wakes).
var KEPT_DESTINATIONS = ["script", "style", "image", "font", "manifest"];

var kit = null;  // {pages, urls, layers, maxAgeMs} of the last kit kept
var kitRead = readKit();

self.addEventListener("install", function (event) {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("portal-field") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {}, port = event.ports && event.ports[0];
  if (data.type === "forget") {
    kit = null;
    kitRead = Promise.resolve(null);
    event.waitUntil(caches.delete(CACHE));
  } else if (data.type === "warm" && typeof data.kit === "string") {
    var url = new URL(data.kit, self.location.origin);
    if (url.origin !== self.location.origin) { return; }
    event.waitUntil(warm(url.href).then(function (result) {
      if (port) { port.postMessage(result); }
    }, function () {
      if (port) { port.postMessage({ ok: false }); }
    }));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (kit) {
    var how = handler(kit, request, url);
    if (how) { event.respondWith(how(event, url)); }
    return;
  }
  var maybe = request.mode === "navigate" || KEPT_DESTINATIONS.indexOf(request.destination) >= 0 ||
    url.pathname.indexOf("/api/") === 0;
  if (!maybe) { return; }
  event.respondWith(kitRead.then(function (read) {
    var later = read && handler(read, request, url);
    return later ? later(event, url) : fetch(request);
  }));
});

// -- the kit --------------------------------------------------------------------------------------
function indexed(body) {
  if (!body) { return null; }
  var url = function (u) { return new URL(u, self.location.origin); };
  var layers = {};
  Object.keys(body.layers || {}).forEach(function (path) { layers[url(path).pathname] = body.layers[path]; });
  return {
    pages: body.pages.map(function (p) { return url(p).pathname; }),
    urls: body.urls.map(function (u) { return url(u).href; }),
    layers: layers,
    maxAgeMs: (body.refresh_h || 12) * 3600 * 1000
  };
}

function readKit() {
  return caches.open(CACHE)
    .then(function (cache) { return cache.match(KIT_KEY); })
    .then(function (kept) { return kept ? kept.json() : null; })
    .then(function (body) { kit = indexed(body); return kit; })
    .catch(function () { return null; });
}

// Fetch the kit (the page's session decides what is in it), keep it, and keep what it lists.
function warm(kitUrl) {
  return fetch(kitUrl, { credentials: "same-origin", cache: "no-store" }).then(function (answer) {
    if (!answer.ok || answer.redirected) { return { ok: false, status: answer.status }; }
    return answer.clone().json().then(function (body) {
      return caches.open(CACHE).then(function (cache) {
        return cache.put(KIT_KEY, answer).then(function () {
          kit = indexed(body);
          kitRead = Promise.resolve(kit);
          var wanted = body.pages.concat(body.urls);
          Object.keys(body.layers).forEach(function (path) {
            body.layers[path].forEach(function (piece) { wanted.push(piece.url); });
          });
          return fill(cache, wanted, kit.maxAgeMs);
        });
      });
    });
  });
}

function fill(cache, urls, maxAgeMs) {
  var queue = urls.slice(), result = { ok: true, kept: 0, failed: 0 };
  function next() {
    var url = queue.shift();
    if (url === undefined) { return Promise.resolve(); }
    return cache.match(url, { ignoreVary: true }).then(function (old) {
      if (old && fresh(old, maxAgeMs)) { result.kept += 1; return; }
      return fetch(url, { credentials: "same-origin" }).then(function (answer) {
        if (answer.ok && !answer.redirected) { result.kept += 1; return cache.put(url, answer); }
        result.failed += 1;
      }, function () { result.failed += 1; });
    }).then(next);
  }
  var workers = [];
  for (var i = 0; i < PARALLEL; i++) { workers.push(next()); }
  return Promise.all(workers).then(function () {
    result.ok = result.failed === 0;
    return result;
  });
}

function fresh(response, maxAgeMs) {
  var date = Date.parse(response.headers.get("Date") || "");
  return !isNaN(date) && Date.now() - date < maxAgeMs;
}

// -- answering ------------------------------------------------------------------------------------
// How to answer a request the kit knows (a function of (event, url)), or null to leave it alone.
function handler(k, request, url) {
  if (request.mode === "navigate") {
    return k.pages.indexOf(url.pathname) >= 0 ? networkFirst(url.origin + url.pathname) : null;
  }
  if (k.layers[url.pathname]) { return layerAnswer(k.layers[url.pathname]); }
  return k.urls.indexOf(url.href) >= 0 ? networkFirst(url.href) : null;
}

// The network's answer (kept when good), else the kept copy under `key`.
function networkFirst(key) {
  return function (event) {
    function kept(failure) {
      return caches.open(CACHE)
        .then(function (cache) { return cache.match(key, { ignoreVary: true }); })
        .then(function (copy) {
          if (copy) { return copy; }
          if (failure instanceof Response) { return failure; }
          throw failure;
        });
    }
    return fetch(event.request).then(function (answer) {
      if (answer.status >= 500) { return kept(answer); }
      if (answer.ok && answer.type === "basic" && kit) {  // not a redirect to sign in; not after "forget"
        var copy = answer.clone();
        event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(key, copy); }));
      }
      return answer;
    }, kept);
  };
}

// A map view's layer: from the network, else what the kept pieces under the view hold of it.
function layerAnswer(pieces) {
  return function (event, url) {
    return fetch(event.request).catch(function (failure) {
      return fromPieces(pieces, url).then(function (body) {
        if (!body) { throw failure; }
        return new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
      });
    });
  };
}

function fromPieces(pieces, url) {
  var view = (url.searchParams.get("bbox") || "").split(",").map(Number);
  if (view.length !== 4 || view.some(isNaN)) { return Promise.resolve(null); }
  var under = pieces.filter(function (p) { return overlaps(p.bbox, view); });
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(under.map(function (p) {
      return cache.match(p.url).then(function (kept) { return kept ? kept.json() : null; });
    }));
  }).then(function (answers) {
    var found = answers.filter(Boolean), seen = {}, features = [];
    if (!found.length) { return null; }
    found.forEach(function (answer) {
      answer.features.forEach(function (f) {  // a feature on a piece's edge is in both: once
        var id = f.id !== undefined ? f.id : JSON.stringify(f.geometry);
        if (seen[id]) { return; }
        seen[id] = true;
        if (overlaps(bounds(f.geometry), view)) { features.push(f); }
      });
    });
    return { type: "FeatureCollection", features: features, offline: true };
  });
}

function overlaps(a, b) {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

// [west, south, east, north] of a GeoJSON geometry.
function bounds(geometry) {
  var box = [Infinity, Infinity, -Infinity, -Infinity];
  (function walk(c) {
    if (typeof c[0] === "number") {
      box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
      return;
    }
    c.forEach(walk);
  })(geometry.coordinates);
  return box;
}
