"""The coverage report (覆盖缺口): ``GET /api/v1/coverage`` as JSON and ``/portal/coverage`` as a
table page whose rows open each place on the map."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required

from geodata.assignments.postings import COUNTY_TZ, day_start
from layers.coverage import coverage_report
from layers.coverage_report import GAP_KINDS, STATUS_NAMES, ZONE_KIND_NAMES, CoverageReport, UnroutedIncident
from webmap import get_store
from webmap.i18n import current_lang, t
from webmap.views.common import current_county
from webmap.views.params import parse_day

bp = Blueprint("coverage", __name__)

MAX_ROWS = 300  # per table: the page stays light; the JSON report has every item


def _report() -> CoverageReport:
    """The report for the signed-in user's county, at ``?at=YYYY-MM-DD`` (00:00 CST) or now.
    Unit staff see the cases of their own unit only, so not the list of unassigned ones."""
    day = parse_day(request.args.get("at"), "at", required=False)
    store = get_store()
    report = coverage_report(store, current_county(store), at=day_start(day) if day else None)
    if _cases_hidden():
        report.unrouted_incidents = []
    return report


def _cases_hidden() -> bool:
    return current_user.role == "unit_staff"


@bp.get("/api/v1/coverage")
@login_required
def report_json():
    answer = _report().to_dict()
    if _cases_hidden():
        answer["unrouted_incidents"] = answer["summary"]["unrouted_incidents"] = None  # hidden, not none
    return jsonify(answer)


@bp.get("/portal/coverage")
@login_required
def report_page():
    report = _report()
    english = {c.code: c.name_en for c in get_store().list_categories()} if current_lang() == "en" else {}

    def category_name(incident: UnroutedIncident) -> str:
        return english.get(incident.category) or incident.category_name

    return render_template(
        "coverage/index.html",
        report=report,
        summary=report.summary(),
        segment_groups=report.segment_gap_groups(),
        warning_groups=report.warning_groups(),
        gap_name={kind: t(f"edit.coverage.gap.{kind}") for kind in GAP_KINDS},
        zone_kind=lambda kind: t(f"edit.coverage.zone_kind.{kind}") if kind in ZONE_KIND_NAMES else kind,
        status_name=lambda status: t(f"edit.coverage.status.{status}") if status in STATUS_NAMES else status,
        category_name=category_name,
        tz=COUNTY_TZ,
        at_day=request.args.get("at", ""),
        max_rows=MAX_ROWS,
        cases_hidden=_cases_hidden(),
    )
