"""Real local receivers for the notification channels, recording the message ids they are sent:
an SMTP server (aiosmtpd) that can hold the k-th message in MAIL FROM until released, and an HTTP
receiver standing in for the 企业微信 and 钉钉 group robots, which checks 钉钉's signature and can be
told to fail. Used by the notification tests and scripts/bench/notify.py."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import socket
import threading
import time
from collections import Counter
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(r"<n\d+\.\w+@portal\.\w+>")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpReceiver:
    """aiosmtpd's handler: keeps each message, its Message-ID and arrival time. With ``hold_at``
    set to k, the k-th MAIL FROM waits (the sender blocked mid-conversation) until ``release()``;
    ``held`` is set when it starts waiting."""

    def __init__(self, hold_at: int | None = None):
        self.ids: list[str] = []
        self.messages: list = []  # each e-mail as an email.message.Message (decoded: ``get_payload``)
        self.arrived: dict[str, float] = {}
        self.mails = 0
        self.hold_at = hold_at
        self.held = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 - aiosmtpd's name
        with self._lock:
            self.mails += 1
            hold = self.mails == self.hold_at
        if hold:
            import asyncio

            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=default)
        message_id = message["Message-ID"]
        with self._lock:
            self.ids.append(message_id)
            self.messages.append(message)
            self.arrived.setdefault(message_id, time.time())
        return "250 Message accepted"

    def release(self) -> None:
        self._release.set()

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.ids)


@contextmanager
def smtp_server(receiver: SmtpReceiver):
    """The receiver on 127.0.0.1; yields its ``smtp://`` URL."""
    port = free_port()
    controller = Controller(receiver, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}?from=portal@example.cn"
    finally:
        receiver.release()
        controller.stop()


class RobotReceiver:
    """Answers POSTs as the robots do (HTTP 200, ``{"errcode": 0}``) and keeps, per path, the ids
    in the texts; ``fail`` = "errcode" or "500" makes it refuse. A request to a path with a
    ``secret`` in ``secrets`` must carry 钉钉's signature of a recent timestamp, or it is refused."""

    def __init__(self, secrets: dict[str, str] | None = None):
        self.ids: dict[str, list[str]] = {}
        self.arrived: dict[str, float] = {}
        self.refused: list[str] = []
        self.secrets = secrets or {}
        self.fail: str | None = None
        self._lock = threading.Lock()

    def answer(self, path: str, query: dict, body: bytes) -> tuple[int, dict]:
        secret = self.secrets.get(path)
        if secret is not None and not _signed(secret, query):
            with self._lock:
                self.refused.append(path)
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        if self.fail == "500":
            return 500, {"error": "down"}
        if self.fail == "errcode":
            return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
        content = json.loads(body)["text"]["content"]
        with self._lock:
            for message_id in MESSAGE_ID.findall(content):
                self.ids.setdefault(path, []).append(message_id)
                self.arrived.setdefault(message_id, time.time())
        return 200, {"errcode": 0, "errmsg": "ok"}

    def counts(self, path: str) -> Counter:
        with self._lock:
            return Counter(self.ids.get(path, []))


def _signed(secret: str, query: dict) -> bool:
    try:
        timestamp = int(query["timestamp"][0])
        sign = query["sign"][0]  # parse_qs has undone the URL encoding
    except (KeyError, ValueError):
        return False
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    )
    return abs(time.time() * 1000 - timestamp) < 3_600_000 and hmac.compare_digest(sign.encode(), expected)


@contextmanager
def robot_server(receiver: RobotReceiver):
    """The receiver on 127.0.0.1 in a thread; yields its base URL (``http://127.0.0.1:port``)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, answer = receiver.answer(parts.path, parse_qs(parts.query), body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
