"""The front end's unit tests (tests/js/*.test.mjs, node's own test runner) run with the rest:
``make test`` and CI fail when they fail. Without node they skip, except under REQUIRE_POSTGIS=1
(CI), where a missing node fails the run. Also: gcj02_pairs.json still says what
geodata/geo/gcj02.py computes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.js import make_gcj02_pairs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STRICT = os.environ.get("REQUIRE_POSTGIS") == "1"


def test_the_js_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        if STRICT:
            pytest.fail("node is required (REQUIRE_POSTGIS=1) to run tests/js/ but is not on PATH")
        pytest.skip("node is not on PATH: tests/js/ not run")
    run = subprocess.run(
        [node, "--test", str(HERE.relative_to(ROOT)) + "/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_the_gcj02_pairs_are_what_the_python_computes():
    kept = json.loads((HERE / "gcj02_pairs.json").read_text())
    now = make_gcj02_pairs.pairs()
    assert [p["point"] for p in kept] == [p["point"] for p in now]
    for a, b in zip(kept, now, strict=True):
        for key in ("gcj02", "wgs84_of"):
            assert a[key] == pytest.approx(b[key], abs=1e-12), ("run python -m tests.js.make_gcj02_pairs", a)


def test_no_module_sets_a_window_global_but_the_test_hooks_and_the_patches():
    """Modules import what they share: only ui/hooks.js (the browser tests' hooks) and
    vendor_patches.js (window.fetch) write to ``window``; every page script is a module."""
    static = ROOT / "webmap" / "static"
    allowed = {static / "portal" / "ui" / "hooks.js", static / "portal" / "vendor_patches.js"}
    for path in static.rglob("*.js"):
        if path.name == "sw.js" or path in allowed:
            continue
        text = path.read_text()
        assert not re.search(r"window(\.(?!location\b)\w+|\[[^\]]+\])\s*=[^=]", text), path
    for path in (ROOT / "webmap" / "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", path.read_text()):
            assert 'type="module"' in tag or "assets.vendor" in tag, (path, tag)
