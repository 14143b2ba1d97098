"""The browser tests' fixtures: Debian's Chromium driven by Playwright, every wait bounded by one
default timeout (tests/support/browser.py), and the demo with its grid cut for the map's tests. The app fixtures (``app``, ``live_server``, ``demo``)
are in tests/conftest.py."""

from __future__ import annotations

import pytest

from geodata.grids.make import make_grid
from tests.support.browser import Chromium, missing
from tests.support.portal_map import demo_places
from webmap import get_store
from webmap.chromium import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        missing(f"playwright is not installed ({exc})")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield Chromium(browser)
        browser.close()


DEMO_CODE = "440304"


@pytest.fixture(scope="module")
def tiled_demo(demo):
    """The demo county with its unit grid cut (the demo has communities only) and the places to
    click, found through the store: (app, the leader's password, places)."""
    app, passwords = demo
    with app.app_context():
        store = get_store()
        county = store.get_county(DEMO_CODE)
        make_grid(store, county)
        places = demo_places(store, county)
    return app, passwords["leader"], places
