"""``flask --app app monthly-report``: the county's monthly report (月度报告, webmap/reports.py) as
one self-contained HTML file or an A4 PDF, with a progress line per step; in Chinese, or in English
with ``--lang en`` (the page, its charts and so the PDF: texts ``cases.monthly.*`` of
webmap/texts/cases.py). The same report is downloaded from /scores/report.<html|pdf>."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app

from geodata.errors import InvalidInput
from geodata.model import LANGS
from layers.report import month_zh, monthly_report
from layers.scores import checked_month
from webmap import get_store
from webmap.cli.common import chosen_county, county_option, refusals_as_errors
from webmap.reports import chart_images, print_pdf, render_html


@click.command("monthly-report")
@county_option
@click.option("--month", required=True, help="the month, YYYY-MM (this one or an earlier one)")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="report.html or report.pdf")
@click.option("--unit", "units", multiple=True, help="a unit code the score trend follows (repeatable)")
@click.option(
    "--lang", type=click.Choice(LANGS), default=LANGS[0], show_default=True, help="the report's language"
)
@refusals_as_errors
def monthly_report_command(
    county_code: str | None, month: str, out: str, units: tuple[str, ...], lang: str
) -> None:
    """Write the monthly report of MONTH: summary, unit ranking, score map, trends, problem spots,
    overdue cases and the exposure list, in Chinese (or English: --lang en)."""
    path = Path(out)
    if path.suffix.lower() not in (".html", ".pdf"):
        raise InvalidInput(
            f"--out 应以 .html 或 .pdf 结尾，而不是 {path.name!r}",
            en=f"--out must end in .html or .pdf, not {path.name!r}",
        )
    checked_month(month)
    store = get_store()
    county = store.get_county(chosen_county(county_code))
    steps = 4 if path.suffix.lower() == ".pdf" else 3
    done = _stepper(steps)
    report = monthly_report(store, county, month, list(units) or None)
    done("汇总数据 gathering the figures")
    with in_language(lang):
        images = chart_images(store, report, chosen=bool(units))
        done("绘制图表 drawing the charts")
        html = render_html(report, images)
    done("生成 HTML rendering the page")
    if path.suffix.lower() == ".pdf":
        data = print_pdf(html, lang)
        done("打印 PDF printing with Chromium")
        _write(path, data)
    else:
        _write(path, html.encode("utf-8"))
    click.echo(
        f"wrote {path} ({path.stat().st_size / 1024:,.0f} KB): {county.name} {month_zh(month)}月度报告"
    )


@contextmanager
def in_language(lang: str):
    """Render in ``lang``: the texts (``t``) follow a request's ``lang``, so one is made up."""
    with current_app.test_request_context("/", query_string={"lang": lang}):
        yield


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
