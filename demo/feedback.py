"""The demo's reporters' loop: some residents' cases closed in the last two months came through a
随手拍 with a tracking link, and their reporters answered whether it was fixed (mostly 已解决; a
未解决 sent the case back for rework, as geodata/cases/feedback.py would have), so /scores shows a
满意率 for last month and this one.

Written with the store's own methods, round the workflow's ``_event`` (bulk seeding notifies no
one; demo/notifications.py writes the inboxes after this step)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np

from demo.cases import OFFICE
from geodata.cases.feedback import closing_time
from geodata.cases.public_reports import TOKEN_ALPHABET
from geodata.cases.steps import PUBLIC, UNSOLVED_NOTE
from geodata.model import County, Feedback, IncidentEvent, PublicReport
from geodata.stores.store import Store

SINCE = timedelta(days=62)  # cases closed this recently may have been answered
N_MAX = 400  # of them at most this many came through a 随手拍
ANSWERED = 0.7  # and this share of those reporters answered
SOLVED = 0.85  # mostly 已解决
CLIENT = "demo"  # the rate limit's sender key: no address behind it


def add_demo_feedback(store: Store, county: County, rng: np.random.Generator, now: datetime) -> int:
    """Write the reports and the answers; how many answers."""
    closed = store.list_incidents(
        county.id, status="closed", source="public", duplicates=False, closed_since=now - SINCE
    )
    picked = rng.permutation(len(closed))[:N_MAX]
    answers = 0
    for i in sorted(picked.tolist()):
        case = closed[i]
        report = _report(store, county, case, rng)
        closed_at = closing_time(store.incident_events(county.id, case.id))
        if closed_at is None or rng.random() > ANSWERED:
            continue
        at = closed_at + timedelta(hours=float(rng.uniform(2, 96)))
        if at >= now:
            continue
        given = "solved" if rng.random() < SOLVED else "unsolved"
        store.add_feedback(Feedback(county.id, case.id, report.id, given, at))
        answers += 1
        if given == "unsolved":
            reopened = store.update_incident(
                replace(case, status="reopened", rework=case.rework + 1, updated_at=at)
            )
            store.add_incident_event(
                IncidentEvent(county.id, reopened.id, at, PUBLIC, "reopened", "closed", UNSOLVED_NOTE)
            )
    return answers


def _report(store: Store, county: County, case, rng: np.random.Generator) -> PublicReport:
    """The 随手拍 the case came from, approved by the office half an hour after it was sent."""
    chars = "".join(TOKEN_ALPHABET[j] for j in rng.integers(len(TOKEN_ALPHABET), size=12))
    token = "-".join(chars[k : k + 4] for k in range(0, 12, 4))
    sent = store.add_public_report(
        PublicReport(county.id, token, case.category, case.geom.x, case.geom.y, CLIENT, case.reported_at,
                     case.description, case.address)
    )  # fmt: skip
    approved = replace(
        sent, state="approved", moderated_by=OFFICE, moderated_at=case.reported_at + timedelta(minutes=30),
        incident_id=case.id,
    )  # fmt: skip
    store.moderate_public_report(approved)
    return approved
