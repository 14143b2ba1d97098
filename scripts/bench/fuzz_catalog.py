"""The fuzzer's catalog (scripts/bench/fuzz.py, tests/webmap/test_fuzz.py): every endpoint family
with its URLs, the query and body field names, and the hostile values drawn for them. A new route
joins one of the lists here (tests/webmap/test_fuzz.py::test_every_endpoint_family_is_in_the_catalog)."""

from __future__ import annotations

# -- the catalog -----------------------------------------------------------------------------------
# {id}, {code}, {kind}, {layer}, {token} are filled with hostile values.
GET_PAGES = [
    "/", "/portal", "/cases", "/cases/{id}", "/scores", "/scores/tiers", "/portal/change-sets",
    "/portal/change-sets/{id}", "/portal/coverage", "/portal/targets/{kind}/{id}", "/portal/edit",
    "/inspect", "/report", "/field", "/moderation", "/moderation/photos/{id}", "/c/{code}", "/reports/{token}",
    "/reports/new", "/login", "/media/{token}", "/admin/audit", "/admin/audit.csv", "/admin/audit/verify", "/scores/report.html", "/account/password",
    "/sw.js", "/manifest.webmanifest", "/inbox", "/admin", "/admin/deliveries", "/supervision",
    "/admin/export",
    "/admin/users", "/admin/users/new", "/admin/users/{id}", "/admin/keys",
    "/admin/units", "/admin/units/new", "/admin/units/{id}", "/admin/units/{id}/merge",
    "/admin/scoring", "/admin/checklists",
    "/admin/categories", "/admin/categories/new", "/admin/categories/{code}", "/admin/holidays",
    "/admin/holidays/remove", "/admin/county",
    "/admin/data", "/admin/data/uploads/{token}", "/admin/data/uploads/{token}/map", "/admin/jobs",
    "/admin/jobs/{id}", "/admin/jobs/{id}.json", "/admin/export",
]  # fmt: skip
GET_APIS = [
    "/api/v1/incidents", "/api/v1/incidents.csv", "/api/v1/incidents.zip", "/api/v1/incidents/{id}", "/api/v1/heat",
    "/api/v1/layers", "/api/v1/layers/{layer}", "/api/v1/dashboard", "/api/v1/search", "/api/v1/units",
    "/api/v1/scores", "/api/v1/tiers", "/api/v1/titles", "/api/v1/coverage", "/api/v1/public-reports",
    "/api/v1/checklists", "/api/v1/inspection-targets", "/api/v1/units/{code}/guarded",
    "/api/v1/targets/{kind}/{id}/responsible", "/api/v1/targets/{kind}/{id}/history",
    "/api/v1/zones/{id}/edit-context", "/api/v1/media/{token}", "/api/public/communities",
    "/api/public/communities/{code}", "/api/public/roads", "/api/public/search", "/api/public/reports/{token}",
    "/api/v1/offline/kit", "/api/v1/offline/session", "/api/v1/inbox", "/tiles/{layer}.json", "/tiles/style.json",
    "/ogcapi", "/ogcapi/", "/ogcapi/openapi.json", "/ogcapi/conformance", "/ogcapi/collections",
    "/ogcapi/collections/{layer}", "/ogcapi/collections/{layer}/items", "/ogcapi/collections/{layer}/items/{id}",
    "/ogcapi/{code}",
]  # fmt: skip
POST_JSON = [
    "/api/v1/postings", "/api/v1/postings/preview", "/api/v1/selection", "/api/v1/incidents",
    "/api/v1/incidents/{id}/actions", "/api/v1/inspections", "/api/v1/tiers", "/api/v1/titles",
    "/api/v1/titles/{id}/withdraw", "/api/v1/zones/{id}/edit", "/api/v1/zones/{id}/edit/preview",
    "/api/v1/segments/{id}/split", "/api/v1/segments/merge", "/api/v1/change-sets/{id}/revert",
    "/api/v1/public-reports/{id}/approve", "/api/v1/public-reports/{id}/merge",
    "/api/v1/public-reports/{id}/reject", "/api/public/reports", "/api/v1/inbox/read",
    "/api/v1/incidents/{id}/extensions", "/api/v1/requests/{id}/decision", "/api/v1/incidents/{id}/shelve",
    "/api/v1/incidents/{id}/unshelve", "/api/v1/incidents/{id}/supervisions", "/api/v1/supervisions/{id}/answer",
    "/api/v1/supervisions/{id}/close",
]  # fmt: skip
OPEN311 = [
    "/open311/v2/services.json", "/open311/v2/services.xml", "/open311/v2/services/{code}.json",
    "/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/requests/{code}.json",
    "/open311/v2/servicerequestupdates.json", "/open311/v2/servicerequestupdates.xml",
    "/open311/v2/discovery.json", "/open311/v2/discovery.xml", "/open311/v2/{code}",
]  # fmt: skip
# no /logout
POST_FORMS = [
    "/login",
    "/open311/v2/requests.json",
    "/api/public/reports",
    "/api/v1/incidents",
    "/account/password",
    "/account/language",
    "/inbox/{id}/read",
    "/inbox/read-all",
    "/reports/{token}/email",
    "/admin/users",
    "/admin/users/{id}",
    "/admin/users/{id}/disable",
    "/admin/users/{id}/enable",
    "/admin/users/{id}/password",
    "/admin/users/{id}/sign-out",
    "/admin/users/{id}/unlock",
    "/admin/keys",
    "/admin/keys/{id}/revoke",
    "/admin/units/new",
    "/admin/units/{id}",
    "/admin/units/{id}/retire",
    "/admin/units/{id}/merge",
    "/admin/scoring",
    "/admin/checklists",
    "/admin/categories", "/admin/categories/{code}", "/admin/categories/{code}/retire",
    "/admin/categories/{code}/reinstate", "/admin/holidays/load", "/admin/holidays/day", "/admin/holidays/remove",
    "/admin/county",
    "/admin/data", "/admin/data/uploads/{token}/import", "/admin/jobs",
]  # fmt: skip
TILE = "/tiles/{layer}/{z}/{x}/{y}.mvt"
FAMILIES = ("pages", "apis", "json", "open311", "forms", "tiles")

