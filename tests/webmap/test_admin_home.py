"""The administration's home (/admin): a card and a tab per section, for administrators only, and
the one way in from the top bar."""

from __future__ import annotations

import re

from tests.support.english import switch_language
from tests.support.web import demo_client
from webmap.views.admin.home import SECTIONS


def test_an_administrator_finds_every_section_from_the_bar(demo):
    client, _ = demo_client(demo, "admin")
    bar = client.get("/portal").text
    assert 'href="/admin">系统管理</a>' in bar
    assert "/admin/audit" not in bar  # the sections are reached through /admin, not the bar
    page = client.get("/admin")
    assert page.status_code == 200
    cards = re.search(r'<ul class="admin-cards" id="admin-sections">(.*?)</ul>', page.text, re.S).group(1)
    hrefs = re.findall(r'href="([^"]+)"', cards)
    assert hrefs[:2] == ["/admin/users", "/admin/keys"] and hrefs[-2:] == [
        "/admin/audit",
        "/admin/deliveries",
    ]
    assert len(hrefs) == len(SECTIONS)
    for href in hrefs:  # each section's page answers and, under /admin, shows the tabs, itself marked
        answer = client.get(href)
        assert answer.status_code == 200, href
        if not href.startswith("/admin"):
            continue  # a page leaders read too (/scores/tiers) keeps its place and frame
        section = answer.text
        assert f'href="{href}" aria-current="page"' in section
        assert section.count('class="state-tabs admin-tabs"') == 1


def test_the_administration_is_in_english_on_english_pages(demo):
    client, _ = demo_client(demo, "admin")
    switch_language(client, "en")
    page = client.get("/admin").text
    assert "<h1>Administration</h1>" in page and "Audit log" in page
    assert "系统管理" not in page


def test_other_roles_do_not_see_the_administration(demo):
    for role in ("leader", "staff", "inspector"):
        client, _ = demo_client(demo, role)
        assert "系统管理" not in client.get("/portal").text
        answer = client.get("/admin")
        assert answer.status_code == 403
        assert "只有管理员可以进入系统管理" in answer.text
