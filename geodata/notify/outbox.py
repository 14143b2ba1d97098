"""The delivery outbox: claim due deliveries, send each, record the outcome; retry a failure with
exponential backoff and give up after ``max_tries`` (state 'failed', listed for the administrator
on /admin/deliveries).

Exactly once, as nearly as a network allows. A worker claims a batch (a lease: ``claimed_until``)
and then sends **one row at a time**: send, mark it sent and commit, then the next. So a worker
killed while blocked in a send loses nothing (its rows stay pending and are claimed again once
the lease runs out) and duplicates nothing it had committed. The one window no outbox can close is
a crash after the server accepted a message and before our commit: that one message is sent again,
with the same message id (the e-mail's Message-ID header, the id in the robot's text), by which a
receiver can drop the second copy. A lease must outlast a batch's sends (``Policy.lease``), or
another worker may take a row this one is still sending.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from geodata import clock
from geodata.notify.channels import Channels, DeliveryError
from geodata.notify.model import Outgoing
from geodata.stores.store import Store


@dataclass(frozen=True)
class Policy:
    """How the outbox retries: the n-th failure waits ``first_retry`` × 2^(n−1), at most
    ``max_wait``; after ``max_tries`` tries the delivery is failed. ``lease``: how long a claim holds."""

    max_tries: int = 6  # with the defaults: retried after 1, 2, 4, 8 and 16 minutes, then failed
    first_retry: timedelta = timedelta(minutes=1)
    max_wait: timedelta = timedelta(hours=1)
    lease: timedelta = timedelta(minutes=5)
    batch: int = 20

    def wait(self, tries: int) -> timedelta:
        """The wait before the next try after ``tries`` tries, all failed."""
        return min(self.first_retry * 2 ** max(tries - 1, 0), self.max_wait)


def claim(store: Store, worker: str, policy: Policy, now: datetime | None = None) -> list[Outgoing]:
    now = now or clock.now()
    return store.claim_deliveries(worker, now, now + policy.lease, policy.batch)


def deliver(store: Store, channels: Channels, out: Outgoing, worker: str, policy: Policy, now=None) -> str:
    """Send one claimed delivery and record it (committed before the next is sent); its state
    after: 'sent', 'pending' (to be retried) or 'failed'. 'lost' when the lease ran out meanwhile
    and another worker holds the row (nothing recorded)."""
    try:
        channels.send(out)
    except DeliveryError as exc:
        at = now or clock.now()
        tries = out.delivery.tries + 1
        state = "failed" if tries >= policy.max_tries else "pending"
        retry_at = at + policy.wait(tries) if state == "pending" else at  # a failed row keeps its last try
        kept = store.finish_delivery(out.delivery.id, worker, state, at, retry_at, str(exc))
        return state if kept else "lost"
    kept = store.finish_delivery(out.delivery.id, worker, "sent", now or clock.now())
    return "sent" if kept else "lost"


def drain_once(store: Store, channels: Channels, worker: str, policy: Policy, now=None) -> Counter:
    """Claim one batch and deliver it row by row; counts by outcome ('claimed', 'sent', …)."""
    counts = Counter()
    batch = claim(store, worker, policy, now)
    counts["claimed"] = len(batch)
    for out in batch:
        counts[deliver(store, channels, out, worker, policy, now)] += 1
    return counts
