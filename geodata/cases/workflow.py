"""Cases (案件): a report filed, routed on arrival (DESIGN §6), checked for duplicates, given a
deadline, and then moved through the workflow by the people allowed to move it.

    filed ──dispatch──▶ dispatched ──handle──▶ handled ──verify──▶ verified ──close──▶ closed
      │                    │  ▲                   │
      └──reject──▶ rejected◀┘  └──────handle──── reopened ◀──reopen (返工)──┘

A report routed to one unit is dispatched on arrival; one that reaches nobody, or lies within
``boundary_review_m`` of a boundary between two units, stays *filed* in the leaders' review queue
until a leader dispatches it. A report of the same category within ``duplicate_radius_m`` and
``duplicate_window`` of an open case is stored linked to it, rejected, and never counted. The
deadline runs from the report's arrival, in working hours or the clock's as its category counts
(geodata/cases/deadlines.py).

Messages are in Chinese: the people who read them are inspectors and unit staff.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point

from geodata import clock
from geodata.assignments.routing import ROUTE_MAX_M, route_points
from geodata.assignments.units import unit_to_dispatch
from geodata.cases.categories import for_filing
from geodata.cases.holidays import due
from geodata.cases.model import CaseRequest
from geodata.cases.photos import Upload, save_photo
from geodata.cases.steps import AUTO_DISPATCH, SYSTEM
from geodata.errors import Conflict, Forbidden, InvalidInput
from geodata.labels import ROLE_EN, ROLE_ZH, STATUS_EN, STATUS_ZH
from geodata.model import OVERDUE_STATUSES, Category, County, Incident, IncidentEvent, Unit
from geodata.notify import rules as notify_rules
from geodata.stores.store import Store

MAX_DESCRIPTION = 2000
MAX_SHORT = 200  # address, contact, note
# The report's fields in English, for the messages that name them.
FIELD_EN = {"category": "problem category", "long": "longitude", "lat": "latitude", "description": "description",
            "address": "address", "contact": "contact"}  # fmt: skip
OFFLINE_WINDOW = timedelta(days=7)  # how long a report may wait on a phone to be sent


@dataclass(frozen=True)
class Rules:
    """The settings filing depends on (the web layer fills them from its Settings)."""

    route_max_m: float = ROUTE_MAX_M
    boundary_review_m: float = 10.0
    duplicate_radius_m: float = 20.0
    duplicate_window: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user or an API key, with the role that decides what it may do."""

    name: str
    role: str
    unit_id: int | None = None


@dataclass
class Report:
    """What a reporter sends. ``lon``/``lat`` may be text from a form: they are checked here."""

    category: str
    lon: object
    lat: object
    description: str = ""
    address: str = ""
    contact: str = ""
    source: str = "inspector"
    # When the reporter saw it, if earlier than when the report reaches the portal (a report kept
    # offline on a phone); within OFFLINE_WINDOW, and never later than its arrival.
    observed_at: datetime | None = None


@dataclass
class Filed:
    incident: Incident
    unit: Unit | None
    review: bool  # waits in the review queue for a leader
    duplicate_of: int | None


