"""Notifications: the inbox rows, the delivery outbox the worker claims, and the units' contacts
(geodata/notify/). Both backends implement it with geodata/stores/shared/notify.py; claiming is
each backend's (a row lock skipped by other claimers on PostGIS, the write lock on SQLite)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from geodata.notify.model import Delivery, Notification, Outgoing, Recipient, UnitContact


class NotifyStore(Protocol):
    """Inbox rows and their deliveries, written with the event that causes them."""

    def add_notification(self, notification: Notification) -> Notification: ...

    def add_deliveries(self, deliveries: Sequence[Delivery]) -> list[Delivery]: ...

    def get_notification(self, county_id: int, notification_id: int) -> Notification:
        """NotFound naming the number otherwise."""

    def list_notifications(
        self, county_id: int, recipient: Recipient, unread: bool = False, limit: int = 20, offset: int = 0
    ) -> list[Notification]:
        """The recipient's rows, newest first; ``unread``: those not read yet only."""

    def count_notifications(self, county_id: int, recipient: Recipient, unread: bool = False) -> int: ...

    def mark_notifications_read(
        self, county_id: int, recipient: Recipient, ids: Sequence[int] | None, at: datetime, by: str
    ) -> int:
        """Mark the recipient's unread rows among ``ids`` (None: all of them) read; how many were."""

    def claim_deliveries(self, worker: str, now: datetime, until: datetime, limit: int) -> list[Outgoing]:
        """Take up to ``limit`` pending deliveries due by ``now`` that nobody holds (or whose
        holder's lease ran out), held by ``worker`` until ``until``; in id order. Two claimers
        at once never take one row."""

    def finish_delivery(
        self,
        delivery_id: int,
        worker: str,
        state: str,
        at: datetime,
        next_at: datetime | None = None,
        error: str = "",
    ) -> bool:
        """Record one try by ``worker``: 'sent' (at ``at``), 'pending' again from ``next_at``, or
        'failed'; the claim is let go. False (nothing written) when the row is no longer held by
        ``worker``."""

    def list_deliveries(
        self, county_id: int, state: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[Delivery]:
        """Newest first; ``state`` narrows."""

    def count_deliveries(self, county_id: int, state: str | None = None) -> int: ...

    def deliveries_of(self, notification_id: int) -> list[Delivery]: ...

    def get_unit_contact(self, county_id: int, unit_id: int) -> UnitContact: ...

    def set_unit_contact(self, county_id: int, unit_id: int, contact: UnitContact) -> UnitContact: ...
