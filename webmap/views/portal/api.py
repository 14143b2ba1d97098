"""The JSON API (/api/v1): map layers for a viewport, units for the legend, the map's search and dashboard."""

from __future__ import annotations

import inspect

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

import layers
from geodata import clock
from layers import dashboard as dashboard_layer
from layers import search as search_layer
from layers.roads import UNGUARDED_COLOUR, UNGUARDED_LABEL, unit_legend
from webmap import get_store
from webmap.views.common import current_county, store_and_county
from webmap.views.filters import case_filters
from webmap.views.params import county_bbox, parse_bbox, parse_month, parse_query, parse_zoom
from webmap.views.requests import key_or_login

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_ZOOM = 14


@bp.get("/layers")
@key_or_login
def layer_index():
    return jsonify(layers=[{"name": m.NAME, "title": m.TITLE} for m in layers.LAYERS.values()])


@bp.get("/layers/<name>")
@key_or_login
def layer(name: str):
    layer_module = layers.get_layer(name)
    store, county = store_and_county()
    bbox = county_bbox(parse_bbox(request.args.get("bbox")), county)
    zoom = parse_zoom(request.args.get("zoom"), default=DEFAULT_ZOOM)
    extra = {}
    parameters = inspect.signature(layer_module.features).parameters
    if "month" in parameters and request.args.get("month"):
        extra["month"] = parse_month(request.args["month"])
    if "unit" in parameters:
        extra["unit"] = request.args.get("unit") or None
    if "filters" in parameters:  # a layer of cases takes the case list's filters
        extra.update(case_filters(store, county).store_filters())
    return jsonify(layer_module.features(store, county, bbox, zoom, **extra))


@bp.get("/units")
@login_required
def units():
    store, county = store_and_county()
    return jsonify(
        county={"code": county.code, "name": county.name},
        units=unit_legend(store.list_units(county.id)),
        unassigned={"name": UNGUARDED_LABEL, "colour": UNGUARDED_COLOUR},
    )


@bp.get("/search")
@login_required
def search():
    """Cases by number, units, communities, roads and grid cells matching ``q`` (at most 20)."""
    q = parse_query(request.args.get("q"))
    store = get_store()
    own = current_user.unit_id if current_user.role == "unit_staff" else None
    return jsonify(query=q, results=search_layer.search(store, current_county(store), q, unit_id=own))


@bp.get("/dashboard")
@login_required
def dashboard():
    """The 驾驶舱's numbers for the cases the map's filters pick (unit staff: their unit's)."""
    store, county = store_and_county()
    filters = case_filters(store, county).store_filters()
    return jsonify(dashboard_layer.dashboard(store, county, clock.now(), **filters))