# -- filing --------------------------------------------------------------------------------------
def check_report(store: Store, county: County, report: Report) -> tuple[Point, Category]:
    """The report's point and offered category, or InvalidInput naming the first problem (nothing stored)."""
    category = for_filing(store, report.category) if report.category else _missing("category", "问题类别")
    lon, lat = _number(report.lon, "long", "经度"), _number(report.lat, "lat", "纬度")
    extent = county.boundary or county.extent
    swapped = extent is not None and extent.covers(Point(lat, lon))
    hint = "（经纬度是否填反了？）" if swapped else ""
    hint_en = " (are longitude and latitude swapped?)" if swapped else ""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(
            f"坐标超出范围：经度 {lon}，纬度 {lat}{hint}",
            en=f"The coordinates are out of range: longitude {lon}, latitude {lat}{hint_en}",
            field="lat",
        )
    point = Point(lon, lat)
    if extent is not None and not extent.covers(point):
        raise InvalidInput(
            f"位置 ({lon:.6f}, {lat:.6f}) 不在{county.name}范围内{hint}",
            en=f"The place ({lon:.6f}, {lat:.6f}) is not within {county.name}{hint_en}",
            field="lat",
        )
    for value, limit, field, name in (
        (report.description, MAX_DESCRIPTION, "description", "描述"),
        (report.address, MAX_SHORT, "address", "地址"),
        (report.contact, MAX_SHORT, "contact", "联系方式"),
    ):
        if len(value or "") > limit:
            raise InvalidInput(
                f"{name}过长：{len(value)} 字，最多 {limit} 字",
                en=f"The {FIELD_EN[field]} is too long: {len(value)} characters, at most {limit}",
                field=field,
            )
    return point, category


def observed_time(report: Report, now: datetime) -> datetime:
    """The case's report time: when it was seen, for a report kept offline (a phone clock a little
    ahead counts as now), else its arrival. The deadline still runs from the arrival."""
    if report.observed_at is None:
        return now
    if report.observed_at < now - OFFLINE_WINDOW:
        raise InvalidInput(
            f"记录时间 {report.observed_at:%Y-%m-%d %H:%M} 早于 {OFFLINE_WINDOW.days} 天前：请重新上报",
            en=f"Recorded at {report.observed_at:%Y-%m-%d %H:%M}, more than {OFFLINE_WINDOW.days} days ago: "
            "please report it again",
            field="observed_at",
        )
    return min(report.observed_at, now)


def file_report(
    store: Store,
    county: County,
    report: Report,
    actor: Actor,
    rules: Rules = Rules(),
    now=None,
    photo: tuple[Path, Upload] | None = None,
) -> Filed:
    """Store a report as a case, routed, deadlined and checked for duplicates, with its photo
    (written under the media folder, ``photo = (media_dir, upload)``), in one transaction."""
    now = now or clock.now()
    point, category = check_report(store, county, report)
    observed = observed_time(report, now)
    # Routed before the write lock (DESIGN §11); again under it only if the map changed meanwhile.
    seen = store.map_version()
    route, review_units = _route(store, county, point, now, rules)
    deadline_at = due(store, county.id, category, now)  # its category's working or clock hours
    with store.transaction():
        store.lock_filing(county.id, category.code)
        original = store.near_open_incident(
            county.id, category.code, point, rules.duplicate_radius_m, now - rules.duplicate_window
        )
        if store.map_version() != seen:
            route, review_units = _route(store, county, point, now, rules)
        review = original is None and (route.unit_id is None or len(review_units) > 1)
        status = "rejected" if original else "filed" if review else "dispatched"
        incident = store.add_incident(
            Incident(
                county.id, category.code, point, observed, status, report.description.strip(), report.source,
                route.zone_id, route.segment_id, route.unit_id, address=report.address.strip(),
                reporter=actor.name, contact=report.contact.strip(),
                deadline_at=deadline_at, updated_at=now,
                duplicate_of=original, review_units=tuple(review_units) if review else (),
            )
        )  # fmt: skip
        _event(store, county, incident, now, actor.name, None, "filed", "")
        if original:
            _event(
                store, county, incident, now, SYSTEM, "filed", "rejected", f"与案件 #{original} 重复，已合并"
            )
        elif not review:
            _event(store, county, incident, now, SYSTEM, "filed", "dispatched", AUTO_DISPATCH)
        if photo is not None:
            media_dir, upload = photo
            save_photo(store, media_dir, incident, upload, actor.name, now)
    unit = store.get_unit(county.id, route.unit_id) if route.unit_id is not None else None
    return Filed(incident, unit, review, original)


