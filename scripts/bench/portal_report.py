"""The portal benchmark's printout: tables of medians and ratios to tipg, then each goal ✓ or ✗."""

from __future__ import annotations

import math
import os

import pandas as pd

GOAL_TILE_RATIO = 3.0  # ours ÷ tipg, requests/s on the same tables
GOAL_TILE_P99_MS = 100.0
GOAL_HEAT_P50_MS = 200.0
GOAL_PAGE_BYTES = 2_000_000
GOAL_FIRST_RENDER_MS = 2000.0
MAX_RESPONSE_BYTES = 2_000_000  # DESIGN §7a: no response for one viewport is larger
MAX_RSS_MB = 500.0  # DESIGN §7a: a portal process at a million incidents
GOAL_INCIDENTS = 1_000_000


def print_report(results: dict) -> None:
    args, data = results["args"], results["data"]
    print(f"\n== data: {data.incidents:,} incidents on each backend ==")
    print("  " + ", ".join(f"{step} {s:.0f} s" for step, s in data.seconds.items()))
    print(f"\n== tiles: {results['tile count']} addresses, {args.clients} clients × {args.seconds:g} s ==")
    print(_tile_table(results["tiles"]).to_string())
    print("\np50 / p99 ms by zoom (the same timed runs):")
    print(_zoom_table(results["tiles"]).to_string())
    print("\n== heat (/api/v1/heat, one request at a time) ==")
    print(_heat_table(results["heat"]).to_string())
    print("\n== /portal in headless Chromium (median of cold loads) ==")
    print(_portal_table(results["portal"], results["rss"]).to_string())
    print("largest responses of the page:")
    print("\n".join(_largest_responses(results["portal"])))
    print("\n== goals ==")
    for line in goal_lines(results):
        print(line)
    tipg_workers = args.tipg_workers or args.workers
    print(f"\nservers: ours gunicorn -k gthread -w {args.workers} --threads {args.threads}; tipg gunicorn")
    print(
        f"  -k uvicorn_worker.UvicornWorker -w {tipg_workers}; clients and servers share {os.cpu_count()} cores."
    )
    print(f"Whole run {results['seconds'] / 60:.1f} min.")


