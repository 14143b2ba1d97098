"""The scores, score map, tiers and titles APIs on the demo county."""

from __future__ import annotations

from tests.support.web import DEMO_MID_DAY, DEMO_MONTH, demo_client


def test_the_demo_scores_a_month_over_http(demo):
    """The demo's last month: every unit ranked and graded, the score layer by grade; a future month and a
    malformed one are refused."""
    client, _ = demo_client(demo, "leader")
    body = client.get(f"/api/v1/scores?month={DEMO_MONTH}").get_json()
    ranked = [u for u in body["units"] if u["score"] is not None]
    assert len(ranked) >= 10 and ranked[0]["rank"] == 1
    assert all(0 <= u["score"] <= 100 and u["grade"] in "ABC" for u in ranked)
    assert [u["score"] for u in ranked] == sorted((u["score"] for u in ranked), reverse=True)
    assert body["targets"] and all(t["inspections"] >= 1 for t in body["targets"])
    future = client.get("/api/v1/scores?month=2099-01")
    assert future.status_code == 400 and "尚未到来" in future.get_json()["error"]["message"]
    assert client.get("/api/v1/scores?month=2026/10").status_code == 400
    bbox = "113.9,22.4,114.2,22.7"
    layer = client.get(f"/api/v1/layers/scores?bbox={bbox}&zoom=13&month={DEMO_MONTH}").get_json()
    assert layer["month"] == DEMO_MONTH and len(layer["features"]) >= 12  # the communities, patrolled monthly
    assert {f["properties"]["grade"] for f in layer["features"]} <= {"A", "B", "C"}
    bad = client.get(f"/api/v1/layers/scores?bbox={bbox}&zoom=13&month=2026-13")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "month"


def test_an_administrator_confirms_tiers_and_awards_titles(demo):
    admin, token = demo_client(demo, "admin")
    proposals = admin.get(f"/api/v1/tiers?month={DEMO_MONTH}").get_json()["communities"]
    scored = next(p for p in proposals if p["proposed"])
    body = {"zone": scored["code"], "tier": scored["proposed"], "month": DEMO_MONTH}
    made = admin.post("/api/v1/tiers", json=body, headers={"X-CSRFToken": token})
    assert made.status_code == 201 and made.get_json()["tier"] == scored["proposed"]
    again = admin.post("/api/v1/tiers", json=body, headers={"X-CSRFToken": token})
    assert again.status_code == 409
    title = {"zone": scored["code"], "title": "文明社区", "on": DEMO_MID_DAY}
    award = admin.post("/api/v1/titles", json=title, headers={"X-CSRFToken": token}).get_json()
    assert award["zone_name"] == scored["name"] and award["withdrawn_on"] is None
    gone = admin.post(f"/api/v1/titles/{award['id']}/withdraw", json={"on": DEMO_MONTH + "-28"},
                      headers={"X-CSRFToken": token})  # fmt: skip
    assert gone.get_json()["withdrawn_on"] == DEMO_MONTH + "-28"
    leader, leader_token = demo_client(demo, "leader")
    refused = leader.post("/api/v1/titles", json=title, headers={"X-CSRFToken": leader_token})
    assert refused.status_code == 403 and "只有管理员" in refused.get_json()["error"]["message"]
