"""How a county handles its cases beyond the workflow's steps (DESIGN §12): 延期, 挂账 and 督办.

    延期 (extension)   unit staff ask for a later deadline with a reason; a leader approves or refuses.
                       At most ``max_extensions`` a case, each at most ``max_extension`` past the
                       deadline it replaces, one waiting at a time; the deadline it replaces is kept
                       on the request, so the first deadline of a case is never lost.
    挂账 (on record)   a leader puts an open case on record with a plan and a review day: it leaves
                       the overdue counts (and the 按期 denominator, as GB/T 30428's 缓办) and comes
                       back, with a new deadline, on the review day (``sweep``) or by hand.
    督办 (supervision) raised by the portal when a case is ``supervise_after`` past its deadline
                       (level 1: to its unit) and again ``escalate_after`` later (level 2: to the
                       county's leaders too), or by a leader by hand with a note; the unit answers
                       it with a note; a leader closes it, or closing the case does.

回退 (a unit returning a case that is not its own) is a step of the workflow (workflow.py
``return``), as its decision is a dispatch. Every change here is one transaction with its case
event (when the status moves) and its notifications (geodata/notify/rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from geodata import clock
from geodata.cases import reminders
from geodata.cases.holidays import due
from geodata.cases.model import CaseRequest, Supervision
from geodata.cases.workflow import MAX_SHORT, SYSTEM, Actor, _event
from geodata.errors import Conflict, Forbidden, InvalidInput, NotFound
from geodata.labels import STATUS_EN, STATUS_ZH
from geodata.model import COUNTY_TZ, OVERDUE_STATUSES, County, Incident
from geodata.notify import rules as notify_rules
from geodata.stores.store import Store

LEADERS = ("leader", "admin")
EXTENDABLE = ("dispatched", "reopened")  # a unit asks for more time on work in its hands
SHELVABLE = ("filed", "dispatched", "reopened")  # a returned case is dispatched first (its 回退 decided)
MAX_SHELVE = timedelta(days=366)
SWEEP_BATCH = 200  # cases a sweep raises a level on: a backlog is worked through a minute at a time


@dataclass(frozen=True)
class HandlingRules:
    """The settings of 延期 and 督办 (the web layer fills them from its Settings)."""

    max_extensions: int = 2
    max_extension: timedelta = timedelta(days=30)
    supervise_after: timedelta = timedelta(hours=24)
    escalate_after: timedelta = timedelta(hours=24)
    digest_hour: int = 8  # the county's hour from which each unit gets its day's digest


# -- 延期 ---------------------------------------------------------------------------------------------
def ask_extension(
    store: Store,
    county: County,
    incident_id: int,
    actor: Actor,
    until: datetime | None,
    reason: str,
    rules: HandlingRules = HandlingRules(),
    now: datetime | None = None,
) -> CaseRequest:
    """Unit staff ask for the case's deadline to become ``until``."""
    now = now or clock.now()
    with store.transaction():
        case = store.get_incident(county.id, incident_id)
        _own_unit(case, actor, "申请延期", "ask for an extension of")
        reason = _text(reason, "reason", "延期理由", "reason for the extension")
        if until is None:
            raise InvalidInput("缺少新的时限", en="The new deadline is missing", field="deadline")
        _in(case, EXTENDABLE, "申请延期", "have its deadline extended")
        asked = store.case_requests(county.id, incident_id, kind="extend")
        if any(r.state == "pending" for r in asked):
            raise Conflict(
                f"案件 #{case.id} 已有待审批的延期申请", en=f"Case #{case.id} has an extension waiting for a decision already",
                field="deadline",
            )  # fmt: skip
        granted = sum(r.state == "approved" for r in asked)
        if granted >= rules.max_extensions:
            raise Conflict(
                f"案件 #{case.id} 已延期 {granted} 次，最多 {rules.max_extensions} 次",
                en=f"Case #{case.id} was extended {granted} times already, at most {rules.max_extensions}",
                field="deadline",
            )
        current = case.deadline_at or now
        if until <= current:
            raise InvalidInput(
                f"新的时限 {_local(until)} 须晚于当前时限 {_local(current)}",
                en=f"The new deadline {_local(until)} must be later than the current one, {_local(current)}",
                field="deadline",
            )
        if until > current + rules.max_extension:
            raise InvalidInput(
                f"新的时限 {_local(until)} 超过当前时限后 {rules.max_extension.days} 天的上限",
                en=f"The new deadline {_local(until)} is more than {rules.max_extension.days} days after the current one",
                field="deadline",
            )
        request = store.add_case_request(
            CaseRequest(county.id, case.id, "extend", "pending", case.unit_id, actor.name, now, reason,
                        old_deadline_at=case.deadline_at, deadline_at=until)
        )  # fmt: skip
        notify_rules.notify(store, county, "extension_asked", case, now, reason)
    return request


