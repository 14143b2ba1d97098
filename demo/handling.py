"""The demo's 回退, 延期, 挂账 and 督办, as a county's month leaves them (geodata/cases/handling.py):
every case long past its deadline has the 督办 the worker's sweep would have raised (so a demo
started today raises none in a flood), some answered by their units; a few cases were returned
(most re-dispatched, some waiting on a leader), a few have extensions granted, refused or waiting,
and a few are on record until a review date.

Written with the store's own methods and events, round the workflow (bulk seeding notifies no
one). Only cases waiting on their unit are touched, each after its last event."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np

from demo.cases import OFFICE
from geodata.cases.handling import HandlingRules
from geodata.cases.model import CaseRequest, Supervision
from geodata.cases.workflow import SYSTEM
from geodata.model import OVERDUE_STATUSES, County, IncidentEvent
from geodata.stores.store import Store

RULES = HandlingRules()
ANSWERED = 0.4  # of the level 1 督办, answered by the unit
ANSWERS = ("已安排人员现场处置，今日完成", "已联系相关部门协调，预计明日办结", "现场已整改，待核查")
RETURNS = ("该路段不属本单位责任范围", "问题位于相邻社区，请改派", "属交通设施问题，应由交警处理")
EXTENSIONS = ("需协调供电部门停电作业", "材料采购需三个工作日", "需联合执法，待排期")
PLANS = ("纳入明年老旧街区改造计划", "待市政道路整体翻修时一并解决", "业主分歧较大，待街道协调后整改")
N = {
    "returned": 3,
    "return_approved": 6,
    "extend_approved": 4,
    "extend_refused": 3,
    "extend_pending": 3,
    "shelved": 3,
}


def add_demo_handling(
    store: Store, county: County, rng: np.random.Generator, now: datetime
) -> dict[str, int]:
    """Write them; how many of each."""
    done = {"supervisions": _supervisions(store, county, rng, now)}
    waiting = store.list_incidents(
        county.id, status="dispatched", duplicates=False, since=now - timedelta(days=30)
    )
    waiting = [c for c in waiting if c.deadline_at is not None and c.unit_id is not None]
    picked = iter(rng.permutation(len(waiting)).tolist())
    units = [u.id for u in store.list_units(county.id)]
    for round_ in range(max(N.values())):  # a round of each kind at a time: a small demo has some of each
        for kind in (k for k, n in N.items() if round_ < n):
            i = next(picked, None)
            if i is None:
                return done
            _one(store, county, kind, waiting[i], units, rng, now)
            done[kind] = done.get(kind, 0) + 1
    return done


def _supervisions(store: Store, county: County, rng: np.random.Generator, now: datetime) -> int:
    written = 0
    for status in OVERDUE_STATUSES:
        for case in store.list_incidents(
            county.id, status=status, duplicates=False, overdue_at=now - RULES.supervise_after
        ):
            for level, late in (
                (1, RULES.supervise_after),
                (2, RULES.supervise_after + RULES.escalate_after),
            ):
                at = case.deadline_at + late
                if at > now:
                    continue
                order = Supervision(county.id, case.id, case.unit_id, level, "open", SYSTEM, at,
                                    f"逾期超过 {int(late.total_seconds() // 3600)} 小时，系统自动督办")  # fmt: skip
                if level == 1 and case.unit_id is not None and rng.random() < ANSWERED:
                    answered = min(at + timedelta(hours=float(rng.uniform(1, 20))), now)
                    order = replace(order, state="answered", answer=ANSWERS[int(rng.integers(len(ANSWERS)))],
                                    answered_by="值班员", answered_at=answered)  # fmt: skip
                written += store.add_supervision(order) is not None
    return written


def _one(
    store: Store, county: County, kind: str, case, units: list[int], rng: np.random.Generator, now: datetime
):
    """One case's request, with the events its steps leave, after the case's last event."""
    last = max(e.at for e in store.incident_events(county.id, case.id))
    at = last + (now - last) * float(rng.uniform(0.2, 0.6))
    later = at + (now - at) * float(rng.uniform(0.3, 0.8))
    pick = lambda texts: texts[int(rng.integers(len(texts)))]  # noqa: E731
    staff = "值班员"
    if kind in ("returned", "return_approved"):
        other = int(rng.choice([u for u in units if u != case.unit_id]))
        asker = case.unit_id if kind == "returned" else other  # an approved one came from the first unit
        reason = pick(RETURNS)
        request = CaseRequest(county.id, case.id, "return", "pending", asker, staff, at, reason)
        events = [IncidentEvent(county.id, case.id, at, staff, "returned", "dispatched", reason)]
        if kind == "return_approved":
            request = replace(request, state="approved", decided_by=OFFICE, decided_at=later, decision="改派")
            events.append(IncidentEvent(county.id, case.id, later, OFFICE, "dispatched", "returned", "改派"))
            store.update_incident(replace(case, updated_at=later))
        else:
            store.update_incident(replace(case, status="returned", updated_at=at))
        store.add_case_request(request)
        store.add_incident_events(events)
    elif kind.startswith("extend"):
        until = case.deadline_at + timedelta(days=int(rng.integers(2, 6)))
        request = CaseRequest(county.id, case.id, "extend", "pending", case.unit_id, staff, at, pick(EXTENSIONS),
                              old_deadline_at=case.deadline_at, deadline_at=until)  # fmt: skip
        if kind == "extend_approved":
            request = replace(request, state="approved", decided_by=OFFICE, decided_at=later, decision="同意")
            store.update_incident(replace(case, deadline_at=until))
        elif kind == "extend_refused":
            request = replace(
                request, state="refused", decided_by=OFFICE, decided_at=later, decision="可按期完成"
            )
        store.add_case_request(request)
    else:  # on record until a review date
        review = (now + timedelta(days=int(rng.integers(20, 90)))).date()
        plan = pick(PLANS)
        store.add_case_request(
            CaseRequest(county.id, case.id, "shelve", "approved", case.unit_id, OFFICE, at, plan,
                        old_deadline_at=case.deadline_at, review_on=review, decided_by=OFFICE, decided_at=at)
        )  # fmt: skip
        store.update_incident(replace(case, status="shelved", updated_at=at))
        store.add_incident_events(
            [
                IncidentEvent(
                    county.id, case.id, at, OFFICE, "shelved", "dispatched", f"{plan}（复查日期 {review}）"
                )
            ]
        )
