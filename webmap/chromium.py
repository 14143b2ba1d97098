"""The headless Chromium the portal prints with (the monthly report's PDF), and the screenshots and
browser tests drive: Debian's ``/usr/bin/chromium`` when installed, else Playwright's own."""

from __future__ import annotations

from pathlib import Path

from geodata.errors import ConfigError

CHROMIUM = Path("/usr/bin/chromium")
# --lang: the browser's own words (date pickers, file buttons) in Chinese, as on a county's PCs.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--lang=zh-CN"]  # fmt: skip


def launch(playwright):
    """A headless browser from ``sync_playwright()``; ConfigError saying how to get one."""
    if CHROMIUM.exists():
        return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        return playwright.chromium.launch(args=CHROMIUM_ARGS)
    except Exception as exc:  # Playwright's browser not downloaded: its error is pages long
        raise ConfigError(
            f"没有可用于打印的 Chromium：请安装 Debian 的（apt-get install chromium，位于 {CHROMIUM}）或 Playwright 的（python -m playwright install chromium）",
            en=f"No Chromium to print with: install Debian's (apt-get install chromium, at {CHROMIUM}) "
            "or Playwright's (python -m playwright install chromium)",
        ) from exc
