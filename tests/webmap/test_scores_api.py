"""The scores API on the demo county."""

from __future__ import annotations

from tests.webmap.conftest import login
from webmap import create_app
from webmap.serve import prepare


def test_the_demo_scores_a_month_over_http(tmp_path):
    """The demo's October through /api/v1/scores: every unit ranked and graded; a future month and
    a malformed one are refused."""
    app = create_app({"database_url": f"sqlite:///{tmp_path / 'd.sqlite'}", "instance_path": str(tmp_path),
                      "testing": True})  # fmt: skip
    passwords = prepare(app).passwords
    client = app.test_client()
    login(client, "leader", passwords["leader"])
    body = client.get("/api/v1/scores?month=2026-10").get_json()
    ranked = [u for u in body["units"] if u["score"] is not None]
    assert len(ranked) >= 10 and ranked[0]["rank"] == 1
    assert all(0 <= u["score"] <= 100 and u["grade"] in "ABC" for u in ranked)
    assert [u["score"] for u in ranked] == sorted((u["score"] for u in ranked), reverse=True)
    assert body["targets"] and all(t["inspections"] >= 1 for t in body["targets"])
    future = client.get("/api/v1/scores?month=2099-01")
    assert future.status_code == 400 and "尚未到来" in future.get_json()["error"]["message"]
    assert client.get("/api/v1/scores?month=2026/10").status_code == 400
    bbox = "113.9,22.4,114.2,22.7"
    layer = client.get(f"/api/v1/layers/scores?bbox={bbox}&zoom=13&month=2026-10").get_json()
    assert layer["month"] == "2026-10" and len(layer["features"]) >= 12  # the communities, patrolled monthly
    assert {f["properties"]["grade"] for f in layer["features"]} <= {"A", "B", "C"}
    bad = client.get(f"/api/v1/layers/scores?bbox={bbox}&zoom=13&month=2026-13")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "month"
