"""The browser tests' fixture: Debian's Chromium driven by Playwright, every wait bounded by one
default timeout (tests/support/browser.py). The app fixtures (``app``, ``live_server``, ``demo``)
are in tests/conftest.py."""

from __future__ import annotations

import pytest

from tests.support.browser import Chromium, missing
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
