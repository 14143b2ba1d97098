"""Hostile requests against gunicorn (DESIGN §11, issue #16): random malformed, out-of-range and
oversized input to every endpoint family from a few client threads; prints the answers by status,
how many were ≥ 500, and each worker's peak resident memory (VmHWM).

    python -m scripts.bench.fuzz --requests 10000 [--backend postgis] [--incidents 5000]

The catalog of endpoints, fields and hostile values here is shared with tests/webmap/test_fuzz.py
(which draws from it with hypothesis against the Flask test client)."""

from __future__ import annotations

import json
import random
import re
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

# -- the catalog -----------------------------------------------------------------------------------
# {id}, {code}, {kind}, {layer}, {token} are filled with hostile values.
GET_PAGES = [
    "/", "/portal", "/cases", "/cases/{id}", "/scores", "/scores/tiers", "/portal/change-sets",
    "/portal/change-sets/{id}", "/portal/coverage", "/portal/targets/{kind}/{id}", "/portal/edit",
    "/inspect", "/report", "/field", "/moderation", "/moderation/photos/{id}", "/c/{code}", "/reports/{token}",
    "/reports/new", "/login", "/media/{token}", "/admin/audit", "/admin/audit.csv", "/account/password",
    "/sw.js", "/manifest.webmanifest", "/inbox", "/admin", "/admin/deliveries", "/supervision",
    "/admin/users", "/admin/users/new", "/admin/users/{id}", "/admin/keys", "/admin/data",
    "/admin/data/uploads/{token}", "/admin/data/uploads/{token}/map", "/admin/jobs", "/admin/jobs/{id}",
    "/admin/jobs/{id}.json",
]  # fmt: skip
GET_APIS = [
    "/api/v1/incidents", "/api/v1/incidents.csv", "/api/v1/incidents/{id}", "/api/v1/heat",
    "/api/v1/layers", "/api/v1/layers/{layer}", "/api/v1/dashboard", "/api/v1/search", "/api/v1/units",
    "/api/v1/scores", "/api/v1/tiers", "/api/v1/titles", "/api/v1/coverage", "/api/v1/public-reports",
    "/api/v1/checklists", "/api/v1/inspection-targets", "/api/v1/units/{code}/guarded",
    "/api/v1/targets/{kind}/{id}/responsible", "/api/v1/targets/{kind}/{id}/history",
    "/api/v1/zones/{id}/edit-context", "/api/v1/media/{token}", "/api/public/communities",
    "/api/public/communities/{code}", "/api/public/roads", "/api/public/search", "/api/public/reports/{token}",
    "/api/v1/offline/kit", "/api/v1/offline/session", "/api/v1/inbox",
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
    "/open311/v2/{code}",
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
    "/admin/data",
    "/admin/data/uploads/{token}/import",
    "/admin/jobs",
]
TILE = "/tiles/{layer}/{z}/{x}/{y}.mvt"
FAMILIES = ("pages", "apis", "json", "open311", "forms", "tiles")

