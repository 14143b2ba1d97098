"""Pointing DATABASE_URL at PostGIS gives the same portal with the same answers."""

from __future__ import annotations

import time

import pytest

from tests.support.web import PASSWORD, county_app, login

QUERIES = [
    "/api/v1/units",
    "/api/v1/layers/zones?bbox=114.0,22.5,114.02,22.52&zoom=15",
    "/api/v1/layers/roads?bbox=114.0,22.5,114.02,22.52&zoom=15",
    "/api/v1/layers/roads?bbox=114.011,22.51,114.02,22.52&zoom=17",
    "/api/v1/layers/incidents?bbox=114.0,22.5,114.02,22.52&zoom=13",
    "/api/v1/layers/incidents?bbox=114.0,22.5,114.02,22.52&zoom=18",
]


def _answers(url: str, tmp_path) -> dict:
    app = county_app(tmp_path, url)
    client = app.test_client()
    assert login(client, "leader1", PASSWORD).status_code == 302
    answers = {}
    for query in QUERIES:
        response = client.get(query)
        assert response.status_code == 200, (url, query, response.text)
        answers[query] = response.get_json()
    assert "福华路" in client.get(QUERIES[2]).text
    app.extensions["portal_db"].close()
    return answers


def test_the_portal_answers_the_same_on_sqlite_and_postgis(committed_postgis_url, tmp_path):
    lite = _answers(f"sqlite:///{tmp_path / 'same.sqlite'}", tmp_path)
    pg = _answers(committed_postgis_url, tmp_path)
    for query in QUERIES:
        assert pg[query] == lite[query], query
    assert len(lite[QUERIES[2]]["features"]) == 3


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DATABASE_URL": "postgresql://portal:portal@127.0.0.1:1/nowhere"}, "Cannot connect to PostgreSQL"),
        ({"DATABASE_URL": "mysql://x"}, "is not understood"),
        ({"PORTAL_ROUTE_MAX_M": "thirty"}, "PORTAL_ROUTE_MAX_M='thirty' is not a valid float"),
        ({"PORTAL_ROUTE_MAX_M": "-5"}, "must be a positive number"),
        ({"PORTAL_PORT": "70000"}, "PORTAL_PORT must be a port number from 1 to 65535"),
        ({"PORTAL_TODAY": "15.1.2027"}, "PORTAL_TODAY must be a day YYYY-MM-DD"),
    ],
)
def test_bad_settings_stop_the_start_with_one_sentence(environment, message, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(tmp_path), **environment}
    done = subprocess.run(
        [sys.executable, "-c", "import app"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_python_app_py_serves_on_the_port_asked_for(tmp_path):
    import os
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(tmp_path), "PORTAL_SEED_DEMO_ON_START": "false",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}", "PYTHONUNBUFFERED": "1"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        lines = [server.stdout.readline() for _ in range(3)]
        assert f"Portal (门户): http://127.0.0.1:{port}/portal\n" in lines, lines
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError(f"nothing answered on port {port}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    refused = subprocess.run(
        [sys.executable, "app.py", "--port", "0x50"], env=env, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 2 and "a port number from 1 to 65535" in refused.stderr
