"""编辑边界 in a real browser (issue #7): a leader opens a demo community's outline, drags a vertex
of the edge it shares with its neighbour into the neighbour with the mouse, and is refused (the
overlap named, nothing saved); then opens the neighbour too, drags its vertex to the same place
(snapping to the first), previews the two outlines and saves them as one change set."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Point

from geodata.geo.geometry import from_metric, to_metric
from tests.support.browser import ARTIFACTS, map_xy, signed_in_page, wait_edit_idle, wait_ready
from tests.support.places import moved_vertex, shared_vertex
from tests.support.portal_map import draw_box
from tests.support.web import serving
from webmap import get_store

MOVE_M = 10.0  # far enough to drag on the screen, and not to snap back onto the old edge


def _plan(demo) -> dict:
    app, _ = demo
    with app.app_context():
        store = get_store()
        county = store.list_counties()[0]
        a, b, v, near = shared_vertex(store, county)
        epsg = store.county_epsg(county.id)
    p, q = shapely.get_coordinates(to_metric(shapely.points([v, near]), epsg))
    to = from_metric(Point(p + (q - p) / np.hypot(*(q - p)) * MOVE_M), epsg).coords[0]
    assert (
        b.geom.contains(Point(to))
        and moved_vertex(a.geom, v, to).is_valid
        and moved_vertex(b.geom, v, to).is_valid
    )
    inside = a.geom.buffer(-0.0002).representative_point()  # ~20 m from any edge of a
    return {"a": a, "b": b, "vertex": v, "to": to, "inside": (inside.y, inside.x), "epsg": epsg}


def _drag(page, start, end) -> None:
    """Press on a vertex (lat, lon), drag it to ``end``, let go."""
    x0, y0 = map_xy(page, *start)
    x1, y1 = map_xy(page, *end)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=8)
    page.mouse.up()


def test_a_shared_edge_is_moved_on_both_sides_and_one_side_alone_is_refused(demo, browser):
    app, passwords = demo
    plan = _plan(demo)
    a, b = plan["a"], plan["b"]
    vertex, to = (plan["vertex"][1], plan["vertex"][0]), (plan["to"][1], plan["to"][0])  # (lat, lon)
    with serving(app) as base:
        page = signed_in_page(browser, base, "leader", path="/portal/edit", password=passwords["leader"])
        wait_ready(page)
        page.evaluate("(c) => { window.portalMap.setView(c, 18, {animate: false}); }", list(plan["inside"]))
        wait_ready(page)
        page.uncheck("input[name=kind][value=segment]")
        page.check("input[name=kind][value=community]")
        draw_box(page, plan["inside"])
        wait_edit_idle(page)
        page.click(f"#edit-caught button[data-outline='{a.id}']")
        page.wait_for_selector("#outline-preview")
        wait_edit_idle(page)
        page.evaluate("(c) => { window.portalMap.setView(c, 19, {animate: false}); }", list(vertex))

        _drag(page, vertex, to)
        page.click("#outline-preview")
        wait_edit_idle(page)
        refused = page.inner_text("#edit-message")
        assert "重叠" in refused and b.name in refused, refused
        assert page.locator("#outline-zones").count() == 0

        page.click(f"button[data-also='{b.id}']")
        _drag(page, vertex, to)
        page.click("#outline-preview")
        page.wait_for_selector("#outline-zones tbody tr")
        assert sorted(
            int(i)
            for i in page.eval_on_selector_all("#outline-zones tbody tr", "rs => rs.map((r) => r.dataset.id)")
        ) == sorted([a.id, b.id])
        page.screenshot(path=str(ARTIFACTS / "edit-outline.png"))
        page.fill("#edit-reason", "社区边界调整")
        page.click("#outline-save")
        page.wait_for_selector("#edit-message .done")
        assert "已保存新边界" in page.inner_text("#edit-message")

        after = page.request.get(f"{base}/api/v1/zones/{a.id}/edit-context").json()["zone"]["geometry"]
        corners = to_metric(
            shapely.points(shapely.get_coordinates(shapely.geometry.shape(after))), plan["epsg"]
        )
        target, start = to_metric(shapely.points([plan["to"], plan["vertex"]]), plan["epsg"])
        # Where it was let go, or on a street or edge it snapped to (15 px at zoom 19: ~4 m).
        assert min(shapely.distance(corners, target)) < 4.5
        assert min(shapely.distance(corners, start)) > MOVE_M / 2  # the old vertex is gone

        page.click("#edit-message a")  # the change set's page: both outlines, before and after
        page.wait_for_selector("#change-set-outlines")
        ids = page.eval_on_selector_all(
            "#change-set-outlines tbody tr", "rs => rs.map((r) => Number(r.dataset.id))"
        )
        assert sorted(ids) == sorted([a.id, b.id]) and "改回调整前的边界" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "change-set-outlines.png"), full_page=True)

        # 撤销: both outlines drawn back as they were, as a new change set that says so.
        edited = page.url.rsplit("/", 1)[1]
        page.click("#revert-form button")
        page.wait_for_url(lambda url: url.rsplit("/", 1)[1] not in (edited, ""))
        assert f"撤销 #{edited}" in page.inner_text("h1") and page.locator("#revert-form").count() == 0
        for zone in (a, b):
            back = page.request.get(f"{base}/api/v1/zones/{zone.id}/edit-context").json()["zone"]["geometry"]
            assert shapely.equals_exact(shapely.geometry.shape(back), zone.geom, tolerance=1e-9)
        assert page.errors == [] and page.outside == []
