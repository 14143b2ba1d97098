"""Concurrent HTTP clients for the report benchmark: threads over keep-alive ``http.client``
connections, closed-loop (each client sends its next request as soon as it has an answer) or
open-loop (requests leave on a fixed schedule, whatever the server's pace)."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from dataclasses import dataclass, field

# A keep-alive connection the server closed while idle fails on the next send; a client then
# reconnects and sends again (safe: a GET, or a POST carrying its Idempotency-Key).
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass
class Job:
    method: str
    path: str
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    key: str | None = None  # the Idempotency-Key, when one is sent
    at: float = 0.0  # open loop: seconds after the start when it is due


@dataclass
class Answer:
    job: Job
    latency_s: float
    status: int = 0
    replayed: bool = False
    body: bytes = b""
    reconnects: int = 0
    error: str | None = None
    sent_at: float = 0.0  # perf_counter when the first byte left
    done_at: float = 0.0  # perf_counter when the answer was read


@dataclass
class Run:
    answers: list[Answer]
    wall_s: float


def run_jobs(host: str, port: int, clients: int, jobs: list[Job], open_loop: bool = False) -> Run:
    """Send ``jobs`` from ``clients`` threads, each over its own keep-alive connection, taking the
    next job from a shared list. Open loop: a job waits until it is due, and its latency counts
    from then (time spent queued behind busy clients included, not hidden)."""
    answers: list[Answer | None] = [None] * len(jobs)
    counter = itertools.count()  # next() on it is atomic under the GIL
    ready = threading.Barrier(clients + 1)
    start_box: list[float] = []

    def client() -> None:
        # Connected on the first send, not before: gunicorn's gthread worker gives a new connection
        # a thread until its first request arrives, so idle pre-opened ones would starve it.
        conn = http.client.HTTPConnection(host, port, timeout=60)
        ready.wait()
        ready.wait()  # the main thread has set the start time
        start = start_box[0]
        while (i := next(counter)) < len(jobs):
            job = jobs[i]
            due = start + job.at if open_loop else time.perf_counter()
            if open_loop and (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            answers[i] = _send(conn, job, due)
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    start_box.append(time.perf_counter())
    ready.wait()
    for t in threads:
        t.join()
    return Run([a for a in answers if a is not None], time.perf_counter() - start_box[0])


def _send(conn: http.client.HTTPConnection, job: Job, due: float) -> Answer:
    reconnects, sent_at = 0, time.perf_counter()
    while True:
        try:
            conn.request(job.method, job.path, job.body, job.headers)
            response = conn.getresponse()
            body = response.read()
            done = time.perf_counter()
            replayed = response.getheader("Idempotent-Replayed") == "true"
            return Answer(job, done - due, response.status, replayed, body, reconnects, None, sent_at, done)
        except STALE as exc:
            conn.close()
            reconnects += 1
            if reconnects > 2:
                return _failed(job, due, reconnects, exc, sent_at)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            return _failed(job, due, reconnects, exc, sent_at)


def _failed(job: Job, due: float, reconnects: int, exc: Exception, sent_at: float) -> Answer:
    done = time.perf_counter()
    return Answer(job, done - due, reconnects=reconnects, error=repr(exc), sent_at=sent_at, done_at=done)
