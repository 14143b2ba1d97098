"""Data for the portal benchmark: the demo county on both backends, then the same million incidents
added to both (routed once, on SQLite, whose bulk routing is the faster), an API key and the
leader's password on each."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, replace
from datetime import timedelta

import numpy as np
import psycopg
from tqdm import tqdm

from demo.county import seed_demo
from demo.incidents import generate_incidents
from demo.posts import demo_year
from geodata.accounts.apikeys import issue_key
from geodata.assignments.routing import route_incidents
from geodata.stores.store import open_store

SEED_INCIDENTS = 1_000  # the demo's own; the rest are added in bulk
CHUNK = 100_000
KEY_NAME = "bench-portal"


@dataclass
class Prepared:
    """What the runs need of the databases."""

    urls: dict[str, str]  # backend → DATABASE_URL
    keys: dict[str, str]  # backend → an API key (role leader)
    passwords: dict[str, str]  # backend → the demo leader's password
    bounds: tuple[float, float, float, float]  # the county's extent, lon/lat
    centres: list[tuple[float, float]]  # city viewports: incidents drawn at random
    incidents: int
    seconds: dict[str, float]


def prepare(urls: dict[str, str], n_incidents: int, seed: int = 7) -> Prepared:
    """Seed the demo on every backend in ``urls`` (SQLite first) and add the same incidents to each."""
    seconds: dict[str, float] = {}
    stores = {backend: open_store(url) for backend, url in urls.items()}
    try:
        started = time.perf_counter()
        demos = {}
        for backend, store in stores.items():
            print(f"seeding the demo county on {backend} ...", flush=True)
            store.migrate()
            demos[backend] = seed_demo(store, seed=42, n_incidents=min(SEED_INCIDENTS, n_incidents))
        seconds["demo seed"] = time.perf_counter() - started
        router = stores["sqlite"]
        county = demos["sqlite"].county
        _check_same_county(stores, county.id)
        segments = router.list_segments(county.id)
        n_bulk = max(0, n_incidents - SEED_INCIDENTS)
        started = time.perf_counter()
        print(f"generating {n_bulk:,} incidents ...", flush=True)
        incidents = _incidents(router, county, segments, n_bulk, seed)
        seconds["generate"] = time.perf_counter() - started
        _add(stores, router, incidents, seconds)
        rng = np.random.default_rng(seed)
        centres = [(p.geom.x, p.geom.y) for p in (incidents[i] for i in rng.choice(len(incidents), 4))]
        del incidents
        started = time.perf_counter()
        print("ANALYZE ...", flush=True)
        _analyze(urls)
        seconds["analyze"] = time.perf_counter() - started
        keys = {backend: issue_key(store, KEY_NAME, "leader")[1] for backend, store in stores.items()}
        bounds = (county.boundary or county.extent).bounds
    finally:
        for store in stores.values():
            store.close()
    passwords = {backend: demo.passwords["leader"] for backend, demo in demos.items()}
    return Prepared(dict(urls), keys, passwords, bounds, centres, n_incidents, seconds)


def _check_same_county(stores: dict, county_id: int) -> None:
    """Routing once serves both backends only when their zones, segments and units have the same ids."""
    seen = {}
    for backend, store in stores.items():
        seen[backend] = (
            [(z.id, z.code) for z in store.list_zones(county_id)],
            [(s.id, s.geom.wkb_hex) for s in store.list_segments(county_id)],
            [(u.id, u.code) for u in store.list_units(county_id)],
        )
    first, *others = seen.values()
    if any(other != first for other in others):
        raise SystemExit("the demo county got different ids on the two backends; cannot share routing")


def _incidents(store, county, segments, n: int, seed: int) -> list:
    """``n`` demo incidents (as the demo makes them), each with its category's deadline."""
    hours = {c.code: timedelta(hours=c.deadline_hours) for c in store.list_categories()}
    names = {c.code: c.name_zh for c in store.list_categories()}
    rng = np.random.default_rng(seed)
    return [
        replace(i, deadline_at=i.reported_at + hours[i.category], updated_at=i.reported_at,
                rework=int(i.status == "reopened"))
        for i in generate_incidents(county, segments, rng, n, demo_year(), names)
    ]  # fmt: skip


def _add(stores: dict, router, incidents: list, seconds: dict) -> None:
    """Route each chunk on ``router`` and write the routed rows to every backend."""
    seconds.update({"route": 0.0, **{f"write {b}": 0.0 for b in stores}})
    with tqdm(total=len(incidents), unit=" incidents", desc="route and write", unit_scale=True) as bar:
        for start in range(0, len(incidents), CHUNK):
            t = time.perf_counter()
            routed = route_incidents(router, incidents[start : start + CHUNK])
            seconds["route"] += time.perf_counter() - t
            for backend, store in stores.items():
                t = time.perf_counter()
                with store.transaction():
                    store.add_incidents(routed)
                seconds[f"write {backend}"] += time.perf_counter() - t
            bar.update(len(routed))


def _analyze(urls: dict[str, str]) -> None:
    """Fresh planner statistics after the bulk load (and PostgreSQL's visibility map)."""
    for url in urls.values():
        if url.startswith("sqlite:"):
            with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
                conn.execute("ANALYZE")
        else:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
