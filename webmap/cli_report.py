"""``flask --app app monthly-report``: the county's monthly report (月度报告) as one self-contained
HTML file or, printed by headless Chromium, an A4 PDF."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import click
from flask import render_template

from geodata.assignments import COUNTY_TZ
from geodata.errors import InvalidInput
from layers.report import KIND_ZH, MonthlyReport, month_zh, monthly_report
from layers.scores import checked_month
from webmap import get_store
from webmap.chromium import launch
from webmap.cli import _county, county_option, refusals_as_errors

TEMPLATE = "report/monthly.html"


@click.command("monthly-report")
@county_option
@click.option("--month", required=True, help="the month, YYYY-MM (this one or an earlier one)")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="report.html or report.pdf")
@click.option("--unit", "units", multiple=True, help="a unit code the score trend follows (repeatable)")
@refusals_as_errors
def monthly_report_command(county_code: str | None, month: str, out: str, units: tuple[str, ...]) -> None:
    """Write the monthly report of MONTH: summary, unit ranking, score map, trends, problem spots,
    overdue cases and the exposure list, in Chinese."""
    path = Path(out)
    if path.suffix.lower() not in (".html", ".pdf"):
        raise InvalidInput(
            f"--out 应以 .html 或 .pdf 结尾，而不是 {path.name!r}",
            en=f"--out must end in .html or .pdf, not {path.name!r}",
        )
    checked_month(month)
    store = get_store()
    county = store.get_county(_county(county_code))
    steps = 4 if path.suffix.lower() == ".pdf" else 3
    done = _stepper(steps)
    report = monthly_report(store, county, month, list(units) or None)
    done("汇总数据 gathering the figures")
    from layers.report_charts import report_charts  # matplotlib: loaded only when drawing

    images = {k: base64.b64encode(v).decode("ascii") for k, v in report_charts(report).items()}
    done("绘制图表 drawing the charts")
    html = render_html(report, images)
    done("生成 HTML rendering the page")
    if path.suffix.lower() == ".pdf":
        data = print_pdf(html)
        done("打印 PDF printing with Chromium")
        _write(path, data)
    else:
        _write(path, html.encode("utf-8"))
    click.echo(
        f"wrote {path} ({path.stat().st_size / 1024:,.0f} KB): {county.name} {month_zh(month)}月度报告"
    )


def render_html(report: MonthlyReport, images: dict[str, str]) -> str:
    """The report page; ``images``: base64 PNGs by name (map, cases, units)."""
    unscored = [u.name for u in report.scores.units if u.score is None]
    return render_template(
        TEMPLATE, r=report, s=report.summary, images=images, kinds=KIND_ZH, tz=COUNTY_TZ,
        month_title=month_zh(report.month), unscored=unscored,
    )  # fmt: skip


def print_pdf(html: str) -> bytes:
    """``html`` printed to A4 by headless Chromium; no network (the page needs none)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(locale="zh-CN")
            page.route("**/*", lambda r: r.abort() if r.request.url.startswith("http") else r.continue_())
            page.set_content(html, wait_until="load")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file beside ``path``: a failed run leaves no half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)


def _stepper(total: int):
    """A progress line per finished step, with the seconds it took."""
    n, last = 0, time.perf_counter()

    def done(label: str) -> None:
        nonlocal n, last
        n += 1
        now = time.perf_counter()
        click.echo(f"[{n}/{total}] {label} ({now - last:.1f} s)")
        last = now

    return done
