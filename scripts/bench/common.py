"""Helpers shared by the benchmarks: timing, scratch databases, the demo county seeded in one."""

from __future__ import annotations

import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path


def timed(fn, repeat: int):
    """Run ``fn`` ``repeat`` times; return the wall times in seconds and the last answer."""
    seconds, answer = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        answer = fn()
        seconds.append(time.perf_counter() - start)
    return seconds, answer


@contextmanager
def scratch_postgis(admin_url: str):
    """A PostGIS database created for one benchmark run and dropped after it; yields its URL."""
    import psycopg
    from psycopg import sql

    name = f"portal_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def backend_parser(description: str):
    """The options every benchmark takes: which backend, how many runs, where PostGIS is."""
    import argparse

    p = argparse.ArgumentParser(description=description)
    p.add_argument("--backend", choices=("sqlite", "postgis"), default="sqlite")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument(
        "--postgres-url",
        default="postgresql://portal:portal@127.0.0.1:5432/postgres",
        help="a server where a scratch database may be created (postgis backend)",
    )
    return p


def bench_database(args, tmp):
    """A scratch database for the chosen backend (a file in ``tmp``, or a PostGIS database)."""
    from contextlib import nullcontext

    if args.backend == "postgis":
        return scratch_postgis(args.postgres_url)
    return nullcontext(f"sqlite:///{tmp / 'bench.sqlite'}")


@contextmanager
def seeded_demo(args, n_incidents: int):
    """A migrated scratch store for the chosen backend holding the demo county (seed 42, with
    ``n_incidents`` incidents); yields the store and the county, and closes the store after."""
    from demo.county import seed_demo
    from geodata.stores.store import open_store

    with tempfile.TemporaryDirectory() as tmp, bench_database(args, Path(tmp)) as url:
        store = open_store(url)
        try:
            store.migrate()
            print(f"seeding the demo county on {args.backend} ...", flush=True)
            yield store, seed_demo(store, seed=42, n_incidents=n_incidents).county
        finally:
            store.close()
