"""Notifications and their delivery outbox, in the SQL both backends share
(geodata/stores/interface/notify.py).

Claiming is one UPDATE over the oldest due rows nobody holds: PostGIS locks the rows it picks and
skips those another claimer has locked (``SKIP_LOCKED``); SQLite runs the same statement inside its
write transaction (BEGIN IMMEDIATE), which serialises claimers: that is its row lock. A lease
(``claimed_until``) lets the rows of a worker that died be claimed again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from geodata.errors import NotFound
from geodata.notify.model import Delivery, Notification, Outgoing, Recipient, UnitContact
from geodata.stores.shared.base import BaseStore

INSERT_NOTIFICATION = """
    INSERT INTO notification (county_id, kind, incident_id, recipient_unit_id, recipient_user_id,
                              recipient_report_id, title, body, title_en, body_en, created_at, read_at,
                              read_by, link)
    VALUES (%(county_id)s, %(kind)s, %(incident_id)s, %(unit_id)s, %(user_id)s, %(report_id)s,
            %(title)s, %(body)s, %(title_en)s, %(body_en)s, %(created_at)s, %(read_at)s, %(read_by)s,
            %(link)s)
    RETURNING id
"""
INSERT_DELIVERY = """
    INSERT INTO delivery (county_id, notification_id, channel, target, message_id, state, tries, next_at)
    VALUES (%(county_id)s, %(notification_id)s, %(channel)s, %(target)s, %(message_id)s, %(state)s,
            %(tries)s, %(next_at)s)
    RETURNING id
"""
CLAIM = """
    UPDATE delivery
    SET claimed_by = %(worker)s, claimed_until = %(until)s
    WHERE id IN (
        SELECT id
        FROM delivery
        WHERE state = 'pending'
          AND next_at <= %(now)s
          AND (claimed_until IS NULL OR claimed_until < %(now)s)
        ORDER BY id
        LIMIT %(limit)s{skip_locked}
    )
    RETURNING id
"""
CLAIMED = """
    SELECT d.*, n.title, n.body, n.link, n.created_at AS notified_at, u.dingtalk_secret
    FROM delivery AS d
    JOIN notification AS n ON n.id = d.notification_id
    LEFT JOIN unit AS u ON u.id = n.recipient_unit_id
    WHERE d.claimed_by = %(worker)s
      AND d.claimed_until = %(until)s
      AND d.state = 'pending'
    ORDER BY d.id
"""
FINISH = """
    UPDATE delivery
    SET state = %(state)s, tries = tries + 1, next_at = %(next_at)s, sent_at = %(sent_at)s,
        last_error = %(error)s, claimed_by = NULL, claimed_until = NULL
    WHERE id = %(id)s
      AND claimed_by = %(worker)s
      AND state = 'pending'
    RETURNING id
