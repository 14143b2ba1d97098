"""Reminders the portal sends by itself (DESIGN §12): a case's unit is told when fewer than
``DUE_SOON_HOURS`` working hours (clock hours for a category counted so) are left, and again when
the deadline has passed; each unit gets a digest of its day (open, due today, overdue) once a day
from ``digest_hour``. Run by the notify worker's sweep (handling.py ``sweep``) every minute.

Each reminder is recorded under a key (the case and the deadline it was sent for, or the unit and
the day) in the same transaction as its notification: a deadline moved by a 延期 is reminded of
again; a second sweep, or a second worker, sends nothing twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from geodata.cases.deadlines import working_hours_between
from geodata.cases.holidays import county_calendar
from geodata.model import COUNTY_TZ, County
from geodata.notify import rules as notify_rules
from geodata.stores.store import Store

DUE_SOON_HOURS = 4
# Deadlines looked at: those within the next few days (4 working hours can span a holiday week-end)
# and those passed within the last day (an older one was reminded of when it passed, or the
# portal was off then: its 督办 follows).
AHEAD = timedelta(days=10)
BEHIND = timedelta(days=1)
BATCH = 500


def remind(store: Store, county: County, now: datetime, digest_hour: int = 8) -> dict[str, int]:
    """Send what is due now; how many of each kind were sent. A minute with nothing to send costs
    three queries: the deadlines in the window, the reminders sent in it, the calendar."""
    sent = Counter()
    due = store.cases_due_between(county.id, now - BEHIND, now + AHEAD, BATCH)
    done = store.recent_reminders(county.id, now - BEHIND - AHEAD) if due else set()
    left = _hours_left(store, county, now)
    for case_id, category, unit_id, deadline in due:
        if unit_id is None:
            continue
        kind = (
            "overdue"
            if deadline <= now
            else "due_soon"
            if left(category, deadline) <= DUE_SOON_HOURS
            else None
        )
        key = f"{case_id}@{deadline.isoformat()}"
        if kind is None or (kind, key) in done:
            continue
        with store.transaction():
            if store.add_reminder(county.id, kind, key, now):
                notify_rules.notify(store, county, kind, store.get_incident(county.id, case_id), now)
                sent[kind] += 1
    if now.astimezone(COUNTY_TZ).hour >= digest_hour:
        sent["digest"] = _digests(store, county, now)
    return dict(sent)


def _hours_left(store: Store, county: County, now: datetime):
    """``left(category, deadline)``: the hours from now to the deadline as the category counts
    them (working hours of the county's calendar, read once, or the clock's)."""
    kinds = {c.code: c.deadline_kind for c in store.list_categories()}
    today = now.astimezone(COUNTY_TZ).date()
    calendar = county_calendar(store, county.id, today, today + AHEAD + timedelta(days=1))

    def left(category: str, deadline: datetime) -> float:
        if kinds.get(category) == "calendar":
            return (deadline - now).total_seconds() / 3600
        return working_hours_between(now, deadline, calendar)

    return left


def _digests(store: Store, county: County, now: datetime) -> int:
    """Each unit with open cases, once a day: its open, due today and overdue counts. The county's
    day is marked done after its last unit, so later sweeps that day count nothing."""
    today = now.astimezone(COUNTY_TZ)
    day_key = f"{county.id}@{today.date().isoformat()}"
    if store.reminded("digest_day", day_key):
        return 0
    end_of_day = today.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    open_cases = Counter()
    overdue = Counter()
    for unit_id, late, n in store.incident_counts(
        county.id, ("unit_id", "overdue"), now, status="open", duplicates=False
    ):
        open_cases[unit_id] += n
        overdue[unit_id] += n if late else 0
    due_today = Counter(u for _, _, u, _ in store.cases_due_between(county.id, now, end_of_day, 100_000))
    sent = 0
    for unit in store.list_units(county.id):
        if not open_cases[unit.id]:
            continue
        with store.transaction():
            if store.add_reminder(county.id, "digest", f"{unit.id}@{today.date().isoformat()}", now):
                facts = {"day": today.strftime("%m-%d"), "unit": unit.name, "open": open_cases[unit.id],
                         "due_today": due_today[unit.id], "overdue": overdue[unit.id]}  # fmt: skip
                notify_rules.notify_unit(store, county, "digest", unit.id, facts, now)
                sent += 1
    store.add_reminder(county.id, "digest_day", day_key, now)
    return sent
