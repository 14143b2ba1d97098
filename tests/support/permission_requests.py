"""How the permission matrix (tests/webmap/test_permission_matrix.py) asks each route: the values of
its URL parameters, and the query or body that takes a request past the permission check without
changing the county."""

from __future__ import annotations

from tests.support.tiles import tile_at
from tests.support.web import EXTENT

RUN_LAST = ("auth.logout",)  # it ends the caller's session
MISSING = 999_999  # an id of nothing: for writes that would change the county when found
TILE = tile_at(114.005, 22.505, 14)
WHOLE = ",".join(map(str, EXTENT))

# URL parameters by name (ids filled in from the county by the fixture); per endpoint where the
# same name means different things.
PARAMS: dict[str, object] = {
    "fmt": "json", "rest": "nothing", "kind": "segment", "action": "reject", "token": "nothing",
    "report_id": MISSING, "award_id": MISSING, "change_set_id": MISSING, "notification_id": MISSING,
    "request_id": MISSING, "supervision_id": MISSING, "user_id": MISSING, "key_id": MISSING,
    "unit_id": MISSING, "job_id": MISSING, "collection_id": "communities", "feature_id": MISSING,
    "layer": "incidents", "z": TILE.z, "x": TILE.x, "y": TILE.y,
    "package": "leaflet", "scope": "turf", "filename": "dist/leaflet.js",
}  # fmt: skip
PARAMS_OF: dict[str, dict[str, object]] = {
    "public.community": {"code": "001"},
    "public.community_facts": {"code": "001"},
    "assignments.guarded": {"code": "U01"},
    "open311.service_definition": {"code": "parking"},
    "api.layer": {"name": "incidents"},
    "score_report.download": {"fmt": "html"},
}

# What a request needs for its permission check to be reached: a query string, a JSON body.
REQUESTS: dict[str, dict] = {
    "tiles.heat": {"query": f"?bbox={WHOLE}&zoom=15"},
    "api.layer": {"query": f"?bbox={WHOLE}&zoom=15"},
    "assignments.responsible": {"query": "?date=2024-06-01"},
    "assignments.guarded": {"query": "?month=2024-06"},
    "score_report.download": {"query": "?month=2999-01"},  # past the check: a 400, no report drawn
    "inspect_pages.inspection_targets": {"query": "?q=福华"},
    # the case is 待派发 (filed): handling it is a 409 for those allowed, nothing is written
    "cases.act": {"json": {"action": "handle"}},
    # refused after the permission check: a 待派发 case cannot be extended, a level 3 is no level,
    # the request and the order asked about are not there, a case on record needs a review date
    "handling.ask_extension": {"json": {"reason": "等材料", "deadline": "2030-01-01T18:00"}},
    "handling.decide": {"json": {"approve": True}},
    "handling.shelve": {"json": {"plan": "明年改造"}},
    "handling.supervise": {"json": {"note": "请加快", "level": 3}},
    "handling.answer": {"json": {"answer": "已办"}},
}
