"""The delivery worker's loop: drain the outbox a batch at a time, wait a little when it is empty,
until told to stop (or, with ``once``, until nothing is due). ``flask --app app notify-worker`` runs
it (webmap/cli/notify.py), and ``python app.py`` in a daemon thread for the demo. Any number may
run at once: claims never overlap (geodata/notify/outbox.py says what a crash costs)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable

from geodata.notify.channels import Channels
from geodata.notify.outbox import Policy, drain_once
from geodata.stores.store import Database, Store

log = logging.getLogger("portal.notify")
DEFAULT_POLICY = Policy()


def worker_name() -> str:
    """This worker's name in the rows it claims: host, process and a few random letters."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def run(
    database: Database,
    channels: Channels,
    policy: Policy = DEFAULT_POLICY,
    once: bool = False,
    poll_s: float = 2.0,
    stop: threading.Event | None = None,
    echo: Callable[[str], None] = print,
    name: str | None = None,
    sweep: Callable[[Store], object] | None = None,
    sweep_every_s: float = 60.0,
) -> Counter:
    """Deliver until ``stop`` is set (or, ``once``, nothing is due); a line per batch to ``echo``.
    ``sweep``, if given, runs first and then every ``sweep_every_s`` (the cases' 督办 and review
    dates: its notifications are delivered by the batches after it). Returns the counts of what
    happened. A failing database is reported and waited out (``once``: raised)."""
    name = name or worker_name()
    stop = stop or threading.Event()
    totals = Counter()
    swept = None
    while not stop.is_set():
        store = database.store()
        try:
            if sweep is not None and (swept is None or time.monotonic() - swept >= sweep_every_s):
                sweep(store)
                swept = time.monotonic()
            counts = drain_once(store, channels, name, policy)
        except Exception as exc:  # noqa: BLE001 - a worker outlives a database restart
            if once:
                raise
            log.warning("notify worker %s: %s", name, exc)
            echo(f"delivery batch failed: {type(exc).__name__}: {exc}")
            stop.wait(poll_s)
            continue
        finally:
            store.close()
        totals += counts
        if counts["claimed"]:
            done = ", ".join(f"{k} {counts[k]}" for k in ("sent", "pending", "failed", "lost") if counts[k])
            echo(f"{name}: {counts['claimed']} claimed: {done}")
        elif once:
            break
        else:
            stop.wait(poll_s)
    return totals


def start_thread(
    database: Database,
    channels: Channels,
    policy: Policy = DEFAULT_POLICY,
    sweep: Callable[[Store], object] | None = None,
) -> threading.Thread:
    """The worker in a daemon thread (``python app.py``'s demo): it ends with the process."""
    thread = threading.Thread(
        target=run,
        args=(database, channels, policy),
        kwargs={"echo": log.info, "sweep": sweep},
        name="notify-worker",
        daemon=True,
    )
    thread.start()
    return thread
