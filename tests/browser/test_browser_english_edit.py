"""调整责任 in English in a real browser (issue #17 part 6): the panel edit.js builds, the freehand
button and Leaflet-Geoman's tools speak English to a leader who chose it; a selection, its
preview, the change applied and reverted say so in English, with the data's names as they are."""

from __future__ import annotations

from dataclasses import replace

from tests.support.browser import signed_in_page, wait_edit_idle, wait_ready
from tests.support.english import CJK, chinese_outside, data_names
from tests.support.web import COUNTY_CODE
from webmap import get_store


def test_the_editor_speaks_english(app, live_server, browser):
    with app.app_context():
        store = get_store()
        store.update_user(replace(store.get_user_by_name("leader1"), lang="en"))
        county = store.get_county(COUNTY_CODE)
        names = data_names(store, county.id)
        road = next(s for s in store.list_segments(county.id) if s.name == "福华路")
    page = signed_in_page(browser, live_server, "leader1", path="/portal/edit")
    wait_ready(page)
    panel = page.inner_text("#edit-panel")
    for english in ("Select by", "Touching", "Road segment", "Nothing selected yet.", "Change to",
                    "Responsible unit", "Lead unit", "Preview", "Apply", "Clear"):  # fmt: skip
        assert english in panel, english
    assert page.inner_text(".portal-freehand a") == "Freehand"
    tools = page.eval_on_selector_all(".leaflet-pm-toolbar a, .leaflet-pm-toolbar div[title]",
                                      "els => els.map((e) => e.title || e.parentElement.title)")  # fmt: skip
    assert tools and not [title for title in tools if CJK.search(title or "")], tools

    # A box around the road, handed to the page as Geoman hands a drawing.
    minx, miny, maxx, maxy = road.geom.bounds
    page.evaluate(
        """([s, w, n, e]) => { const layer = L.rectangle([[s, w], [n, e]]).addTo(window.portalMap);
            window.portalMap.fire("pm:create", { layer: layer, shape: "Rectangle" }); }""",
        [miny - 0.0003, minx - 0.0003, maxy + 0.0003, maxx + 0.0003],
    )
    page.wait_for_selector("#edit-caught-totals")
    wait_edit_idle(page)
    assert "Road segments: 1, 0.62 km in all" in page.inner_text("#edit-caught-totals")
    page.click("#edit-preview-button")
    assert "Choose the new responsible unit." in page.inner_text("#edit-message")
    page.select_option("#edit-unit", "U02")
    page.click("#edit-preview-button")
    page.wait_for_selector("#edit-diff tbody tr")
    preview = page.inner_text("#edit-preview")
    assert (
        "Preview: led by 交警大队 from" in preview
        and "Of the 1 selected, 1 change their lead unit" in preview
    )
    assert "城管执法局 → 交警大队" in preview and "Unit before → after" in preview
    assert "Give the reason for the change, then apply it." in page.inner_text("#edit-message")
    page.fill("#edit-reason", "年中调整")
    page.click("#edit-preview-button")
    page.wait_for_selector("#edit-diff tbody tr")
    page.click("#edit-apply")
    page.wait_for_selector("#edit-message .done")
    done = page.inner_text("#edit-message")
    assert "saved: the 1 selected are led by 交警大队 from" in done and "Revert this change" in done
    page.click("#edit-revert")
    page.wait_for_selector("#edit-message .done:has-text('reverted')")
    assert chinese_outside(page.inner_text("#edit-panel"), names | {"年中调整"}) == []
    assert page.errors == []
