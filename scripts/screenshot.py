"""Seed the demo in a scratch folder, sign in as the leader in headless Chromium, save the map.

python -m scripts.screenshot [--out docs/portal.png]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

from webmap import create_app
from webmap.chromium import launch
from webmap.serve import prepare


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/portal.png")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"database_url": f"sqlite:///{tmp}/demo.sqlite", "instance_path": tmp})
        demo = prepare(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            _shoot(f"http://127.0.0.1:{server.server_port}", demo.passwords["leader"], Path(args.out))
        finally:
            server.shutdown()
    print(f"saved {args.out}")


def _shoot(base: str, password: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
        page.goto(f"{base}/login?next=/portal")
        page.fill("#username", "leader")
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_selector("html[data-portal-ready='1']", timeout=30_000)
        # The map's tiles may come before the dashboard beside it has its figures.
        page.wait_for_selector("html[data-dashboard-ready='1']", timeout=30_000)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


if __name__ == "__main__":
    main()
