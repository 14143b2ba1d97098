"""``/portal`` in headless Chromium: bytes transferred for the page and all it loads, and the time
from navigation start to the first frame in which the map shows features."""

from __future__ import annotations

import statistics

from webmap.chromium import launch

VIEWPORT = {"width": 1440, "height": 900}
# Runs before the page's own scripts: on every animation frame (just before it is painted) look for
# a drawn feature in the map's panes (an SVG path, a marker, a canvas with a painted pixel) and keep
# the time of the first frame that has one, in ms since navigation start (performance.now()).
FIRST_DRAW = """
(() => {
  const painted = (c) => {
    try {
      const w = c.width, h = c.height;
      if (!w || !h) return false;
      const data = c.getContext("2d").getImageData(0, 0, w, h).data;
      for (let i = 3; i < data.length; i += 4 * 7) if (data[i]) return true;
    } catch (e) {}
    return false;
  };
  const drawn = () => {
    const pane = document.querySelector(".leaflet-map-pane");
    if (!pane) return false;
    for (const p of pane.querySelectorAll("path")) {
      const d = p.getAttribute("d");
      if (d && d !== "M0 0") return true;
    }
    if (pane.querySelector(".leaflet-marker-icon")) return true;
    for (const c of pane.querySelectorAll("canvas")) if (painted(c)) return true;
    return false;
  };
  const tick = () => {
    if (drawn()) { window.__firstDrawMs = performance.now(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""
TIMINGS = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  return {
    first_draw_ms: window.__firstDrawMs,
    html_ms: nav.responseEnd,
    dom_loaded_ms: nav.domContentLoadedEventEnd,
    first_paint_ms: fcp ? fcp.startTime : null,
  };
}
"""


def measure_portal(base: str, password: str, runs: int = 3, username: str = "leader") -> dict:
    """Sign in through the login form, then load ``/portal`` ``runs`` times, each in a fresh
    browser context (empty cache) carrying the session: medians of bytes and times."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            session = _sign_in(browser, base, username, password)
            results = [_one_load(browser, base, session) for _ in range(runs)]
        finally:
            browser.close()
    out = {k: _median([r[k] for r in results]) for k in results[0] if k != "largest"}
    out["largest"] = results[-1]["largest"]
    out["runs"] = runs
    return out


def _median(values: list) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _sign_in(browser, base: str, username: str, password: str) -> dict:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    _local_only(page, base)
    page.goto(f"{base}/login?next=/portal")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/portal", timeout=30_000)
    session = context.storage_state()
    context.close()
    return session


def _one_load(browser, base: str, session: dict) -> dict:
    """One cold load of /portal: until the map has drawn, the layers are loaded and the network is
    idle; bytes are the response bodies as sent (compressed when they were)."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", storage_state=session)
    page = context.new_page()
    _local_only(page, base)
    page.add_init_script(FIRST_DRAW)
    answers: list = []
    failed: list = []
    page.on("requestfinished", lambda request: answers.append(request))
    page.on("requestfailed", lambda request: failed.append(request))
    try:
        page.goto(f"{base}/portal", wait_until="load")
        if not page.url.startswith(f"{base}/portal"):
            raise SystemExit(f"/portal sent the browser to {page.url}: not signed in?")
        page.wait_for_function("() => window.__firstDrawMs !== undefined", timeout=60_000)
        page.wait_for_selector("html[data-portal-ready='1']", timeout=60_000)
        page.wait_for_load_state("networkidle")
        timings = page.evaluate(TIMINGS)
        sizes = [(r.sizes(), r.url) for r in answers]
    finally:
        context.close()
    bodies = [(s["responseBodySize"], url.removeprefix(base)) for s, url in sizes]
    return {
        "bytes": sum(b for b, _ in bodies),
        "header bytes": sum(s["responseHeadersSize"] for s, _ in sizes),
        "requests": len(sizes),
        "failed requests": len(failed),
        "largest": sorted(bodies, reverse=True)[:3],
        **timings,
    }


def _local_only(page, base: str) -> None:
    """Anything not from the portal itself is refused (no network here, and none on an intranet)."""
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
