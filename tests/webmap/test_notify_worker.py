"""The delivery worker as a real process (``flask --app app notify-worker``) against a real SMTP
server and robot receiver, on SQLite and on PostGIS: killed (SIGKILL) while blocked in a send with
a batch claimed, then started again, every message arrives exactly once; two workers at once
deliver each message once too (message ids recorded by the receivers)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from geodata import clock
from geodata.notify import rules
from geodata.notify.model import Recipient, UnitContact
from tests.support.receivers import RobotReceiver, SmtpReceiver, robot_server, smtp_server
from tests.support.web import COUNTY_CODE, county_app
from webmap import get_store

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = "SECworker0123456789"
LEASE_S = 3.0


@pytest.fixture(params=["sqlite", "postgis"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'w.sqlite'}"
    return request.getfixturevalue("committed_postgis_url")


def _notifications(tmp_path, url: str, base: str, n: int, app=None) -> dict[str, set[str]]:
    """``n`` dispatch notifications for 城管执法局 (U01), whose e-mail and two robots are set: the
    message ids each receiver should get once, by channel. ``app``: the county made already."""
    app = app or _county(tmp_path, url, base)
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        unit = store.get_unit_by_code(county.id, "U01")
        cases = store.list_incidents(county.id, limit=n)
        with store.transaction():
            for case in cases:
                rules.notify(store, county, "dispatched", replace(case, unit_id=unit.id), clock.now())
        ids = {"email": set(), "wecom": set(), "dingtalk": set()}
        for d in store.list_deliveries(county.id, limit=1000):
            ids[d.channel].add(d.message_id)
    app.extensions["portal_db"].close()
    return ids


def _county(tmp_path, url: str, base: str):
    """The test county with 城管执法局's e-mail and robots set (to the local receivers)."""
    app = county_app(tmp_path, url)
    with app.app_context():
        store = get_store()
        county = store.get_county(COUNTY_CODE)
        store.set_unit_contact(
            county.id, store.get_unit_by_code(county.id, "U01").id,
            UnitContact("duty@cg.example.cn", f"{base}/wecom?key=k", f"{base}/dingtalk?access_token=t", SECRET),
        )  # fmt: skip
    return app


def _worker(url: str, smtp_url: str, tmp_path, *options: str) -> subprocess.Popen:
    env = {
        **os.environ, "DATABASE_URL": url, "PORTAL_SMTP_URL": smtp_url, "PORTAL_INSTANCE_PATH": str(tmp_path),
        "PORTAL_DEFAULT_COUNTY": COUNTY_CODE, "PORTAL_NOTIFY_RETRY_S": "0.5", "PYTHONUNBUFFERED": "1",
    }  # fmt: skip
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "app",
        "notify-worker",
        "--lease-s",
        str(LEASE_S),
        *options,
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=_as_a_background_job,
    )  # fmt: skip


