"""Notifications through the outbox to real local receivers, against sending them directly.

    python -m scripts.bench.notify [--notifications 10000] [--rate 100] [--workers 2] [--backend sqlite|postgis]

A writer commits notifications (each with one delivery: e-mail, 企业微信 or 钉钉 in turn, to the
local SMTP server and robot receiver of tests/support/receivers.py) ten at a time, ``--rate`` a
second (0: as fast as it can, which measures the queue more than the outbox), while ``--workers``
worker threads drain the outbox (geodata/notify/worker.py). Prints deliveries per second, the
p50 and p99 time from the notification's commit to its arrival, and, as the baseline
measured in the same process, the same channels sent directly (no outbox: no claim, no commit per
message) with the ratio of the two. Checks that every message arrived exactly once.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from shapely.geometry import Point, box

from geodata.model import County, Incident, Unit
from geodata.notify import worker
from geodata.notify.channels import Channels, parse_smtp_url
from geodata.notify.model import CHANNELS, Delivery, Notification, Outgoing, Recipient, UnitContact
from geodata.notify.outbox import Policy
from geodata.notify.rules import message_id
from geodata.stores.store import open_database
from scripts.bench.common import backend_parser, bench_database
from tests.support.receivers import RobotReceiver, SmtpReceiver, robot_server, smtp_server

SECRET = "SECbench0123456789"
CHUNK = 10  # notifications a transaction
BASELINE = 1000  # messages sent directly for the baseline


def main(argv=None) -> None:
    p = backend_parser(__doc__.splitlines()[0])
    p.add_argument("--notifications", type=int, default=10_000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--rate", type=float, default=100.0, help="notifications written a second (0: no limit)")
    args = p.parse_args(argv)
    smtp, robots = SmtpReceiver(), RobotReceiver(secrets={"/dingtalk": SECRET})
    with (
        tempfile.TemporaryDirectory() as tmp, bench_database(args, Path(tmp)) as url,
        smtp_server(smtp) as smtp_url, robot_server(robots) as base,
    ):  # fmt: skip
        channels = Channels(parse_smtp_url(smtp_url))
        database = open_database(url)
        try:
            county, unit, case = _county(database, base)
            direct = _direct(channels, base, BASELINE)
            smtp.ids.clear(), robots.ids.clear(), smtp.arrived.clear(), robots.arrived.clear()
            made, seconds = _through_outbox(database, channels, county, unit, case, args)
        finally:
            database.close()
    arrived = {**smtp.arrived, **robots.arrived}
    counts = smtp.counts() + sum((robots.counts(p) for p in ("/wecom", "/dingtalk")), Counter())
    lost, doubled = set(made) - set(counts), [m for m, n in counts.items() if n > 1]
    latency = np.array([arrived[m] - made[m] for m in made if m in arrived])
    rate = len(made) / seconds
    paced = f"{args.rate:,.0f}/s written" if args.rate else "written as fast as possible"
    print(f"{len(made):,} notifications ({paced}), {args.workers} workers, backend {args.backend}")
    print(f"  through the outbox: {rate:,.0f} deliveries/s; commit → arrival p50 {np.percentile(latency, 50) * 1000:.0f} ms, "
          f"p99 {np.percentile(latency, 99) * 1000:.0f} ms")  # fmt: skip
    print(
        f"  sent directly (baseline, {BASELINE:,}): {direct:,.0f} messages/s; outbox / direct = {rate / direct:.2f}"
    )
    print(f"  lost {len(lost)}, doubled {len(doubled)}, refused signatures {len(robots.refused)}")
    if lost or doubled or robots.refused:
        raise SystemExit("messages were lost or doubled")


def _county(database, base: str):
    store = database.store()
    try:
        store.migrate()
        county = store.add_county(
            County("440399", "测速县", extent=box(114.0, 22.5, 114.02, 22.52), utm_epsg=32650)
        )
        (unit,) = store.add_units([Unit(county.id, "B01", "测速单位")])
        contact = UnitContact(
            "duty@bench.example.cn", f"{base}/wecom?key=k", f"{base}/dingtalk?access_token=t", SECRET
        )
        store.set_unit_contact(county.id, unit.id, contact)
        store.add_incidents(
            [Incident(county.id, "parking", Point(114.01, 22.51), datetime.now(UTC), unit_id=unit.id)]
        )
        (case,) = store.list_incidents(county.id)
        return county, unit, case
    finally:
        store.close()


def _direct(channels: Channels, base: str, n: int) -> float:
    """Messages/s sent straight through the channels, no outbox (the baseline)."""
    targets = {
        "email": "duty@bench.example.cn",
        "wecom": f"{base}/wecom?key=k",
        "dingtalk": f"{base}/dingtalk?access_token=t",
    }
    start = time.perf_counter()
    for i in range(n):
        channel = CHANNELS[i % 3]
        d = Delivery(0, i, channel, targets[channel], f"<n{i}.{channel}@portal.direct>", datetime.now(UTC))
        channels.send(
            Outgoing(d, "测速", "直接发送", datetime.now(UTC), SECRET if channel == "dingtalk" else "")
        )
    return n / (time.perf_counter() - start)


def _through_outbox(database, channels, county, unit, case, args) -> tuple[dict[str, float], float]:
    """Write the notifications while the workers drain; their message ids → commit time, and the
    seconds from the first commit to the last delivery."""
    stop = threading.Event()
    policy = Policy(lease=timedelta(minutes=5), batch=20)
    threads = [
        threading.Thread(target=worker.run, args=(database, channels, policy),
                         kwargs={"poll_s": 0.02, "stop": stop, "echo": lambda line: None}, daemon=True)
        for _ in range(args.workers)
    ]  # fmt: skip
    contact = dict(_targets(database, county, unit))
    made: dict[str, float] = {}
    start = time.perf_counter()
    for t in threads:
        t.start()
    store = database.store()
    try:
        for first in range(0, args.notifications, CHUNK):
            ids = []
            with store.transaction():
                for i in range(first, min(first + CHUNK, args.notifications)):
                    at = datetime.now(UTC)
                    row = store.add_notification(
                        Notification(county.id, "dispatched", case.id, Recipient(unit_id=unit.id), f"测速 {i}", "正文",
                                     f"bench {i}", "body", at)
                    )  # fmt: skip
                    channel = CHANNELS[i % 3]
                    ids.append(message_id(row.id, channel, county.code))
                    store.add_deliveries(
                        [Delivery(county.id, row.id, channel, contact[channel], ids[-1], at)]
                    )
            committed = time.time()
            made.update(dict.fromkeys(ids, committed))
            if args.rate:  # the next chunk when its time comes
                time.sleep(max(0.0, start + (first + CHUNK) / args.rate - time.perf_counter()))
        while store.count_deliveries(county.id, "pending") and time.perf_counter() - start < 600:
            time.sleep(0.05)
    finally:
        store.close()
        stop.set()
        for t in threads:
            t.join(30)
    return made, time.perf_counter() - start


def _targets(database, county, unit) -> list[tuple[str, str]]:
    store = database.store()
    try:
        return store.get_unit_contact(county.id, unit.id).targets()
    finally:
        store.close()


if __name__ == "__main__":
    main()
