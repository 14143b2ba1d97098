"""The 调整责任 page (/portal/edit) as each kind of user gets it: leaders and administrators with
the change form, unit staff read-only, the public sent to sign in; the drawing tools and their
script come from the portal itself (npm), never a CDN."""

from __future__ import annotations

import json
import re

from tests.support.web import demo_client, off_site_urls


def _options(html: str) -> dict:
    return json.loads(re.search(r"startEdit\([^,]+, (\{.*?\})\);\n", html).group(1))


def test_leaders_get_the_form_and_staff_the_page_read_only(demo):
    leader, _ = demo_client(demo, "leader")
    page = leader.get("/portal/edit")
    assert page.status_code == 200 and "调整责任" in page.text and "只读" not in page.text
    options = _options(page.text)
    assert options["editable"] is True and {u["code"] for u in options["units"]} >= {"CGJ"}
    assert (
        options["api"]["postings"] == "/api/v1/postings" and options["api"]["revert"] == "/api/v1/change-sets"
    )
    assert "/vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.js" in page.text
    assert off_site_urls(page.text) == []
    assert leader.get("/vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.js").status_code == 200
    assert leader.get("/vendor/@geoman-io/leaflet-geoman-free/package.json").status_code == 404

    staff, _ = demo_client(demo, "staff")
    page = staff.get("/portal/edit")
    assert page.status_code == 200 and "只读" in page.text and _options(page.text)["editable"] is False


def test_the_public_is_sent_to_sign_in(demo):
    app, _ = demo
    answer = app.test_client().get("/portal/edit")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
