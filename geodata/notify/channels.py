"""The channels a notification goes out on beside the inbox: e-mail over SMTP (``PORTAL_SMTP_URL``)
and the group robots of 企业微信 (WeCom) and 钉钉 (DingTalk), each a webhook URL per unit.

Every network call has a timeout. A send either returns (the server took the message) or raises
``DeliveryError`` with a line saying why, which the outbox keeps and retries on. Each message
carries its stable id (the e-mail's Message-ID header, the last line of a robot's text), so a
receiver can drop the one copy sent twice when a worker dies between the send and its commit
(geodata/notify/outbox.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime

from geodata.errors import ConfigError, InvalidInput
from geodata.notify.model import Outgoing, UnitContact

TIMEOUT_S = 10.0  # a send that takes longer fails and is tried again later
SMTP_PORTS = {"smtp": 25, "smtps": 465}
MAX_URL = 500
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class DeliveryError(Exception):
    """A message the receiver did not take; the text says why (kept for the administrator)."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where e-mail goes, parsed once at start-up from ``PORTAL_SMTP_URL``."""

    host: str
    port: int
    sender: str
    user: str = ""
    password: str = ""
    implicit_tls: bool = False  # smtps://
    starttls: bool = False  # smtp://…?starttls=1


def parse_smtp_url(url: str) -> SmtpConfig:
    """``smtp://user:pass@host:587?starttls=1&from=portal@example.cn`` (or ``smtps://`` for TLS
    from the first byte) as a config; ConfigError naming PORTAL_SMTP_URL when it does not parse.
    The password is never repeated in a message."""
    parts = urllib.parse.urlsplit(url.strip())
    shown = _without_password(parts)

    def refuse(zh: str, en: str):
        raise ConfigError(
            f"PORTAL_SMTP_URL={shown!r} 无效：{zh}", en=f"PORTAL_SMTP_URL={shown!r} is not valid: {en}"
        )

    if parts.scheme not in SMTP_PORTS:
        refuse("应以 smtp:// 或 smtps:// 开头", "it must start with smtp:// or smtps://")
    try:
        port = parts.port or SMTP_PORTS[parts.scheme]
    except ValueError:
        refuse("端口应为 1 至 65535 之间的数字", "the port must be a number from 1 to 65535")
    if not parts.hostname:
        refuse("缺少服务器地址", "it names no server")
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"starttls", "from"})
    if unknown:
        refuse(
            f"不认识的参数 {', '.join(unknown)}（可用 starttls、from）",
            f"unknown parameters {', '.join(unknown)} (use starttls, from)",
        )
    starttls = query.get("starttls", ["0"])[-1]
    if starttls not in ("0", "1", "true", "false"):
        refuse("starttls 应为 0 或 1", "starttls must be 0 or 1")
    user = urllib.parse.unquote(parts.username or "")
    sender = query.get("from", [user if "@" in user else f"portal@{parts.hostname}"])[-1]
    if not EMAIL.fullmatch(sender):
        refuse(f"发件人 {sender!r} 不是电子邮件地址", f"the sender {sender!r} is not an e-mail address")
    return SmtpConfig(
        parts.hostname, port, sender, user, urllib.parse.unquote(parts.password or ""),
        implicit_tls=parts.scheme == "smtps", starttls=starttls in ("1", "true"),
    )  # fmt: skip


def _without_password(parts: urllib.parse.SplitResult) -> str:
    if parts.password is None:
        return parts.geturl()
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


def checked_contact(contact: UnitContact) -> UnitContact:
    """The contact with its values trimmed, or InvalidInput naming the first that is not an
    e-mail address or an http(s) URL."""
    c = UnitContact(
        *(
            v.strip()
            for v in (contact.email, contact.wecom_url, contact.dingtalk_url, contact.dingtalk_secret)
        )
    )
    if c.email and (len(c.email) > 254 or not EMAIL.fullmatch(c.email)):
        raise InvalidInput(
            f"{c.email!r} 不是电子邮件地址", en=f"{c.email!r} is not an e-mail address", field="email"
        )
    for field, url in (("wecom_url", c.wecom_url), ("dingtalk_url", c.dingtalk_url)):
        if url:
            check_webhook_url(url, field)
    if c.dingtalk_secret and not c.dingtalk_url:
        raise InvalidInput(
            "设置钉钉加签密钥时也须设置钉钉机器人地址",
            en="A DingTalk signing secret needs the DingTalk robot's URL too",
            field="dingtalk_secret",
        )
    return c


