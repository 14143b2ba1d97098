"""Vector tiles and heat at a million incidents, against tipg on the same PostGIS tables; /portal in
headless Chromium.

    python -m scripts.bench.portal [--incidents 1000000] [--clients 8] [--seconds 20] [--quick]
                                   [--layers incidents roads zones] [--workers 2] [--threads 4]

1. Data: the demo county seeded into a scratch PostGIS database and a scratch SQLite file, then
   the same --incidents (demo incidents, routed once) added to both, and ANALYZE.
2. Tiles: one fixed, seeded list of tile addresses over the county (all at zoom 12–14, --sample
   drawn at each of 15–17), the same for every server. Each server and layer is warmed with the
   whole list once, then --clients keep-alive clients send it round for --seconds: requests/s,
   p50/p99, bytes per tile, the largest tile. The baseline is tipg (gunicorn with uvicorn workers,
   as many processes as ours) serving the same PostGIS tables; ours is ``gunicorn app:app`` on PostGIS and
   on SQLite, asked with an API key.
3. Heat: ``/api/v1/heat`` for the county's viewport at zoom 12–15 and city viewports (1440 × 900 px
   round random incidents) at zoom 15–16, unfiltered and filtered, one request at a time; the
   baseline is the same bins counted by one SQL GROUP BY sent straight to PostgreSQL.
4. ``/portal`` in headless Chromium (signed in through the login form, then cold loads): bytes
   transferred for the page and all it loads, and time from navigation start to the first frame in
   which the map shows features.
Prints medians, ratios to tipg and the goals met (✓) or not (✗). The clients and the servers share
this machine's cores.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from scripts.bench.common import scratch_postgis
from scripts.bench.gunicorn_server import gunicorn, peak_rss_mb
from scripts.bench.portal_browser import measure_portal
from scripts.bench.portal_data import prepare
from scripts.bench.portal_heat import heat_requests, measure_heat, measure_heat_sql
from scripts.bench.portal_load import prime, run_for, run_once, tile_list
from scripts.bench.portal_report import print_report
from scripts.bench.portal_tipg import tipg, tipg_tile_path

LAYERS = ("incidents", "roads", "zones")


def main(argv=None) -> None:
    args = _parse(argv)
    # Stopped by SIGTERM too, the servers are stopped and the scratch databases dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    results: dict = {"args": args, "tiles": {}, "heat": {}, "portal": {}, "rss": {}}
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as tmp, scratch_postgis(args.postgres_url) as pg:
        tmp = Path(tmp)
        urls = {"sqlite": f"sqlite:///{tmp / 'bench.sqlite'}", "postgis": pg}
        data = prepare(urls, args.incidents)
        results["data"] = data
        tiles = tile_list(data.bounds, sample=args.sample)
        results["tile count"] = len(tiles)
        zooms = [z for z, _, _ in tiles]
        per_zoom = ", ".join(f"z{z}: {n}" for z, n in sorted(Counter(zooms).items()))
        print(f"{len(tiles)} tile addresses ({per_zoom}); {args.clients} clients, {args.seconds:g} s each")
        with tipg(pg, tmp, args.tipg_workers or args.workers) as port:
            for layer in args.layers:
                paths = [tipg_tile_path(layer, *t) for t in tiles]
                label, log = f"tipg {layer}", tmp / "tipg.log"
                results["tiles"]["tipg", layer] = _tiles(port, paths, zooms, {}, args, label, log)
        requests = heat_requests(data.bounds, data.centres)
        base = results["heat"]["SQL GROUP BY (baseline)"] = measure_heat_sql(pg, requests, args.heat_repeat)
        print(f"heat baseline (SQL GROUP BY): p50 {base['p50 ms']:.1f} ms, p99 {base['p99 ms']:.1f} ms")
        for backend in ("postgis", "sqlite"):
            _ours(backend, urls[backend], data, tiles, requests, tmp, args, results)
    results["seconds"] = time.perf_counter() - started
    print_report(results)


def _parse(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--incidents", type=int, default=1_000_000)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=20.0, help="timed load per server and layer")
    p.add_argument("--sample", type=int, default=200, help="tiles drawn at each of zoom 15, 16, 17")
    p.add_argument("--layers", nargs="+", choices=LAYERS, default=list(LAYERS))
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (gthread)")
    p.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    p.add_argument(
        "--tipg-workers", type=int, default=None, help="worker processes for tipg (default: --workers)"
    )
    p.add_argument(
        "--heat-repeat", type=int, default=3, help="rounds of the heat requests (after one to warm)"
    )
    p.add_argument("--browser-runs", type=int, default=3, help="cold loads of /portal per backend")
    p.add_argument(
        "--postgres-url",
        default="postgresql://portal:portal@127.0.0.1:5432/postgres",
        help="a server where a scratch database may be created",
    )
    p.add_argument("--quick", action="store_true", help="a smoke test: 50,000 incidents, 5 s runs")
    args = p.parse_args(argv)
    if args.quick:
        args.incidents, args.seconds, args.sample = 50_000, 5.0, 50
        args.heat_repeat, args.browser_runs = 2, 1
    return args


def _ours(backend: str, url: str, data, tiles, requests, tmp: Path, args, results: dict) -> None:
    """Tiles, heat and /portal on one backend, from one gunicorn."""
    folder = tmp / backend
    folder.mkdir()
    headers = {"X-API-Key": data.keys[backend]}
    # --capture-output: a traceback of ours lands in the log shown when a request fails.
    options = f"-k gthread -w {args.workers} --threads {args.threads} --capture-output"
    with gunicorn(url, folder, options) as port:
        for layer in args.layers:
            paths = [f"/tiles/{layer}/{z}/{x}/{y}.mvt" for z, x, y in tiles]
            label, log = f"{backend} {layer}", folder / "gunicorn.log"
            results["tiles"][backend, layer] = _tiles(
                port, paths, [z for z, _, _ in tiles], headers, args, label, log
            )
        print(f"{backend}: heat, {len(requests)} requests × {args.heat_repeat} ...", flush=True)
        heat = results["heat"][f"ours on {backend}"] = measure_heat(port, requests, headers, args.heat_repeat)
        print(f"  p50 {heat['p50 ms']:.1f} ms, p99 {heat['p99 ms']:.1f} ms", flush=True)
        print(f"{backend}: /portal in Chromium × {args.browser_runs} ...", flush=True)
        base = f"http://127.0.0.1:{port}"
        page = results["portal"][backend] = measure_portal(base, data.passwords[backend], args.browser_runs)
        print(f"  {page['bytes']:,.0f} B, first render {page['first_draw_ms']:.0f} ms", flush=True)
        results["rss"][backend] = max(peak_rss_mb(port).values(), default=float("nan"))


def _tiles(port: int, paths: list[str], zooms: list[int], headers: dict, args, label: str, log=None) -> dict:
    """Warm with every tile once (also a check that all answer), then the timed run."""
    print(f"{label}: warming {len(paths)} tiles ...", flush=True)
    prime(port, paths[0], headers, 4 * args.workers)
    warm = run_once(port, paths, args.clients, headers)
    if warm.first_error:
        raise SystemExit(f"{label}: a tile failed while warming: {warm.first_error}\n{_tail(log)}")
    print(f"{label}: {args.clients} clients for {args.seconds:g} s ...", flush=True)
    load = run_for(port, paths, args.clients, args.seconds, headers)
    summary = load.summary()
    summary["by zoom"] = load.by_group(zooms)
    sizes = np.asarray(warm.size_b)
    summary["largest tile bytes"] = int(sizes.max())
    summary["empty tiles"] = int((sizes == 0).sum())
    summary["first pass p50 ms"] = float(np.percentile(warm.latency_s, 50) * 1000)
    print(
        f"  {summary['requests/s']:.1f} req/s, p50 {summary['p50 ms']:.1f} ms, p99 {summary['p99 ms']:.1f} ms, "
        f"errors {summary['errors']}",
        flush=True,
    )
    return summary


def _tail(log: Path | None, lines: int = 40) -> str:
    return "\n".join(log.read_text().splitlines()[-lines:]) if log and log.exists() else ""


if __name__ == "__main__":
    main()
