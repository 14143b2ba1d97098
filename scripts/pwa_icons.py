"""Draw the web app manifest's PNG icons from the favicon (webmap/static/portal/favicon.svg) in
headless Chromium: 192 and 512 pixels as drawn, and a 512-pixel maskable one whose mark sits in
the middle 60 %, on the favicon's red to the edges, so a phone's round or squircle mask cuts only
background.

python -m scripts.pwa_icons
"""

from __future__ import annotations

import base64
from pathlib import Path

from webmap.chromium import launch

STATIC = Path(__file__).resolve().parents[1] / "webmap" / "static" / "portal"
RED = "#b3261e"  # the favicon's background


def main() -> None:
    from playwright.sync_api import sync_playwright

    svg = (STATIC / "favicon.svg").read_text(encoding="utf-8")
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    with sync_playwright() as p:
        browser = launch(p)
        for name, size, mark, background in (
            ("icon-192.png", 192, 1.0, "transparent"),
            ("icon-512.png", 512, 1.0, "transparent"),
            ("icon-maskable-512.png", 512, 0.6, RED),
        ):
            page = browser.new_page(viewport={"width": size, "height": size})
            side = round(size * mark)
            page.set_content(
                f"<body style='margin:0;background:{background};display:grid;place-items:center;"
                f"width:{size}px;height:{size}px'><img src='{src}' width='{side}' height='{side}'></body>"
            )
            page.screenshot(path=str(STATIC / name), omit_background=background == "transparent")
            page.close()
            print(f"saved {STATIC / name}")
        browser.close()


if __name__ == "__main__":
    main()
