"""The coverage report (覆盖缺口): ``GET /api/v1/coverage`` as JSON and ``/portal/coverage`` as a
table page whose rows open each place on the map."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import login_required

from geodata.assignments import COUNTY_TZ, day_start
from layers.coverage import coverage_report
from layers.coverage_report import GAP_KINDS, STATUS_NAMES, ZONE_KIND_NAMES, CoverageReport
from webmap import get_store
from webmap.views.common import current_county
from webmap.views.params import parse_day

bp = Blueprint("coverage", __name__)

MAX_ROWS = 300  # per table: the page stays light; the JSON report has every item


def _report() -> CoverageReport:
    """The report for the signed-in user's county, at ``?at=YYYY-MM-DD`` (00:00 CST) or now."""
    day = parse_day(request.args.get("at"), "at", required=False)
    store = get_store()
    return coverage_report(store, current_county(store), at=day_start(day) if day else None)


@bp.get("/api/v1/coverage")
@login_required
def report_json():
    return jsonify(_report().to_dict())


@bp.get("/portal/coverage")
@login_required
def report_page():
    report = _report()
    return render_template(
        "coverage/index.html",
        report=report,
        summary=report.summary(),
        segment_groups=report.segment_gap_groups(),
        warning_groups=report.warning_groups(),
        gap_kinds=GAP_KINDS,
        zone_kinds=ZONE_KIND_NAMES,
        status_names=STATUS_NAMES,
        tz=COUNTY_TZ,
        at_day=request.args.get("at", ""),
        max_rows=MAX_ROWS,
    )
