"""The portal's two languages: Chinese by default, English with ``?lang=en``.

Public pages take their language from the ``lang`` query parameter only — never a cookie, the
session or the browser's Accept-Language — so one URL is one language and a public cache may keep
it. Staff pages take the URL's ``lang`` too, and without one the language the signed-in person
chose (``User.lang``, set by the 中文/English button of the top bar: /account/language).

Templates get ``t(key, **values)``, ``lang`` ('zh' | 'en'), ``html_lang`` (for ``<html lang>``),
``lang_url(endpoint, **values)`` (a link that stays in the current language) and
``switch_lang_url`` (this page in the other language). Python code calls ``t`` the same way.

To add text: put the same key in both ``ZH`` and ``EN``, dotted by page (``report.title``);
values are ``str.format`` templates (``t("search.none", q=q)``). A page group with many texts
keeps them in a module of its own in webmap/texts/ (report.py, staff.py …), all merged below. A test checks the two catalogues have the same keys. A key missing from English
falls back to Chinese, and a key missing from both shows as itself, so a forgotten key is visible
rather than fatal.
"""

from __future__ import annotations

import calendar
import importlib
import pkgutil

from flask import Flask, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import escape

from geodata.errors import PortalError
from geodata.model import LANGS
from webmap import texts as text_modules
from webmap.mapbuild import ATTRIBUTION

DEFAULT_LANG = "zh"
PUBLIC_BLUEPRINTS = ("public", "public_reports", "public_media")  # cached: their language is the URL's
HTML_LANG = {"zh": "zh-CN", "en": "en"}

ZH: dict[str, str] = {
    "site.title": "文明创建地图",
    "site.heading": "{county} · 文明创建地图",
    "nav.main": "导航",
    "nav.map": "地图",
    "nav.report": "随手拍",
    "nav.login": "工作人员登录",
    "nav.switch": "English",
    "map.label": "社区地图",
    "map.attribution": ATTRIBUTION,
    "map.failed": "地图数据加载失败，请刷新页面重试。",
    "legend.title": "图例",
    "legend.tiers": "社区等次",
    "legend.titles": "文明称号",
    "legend.roads": "道路",
    "tier.精品": "精品",
    "tier.达标": "达标",
    "tier.攻坚": "攻坚",
    "tier.none": "未评定",
    "title.文明社区": "文明社区",
    "title.文明楼院": "文明楼院",
    "title.文明巷弄": "文明巷弄",
    "search.label": "查找社区或道路",
    "search.placeholder": "查找社区或道路",
    "search.placeholder_example": "查找社区或道路，如：{example}",
    "search.button": "查找",
    "search.none": "没有找到“{q}”",
    "search.failed": "查找失败，请稍后重试",
    "kind.community": "社区",
    "kind.village": "村",
    "kind.courtyard": "楼院",
    "kind.road": "道路",
    "popup.tier": "等次",
    "popup.titles": "称号",
    "popup.no_titles": "暂无",
    "popup.more": "查看社区详情",
    "community.title": "{name} · {county}",
    "community.tier": "社区等次",
    "community.tier_village": "村等次",
    "community.titles": "文明称号",
    "community.since": "{date} 起",
    "community.no_titles": "暂未获得文明称号",
    "community.score": "{month}考评等级",
    "community.band": "{grade} {label}（{low}–{high} 分）",
    "community.not_scored": "该月未考评",
    "community.latest": "最近一次考评（{month}）：{grade} {label}",
    "community.units": "责任单位",
    "community.hotline": "服务热线",
    "community.no_hotline": "暂无热线",
    "community.no_units": "暂无责任单位",
    "community.fixed": "{month}解决问题",
    "community.fixed_count": "{n} 件",
    "community.report": "发现问题？随手拍",
    "community.back": "返回地图",
    "community.map": "社区范围",
    "community.map_village": "村范围",
    "grade.A": "优秀",
    "grade.B": "良好",
    "grade.C": "待提升",
    "role.lead": "牵头单位",
    "role.assist": "联系单位",
    "role.grid": "网格责任单位",
    "role.road": "路段责任单位",
    "month": "{year} 年 {month} 月",
    "not_found.title": "未找到该社区",
    "not_found.message": "没有编号为“{code}”的社区，请返回地图查找。",
}

