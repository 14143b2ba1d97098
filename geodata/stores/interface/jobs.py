"""Background jobs (geodata/jobs/): kept, listed, claimed by one worker, beating while they run,
finished, and failed when their process died. Both backends implement it with
geodata/stores/shared/jobs.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from geodata.jobs.model import Job


class JobStore(Protocol):
    """A county's jobs and their lifecycle: queued → running → done | failed."""

    def add_job(self, job: Job) -> Job:
        """Keep a new job (queued, unless given otherwise); it with its id."""

    def get_job(self, county_id: int, job_id: int) -> Job:
        """The county's job with this id; NotFound otherwise."""

    def list_jobs(
        self, county_id: int, states: Sequence[str] | None = None, limit: int = 50, offset: int = 0
    ) -> list[Job]:
        """The county's jobs (of ``states`` when given), the newest first."""

    def count_jobs(self, county_id: int, states: Sequence[str] | None = None) -> int: ...

    def claim_job(self, county_id: int, job_id: int, worker: str, at: datetime) -> bool:
        """Take a queued job to run (running, started and beating at ``at``): one conditional
        UPDATE, so of two workers claiming it one gets True; False when it was not queued."""

    def touch_job(
        self,
        county_id: int,
        job_id: int,
        worker: str,
        at: datetime,
        progress: int,
        message: str = "",
        message_en: str = "",
        log: str = "",
    ) -> bool:
        """The running job's progress, message and log as ``worker`` sees them, and its heartbeat;
        False (nothing written) when it is not running under ``worker`` any more."""

    def finish_job(
        self,
        county_id: int,
        job_id: int,
        worker: str,
        state: str,
        at: datetime,
        message: str = "",
        message_en: str = "",
        log: str = "",
        result: dict | None = None,
    ) -> bool:
        """End the running job as ``state`` (done or failed) with its last word, log and result;
        False (nothing written) when it is not running under ``worker``."""

    def fail_stale_jobs(
        self, county_id: int, before: datetime, at: datetime, message: str, message_en: str
    ) -> int:
        """Mark failed, with ``message``, the queued and running jobs whose heartbeat (or, never
        claimed, whose creation) is before ``before``; how many. Writes nothing when there are none."""
