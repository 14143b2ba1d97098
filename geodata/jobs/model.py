"""What a background job is: its kind, its state, how far it got, what it said and what it made."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

JOB_KINDS = ("import", "make_grid", "coverage")
JOB_STATES = ("queued", "running", "done", "failed")
UNFINISHED = ("queued", "running")
LOG_MAX = 20_000  # characters of a job's log kept: its end, where the outcome is
MESSAGE_MAX = 2_000  # characters of its last message (a refusal naming rows can be long)
# A queued or running job whose heartbeat (its claim, else its creation) is older than this was
# left by a process that died: it is marked failed. A running job beats every few seconds.
STALE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Job:
    """One run of an import, ``make-grid`` or ``coverage`` for a county."""

    county_id: int
    kind: str  # JOB_KINDS
    started_by: str  # the user name of who started it
    params: dict = field(default_factory=dict)  # what it runs on (an upload, a target area, a day)
    state: str = "queued"  # JOB_STATES
    progress: int = 0  # 0-100
    message: str = ""  # its last word in Chinese: what it is doing, or why it failed
    message_en: str = ""
    log: str = ""  # lines, the newest last, LOG_MAX characters at most
    result: dict | None = None  # what it made, once done: counts, figures
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    worker: str | None = None  # who claimed it: host:process:random
    id: int | None = None

    @property
    def finished(self) -> bool:
        return self.state not in UNFINISHED


def bounded_log(text: str) -> str:
    """The end of a log, LOG_MAX characters at most, starting at a whole line."""
    if len(text) <= LOG_MAX:
        return text
    tail = text[-(LOG_MAX - 2) :]
    return "…\n" + tail[tail.find("\n") + 1 :] if "\n" in tail else tail
