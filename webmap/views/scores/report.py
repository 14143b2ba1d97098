"""The monthly report (月度报告) downloaded from /scores (issue #20: no administrator or leader needs
the shell for it): /scores/report.html, one self-contained page to keep or mail, or
/scores/report.pdf, A4 printed by headless Chromium; in the reader's language, for a month that
has begun. Each download is recorded as an export, as the audit log's CSV is."""

from __future__ import annotations

from flask import Blueprint, Response, request

from layers.report import monthly_report
from layers.score_map import default_month
from layers.scores import checked_month
from webmap.audit import audit
from webmap.i18n import current_lang
from webmap.reports import chart_images, print_pdf, render_html
from webmap.views.common import EDITORS, roles_required, store_and_county
from webmap.views.params import parse_month

bp = Blueprint("score_report", __name__)
TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


@bp.get("/scores/report.<any(html, pdf):fmt>")
@roles_required(*EDITORS, refusal="scores.report_leaders_only")
def download(fmt: str):
    store, county = store_and_county()
    month = checked_month(parse_month(request.args.get("month") or default_month()))
    report = monthly_report(store, county, month)
    html = render_html(report, chart_images(store, report, chosen=False))
    data = print_pdf(html, current_lang()) if fmt == "pdf" else html.encode("utf-8")
    audit("export.monthly_report", f"month:{month}", format=fmt, lang=current_lang())
    name = f"monthly-report-{county.code}-{month}.{fmt}"
    return Response(
        data, mimetype=TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