def _as_a_background_job() -> None:
    """Start the worker as a shell's background job starts (``nohup … &``, CI's runner): with
    SIGINT ignored, which a Python process then never turns into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _states(app_url: str, tmp_path) -> Counter:
    from geodata.stores.store import open_store

    store = open_store(app_url)
    try:
        county = store.get_county(COUNTY_CODE)
        return Counter(d.state for d in store.list_deliveries(county.id, limit=10_000))
    finally:
        store.close()


def _each_once(ids: dict[str, set[str]], smtp: SmtpReceiver, robots: RobotReceiver) -> None:
    assert smtp.counts() == Counter(dict.fromkeys(ids["email"], 1))
    assert robots.counts("/wecom") == Counter(dict.fromkeys(ids["wecom"], 1))
    assert robots.counts("/dingtalk") == Counter(dict.fromkeys(ids["dingtalk"], 1))
    assert robots.refused == []  # every 钉钉 message signed right


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(database_url, tmp_path):
    smtp, robots = SmtpReceiver(hold_at=2), RobotReceiver(secrets={"/dingtalk": SECRET})
    with smtp_server(smtp) as smtp_url, robot_server(robots) as base:
        ids = _notifications(tmp_path, database_url, base, 4)  # 12 deliveries, one batch
        first = _worker(database_url, smtp_url, tmp_path, "--batch", "20", "--poll-s", "0.2")
        try:
            assert smtp.held.wait(60), "the worker never reached the second e-mail"
            first.send_signal(signal.SIGKILL)  # blocked in MAIL FROM, the other rows claimed
            first.wait(10)
        finally:
            first.kill()
        assert first.returncode == -signal.SIGKILL
        smtp.release()  # the dead worker's conversation ends without DATA: nothing was taken
        # one e-mail and its two robot messages went before the kill; the rest is held by a dead lease
        assert len(smtp.ids) == 1 and _states(database_url, tmp_path)["sent"] == 3
        time.sleep(LEASE_S + 0.5)
        again = _worker(database_url, smtp_url, tmp_path, "--once", "--batch", "5")
        output, _ = again.communicate(timeout=120)
        assert again.returncode == 0, output
        assert "done: 9 sent, 0 to retry, 0 failed" in output, output
    _each_once(ids, smtp, robots)
    assert _states(database_url, tmp_path) == {"sent": 12}


def test_two_workers_at_once_deliver_each_message_once(database_url, tmp_path):
    smtp, robots = SmtpReceiver(), RobotReceiver(secrets={"/dingtalk": SECRET})
    with smtp_server(smtp) as smtp_url, robot_server(robots) as base:
        app = _county(tmp_path, database_url, base)
        workers = [
            _worker(database_url, smtp_url, tmp_path, "--batch", "3", "--poll-s", "0.1") for _ in range(2)
        ]
        try:
            for w in workers:  # both polling before there is anything to deliver
                assert "started" in w.stdout.readline()
            ids = _notifications(tmp_path, database_url, base, 20, app)  # 60 deliveries
            deadline = time.monotonic() + 120
            while _states(database_url, tmp_path)["sent"] < 60 and time.monotonic() < deadline:
                time.sleep(0.3)
        finally:
            outputs = []
            for w, sig in zip(workers, (signal.SIGINT, signal.SIGTERM), strict=True):
                w.send_signal(sig)  # Ctrl-C and a service manager's stop: each ends its worker
                outputs.append(w.communicate(timeout=30)[0])
    assert [w.returncode for w in workers] == [0, 0] and all("done:" in out for out in outputs), outputs
    _each_once(ids, smtp, robots)
    assert _states(database_url, tmp_path) == {"sent": 60}
    # both took part: each printed at least one batch line
    assert all(": 3 claimed" in out or "claimed: sent" in out for out in outputs), outputs


def test_the_worker_raises_the_supervision_orders_that_are_due(tmp_path):
    """A case three days past its deadline: the worker's sweep raises its level 1 and level 2 督办
    once (two runs), and delivers the unit's messages of them in the same run."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    smtp, robots = SmtpReceiver(), RobotReceiver({"/dingtalk": SECRET})
    with smtp_server(smtp) as smtp_url, robot_server(robots) as base:
        app = _county(tmp_path, url, base)
        with app.app_context():
            store = get_store()
            county = store.get_county(COUNTY_CODE)
            (case,) = store.list_incidents(county.id, limit=1)
            late = replace(case, status="dispatched", unit_id=store.get_unit_by_code(county.id, "U01").id,
                           deadline_at=clock.now() - timedelta(days=3))  # fmt: skip
            store.update_incident(late)
        app.extensions["portal_db"].close()
        for _ in range(2):  # a second run raises nothing new
            worker = _worker(url, smtp_url, tmp_path, "--once")
            assert worker.wait(timeout=60) == 0, worker.stdout.read()
        with app.app_context():
            store = get_store()
            orders = store.supervisions(store.get_county(COUNTY_CODE).id, case.id)
            kinds = [n.kind for n in store.list_notifications(county.id, Recipient(unit_id=late.unit_id))]
        assert sorted((o.level, o.raised_by) for o in orders) == [(1, "系统"), (2, "系统")]
        # Its daily digest too, from 08:00 in the county: each message delivered once.
        assert sorted(k for k in kinds if k != "digest") == ["supervision_1", "supervision_2"]
        assert kinds.count("digest") <= 1
        assert sum(smtp.counts().values()) == len(kinds) and set(smtp.counts().values()) == {1}
        assert robots.counts("/wecom").total() == len(kinds)
