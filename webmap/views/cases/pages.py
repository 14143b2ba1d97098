"""The pages people use for cases: the mobile report form, the case list, a case's page.

They read through the cases API's own helpers (filters, paging, who sees what, ``case_json``), and
their scripts write through that API (webmap/static/portal/pages/report.js, case.js): nothing here writes.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from geodata import clock
from geodata.assignments.postings import COUNTY_TZ
from geodata.cases import handling, public_reports
from geodata.cases import workflow as cases
from geodata.cases.categories import offered
from geodata.errors import InvalidInput, NotFound
from geodata.labels import STATUS_ZH
from geodata.model import OVERDUE_STATUSES
from webmap.i18n import current_lang, message_of, t
from webmap.views.cases import api
from webmap.views.cases.present import Names, case_json
from webmap.views.common import store_and_county

bp = Blueprint("case_pages", __name__)

LEADERS = ("leader", "admin")  # may pick any unit in the list, and work the review queue
CONTEXT_LAYERS = ("zones", "roads")  # drawn under a case's point: the map has no basemap
# The notes geodata/cases/workflow.py writes as 系统 when it files a case (shown in the page's language).
SYSTEM_DISPATCH = "按分兵把口自动派发"
SYSTEM_DUPLICATE = re.compile(r"与案件 #(\d+) 重复，已合并")


@bp.app_template_filter("county_time")
def county_time(value: datetime | str | None) -> str:
    """A time (datetime or ISO text) as the county's wall clock, ``2024-05-01 14:30``."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(COUNTY_TZ).strftime("%Y-%m-%d %H:%M")


@bp.get("/report")
@login_required
def report():
    store, county = store_and_county()
    return render_template(
        "cases/report.html",
        county=county,
        categories=offered(store.list_categories()),
        map_config=map_config(county),
    )


@bp.get("/field")
@login_required
def field_home():
    """The home of work in the street, made for a phone: report, score, follow one's reports."""
    store, county = store_and_county()
    moderator = current_user.role in public_reports.MODERATORS
    return render_template(
        "cases/field.html", county=county,
        mine_open=store.count_incidents(county.id, status="open", reporter=current_user.username),
        mine_all=store.count_incidents(county.id, reporter=current_user.username),
        pending=store.count_public_reports(county.id, "pending") if moderator else None,
    )  # fmt: skip


@bp.get("/cases")
@login_required
def case_list():
    store, county = store_and_county()
    if current_user.role == "unit_staff" and "status" not in request.args:
        # Their work first: the open cases (the form's 全部 sends status= and shows them all).
        return redirect(url_for("case_pages.case_list", status="open", **request.args))
    # The filters as sent, blanks dropped: every link on the page (pages, CSV) keeps them.
    query = {k: v for k, v in request.args.items() if v and k != "page"}
    leader = current_user.role in LEADERS
    context = dict(
        county=county, query=query, leader=leader, statuses=status_names(),
        categories=store.list_categories(), category_names=category_names(store),
        units=store.list_units(county.id),
        queues=_queues(store, county) if leader else None,
        csv_url=url_for("cases.export_incidents", **{k: v for k, v in query.items() if k != "per_page"}),
        shp_url=url_for("cases.export_incidents_shapefile", **{k: v for k, v in query.items() if k != "per_page"}),
    )  # fmt: skip
    try:
        context.update(api.listing(store, county))
    except (InvalidInput, NotFound) as exc:  # a hand-edited query: say so above an empty list
        return render_template("cases/list.html", error=message_of(exc), items=[], total=0, **context), 400
    return render_template("cases/list.html", **context)


@bp.get("/cases/<int:incident_id>")
@login_required
def case_page(incident_id: int):
    store, county = store_and_county()
    case = api.visible_case(store, county, incident_id)
    actor = cases.Actor(current_user.username, current_user.role, current_user.unit_id)
    actions = cases.allowed_actions(case, actor)
    return render_template(
        "cases/case.html",
        county=county,
        case=case_json(case, Names(store, county)),
        segment=store.get_segment(county.id, case.segment_id) if case.segment_id else None,
        events=[_event_row(e) for e in store.incident_events(county.id, case.id)],
        photos=store.list_photos(county.id, case.id),
        actions=[(a, t(f"cases.action.{a}")) for a in actions],
        handling=_handling(store, county, case, actor),
        units=_dispatch_units(store, county, case) if "dispatch" in actions else [],
        statuses=status_names(),
        category_names=category_names(store),
        map_config=map_config(county, point=(case.geom.y, case.geom.x)),
    )