EN: dict[str, str] = {
    "site.title": "Civilized County Map",
    "site.heading": "{county} · Civilized County Map",
    "nav.main": "Navigation",
    "nav.map": "Map",
    "nav.report": "Report a problem",
    "nav.login": "Staff sign-in",
    "nav.switch": "中文",
    "map.label": "Map of the communities",
    "map.attribution": 'Road data © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a>',
    "map.failed": "The map data could not be loaded. Please reload the page.",
    "legend.title": "Legend",
    "legend.tiers": "Community tier",
    "legend.titles": "Civilized titles",
    "legend.roads": "Road",
    "tier.精品": "Exemplary",
    "tier.达标": "Up to standard",
    "tier.攻坚": "Improving",
    "tier.none": "Not rated",
    "title.文明社区": "Civilized community",
    "title.文明楼院": "Civilized compound",
    "title.文明巷弄": "Civilized lane",
    "search.label": "Find a community or road",
    "search.placeholder": "Find a community or road",
    "search.placeholder_example": "Find a community or road, e.g. {example}",
    "search.button": "Search",
    "search.none": "Nothing found for “{q}”",
    "search.failed": "The search failed; please try again later",
    "kind.community": "Community",
    "kind.village": "Village",
    "kind.courtyard": "Courtyard",
    "kind.road": "Road",
    "popup.tier": "Tier",
    "popup.titles": "Titles",
    "popup.no_titles": "None yet",
    "popup.more": "Community page",
    "community.title": "{name} · {county}",
    "community.tier": "Community tier",
    "community.tier_village": "Village tier",
    "community.titles": "Civilized titles",
    "community.since": "since {date}",
    "community.no_titles": "No civilized title yet",
    "community.score": "Evaluation grade, {month}",
    "community.band": "{grade} {label} ({low}–{high} points)",
    "community.not_scored": "Not evaluated that month",
    "community.latest": "Last evaluated ({month}): {grade} {label}",
    "community.units": "Responsible units",
    "community.hotline": "Hotline",
    "community.no_hotline": "no hotline yet",
    "community.no_units": "No unit assigned yet",
    "community.fixed": "Problems fixed, {month}",
    "community.fixed_count": "{n}",
    "community.report": "Seen a problem? Report it",
    "community.back": "Back to the map",
    "community.map": "Community boundary",
    "community.map_village": "Village boundary",
    "grade.A": "Excellent",
    "grade.B": "Good",
    "grade.C": "Needs improvement",
    "role.lead": "Lead unit",
    "role.assist": "Assisting unit",
    "role.grid": "Grid cell unit",
    "role.road": "Road segment unit",
    "month": "{month_name} {year}",
    "not_found.title": "Community not found",
    "not_found.message": "There is no community with the code “{code}”. Please look for it on the map.",
}


def add_catalogue(zh: dict[str, str], en: dict[str, str]) -> None:
    """Merge a page group's texts (its own module with a ZH and an EN dict, e.g.
    webmap/texts/report.py) into the two languages; a key defined twice is a mistake."""
    clash = (set(zh) & set(ZH)) | (set(en) & set(EN))
    if clash:
        raise ValueError(f"i18n keys defined twice: {', '.join(sorted(clash))}")
    ZH.update(zh)
    EN.update(en)


for _module in pkgutil.iter_modules(text_modules.__path__):
    _texts = importlib.import_module(f"{text_modules.__name__}.{_module.name}")
    add_catalogue(_texts.ZH, _texts.EN)
CATALOGUES = {"zh": ZH, "en": EN}


def current_lang() -> str:
    """The language of this request: the URL's ``lang`` when it names one; else, on a staff page,
    the one the signed-in person chose (/account/language); else Chinese (also outside a request).
    Public pages follow the URL only: one URL, one language, whoever asks."""
    if not has_request_context():
        return DEFAULT_LANG
    if request.args.get("lang") in LANGS:
        return request.args["lang"]
    if request.blueprint not in PUBLIC_BLUEPRINTS and current_user and current_user.is_authenticated:
        return getattr(current_user, "lang", DEFAULT_LANG)
    return DEFAULT_LANG


def t(key: str, **values) -> str:
    """The text of ``key`` in the current language, filled with ``values``."""
    text = CATALOGUES[current_lang()].get(key, ZH.get(key))
    if text is None:
        return key
    return text.format(**values) if values else text


def zh_en(key: str, **values) -> tuple[str, str]:
    """A text in both languages, for an error raised with its English (``PortalError(zh, en=en)``)."""
    return ZH[key].format(**values), EN[key].format(**values)


def message_of(exc: PortalError) -> str:
    """A domain error's message in the current language."""
    return exc.text(current_lang())


class Lazy:
    """A text looked up in the current language when shown, not when made: the labels and
    messages of forms defined once at import (WTForms formats a message with ``%``)."""

    def __init__(self, key: str, **values):
        self.key, self.values = key, values

    def __str__(self) -> str:
        return t(self.key, **self.values)

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __mod__(self, values) -> str:
        return str(self) % values


def texts(group: str) -> dict[str, str]:
    """A page script's texts in the current language: the keys ``group.*`` without the group
    (handed over in a data attribute as JSON; the script fills ``{name}`` itself)."""
    prefix, catalogue = group + ".", CATALOGUES[current_lang()]
    return {k.removeprefix(prefix): catalogue.get(k, text) for k, text in ZH.items() if k.startswith(prefix)}


def tier_name(tier: str | None) -> str:
    return t(f"tier.{tier}" if tier else "tier.none")


def title_name(title: str) -> str:
    return t(f"title.{title}")


def month_name(month: str) -> str:
    """'2026-10' as '2026 年 10 月' or 'October 2026'."""
    year, number = (int(p) for p in month.split("-"))
    return t("month", year=year, month=number, month_name=calendar.month_name[number])


def _lang_arg(lang: str) -> dict:
    return {} if lang == DEFAULT_LANG else {"lang": lang}


def lang_url(endpoint: str, **values) -> str:
    """``url_for`` that keeps the current language (Chinese URLs carry no ``lang``)."""
    return url_for(endpoint, **values, **_lang_arg(current_lang()))


def switch_lang_url() -> str:
    """This page's URL, with its query, in the other language."""
    other = "en" if current_lang() == "zh" else "zh"
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return url_for(request.endpoint, **(request.view_args or {}), **args, **_lang_arg(other))


def _template_context() -> dict:
    lang = current_lang()
    return {
        "t": t,
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "lang_url": lang_url,
        "switch_lang_url": switch_lang_url,
        "tier_name": tier_name,
        "title_name": title_name,
        "month_name": month_name,
        "texts": texts,
    }


def init_app(app: Flask) -> None:
    """Give every template the language helpers."""
    app.context_processor(_template_context)