def decide_extension(
    store: Store,
    county: County,
    request_id: int,
    actor: Actor,
    approve: bool,
    note: str = "",
    now: datetime | None = None,
) -> CaseRequest:
    """A leader approves (the case's deadline becomes the one asked) or refuses an extension."""
    now = now or clock.now()
    note = _short(note)
    _leader(actor, "审批延期", "decide on extensions")
    with store.transaction():
        request = _pending(store, county, request_id, "extend")
        if not approve and not note:
            raise InvalidInput(
                "不同意延期需要说明理由", en="Refusing an extension needs a reason", field="note"
            )
        decided = store.decide_case_request(
            replace(request, state="approved" if approve else "refused", decided_by=actor.name, decided_at=now,
                    decision=note)
        )  # fmt: skip
        case = store.get_incident(county.id, request.incident_id)
        if approve:
            case = store.update_incident(replace(case, deadline_at=request.deadline_at, updated_at=now))
        notify_rules.notify(
            store, county, "extension_approved" if approve else "extension_refused", case, now, note
        )
    return decided


# -- 挂账 ---------------------------------------------------------------------------------------------
def shelve(
    store: Store,
    county: County,
    incident_id: int,
    actor: Actor,
    plan: str,
    review_on: date | None,
    now: datetime | None = None,
) -> Incident:
    """A leader puts the case on record until ``review_on`` with a plan."""
    now = now or clock.now()
    _leader(actor, "挂账", "put cases on record")
    plan = _text(plan, "plan", "挂账的整改计划", "plan for a case on record")
    today = now.astimezone(COUNTY_TZ).date()
    if review_on is None:
        raise InvalidInput("挂账需要复查日期", en="A case on record needs a review date", field="review_on")
    if not today < review_on <= today + MAX_SHELVE:
        raise InvalidInput(
            f"复查日期 {review_on} 须在今天（{today}）之后、{MAX_SHELVE.days} 天之内",
            en=f"The review date {review_on} must be after today ({today}) and within {MAX_SHELVE.days} days",
            field="review_on",
        )
    with store.transaction():
        case = store.get_incident(county.id, incident_id)
        _in(case, SHELVABLE, "挂账", "put on record")
        store.add_case_request(
            CaseRequest(county.id, case.id, "shelve", "approved", case.unit_id, actor.name, now, plan,
                        old_deadline_at=case.deadline_at, review_on=review_on, decided_by=actor.name, decided_at=now)
        )  # fmt: skip
        stored = store.update_incident(replace(case, status="shelved", updated_at=now))
        _event(
            store, county, stored, now, actor.name, case.status, "shelved", f"{plan}（复查日期 {review_on}）"
        )
    return stored


def unshelve(
    store: Store, county: County, incident_id: int, actor: Actor, now: datetime | None = None
) -> Incident:
    """Take a case off the record: back to its unit (or the review queue) with a new deadline."""
    now = now or clock.now()
    if actor.name != SYSTEM:
        _leader(actor, "恢复挂账案件", "take cases off the record")
    with store.transaction():
        case = store.get_incident(county.id, incident_id)
        _in(case, ("shelved",), "恢复办理", "taken off the record")
        for request in store.case_requests(county.id, case.id, kind="shelve", state="approved"):
            store.decide_case_request(replace(request, state="ended"))
        status = "dispatched" if case.unit_id is not None else "filed"
        deadline = due(store, county.id, store.get_category(case.category), now)
        stored = store.update_incident(replace(case, status=status, deadline_at=deadline, updated_at=now))
        _event(store, county, stored, now, actor.name, "shelved", status, "挂账到期，恢复办理")
    return stored


# -- 督办 ---------------------------------------------------------------------------------------------
def supervise(
    store: Store,
    county: County,
    incident_id: int,
    actor: Actor,
    note: str,
    level: int = 1,
    now: datetime | None = None,
) -> Supervision:
    """A leader raises a 督办 on an open case by hand."""
    now = now or clock.now()
    _leader(actor, "督办", "raise supervision orders")
    note = _text(note, "note", "督办要求", "supervision note")
    if level not in (1, 2):
        raise InvalidInput(
            f"督办级别只能是 1 或 2：{level!r}", en=f"The level is 1 or 2, not {level!r}", field="level"
        )
    with store.transaction():
        case = store.get_incident(county.id, incident_id)
        _in(case, OVERDUE_STATUSES + ("handled",), "督办", "supervised")
        return _raise(store, county, case, level, actor.name, note, now)


def answer_supervision(
    store: Store,
    county: County,
    supervision_id: int,
    actor: Actor,
    answer: str,
    now: datetime | None = None,
) -> Supervision:
    """The case's unit answers a 督办 with what it did."""
    now = now or clock.now()
    if actor.role != "unit_staff":
        raise Forbidden("只有责任单位可以答复督办", en="Only the unit's staff may answer a supervision order")
    with store.transaction():
        order = store.get_supervision(county.id, supervision_id)
        if actor.unit_id != order.unit_id:
            raise Forbidden(
                f"督办 #{order.id} 不是发给您单位的，不能答复",
                en=f"Supervision order #{order.id} was not sent to your unit: you cannot answer it",
            )
        answer = _text(answer, "answer", "督办答复", "answer")
        if order.state != "open":
            raise Conflict(
                f"督办 #{order.id} 已答复或已办结", en=f"Supervision order #{order.id} is answered or closed already",
                state=order.state,
            )  # fmt: skip
        return store.update_supervision(
            replace(order, state="answered", answer=answer, answered_by=actor.name, answered_at=now)
        )


