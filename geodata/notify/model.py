"""The values of notifications: an inbox row, a delivery of it over one channel, a unit's contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

CHANNELS = ("email", "wecom", "dingtalk")
DELIVERY_STATES = ("pending", "sent", "failed")


@dataclass(frozen=True)
class Recipient:
    """Whose inbox: a unit's (shared by its staff), one person's, or a resident's report (no inbox:
    its reporter is told by e-mail, at the address they agreed to); exactly one is set."""

    unit_id: int | None = None
    user_id: int | None = None
    report_id: int | None = None


@dataclass(frozen=True)
class Notification:
    """An inbox row: what happened to which case, in both languages, and whether it was read."""

    county_id: int
    kind: str  # a key of notify.rules.RULES
    incident_id: int | None
    recipient: Recipient
    title: str
    body: str
    title_en: str
    body_en: str
    created_at: datetime
    read_at: datetime | None = None
    read_by: str | None = None
    id: int | None = None
    link: str = ""  # the portal's page it is about (/cases/7, /reports/<token>), added to e-mails and robots


@dataclass(frozen=True)
class Delivery:
    """One notification sent over one channel to one target (an address or a robot's URL)."""

    county_id: int
    notification_id: int
    channel: str  # CHANNELS
    target: str
    message_id: str  # stable across retries: receivers may de-duplicate on it
    next_at: datetime
    state: str = "pending"
    tries: int = 0
    last_error: str = ""
    sent_at: datetime | None = None
    claimed_by: str | None = None
    claimed_until: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class Outgoing:
    """A claimed delivery with what the worker sends: the notification's texts, and the 钉钉
    robot's signing secret (read from the unit at sending time, never copied into the outbox)."""

    delivery: Delivery
    title: str
    body: str
    created_at: datetime
    secret: str = ""
    link: str = ""


@dataclass(frozen=True)
class UnitContact:
    """Where a unit is told of its cases besides the inbox; empty strings: not set."""

    email: str = ""
    wecom_url: str = ""
    dingtalk_url: str = ""
    dingtalk_secret: str = ""

    def targets(self) -> list[tuple[str, str]]:
        """(channel, target) for each channel set."""
        pairs = zip(CHANNELS, (self.email, self.wecom_url, self.dingtalk_url), strict=True)
        return [(channel, target) for channel, target in pairs if target]

    def shown(self) -> dict[str, str]:
        """The contacts as a person (or the audit log) may see them: a robot's URL without its
        query (the access token is in it), the secret only as its last four characters."""
        secret = self.dingtalk_secret
        return {
            "email": self.email, "wecom_url": _without_query(self.wecom_url),
            "dingtalk_url": _without_query(self.dingtalk_url),
            "dingtalk_secret": f"…{secret[-4:]}" if len(secret) > 8 else ("…" if secret else ""),
        }  # fmt: skip


def _without_query(url: str) -> str:
    base, _, query = url.partition("?")
    return f"{base}?…" if query else base
