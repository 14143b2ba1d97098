"""Helpers shared by the benchmarks: timing, scratch databases."""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager


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
