"""A county's settings as the pages use them (geodata/county_settings.py; edited on /admin/county):
kept a few seconds per process like the county itself (webmap/recent.py), the public map page's
title and introduction in the page's language (the standard title where none is set), its public
hotline, and the basemap the county's maps open on (one of webmap/basemap.py's choices; the
deployment's own where none is chosen or the choice is no longer offered)."""

from __future__ import annotations

from flask import current_app

from geodata.model import County, CountySetting
from geodata.stores.store import Store
from webmap import get_store, recent
from webmap.basemap import TileSource
from webmap.i18n import current_lang, t


def county_setting(store: Store, county: County) -> CountySetting:
    return recent().get(("county_setting", county.id), lambda: store.get_county_setting(county.id))


def forget() -> None:
    """After a save: this process shows the new name and settings at once (others within seconds)."""
    recent().clear()


def basemap_choices() -> dict[str, list[TileSource]]:
    """The basemaps this portal offers by name, the deployment's default first."""
    return current_app.extensions["portal_basemaps"]


def county_basemap(store: Store, county: County) -> list[TileSource]:
    """The tile layers the county's maps open on."""
    choices = basemap_choices()
    chosen = county_setting(store, county).basemap
    return choices[chosen] if chosen in choices else next(iter(choices.values()))


def public_title(county: County) -> str:
    """The public pages' title in the page's language (a Jinja global)."""
    setting = county_setting(get_store(), county)
    own = setting.public_title_en if current_lang() == "en" else setting.public_title_zh
    return own or t("site.heading", county=county.name)


def public_intro(county: County) -> str:
    """The public map page's introduction in the page's language; '' when none is set."""
    setting = county_setting(get_store(), county)
    return setting.public_intro_en if current_lang() == "en" else setting.public_intro_zh


def public_hotline(county: County) -> str:
    return county_setting(get_store(), county).hotline


def dialled(hotline: str) -> str:
    """A hotline as a ``tel:`` link dials it: its digits and a leading +."""
    return ("+" if hotline.strip().startswith("+") else "") + "".join(ch for ch in hotline if ch.isdigit())