def check_webhook_url(url: str, field: str) -> str:
    """A robot's URL: http or https with a host, at most MAX_URL characters."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL:
        raise InvalidInput(
            f"机器人地址须为 http:// 或 https:// 开头、不超过 {MAX_URL} 字符的网址，而不是 {url[:80]!r}",
            en=f"A robot's address must be an http:// or https:// URL of at most {MAX_URL} characters, not {url[:80]!r}",
            field=field,
        )
    return url


def link_line(out: Outgoing, public_url: str = "") -> str:
    """Where to read more: the page's full address when the portal's is known, else its path."""
    if not out.link:
        return ""
    return (
        f"\n查看：{public_url.rstrip('/')}{out.link}" if public_url else f"\n查看：本门户的 {out.link} 页面"
    )


def email_message(config: SmtpConfig, to: str, out: Outgoing, public_url: str = "") -> EmailMessage:
    """The e-mail of a notification: Chinese subject, one plain-text part (no HTML: nothing to
    escape), the page it is about, its stable Message-ID."""
    msg = EmailMessage()
    msg["Subject"] = out.title
    msg["From"] = config.sender
    msg["To"] = to
    msg["Date"] = format_datetime(out.created_at)
    msg["Message-ID"] = out.delivery.message_id
    msg.set_content(
        f"{out.body}\n{link_line(out, public_url)}\n—— 文明创建门户（消息编号 {out.delivery.message_id}）\n"
    )
    return msg


def send_email(
    config: SmtpConfig, to: str, out: Outgoing, timeout_s: float = TIMEOUT_S, public_url: str = ""
) -> None:
    try:
        if config.implicit_tls:
            server = smtplib.SMTP_SSL(
                config.host, config.port, timeout=timeout_s, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(config.host, config.port, timeout=timeout_s)
        with server:
            if config.starttls:
                server.starttls(context=ssl.create_default_context())
            if config.user:
                server.login(config.user, config.password)
            server.send_message(email_message(config, to, out, public_url))
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"SMTP {config.host}:{config.port}: {type(exc).__name__}: {exc}") from None


def robot_text(out: Outgoing, public_url: str = "") -> str:
    return f"{out.title}\n{out.body}{link_line(out, public_url)}\n{out.delivery.message_id}"


def dingtalk_signed(url: str, secret: str, timestamp_ms: int) -> str:
    """The URL with 钉钉's signature: ``timestamp`` (ms) and ``sign`` = base64 of HMAC-SHA256 of
    ``"{timestamp}\\n{secret}"`` keyed by the secret, URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if urllib.parse.urlsplit(url).query else '?'}timestamp={timestamp_ms}&sign={sign}"


def post_robot(
    url: str, out: Outgoing, secret: str = "", timeout_s: float = TIMEOUT_S, public_url: str = ""
) -> None:
    """POST the robots' documented text message; success is HTTP 200 with ``errcode`` 0."""
    if secret:
        url = dingtalk_signed(url, secret, int(time.time() * 1000))
    body = json.dumps(
        {"msgtype": "text", "text": {"content": robot_text(out, public_url)}}, ensure_ascii=False
    ).encode()
    request = urllib.request.Request(
        url, body, {"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    host = urllib.parse.urlsplit(url).netloc
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:  # noqa: S310 - http(s) only, checked
            status, text = answer.status, answer.read(10_000)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"{host}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"{host}: {getattr(exc, 'reason', exc)}") from None
    try:
        errcode = json.loads(text).get("errcode")
    except (ValueError, AttributeError):
        errcode = None
    if status != 200 or errcode != 0:
        raise DeliveryError(f"{host}: HTTP {status}, {text[:200].decode(errors='replace')}")


@dataclass(frozen=True)
class Channels:
    """What the worker sends with: the SMTP config (None: e-mail is not set up), a timeout, and the
    portal's address for the links (PORTAL_PUBLIC_URL; "": paths only)."""

    smtp: SmtpConfig | None = None
    timeout_s: float = TIMEOUT_S
    public_url: str = ""

    def send(self, out: Outgoing) -> None:
        d = out.delivery
        if d.channel == "email":
            if self.smtp is None:
                raise DeliveryError("PORTAL_SMTP_URL is not set: e-mail cannot be sent")
            send_email(self.smtp, d.target, out, self.timeout_s, self.public_url)
        elif d.channel == "wecom":
            post_robot(d.target, out, timeout_s=self.timeout_s, public_url=self.public_url)
        elif d.channel == "dingtalk":
            post_robot(d.target, out, out.secret, self.timeout_s, self.public_url)
        else:
            raise DeliveryError(f"unknown channel {d.channel!r}")
