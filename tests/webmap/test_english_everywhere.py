"""Every staff page in English (issue #17 part 6): each demo user chooses English, then the test
follows every link of the portal's pages it can reach, as a person would, and finds no Chinese on
any page but what the county's data holds (names, descriptions, reasons typed by people).

The data's words are read from the database itself: every text of every table, less the columns
that hold the product's own words (a status, a kind, a tier …), which a page must translate."""

from __future__ import annotations

import re
import sqlite3
from collections import deque
from contextlib import closing
from urllib.parse import urljoin, urlsplit

import pytest

from tests.support.english import (
    CJK,
    chinese_outside,
    english_texts_are_english,
    script_texts,
    switch_language,
)
from tests.support.web import demo_client

# Columns whose values are the product's words, not the data's: a page shows them translated.
PRODUCT_WORDS = {"status", "kind", "role", "tier", "title", "titles", "action", "result", "panel", "lang",
                 "target_kind", "proposed", "source", "channel"}  # fmt: skip
SKIP = ("/api/", "/tiles/", "/static/", "/ogcapi/", "/open311/", "/media/", "/sw.js", "/logout", "/c/", "/r/")
MAX_PAGES = 160  # per role: every kind of page is reached well before
ROLES = ("admin", "leader", "staff", "inspector")
# Pages each role must reach by its links (as ``shape`` writes them), so the crawl cannot pass by
# reaching nothing.
EVERYONE = {"/portal?", "/cases?", "/cases/#?", "/scores?", "/portal/coverage?", "/account/password?"}
REACHED = {
    "admin": EVERYONE | {"/admin?", "/admin/audit?", "/portal/edit?", "/portal/change-sets/#?", "/moderation?",
                         "/portal/targets/segment/#?", "/admin/scoring?", "/admin/checklists?kind"},
    "leader": EVERYONE | {"/portal/edit?", "/moderation?"},
    "staff": EVERYONE,
    "inspector": EVERYONE | {"/field?", "/inspect?", "/moderation?"},
}  # fmt: skip


def database_words(path: str) -> set[str]:
    """Every Chinese text stored in the demo's database but the product's words."""
    words: set[str] = set()
    with closing(sqlite3.connect(path)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for _, column, kind, *_ in db.execute(f'PRAGMA table_info("{table}")'):
                if column in PRODUCT_WORDS or kind.upper() not in ("TEXT", ""):
                    continue
                rows = db.execute(f'SELECT DISTINCT "{column}" FROM "{table}" LIMIT 5000')
                words |= {v for (v,) in rows if isinstance(v, str) and CJK.search(v) and len(v) < 400}
    return words


def links(page: str, here: str) -> list[str]:
    found = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"#]+)"', page):
        url = urljoin(here, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if (
            parts.scheme not in ("", "http")
            or parts.netloc not in ("", "localhost")
            or parts.path.startswith(SKIP)
        ):
            continue
        if re.search(r"\.(pdf|csv|xlsx|geojson|zip)$|[?&](format|fmt)=", url):
            continue  # a download, not a page
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def shape(path: str) -> str:
    """A page's kind: its path with numbers as #, its query's names only (one of each is enough)."""
    base, _, query = path.partition("?")
    names = sorted({p.split("=")[0] for p in query.split("&") if p})
    return re.sub(r"\d+", "#", base) + "?" + "&".join(names)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_person_reaches_is_in_english(demo, role):
    app, _ = demo
    client, _ = demo_client(demo, role)
    switch_language(client, "en")
    words = database_words(app.extensions["portal_settings"].database_url.removeprefix("sqlite:///")) | {
        "中文"
    }
    queue, seen, shapes, problems = deque(["/"]), set(), set(), {}
    start = client.get("/", follow_redirects=False)
    queue = deque([start.headers.get("Location", "/portal")])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or shape(path) in shapes:
            continue
        seen.add(path)
        shapes.add(shape(path))
        answer = client.get(path)
        assert answer.status_code < 500, path
        if "text/html" not in answer.content_type:
            continue
        page = answer.text
        left = chinese_outside(page, words)
        for match in re.finditer(r'data-texts="[^"]*"', page):
            left += english_texts_are_english(script_texts("<x " + match.group(0) + ">"))
        if left:
            problems[path] = sorted(set(left))[:8]
        queue.extend(links(page, path))
    assert REACHED[role] <= shapes, sorted(shapes)  # the crawl reached the role's pages
    assert problems == {}, "\n".join(f"{p}: {' '.join(w)}" for p, w in problems.items())