def _route(store: Store, county: County, point: Point, at: datetime, rules: Rules):
    """Route the point, and the units responsible for the spots ``boundary_review_m`` around
    it (eight compass points): more than one means it lies on a boundary between units."""
    r = rules.boundary_review_m
    # Metres to degrees near the point: fine for offsets of a few metres.
    dy = r / 111_320.0
    dx = dy / max(math.cos(math.radians(point.y)), 1e-6)
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    ring = shapely.points(point.x + dx * np.cos(angles), point.y + dy * np.sin(angles))
    routes = route_points(store, county.id, [point, *ring], [at] * 9, rules.route_max_m)
    units = sorted({x.unit_id for x in routes if x.unit_id is not None})
    return routes[0], units


def _event(
    store: Store, county: County, incident: Incident, at, actor: str, old: str | None, new: str, note: str
):
    """Record a step of the case, and the notifications it raises (geodata/notify/rules.py), in
    the caller's transaction: the step and its messages are kept together or not at all."""
    step = IncidentEvent(incident.county_id, incident.id, at, actor, new, old, note)
    notify_rules.on_step(store, county, incident, store.add_incident_event(step))


def _number(value, field: str, name: str) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        _missing(field, name)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"{name}不是数字：{value!r}", en=f"The {FIELD_EN[field]} is not a number: {value!r}", field=field
        ) from None
    if not math.isfinite(number):
        raise InvalidInput(
            f"{name}不是有限的数字：{value!r}",
            en=f"The {FIELD_EN[field]} is not a finite number: {value!r}",
            field=field,
        )
    return number


def _missing(field: str, name: str):
    raise InvalidInput(f"缺少{name}", en=f"The {FIELD_EN[field]} is missing", field=field)


# -- the workflow ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """An action: the states it starts from, the state it leads to, who may take it."""

    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    zh: str
    done_en: str  # in English: a case cannot be <done_en>


STEPS = {
    "dispatch": Step(
        ("filed", "dispatched", "returned"), "dispatched", ("leader", "admin"), "派发", "dispatched"
    ),
    "handle": Step(
        ("dispatched", "reopened"), "handled", ("unit_staff", "leader", "admin"), "处置", "handled"
    ),
    "verify": Step(("handled",), "verified", ("inspector", "leader", "admin"), "核查通过", "verified"),
    "reopen": Step(
        ("handled",), "reopened", ("inspector", "leader", "admin"), "返工", "sent back for rework"
    ),
    "close": Step(("verified",), "closed", ("inspector", "leader", "admin"), "结案", "closed"),
    "reject": Step(("filed", "dispatched", "returned"), "rejected", ("leader", "admin"), "驳回", "rejected"),
    # 回退: the unit says the case is not its own; a leader dispatches it again (to another unit:
    # the return is approved, the routing was wrong) or back to it (refused).
    "return": Step(("dispatched", "reopened"), "returned", ("unit_staff",), "回退", "returned"),
}
ENDS_SUPERVISION = ("verified", "closed", "rejected")  # a step into these ends the case's 督办


def allowed_actions(incident: Incident, actor: Actor) -> list[str]:
    """The actions ``actor`` may take on the case now (what a page offers as buttons)."""
    own = actor.role != "unit_staff" or actor.unit_id == incident.unit_id
    return [n for n, s in STEPS.items() if incident.status in s.sources and actor.role in s.roles and own]


