"""The leaders' map of the demo county in a real browser (Playwright, Debian's Chromium): 社区,
单元网格, 路段 and 问题 and 审核队列 come as vector tiles; every layer of the layer switcher goes on
and off with its drawing and its legend entry; roads are painted by the kind of their lead unit,
as the legend lists them (test_browser_portal_popups.py has what a click and the pointer show).
Nothing is fetched from outside 127.0.0.1 and no script fails.
"""

from __future__ import annotations

from layers.roads import UNGUARDED_COLOUR, kind_colour, kind_name, unit_colour
from tests.support.browser import overlay, painted_tiles, signed_in_page, wait_ready
from tests.support.portal_map import WIDE, go_to, map_view, switch_layer
from tests.support.web import serving


def _legend(page) -> set[str]:
    """The layers whose part of the legend shows."""
    return set(
        page.eval_on_selector_all(
            ".portal-legend [data-layer]:not([hidden])", "els => els.map(e => e.dataset.layer)"
        )
    )


def _status(page) -> str:
    return page.inner_text(".portal-status")


def _count(page, selector: str) -> int:
    return page.locator(selector).count()


# -- the layers -----------------------------------------------------------------------------------
class Asked(list):
    """The URLs (without the base) a page asked for."""

    def tiles(self, path: str, query: str = "") -> list[str]:
        """Tiles asked for under /tiles/``path``, with ``query`` in the URL."""
        return [u for u in self if u.startswith(f"/tiles/{path}") and query in u]


def test_every_layer_goes_on_and_off_with_its_legend(tiled_demo, browser):
    app, password, places = tiled_demo
    with serving(app) as base:
        page = signed_in_page(browser, base, "leader", password=password)
        asked = Asked()
        page.on("request", lambda r: asked.append(r.url.removeprefix(base)))
        page.reload()
        wait_ready(page)
        start = map_view(page)
        _first_view(page, places, asked)
        _communities(page)
        _roads(page, places)
        _incidents(page, places, asked)
        _grid_cells(page, places, asked)
        go_to(page, start[0], start[1], start[2] - 1)  # the county and a margin: every queued case in view
        _review_queue(page, places, asked)
        _heat_scores_and_gaps(page)
        _unit_posts(page, places["road"]["unit"])
        assert page.errors == [] and page.outside == []


def _first_view(page, places, asked) -> None:
    """On at first: 社区, 路段, 问题, as tiles (no GeoJSON of them), with their legend parts."""
    assert asked.tiles("zones") and asked.tiles("roads") and asked.tiles("incidents")
    geojson = ("/api/v1/layers/zones", "/api/v1/layers/roads", "/api/v1/layers/incidents")
    assert not [u for u in asked if u.startswith(geojson)]
    assert _legend(page) == {"zones", "roads", "incidents"}
    assert "单元网格" not in page.inner_text(".portal-legend")
    labels = page.locator(".zone-label").all_inner_texts()
    assert len(labels) == len(set(labels)) >= 10 and set(labels) <= places["communities"]
    assert f"视图内问题 {places['total']:,} 件" in _status(page)  # the whole county is in view


def _communities(page) -> None:
    assert painted_tiles(page, "portal-zones") >= 4
    switch_layer(page, "社区", False)
    assert _count(page, ".leaflet-portal-zones-pane canvas") == 0 and _count(page, ".zone-label") == 0
    assert "zones" not in _legend(page)
    switch_layer(page, "社区", True)
    assert painted_tiles(page, "portal-zones") >= 4 and _count(page, ".zone-label") >= 10
    assert "zones" in _legend(page)


def _roads(page, places) -> None:
    """路段, in the colour of the kind of unit leading them."""
    colour = unit_colour(places["road"]["unit"])
    assert painted_tiles(page, "portal-roads", colour) >= 1 and "未分配路段" in _status(page)
    switch_layer(page, "路段", False)
    assert _count(page, ".leaflet-portal-roads-pane canvas") == 0 and "未分配路段" not in _status(page)
    assert "roads" not in _legend(page)
    switch_layer(page, "路段", True)
    assert painted_tiles(page, "portal-roads", colour) >= 1 and "roads" in _legend(page)


def _incidents(page, places, asked) -> None:
    """问题: clusters with their counts, narrowed by the filter panel."""
    clusters = ".leaflet-portal-clusters-pane .incident-cluster"
    assert _count(page, clusters) >= 10
    shown = sum(int(t.replace(",", "")) for t in page.locator(clusters).all_inner_texts())
    assert 0 < shown <= places["total"]
    switch_layer(page, "问题", False)
    assert _count(page, clusters) == 0 and "视图内问题" not in _status(page)
    assert "incidents" not in _legend(page)
    switch_layer(page, "问题", True)
    assert _count(page, clusters) >= 10 and "incidents" in _legend(page)
    # Asked again with the filter, at the tile zoom (the map stands between whole zoom levels
    # here), counted again; and back.
    page.click("#portal-filters summary")
    page.select_option("#portal-filters select[name=category]", "parking")
    wait_ready(page)
    narrowed = asked.tiles("incidents", "category=parking")
    assert narrowed and all(u.split("/")[3].isdigit() for u in narrowed)
    assert f"视图内问题 {places['parking']:,} 件" in _status(page)
    page.click("#portal-filters button:has-text('清除筛选')")
    wait_ready(page)
    assert f"视图内问题 {places['total']:,} 件" in _status(page)
    page.click("#portal-filters summary")


