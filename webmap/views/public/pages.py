"""The public face of the portal, for residents without an account: the map of civilized
communities (/), a community's page (/c/<code>) and the small JSON API behind them
(/api/public/...). Every answer is the same for everyone, cached (webmap.views.caching) and in
the language of its URL (webmap.i18n). Nothing here names a person or shows an exact score:
layers.public_map decides what is public.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from geodata.errors import NotFound
from geodata.model import TIERS, TITLES, County
from layers import public_map
from webmap import get_store
from webmap.i18n import lang_url, t, tier_name, title_name
from webmap.views.caching import public_cache
from webmap.views.common import default_county
from webmap.views.params import county_bbox, parse_bbox, parse_query, parse_zoom

bp = Blueprint("public", __name__)

DEFAULT_ZOOM = 14
TIER_KEYS = {"精品": "exemplary", "达标": "standard", "攻坚": "improving"}  # CSS classes: public.css
TITLE_KEYS = {"文明社区": "community", "文明楼院": "compound", "文明巷弄": "lane"}
UNRATED = "unrated"


@bp.get("/")
@public_cache
def home():
    county = default_county(get_store())
    return render_template("public/home.html", county=county, map_config=_map_config(county), **_legend())


@bp.get("/c/<code>")
@public_cache
def community(code: str):
    store = get_store()
    county = default_county(store)
    try:
        summary = public_map.community_summary(store, county, code)
    except NotFound:
        return render_template("public/not_found.html", county=county, code=code), 404
    config = {**_map_config(county), "community": summary.as_dict()["geometry"],
              "tierKey": TIER_KEYS.get(summary.tier, UNRATED)}  # fmt: skip
    return render_template(
        "public/community.html", county=county, c=summary, map_config=config,
        tier_key=config["tierKey"], title_keys=TITLE_KEYS,
    )  # fmt: skip


@bp.get("/api/public/communities")
@public_cache
def communities():
    store = get_store()
    return jsonify(public_map.community_features(store, default_county(store)))


@bp.get("/api/public/communities/<code>")
@public_cache
def community_facts(code: str):
    store = get_store()
    return jsonify(public_map.community_summary(store, default_county(store), code).as_dict())


@bp.get("/api/public/search")
@public_cache
def search():
    q = parse_query(request.args.get("q"))
    store = get_store()
    return jsonify(query=q, results=public_map.search(store, default_county(store), q))


@bp.get("/api/public/roads")
@public_cache
def roads():
    store = get_store()
    county = default_county(store)
    bbox = county_bbox(parse_bbox(request.args.get("bbox")), county)
    zoom = parse_zoom(request.args.get("zoom"), default=DEFAULT_ZOOM)
    return jsonify(public_map.road_features(store, county, bbox, zoom))


def _map_config(county: County) -> dict:
    """What webmap/static/public/public.js needs: where the data is, the county's bounds
    (lat/lon), and the words and classes of the current language."""
    extent = county.boundary or county.extent
    minx, miny, maxx, maxy = extent.bounds if extent is not None else (73.5, 18.0, 135.1, 53.6)
    return {
        "bounds": [[miny, minx], [maxy, maxx]],
        "communities": url_for("public.communities"),
        "roads": url_for("public.roads"),
        "search": url_for("public.search"),
        "page": lang_url("public.community", code="__code__"),
        "minRoadsZoom": public_map.MIN_ROADS_ZOOM,
        "attribution": t("map.attribution"),
        "tiers": {tier: {"key": key, "label": tier_name(tier)} for tier, key in TIER_KEYS.items()},
        "unrated": {"key": UNRATED, "label": tier_name(None)},
        "titles": {title: {"key": key, "label": title_name(title)} for title, key in TITLE_KEYS.items()},
        "text": {key: t(key) for key in (
            "popup.tier", "popup.titles", "popup.no_titles", "popup.more", "search.none", "search.failed",
            "kind.community", "kind.village", "kind.road", "map.failed",
        )},
    }  # fmt: skip


def _legend() -> dict:
    tiers = [(TIER_KEYS[tier], tier_name(tier)) for tier in TIERS] + [(UNRATED, tier_name(None))]
    return {"legend_tiers": tiers, "legend_titles": [(TITLE_KEYS[x], title_name(x)) for x in TITLES]}