def close_supervision(
    store: Store, county: County, supervision_id: int, actor: Actor, now: datetime | None = None
) -> Supervision:
    now = now or clock.now()
    _leader(actor, "办结督办", "close supervision orders")
    with store.transaction():
        order = store.get_supervision(county.id, supervision_id)
        if order.state == "closed":
            raise Conflict(f"督办 #{order.id} 已办结", en=f"Supervision order #{order.id} is closed already")
        return store.update_supervision(replace(order, state="closed", closed_by=actor.name, closed_at=now))


def _raise(store: Store, county: County, case: Incident, level: int, by: str, note: str, now: datetime):
    order = store.add_supervision(Supervision(county.id, case.id, case.unit_id, level, "open", by, now, note))
    if order is not None:
        notify_rules.notify(store, county, f"supervision_{level}", case, now, note)
    return order


# -- what the portal does by itself --------------------------------------------------------------------
def sweep(
    store: Store, county: County, rules: HandlingRules = HandlingRules(), now: datetime | None = None
) -> dict:
    """Raise the 督办 that are due, bring back the cases on record whose review day has come and
    send the reminders due (reminders.py); each case in its own transaction. Safe to run at any time and twice at once: a level is raised
    once per case (a unique index), a case comes back once (its status moves)."""
    now = now or clock.now()
    raised = {1: 0, 2: 0}
    for level, late in ((1, rules.supervise_after), (2, rules.supervise_after + rules.escalate_after)):
        for case_id in store.overdue_unsupervised(county.id, now - late, level, SWEEP_BATCH):
            with store.transaction():
                case = store.get_incident(county.id, case_id)
                if case.status not in OVERDUE_STATUSES:  # moved on since it was listed
                    continue
                note = f"逾期超过 {int(late.total_seconds() // 3600)} 小时，系统自动督办"
                if _raise(store, county, case, level, SYSTEM, note, now) is not None:
                    raised[level] += 1
    back = 0
    for request in store.shelved_due(county.id, now.astimezone(COUNTY_TZ).date()):
        try:
            unshelve(store, county, request.incident_id, Actor(SYSTEM, "admin"), now)
            back += 1
        except Conflict:  # brought back meanwhile by a leader or another sweep
            pass
    reminded = reminders.remind(store, county, now, rules.digest_hour)
    return {"supervision_1": raised[1], "supervision_2": raised[2], "unshelved": back, **reminded}


# -- checks ----------------------------------------------------------------------------------------------
def _leader(actor: Actor, zh: str, en: str) -> None:
    if actor.role not in LEADERS:
        raise Forbidden(f"只有领导可以{zh}", en=f"Only leaders may {en}")


def _own_unit(case: Incident, actor: Actor, zh: str, en: str) -> None:
    if actor.role != "unit_staff" or case.unit_id != actor.unit_id:
        raise Forbidden(
            f"只有案件 #{case.id} 的责任单位可以{zh}", en=f"Only the unit of case #{case.id} may {en} it"
        )


def _in(case: Incident, statuses: tuple[str, ...], zh: str, en: str) -> None:
    if case.status not in statuses:
        raise Conflict(
            f"案件 #{case.id} 当前状态为“{STATUS_ZH[case.status]}”，不能{zh}",
            en=f"Case #{case.id} has the status “{STATUS_EN[case.status]}”: it cannot be {en} now",
            status=case.status,
        )


def _pending(store: Store, county: County, request_id: int, kind: str) -> CaseRequest:
    request = store.get_case_request(county.id, request_id)
    if request.kind != kind:
        raise NotFound(f"没有编号为 {request_id} 的申请", en=f"There is no request #{request_id}")
    if request.state != "pending":
        raise Conflict(
            f"申请 #{request_id} 已审批", en=f"Request #{request_id} was decided already", state=request.state
        )
    return request


def _text(value: str, field: str, zh: str, en: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"缺少{zh}", en=f"The {en} is missing", field=field)
    return _short(value, field)


def _short(value: str, field: str = "note") -> str:
    value = (value or "").strip()
    if len(value) > MAX_SHORT:
        raise InvalidInput(
            f"内容过长：{len(value)} 字，最多 {MAX_SHORT} 字",
            en=f"The text is too long: {len(value)} characters, at most {MAX_SHORT}",
            field=field,
        )
    return value


def _local(at: datetime) -> str:
    return at.astimezone(COUNTY_TZ).strftime("%Y-%m-%d %H:%M")
