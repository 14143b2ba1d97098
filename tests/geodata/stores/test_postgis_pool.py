"""The PostGIS connection pool is made once even when a fresh server's first requests arrive
together (gunicorn threads): every connection goes back to the pool it came from."""

from __future__ import annotations

import threading

from geodata.stores.store import open_database


def test_concurrent_first_requests_share_one_pool(committed_postgis_url):
    database = open_database(committed_postgis_url)
    barrier, pools, errors = threading.Barrier(8), [], []

    def request():
        try:
            barrier.wait()
            store = database.store()
            pools.append(database.pool)
            store.conn.execute("SELECT 1").fetchone()
            store.close()  # puts the connection back: fails if it came from another pool
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            errors.append(repr(exc))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    database.close()
    assert errors == [] and len(pools) == 8 and len({id(p) for p in pools}) == 1
