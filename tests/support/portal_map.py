"""What the browser tests of the leaders' map share: its wide window, the demo's places to click
(a road standing alone, a community, a lone case …, found through the store), moving the map,
switching a layer, clicking a place and drawing with Geoman's rectangle tool. The ``tiled_demo``
fixture that cuts the demo's grid is in tests/browser/conftest.py."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import shapely

from layers.roads import OTHER_KIND, UNIT_KINDS, unit_kind
from tests.support.browser import map_xy, overlay, wait_ready

WIDE = {"viewport": {"width": 1600, "height": 900}, "locale": "zh-CN"}
ALONE_DEG = 0.0002  # ~20 m: nothing else within this of a case we click (33 px at zoom 18)


def demo_places(store, county) -> dict:
    cid = county.id
    units = {u.id: u for u in store.list_units(cid)}
    segments = store.list_segments(cid)
    leads = store.lead_units(cid, "segment", [s.id for s in segments], [datetime.now(UTC)] * len(segments))
    tree = shapely.STRtree([s.geom for s in segments])
    road = None
    for segment, lead in zip(segments, leads, strict=True):
        middle = segment.geom.interpolate(0.5, normalized=True)
        if lead and segment.name and len(tree.query(middle, "dwithin", 0.0003)) == 1:
            road = {"name": segment.name, "unit": units[lead], "lon": middle.x, "lat": middle.y}
            break
    community = store.list_zones(cid, kind="community")[0]
    (community_lead,) = store.lead_units(cid, "zone", [community.id], [datetime.now(UTC)])
    inside = community.geom.representative_point()
    (cell,) = [z for z in store.list_zones(cid, kind="grid") if z.geom.covers(inside)]
    incidents = store.list_incidents(cid, duplicates=False)
    categories = {c.code: c.name_zh for c in store.list_categories()}
    return {
        "road": road,
        "road_kinds": _road_kinds([units[lead] for lead in leads if lead is not None]),
        "unit_names": {u.name for u in units.values()},
        "community": {
            "zone": community,
            "lon": inside.x,
            "lat": inside.y,
            "cell": cell,
            "lead": units[community_lead].name if community_lead else "无（覆盖缺口）",
        },
        "case": _alone(incidents, lambda i: i.status == "dispatched"),
        "filed": _alone(
            [i for i in incidents if i.status in ("filed", "handled")], lambda i: i.status == "filed"
        ),
        "categories": categories,
        "communities": {z.name for z in store.list_zones(cid, kind="community")},
        "total": len(incidents),
        "parking": sum(i.category == "parking" for i in incidents),
        "queues": {s: sum(i.status == s for i in incidents) for s in ("filed", "handled")},
    }


def _road_kinds(leads: list) -> dict[str, tuple[int, int]]:
    """How many units of each kind lead roads, and how many segments (``leads``: a segment's lead
    unit each), in the order of UNIT_KINDS."""
    segments = Counter(unit_kind(u) for u in leads)
    units = Counter(unit_kind(u) for u in {u.id: u for u in leads}.values())
    return {k: (units[k], segments[k]) for k in (*UNIT_KINDS, OTHER_KIND) if segments[k]}


def _alone(incidents, wanted):
    """The first wanted incident with no other of ``incidents`` within ALONE_DEG."""
    points = shapely.points([(i.geom.x, i.geom.y) for i in incidents])
    tree = shapely.STRtree(points)
    for i, incident in enumerate(incidents):
        if wanted(incident) and len(tree.query(points[i], "dwithin", ALONE_DEG)) == 1:
            return incident
    raise AssertionError("the demo has no incident standing alone")


# -- helpers ------------------------------------------------------------------------------------
def go_to(page, lat: float, lon: float, zoom: float) -> None:
    page.evaluate(
        "([lat, lon, z]) => { window.portalMap.setView([lat, lon], z, {animate: false}); }", [lat, lon, zoom]
    )
    wait_ready(page)


def switch_layer(page, title: str, on: bool) -> None:
    box = overlay(page, title)
    box.check() if on else box.uncheck()
    wait_ready(page)


def map_view(page) -> list[float]:
    return page.evaluate(
        "() => { const m = window.portalMap, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"
    )


# -- helpers ------------------------------------------------------------------------------------
def close_popup(page) -> None:
    # A closed popup fades out before it leaves the page: wait, so as not to read it again.
    page.evaluate("() => { window.portalMap.closePopup(); }")
    page.wait_for_selector(".leaflet-popup", state="detached")


def click_map_at(page, lat: float, lon: float) -> str:
    """Click the map at the place; the popup's text."""
    x, y = map_xy(page, lat, lon)
    close_popup(page)
    covered = page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('.leaflet-control')", [x, y]
    )
    assert not covered, "a control of the map lies over the place to click"
    page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup-content")
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    return page.inner_text(".leaflet-popup-content")


def draw_box(page, centre, half_px: int = 12) -> None:
    """Geoman's rectangle tool: a small box around ``centre`` (lat, lon), two clicks."""
    x, y = map_xy(page, *centre)
    page.click(".leaflet-pm-icon-rectangle")
    page.mouse.click(x - half_px, y - half_px)
    page.mouse.click(x + half_px, y + half_px)
