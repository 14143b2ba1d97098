"""Background jobs, in the SQL both backends share (geodata/stores/interface/jobs.py).

A job is claimed by one conditional UPDATE (``state = 'queued'`` in its WHERE): of two workers
claiming it, the second updates no row. Every later write names the claiming worker and
``state = 'running'``, so a job marked failed as stale stays failed whatever its old worker says."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from geodata.jobs.model import JOB_KINDS, JOB_STATES, MESSAGE_MAX, UNFINISHED, Job, bounded_log
from geodata.stores.shared.base import BaseStore
from geodata.stores.shared.checks import check_choice, one, sql_list

INSERT = """
    INSERT INTO job (county_id, kind, state, progress, params, message, message_en, log, result,
                     started_by, created_at)
    VALUES (%(county_id)s, %(kind)s, %(state)s, %(progress)s, %(params)s, %(message)s, %(message_en)s,
            %(log)s, %(result)s, %(started_by)s, %(created_at)s)
    RETURNING id
"""
CLAIM = """
    UPDATE job
    SET state = 'running', worker = %(worker)s, started_at = %(at)s, heartbeat_at = %(at)s
    WHERE county_id = %(county_id)s
      AND id = %(id)s
      AND state = 'queued'
    RETURNING id
"""
TOUCH = """
    UPDATE job
    SET progress = %(progress)s, message = %(message)s, message_en = %(message_en)s, log = %(log)s,
        heartbeat_at = %(at)s
    WHERE county_id = %(county_id)s
      AND id = %(id)s
      AND worker = %(worker)s
      AND state = 'running'
    RETURNING id
"""
FINISH = """
    UPDATE job
    SET state = %(state)s, progress = %(progress)s, message = %(message)s, message_en = %(message_en)s,
        log = %(log)s, result = %(result)s, finished_at = %(at)s, heartbeat_at = %(at)s
    WHERE county_id = %(county_id)s
      AND id = %(id)s
      AND worker = %(worker)s
      AND state = 'running'
    RETURNING id
"""
_STALE = f"""
    WHERE county_id = %(county_id)s
      AND state IN {sql_list(UNFINISHED)}
      AND COALESCE(heartbeat_at, created_at) < %(before)s
"""
FAIL_STALE = (
    "UPDATE job SET state = 'failed', message = %(message)s, message_en = %(message_en)s, "
    "finished_at = %(at)s" + _STALE + "RETURNING id"
)


def _states(states: Sequence[str] | None) -> str:
    """The WHERE part choosing ``states`` (checked codes of the portal's own, never user input)."""
    if states is None:
        return ""
    for state in states:
        check_choice(state, JOB_STATES, "job state")
    return f" AND state IN {sql_list(states)}" if states else " AND FALSE"


class JobsSql(BaseStore):
    def add_job(self, job: Job) -> Job:
        check_choice(job.kind, JOB_KINDS, "job kind")
        check_choice(job.state, JOB_STATES, "job state")
        row = self._insert(
            INSERT,
            {
                "county_id": job.county_id, "kind": job.kind, "state": job.state,
                "progress": _percent(job.progress), "params": self._obj(job.params),
                "message": job.message[:MESSAGE_MAX], "message_en": job.message_en[:MESSAGE_MAX],
                "log": bounded_log(job.log), "result": None if job.result is None else self._obj(job.result),
                "started_by": job.started_by, "created_at": self._t(job.created_at),
            },
        )  # fmt: skip
        return replace(job, id=row[0])

    def get_job(self, county_id: int, job_id: int) -> Job:
        rows = self._rows(
            "SELECT * FROM job WHERE county_id = %(c)s AND id = %(id)s", {"c": county_id, "id": job_id}
        )
        return self._job(one(rows, f"job #{job_id}"))

    def list_jobs(
        self, county_id: int, states: Sequence[str] | None = None, limit: int = 50, offset: int = 0
    ) -> list[Job]:
        rows = self._rows(
            f"SELECT * FROM job WHERE county_id = %(c)s{_states(states)} "
            "ORDER BY id DESC LIMIT %(limit)s OFFSET %(offset)s",
            {"c": county_id, "limit": int(limit), "offset": int(offset)},
        )
        return [self._job(r) for r in rows]

    def count_jobs(self, county_id: int, states: Sequence[str] | None = None) -> int:
        sql = f"SELECT COUNT(*) AS n FROM job WHERE county_id = %(c)s{_states(states)}"
        return self._rows(sql, {"c": county_id})[0]["n"]

    def claim_job(self, county_id: int, job_id: int, worker: str, at: datetime) -> bool:
        params = {"county_id": county_id, "id": job_id, "worker": worker, "at": self._t(at)}
        with self.transaction():
            return bool(self._rows(CLAIM, params))

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
        params = {
            "county_id": county_id, "id": job_id, "worker": worker, "at": self._t(at),
            "progress": _percent(progress), "message": message[:MESSAGE_MAX],
            "message_en": message_en[:MESSAGE_MAX], "log": bounded_log(log),
        }  # fmt: skip
        with self.transaction():
            return bool(self._rows(TOUCH, params))

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
        check_choice(state, ("done", "failed"), "job state")
        params = {
            "county_id": county_id, "id": job_id, "worker": worker, "state": state, "at": self._t(at),
            "progress": 100 if state == "done" else None, "message": message[:MESSAGE_MAX],
            "message_en": message_en[:MESSAGE_MAX], "log": bounded_log(log),
            "result": None if result is None else self._obj(result),
        }  # fmt: skip
        sql = FINISH if state == "done" else FINISH.replace("progress = %(progress)s, ", "")
        with self.transaction():
            return bool(self._rows(sql, params))

    def fail_stale_jobs(
        self, county_id: int, before: datetime, at: datetime, message: str, message_en: str
    ) -> int:
        params = {
            "county_id": county_id, "before": self._t(before), "at": self._t(at),
            "message": message[:MESSAGE_MAX], "message_en": message_en[:MESSAGE_MAX],
        }  # fmt: skip
        # A read first: the UPDATE would take SQLite's write lock even to change nothing, and a
        # page listing jobs must not wait on an import holding it.
        if not self._rows("SELECT id FROM job" + _STALE, params):
            return 0
        with self.transaction():
            return len(self._rows(FAIL_STALE, params))

    def _job(self, r) -> Job:
        return Job(
            r["county_id"], r["kind"], r["started_by"], self._dict(r["params"]), r["state"], r["progress"],
            r["message"], r["message_en"], r["log"], None if r["result"] is None else self._dict(r["result"]),
            self._time(r["created_at"]), self._time(r["started_at"]), self._time(r["finished_at"]),
            self._time(r["heartbeat_at"]), r["worker"], r["id"],
        )  # fmt: skip


def _percent(progress: int) -> int:
    return max(0, min(100, int(progress)))