def _tile_table(tiles: dict) -> pd.DataFrame:
    rows = {}
    for (server, layer), s in tiles.items():
        base = tiles.get(("tipg", layer))
        name = f"{layer} · {'tipg (baseline)' if server == 'tipg' else 'ours on ' + server}"
        rows[name] = {
            "req/s": round(s["requests/s"], 1),
            "p50 ms": round(s["p50 ms"], 1),
            "p99 ms": round(s["p99 ms"], 1),
            "req/s ÷ tipg": _ratio(s["requests/s"], base and base["requests/s"]),
            "p99 ÷ tipg": _ratio(s["p99 ms"], base and base["p99 ms"]),
            "median bytes": int(s["median bytes"]),
            "largest bytes": s["largest tile bytes"],
            "empty": s["empty tiles"],
            "first pass p50 ms": round(s["first pass p50 ms"], 1),
            "requests": s["requests"],
            "errors": s["errors"],
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _zoom_table(tiles: dict) -> pd.DataFrame:
    rows = {}
    for (server, layer), s in tiles.items():
        name = f"{layer} · {'tipg' if server == 'tipg' else 'ours on ' + server}"
        rows[name] = {f"z{z}": f"{p50:.0f} / {p99:.0f}" for z, (p50, p99) in s["by zoom"].items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def _heat_table(heat: dict) -> pd.DataFrame:
    base = heat.get("SQL GROUP BY (baseline)")
    rows = {}
    for name, s in heat.items():
        rows[name] = {
            "p50 ms": round(s["p50 ms"], 1),
            "p99 ms": round(s["p99 ms"], 1),
            "p50 ÷ SQL": _ratio(s["p50 ms"], base["p50 ms"]),
            "county views p50 ms": round(s["county views p50 ms"], 1),
            "city views p50 ms": round(s["city views p50 ms"], 1),
            "max ms": round(s["max ms"], 1),
            "median bins": int(s["median bins"]),
            "max bytes": s["max bytes"] if s["max bytes"] is not None else "",
            "requests": s["requests"],
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _portal_table(portal: dict, rss: dict) -> pd.DataFrame:
    rows = {}
    for backend, s in portal.items():
        rows[f"ours on {backend}"] = {
            "bytes": int(s["bytes"]),
            "requests": int(s["requests"]),
            "first render ms": round(s["first_draw_ms"], 0),
            "HTML ms": round(s["html_ms"], 0),
            "first paint ms": round(s["first_paint_ms"], 0) if s["first_paint_ms"] else "",
            "server peak RSS MB": round(rss.get(backend, math.nan), 0),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _largest_responses(portal: dict) -> list[str]:
    return [
        f"  {backend}: " + "; ".join(f"{size:,} B {url.split('?')[0]}" for size, url in s["largest"])
        for backend, s in portal.items()
    ]


def goal_lines(results: dict) -> list[str]:
    """One line per goal and backend (and layer), ✓ when met."""
    at = results["data"].incidents
    scale = "" if at >= GOAL_INCIDENTS else f" (at {at:,} incidents, not the goal's 1,000,000)"
    lines = _tile_goals(results["tiles"], scale)
    for name, s in results["heat"].items():
        if name.startswith("ours"):
            ok = s["p50 ms"] < GOAL_HEAT_P50_MS and s["max bytes"] < MAX_RESPONSE_BYTES
            lines.append(
                f"{_mark(ok)} heat {name}: p50 {s['p50 ms']:.0f} ms (goal < {GOAL_HEAT_P50_MS:g} ms), "
                f"largest answer {s['max bytes']:,} B{scale}"
            )
    for backend, s in results["portal"].items():
        ok = s["bytes"] < GOAL_PAGE_BYTES and s["first_draw_ms"] < GOAL_FIRST_RENDER_MS
        lines.append(
            f"{_mark(ok)} /portal on {backend}: {s['bytes'] / 1e6:.2f} MB transferred (goal < "
            f"{GOAL_PAGE_BYTES / 1e6:g} MB), first render {s['first_draw_ms']:.0f} ms "
            f"(goal < {GOAL_FIRST_RENDER_MS:g} ms)"
        )
    for backend, mb in results["rss"].items():
        lines.append(
            f"{_mark(mb < MAX_RSS_MB)} gunicorn on {backend}: peak RSS {mb:.0f} MB per process "
            f"(DESIGN §7a: < {MAX_RSS_MB:g} MB){scale}"
        )
    return lines


def _tile_goals(tiles: dict, scale: str) -> list[str]:
    lines = []
    for (server, layer), s in tiles.items():
        base = tiles.get(("tipg", layer))
        if server == "tipg" or base is None:
            continue
        ratio = s["requests/s"] / base["requests/s"] if base["requests/s"] else math.inf
        ok = ratio >= GOAL_TILE_RATIO and s["p99 ms"] < GOAL_TILE_P99_MS and not s["errors"]
        lines.append(
            f"{_mark(ok)} tiles {layer} on {server}: {ratio:.1f}× tipg's requests/s (goal ≥ "
            f"{GOAL_TILE_RATIO:g}×), p99 {s['p99 ms']:.0f} ms (goal < {GOAL_TILE_P99_MS:g} ms){scale}"
        )
    views = map_views(tiles)
    for server, per_s in views.items():
        if server != "tipg" and views.get("tipg"):
            ratio = per_s / views["tipg"]
            lines.append(
                f"{_mark(ratio >= GOAL_TILE_RATIO)} a map view's tiles (one of each layer) on {server}: "
                f"{per_s:.1f} views/s = {ratio:.1f}× tipg's (goal ≥ {GOAL_TILE_RATIO:g}×){scale}"
            )
    largest = max((s["largest tile bytes"], f"{k[1]} on {k[0]}") for k, s in tiles.items() if k[0] != "tipg")
    lines.append(
        f"{_mark(largest[0] < MAX_RESPONSE_BYTES)} largest tile of ours {largest[0]:,} B ({largest[1]}); "
        f"goal < {MAX_RESPONSE_BYTES:,} B"
    )
    return lines


def map_views(tiles: dict) -> dict[str, float]:
    """Per server, how many map views' worth of tiles it serves a second, a view asking one tile of
    each layer at the same addresses: 1 / Σ (1 / requests/s). Only servers that ran every layer."""
    layers = {layer for _, layer in tiles}
    views = {}
    for server in {server for server, _ in tiles}:
        rates = [tiles[(server, layer)]["requests/s"] for layer in layers if (server, layer) in tiles]
        if len(rates) == len(layers) and all(rates):
            views[server] = 1 / sum(1 / r for r in rates)
    return views


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _ratio(a: float, b: float | None) -> str:
    return f"{a / b:.2f}×" if b else ""
