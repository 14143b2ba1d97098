/* On the sign-in page (after signing out, or when a session has ended): the pages and data the
 * field pages' service worker kept for offline use (sw.js, caches named portal-field…) are
 * deleted, so a phone handed to someone else keeps no page of the previous user. Records waiting in
 * the outbox (records.js) stay: they are only ever shown to and sent for the user who made them.
 */
function forget() {
  if (navigator.serviceWorker && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage({ type: "forget" });  // and what it knows of the kit
  }
  window.caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("portal-field") === 0; })
      .map(function (name) { return window.caches.delete(name); }));
  }).catch(function () {});
}

if ("caches" in window) { forget(); }
