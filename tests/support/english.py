"""What the tests of the English staff pages share (issue #17 part 6): a person switches to English,
and an English page must carry no Chinese but the names that come from the data.

Each page group has its test module (tests/webmap/test_staff_language.py, test_english_*.py,
tests/browser/test_browser_english_*.py)."""

from __future__ import annotations

import html
import json
import re

from tests.support.web import csrf_token

CJK = re.compile(r"[\u3400-\u9fff\uff08-\uff5e\u3001-\u3011]+")


def chinese_outside(page: str, names: set[str]) -> list[str]:
    """The runs of Chinese in a page's text and attributes, less the data's ``names`` and the
    language switch's 中文 (a language is named in itself). Scripts and styles are not read: a
    script's texts come in a data attribute (see ``script_texts``). Nor are the values of options
    with a label of their own: what a form sends, not what a person reads (a tier 精品 the API
    takes; a reason for refusing a resident's report, stored as residents read it)."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    labelled = r'<option\b[^>]*>[^<\s]|<option\b[^>]*\blabel="[^"]*[^"\s][^"]*"[^>]*>'
    text = re.sub(labelled, lambda m: re.sub(r'\svalue="[^"]*"', "", m.group(0)), text)
    text = re.sub(r'lang="zh-CN">中文<', " ", text)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return CJK.findall(text)


def data_names(store, county_id: int) -> set[str]:
    """Every name the county's data gives (county, units, zones, roads, checklist items, users):
    these stay as they are on an English page."""
    names = {c.name for c in store.list_counties()}
    names |= {u.name for u in store.list_units(county_id)}
    names |= {z.name for z in store.list_zones(county_id)}
    names |= {s.name for s in store.list_segments(county_id) if s.name}
    names |= {i.name_zh for v in store.checklist_versions() for i in v.items}
    names |= {u.username for u in store.list_users()}
    return names


def switch_language(client, lang: str, next_url: str = "/account/password"):
    """The top bar's English / 中文 button: the signed-in person's choice, remembered."""
    token = csrf_token(client.get("/account/password").text)
    return client.post("/account/language", data={"lang": lang, "next": next_url, "csrf_token": token})


def script_texts(page: str, group: str | None = None) -> dict[str, str]:
    """The texts a page hands its script (``data-texts`` of the element, JSON; the first, or the
    one whose ``data-texts-group`` is ``group``)."""
    for match in re.finditer(r'<[^>]*data-texts="([^"]*)"[^>]*>', page):
        if group is None or f'data-texts-group="{group}"' in match.group(0):
            return json.loads(html.unescape(match.group(1)))
    raise AssertionError(f"no data-texts for {group or 'the page'}")


def english_texts_are_english(texts: dict[str, str]) -> list[str]:
    """The script texts that still hold Chinese."""
    return [f"{k}: {v}" for k, v in texts.items() if CJK.search(v)]
