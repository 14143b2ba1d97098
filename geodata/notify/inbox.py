"""The in-app inbox: whose rows a reader sees, how many are unread, marking them read.

Unit staff share their unit's inbox (a duty desk: one of them reading a row reads it for the
unit); leaders, administrators and inspectors have their own rows (none yet: later parts address
leaders). A reader never learns of another inbox's row: asking for one is a NotFound, as for a row
that is not there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from geodata import clock
from geodata.errors import NotFound
from geodata.notify.model import Notification, Recipient
from geodata.stores.store import Store

PER_PAGE = 20


@dataclass(frozen=True)
class Reader:
    """Who reads: a signed-in user (``user_id``) or an API key (none), with a role and maybe a unit."""

    name: str
    role: str
    unit_id: int | None = None
    user_id: int | None = None

    @property
    def recipient(self) -> Recipient:
        if self.role == "unit_staff":
            return Recipient(unit_id=self.unit_id)
        return Recipient(user_id=self.user_id)


def page(
    store: Store, county_id: int, reader: Reader, number: int = 1, unread: bool = False
) -> list[Notification]:
    """One page of the reader's rows, newest first."""
    return store.list_notifications(county_id, reader.recipient, unread, PER_PAGE, (number - 1) * PER_PAGE)


def count(store: Store, county_id: int, reader: Reader, unread: bool = False) -> int:
    return store.count_notifications(county_id, reader.recipient, unread)


def unread_count(store: Store, county_id: int, reader: Reader) -> int:
    """The red number in the top bar: one indexed COUNT."""
    return store.count_notifications(county_id, reader.recipient, unread=True)


def mark_read(
    store: Store, county_id: int, reader: Reader, notification_id: int, now: datetime | None = None
) -> int:
    """Mark one of the reader's rows read (0 when it was read already); NotFound when it is not
    the reader's, whether it exists or not."""
    with store.transaction():
        try:
            row = store.get_notification(county_id, notification_id)
        except NotFound:
            row = None
        if row is None or row.recipient != reader.recipient:
            raise NotFound(
                f"您的消息中没有编号为 {notification_id} 的一条",
                en=f"There is no message #{notification_id} in your inbox",
            )
        return store.mark_notifications_read(
            county_id, reader.recipient, [notification_id], now or clock.now(), reader.name
        )


def mark_all_read(store: Store, county_id: int, reader: Reader, now: datetime | None = None) -> int:
    """Mark every unread row of the reader's read; how many were."""
    return store.mark_notifications_read(county_id, reader.recipient, None, now or clock.now(), reader.name)