LAYERS = ["incidents", "incidents", "roads", "zones", "cases", "scores", "x"]  # tiles and /layers/<name>
KINDS = ["segment", "zone", "grid", "community", "x"]
PARAMS = [
    "bbox", "zoom", "from", "to", "month", "date", "at", "status", "category", "unit", "zone", "overdue",
    "duplicates", "page", "per_page", "q", "lat", "lon", "long", "kind", "state", "crs", "v", "lang",
    "service_code", "service_request_id", "start_date", "end_date", "jurisdiction_id", "next",
    "description", "address", "contact", "username", "password", "email", "media_url", "mode", "since",
    "until", "actor", "action", "object", "current", "new", "confirm", "notify_email", "email_updates",
    "role", "unit", "panel", "name", "job", "target_m2", "skip_refused", "name_field",
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


def polygon(bounds, n: int, scale: float = 1.0) -> dict:
    """A GeoJSON ring of ``n`` vertices around the middle of ``bounds`` (``scale`` 1: half its size)."""
    import math

    x0, y0, x1, y1 = bounds
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 4 * scale, (y1 - y0) / 4 * scale
    ring = [
        [cx + rx * math.cos(2 * math.pi * i / n), cy + ry * math.sin(2 * math.pi * i / n)] for i in range(n)
    ]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def geometries(bounds) -> list:
    """Drawings from sound to hostile: small, whole-world, 5,001 and 50,000 vertices, degenerate."""
    x0, y0, x1, y1 = bounds
    world = {
        "type": "Polygon",
        "coordinates": [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]],
    }
    return [
        polygon(bounds, 8), polygon(bounds, 64, 0.3), world, polygon(bounds, 5001), polygon(bounds, 50_000),
        {"type": "LineString", "coordinates": [[x0, y0], [x1, y1]]},
        {"type": "Point", "coordinates": [(x0 + x1) / 2, (y0 + y1) / 2]},
        {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y1], [x0, y1], [x1, y0], [x0, y0]]]},
        {"type": "Polygon", "coordinates": [[[1e308, 1e308], [-1e308, 0], [0, 1], [1e308, 1e308]]]},
        {"type": "Polygon", "coordinates": "x"}, {"type": "Polygon"}, {"type": "Feature", "geometry": None},
        {"type": "MultiPolygon", "coordinates": [[[[y0, x0], [y1, x0], [y1, x1], [y0, x0]]]]},
    ]  # fmt: skip


def templates(bounds) -> dict[str, dict]:
    """A sound body for each JSON endpoint (by the path's last words), which the fuzzer spoils a
    field or two of: input that passes the first checks reaches the deeper ones."""
    x0, y0, x1, y1 = bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    drawn = polygon(bounds, 8, 0.5)
    posting = {"unit": "U01", "role": "lead", "targets": [{"kind": "segment", "id": 1, "version": 1}],
               "valid_from": "2024-06-01", "reason": "fuzz", "geometry": drawn}  # fmt: skip
    report = {"category": "parking", "lat": cy, "long": cx, "description": "fuzz", "address": "a"}
    return {
        "postings": posting, "preview": posting,
        "selection": {"geometry": drawn, "mode": "touching", "kinds": ["segment", "community", "grid"]},
        "incidents": report, "reports": {**report, "contact": "c"},
        "actions": {"action": "dispatch", "unit": "U01", "note": "n", "deadline_at": "2024-06-01T08:00:00+08:00"},
        "inspections": {"target_kind": "segment", "target_id": 1, "items": {"clean": 3},
                        "inspected_at": "2024-06-01T08:00:00+08:00"},
        "tiers": {"month": "2024-05", "tiers": [{"unit": "U01", "tier": "A"}]},
        "titles": {"unit": "U01", "title": "fuzz", "month": "2024-05", "reason": "r"},
        "withdraw": {"reason": "r"},
        "edit": {"geometry": drawn, "version": 1, "reason": "r", "also": [{"id": 2, "geometry": drawn, "version": 1}]},
        "split": {"point": [cx, cy], "version": 1, "reason": "r"},
        "merge": {"ids": [1, 2], "versions": {"1": 1}, "reason": "r"},
        "revert": {"reason": "r"}, "approve": {"note": "n"}, "merge ": {"into": 1}, "reject": {"note": "n"},
    }  # fmt: skip


def template_for(path: str, bounds) -> dict:
    words = [w for w in path.split("?")[0].split("/") if w and not w.isdigit()]
    found = templates(bounds)
    for word in reversed(words):
        if word in found:
            return json.loads(json.dumps(found[word]))
    return {}


def base_query(bounds) -> dict[str, str]:
    """Sound values for the query fields, which the fuzzer spoils one or two of."""
    x0, y0, x1, y1 = bounds
    return {"bbox": f"{x0},{y0},{x1},{y1}", "zoom": "14", "month": "2024-05", "date": "2024-05-01",
            "from": "2024-01-01", "to": "2024-12-31", "page": "1", "lat": str((y0 + y1) / 2),
            "lon": str((x0 + x1) / 2), "status": "dispatched", "category": "parking", "unit": "U01"}  # fmt: skip


def nested(depth: int):
    value: list | dict = []
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