LAYERS = [
    "incidents",
    "incidents",
    "roads",
    "zones",
    "cases",
    "scores",
    "x",
    "communities",
    "road-segments",
]  # tiles and /layers/<name>
KINDS = ["segment", "zone", "grid", "community", "x"]
PARAMS = [
    "bbox", "zoom", "from", "to", "month", "date", "at", "status", "category", "unit", "zone", "overdue",
    "duplicates", "page", "per_page", "q", "lat", "lon", "long", "kind", "state", "crs", "v", "lang",
    "service_code", "service_request_id", "start_date", "end_date", "jurisdiction_id", "next",
    "description", "address", "contact", "username", "password", "email", "media_url", "mode", "since",
    "until", "actor", "action", "object", "current", "new", "confirm", "notify_email", "email_updates",
    "role", "unit", "panel", "name", "effective_month", "seen", "rescore",
    "reason", "grade_a_min", "weight_evaluation", "items-0-code", "items-0-max", "items-0-sort",
    "code", "name_zh", "name_en", "deadline_hours", "deadline_kind", "public", "sort", "cc_code", "cc_class",
    "version", "year", "day", "hotline", "public_title_zh", "public_intro_en", "basemap", "job", "target_m2",
    "skip_refused", "name_field", "page_size", "updated_after", "updated_before", "bbox-crs", "datetime",
    "limit", "offset", "f", "tier", "lead_unit",
]  # fmt: skip
BODY_KEYS = [
    "geometry", "mode", "kinds", "unit", "role", "targets", "valid_from", "reason", "person", "phone",
    "duties", "road", "community", "what", "version", "also", "point", "ids", "versions", "category",
    "lat", "long", "lon", "description", "address", "contact", "action", "note", "target_kind",
    "target_id", "items", "inspected_at", "month", "tiers", "into", "title", "unit_code", "award_id",
    "status", "deadline_at", "kind", "id",
]  # fmt: skip
TEXTS = [
    "", " ", "9999-12-31", "0000-01-01", "2024-02-30", "2024-01-01", "9999-12", "0001-01", "2024-13",
    "2024-05", "-1", "0", "1", "99999999999999999999999999999", "1e400", "NaN", "inf", "\ud800",
    "a\x00b", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "测试县", "U01", "001",
    "segment", "zone", "lead", "parking", "posters", "dispatched", "filed", "1", "gcj02", "wgs84",
    "114.01,22.51,114.02,22.52", "-180,-90,180,90", "1,2,3", "9999-12-31T23:59:59+14:00",
    "2024-01-01T00:00:00", "2024-01-01T08:00:00+08:00", "x" * 300, "%ED%A0%80", "\u202e",
]  # fmt: skip
NUMBERS = [0, -1, 1, 2, 3, 7, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**30, 1.5, -0.0, 1e308, 114.01, 22.51]
IDS = ["1", "1", "2", "2", "3", "0", "999999", "9223372036854775807", "9223372036854775808", "1" * 30]
