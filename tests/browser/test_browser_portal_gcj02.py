"""The leaders' map over a GCJ-02 basemap, in a real browser: the map projects through L.CRS.GCJ02,
its vector tiles come shifted for display (crs=gcj02), a case is drawn and clicked where the basemap
has its place, and every coordinate the map reports is WGS-84 again. The basemap is served by the
test itself on the portal's address, so nothing leaves 127.0.0.1."""

from __future__ import annotations

import base64

import numpy as np

from geodata.geo import gcj02
from tests.support.browser import ARTIFACTS, signed_in_page, wait_ready
from tests.support.portal_map import WIDE, click_map_at, go_to
from tests.support.web import serving
from webmap.basemap import basemap_choices

# A 1 × 1 pale yellow PNG: the "basemap" every tile request gets.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4/+8/AAX+Av4N70a4AAAAAElFTkSuQmCC"
)


def test_over_a_gcj02_basemap_cases_are_drawn_and_clicked_where_the_basemap_has_them(tiled_demo, browser):
    app, password, places = tiled_demo
    case = places["case"]
    before = app.extensions["portal_basemaps"]
    with serving(app) as base:
        app.extensions["portal_basemaps"] = basemap_choices(f"gcj02:{base}/basemap/{{z}}/{{x}}/{{y}}.png")
        try:
            page = signed_in_page(browser, base, "leader", path="/cases", password=password, **WIDE)
            asked: list[str] = []
            page.on("request", lambda r: asked.append(r.url))
            page.route("**/basemap/**", lambda r: r.fulfill(body=PNG, content_type="image/png"))
            page.goto(f"{base}/portal")
            wait_ready(page)
            assert page.evaluate("() => window.portalMap.options.crs.code") == "GCJ02"
            _same_formula_as_the_server(page)
            go_to(page, case.geom.y, case.geom.x, 18)
            assert any("/basemap/18/" in u for u in asked)
            tiles = [u for u in asked if ".mvt" in u]  # not /static/portal/tiles/, our modules
            assert tiles and all("crs=gcj02" in u for u in tiles)
            # The case's WGS-84 place is drawn ~900 px (at zoom 18) from where a plain Web Mercator
            # map would put it: where the GCJ-02 basemap has that place.
            moved = page.evaluate(
                """([lat, lon]) => {
                    const here = window.portalMap.options.crs.latLngToPoint(L.latLng(lat, lon), 18);
                    const plain = L.CRS.EPSG3857.latLngToPoint(L.latLng(lat, lon), 18);
                    return [here.x - plain.x, here.y - plain.y];
                }""",
                [case.geom.y, case.geom.x],
            )
            dlon, dlat = gcj02.offset(case.geom.x, case.geom.y)
            assert moved[0] > 500 and moved[1] > 300  # east and south (dlon > 0, dlat < 0)
            assert float(dlon) > 0 > float(dlat)
            # Clicked there, the case's own popup opens: the shifted tile drew it under the pointer.
            text = click_map_at(page, case.geom.y, case.geom.x)
            assert f"案件 #{case.id}" in text
            # What the map reports is WGS-84: a pixel turned back into a place lands on the case.
            back = page.evaluate(
                """([lat, lon]) => {
                    const map = window.portalMap;
                    const p = map.containerPointToLatLng(map.latLngToContainerPoint([lat, lon]));
                    return [p.lat, p.lng];
                }""",
                [case.geom.y, case.geom.x],
            )
            assert np.allclose(back, [case.geom.y, case.geom.x], atol=1e-7)
            page.screenshot(path=str(ARTIFACTS / "portal-gcj02.png"))
            assert page.errors == [] and page.outside == []
        finally:
            app.extensions["portal_basemaps"] = before


def _same_formula_as_the_server(page) -> None:
    """gcj02.js and geodata/geo/gcj02.py agree, both ways, across China."""
    points = np.random.default_rng(4).uniform((100, 20), (125, 45), (20, 2))
    browser = np.array(
        page.evaluate(
            "(pts) => pts.map(([x, y]) => L.CRS.GCJ02.fromWgs84(x, y).concat(L.CRS.GCJ02.toWgs84(x, y)))",
            points.tolist(),
        )
    )
    forward = np.column_stack(gcj02.from_wgs84(points[:, 0], points[:, 1]))
    inverse = np.column_stack(gcj02.to_wgs84(points[:, 0], points[:, 1]))
    assert np.abs(browser[:, :2] - forward).max() < 1e-9
    assert np.abs(browser[:, 2:] - inverse).max() < 1e-9
