"""A gunicorn serving the portal for a benchmark: started on a free loopback port against a
given database, waited for until it answers, terminated after."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def gunicorn(url: str, tmp: Path, options: str):
    """``gunicorn app:app`` on a free loopback port, until it answers; terminated after."""
    port = _free_port()
    log = tmp / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PORTAL_INSTANCE_PATH": str(tmp / "instance"),
        "PORTAL_SECRET_KEY": secrets.token_hex(32),
        "PORTAL_SEED_DEMO_ON_START": "0",
    }
    cmd = [
        sys.executable, "-m", "gunicorn", "app:app", "--bind", f"127.0.0.1:{port}",
        *options.split(), "--keep-alive", "75", "--backlog", "2048",
        "--error-logfile", str(log), "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(proc, port, log)
        yield port
    finally:
        proc.terminate()  # SIGTERM: gunicorn finishes the requests in flight, then exits
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peak_rss_mb(port: int) -> dict[int, float]:
    """Peak resident memory (VmHWM, MB) of each gunicorn process serving ``port`` (master too)."""
    needle = f"127.0.0.1:{port}".encode()
    peaks = {}
    for pid in filter(str.isdigit, [p.name for p in Path("/proc").iterdir()]):
        try:
            if needle not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks[int(pid)] = int(line.split()[1]) / 1024
    return peaks


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(proc: subprocess.Popen, port: int, log: Path, timeout_s: float = 60.0) -> None:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}):\n{_tail(log)}")
        try:
            opener.open(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answered (the 302 arrives as an error without a redirect handler)
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {timeout_s:g} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return "\n".join(log.read_text().splitlines()[-20:]) if log.exists() else "(no log)"
