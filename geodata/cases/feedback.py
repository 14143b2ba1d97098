"""The reporter's loop (issue #19 part 5): what a resident holding a tracking link sees of the case
(its public steps, geodata/cases/steps.py), and their one answer, after it closes, to whether it
was really fixed; and their e-mail address, kept with their consent and forgotten on request.

    closed ──已解决 solved──▶ closed     counted in the unit's 满意率
       └────未解决 unsolved──▶ reopened  rework + 1, the unit told (a 'rework' notification)

An answer is taken once per case, within ``WINDOW`` of its closing (the 'closed' step's time),
from anyone holding the link of a report that became (or joined) the case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from geodata import clock
from geodata.cases import workflow
from geodata.cases.steps import PUBLIC, UNSOLVED_NOTE
from geodata.errors import Conflict, InvalidInput
from geodata.model import COUNTY_TZ, FEEDBACK_ANSWERS, County, Feedback, IncidentEvent, PublicReport
from geodata.stores.store import Store

WINDOW = timedelta(days=7)


class NotClosed(Conflict):
    code = "case_not_closed"


class AlreadyAnswered(Conflict):
    code = "already_answered"


class WindowPassed(Conflict):
    code = "answer_window_passed"


class UnknownAnswer(InvalidInput):
    code = "unknown_answer"


@dataclass(frozen=True)
class Asking:
    """Where a closed case stands with its answer: when it closed, until when it may be answered,
    the answer if there is one, and whether an answer is taken now."""

    closed_at: datetime
    answer_by: datetime
    feedback: Feedback | None
    open: bool


def asking(store: Store, county: County, report: PublicReport, now: datetime | None = None) -> Asking | None:
    """The answer a report's link may give, or has given; None while its case is not closed
    (and was not reopened by an answer)."""
    now = now or clock.now()
    if report.incident_id is None:
        return None
    feedback = store.get_feedback(county.id, report.incident_id)
    closed_at = closing_time(store.incident_events(county.id, report.incident_id))
    if closed_at is None:
        return None
    case = store.get_incident(county.id, report.incident_id)
    if feedback is None and case.status != "closed":
        return None
    taken = feedback is None and now <= closed_at + WINDOW
    return Asking(closed_at, closed_at + WINDOW, feedback, taken)


def closing_time(events: list[IncidentEvent]) -> datetime | None:
    """When the case was last closed."""
    return max((e.at for e in events if e.to_status == "closed"), default=None)


def answer(
    store: Store, county: County, report: PublicReport, given: str, now: datetime | None = None
) -> Feedback:
    """Record the answer given through ``report``'s link; 'unsolved' reopens the case as rework
    (and tells its unit) in the same transaction. Refused, with nothing written, when the answer
    is not one of FEEDBACK_ANSWERS, the case is not closed, it was answered already, or its
    WINDOW has passed."""
    now = now or clock.now()
    if given not in FEEDBACK_ANSWERS:
        raise UnknownAnswer(
            f"无法识别的回答 {given!r}：请选择“已解决”或“未解决”",
            en=f"Unknown answer {given!r}: choose “solved” or “not solved”",
            field="answer",
        )
    with store.transaction():
        case_id = report.incident_id
        if case_id is None:
            raise _not_closed()
        earlier = store.get_feedback(county.id, case_id)
        if earlier is not None:
            raise _answered(earlier)
        case = store.get_incident(county.id, case_id)
        closed_at = closing_time(store.incident_events(county.id, case_id))
        if case.status != "closed" or closed_at is None:
            raise _not_closed()
        if now > closed_at + WINDOW:
            raise WindowPassed(
                f"案件已于 {_local(closed_at)} 结案，反馈须在结案后 {WINDOW.days} 天内（{_local(closed_at + WINDOW)} 前）提交，现已截止",
                en=f"The case was closed on {_local(closed_at)}; answers were taken for {WINDOW.days} days, "
                f"until {_local(closed_at + WINDOW)}, and that time has passed",
            )
        stored = store.add_feedback(Feedback(county.id, case_id, report.id, given, now))
        if stored is None:  # another answer was written meanwhile
            raise _answered(store.get_feedback(county.id, case_id))
        if given == "unsolved":
            reopened = store.update_incident(
                replace(case, status="reopened", rework=case.rework + 1, updated_at=now)
            )
            workflow._event(store, county, reopened, now, PUBLIC, "closed", "reopened", UNSOLVED_NOTE)
    return stored


def _not_closed() -> NotClosed:
    return NotClosed(
        "案件尚未结案：结案后才能反馈是否解决",
        en="The case is not closed yet: whether it was solved can be answered once it is closed",
    )


def _answered(earlier: Feedback | None) -> AlreadyAnswered:
    said = {"solved": "已解决", "unsolved": "未解决"}.get(earlier.answer, "") if earlier else ""
    said_en = {"solved": "solved", "unsolved": "not solved"}.get(earlier.answer, "") if earlier else ""
    when = _local(earlier.at) if earlier else ""
    return AlreadyAnswered(
        f"这件案件已于 {when} 反馈过“{said}”，每件案件只能反馈一次",
        en=f"This case was already answered on {when}: “{said_en}”; a case takes one answer only",
        answer=earlier.answer if earlier else None,
    )


def _local(at: datetime) -> str:
    return at.astimezone(COUNTY_TZ).strftime("%Y-%m-%d %H:%M")
