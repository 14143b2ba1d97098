"""The demo's inboxes: a few dozen notifications for the cases now waiting on their units (the
newest dispatched, and those sent back for rework), as the workflow would have written them when
each got there, so a unit staff user signing in finds some. The older ones are read already,
but for each unit's newest few.

The demo's units have no e-mail or robots (the demo goes on no network), so nothing is queued for
delivery; the notifications are written with the rules of geodata/notify/rules.py all the same."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from geodata.model import County
from geodata.notify.rules import notify
from geodata.stores.store import Store

N_NEWEST = 30  # the newest dispatched cases across the county
N_REWORK = 10  # and the newest sent back for rework
N_STAFF_UNIT = 12  # the demo staff user's unit's newest, whatever the county's
READ_AFTER = timedelta(days=2)  # a notification older than this was read by the unit's duty desk,
KEEP_UNREAD = 5  # but for each unit's newest few
DUTY_DESK = "值班员"


def add_demo_notifications(store: Store, county: County, staff_unit_id: int, now: datetime) -> int:
    """Write the notifications (and mark the older ones read); how many were written."""
    cases = {}
    for status, unit_id, n in (("dispatched", None, N_NEWEST), ("reopened", None, N_REWORK),
                               ("dispatched", staff_unit_id, N_STAFF_UNIT), ("reopened", staff_unit_id, 3)):  # fmt: skip
        filters = {"unit_id": unit_id} if unit_id is not None else {}
        for case in store.list_incidents(county.id, status=status, newest_first=True, limit=n, **filters):
            if case.unit_id is not None:
                cases[case.id] = case
    rows = []
    for case in sorted(cases.values(), key=lambda c: (c.updated_at or c.reported_at, c.id)):
        kind = "rework" if case.status == "reopened" else "dispatched"
        rows += notify(store, county, kind, case, case.updated_at or case.reported_at, deliver=False)
    seen = Counter()
    for row in sorted(rows, key=lambda r: r.created_at, reverse=True):
        seen[row.recipient] += 1
        if seen[row.recipient] > KEEP_UNREAD and row.created_at < now - READ_AFTER:
            store.mark_notifications_read(
                county.id, row.recipient, [row.id], row.created_at + timedelta(hours=1), DUTY_DESK
            )
    return len(rows)
