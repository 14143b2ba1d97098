"""The demo cases' lives: who moved each one through the workflow (geodata/cases/workflow.py) and when.

Each case is given a fate (most are dispatched, handled within about half their deadline, verified
and closed; a few are sent back once, rejected, or stall on the way) and the time of each step.
Its status is the last step reached by the moment the demo is made, so last month's cases are
mostly closed and this week's still in hand, and the timelines, overdue counts and 办结 figures of
every page come from the same events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from geodata.cases.workflow import SYSTEM
from geodata.model import COUNTY_TZ as CST
from geodata.model import Incident, IncidentEvent, Unit

FATES = (  # (fate, share, its steps after filing)
    ("closed", 0.86, ("dispatched", "handled", "verified", "closed")),
    ("rework", 0.04, ("dispatched", "handled", "reopened", "handled", "verified", "closed")),
    ("rejected", 0.04, ("rejected",)),
    ("stalled", 0.02, ("dispatched",)),  # the unit never acts: overdue
    ("unverified", 0.02, ("dispatched", "handled")),
    ("unclosed", 0.02, ("dispatched", "handled", "verified")),
)
# Cases routed to no unit wait in the leaders' review queue this long, then are sent on.
REVIEW_DAYS = 3
WORK_HOURS = (8, 20)  # the office's and the inspectors' day, county time
OFFICE = "创城办"  # the leaders' office: dispatches by hand, rejects, closes
INSPECTORS = "督查科"
REPORTERS = {"inspector": "督查员", "public": "市民热线", "video": "视频巡查", "superior": "上级交办"}
HANDLED = {
    "posters": "已铲除小广告并清洗墙面",
    "street_vending": "已劝离摊贩，恢复通行",
    "parking": "已联系车主挪车",
    "outdoor_ads": "已拆除违规广告牌",
    "sanitation": "已清运垃圾，完成保洁",
}
REJECTED = ("现场核实无此问题", "与已办案件重复", "不属于五项整治范围")
OUT_OF_SCHEME = "不在分兵把口责任范围，已转属地街道办理"


@dataclass(frozen=True)
class Step:
    at: datetime
    old: str
    new: str
    actor: str
    note: str = ""


def live(incidents: Sequence[Incident], units: dict[int, Unit], end: datetime,
         rng: np.random.Generator) -> tuple[list[Incident], list[list[Step]]]:  # fmt: skip
    """Each routed incident with the status, rework count and last update it has at ``end``, and
    the steps it went through after filing (none after ``end``); the time a unit takes is measured
    against the incident's ``deadline_at``."""
    fates = rng.choice(len(FATES), size=len(incidents), p=[f[1] for f in FATES])
    lived, histories = [], []
    for incident, fate in zip(incidents, fates, strict=True):
        steps = [s for s in _steps(incident, FATES[fate][2], units, rng) if s.at <= end]
        last = steps[-1] if steps else None
        lived.append(
            replace(
                incident, status=last.new if last else "filed", updated_at=last.at if last else incident.reported_at,
                rework=sum(s.new == "reopened" for s in steps),
            )
        )  # fmt: skip
        histories.append(steps)
    return lived, histories


def events(stored: Sequence[Incident], histories: Sequence[list[Step]]) -> list[IncidentEvent]:
    """The incident events of the stored incidents (same order as ``live`` gave them): the
    filing, then each step."""
    out = []
    for incident, steps in zip(stored, histories, strict=True):
        who = incident.reporter or REPORTERS.get(incident.source, incident.source)
        out.append(IncidentEvent(incident.county_id, incident.id, incident.reported_at, who, "filed"))
        out += [
            IncidentEvent(incident.county_id, incident.id, s.at, s.actor, s.new, s.old, s.note) for s in steps
        ]
    return out


def _steps(incident: Incident, path, units, rng) -> list[Step]:
    at, old, steps = incident.reported_at, "filed", []
    unit = units.get(incident.unit_id)
    if unit is None:  # routed to no unit: a leader looks at it after a while and sends it on
        at += timedelta(days=REVIEW_DAYS, hours=float(rng.uniform(0, 24)))
        return [Step(at, "filed", "rejected", OFFICE, OUT_OF_SCHEME)]
    deadline = incident.deadline_at - incident.reported_at  # working time made clock time
    for new in path:
        if new == "dispatched":
            actor, note = SYSTEM, "按分兵把口自动派发"
        elif new == "handled":
            # Most within half the deadline; about one in eight past it.
            at += deadline * float(np.exp(rng.normal(np.log(0.5), 0.6)))
            actor, note = unit.name, HANDLED.get(incident.category, "已处置")
        elif new == "rejected":
            at += timedelta(hours=float(rng.uniform(0.5, 6)))
            actor, note = OFFICE, REJECTED[int(rng.integers(len(REJECTED)))]
        elif new == "reopened":
            at += timedelta(hours=float(rng.uniform(2, 24)))
            actor, note = INSPECTORS, "复查未整改到位，返工"
        elif new == "verified":
            at += timedelta(hours=float(rng.uniform(2, 24)))
            actor, note = INSPECTORS, "复查合格"
        else:  # closed
            at += timedelta(hours=float(rng.uniform(1, 48)))
            actor, note = OFFICE, "结案"
        if actor in (OFFICE, INSPECTORS):
            at = _office_hours(at, rng)
        steps.append(Step(at, old, new, actor, note))
        old = new
    return steps


def _office_hours(at: datetime, rng) -> datetime:
    """``at``, or when it falls at night, the next morning between 8 and 10 (county time): the
    office and the inspectors act by day."""
    local = at.astimezone(CST)
    if WORK_HOURS[0] <= local.hour < WORK_HOURS[1]:
        return at
    morning = local.replace(hour=WORK_HOURS[0], minute=0, second=0, microsecond=0)
    if local.hour >= WORK_HOURS[1]:
        morning += timedelta(days=1)
    return morning + timedelta(minutes=float(rng.uniform(0, 120)))
