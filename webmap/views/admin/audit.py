"""The administrators' pages: the security audit log (/admin/audit), paged and filtered by actor,
action and dates, its CSV export (/admin/audit.csv), itself recorded as an export, and the check
of its hash chain (/admin/audit/verify)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

from flask import Blueprint, Response, render_template, request, url_for

from geodata import audit as audit_log
from geodata import clock
from geodata.assignments.postings import COUNTY_TZ
from geodata.audit import AuditFilter
from geodata.errors import InvalidInput
from geodata.labels import RESULT_ZH
from webmap import get_store
from webmap.audit import audit
from webmap.i18n import EN, ZH
from webmap.views.common import ADMINS, current_county, roles_required
from webmap.views.params import page_number, parse_day

bp = Blueprint("admin", __name__)

PER_PAGE = 50
MAX_CSV_ROWS = 100_000
MAX_NAME = 100  # an actor's or action's length in the filter
FILTER_FIELDS = ("actor", "action", "since", "until")


@bp.get("/admin/audit")
@roles_required(*ADMINS, refusal="audit.admins_only")
def audit_page():
    store = get_store()
    where = audit_filter()
    page = page_number()
    total = store.count_audit_events(where)
    items = store.list_audit_events(where, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    query = _query()
    return render_template(
        "admin/audit.html", county=current_county(store), items=items, total=total, page=page,
        pages=max(1, -(-total // PER_PAGE)), query=query, actions=store.audit_actions(),
        results=RESULT_ZH, detail_json=audit_log.detail_json, csv_url=url_for("admin.audit_csv", **query),
    )  # fmt: skip


@bp.get("/admin/audit/verify")
@roles_required(*ADMINS, refusal="audit.admins_only")
def verify_page():
    """``audit verify`` in the browser: the hash chain walked, whole or broken at the row named."""
    store = get_store()
    return render_template(
        "admin/audit_verify.html", county=current_county(store), found=audit_log.verify(store)
    )


@bp.get("/admin/audit.csv")
@roles_required(*ADMINS, refusal="audit.admins_only")
def audit_csv():
    store = get_store()
    where = audit_filter()
    total = store.count_audit_events(where)
    if total > MAX_CSV_ROWS:
        raise InvalidInput(
            ZH["audit.too_many"].format(n=total, max=MAX_CSV_ROWS),
            en=EN["audit.too_many"].format(n=total, max=MAX_CSV_ROWS),
            field="since",
        )
    audit("export.audit_csv", "audit_event", required=True, rows=total, filters=_query())
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 with a BOM as Chinese
    csv.writer(out).writerows(audit_log.csv_rows(store.iter_audit_events(where)))
    stamp = clock.local_now().strftime("%Y%m%d")
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )


def audit_filter() -> AuditFilter:
    """The page's filters from the query string: names bounded, days in the county's calendar
    (``until`` counts its whole day), the range the right way round."""
    actor, action = (_name(f) for f in ("actor", "action"))
    since = parse_day(request.args.get("since"), "since", required=False)
    until = parse_day(request.args.get("until"), "until", required=False)
    if since and until and until < since:
        raise InvalidInput(ZH["audit.backwards"], en=EN["audit.backwards"], field="until")
    return AuditFilter(
        actor, action,
        since and datetime.combine(since, time(), COUNTY_TZ),
        until and datetime.combine(until + timedelta(days=1), time(), COUNTY_TZ),
    )  # fmt: skip


def _name(field: str) -> str | None:
    value = (request.args.get(field) or "").strip()
    if len(value) > MAX_NAME:
        raise InvalidInput(
            ZH["audit.too_long"].format(field=field, max=MAX_NAME),
            en=EN["audit.too_long"].format(field=field, max=MAX_NAME),
            field=field,
        )
    return value or None


def _query() -> dict:
    """The filters as sent, blanks dropped: the pages and the CSV link keep them."""
    return {k: request.args[k].strip() for k in FILTER_FIELDS if (request.args.get(k) or "").strip()}