def _grid_cells(page, places, asked) -> None:
    """单元网格: from zoom 15 only (the switch is greyed out before)."""
    assert overlay(page, "单元网格").is_disabled()
    c = places["community"]
    go_to(page, c["lat"], c["lon"], 16)
    switch_layer(page, "单元网格", True)
    assert asked.tiles("zones/16/") and painted_tiles(page, "portal-grid") >= 1
    assert "grid" in _legend(page)
    # 社区 and 单元网格 draw the same zones tiles: each is asked for once, not once a layer.
    del asked[:]
    go_to(page, c["lat"] + 0.01, c["lon"] + 0.01, 16)
    zones = asked.tiles("zones/16/")
    assert zones and len(zones) == len(set(zones)) and painted_tiles(page, "portal-grid") >= 1
    switch_layer(page, "单元网格", False)
    assert _count(page, ".leaflet-portal-grid-pane canvas") == 0 and "grid" not in _legend(page)


def _review_queue(page, places, asked) -> None:
    """审核队列: the filed and the handled cases, each its own tiles and colour."""
    switch_layer(page, "审核队列", True)
    assert asked.tiles("incidents", "status=filed") and asked.tiles("incidents", "status=handled")
    assert _count(page, ".review-cluster") >= 10
    queues = places["queues"]
    assert f"审核队列：待派发 {queues['filed']:,} 件、待核查 {queues['handled']:,} 件" in _status(page)
    assert "review" in _legend(page) and "待派发" in page.inner_text(".portal-legend")
    switch_layer(page, "审核队列", False)
    assert _count(page, ".review-cluster") == 0 and "审核队列" not in _status(page)
    assert "review" not in _legend(page)


def _heat_scores_and_gaps(page) -> None:
    """热力图, 考核得分 (with its month picker) and 覆盖缺口: GeoJSON of the viewport."""
    for title, name, drawn, said in (
        ("热力图", "heat", "canvas.leaflet-heatmap-layer", "热力图 "),
        ("考核得分", "scores", ".leaflet-portal-scores-pane path", "考核月份"),
        ("考核得分", "scores", ".leaflet-portal-scores-pane path", "考核得分 "),  # how many, in the status
        ("覆盖缺口", "coverage", ".leaflet-portal-coverage-pane path", "视图内覆盖缺口"),
    ):
        switch_layer(page, title, True)
        assert _count(page, drawn) >= 1 and name in _legend(page), title
        assert said in _status_and_month(page), title
        switch_layer(page, title, False)
        assert _count(page, drawn) == 0 and name not in _legend(page), title
        assert said not in _status_and_month(page), title


def _status_and_month(page) -> str:
    month = page.locator(".portal-month")
    return _status(page) + (month.inner_text() if month.count() else "")


def _unit_posts(page, unit) -> None:
    """单位责任区: empty until a unit is picked, then that unit's roads and zones."""
    switch_layer(page, "单位责任区", True)
    assert "unit" in _legend(page) and _count(page, ".leaflet-portal-focus-pane path") == 0
    page.click("#portal-filters summary")
    page.select_option("#portal-show-unit", unit.code)
    page.click("#portal-filters summary")
    page.wait_for_function(
        f"() => document.querySelector('.portal-status').textContent.includes('{unit.name}：')"
    )
    wait_ready(page)
    assert _count(page, ".leaflet-portal-focus-pane path") >= 1
    switch_layer(page, "单位责任区", False)
    assert _count(page, ".leaflet-portal-focus-pane path") == 0 and "unit" not in _legend(page)
    assert f"{unit.name}：" not in _status(page)


# -- roads by the kind of their lead unit -----------------------------------------------------------
# The stroke colour of every road drawn on the map's tiles (a searched road's halo is drawn first,
# under its line: each feature keeps the style it was drawn with last), and how many have each.
ROAD_STROKES = """() => {
    const strokes = {};
    window.portalMap.eachLayer((layer) => {
        if (layer.options.pane !== "portal-roads" || !layer._vectorTiles) return;
        for (const tile of Object.values(layer._vectorTiles)) {
            for (const road of Object.values(tile._layers)) {
                strokes[road.options.color] = (strokes[road.options.color] || 0) + 1;
            }
        }
    });
    return strokes;
}"""


def test_roads_are_painted_by_the_kind_of_their_lead_unit(tiled_demo, browser):
    """The demo's bureaus and committees lead roads in two colours, 职能部门's and 社区居委会's, and
    the gaps are grey; the legend lists those kinds with how many units and segments each, and
    names no unit."""
    app, password, places = tiled_demo
    kinds = places["road_kinds"]
    assert set(kinds) == {"bureau", "community"}
    with serving(app) as base:
        page = signed_in_page(browser, base, "leader", password=password, **WIDE)
        wait_ready(page)
        strokes = page.evaluate(ROAD_STROKES)
        assert set(strokes) == {kind_colour(k) for k in kinds} | {UNGUARDED_COLOUR}, strokes
        for colour in strokes:
            assert painted_tiles(page, "portal-roads", colour) >= 1, colour
        entries = page.locator(".portal-legend [data-layer=roads] li").all_inner_texts()
        assert len(entries) == len(kinds) + 1 and "未分配" in entries[-1]
        for entry, (kind, (units, segments)) in zip(entries, kinds.items(), strict=False):
            assert entry.startswith(kind_name(kind)) and f"{units} 个单位 · {segments} 段" in entry, entry
        legend = page.inner_text(".portal-legend [data-layer=roads]")
        assert not [name for name in places["unit_names"] if name in legend]
        assert page.errors == [] and page.outside == []