def act(
    store: Store,
    county: County,
    incident_id: int,
    action: str,
    actor: Actor,
    note: str = "",
    unit_code: str | None = None,
    now=None,
) -> Incident:
    """Take ``action`` on a case: Forbidden for a role (or another unit's staff) that may not,
    Conflict naming the current state when the case is not in a state the action starts from."""
    now = now or clock.now()
    step = STEPS.get(action)
    if step is None:
        raise InvalidInput(
            f"未知操作 {action!r}：可选 {', '.join(STEPS)}",
            en=f"Unknown action {action!r}: choose {', '.join(STEPS)}",
            field="action",
        )
    if len(note) > MAX_SHORT:
        raise InvalidInput(
            f"备注过长：{len(note)} 字，最多 {MAX_SHORT} 字",
            en=f"The note is too long: {len(note)} characters, at most {MAX_SHORT}",
            field="note",
        )
    with store.transaction():
        case = store.get_incident(county.id, incident_id)
        if actor.role not in step.roles:
            raise Forbidden(
                f"{ROLE_ZH.get(actor.role, actor.role)}不能{step.zh}案件",
                en=f"Cases cannot be {step.done_en} by the {ROLE_EN.get(actor.role, actor.role)} role",
                action=action,
            )
        if actor.role == "unit_staff" and case.unit_id != actor.unit_id:
            raise Forbidden(
                f"案件 #{case.id} 不属于您的单位，不能{step.zh}",
                en=f"Case #{case.id} is not your unit's: it cannot be {step.done_en} by you",
                action=action,
            )
        if case.status not in step.sources:
            raise Conflict(
                f"案件 #{case.id} 当前状态为“{STATUS_ZH[case.status]}”（{case.status}），不能{step.zh}",
                en=f"Case #{case.id} has the status “{STATUS_EN[case.status]}” ({case.status}); it cannot be {step.done_en} now",
                status=case.status,
                allowed=[n for n, s in STEPS.items() if case.status in s.sources],
            )
        changed = replace(case, status=step.target, updated_at=now)
        if action in ("reject", "return") and not note.strip():
            raise InvalidInput(
                f"{step.zh}需要说明理由", en=f"A case {step.done_en} needs a reason", field="note"
            )
        if action == "dispatch":
            changed = replace(
                changed, unit_id=_unit_for_dispatch(store, county, case, unit_code).id, review_units=()
            )
        elif action == "reopen":
            changed = replace(changed, rework=case.rework + 1)
        if case.status == "returned":
            changed = _decide_return(store, county, case, changed, actor, note.strip(), now)
        stored = store.update_incident(changed)
        _event(store, county, stored, now, actor.name, case.status, step.target, note.strip())
        if action == "return":
            store.add_case_request(
                CaseRequest(
                    county.id, case.id, "return", "pending", case.unit_id, actor.name, now, note.strip()
                )
            )
        if step.target in ENDS_SUPERVISION:
            for order in store.supervisions(county.id, case.id):
                if order.state != "closed":
                    store.update_supervision(replace(order, state="closed", closed_by=SYSTEM, closed_at=now))
    return stored


def _decide_return(
    store: Store, county: County, case: Incident, changed: Incident, actor: Actor, note: str, now: datetime
) -> Incident:
    """A leader's step on a returned case decides its 回退: approved when the case goes to another
    unit (with a deadline from now) or is rejected, refused when it goes back to the same unit."""
    approved = changed.status == "rejected" or changed.unit_id != case.unit_id
    for request in store.case_requests(county.id, case.id, kind="return", state="pending"):
        store.decide_case_request(
            replace(request, state="approved" if approved else "refused", decided_by=actor.name, decided_at=now,
                    decision=note)
        )  # fmt: skip
        notify_rules.notify(
            store, county, "return_approved" if approved else "return_refused", replace(case, unit_id=request.unit_id),
            now, note,
        )  # fmt: skip
    if approved and changed.status == "dispatched":
        return replace(changed, deadline_at=due(store, county.id, store.get_category(case.category), now))
    return changed


def _unit_for_dispatch(store: Store, county: County, case: Incident, code: str | None) -> Unit:
    if code:
        return unit_to_dispatch(store, county, code, case.unit_id)
    if case.unit_id is None:
        raise InvalidInput(
            "该案件没有责任单位，派发时请选择单位",
            en="This case has no responsible unit: choose a unit to dispatch it to",
            field="unit",
        )
    return store.get_unit(county.id, case.unit_id)


def is_overdue(incident: Incident, now: datetime) -> bool:
    return (
        incident.status in OVERDUE_STATUSES
        and incident.deadline_at is not None
        and incident.deadline_at < now
    )