"""
MAX_ERROR = 500  # characters of a failure kept for the administrator


class NotifySql(BaseStore):
    def add_notification(self, notification: Notification) -> Notification:
        n = notification
        row = self._insert(
            INSERT_NOTIFICATION,
            {
                **vars(n), "unit_id": n.recipient.unit_id, "user_id": n.recipient.user_id,
                "report_id": n.recipient.report_id,
                "created_at": self._t(n.created_at), "read_at": self._t(n.read_at),
            },
        )  # fmt: skip
        return replace(n, id=row[0])

    def add_deliveries(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        rows = [{**vars(d), "next_at": self._t(d.next_at)} for d in deliveries]
        ids = self._insert_many(INSERT_DELIVERY, rows)
        return [replace(d, id=i) for d, i in zip(deliveries, ids, strict=True)]

    def get_notification(self, county_id: int, notification_id: int) -> Notification:
        rows = self._rows(
            "SELECT * FROM notification WHERE county_id = %(c)s AND id = %(id)s",
            {"c": county_id, "id": notification_id},
        )
        if not rows:
            raise NotFound(
                f"没有编号为 {notification_id} 的消息", en=f"There is no message #{notification_id}"
            )
        return self._notification(rows[0])

    def list_notifications(
        self, county_id: int, recipient: Recipient, unread: bool = False, limit: int = 20, offset: int = 0
    ) -> list[Notification]:
        rows = self._rows(
            f"SELECT * FROM notification {_inbox(recipient, unread)} ORDER BY id DESC "
            "LIMIT %(limit)s OFFSET %(offset)s",
            {**_who(county_id, recipient), "limit": int(limit), "offset": int(offset)},
        )
        return [self._notification(r) for r in rows]

    def count_notifications(self, county_id: int, recipient: Recipient, unread: bool = False) -> int:
        sql = f"SELECT COUNT(*) AS n FROM notification {_inbox(recipient, unread)}"
        return self._rows(sql, _who(county_id, recipient))[0]["n"]

    def mark_notifications_read(
        self, county_id: int, recipient: Recipient, ids: Sequence[int] | None, at: datetime, by: str
    ) -> int:
        chosen = "" if ids is None else f" AND {self.ID_IN}"
        with self.transaction():
            rows = self._rows(
                f"UPDATE notification SET read_at = %(at)s, read_by = %(by)s {_inbox(recipient, True)}{chosen} "
                "RETURNING id",
                {**_who(county_id, recipient), "at": self._t(at), "by": by, "ids": self._arr(ids or ())},
            )
        return len(rows)

    def claim_deliveries(self, worker: str, now: datetime, until: datetime, limit: int) -> list[Outgoing]:
        params = {"worker": worker, "now": self._t(now), "until": self._t(until), "limit": int(limit)}
        with self.transaction():
            self._rows(CLAIM.format(skip_locked=self.SKIP_LOCKED), params)
            rows = self._rows(CLAIMED, params)
        return [
            Outgoing(
                self._delivery(r),
                r["title"],
                r["body"],
                self._time(r["notified_at"]),
                r["dingtalk_secret"] or "",
                r["link"],
            )
            for r in rows
        ]

    def finish_delivery(
        self,
        delivery_id: int,
        worker: str,
        state: str,
        at: datetime,
        next_at: datetime | None = None,
        error: str = "",
    ) -> bool:
        params = {
            "id": delivery_id, "worker": worker, "state": state, "error": error[:MAX_ERROR],
            "next_at": self._t(next_at or at), "sent_at": self._t(at) if state == "sent" else None,
        }  # fmt: skip
        with self.transaction():
            return bool(self._rows(FINISH, params))

    def list_deliveries(
        self, county_id: int, state: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[Delivery]:
        rows = self._rows(
            f"SELECT * FROM delivery {_states(state)} ORDER BY id DESC LIMIT %(limit)s OFFSET %(offset)s",
            {"c": county_id, "state": state, "limit": int(limit), "offset": int(offset)},
        )
        return [self._delivery(r) for r in rows]

    def count_deliveries(self, county_id: int, state: str | None = None) -> int:
        sql = f"SELECT COUNT(*) AS n FROM delivery {_states(state)}"
        return self._rows(sql, {"c": county_id, "state": state})[0]["n"]

    def deliveries_of(self, notification_id: int) -> list[Delivery]:
        rows = self._rows(
            "SELECT * FROM delivery WHERE notification_id = %(n)s ORDER BY id", {"n": notification_id}
        )
        return [self._delivery(r) for r in rows]

    def get_unit_contact(self, county_id: int, unit_id: int) -> UnitContact:
        rows = self._rows(
            "SELECT email, wecom_url, dingtalk_url, dingtalk_secret FROM unit WHERE county_id = %(c)s AND id = %(id)s",
            {"c": county_id, "id": unit_id},
        )
        if not rows:
            raise NotFound(f"没有编号为 {unit_id} 的单位", en=f"There is no unit #{unit_id}")
        r = rows[0]
        return UnitContact(r["email"], r["wecom_url"], r["dingtalk_url"], r["dingtalk_secret"])

    def set_unit_contact(self, county_id: int, unit_id: int, contact: UnitContact) -> UnitContact:
        with self.transaction():
            rows = self._rows(
                "UPDATE unit SET email = %(email)s, wecom_url = %(wecom_url)s, dingtalk_url = %(dingtalk_url)s, "
                "dingtalk_secret = %(dingtalk_secret)s WHERE county_id = %(c)s AND id = %(id)s RETURNING id",
                {**vars(contact), "c": county_id, "id": unit_id},
            )
        if not rows:
            raise NotFound(f"没有编号为 {unit_id} 的单位", en=f"There is no unit #{unit_id}")
        return contact

    def _notification(self, r) -> Notification:
        return Notification(
            r["county_id"], r["kind"], r["incident_id"],
            Recipient(r["recipient_unit_id"], r["recipient_user_id"], r["recipient_report_id"]),
            r["title"], r["body"], r["title_en"], r["body_en"], self._time(r["created_at"]),
            self._time(r["read_at"]), r["read_by"], r["id"], r["link"],
        )  # fmt: skip

    def _delivery(self, r) -> Delivery:
        return Delivery(
            r["county_id"], r["notification_id"], r["channel"], r["target"], r["message_id"],
            self._time(r["next_at"]), r["state"], r["tries"], r["last_error"], self._time(r["sent_at"]),
            r["claimed_by"], self._time(r["claimed_until"]), r["id"],
        )  # fmt: skip


def _inbox(recipient: Recipient, unread: bool) -> str:
    """The WHERE of one inbox: the column is chosen here (a unit's or a person's), never sent."""
    column = "recipient_unit_id" if recipient.unit_id is not None else "recipient_user_id"
    return f"WHERE county_id = %(c)s AND {column} = %(who)s" + (" AND read_at IS NULL" if unread else "")


def _who(county_id: int, recipient: Recipient) -> dict:
    who = recipient.unit_id if recipient.unit_id is not None else recipient.user_id
    return {"c": county_id, "who": who if who is not None else -1}  # nobody's inbox: no row


def _states(state: str | None) -> str:
    return "WHERE county_id = %(c)s" + (" AND state = %(state)s" if state is not None else "")
