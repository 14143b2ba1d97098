"""tipg (the baseline) serving the benchmark's PostGIS tables on a free loopback port, until it
answers; terminated after. It runs under gunicorn with uvicorn's worker class, as many processes as
ours: uvicorn's own ``--workers`` mode measured here added ~48 ms to every answer (1 client: 28
requests/s against 240 with one worker), which would have made the baseline look slower than it is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from scripts.bench.gunicorn_server import _free_port, _tail

# Our layer → the table tipg serves it from (tipg names a collection schema.table).
TABLES = {"incidents": "public.incident", "roads": "public.segment", "zones": "public.zone"}
# The incident properties tipg puts in a tile: what a tile of ours carries for a point.
INCIDENT_PROPERTIES = ["id", "category", "status"]


def tipg_tile_path(layer: str, z: int, x: int, y: int) -> str:
    return f"/collections/{TABLES[layer]}/tiles/WebMercatorQuad/{z}/{x}/{y}"


def tipg_env(database_url: str) -> dict:
    """tipg's settings: only our three tables, no functions, incidents with few properties."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TIPG_", "DATABASE_URL"))},
        "DATABASE_URL": database_url,
        "TIPG_DB_SCHEMAS": json.dumps(["public"]),
        "TIPG_DB_TABLES": json.dumps(list(TABLES.values())),
        "TIPG_DB_FUNCTIONS": json.dumps([]),
        "TIPG_DB_ONLY_SPATIAL_TABLES": "true",
        "TIPG_TABLE_CONFIG__public_incident__PROPERTIES": json.dumps(INCIDENT_PROPERTIES),
        "TIPG_ADD_TILES_VIEWER": "false",
        "TIPG_CATALOG_TTL": "3600",
    }


@contextmanager
def tipg(database_url: str, tmp: Path, workers: int):
    """``gunicorn tipg.main:app -k uvicorn_worker.UvicornWorker`` with ``workers`` processes;
    yields its port."""
    port = _free_port()
    log = tmp / "tipg.log"
    cmd = [
        sys.executable, "-m", "gunicorn", "tipg.main:app", "-k", "uvicorn_worker.UvicornWorker",
        "-w", str(workers), "--bind", f"127.0.0.1:{port}", "--keep-alive", "75", "--backlog", "2048",
        "--log-level", "warning",
    ]  # fmt: skip
    # Its own working folder, so that no stray .env is read.
    work = tmp / "tipg"
    work.mkdir(exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=work, env=tipg_env(database_url), stdout=out, stderr=out)
    try:
        _wait_ready(proc, port, log)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(proc: subprocess.Popen, port: int, log: Path, timeout_s: float = 60.0) -> None:
    """Until tipg lists our incident table (its catalogue is read at start)."""
    deadline = time.monotonic() + timeout_s
    url = f"http://127.0.0.1:{port}/collections/{TABLES['incidents']}"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"tipg exited ({proc.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"tipg answered {exc.code} for {url}:\n{_tail(log)}") from exc
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"tipg did not answer within {timeout_s:g} s:\n{_tail(log)}")
