"""Background jobs in the real worker thread (issue #20 part 6): started from the page, followed
through the job's JSON until done (bounded waits), on SQLite and on PostGIS, where the heartbeat
is written beside the job's own transaction."""

from __future__ import annotations

import time

from tests.support.web import COUNTY_CODE, admin_client, build_county
from webmap import create_app, get_store
from webmap.jobs import runner

WAIT_S = 60


def _admin(app):
    return admin_client(app)


def _run_and_follow(client, token, job: str, **form) -> tuple[str, dict]:
    started = client.post("/admin/jobs", data={"csrf_token": token, "job": job, **form})
    assert started.status_code == 302, started.text[:300]
    url = started.headers["Location"]
    deadline = time.monotonic() + WAIT_S
    while True:
        answer = client.get(url + ".json").get_json()
        if answer["finished"] or time.monotonic() > deadline:
            return url, answer
        time.sleep(0.05)


def test_a_job_runs_in_the_worker_thread_and_its_page_follows_it(app):
    client, token = _admin(app)
    url, answer = _run_and_follow(client, token, "coverage")
    assert answer["state"] == "done" and answer["progress"] == 100
    page = client.get(url).text
    assert "data-poll" not in page and 'id="result-zones"' in page
    with app.app_context():
        thread = runner()._thread
    assert thread is not None and thread.name == "portal-jobs" and thread.is_alive()


def test_a_grid_job_on_postgis_beats_and_ends_done(committed_postgis_url, tmp_path):
    app = create_app({"database_url": committed_postgis_url, "instance_path": str(tmp_path), "testing": True,
                      "seed_demo_on_start": False, "default_county": COUNTY_CODE})  # fmt: skip
    try:
        with app.app_context():
            build_county(get_store())
            runner().beat_s = 0.01  # beat while the grid is made in its own transaction
        client, token = _admin(app)
        url, answer = _run_and_follow(client, token, "make_grid", target_m2="20000", confirm="yes")
        assert answer["state"] == "done", answer
        with app.app_context():
            store = get_store()
            county = store.get_county(COUNTY_CODE)
            (job,) = store.list_jobs(county.id)
            cells = store.list_zones(county.id, kind="grid")
        # beating every 10 ms beside the grid's transaction neither blocked it nor outlived it
        assert job.result["cells"] == len(cells) > 2 and job.heartbeat_at == job.finished_at
        assert 'id="result-cells"' in client.get(url).text and job.worker == runner_name(app)
    finally:
        app.extensions["portal_db"].close()


def runner_name(app) -> str:
    with app.app_context():
        return runner().worker
