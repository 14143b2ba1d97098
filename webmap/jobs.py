"""The background jobs of this web process (issue #20 part 6): a worker thread runs the jobs its
process queued, one at a time, through geodata/jobs/run.py (claimed by a conditional UPDATE, so no
two processes run one job; beating while it runs; its work and its "done" in one transaction).
What each kind of job does is here: an import of an upload (geodata/io/uploads.py), ``make-grid``
(geodata/grids/make.py) and ``coverage`` (layers/coverage.py), each with the progress callbacks
the commands drive their progress bars with.

A job runs in the process that queued it (its upload is in that process's instance folder); one
queued there and never claimed, because the process stopped, is failed by the pages after
geodata.jobs.model.STALE_AFTER. The pages of the same process read a running job's progress from its
tracker here: on SQLite its heartbeat cannot be written while its work holds the write lock."""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app

from geodata.assignments.postings import day_start
from geodata.grids.make import make_grid
from geodata.io.uploads import discard, import_upload, load_upload
from geodata.jobs.model import Job
from geodata.jobs.run import Outcome, Tracker, Work, run_job, worker_name
from geodata.labels import ZONE_KIND_ZH
from geodata.stores.store import Database, Store
from layers.coverage import analyse, load

log = logging.getLogger("portal.jobs")
UPLOADS = "uploads"  # the folder of uploads in the instance folder
SKIPPED_KEPT = 100  # refused rows (as the preview named them) kept in an import's result
STORED_ZH = {
    "streets": "条路段",
    **{k: f"个{v}" for k, v in ZONE_KIND_ZH.items()},
    "units": "个单位",
    "incidents": "件案件",
}


@dataclass
class Runner:
    """This process's job queue and its one worker thread (started with the first job)."""

    database: Database
    uploads: Path
    route_max_m: float
    beat_s: float | None = 5.0
    synchronous: bool = False  # run each job in the request that starts it (tests)
    worker: str = field(default_factory=worker_name)
    live: dict[int, Tracker] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._queue: queue.Queue[tuple[Job, Tracker]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, job: Job) -> None:
        """Run the job: in the worker thread, or at once when ``synchronous``."""
        tracker = self.live.setdefault(job.id, Tracker())
        if self.synchronous:
            self.run(job, tracker)
            return
        self._queue.put((job, tracker))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="portal-jobs", daemon=True)
                self._thread.start()

    def run(self, job: Job, tracker: Tracker | None = None) -> Job:
        """Run one job to its end (the same function the thread runs); it as it ended."""
        tracker = tracker or self.live.setdefault(job.id, Tracker())
        try:
            ended = run_job(self.database, job.county_id, job.id, self.work(job.kind), worker=self.worker,
                            tracker=tracker, beat_s=self.beat_s)  # fmt: skip
            if ended.state == "done" and ended.kind == "import":
                self._forget_upload(ended)
            return ended
        finally:
            self.live.pop(job.id, None)

    def tracker(self, job_id: int) -> Tracker | None:
        """The tracker of a job running in this process, if it is."""
        return self.live.get(job_id)

    def work(self, kind: str) -> Work:
        return {
            "import": Work(self._import),
            "make_grid": Work(_make_grid),
            "coverage": Work(_coverage, writes=False),
        }[kind]

    def _loop(self) -> None:
        while True:
            job, tracker = self._queue.get()
            try:
                self.run(job, tracker)
            except Exception:  # noqa: BLE001 - the thread outlives one job's trouble
                log.exception("job #%s could not be run", job.id)

    def _import(self, store: Store, job: Job, tracker: Tracker) -> Outcome:
        county = store.get_county_by_id(job.county_id)
        upload = load_upload(self.uploads, job.county_id, job.params["upload"])
        name = upload.original_name
        tracker.stage(f"正在读取并导入 {name}", f"reading and importing {name}", 5)
        summary = import_upload(store, county, upload, bool(job.params.get("skip_refused")), self.route_max_m,
                                tracker.steps(10, 99))  # fmt: skip
        preview = upload.checked_preview()
        skipped = (
            [vars(r) for r in preview.refused[:SKIPPED_KEPT]]
            if preview and job.params.get("skip_refused")
            else []
        )
        result = {
            "source": name, "kind": upload.kind, "read": summary.read, "stored": summary.stored,
            "layer": summary.layer, "repaired": len(summary.repaired), "overlaps": len(summary.overlaps),
            "skipped": skipped, "skipped_total": preview.refused_total if skipped else 0,
        }  # fmt: skip
        return Outcome(result, summary.lines(), f"已导入 {name}：读取 {summary.read} 行，保存 {summary.stored} {STORED_ZH[upload.kind]}",
                       f"Imported {name}: {summary.read} rows read, {summary.stored} {summary.layer} stored")  # fmt: skip

    def _forget_upload(self, job: Job) -> None:
        try:
            discard(load_upload(self.uploads, job.county_id, job.params["upload"]))
        except Exception:  # noqa: BLE001 - gone already: the sweep would have taken it anyway
            log.debug("upload of job #%s already gone", job.id)


def _make_grid(store: Store, job: Job, tracker: Tracker) -> Outcome:
    county = store.get_county_by_id(job.county_id)
    target_m2 = float(job.params.get("target_m2", 10_000))
    tracker.stage("正在按道路划分社区网格", "splitting every community into grid cells along its streets", 2)
    summary = make_grid(store, county, target_m2, progress=tracker.steps(2, 99))
    result = {
        "target_m2": target_m2, "communities": len(summary.communities), "cells": summary.total("cells"),
        "created": summary.total("created"), "kept": summary.total("kept"), "deleted": summary.total("deleted"),
        "redrawn": summary.total("redrawn"), "seconds": round(summary.seconds, 1),
        "areas_m2": {k: round(v) for k, v in summary.area_distribution().items()},
    }  # fmt: skip
    return Outcome(result, summary.lines(), f"已划分 {result['communities']} 个社区，共 {result['cells']} 个网格",
                   f"{result['communities']} communities split into {result['cells']} grid cells")  # fmt: skip


def _coverage(store: Store, job: Job, tracker: Tracker) -> Outcome:
    county = store.get_county_by_id(job.county_id)
    day = job.params.get("at")
    tracker.stage("正在读取区域、道路与责任", "reading zones, streets and posts", 5)
    data = load(store, county, at=day_start(date.fromisoformat(day)) if day else None)
    tracker.stage("正在查找覆盖缺口", "looking for coverage gaps", 50)
    report = analyse(data)
    result = {"at": report.at.isoformat(), "area_source": report.area_source, **report.summary()}
    lines = [f"{k}: {v}" for k, v in report.summary().items()]
    return Outcome(result, lines, f"覆盖缺口：{result['unguarded_zones']} 个区域、{result['unguarded_segments']} 条路段无人负责",
                   f"Coverage gaps: {result['unguarded_zones']} zones and {result['unguarded_segments']} "
                   "segments with no lead unit")  # fmt: skip


_made = threading.Lock()


def runner() -> Runner:
    """The app's job runner, made on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _made:
        if "portal_jobs" not in app.extensions:
            settings = app.extensions["portal_settings"]
            app.extensions["portal_jobs"] = Runner(
                app.extensions["portal_db"], Path(app.instance_path) / UPLOADS, settings.route_max_m
            )
        return app.extensions["portal_jobs"]
