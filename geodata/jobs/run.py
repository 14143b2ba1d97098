"""One job's life: queued by whoever starts it, claimed by one worker, its progress kept in a
``Tracker`` and written beside it by a heartbeat, its work done in one transaction together with its
outcome, or failed with its error and the database as it was.

A job that writes (an import, ``make-grid``) runs its work and its "done" in one transaction: both
are stored or neither, so a job shown done has stored its data, and a job that failed stored
nothing. Its heartbeat writes on a connection of its own; on SQLite that write waits while the
work holds the write lock and is skipped (the page reads the tracker of its own process instead).
Job times are the real time, as backups' are, whatever day the portal's clock is pinned to.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from geodata.errors import Conflict, PortalError, busy_error
from geodata.jobs.model import JOB_KINDS, LOG_MAX, STALE_AFTER, UNFINISHED, Job
from geodata.model import COUNTY_TZ
from geodata.stores.shared.checks import check_choice
from geodata.stores.store import Database, Store

log = logging.getLogger("portal.jobs")
Progress = Callable[[int, int | None], None]


def now() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    """A worker's name in the jobs it claims: host, process and a few random letters."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Outcome:
    """What a job's work made: its result (JSON-ready), its log lines, its last word."""

    result: dict
    lines: list[str] = field(default_factory=list)
    message: str = "已完成"
    message_en: str = "Done"