def _handling(store, county, case, actor: cases.Actor) -> dict:
    """The case's requests (回退, 延期, 挂账) and 督办 with the forms the actor may use on them."""
    requests = store.case_requests(county.id, case.id)
    orders = store.supervisions(county.id, case.id)
    leader = actor.role in LEADERS
    own = actor.role == "unit_staff" and actor.unit_id == case.unit_id
    pending = [r for r in requests if r.kind == "extend" and r.state == "pending"]
    return {
        "requests": requests,
        "orders": orders,
        "can_extend": own and case.status in handling.EXTENDABLE and not pending,
        "decide": pending[0] if leader and pending else None,
        "can_shelve": leader and case.status in handling.SHELVABLE,
        "can_unshelve": leader and case.status == "shelved",
        "can_supervise": leader and case.status in (*OVERDUE_STATUSES, "handled"),
        "can_answer": actor.role == "unit_staff",
        "leader": leader,
        "today": clock.now().astimezone(COUNTY_TZ).date().isoformat(),
    }


def _event_row(e) -> dict:
    """A line of a case's history; what the portal wrote by itself (actor 系统, its notes) is
    named in the page's language, what people typed stays as typed."""
    row = {
        "at": e.at,
        "actor": e.actor,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "note": e.note,
    }
    if e.actor == cases.SYSTEM:
        row["actor"] = t("cases.event.system")
        duplicate = SYSTEM_DUPLICATE.fullmatch(e.note)
        if e.note == SYSTEM_DISPATCH:
            row["note"] = t("cases.event.auto_dispatch")
        elif duplicate:
            row["note"] = t("cases.event.duplicate", id=duplicate.group(1))
    return row


def status_names() -> dict[str, str]:
    """The case statuses by code, named in the page's language (Chinese: ``STATUS_ZH``)."""
    return {code: t(f"cases.status.{code}") for code in STATUS_ZH}


def category_names(store) -> dict[str, str]:
    """The case categories by code, named in the page's language (their ``name_en`` in English)."""
    english = current_lang() == "en"
    return {c.code: c.name_en if english else c.name_zh for c in store.list_categories()}


def _queues(store, county) -> dict:
    """What waits on leaders: cases to dispatch (待派发), returned by a unit (回退), with a 延期 to
    decide or a 督办 not closed, and cases past their deadline."""
    return {
        "review": store.count_incidents(county.id, status="filed", duplicates=False),
        "returned": store.count_incidents(county.id, status="returned", duplicates=False),
        "extension": store.count_incidents(county.id, pending="extension", duplicates=False),
        "supervised": store.count_incidents(county.id, pending="supervised", duplicates=False),
        "overdue": store.count_incidents(county.id, overdue_at=clock.now(), duplicates=False),
    }


def _dispatch_units(store, county, case) -> list[dict]:
    """Units to dispatch to: the boundary's candidates first, the current unit preselected."""
    candidates = set(case.review_units)
    # A retired unit is offered no new case (its own stays shown as the case's unit).
    offered = [u for u in store.list_units(county.id) if u.retired_at is None or u.id == case.unit_id]
    units = sorted(offered, key=lambda u: (u.id not in candidates, u.code))
    chosen = case.unit_id or (units[0].id if candidates else None)
    return [
        {"code": u.code, "name": u.name, "candidate": u.id in candidates, "chosen": u.id == chosen}
        for u in units
    ]


def map_config(county, point: tuple[float, float] | None = None) -> dict:
    """What a page's Leaflet map needs (see case.js): the county's bounds (lat/lon), where to fetch
    the context layers, the case's point (lat, lon) if any, the data's attribution."""
    extent = county.boundary or county.extent
    minx, miny, maxx, maxy = extent.bounds if extent is not None else (73.5, 18.0, 135.1, 53.6)
    return {
        "bounds": [[miny, minx], [maxy, maxx]],
        "layers": {name: url_for("api.layer", name=name) for name in CONTEXT_LAYERS},
        "point": point,
        "attribution": t("map.attribution"),
    }
