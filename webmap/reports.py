"""The county's monthly report (月度报告) as one self-contained HTML page (its charts inline PNGs)
or, printed by headless Chromium, an A4 PDF, in the language of the request: what ``flask --app
app monthly-report`` writes (webmap/cli/report.py) and /scores/report.<html|pdf> downloads
(webmap/views/scores/report.py). The figures are layers/report.py's, the charts
layers/report_charts.py's."""

from __future__ import annotations

import base64
import calendar
from dataclasses import replace

from flask import render_template

from geodata.assignments.postings import COUNTY_TZ
from geodata.labels import ZONE_KIND_ZH
from geodata.model import LANGS
from layers.report import NO_UNIT, SEGMENT_KIND, TREND_UNITS, UNNAMED_SEGMENT, MonthlyReport, month_zh
from webmap import get_store
from webmap.chromium import launch
from webmap.i18n import HTML_LANG, current_lang, month_name, t

TEMPLATE = "report/monthly.html"


def chart_images(store, report: MonthlyReport, chosen: bool) -> dict[str, str]:
    """The report's charts in the current language, as base64 PNGs by name (map, cases, units);
    ``chosen``: the trend follows units someone chose (else the best and the worst)."""
    from layers.report_charts import report_charts  # matplotlib: loaded only when drawing

    english = current_lang() != LANGS[0]
    shown = _in_english(store, report, chosen) if english else report
    charts = report_charts(shown, chart_labels() if english else None)
    return {k: base64.b64encode(v).decode("ascii") for k, v in charts.items()}


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