class Tracker:
    """What a running job says of itself, read by its heartbeat and by the pages of its process
    while its thread writes it: progress 0-100, its stage in both languages, its log (bounded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.progress = 0
        self.message, self.message_en = "排队中", "Queued"
        self._lines: deque[str] = deque()
        self._chars = 0

    def stage(self, zh: str, en: str, progress: int | None = None) -> None:
        """A new stage: its words, logged (in English, as the commands print), and where it starts."""
        with self._lock:
            self.message, self.message_en = zh, en
            if progress is not None:
                self.progress = max(self.progress, min(99, int(progress)))
        self.say(en)

    def say(self, *lines: str) -> None:
        """Lines for the log, stamped with the time; the oldest dropped past LOG_MAX characters."""
        stamp = now().astimezone(COUNTY_TZ).strftime("%H:%M:%S")  # as the pages show times
        with self._lock:
            for line in lines:
                text = f"{stamp} {line}"
                self._lines.append(text)
                self._chars += len(text) + 1
            while self._chars > LOG_MAX and len(self._lines) > 1:
                self._chars -= len(self._lines.popleft()) + 1

    def steps(self, low: int, high: int) -> Progress:
        """A ``progress(done, total)`` callback (the commands' progress bars take the same) that
        moves the job from ``low`` to ``high`` percent; an unknown total leaves it where it is."""

        def progress(done: int, total: int | None) -> None:
            if total:
                with self._lock:
                    share = min(1.0, max(0.0, done / total))
                    self.progress = max(self.progress, min(99, int(low + (high - low) * share)))

        return progress

    def snapshot(self) -> tuple[int, str, str, str]:
        """(progress, message, message_en, log) as they are now."""
        with self._lock:
            return self.progress, self.message, self.message_en, "\n".join(self._lines)


@dataclass(frozen=True)
class Work:
    """What a kind of job does: ``run(store, job, tracker)`` → Outcome; ``writes``: in one
    transaction with the job's "done" (a read-only report holds no write lock)."""

    run: Callable[[Store, Job, Tracker], Outcome]
    writes: bool = True


def queue_job(store: Store, county_id: int, kind: str, started_by: str, params: dict) -> Job:
    """A new queued job; Conflict naming the job when one of the same kind (for an import, of the
    same upload) is queued or running already."""
    check_choice(kind, JOB_KINDS, "job kind")
    for other in store.list_jobs(county_id, UNFINISHED, limit=100):
        if other.kind == kind and (kind != "import" or other.params.get("upload") == params.get("upload")):
            raise Conflict(
                f"已有同类任务（#{other.id}）在排队或运行中：请等它结束",
                en=f"A job of this kind (#{other.id}) is queued or running already: wait for it to end",
                job_id=other.id,
            )
    return store.add_job(Job(county_id, kind, started_by, params, created_at=now(),
                             message="排队中", message_en="Queued"))  # fmt: skip


def fail_stale(store: Store, county_id: int, at: datetime | None = None) -> int:
    """Mark failed the county's jobs whose process stopped beating STALE_AFTER ago; how many."""
    at = at or now()
    minutes = int(STALE_AFTER.total_seconds() // 60)
    return store.fail_stale_jobs(
        county_id, at - STALE_AFTER, at,
        f"运行该任务的进程已停止（超过 {minutes} 分钟没有心跳）；任务未完成，数据库保持原样",
        f"The process running this job stopped (no heartbeat for over {minutes} minutes); the job did "
        "not finish and the database is as it was",
    )  # fmt: skip


def run_job(
    database: Database,
    county_id: int,
    job_id: int,
    work: Work,
    *,
    worker: str | None = None,
    tracker: Tracker | None = None,
    beat_s: float | None = 5.0,
) -> Job:
    """Claim the job and run it to done or failed; the job as it ends. A job another worker
    claimed first is left to it (returned as it stands). ``beat_s`` None: no heartbeat thread."""
    worker = worker or worker_name()
    tracker = tracker or Tracker()
    store = database.store()
    try:
        if not store.claim_job(county_id, job_id, worker, now()):
            return store.get_job(county_id, job_id)
        job = store.get_job(county_id, job_id)
        tracker.stage("开始运行", f"started by {job.started_by} on {worker}", 1)
        beat = Heartbeat(database, job, worker, tracker, beat_s) if beat_s else None
        try:
            _run(store, job, worker, work, tracker)
        finally:
            if beat is not None:
                beat.stop()
        return store.get_job(county_id, job_id)
    finally:
        store.close()


class _Lost(Exception):
    """The job stopped being this worker's while it ran (marked failed as stale): undo its work."""


def _run(store: Store, job: Job, worker: str, work: Work, tracker: Tracker) -> None:
    def finish(outcome: Outcome) -> None:
        tracker.say(*outcome.lines)
        _, _, _, text = tracker.snapshot()
        done = store.finish_job(job.county_id, job.id, worker, "done", now(), outcome.message,
                                outcome.message_en, text, outcome.result)  # fmt: skip
        if not done:
            raise _Lost()

    try:
        if work.writes:
            with store.transaction():
                finish(work.run(store, job, tracker))
        else:
            finish(work.run(store, job, tracker))
    except _Lost:
        log.warning("job #%s was marked failed while it ran; its work was undone", job.id)
    except Exception as exc:  # noqa: BLE001 - whatever broke, the job is failed and says so
        zh, en = failure_message(exc, job)
        tracker.say(f"failed: {en}")
        _, _, _, text = tracker.snapshot()
        store.finish_job(job.county_id, job.id, worker, "failed", now(), zh, en, text)


def failure_message(exc: Exception, job: Job) -> tuple[str, str]:
    """Why a job failed, in both languages: a refusal's own words; a crash by its kind only (its
    details go to the server's log, as a crashed request's do)."""
    busy = busy_error(exc)
    if busy is not None:
        exc = busy
    if isinstance(exc, PortalError):
        return exc.message, exc.en or exc.message
    log.error("job #%s (%s) crashed", job.id, job.kind, exc_info=exc)
    name = type(exc).__name__
    return (
        f"任务出错（{name}），未保存任何数据；详情见服务器日志",
        f"The job failed ({name}); nothing was stored; the server's log has the details",
    )


class Heartbeat:
    """Writes a running job's tracker and heartbeat every ``every_s`` seconds on a connection of
    its own, until stopped; a write that fails (SQLite's lock held by the job) is skipped."""

    def __init__(self, database: Database, job: Job, worker: str, tracker: Tracker, every_s: float):
        self.database, self.job, self.worker, self.tracker = database, job, worker, tracker
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job.id}-heartbeat", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                store = self.database.store()
            except Exception:  # noqa: BLE001 - a beat missed is no failure of the job
                continue
            try:
                store.touch_job(self.job.county_id, self.job.id, self.worker, now(), *self.tracker.snapshot())
            except Exception as exc:  # noqa: BLE001
                log.debug("job #%s: heartbeat skipped: %s", self.job.id, exc)
            finally:
                store.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