# -- random requests (the bench; the test draws the same catalog with hypothesis) -----------------
def hostile_value(rng: random.Random, bounds, depth: int = 0):
    """One JSON value: a hostile scalar, a geometry, or a small list or object of such."""
    pick = rng.random()
    if pick < 0.35:
        return rng.choice(TEXTS)
    if pick < 0.6:
        return rng.choice(NUMBERS + [True, False, None])
    if pick < 0.7:
        return rng.choice(geometries(bounds))
    if pick < 0.72:
        return nested(rng.choice([5, 50, 500]))
    if depth > 2:
        return None
    if pick < 0.86:
        return [hostile_value(rng, bounds, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(BODY_KEYS): hostile_value(rng, bounds, depth + 1) for _ in range(rng.randint(0, 4))}


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def fill(path: str, rng: random.Random, bounds=None) -> str:
    parts = {
        "id": rng.choice(IDS), "code": rng.choice(TEXTS[:30] + ["U01", "001", "parking"]),
        "kind": rng.choice(KINDS), "layer": rng.choice(LAYERS), "token": rng.choice(TEXTS[:30]),
        "z": str(rng.choice([0, 5, 12, 15, 19, 20, 22, 23, 30, 99, 2**40])),
        "x": str(rng.choice([0, 1, 3, 6700, 2**20, 2**63, 10**30])),
        "y": str(rng.choice([0, 1, 3, 3500, 2**20, 2**63, 10**30])),
    }  # fmt: skip
    if path == TILE and bounds is not None and rng.random() < 0.7:  # a tile over the county
        z = rng.randint(0, 22)
        x, y = _tile_of((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, z)
        parts.update(z=str(z), x=str(x), y=str(y))
    return re.sub(
        r"\{(\w+)\}", lambda m: quote(parts[m.group(1)] or "x", safe="", errors="surrogatepass"), path
    )


def query(pairs) -> str:
    return "&".join(
        f"{quote(str(k), safe='', errors='surrogatepass')}={quote(str(v), safe='', errors='surrogatepass')}"
        for k, v in pairs
    )


def json_bytes(value) -> bytes:
    """JSON as a client may send it: surrogates escaped, NaN allowed (the server must refuse it)."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode()


def hostile_request(
    rng: random.Random, bounds, family: str | None = None
) -> tuple[str, str, bytes | None, str]:
    """(method, path with query, body, content type) of one random hostile request."""
    family = family or rng.choice(FAMILIES)
    sound = base_query(bounds)
    pairs = [(k, v) for k, v in sound.items() if rng.random() < 0.3]
    pairs += [(rng.choice(PARAMS), rng.choice(TEXTS)) for _ in range(rng.randint(0, 3))]
    if family == "tiles":
        path = fill(TILE, rng, bounds)
    else:
        path = fill(rng.choice({"pages": GET_PAGES, "apis": GET_APIS, "json": POST_JSON,
                                "open311": OPEN311, "forms": POST_FORMS}[family]), rng)  # fmt: skip
    if family == "json":
        body = template_for(path, bounds)
        keys = list(body) + BODY_KEYS
        body.update({rng.choice(keys): hostile_value(rng, bounds) for _ in range(rng.randint(0, 3))})
        if rng.random() < 0.05:
            body = hostile_value(rng, bounds)
        return "POST", path, json_bytes(body), "application/json"
    if family == "forms":
        return "POST", path, query(pairs).encode(), "application/x-www-form-urlencoded"
    if family == "open311" and rng.random() < 0.3:
        return "POST", path, query(pairs).encode(), "application/x-www-form-urlencoded"
    return "GET", path + ("?" + query(pairs) if pairs else ""), None, ""


# -- the run against gunicorn ----------------------------------------------------------------------
def main(argv=None) -> None:
    from scripts.bench.common import backend_parser, bench_database

    p = backend_parser("Hostile requests against gunicorn; counts by status and peak RSS")
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--incidents", type=int, default=3000, help="incidents in the seeded demo county")
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--timeout", type=float, default=600.0, help="stop after this many seconds")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, bench_database(args, Path(tmp)) as url:
        password, bounds = _seed(url, args.incidents)
        _run(url, Path(tmp), password, bounds, args)


def _seed(url: str, n_incidents: int):
    from demo.county import seed_demo
    from geodata.stores.store import open_store

    store = open_store(url)
    try:
        store.migrate()
        print(f"seeding the demo county ({n_incidents:,} incidents) ...", flush=True)
        demo = seed_demo(store, seed=42, n_incidents=n_incidents)
        return demo.passwords["leader"], (demo.county.boundary or demo.county.extent).bounds
    finally:
        store.close()


def _run(url: str, tmp: Path, password: str, bounds, args) -> None:
    from scripts.bench.gunicorn_server import gunicorn, peak_rss_mb

    counts: Counter = Counter()
    failures: list[str] = []
    slowest: list[tuple[float, str]] = []
    lock = threading.Lock()
    with gunicorn(url, tmp, "-k gthread -w 2 --threads 4 --capture-output --timeout 120") as port:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + args.timeout
        share = [
            args.requests // args.clients + (i < args.requests % args.clients) for i in range(args.clients)
        ]

        def client(i: int) -> None:
            session, token = _signed_in(base, password)
            rng = random.Random(args.seed * 1000 + i)
            for _ in range(share[i]):
                if time.monotonic() > deadline:
                    return
                sent = time.monotonic()
                status, what = _send(session, base, token, rng.random() < 0.15, *hostile_request(rng, bounds))
                with lock:
                    counts[status] += 1
                    slowest.append((time.monotonic() - sent, what))
                    slowest.sort(reverse=True)
                    del slowest[5:]
                    if status >= 500 and len(failures) < 20:
                        failures.append(what)

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.monotonic() - started
        peaks = peak_rss_mb(port)
        log = (tmp / "gunicorn.log").read_text(errors="replace").splitlines()
        log_tail = "\n".join([line for line in log if "busy:" not in line][-60:])
    _report(args, counts, failures, peaks, seconds, log_tail)
    for took, what in slowest:
        print(f"  slow: {took:.1f} s {what[:200]}")


def _signed_in(base: str, password: str):
    """A requests session signed in as the demo leader, and the page's CSRF token."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    session.post(f"{base}/login", data={"username": "leader", "password": password, "csrf_token": token},
                 allow_redirects=False, timeout=30)  # fmt: skip
    portal = session.get(f"{base}/portal", timeout=30).text
    return session, re.search(r'name="csrf-token" content="([^"]+)"', portal).group(1)


def _send(session, base, token, anonymous: bool, method, path, body, content_type) -> tuple[int, str]:
    import requests

    headers = {"X-CSRFToken": token}
    if content_type:
        headers["Content-Type"] = content_type
    sender = requests if anonymous else session
    for attempt in (1, 2):
        try:
            answer = sender.request(
                method, base + path, data=body, headers=headers, timeout=120, allow_redirects=False
            )
            break
        except requests.ConnectionError as exc:
            # A kept-alive connection the server closed as this request went out: once more, on
            # a fresh connection; twice is a real failure.
            if attempt == 2:
                return 599, f"{method} {path[:200]} ({len(body or b'')} B): {exc!r}"[:400]
        except requests.RequestException as exc:
            return 599, f"{method} {path[:200]} ({len(body or b'')} B): {exc!r}"[:400]
    return answer.status_code, f"{answer.status_code} {method} {path[:200]} {(body or b'')[:200]!r}"


def _report(args, counts: Counter, failures, peaks: dict, seconds: float, log_tail: str) -> None:
    total = sum(counts.values())
    print(f"\n{args.backend}: {total} hostile requests in {seconds:.0f} s from {args.clients} clients")
    for status, n in sorted(counts.items()):
        print(f"  {status}: {n}")
    print(f"  ≥ 500: {sum(n for s, n in counts.items() if s >= 500)}")
    for pid, mb in sorted(peaks.items()):
        print(f"  process {pid}: peak RSS {mb:.0f} MB")
    for what in failures:
        print(f"  failed: {what}")
    if log_tail:
        print("--- gunicorn log (tail) ---\n" + log_tail)


if __name__ == "__main__":
    main()
