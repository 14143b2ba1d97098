"""The leaders' map page (/portal)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required

from geodata.labels import STATUS_ZH
from webmap.county_settings import county_basemap
from webmap.i18n import lang_url, t
from webmap.mapbuild import PortalUrls, build_portal_map, map_parts
from webmap.maptiles import category_name
from webmap.views.common import store_and_county

bp = Blueprint("portal", __name__)


@bp.get("/portal")
@login_required
def index():
    store, county = store_and_county()
    # "Show my unit": a unit's staff open the map with their unit picked out.
    mine = current_user.unit_id and store.get_unit(county.id, current_user.unit_id).code
    basemap = county_basemap(store, county)  # the one its administrators chose (/admin/county)
    folium_map = build_portal_map(store, county, portal_urls(), my_unit=mine or None, basemap=basemap)
    # The 驾驶舱's charts name categories and statuses by code, in the page's language.
    chart_names = {
        "categories": {c.code: category_name(c) for c in store.list_categories()},
        "statuses": {k: t(f"portal.status.{k}") for k in STATUS_ZH},
    }
    return render_template(
        "portal/index.html", county=county, map=map_parts(folium_map), chart_names=chart_names
    )


def vendor(package: str, filename: str) -> str:
    """Where the portal serves a file of an npm package (an ``@scope/name`` one included)."""
    if package.startswith("@"):
        scope, name = package[1:].split("/", 1)
        return url_for("assets.scoped_vendor", scope=scope, package=name, filename=filename)
    return url_for("assets.vendor", package=package, filename=filename)


def portal_urls() -> PortalUrls:
    # Templates the scripts fill in ({layer}/{z}/{x}/{y}, {id}, {code}): url_for would quote braces.
    tiles = url_for("tiles.vector_tile", layer="LAYER", z=0, x=0, y=0)
    case = url_for("case_pages.case_page", incident_id=0)
    return PortalUrls(
        leaflet_js=vendor("leaflet", "dist/leaflet.js"),
        leaflet_css=vendor("leaflet", "dist/leaflet.css"),
        map_module=url_for("static", filename="portal/map/layers.js"),
        portal_css=url_for("static", filename="portal/map.css"),
        layers_api=url_for("api.layer_index"),
        heat_js=vendor("leaflet.heat", "dist/leaflet-heat.js"),
        heat_api=url_for("tiles.heat"),
        search_api=url_for("api.search"),
        vectorgrid_js=vendor("leaflet.vectorgrid", "dist/Leaflet.VectorGrid.bundled.min.js"),
        tiles_module=url_for("static", filename="portal/tiles/tiles.js"),
        tiles=tiles.replace("LAYER/0/0/0", "{layer}/{z}/{x}/{y}"),
        links={
            "case": case.removesuffix("/0") + "/{id}",
            "cases": url_for("case_pages.case_list"),
            # a public page follows its URL's language only: in the page's language
            "community": lang_url("public.community", code="CODE").replace("CODE", "{code}"),
            "coverage": url_for("coverage.report_page"),
            "history": url_for("history.target_history", kind="segment", target_id=0).removesuffix("/0")
            + "/{id}",
            # who leads a zone on a day (a zone popup asks when it opens: the tiles carry no units)
            "responsible": url_for("assignments.responsible", kind="zone", target_id=0).replace(
                "/0/", "/{id}/"
            ),
        },
    )
