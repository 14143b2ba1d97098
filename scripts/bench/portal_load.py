"""Load for the portal benchmark: the fixed list of tile addresses, and concurrent keep-alive clients
that send a list of GETs round and round for a given time."""

from __future__ import annotations

import http.client
import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np

# A keep-alive connection the server closed while idle fails on the next send: reconnect, send again.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
OK = (200, 204)  # an empty tile may come as 204 No Content


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The Web-Mercator (XYZ) tile holding a point at zoom ``z``."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tiles_covering(bounds: tuple[float, float, float, float], z: int) -> list[tuple[int, int, int]]:
    """Every tile at zoom ``z`` that touches the lon/lat box ``bounds``."""
    minx, miny, maxx, maxy = bounds
    x0, y0 = tile_of(minx, maxy, z)
    x1, y1 = tile_of(maxx, miny, z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def tile_list(
    bounds, all_zooms=(12, 13, 14), sampled_zooms=(15, 16, 17), sample: int = 200, seed: int = 6
) -> list[tuple[int, int, int]]:
    """The benchmark's tiles: all of the county at ``all_zooms``, ``sample`` drawn at each of
    ``sampled_zooms`` (fixed seed), in one seeded shuffled order."""
    rng = np.random.default_rng(seed)
    tiles = [t for z in all_zooms for t in tiles_covering(bounds, z)]
    for z in sampled_zooms:
        every = tiles_covering(bounds, z)
        picked = rng.choice(len(every), size=min(sample, len(every)), replace=False)
        tiles += [every[i] for i in sorted(picked)]
    return [tiles[i] for i in rng.permutation(len(tiles))]


def viewport(lon: float, lat: float, z: int, width_px: int = 1440, height_px: int = 900):
    """The lon/lat box a ``width_px`` × ``height_px`` map centred on a point shows at zoom ``z``."""
    deg_per_px = 360.0 / (256 * 2**z)
    half_w = width_px / 2 * deg_per_px
    # Web Mercator stretches latitude by 1/cos(lat): a pixel spans fewer degrees north-south.
    half_h = height_px / 2 * deg_per_px * math.cos(math.radians(lat))
    return (lon - half_w, lat - half_h, lon + half_w, lat + half_h)


@dataclass
class Load:
    """What one timed run saw: per answer its latency, body size and status."""

    latency_s: list[float] = field(default_factory=list)
    size_b: list[int] = field(default_factory=list)
    status: list[int] = field(default_factory=list)
    index: list[int] = field(default_factory=list)  # which of the paths each answer was for
    wall_s: float = 0.0
    first_error: str = ""

    def summary(self) -> dict:
        ms = np.asarray(self.latency_s) * 1000
        size = np.asarray(self.size_b)
        bad = sum(s not in OK for s in self.status)
        return {
            "requests": len(ms),
            "errors": bad,
            "requests/s": len(ms) / self.wall_s if self.wall_s else 0.0,
            "p50 ms": float(np.percentile(ms, 50)) if len(ms) else math.nan,
            "p99 ms": float(np.percentile(ms, 99)) if len(ms) else math.nan,
            "median bytes": float(np.median(size)) if len(size) else math.nan,
            "max bytes": int(size.max()) if len(size) else 0,
            "first error": self.first_error,
        }

    def by_group(self, groups: list) -> dict:
        """p50 and p99 ms of the answers for each group (``groups[i]``: the group of path i); NaN
        for a group no answer of the run was for."""
        ms = np.asarray(self.latency_s) * 1000
        of = np.asarray(groups)[np.asarray(self.index, dtype=int)]
        out = {}
        for g in sorted(set(groups)):
            mine = ms[of == g]
            out[g] = tuple(float(np.percentile(mine, q)) if len(mine) else math.nan for q in (50, 99))
        return out


def run_for(port: int, paths: list[str], clients: int, seconds: float, headers: dict | None = None) -> Load:
    """``clients`` threads send GETs for ``paths`` (each starting at its own place in the list,
    going round) over keep-alive connections until ``seconds`` have passed."""
    headers = headers or {}
    per_client = [Load() for _ in range(clients)]
    ready = threading.Barrier(clients + 1)
    box: list[float] = []

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, i = per_client[k], k * len(paths) // clients
        ready.wait()
        ready.wait()  # the start time is set
        while time.perf_counter() < box[0]:
            status, size, took, error = _get(conn, paths[i % len(paths)], headers)
            mine.index.append(i % len(paths))
            mine.latency_s.append(took)
            mine.size_b.append(size)
            mine.status.append(status)
            if status not in OK and not mine.first_error:
                mine.first_error = error or f"{status} {paths[i % len(paths)]}"
            i += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    start = time.perf_counter()
    box.append(start + seconds)
    ready.wait()
    for t in threads:
        t.join()
    load = Load(wall_s=time.perf_counter() - start)
    for one in per_client:
        load.latency_s += one.latency_s
        load.size_b += one.size_b
        load.status += one.status
        load.index += one.index
        load.first_error = load.first_error or one.first_error
    return load


def prime(port: int, path: str, headers: dict | None, times: int) -> None:
    """``times`` GETs one after another, each on a new connection, so that every worker process
    has served one (and opened its database connections) before requests arrive together."""
    for _ in range(times):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request("GET", path, headers={**(headers or {}), "Connection": "close"})
            conn.getresponse().read()
        finally:
            conn.close()


def run_once(port: int, paths: list[str], clients: int, headers: dict | None = None) -> Load:
    """Every path once, shared among ``clients`` threads (the warm-up, and a check of the answers)."""
    headers = headers or {}
    load, lock, queue = Load(), threading.Lock(), iter(enumerate(paths))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            status, size, took, error = _get(conn, item[1], headers)
            with lock:
                load.index.append(item[0])
                load.latency_s.append(took)
                load.size_b.append(size)
                load.status.append(status)
                if status not in OK and not load.first_error:
                    load.first_error = error or f"{status} {item[1]}"
        conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    load.wall_s = time.perf_counter() - start
    return load


def _get(conn: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, int, float, str]:
    """One GET: its status, body bytes, seconds and error (if it failed without an answer)."""
    start, tries = time.perf_counter(), 0
    while True:
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            took = time.perf_counter() - start
            error = "" if response.status in OK else f"{response.status} {path}: {body[:200]!r}"
            return response.status, len(body), took, error
        except STALE as exc:
            conn.close()
            tries += 1
            if tries > 2:
                return 0, 0, time.perf_counter() - start, repr(exc)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            return 0, 0, time.perf_counter() - start, repr(exc)
