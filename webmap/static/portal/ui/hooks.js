/* What the browser tests (tests/webmap/test_browser_*.py) watch and drive, set here and nowhere
 * else: these are test hooks, not an interface between our modules (those import each other).
 * - window.portalMap, reportMap, inspectMap, publicMap: a page's Leaflet map, which a test moves
 *   to a known place before it taps (also handy in the console);
 * - <html data-*> flags a test waits for: portal-ready (the leaders' map has every layer that is on
 *   loaded), dashboard-ready, edit-busy, public-ready, offline-ready.
 */

export function exposeMap(name, map) {
  window[name] = map;
}

export function setFlag(name, value) {
  document.documentElement.setAttribute("data-" + name, value);
}
