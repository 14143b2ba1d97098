"""A county's own settings as its administrators keep them (issue #20 part 5): its name, its public
hotline, the public map page's title and introduction in each language, and the basemap its maps
open on. Everything is plain text, checked and bounded here; an empty text stands for the
portal's standard one (the pages fall back to it), so a county that never saved settings looks as
before. Saving names the version the administrator saw: someone else's save in between is refused
(StaleVersion, 409) rather than overwritten.

Messages are in Chinese with their English beside them, as everywhere in geodata.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from geodata import clock
from geodata.errors import InvalidInput
from geodata.model import County, CountySetting
from geodata.plaintext import check_english, check_line, check_paragraph
from geodata.stores.store import Store

MAX_COUNTY_NAME = 40
MAX_HOTLINE = 30
MAX_TITLE = 60
MAX_INTRO = 600
MAX_BASEMAP = 40  # a choice's name (webmap/basemap.py), never a URL or a key
HOTLINE = re.compile(r"[0-9+\-() ]+")  # 12345, 0755-12345678, +86 755 1234 5678


def check_hotline(value: str) -> str:
    """A public hotline as dialled: digits with spaces, +, - and brackets, at least three digits
    (empty: none)."""
    text = check_line(value, "hotline", "服务热线", "hotline", MAX_HOTLINE, required=False)
    if text and (not HOTLINE.fullmatch(text) or sum(ch.isdigit() for ch in text) < 3):
        raise InvalidInput(
            f"服务热线 {text!r} 无效：只能写数字、空格和 + - ( )，至少 3 位数字，如 12345 或 0755-12345678",
            en=f"The hotline {text!r} is invalid: use digits, spaces and + - ( ), at least 3 digits, "
            "e.g. 12345 or 0755-12345678",
            field="hotline",
        )
    return text


def check_setting(setting: CountySetting, basemaps: Sequence[str]) -> CountySetting:
    """The settings as they will be stored (texts trimmed), or InvalidInput naming the first
    problem. ``basemaps``: the choices this portal offers ('' always allowed: the deployment's)."""
    titles = {
        field: check_line(getattr(setting, field), field, f"{lang_zh}标题", f"{lang_en} title", MAX_TITLE, False)
        for field, lang_zh, lang_en in (("public_title_zh", "中文", "Chinese"), ("public_title_en", "英文", "English"))
    }  # fmt: skip
    intro_zh = check_paragraph(
        setting.public_intro_zh, "public_intro_zh", "中文简介", "Chinese introduction", MAX_INTRO
    )
    intro_en = check_paragraph(
        setting.public_intro_en, "public_intro_en", "英文简介", "English introduction", MAX_INTRO
    )
    check_english(titles["public_title_en"], "public_title_en", "英文标题", "English title")
    check_english(intro_en, "public_intro_en", "英文简介", "English introduction")
    basemap = (setting.basemap or "").strip()
    if basemap and (len(basemap) > MAX_BASEMAP or basemap not in basemaps):
        raise InvalidInput(
            f"底图 {basemap[:MAX_BASEMAP]!r} 不可选：可选 {', '.join(basemaps)}",
            en=f"The basemap {basemap[:MAX_BASEMAP]!r} is not offered: choose {', '.join(basemaps)}",
            field="basemap",
        )
    return replace(
        setting, hotline=check_hotline(setting.hotline), public_intro_zh=intro_zh, public_intro_en=intro_en,
        basemap=basemap, **titles,
    )  # fmt: skip


def save(
    store: Store,
    county: County,
    name: str,
    setting: CountySetting,
    version: int,
    actor: str,
    basemaps: Sequence[str],
    now: datetime | None = None,
) -> tuple[County, CountySetting]:
    """Rename the county and write its settings together, when they are still at ``version``."""
    name = check_line(name, "name", "县区名称", "county's name", MAX_COUNTY_NAME)
    checked = check_setting(replace(setting, county_id=county.id), basemaps)
    checked = replace(checked, updated_at=now or clock.now(), updated_by=actor)
    with store.transaction():
        saved = store.save_county_setting(checked, version)
        if name != county.name:
            county = store.update_county(replace(county, name=name))
    return county, saved
