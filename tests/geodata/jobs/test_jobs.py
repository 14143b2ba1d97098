"""Background jobs on both backends (issue #20 part 6): kept and listed newest first per county;
claimed by one worker only (the conditional UPDATE); written only by the worker that claimed it;
failed when its heartbeat is old; and run by ``run_job``: the work and its "done" in one
transaction, a failure rolled back with the error said in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import LineString

from geodata.errors import Conflict, InvalidInput, NotFound
from geodata.jobs.model import LOG_MAX, STALE_AFTER, Job, bounded_log
from geodata.jobs.run import Outcome, Tracker, Work, fail_stale, queue_job, run_job
from geodata.model import County, Segment

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class OneStore:
    """A Database handing out the test's one store (its close is the fixture's business)."""

    def __init__(self, store):
        self._store = store

    def store(self):
        return _Unclosed(self._store)


class _Unclosed:
    def __init__(self, store):
        self._store = store

    def close(self):
        pass

    def __getattr__(self, name):
        return getattr(self._store, name)


@pytest.fixture
def county(store):
    return store.add_county(County("990030", "任务县"))


def _job(county, kind="make_grid", **changes) -> Job:
    return Job(county.id, kind, "admin1", **{"params": {"target_m2": 10_000}, "created_at": T0, **changes})


def test_jobs_are_kept_and_listed_newest_first_per_county(store, county):
    other = store.add_county(County("990031", "邻县"))
    first = store.add_job(_job(county, "coverage", params={"at": "2026-03-01"}))
    second = store.add_job(_job(county))
    store.add_job(_job(other))
    assert [j.id for j in store.list_jobs(county.id)] == [second.id, first.id]
    assert store.count_jobs(county.id) == 2 and store.count_jobs(county.id, ["queued"]) == 2
    assert store.count_jobs(county.id, ["done"]) == 0 and store.list_jobs(county.id, [], 10) == []
    assert store.list_jobs(county.id, limit=1, offset=1)[0].id == first.id
    got = store.get_job(county.id, first.id)
    assert (got.kind, got.state, got.progress, got.params, got.result) == (
        "coverage",
        "queued",
        0,
        {"at": "2026-03-01"},
        None,
    )
    assert got.created_at == T0 and got.started_at is None
    with pytest.raises(NotFound):
        store.get_job(other.id, first.id)  # another county's job is not there
    with pytest.raises(InvalidInput):
        store.add_job(_job(county, "drop_tables"))
    with pytest.raises(InvalidInput):
        store.list_jobs(county.id, ["exploded"])


def test_a_job_is_claimed_once_and_written_only_by_its_worker(store, county):
    job = store.add_job(_job(county))
    assert store.claim_job(county.id, job.id, "a", T0)
    assert not store.claim_job(county.id, job.id, "b", T0)  # a second process gets nothing
    assert not store.touch_job(county.id, job.id, "b", T0, 50)
    assert store.touch_job(
        county.id, job.id, "a", T0 + timedelta(seconds=5), 140, "划分中", "splitting", "x\ny"
    )
    running = store.get_job(county.id, job.id)
    assert (running.state, running.worker, running.progress, running.message_en, running.log) == (
        "running",
        "a",
        100,  # bounded to 0-100
        "splitting",
        "x\ny",
    )
    assert running.heartbeat_at == T0 + timedelta(seconds=5) and running.started_at == T0
    assert not store.finish_job(county.id, job.id, "b", "done", T0)
    assert store.finish_job(county.id, job.id, "a", "done", T0 + timedelta(minutes=1), "好", "Good", "log",
                            {"cells": 12, "areas": {"min": 1.5}})  # fmt: skip
    done = store.get_job(county.id, job.id)
    assert (done.state, done.progress, done.result, done.finished) == (
        "done",
        100,
        {"cells": 12, "areas": {"min": 1.5}},
        True,
    )
    assert not store.finish_job(county.id, job.id, "a", "failed", T0)  # an ended job stays ended
    assert not store.touch_job(county.id, job.id, "a", T0, 10)


def test_jobs_whose_process_stopped_beating_are_failed(store, county):
    old_running = store.add_job(_job(county))
    store.claim_job(county.id, old_running.id, "gone", T0)
    old_queued = store.add_job(_job(county, "coverage"))
    fresh = store.add_job(_job(county, created_at=T0 + STALE_AFTER))
    store.claim_job(county.id, fresh.id, "alive", T0 + STALE_AFTER)
    done = store.add_job(_job(county))
    store.claim_job(county.id, done.id, "w", T0)
    store.finish_job(county.id, done.id, "w", "done", T0)
    assert fail_stale(store, county.id, T0 + STALE_AFTER + timedelta(seconds=1)) == 2
    states = {j.id: (j.state, j.message_en) for j in store.list_jobs(county.id)}
    assert states[old_running.id][0] == states[old_queued.id][0] == "failed"
    assert "no heartbeat" in states[old_running.id][1]
    assert states[fresh.id][0] == "running" and states[done.id][0] == "done"
    assert not store.finish_job(county.id, old_running.id, "gone", "done", T0)  # its worker lost it
    assert fail_stale(store, county.id, T0 + STALE_AFTER + timedelta(seconds=2)) == 0


def test_one_job_of_a_kind_at_a_time(store, county):
    first = queue_job(store, county.id, "make_grid", "admin1", {"target_m2": 5000})
    with pytest.raises(Conflict) as refused:
        queue_job(store, county.id, "make_grid", "admin2", {"target_m2": 9000})
    assert refused.value.details["job_id"] == first.id
    queue_job(store, county.id, "coverage", "admin1", {})  # another kind may run beside it
    queue_job(store, county.id, "import", "admin1", {"upload": "a"})
    queue_job(store, county.id, "import", "admin1", {"upload": "b"})  # another upload too
    with pytest.raises(Conflict):
        queue_job(store, county.id, "import", "admin1", {"upload": "a"})


def _road(county, name="福华路") -> Segment:
    return Segment(county.id, name, LineString([(114.0, 22.5), (114.01, 22.5)]))


def test_a_job_that_succeeds_stores_its_work_and_its_result_together(store, county):
    job = queue_job(store, county.id, "import", "admin1", {"upload": "x"})

    def work(s, j, tracker):
        tracker.stage("导入", "importing", 10)
        tracker.steps(10, 90)(1, 2)
        assert tracker.snapshot()[0] == 50
        s.add_segments([_road(county)])
        return Outcome({"stored": 1}, ["stored 1 segment"], "已导入", "Imported")

    ended = run_job(OneStore(store), county.id, job.id, Work(work), worker="w1", beat_s=None)
    assert (ended.state, ended.progress, ended.result, ended.message_en) == (
        "done",
        100,
        {"stored": 1},
        "Imported",
    )
    assert "importing" in ended.log and "stored 1 segment" in ended.log and "started by admin1" in ended.log
    assert store.count(county.id, "segment") == 1
    again = run_job(OneStore(store), county.id, job.id, Work(work), worker="w2", beat_s=None)
    assert again.worker == "w1" and store.count(county.id, "segment") == 1  # not run twice


def test_a_job_that_fails_leaves_the_database_as_it_was(store, county):
    job = queue_job(store, county.id, "import", "admin1", {"upload": "x"})
    version = store.map_version()

    def work(s, j, tracker):
        s.add_segments([_road(county), _road(county, "金田路")])
        raise InvalidInput("第 2 行坏了", en="row 2 is bad")

    ended = run_job(OneStore(store), county.id, job.id, Work(work), worker="w1", beat_s=None)
    assert (ended.state, ended.message, ended.message_en) == ("failed", "第 2 行坏了", "row 2 is bad")
    assert "failed: row 2 is bad" in ended.log and ended.finished_at is not None
    assert store.count(county.id, "segment") == 0 and store.map_version() == version

    crash = queue_job(store, county.id, "make_grid", "admin1", {})

    def broken(s, j, tracker):
        s.add_segments([_road(county)])
        raise ZeroDivisionError("secret detail")

    ended = run_job(OneStore(store), county.id, crash.id, Work(broken), worker="w1", beat_s=None)
    assert ended.state == "failed" and "ZeroDivisionError" in ended.message_en
    assert "secret detail" not in ended.message_en + ended.log  # the details are the server log's
    assert store.count(county.id, "segment") == 0


def test_the_log_keeps_its_end():
    tracker = Tracker()
    for i in range(3000):
        tracker.say(f"line {i:04d} " + "x" * 20)
    log = tracker.snapshot()[3]
    assert len(log) <= LOG_MAX and log.endswith("x" * 20) and "line 2999" in log and "line 0000" not in log
    text = "\n".join(f"row {i}" for i in range(10_000))
    kept = bounded_log(text)
    assert len(kept) <= LOG_MAX and kept.startswith("…\nrow ") and kept.endswith("row 9999")
