"""``flask --app app monthly-report``: the county's monthly report (月度报告) as one self-contained
HTML file or, printed by headless Chromium, an A4 PDF; in Chinese, or in English with
``--lang en`` (the page, its charts and so the PDF: texts ``cases.monthly.*`` of
webmap/texts/cases.py)."""

from __future__ import annotations

import base64
import calendar
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click
from flask import current_app, render_template

from geodata.assignments.postings import COUNTY_TZ
from geodata.errors import InvalidInput
from geodata.labels import ZONE_KIND_ZH
from geodata.model import LANGS
from layers.report import (
    NO_UNIT,
    SEGMENT_KIND,
    TREND_UNITS,
    UNNAMED_SEGMENT,
    MonthlyReport,
    month_zh,
    monthly_report,
)
from layers.scores import checked_month
from webmap import get_store
from webmap.chromium import launch
from webmap.cli.common import chosen_county, county_option, refusals_as_errors
from webmap.i18n import HTML_LANG, current_lang, month_name, t

TEMPLATE = "report/monthly.html"


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
    from layers.report_charts import report_charts  # matplotlib: loaded only when drawing

    with in_language(lang):
        shown = report if lang == LANGS[0] else _in_english(store, report, chosen=bool(units))
        charts = report_charts(shown, chart_labels() if lang != LANGS[0] else None)
        images = {k: base64.b64encode(v).decode("ascii") for k, v in charts.items()}
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


def render_html(report: MonthlyReport, images: dict[str, str]) -> str:
    """The report page in the current language (``in_language``); ``images``: base64 PNGs by name
    (map, cases, units)."""
    english = current_lang() == "en"
    unscored = [u.name for u in report.scores.units if u.score is None]
    # The report names kinds and categories in Chinese (layers/report.py): English pages rename them.
    spot_kinds = {SEGMENT_KIND: t("cases.monthly.segment")}
    spot_kinds |= {zh: t(f"cases.zone_kind.{k}") for k, zh in ZONE_KIND_ZH.items()} if english else {}
    categories = {c.name_zh: c.name_en for c in get_store().list_categories()} if english else {}
    return render_template(
        TEMPLATE, r=report, s=report.summary, images=images, tz=COUNTY_TZ, unscored=unscored,
        kinds={"zone": t("cases.zone_kind.community"), "segment": t("cases.monthly.segment")},
        spot_kinds=spot_kinds, categories=categories, unnamed=t("cases.unnamed_segment"),
        no_name=UNNAMED_SEGMENT, no_unit=NO_UNIT,
        month_title=month_name(report.month) if english else month_zh(report.month),
    )  # fmt: skip


def chart_labels() -> dict:
    """The charts' words in the current language (layers/report_charts.py ``LABELS``)."""
    return {
        "classes": [t(f"cases.chart.class{n}") for n in range(4)],
        **{k: t(f"cases.chart.{k}") for k in ("unscored", "legend", "map_title", "cases_axis", "cases_title",
                                              "a_line", "b_line", "score_axis", "trend_title")},
        "month": month_name,
        "short_month": lambda m: t("cases.chart.short_month", month=_short_month(m), year=m[2:4]),
    }  # fmt: skip


def _short_month(month: str) -> str | int:
    """'2026-10' → 'Oct' (English) or 10 (Chinese)."""
    number = int(month[5:])
    return calendar.month_abbr[number] if current_lang() == "en" else number


def _in_english(store, report: MonthlyReport, chosen: bool) -> MonthlyReport:
    """The report as its charts draw it in English: categories by their English names, the trend's
    basis in words."""
    english = {c.name_zh: c.name_en for c in store.list_categories()}
    return replace(
        report,
        cases_by_category={english.get(k, k): v for k, v in report.cases_by_category.items()},
        trend_basis=t("cases.chart.chosen") if chosen else t("cases.chart.best_worst", n=TREND_UNITS),
    )


def print_pdf(html: str, lang: str = LANGS[0]) -> bytes:
    """``html`` printed to A4 by headless Chromium; no network (the page needs none)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(locale=HTML_LANG[lang])
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
