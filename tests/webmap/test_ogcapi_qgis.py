"""QGIS 3.22 (Debian's ``python3-qgis``, run by the system Python in a subprocess, headless) opens
each public collection of /ogcapi with its OAPIF provider, paging two features at a time, and reads
every feature. Skipped where QGIS is not installed, unless ``REQUIRE_QGIS=1``."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.support.ogcapi import ITEMS, PUBLIC, add_zones
from tests.support.web import county_app, serving

SYSTEM_PYTHON = "/usr/bin/python3"
SCRIPT = """
import json, os, sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
out = {}
for name in sys.argv[2:]:
    layer = QgsVectorLayer(f"url='{sys.argv[1]}' typename='{name}' pageSize='2'", name, "OAPIF")
    ids = [f.attribute("id") if "id" in f.fields().names() else f.id() for f in layer.getFeatures()]
    out[name] = {"valid": layer.isValid(), "count": len(ids), "names": layer.fields().names()}
print(json.dumps(out), flush=True)
os._exit(0)  # QgsApplication.exitQgis() crashes in 3.22 with providers still loaded
"""


def _has_qgis() -> bool:
    try:
        found = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0


def test_qgis_opens_each_public_collection_with_every_feature(tmp_path):
    if not _has_qgis():
        if os.environ.get("REQUIRE_QGIS") == "1":
            pytest.fail("QGIS is required (REQUIRE_QGIS=1) but python3-qgis is not installed")
        pytest.skip("python3-qgis is not installed")
    app = county_app(tmp_path)
    add_zones(app)
    client = app.test_client()
    expected = {c: client.get(ITEMS.format(c)).get_json()["numberMatched"] for c in PUBLIC}
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    with serving(app) as base:
        run = subprocess.run(
            [SYSTEM_PYTHON, "-c", SCRIPT, f"{base}/ogcapi", *PUBLIC],
            capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    for name in PUBLIC:
        assert got[name]["valid"], (name, run.stderr[-2000:])
        assert got[name]["count"] == expected[name] > 0, (name, got[name], expected[name])
    assert "lead_unit" in got["road-segments"]["names"]
